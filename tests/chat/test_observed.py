"""A watched call's retries and rate-limit waits reach its run's handlers."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from chatplex.chat.callbacks import ChatModelRun
from chatplex.chat.observed import MIN_WAIT
from chatplex.chat.observed import ObservedBudget
from chatplex.chat.observed import ObservedRetry
from chatplex.chat.observed import observe
from chatplex.chat.observed import tell
from chatplex.core.retry import retry_policy
from chatplex.errors import BadRequestError
from chatplex.errors import ServerError


class Handler:
    def __init__(self) -> None:
        self.retries: list[Any] = []
        self.waits: list[float] = []

    def on_retry(self, retry_state: Any, **kw: Any) -> None:
        self.retries.append((retry_state, kw["run_id"]))

    def on_rate_limit_wait(self, seconds: float, **kw: Any) -> None:
        self.waits.append(seconds)


class AsyncHandler:
    called = False

    async def on_retry(self, retry_state: Any, **kw: Any) -> None:
        AsyncHandler.called = True


def run_with(*handlers: Any) -> ChatModelRun:
    return ChatModelRun(list(handlers), {}, "Model")


def test_a_retry_is_told_with_tenacitys_state() -> None:
    handler = Handler()
    run = run_with(handler)
    policy = ObservedRetry(retry_policy(max_retries=2, jitter=0.0), run)
    error = ServerError("down")
    assert policy.delay(error, 1) == 0.5
    ((state, run_id),) = handler.retries
    assert run_id == run.run_id
    assert state.attempt_number == 1 and state.next_action.sleep == 0.5
    assert state.outcome.failed and state.outcome.exception() is error
    assert policy.sleep is retry_policy(max_retries=2, jitter=0.0).sleep


def test_giving_up_is_not_a_retry() -> None:
    handler = Handler()
    policy = ObservedRetry(retry_policy(max_retries=2), run_with(handler))
    assert policy.delay(BadRequestError("bad"), 1) is None
    assert policy.delay(ServerError("down"), 3) is None
    assert handler.retries == []


def test_async_handlers_are_not_called_from_inside_the_http_loop() -> None:
    handler = Handler()
    run = run_with(AsyncHandler(), handler)
    tell(run, "on_retry", object())
    assert not AsyncHandler.called and len(handler.retries) == 1
    assert len(run.handlers) == 2  # restored


class SlowBudget:
    max_pause = 7.0

    def acquire(self, tokens: int, deadline: float | None = None) -> str:
        time.sleep(0.01)
        return "permit"

    async def aacquire(self, tokens: int, deadline: float | None = None) -> str:
        await asyncio.sleep(0.01)
        return "apermit"


class QuickBudget(SlowBudget):
    def acquire(self, tokens: int, deadline: float | None = None) -> str:
        return "permit"


def test_a_slow_permit_is_a_wait_and_a_quick_one_is_not() -> None:
    handler = Handler()
    run = run_with(handler)
    budget = ObservedBudget(SlowBudget(), run)
    assert budget.acquire(5) == "permit"
    assert asyncio.run(budget.aacquire(5)) == "apermit"
    assert len(handler.waits) == 2 and all(w >= 0.01 for w in handler.waits)
    assert budget.max_pause == 7.0  # the rest is the budget's
    ObservedBudget(QuickBudget(), run).acquire(1)
    assert len(handler.waits) == 2 and MIN_WAIT > 0


def test_observe_wraps_only_what_exists_and_only_for_handlers() -> None:
    run = run_with(Handler())
    retry, budget = observe(run, None, None)
    assert retry is None and budget is None
    policy = retry_policy()
    wrapped, _ = observe(run, policy, None)
    assert isinstance(wrapped, ObservedRetry)
    listeners_only = ChatModelRun([], {}, "Model", listeners=[])
    assert observe(listeners_only, policy, SlowBudget)[0] is policy


class RetriesOnly:
    def on_retry(self, retry_state: Any, **kw: Any) -> None:
        pass


class AsyncWaits:
    async def on_rate_limit_wait(self, seconds: float, **kw: Any) -> None:
        pass


def test_observe_wraps_only_for_a_handler_that_hears_it() -> None:
    """A tracer with `on_retry` but no `on_rate_limit_wait` (LangSmith's) gets no timed
    budget; an async `on_rate_limit_wait` could not be told from the http loop either."""
    policy, budget = retry_policy(), SlowBudget()
    retry, same = observe(run_with(RetriesOnly()), policy, budget)
    assert isinstance(retry, ObservedRetry) and same is budget
    assert observe(run_with(AsyncWaits()), policy, budget) == (policy, budget)
    _, timed = observe(run_with(RetriesOnly(), Handler()), None, budget)
    assert isinstance(timed, ObservedBudget)


def test_a_recorded_runs_retry_policy_is_wrapped_unasked_and_its_budget_never() -> None:
    """A `RecordedChatRun` hears retries only (its `fire` notes them): its policy is
    wrapped without asking its tracer (the wrapper reads the policy's fields through it),
    its budget left as is; a retry is noted with tenacity's state, as a handler is told."""
    from chatplex.chat.recorded_run import RecordedChatRun

    class Tracer:
        project_name = None

        def on_retry(self, retry_state: Any, **kw: Any) -> None: ...

        def on_rate_limit_wait(self, seconds: float, **kw: Any) -> None: ...

    run = RecordedChatRun(Tracer(), {}, "Model")
    policy, budget = retry_policy(max_retries=2, jitter=0.0), SlowBudget()
    wrapped, same = observe(run, policy, budget)
    assert isinstance(wrapped, ObservedRetry) and same is budget
    assert observe(run, None, None) == (None, None)
    assert (wrapped.stop, wrapped.sleep, wrapped.clock) == (policy.stop, policy.sleep, policy.clock)
    error = ServerError("down")
    assert wrapped.delay(error, 1) == 0.5 and wrapped.delay(error, 3) is None
    assert run.retries is not None
    ((_, state),) = run.retries
    assert state.attempt_number == 1 and state.next_action.sleep == 0.5
    assert state.outcome.exception() is error
