"""The retry policy: which failures to retry, how long to wait, when to give up.

Decisions are tenacity strategies (`retry`, `stop`, `wait`: small callables over one
`RetryCallState`), composed as tenacity composes them; the loops that use them are ours (the http
layer's attempt engine, `RunnableRetry`), so the common first-try success builds no retry
state at all, and a stream can be retried only while nothing has reached the caller.

HTTP defaults, as in the OpenAI and Anthropic SDKs:

* retried: errors whose `retryable` is true -- 408, 409, 429, 5xx, 529, connection errors,
  read timeouts, success bodies that are not whole JSON (cut short, a proxy's page),
  Anthropic `overloaded_error` before the first chunk, anything the server marked
  `x-should-retry: true`. Not retried: 400/401/403/404/422, `QuotaExceededError`,
  `x-should-retry: false`, `DeadlineExceededError`, and a 200 reply sent whole with a
  field of the wrong type (it would come again, billed again).
* `max_retries=2` (3 attempts).
* delay: the server's `retry-after-ms` / `retry-after` (seconds or HTTP date) when it
  asks for more than 0 s, capped at `max_retry_after` (60 s); otherwise exponential
  backoff 0.5 s, 1 s, 2 s, 4 s, 8 s (cap), each shortened by up to 25 % at random so
  clients that failed together spread out. A `retry-after: 0` (or `-ms: 0`, or a date
  already past) is no hint: it gets the backoff, as in both SDKs (`0 < value` is their
  test), so a server that says "now" to every client is not answered by a retry storm.
  Both families wait so: a drop-in waits as its partner's SDK does.
* a deadline (a `time.monotonic()` value) bounds everything: when the next attempt
  could not start before it, the call fails at once with `DeadlineExceededError`
  (chained to the last error) instead of sleeping into the deadline.

>>> policy = retry_policy(max_retries=2)
>>> from chatplex.errors import ServerError, BadRequestError
>>> policy.delay(ServerError("boom", retry_after=1.5), attempt=1)
1.5
>>> policy.delay(BadRequestError("bad"), attempt=1) is None
True
"""

from __future__ import annotations

import asyncio
import functools
import random as _random
import time
from abc import ABC
from abc import abstractmethod
from collections.abc import Awaitable
from collections.abc import Callable
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from tenacity import RetryCallState
from tenacity import Retrying
from tenacity.retry import retry_base
from tenacity.retry import retry_if_exception
from tenacity.stop import stop_after_attempt
from tenacity.stop import stop_base
from tenacity.wait import wait_base
from tenacity.wait import wait_exponential

from ..errors import APIError
from ..errors import DeadlineExceededError
from .retry_layers import RetryLayer
from .retry_layers import attempts
from .retry_layers import layer_wait

__all__ = [
    "DEFAULT_MAX_RETRIES",
    "DEFAULT_MAX_RETRY_AFTER",
    "RetryPolicy",
    "is_retryable",
    "layered_policy",
    "retry_policy",
    "wait_jittered",
    "wait_retry_after",
]

#: Retries after the first attempt (the SDKs' default).
DEFAULT_MAX_RETRIES = 2
#: Longest server-requested wait honoured as such (seconds); longer ones are capped.
DEFAULT_MAX_RETRY_AFTER = 60.0
#: Backoff without a server hint: INITIAL * 2**(attempt-1), at most MAX, minus jitter.
INITIAL_DELAY = 0.5
MAX_DELAY = 8.0
JITTER = 0.25


def is_retryable(exc: BaseException) -> bool:
    """True for chatplex errors that say a second attempt may succeed."""
    return isinstance(exc, APIError) and exc.retryable


class wait_retry_after(wait_base):  # lower case, as tenacity names its strategies
    """The failed attempt's `retry_after` (capped at `cap`) when it asks for a wait (more
    than 0 s), else `otherwise` (the SDKs' rule: a `retry-after: 0` gets the backoff).

    >>> wait_retry_after(wait_exponential(), cap=60.0).cap
    60.0
    """

    def __init__(self, otherwise: wait_base, *, cap: float = DEFAULT_MAX_RETRY_AFTER) -> None:
        self.otherwise = otherwise
        self.cap = cap

    def __call__(self, retry_state: RetryCallState) -> float:
        outcome = retry_state.outcome
        exc = outcome.exception() if outcome is not None else None
        after = getattr(exc, "retry_after", None)
        if isinstance(after, (int, float)) and after > 0:
            return min(float(after), self.cap)
        return self.otherwise(retry_state)


