"""The v3 stream objects' reading rules: every reader replays from the first delta, a
sync reader pulls the stream only as far as it needs, an async one waits for the
producer; text projections' `str`, `bool` and `repr`."""

from __future__ import annotations

import asyncio

import pytest

from chatplex.core.events_v3_stream import AsyncChatModelStream
from chatplex.core.events_v3_stream import ChatModelStream
from chatplex.core.events_v3_stream import SyncTextProjection

_TEXT = [
    {"event": "message-start", "role": "ai", "id": "m1"},
    {"event": "content-block-start", "index": 0, "content": {"type": "text", "text": ""}},
    {"event": "content-block-delta", "index": 0, "delta": {"type": "text-delta", "text": "Hi "}},
    {"event": "content-block-delta", "index": 0, "delta": {"type": "text-delta", "text": "you"}},
    {"event": "content-block-finish", "index": 0, "content": {"type": "text", "text": "Hi you"}},
    {"event": "message-finish"},
]


def _pulled() -> tuple[ChatModelStream, list[int]]:
    """A sync stream pulling `_TEXT` one event a pull, and the count of pulls."""
    pulls: list[int] = []

    def pump() -> bool:
        if len(pulls) == len(_TEXT):
            return False
        stream.dispatch(_TEXT[len(pulls)])
        pulls.append(1)
        return True

    stream = ChatModelStream(lambda: None, pump)
    return stream, pulls


def test_a_sync_reader_pulls_only_as_far_as_it_reads() -> None:
    stream, pulls = _pulled()
    reader = iter(stream.text)
    assert next(reader) == "Hi " and len(pulls) == 3
    assert repr(stream.text) == "'Hi '" and bool(stream.text)
    assert list(stream.text) == ["Hi ", "you"]  # a second reader replays from the first
    assert list(reader) == ["you"]
    assert str(stream.text) == "Hi you" and repr(stream.text) == "'Hi you'"
    assert [e["event"] for e in stream] == [e["event"] for e in _TEXT]


def test_a_text_projection_of_a_stream_that_ended_without_text_is_empty() -> None:
    projection = SyncTextProjection(lambda: None, lambda: False)
    assert projection.get() == "" and not projection and list(projection) == []


def test_output_of_a_stream_that_ended_without_a_message_raises() -> None:
    stream = ChatModelStream(lambda: None, lambda: False)
    with pytest.raises(RuntimeError, match="without producing a message"):
        stream.output  # noqa: B018 - the property reads the stream


async def test_async_readers_wait_for_the_producer() -> None:
    async def start() -> None:
        if stream._producer_task is None:
            stream._producer_task = asyncio.get_running_loop().create_task(produce())

    async def produce() -> None:
        for event in _TEXT:
            await asyncio.sleep(0)  # each event in a later turn of the loop
            stream.dispatch(event)

    stream = AsyncChatModelStream(start)
    first, whole = await asyncio.gather(_first(stream), _awaited(stream))
    assert first == "Hi " and whole == "Hi you"
    assert [piece async for piece in stream.text] == ["Hi ", "you"]
    assert (await stream).content == [{"type": "text", "text": "Hi you", "index": 0}]
    await stream.aclose()  # finished: nothing to cancel
    assert stream.done and (await stream.output).id == "m1"


async def _first(stream: AsyncChatModelStream) -> str:
    async for piece in stream.text:
        return piece
    raise AssertionError("no text")


async def _awaited(stream: AsyncChatModelStream) -> str:
    return await stream.text
