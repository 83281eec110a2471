"""Server-sent events read back by a wire's stream parser, as chatplex's stream reads them."""

from __future__ import annotations

from typing import Any

from chatplex.http import SSEDecoder
from chatplex.http._sse import iter_sse_events
from chatplex.messages import merge_chunks


def streamed_by(wire: Any, parser: Any, reply: Any, view: dict[str, Any]) -> Any:
    """The message `parser` merges from the events the mock server's `wire` renders for
    `reply` (its request's `view`), decoded as SSE."""
    decoder = SSEDecoder()
    frames = wire.render_events(reply, "rid1", view)
    chunks = [c for f, _ in frames for e in decoder.feed(f) if (c := parser.feed(e))]
    parser.finish()
    return merge_chunks(chunks).to_message()


def parsed(parser: Any, pieces: list[bytes]) -> list[Any]:
    """The chunks `parser` makes of the events in `pieces` (a body as the network cut it),
    then finished."""
    chunks = []
    for event in iter_sse_events(pieces):
        chunk = parser.feed(event)
        if chunk is not None:
            chunks.append(chunk)
    parser.finish()
    return chunks