@dataclass(eq=False, repr=False)
class wait_jittered(wait_base):
    """`base`'s wait shortened by up to `fraction` of itself at random (the SDKs' jitter:
    never longer than the backoff, so the worst case stays predictable)."""

    base: wait_base
    fraction: float = JITTER
    random: Callable[[], float] = _random.random

    def __call__(self, retry_state: RetryCallState) -> float:
        return self.base(retry_state) * (1.0 - self.fraction * self.random())


@dataclass(eq=False, slots=True, kw_only=True)  # a policy is compared by identity
class RetryPolicy:
    """tenacity `retry` / `stop` / `wait` strategies, plus how to sleep and read the clock.

    `sleep`, `asleep` and `clock` are injectable so tests run without waiting; `clock`
    must tell `time.monotonic()` time (deadlines are monotonic values). `stream_bodies`:
    whether a stream that failed after its reply's success headers, before anything
    reached the caller (a stall before the first event), is retried; False: only what
    fails before them (an SDK whose retries end where its streamed `create()` returns).

    Examples:
        >>> from tenacity import retry_if_exception_type, stop_after_attempt, wait_fixed
        >>> p = RetryPolicy(retry=retry_if_exception_type(OSError), stop=stop_after_attempt(2),
        ...                 wait=wait_fixed(0.1))
        >>> p.delay(OSError(), attempt=1), p.delay(OSError(), attempt=2), p.delay(KeyError(), 1)
        (0.1, None, None)
    """

    retry: retry_base
    stop: stop_base
    wait: wait_base
    sleep: Callable[[float], None] = time.sleep
    asleep: Callable[[float], Awaitable[None]] = asyncio.sleep
    clock: Callable[[], float] = time.monotonic
    stream_bodies: bool = True
    _owner: Retrying = field(init=False, repr=False)

    def __post_init__(self) -> None:
        # tenacity's call state wants the Retrying that owns it; it is never run.
        self._owner = Retrying(retry=self.retry, stop=self.stop, wait=self.wait, sleep=self.sleep)

    def __getstate__(self) -> dict[str, Any]:
        # A model holding a policy copies and pickles: tenacity's Retrying (its statistics
        # a thread-local) is built again, as on construction.
        return {
            name: getattr(self, name)
            for name in ("retry", "stop", "wait", "sleep", "asleep", "clock", "stream_bodies")
        }

    def __setstate__(self, state: dict[str, Any]) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)
        self.__post_init__()

    def delay(
        self, error: BaseException, attempt: int, deadline: float | None = None
    ) -> float | None:
        """Seconds to wait before attempt `attempt + 1` after `error`; None: give up and
        raise `error`. Raises `DeadlineExceededError` (from `error`) when that attempt
        could not start before `deadline`."""
        state = RetryCallState(self._owner, None, (), {})
        state.attempt_number = attempt
        state.set_exception((type(error), error, error.__traceback__))
        if not self.retry(state) or self.stop(state):
            return None
        seconds = max(0.0, float(self.wait(state)))
        if deadline is not None and self.clock() + seconds >= deadline:
            raise DeadlineExceededError(
                f"the call's deadline leaves no time for attempt {attempt + 1} "
                f"(after {attempt} failed: {error})"
            ) from error
        return seconds


