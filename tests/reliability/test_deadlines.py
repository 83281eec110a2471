"""Deadlines: `RunnableConfig(timeout=...)` bounds the whole call -- every attempt, every
wait between attempts and the wait in the rate limiter -- and per-request timeouts and
the stream idle timeout each raise their own typed error."""

from __future__ import annotations

import time
from typing import Any

import pytest
from _faultkit import NEVER
from _faultkit import PROMPTLY
from _faultkit import FaultPlan
from _faultkit import VirtualTime
from _faultkit import each_way
from _faultkit import make_model
from _faultkit import stream_into

from chatplex.errors import APITimeoutError
from chatplex.errors import DeadlineExceededError
from chatplex.errors import ServerError
from chatplex.http import retry_policy
from chatplex.testing import MockServer
from tests._calls import ask
from tests._calls import ask_stream
from tests._calls import connections_left


@each_way
@pytest.mark.parametrize("streaming", [False, True], ids=["invoke", "stream"])
async def test_the_deadline_covers_the_retries(
    mock: MockServer, plan: FaultPlan, provider: str, sync: bool, streaming: bool
) -> None:
    # Always 503 with retry-after 2 s, a 5 s deadline: attempts at 0, 2 and 4 s; the next
    # could not start before 6 s, so the call ends there and then -- it does not sleep
    # into the deadline. The policy's clock and sleeps are virtual: exact, and instant.
    time_ = VirtualTime()
    model = make_model(mock, provider, retry_policy=time_.policy(max_retries=10))
    headers = plan.always("status=503;retry_after=2")
    started = time.monotonic()
    with pytest.raises(DeadlineExceededError) as info:
        if streaming:
            await ask_stream(model, sync, "hi", config={"timeout": 5}, extra_headers=headers)
        else:
            await ask(model, sync, "hi", config={"timeout": 5}, extra_headers=headers)
    assert time_.slept == [2.0, 2.0]  # the server's retry-after, and no sleep past 5 s
    assert time.monotonic() - started < 5  # ended by the policy, not by the real deadline
    cause = info.value.__cause__
    assert isinstance(cause, ServerError) and cause.attempts == 3
    assert mock.stats.attempts[headers["x-request-key"]] == 3


@each_way
async def test_a_slow_reply_is_cut_at_the_deadline(
    mock: MockServer, plan: FaultPlan, provider: str, sync: bool
) -> None:
    model = make_model(mock, provider)
    slow = {"x-mock-latency": str(NEVER)}
    started = time.monotonic()
    with pytest.raises(DeadlineExceededError):
        await ask(model, sync, "hi", config={"timeout": 0.3}, extra_headers=slow)
    assert 0.25 < time.monotonic() - started < PROMPTLY  # the deadline, not the reply
    assert connections_left(sync) == 0


@each_way
async def test_the_deadline_ends_a_stream_midway(
    mock: MockServer, plan: FaultPlan, provider: str, sync: bool
) -> None:
    # 60 words 0.1 s apart (6 s) against a 1 s deadline: the first content arrives within
    # ~0.2 s, leaving a loaded machine most of a second of margin.
    model = make_model(mock, provider)
    seen: list[Any] = []
    headers = {"x-mock-chunk-delay": "0.1"}
    words = " ".join(f"w{i}" for i in range(60))
    config: Any = {"timeout": 1.0}
    with pytest.raises(DeadlineExceededError):
        await stream_into(seen, model, sync, words, config=config, extra_headers=headers)
    assert seen  # it was streaming when the deadline came
    assert connections_left(sync) == 0


@each_way
async def test_a_read_timeout_is_a_typed_timeout(
    mock: MockServer, plan: FaultPlan, provider: str, sync: bool
) -> None:
    model = make_model(mock, provider, timeout=0.5, retry_policy=retry_policy(max_retries=0))
    headers = plan.always(f"stall={NEVER:g}")
    started = time.monotonic()
    with pytest.raises(APITimeoutError) as info:
        await ask(model, sync, "hi", extra_headers=headers)
    assert 0.45 < time.monotonic() - started < PROMPTLY  # the timeout, not the stall
    assert not isinstance(info.value, DeadlineExceededError) and info.value.attempts == 1


@each_way
async def test_waiting_in_the_rate_limiter_counts_against_the_deadline(
    mock: MockServer, plan: FaultPlan, provider: str, sync: bool
) -> None:
    # 1 request/min: after the first, the next slot is ~a minute away -- past a 20 s
    # deadline, so the call fails at once (not by sleeping until the deadline), and
    # nothing is sent.
    model = make_model(
        mock,
        provider,
        rate_limit={"requests_per_minute": 1},
        api_key=f"sk-deadline-{provider}-{sync}-{time.monotonic_ns()}",  # a budget of its own
    )
    headers = plan.on()  # counted apart from any request another test left on its way
    assert (await ask(model, sync, "first", extra_headers=headers)).text == "Echo: first"
    started = time.monotonic()
    with pytest.raises(DeadlineExceededError, match="rate limiter"):
        await ask(model, sync, "second", config={"timeout": 20.0}, extra_headers=headers)
    assert time.monotonic() - started < 10  # at once: not the 20 s the deadline allows
    assert mock.stats.attempts[headers["x-request-key"]] == 1
