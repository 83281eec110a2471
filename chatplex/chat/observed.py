"""A watched chat-model call's retries and rate-limit waits, told to its handlers.

The http layer knows no runs: it asks the call's retry policy for a delay and the call's
budget for a permit. When a run watches the call, the model hands http a policy and a
budget wrapped here, which also tell the run's handlers what happened:

- `on_retry(retry_state, run_id=...)`, as LangChain calls it (tenacity's `RetryCallState`:
  `attempt_number`, `outcome` holding the error, `next_action.sleep` the delay);
- `on_rate_limit_wait(seconds, run_id=...)`, chatplex's own, when a permit took time.

Unwatched calls never get here (`ChatModel` checks for a run first).
"""

from __future__ import annotations

import inspect
import time
from typing import TYPE_CHECKING
from typing import Any

from tenacity import RetryAction
from tenacity import RetryCallState

from ..core.retry import RetryPolicy

if TYPE_CHECKING:
    from .callbacks import ChatModelRun

__all__ = ["ObservedBudget", "ObservedRetry", "observe", "tell"]

#: A permit that came quicker than this was not a wait worth an event.
MIN_WAIT = 0.001


def observe(run: ChatModelRun, retry: RetryPolicy | None, budget: Any) -> tuple[Any, Any]:
    """`retry` and `budget` reporting to `run` (either may be None: left as is)."""
    if run.records_retries:  # a `RecordedChatRun`: its retries only
        return (None if retry is None else ObservedRetry(retry, run)), budget
    handlers = run.handlers
    if not handlers:  # event streams only: they have no retry events
        return retry, budget
    # Wrapped only for a handler that hears it (`tell`'s rule): a tracer without
    # `on_rate_limit_wait` costs no timing of every permit.
    if retry is not None and _listened(handlers, "on_retry"):
        retry = ObservedRetry(retry, run)
    if budget is not None and _listened(handlers, "on_rate_limit_wait"):
        budget = ObservedBudget(budget, run)
    return retry, budget


class ObservedRetry(RetryPolicy):
    """`policy`, whose decisions to retry are also told to the run's handlers.

    Made for every watched call, read only when an attempt failed: nothing is copied
    from the policy when it is made; its fields (`stop`, `sleep`, ...) are the policy's,
    read through it (`__getattr__`: this class's own slots for them stay empty)."""

    __slots__ = ("_policy", "_run")

    def __init__(self, policy: RetryPolicy, run: ChatModelRun) -> None:
        self._policy = policy
        self._run = run

    def __getattr__(self, name: str) -> Any:  # the policy's fields, as the policy has them
        return getattr(self._policy, name)

    def delay(
        self, error: BaseException, attempt: int, deadline: float | None = None
    ) -> float | None:
        policy = self._policy
        seconds = policy.delay(error, attempt, deadline)
        if seconds is not None:
            state = RetryCallState(policy._owner, None, (), {})
            state.attempt_number = attempt
            state.set_exception((type(error), error, error.__traceback__))
            state.next_action = RetryAction(seconds)
            tell(self._run, "on_retry", state)
        return seconds


class ObservedBudget:
    """A rate-limit budget whose permits, when they took a while, are told to the run."""

    def __init__(self, budget: Any, run: ChatModelRun) -> None:
        self._budget = budget
        self._run = run

    def __getattr__(self, name: str) -> Any:  # everything else is the budget's
        return getattr(self._budget, name)

    def acquire(self, tokens: int, deadline: float | None = None) -> Any:
        started = time.monotonic()
        permit = self._budget.acquire(tokens, deadline=deadline)
        self._waited(time.monotonic() - started)
        return permit

    async def aacquire(self, tokens: int, deadline: float | None = None) -> Any:
        started = time.monotonic()
        permit = await self._budget.aacquire(tokens, deadline=deadline)
        self._waited(time.monotonic() - started)
        return permit

    def _waited(self, seconds: float) -> None:
        if seconds >= MIN_WAIT:
            tell(self._run, "on_rate_limit_wait", seconds)


#: Per function: whether it is a plain one (`inspect.iscoroutinefunction` is slow for a
#: question asked of every watched call).
_PLAIN: dict[Any, bool] = {}


def _hears(handler: Any, method: str) -> bool:
    fn = getattr(handler, method, None)
    if fn is None:  # the usual answer (LangSmith's tracer and on_rate_limit_wait): quick
        return False
    key = getattr(fn, "__func__", None)  # a method: its function, the same every call
    if key is None:
        return callable(fn) and not inspect.iscoroutinefunction(fn)
    plain = _PLAIN.get(key)
    if plain is None:
        plain = _PLAIN[key] = not inspect.iscoroutinefunction(fn)
    return plain


def _listened(handlers: list[Any], method: str) -> bool:
    return any(_hears(h, method) for h in handlers)


def tell(run: ChatModelRun, method: str, *args: Any) -> None:
    """Call `method` on the run's handlers that have it as a plain function: this runs
    inside the http layer's loop (maybe on an event loop), where an async handler could
    not be awaited; those hear the call's start and end as usual."""
    handlers = run.handlers
    run.handlers = [h for h in handlers if _hears(h, method)]
    try:
        if run.handlers:
            run.fire(method, *args)
    finally:
        run.handlers = handlers
