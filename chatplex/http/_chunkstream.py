"""The handles `stream()` / `astream()` return: the chunks of one streamed reply.

Each wraps the generator that runs the call and closes it -- and so the HTTP response and
its pooled connection -- on `close()` / `aclose()` or at the end of a `with` block.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from collections.abc import AsyncIterator
from collections.abc import Awaitable
from collections.abc import Generator
from collections.abc import Iterator

from ..messages import AIMessageChunk

__all__ = ["AsyncChunkStream", "ChunkStream"]


class ChunkStream:
    """The chunks of one streamed reply: an iterator that is also a context manager."""

    __slots__ = ("_gen",)

    def __init__(self, gen: Generator[AIMessageChunk, None, None]) -> None:
        self._gen = gen

    def __iter__(self) -> Iterator[AIMessageChunk]:
        return self._gen  # iterate the generator itself: no wrapper call per chunk

    def __next__(self) -> AIMessageChunk:
        return next(self._gen)

    def close(self) -> None:
        """Stop the stream and return its connection to the pool (idempotent)."""
        self._gen.close()

    def __enter__(self) -> ChunkStream:
        return self

    def __exit__(self, *exc: object) -> None:
        self._gen.close()


class AsyncChunkStream:
    """The chunks of one streamed reply: an async iterator and async context manager."""

    __slots__ = ("_agen",)

    def __init__(self, agen: AsyncGenerator[AIMessageChunk, None]) -> None:
        self._agen = agen

    def __aiter__(self) -> AsyncIterator[AIMessageChunk]:
        return self._agen

    def __anext__(self) -> Awaitable[AIMessageChunk]:
        return self._agen.__anext__()

    async def aclose(self) -> None:
        """Stop the stream and return its connection to the pool (idempotent)."""
        await self._agen.aclose()

    async def __aenter__(self) -> AsyncChunkStream:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self._agen.aclose()
