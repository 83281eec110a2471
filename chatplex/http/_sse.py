"""Server-sent events over a body's byte chunks (sync or async iterables), decoded by the
adapters' kit's `SSEDecoder` (`chatplex.adapters.sse`, pure, which a wire's own framing
builds on)."""

from __future__ import annotations

from collections.abc import AsyncIterable
from collections.abc import AsyncIterator
from collections.abc import Iterable
from collections.abc import Iterator

from ..adapters.sse import SSEDecoder
from ..adapters.sse_event import SSEEvent

__all__ = ["aiter_sse_events", "iter_sse_events"]


def iter_sse_events(chunks: Iterable[bytes]) -> Iterator[SSEEvent]:
    """Events from an iterable of byte chunks (e.g. `response.iter_bytes()`)."""
    decoder = SSEDecoder()
    for chunk in chunks:
        yield from decoder.feed(chunk)
    yield from decoder.flush()


async def aiter_sse_events(chunks: AsyncIterable[bytes]) -> AsyncIterator[SSEEvent]:
    """Events from an async iterable of byte chunks (e.g. `response.aiter_bytes()`)."""
    decoder = SSEDecoder()
    async for chunk in chunks:
        for event in decoder.feed(chunk):
            yield event
    for event in decoder.flush():
        yield event
