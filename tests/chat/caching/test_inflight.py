"""Calls through a cache (chatplex/chat/caching/inflight.py): identical calls in flight share one
HTTP call (sync, async, across threads and loops), a provider error reaches every waiter
and is never stored, a cancelled leader hands over, waiters keep their deadline, streams
replay and store only when they ended; a backend that fails is a miss said once, its
waiters still get the reply it could not store, and every lookup and store gets the
call's deadline."""

from __future__ import annotations

import asyncio
import logging
import threading
import time

import pytest

import chatplex
from chatplex import AIMessage
from chatplex import InMemoryCache
from chatplex import track_usage
from chatplex.chat.caching import inflight
from chatplex.chat.caching.entries import dump_reply
from chatplex.chat.caching.entries import load_reply
from chatplex.errors import BadRequestError
from chatplex.messages import merge_chunks
from chatplex.messages import reply_as_chunk
from chatplex.testing import MockServer
from tests._calls import ask
from tests._calls import ask_stream
from tests.chat.caching._cachelog import cache_warnings

from ..conftest import ask_batch
from ..conftest import make
from ..conftest import parity
from ..conftest import providers

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
    mock.settings.latency = 3.0  # the leader's reply: ~2.9 s after the waiter starts
    model = make(mock, cache=InMemoryCache())
    thread = threading.Thread(target=model.invoke, args=("slow",))
    thread.start()
    time.sleep(0.1)
    started = time.monotonic()
    with pytest.raises(chatplex.errors.DeadlineExceededError):
        model.invoke("slow", config={"timeout": 0.2})
    assert time.monotonic() - started < 2.5  # at its deadline, not at the leader's reply
    thread.join(10)


# ---- streams ------------------------------------------------------------------------------


@providers
@parity
async def test_a_stream_from_the_cache_replays_the_reply(
    mock: MockServer, provider: str, sync: bool
) -> None:
    model = make(mock, provider, cache=InMemoryCache())
    live = await ask_stream(model, sync, "stream me")
    again = await ask_stream(model, sync, "stream me")
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


# ---- a backend that fails or waits ----------------------------------------------------------


class Failing(InMemoryCache):
    """Looks up, or stores, never (a full disk, a store gone read-only, a network down)."""

    def __init__(self, fail_lookup: bool = False, fail_update: bool = False) -> None:
        super().__init__()
        self.fail_lookup, self.fail_update = fail_lookup, fail_update

    def lookup(self, key: str) -> str | None:
        if self.fail_lookup:
            raise ConnectionError("cache server unreachable")
        return super().lookup(key)

    def update(self, key: str, value: str) -> None:
        if self.fail_update:
            raise OSError(28, "No space left on device")
        super().update(key, value)


@parity
async def test_waiters_get_the_reply_their_leader_could_not_store(
    mock: MockServer, sync: bool, caplog: pytest.LogCaptureFixture
) -> None:
    mock.settings.latency = 0.2
    caplog.set_level(logging.WARNING, logger="chatplex.cache")
    model = make(mock, cache=Failing(fail_update=True))
    replies = await ask_batch(model, sync, ["same"] * 8, config={"max_concurrency": 8})
    assert {r.text for r in replies} == {"Echo: same"}
    assert mock.stats.requests == 1  # one call on the wire, shared though never stored
    await ask_batch(model, sync, ["same"] * 8, config={"max_concurrency": 8})
    assert mock.stats.requests == 2
    (warning,) = cache_warnings(caplog)
    assert "OSError" in warning and "storing a reply" in warning


@parity
async def test_a_backend_that_cannot_look_up_is_a_miss_said_once(
    mock: MockServer, sync: bool, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="chatplex.cache")
    model = make(mock, cache=Failing(fail_lookup=True))
    for i in range(20):
        assert (await ask(model, sync, f"q{i % 2}")).text == f"Echo: q{i % 2}"
    assert mock.stats.requests == 20
    (warning,) = cache_warnings(caplog)
    assert "ConnectionError" in warning and "cache server unreachable" in warning


async def test_a_leader_cancelled_while_storing_still_hands_its_reply_over() -> None:
    entered = asyncio.Event()

    class SlowStore(InMemoryCache):
        async def aupdate_within(self, key: str, value: str, deadline: float | None) -> None:
            entered.set()
            await asyncio.sleep(30)

    cache = SlowStore()
    sent: list[str] = []

    async def call() -> AIMessage:
        sent.append("leader")
        return AIMessage("the reply")

    async def second() -> AIMessage:
        sent.append("waiter")
        return AIMessage("sent again")

    leader = asyncio.ensure_future(inflight.acached_call(inflight.Entry(cache, "k", None), call))
    await asyncio.wait_for(entered.wait(), 10)
    waiter = asyncio.ensure_future(inflight.acached_call(inflight.Entry(cache, "k", None), second))
    await asyncio.sleep(0.05)  # the waiter joined the flight
    leader.cancel()
    reply, fresh = await asyncio.wait_for(waiter, 10)
    assert reply.text == "the reply" and not fresh and sent == ["leader"]
    with pytest.raises(asyncio.CancelledError):
        await leader


class Recording(InMemoryCache):
    """Notes the deadline each lookup and store was given."""

    def __init__(self) -> None:
        super().__init__()
        self.deadlines: list[tuple[str, float | None]] = []

    def lookup_within(self, key: str, deadline: float | None) -> str | None:
        self.deadlines.append(("lookup", deadline))
        return self.lookup(key)

    def update_within(self, key: str, value: str, deadline: float | None) -> None:
        self.deadlines.append(("update", deadline))
        self.update(key, value)

    async def alookup_within(self, key: str, deadline: float | None) -> str | None:
        self.deadlines.append(("alookup", deadline))
        return self.lookup(key)

    async def aupdate_within(self, key: str, value: str, deadline: float | None) -> None:
        self.deadlines.append(("aupdate", deadline))
        self.update(key, value)


@parity
@pytest.mark.parametrize("streamed", [False, True], ids=["call", "stream"])
async def test_lookups_and_stores_get_the_calls_deadline(
    mock: MockServer, sync: bool, streamed: bool
) -> None:
    cache = Recording()
    model = make(mock, cache=cache)
    config = {"timeout": 30.0}
    before = time.monotonic()
    if streamed:
        if sync:
            list(model.stream("d", config))
        else:
            [chunk async for chunk in model.astream("d", config)]
    else:
        await ask(model, sync, "d", config=config)
    kinds = [kind for kind, _ in cache.deadlines]
    assert kinds == (["lookup", "update"] if sync else ["alookup", "aupdate"])
    for _, deadline in cache.deadlines:
        assert deadline is not None and before + 29 < deadline <= time.monotonic() + 30
