"""Deadlines: `RunnableConfig(timeout=...)` bounds the whole call -- every attempt, every
wait between attempts and the wait in the rate limiter -- and per-request timeouts and
the stream idle timeout each raise their own typed error."""

from __future__ import annotations

import time
from typing import Any

import pytest
from _faultkit import FaultPlan, ask, ask_stream, make_model, parity, providers

from chatplex.errors import APITimeoutError, DeadlineExceededError, ServerError
from chatplex.http import connections_in_use, get_async_client, get_sync_client, retry_policy
from chatplex.testing import MockServer


@providers
@parity
@pytest.mark.parametrize("streaming", [False, True], ids=["invoke", "stream"])
async def test_the_deadline_covers_the_retries(
    mock: MockServer, plan: FaultPlan, provider: str, sync: bool, streaming: bool
) -> None:
    # Always 503 with retry-after 0.2 s: attempts at 0, 0.2, 0.4 s; the next could not
    # start before 0.5 s, so the call ends there and then -- it does not sleep into it.
    model = make_model(mock, provider, retry_policy=retry_policy(max_retries=10))
    headers = plan.always("status=503;retry_after=0.2")
    started = time.monotonic()
    with pytest.raises(DeadlineExceededError) as info:
        if streaming:
            await ask_stream(model, sync, "hi", config={"timeout": 0.5}, extra_headers=headers)
        else:
            await ask(model, sync, "hi", config={"timeout": 0.5}, extra_headers=headers)
    elapsed = time.monotonic() - started
    assert 0.2 < elapsed < 0.6  # ~0.4 s; less when the first connection was slow to open
    cause = info.value.__cause__
    assert isinstance(cause, ServerError) and cause.attempts in (2, 3)
    assert mock.stats.attempts[headers["x-request-key"]] == cause.attempts


@providers
@parity
async def test_a_slow_reply_is_cut_at_the_deadline(
    mock: MockServer, plan: FaultPlan, provider: str, sync: bool
) -> None:
    model = make_model(mock, provider)
    started = time.monotonic()
    with pytest.raises(DeadlineExceededError):
        await ask(model, sync, "hi", config={"timeout": 0.3}, extra_headers={"x-mock-latency": "3"})
    assert 0.25 < time.monotonic() - started < 0.6
    client = get_sync_client() if sync else get_async_client()
    assert connections_in_use(client) == 0


@providers
@parity
async def test_the_deadline_ends_a_stream_midway(
    mock: MockServer, plan: FaultPlan, provider: str, sync: bool
) -> None:
    model = make_model(mock, provider)
    seen: list[Any] = []
    headers = {"x-mock-chunk-delay": "0.05"}
    words = " ".join(f"w{i}" for i in range(40))
    with pytest.raises(DeadlineExceededError):
        if sync:
            seen.extend(model.stream(words, config={"timeout": 0.4}, extra_headers=headers))
        else:
            async for chunk in model.astream(words, config={"timeout": 0.4}, extra_headers=headers):
                seen.append(chunk)
    assert seen  # it was streaming when the deadline came
    client = get_sync_client() if sync else get_async_client()
    assert connections_in_use(client) == 0


@providers
@parity
async def test_a_read_timeout_is_a_typed_timeout(
    mock: MockServer, plan: FaultPlan, provider: str, sync: bool
) -> None:
    model = make_model(mock, provider, timeout=0.2, retry_policy=retry_policy(max_retries=0))
    headers = plan.always("stall=2")
    started = time.monotonic()
    with pytest.raises(APITimeoutError) as info:
        await ask(model, sync, "hi", extra_headers=headers)
    assert 0.15 < time.monotonic() - started < 0.6
    assert not isinstance(info.value, DeadlineExceededError) and info.value.attempts == 1


@providers
@parity
async def test_waiting_in_the_rate_limiter_counts_against_the_deadline(
    mock: MockServer, plan: FaultPlan, provider: str, sync: bool
) -> None:
    # 6 requests/min: after the first, the next slot is ~9 s away -- past a 2 s deadline,
    # so the call fails at once (not by sleeping until the deadline), and nothing is sent.
    model = make_model(
        mock,
        provider,
        rate_limit={"requests_per_minute": 6},
        api_key=f"sk-deadline-{provider}-{sync}-{time.monotonic_ns()}",  # a budget of its own
    )
    assert (await ask(model, sync, "first")).text == "Echo: first"
    started = time.monotonic()
    with pytest.raises(DeadlineExceededError, match="rate limiter"):
        await ask(model, sync, "second", config={"timeout": 2.0})
    assert time.monotonic() - started < 1.0
    assert mock.stats.requests == 1
