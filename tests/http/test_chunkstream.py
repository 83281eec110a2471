"""The handles `stream()` / `astream()` return (`http/_chunkstream.py`): iterators over the
chunks of one reply that close the call -- and so its response -- when closed or left."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from collections.abc import Generator

import pytest

from chatplex.http._chunkstream import AsyncChunkStream
from chatplex.http._chunkstream import ChunkStream
from chatplex.messages import AIMessageChunk


class Call:
    """Stands for the generator running one HTTP call: records when it is closed."""

    def __init__(self) -> None:
        self.closed = 0

    def gen(self) -> Generator[AIMessageChunk, None, None]:
        try:
            yield AIMessageChunk("a")
            yield AIMessageChunk("b")
        finally:
            self.closed += 1

    async def agen(self) -> AsyncGenerator[AIMessageChunk, None]:
        try:
            yield AIMessageChunk("a")
            yield AIMessageChunk("b")
        finally:
            self.closed += 1


def test_iterating_yields_the_chunks_of_the_generator_itself() -> None:
    call = Call()
    gen = call.gen()
    stream = ChunkStream(gen)
    assert iter(stream) is gen  # no wrapper call per chunk
    assert [c.text for c in stream] == ["a", "b"]
    assert call.closed == 1


def test_next_close_and_with() -> None:
    call = Call()
    stream = ChunkStream(call.gen())
    assert next(stream).text == "a"
    stream.close()
    stream.close()  # idempotent
    assert call.closed == 1
    with pytest.raises(StopIteration):
        next(stream)
    with ChunkStream(call.gen()) as held:
        assert next(held).text == "a"
    assert call.closed == 2  # leaving the block closed it, mid-stream


async def test_the_async_handle() -> None:
    call = Call()
    agen = call.agen()
    stream = AsyncChunkStream(agen)
    assert stream.__aiter__() is agen
    assert (await stream.__anext__()).text == "a"
    await stream.aclose()
    await stream.aclose()
    assert call.closed == 1
    async with AsyncChunkStream(call.agen()) as held:
        assert [c.text async for c in held] == ["a", "b"]
    assert call.closed == 2
    async with AsyncChunkStream(call.agen()) as held:
        assert (await held.__anext__()).text == "a"
    assert call.closed == 3
