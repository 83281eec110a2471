"""What the mock server's SSE wires stream, read back by chatplex's parser of the wire."""

from __future__ import annotations

from typing import Any

from chatplex.http import SSEDecoder
from chatplex.messages import merge_chunks


def streamed_by(wire: Any, parser: Any, reply: Any, view: dict[str, Any]) -> Any:
    """The message `parser` merges from the events `wire` renders for `reply` (its request's
    `view`), decoded as SSE."""
    decoder = SSEDecoder()
    frames = wire.render_events(reply, "rid1", view)
    chunks = [c for f, _ in frames for e in decoder.feed(f) if (c := parser.feed(e))]
    parser.finish()
    return merge_chunks(chunks).to_message()