@functools.lru_cache(maxsize=64)
def retry_policy(
    max_retries: int = DEFAULT_MAX_RETRIES,
    max_retry_after: float = DEFAULT_MAX_RETRY_AFTER,
    *,
    initial_delay: float = INITIAL_DELAY,
    max_delay: float = MAX_DELAY,
    min_delay: float = 0.0,
    jitter: float = JITTER,
    random: Callable[[], float] = _random.random,
    sleep: Callable[[float], None] = time.sleep,
    asleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    clock: Callable[[], float] = time.monotonic,
    only: Callable[[BaseException], bool] | None = None,
    stream_bodies: bool = True,
) -> RetryPolicy:
    """The HTTP retry policy (see the module docstring), every knob exposed. Built once per
    set of arguments and shared (a policy holds no per-call state), so a call pays a
    cache lookup for it. `only`: a retryable error is retried only where it also says
    so (a drop-in whose partner retries fewer failures). `min_delay`: the shortest
    backoff (LangChain's base retry decorator holds its waits at 4 s at least).
    `stream_bodies`: see `RetryPolicy` (False: a drop-in whose partner's SDK retries
    nothing once a stream's headers came).

    Examples:
        >>> from chatplex.errors import ServerError
        >>> p = retry_policy(max_retries=5, jitter=0.0)
        >>> [p.delay(ServerError("down"), n) for n in (1, 2, 3)]
        [0.5, 1.0, 2.0]
        >>> fast = retry_policy(initial_delay=0.01, max_delay=0.05)  # e.g. for tests
    """
    if isinstance(max_retries, bool) or not isinstance(max_retries, int) or max_retries < 0:
        raise ValueError(f"max_retries must be an int >= 0, got {max_retries!r}")
    if not max_retry_after >= 0:
        raise ValueError(f"max_retry_after must be >= 0, got {max_retry_after!r}")
    backoff = wait_exponential(multiplier=initial_delay, min=min_delay, max=max_delay)
    return RetryPolicy(
        retry=retry_if_exception(
            is_retryable if only is None else (lambda exc: is_retryable(exc) and only(exc))
        ),
        stop=stop_after_attempt(max_retries + 1),
        wait=wait_retry_after(wait_jittered(backoff, jitter, random), cap=max_retry_after),
        sleep=sleep,
        asleep=asleep,
        clock=clock,
        stream_bodies=stream_bodies,
    )


def _status(state: RetryCallState) -> int | None:
    """The HTTP status of the attempt's error; None for a failure without one."""
    outcome = state.outcome
    exc = outcome.exception() if outcome is not None else None
    return exc.status_code if isinstance(exc, APIError) else None


# tenacity's three decisions over a client's retry loops (`RetryLayer`s): an error of a
# status the loops know is retried as they retry it, one of another status is not, and a
# failure without a status as `otherwise` decides.


@dataclass(eq=False, repr=False)
class _Layered(ABC):
    """A decision by the failure's status (`by_status`), else by `otherwise`."""

    layers: tuple[RetryLayer, ...]
    otherwise: Callable[[RetryCallState], Any]

    def __call__(self, retry_state: RetryCallState) -> Any:
        status = _status(retry_state)
        if status is None:
            return self.otherwise(retry_state)
        return self.by_status(status, retry_state)

    @abstractmethod
    def by_status(self, status: int, retry_state: RetryCallState) -> Any: ...


class _retry_layered(_Layered, retry_base):
    def by_status(self, status: int, retry_state: RetryCallState) -> bool:
        return any(status in layer.statuses for layer in self.layers)


class _stop_layered(_Layered, stop_base):
    def by_status(self, status: int, retry_state: RetryCallState) -> bool:
        return retry_state.attempt_number >= attempts(self.layers, status)


@dataclass(eq=False, repr=False)
class _wait_layered(_Layered, wait_base):
    random: Callable[[], float]

    def by_status(self, status: int, retry_state: RetryCallState) -> float:
        wait = layer_wait(self.layers, status, retry_state.attempt_number, self.random)
        return 0.0 if wait is None else wait


@functools.lru_cache(maxsize=16)
def layered_policy(
    layers: tuple[RetryLayer, ...],
    otherwise: RetryPolicy,
    random: Callable[[], float] = _random.random,
) -> RetryPolicy:
    """The retries of a client whose loops are `layers` (innermost first): a call
    refused with a status they retry is sent as often as they send it, after their
    waits (a `retry-after` is not read: they read none), and raised at once for another
    status; a failure without a status is retried as `otherwise` retries it, whose
    sleeps, clock and `stream_bodies` it keeps. A deadline bounds it as any policy.

    >>> from chatplex.errors import status_error
    >>> inner = RetryLayer(frozenset({503}), retries=1, initial_delay=0.3, max_delay=3.0)
    >>> p = layered_policy((inner,), retry_policy())
    >>> [p.delay(status_error(provider="p", status=s, message="no"), 1) for s in (503, 429)]
    [0.3, None]
    """
    return RetryPolicy(
        retry=_retry_layered(layers, otherwise.retry),
        stop=_stop_layered(layers, otherwise.stop),
        wait=_wait_layered(layers, otherwise.wait, random),
        sleep=otherwise.sleep,
        asleep=otherwise.asleep,
        clock=otherwise.clock,
        stream_bodies=otherwise.stream_bodies,
    )
