"""The reliability settings of a chat model, end to end: `max_retries` (default 2, per
call too), `max_retry_after`, per-call `extra_headers`, and `rate_limit` -- the shared
budget every attempt goes through."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from _faultkit import PROMPTLY
from _faultkit import FaultPlan
from _faultkit import each_way
from _faultkit import make_model
from _faultkit import providers

import chatplex.http._ratelimit as ratelimit
from chatplex.errors import ServerError
from chatplex.http._budget_shared import RateLimit
from chatplex.http._ratelimit import get_budget
from chatplex.testing import MockServer
from chatplex.testing.mock_server import MockRequest
from tests._calls import ask

QUICK_503 = "status=503;retry_after_ms=5"  # retried after 5 ms, whatever the backoff


def default_policy_model(mock: MockServer, provider: str, **settings: Any) -> Any:
    return make_model(mock, provider, retry_policy=None, **settings)


@each_way
async def test_two_retries_by_default(
    mock: MockServer, plan: FaultPlan, provider: str, sync: bool
) -> None:
    model = default_policy_model(mock, provider)
    assert model.max_retries == 2 and model.max_retry_after == 60.0
    with pytest.raises(ServerError) as info:
        await ask(model, sync, "x", extra_headers=plan.always(QUICK_503))
    assert info.value.attempts == 3


@each_way
async def test_max_retries_on_the_model_per_binding_and_per_call(
    mock: MockServer, plan: FaultPlan, provider: str, sync: bool
) -> None:
    model = default_policy_model(mock, provider, max_retries=0)
    for call_model, overrides, attempts in (
        (model, {}, 1),
        (model.bind(max_retries=1), {}, 2),
        (model, {"max_retries": 4}, 5),
    ):
        headers = plan.always(QUICK_503)
        with pytest.raises(ServerError) as info:
            await ask(call_model, sync, "x", extra_headers=headers, **overrides)
        assert info.value.attempts == attempts == mock.stats.attempts[headers["x-request-key"]]


@each_way
async def test_max_retry_after_caps_the_servers_wait(
    mock: MockServer, plan: FaultPlan, provider: str, sync: bool
) -> None:
    model = default_policy_model(mock, provider, max_retry_after=0.05)
    started = time.monotonic()
    reply = await ask(model, sync, "x", extra_headers=plan.on("status=429;retry_after=60"))
    assert reply.response_metadata["attempts"] == 2
    assert time.monotonic() - started < PROMPTLY  # the 0.05 s cap, not the server's 60 s


@each_way
async def test_extra_headers_from_the_model_and_the_call_are_both_sent(
    mock: MockServer, provider: str, sync: bool
) -> None:
    seen: list[dict[str, str]] = []

    def record(request: MockRequest) -> None:
        seen.append(dict(request.headers))

    mock.settings.fault_plan = record
    try:
        model = make_model(mock, provider, extra_headers={"x-team": "search"})
        await ask(model, sync, "x", extra_headers={"x-trace-id": "t-1"})
        await ask(model.bind(extra_headers={"x-team": "ads"}), sync, "y")
    finally:
        mock.settings.fault_plan = None
    first, second = seen
    assert first["x-team"] == "search" and first["x-trace-id"] == "t-1"
    assert second["x-team"] == "ads" and "x-trace-id" not in second
    assert "x-team" not in repr(model)  # headers may carry secrets: never in the repr


@providers
async def test_a_rate_limit_is_one_budget_shared_by_models_and_sync_and_async_callers(
    mock: MockServer, plan: FaultPlan, provider: str
) -> None:
    limit = {"requests_per_minute": 60_000, "max_in_flight": 2}
    key = f"sk-shared-{provider}-{time.monotonic_ns()}"
    one = make_model(mock, provider, rate_limit=limit, api_key=key)
    two = make_model(mock, provider, rate_limit=RateLimit(**limit), api_key=key)
    budget = get_budget(one.adapter.budget_key(one.model), RateLimit(**limit))
    slow = {"x-mock-latency": "0.15"}
    started = time.monotonic()
    sync_call = asyncio.to_thread(one.invoke, "sync", extra_headers=slow)
    replies = await asyncio.gather(
        sync_call, *(m.ainvoke(f"a{i}", extra_headers=slow) for i, m in enumerate([one, two] * 2))
    )
    elapsed = time.monotonic() - started
    assert [r.text for r in replies] == ["Echo: sync"] + [f"Echo: a{i}" for i in range(4)]
    assert elapsed >= 0.4  # 5 calls, 2 at a time, 0.15 s each: 3 rounds
    assert budget.in_flight == 0


@each_way
async def test_a_429_reaches_the_limiter(
    mock: MockServer, plan: FaultPlan, provider: str, sync: bool
) -> None:
    limit = RateLimit(requests_per_minute=60_000)
    model = make_model(mock, provider, rate_limit=limit, api_key=f"sk-429-{time.monotonic_ns()}")
    budget = get_budget(model.adapter.budget_key(model.model), limit)
    reply = await ask(model, sync, "x", extra_headers=plan.on("status=429;retry_after_ms=20"))
    assert reply.response_metadata["attempts"] == 2
    assert budget._pace.state.limited_share > 0.0 and budget.in_flight == 0  # seen, nothing held
    # one 429 with no sign of a limit is that request's delay: nobody else slows or waits
    assert budget.rate_factor == 1.0 and budget.paused_until is None


@each_way
async def test_with_rate_limit_false_the_limiter_is_never_touched(
    mock: MockServer, plan: FaultPlan, provider: str, sync: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # No rate_limit configured now means a budget that learns the server's pace;
    # rate_limit=False is the way to have no limiter at all.
    def forbidden(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the limiter was used with rate_limit=False")

    monkeypatch.setattr(ratelimit, "get_budget", forbidden)
    monkeypatch.setattr(ratelimit, "estimate_tokens", forbidden)
    model = make_model(mock, provider, rate_limit=False)
    assert model.rate_limit is False
    assert (
        await ask(model, sync, "free", extra_headers=plan.on("status=503"))
    ).text == "Echo: free"
