"""Calls through a cache (chatplex/chat/inflight.py): identical calls in flight share one
HTTP call (sync, async, across threads and loops), a provider error reaches every waiter
and is never stored, a cancelled leader hands over, waiters keep their deadline, streams
replay and store only when they ended."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest

import chatplex
from chatplex import AIMessage, InMemoryCache, track_usage
from chatplex.chat.cache import dump_reply, load_reply
from chatplex.errors import BadRequestError
from chatplex.messages import merge_chunks, reply_as_chunk
from chatplex.testing import MockServer

from .conftest import ask, ask_batch, make, parity, providers

pytestmark = pytest.mark.usefixtures("clean_cache")


@parity
async def test_sixty_four_identical_requests_started_together_send_one(
    mock: MockServer, sync: bool
) -> None:
    mock.settings.latency = 0.2  # all 64 are in flight while the first is on the wire
    model = make(mock, cache=InMemoryCache())
    with track_usage() as usage:
        replies = await ask_batch(model, sync, ["same"] * 64, config={"max_concurrency": 64})
    assert mock.stats.requests == 1
    assert {r.text for r in replies} == {"Echo: same"}
    assert sum(not r.response_metadata.get("cached") for r in replies) == 1
    assert usage.total.requests == 1 and usage.total.cached == 63
    assert len({id(r) for r in replies}) == 64  # each caller has its own message


def test_identical_calls_in_threads_and_event_loops_share_one_request(mock: MockServer) -> None:
    mock.settings.latency = 0.3
    model = make(mock, cache=InMemoryCache())
    out: list[str] = []

    def in_a_thread() -> None:
        out.append(model.invoke("shared").text)

    def in_a_loop() -> None:
        async def go() -> None:
            replies = await asyncio.gather(*(model.ainvoke("shared") for _ in range(4)))
            out.extend(r.text for r in replies)

        asyncio.run(go())

    threads = [threading.Thread(target=in_a_thread) for _ in range(4)]
    threads += [threading.Thread(target=in_a_loop) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(20)
    assert out == ["Echo: shared"] * 12
    assert mock.stats.requests == 1


@parity
async def test_a_provider_error_is_shared_with_the_waiters_and_never_stored(
    mock: MockServer, sync: bool
) -> None:
    mock.settings.latency = 0.2
    mock.settings.fault_plan = lambda request: "status=400"
    model = make(mock, cache=InMemoryCache(), max_retries=0)
    out = await ask_batch(model, sync, ["bad"] * 8, return_exceptions=True)
    assert all(isinstance(e, BadRequestError) for e in out)
    assert mock.stats.requests == 1
    mock.settings.fault_plan = None
    assert (await ask(model, sync, "bad")).text == "Echo: bad"  # not cached: sent again
    assert mock.stats.requests == 2


async def test_when_the_first_call_is_cancelled_a_waiter_sends_instead(
    mock: MockServer,
) -> None:
    mock.settings.latency = 0.3
    model = make(mock, cache=InMemoryCache())
    leader = asyncio.ensure_future(model.ainvoke("x"))
    await asyncio.sleep(0.05)
    follower = asyncio.ensure_future(model.ainvoke("x"))
    await asyncio.sleep(0.05)
    leader.cancel()
    reply = await asyncio.wait_for(follower, 10)
    assert reply.text == "Echo: x" and not reply.response_metadata.get("cached")
    with pytest.raises(asyncio.CancelledError):
        await leader


def test_a_waiter_gives_up_at_its_deadline(mock: MockServer) -> None:
    mock.settings.latency = 1.0
    model = make(mock, cache=InMemoryCache())
    thread = threading.Thread(target=model.invoke, args=("slow",))
    thread.start()
    time.sleep(0.1)
    started = time.monotonic()
    with pytest.raises(chatplex.errors.DeadlineExceededError):
        model.invoke("slow", config={"timeout": 0.2})
    assert time.monotonic() - started < 0.9
    thread.join(10)


# ---- streams ------------------------------------------------------------------------------


async def collect(model: Any, sync: bool, value: Any) -> list[Any]:
    if sync:
        return list(model.stream(value))
    return [chunk async for chunk in model.astream(value)]


@providers
@parity
async def test_a_stream_from_the_cache_replays_the_reply(
    mock: MockServer, provider: str, sync: bool
) -> None:
    model = make(mock, provider, cache=InMemoryCache())
    live = await collect(model, sync, "stream me")
    again = await collect(model, sync, "stream me")
    assert mock.stats.requests == 1
    stored = merge_chunks(live).to_message()
    replayed = merge_chunks(again).to_message()
    assert replayed.text == stored.text == "Echo: stream me"
    assert replayed.response_metadata.pop("cached") is True
    for message in (stored, replayed):
        message.response_metadata.pop("cost", None)
        message.response_metadata.pop("attempts")
    assert replayed == stored
    # ... and a non-stream call is answered by the streamed reply too
    assert (await ask(model, sync, "stream me")).response_metadata["cached"] is True
    assert mock.stats.requests == 1


@parity
async def test_a_stream_left_early_is_not_stored(mock: MockServer, sync: bool) -> None:
    model = make(mock, cache=InMemoryCache())
    if sync:
        for _chunk in model.stream("partial", extra_headers={"x-mock-chunks": "5"}):
            break
    else:
        async with asyncio.timeout(5):
            stream = model.astream("partial", extra_headers={"x-mock-chunks": "5"})
            async for _chunk in stream:
                break
            await stream.aclose()  # type: ignore[attr-defined]
    await ask(model, sync, "partial", extra_headers={"x-mock-chunks": "5"})
    assert mock.stats.requests == 2


def test_a_replayed_reply_merges_back_to_tool_calls_invalid_ones_and_blocks() -> None:
    message = AIMessage(
        content=[{"type": "reasoning", "reasoning": "hm"}, {"type": "text", "text": "ok"}],
        id="m1",
        response_metadata={"model_name": "x", "finish_reason": "tool_calls"},
        tool_calls=[{"name": "f", "args": {"a": [1, "é"]}, "id": "c1", "type": "tool_call"}],
        invalid_tool_calls=[
            {
                "name": "g",
                "args": "{oops",
                "id": "c2",
                "error": "arguments are not valid JSON: Expecting property name enclosed in "
                "double quotes: line 1 column 2 (char 1)",
                "type": "invalid_tool_call",
            }
        ],
        usage_metadata={"input_tokens": 3, "output_tokens": 4, "total_tokens": 7},
    )
    loaded = load_reply(dump_reply(message))
    assert loaded is not None
    assert merge_chunks([reply_as_chunk(loaded)]).to_message() == loaded
    for key in ("cached", "attempts", "cost"):
        loaded.response_metadata.pop(key)
    assert loaded == message
