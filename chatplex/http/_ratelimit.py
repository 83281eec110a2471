"""A process-wide rate limiter: one `Budget` per (provider, base_url, key digest, model),
shared by every call in the process: sync and async, across models, threads and loops.

Pacing is GCRA (a leaky bucket kept as one "theoretical arrival time" per dimension):
requests are spaced evenly with a small burst allowance, so a late wake-up is made up,
not lost. Tokens are charged from `estimate_tokens`, then corrected by reported usage.
The pace is AIMD (a 429 halves it, each success adds back INCREASE); a `retry_after`
pauses the whole budget. Waiters are served in arrival order. State sits under a
`threading.Lock`; waits are computed under it and slept outside it, and a waiter is
woken by a `threading.Event` or a future resolved via its own loop's
`call_soon_threadsafe`, so no waiting depends on one event loop.

>>> budget = get_budget(adapter.budget_key(model), RateLimit(600))  # doctest: +SKIP
>>> permit = budget.acquire(estimate_tokens(request), deadline=deadline)  # doctest: +SKIP
>>> permit.release(used_tokens=usage_total, status=200)  # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import math
import os
import threading
import time
from collections import deque
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from ..errors import DeadlineExceededError
from ._budget_shared import BudgetScope, budget_scope

if TYPE_CHECKING:
    from ..adapters.base import HTTPRequest

__all__ = ["Budget", "Permit", "RateLimit", "estimate_tokens", "get_budget"]

BURST_REQUESTS = 4  #: requests that may go back to back after an idle spell...
BURST_SECONDS = 1.0  #: ...but at most this much schedule ahead (also the token burst)
DECREASE = 0.5  #: a 429 multiplies the pace by this...
FLOOR = 0.1  #: ...down to this fraction of the configured rates
INCREASE = 0.05  #: each success adds back this fraction of the configured rates
MAX_PAUSE = 60.0  #: the longest pause (s) a `retry_after` can put on a whole budget
DEFAULT_OUTPUT_TOKENS = 1024  #: output estimate when a request sets no max_tokens
MESSAGE_TOKENS = 3  #: per-message overhead in the estimate
MEDIA_TOKENS = 1000  #: per image/audio/file part (its base64 says nothing of its tokens)
_MEDIA_KEYS = frozenset({"image_url", "source", "input_audio", "file"})
_OUTPUT_KEYS = ("max_tokens", "max_completion_tokens", "max_output_tokens")
_TEXT_FIELDS = ("system", "messages", "tools", "functions", "prompt", "input")
_EPSILON = 1e-6  # sums of float intervals: admit rather than sleep a femtosecond


@dataclass(frozen=True, slots=True, repr=False)
class RateLimit:
    """The limits of one budget; None means no limit of that kind. `scope`: who shares
    the budget -- "process" (default), "machine" (every process of this machine, through
    a small file) or "cluster" (every worker of a Ray cluster, through one actor).

    >>> RateLimit.coerce({"requests_per_minute": 500, "max_in_flight": 16})
    RateLimit(requests_per_minute=500, tokens_per_minute=None, max_in_flight=16)
    >>> RateLimit.coerce({}) is None  # nothing limited: no budget at all
    True
    """

    requests_per_minute: float | None = None
    tokens_per_minute: float | None = None
    max_in_flight: int | None = None  # global in-flight cap per budget, besides max_concurrency
    scope: BudgetScope = "process"

    def __post_init__(self) -> None:
        budget_scope(self.scope)
        limits = (self.requests_per_minute, self.tokens_per_minute, self.max_in_flight)
        nothing = all(limit is None for limit in limits)
        if self.scope != "process" and nothing:
            # A shared budget keeps configured limits; it does not learn unannounced ones.
            raise ValueError(f"a rate_limit with scope={self.scope!r} needs a limit to share")
        for name in ("requests_per_minute", "tokens_per_minute", "max_in_flight"):
            value = getattr(self, name)
            kind = int if name == "max_in_flight" else (int, float)
            if value is not None and (isinstance(value, bool) or not isinstance(value, kind)):
                what = "an int" if kind is int else "a number"
                raise TypeError(f"rate_limit {name} must be {what}, got {value!r}")
            if value is not None and not (math.isfinite(value) and value > 0):
                raise ValueError(f"rate_limit {name} must be positive, got {value!r}")

    @classmethod
    def coerce(cls, value: RateLimit | Mapping[str, Any] | None) -> RateLimit | None:
        """A validated `RateLimit`, or None when nothing is limited (callers skip the limiter).
        ValueError for unknown keys (named) and non-positive values, TypeError for types."""
        if value is None:
            return None
        if isinstance(value, Mapping):
            known = [f.name for f in fields(cls)]
            unknown = ", ".join(sorted(repr(k) for k in value if k not in known))
            if unknown:
                raise ValueError(f"unknown rate_limit setting(s) {unknown}; known: {known}")
            value = cls(**value)
        if not isinstance(value, RateLimit):
            raise TypeError(f"rate_limit must be a RateLimit or a dict, got {type(value).__name__}")
        return None if value == RateLimit() else value

    def __repr__(self) -> str:
        shown = (
            f"requests_per_minute={self.requests_per_minute!r}, "
            f"tokens_per_minute={self.tokens_per_minute!r}, max_in_flight={self.max_in_flight!r}"
        )
        scope = "" if self.scope == "process" else f", scope={self.scope!r}"
        return f"RateLimit({shown}{scope})"


class Permit:
    """The right to send one request: `release` it once the response (or failure) is in."""

    __slots__ = ("_budget", "admitted_at", "released", "tokens")

    def __init__(self, budget: Budget, tokens: int, admitted_at: float) -> None:
        self._budget = budget
        self.tokens = tokens  # the estimate charged at admission
        self.admitted_at = admitted_at
        self.released = False

    def release(
        self,
        *,
        used_tokens: int | None = None,
        status: int | None = None,
        retry_after: float | None = None,
    ) -> None:
        """Give the in-flight slot back and report how it went; only the first call counts.
        `used_tokens`: the reported usage; the difference from the estimate is charged or
        refunded (a 429 without usage refunds the whole estimate: nothing was processed).
        `status`: 429 slows the pace, < 400 restores it a step, anything else leaves it.
        `retry_after` (seconds): pause the whole budget that long (at most MAX_PAUSE).

        >>> permit.release(used_tokens=812, status=200)  # doctest: +SKIP
        """
        self._budget._release(self, used_tokens, status, retry_after)


class _Waiter:
    """One queued caller and how to wake it: an Event (sync) or a future on its loop."""

    __slots__ = ("event", "future", "loop", "queued")

    def __init__(self, loop: asyncio.AbstractEventLoop | None) -> None:
        self.loop = loop
        self.queued = False
        self.event: threading.Event | None = None  # set for sync waiters
        self.future: asyncio.Future[None] | None = None

    def wake(self) -> bool:
        """Called under the budget lock; False if the waiter's loop is closed (gone)."""
        if self.event is not None:
            self.event.set()
        elif self.loop is not None and self.future is not None:
            try:
                self.loop.call_soon_threadsafe(_resolve, self.future)
            except RuntimeError:
                return False
        return True


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class Budget:
    """The shared state of one budget; get it with `get_budget`.

    `clock`, `sleep` and `asleep` are injectable for tests (a fake clock whose sleeps
    advance it makes pacing deterministic); deadlines are values of `clock`.

    >>> budget = Budget(RateLimit(requests_per_minute=60))
    >>> budget.acquire(10).release(status=200)  # at once: the burst allowance is unused
    """

    def __init__(
        self,
        limit: RateLimit,
        *,
        key: tuple[str, ...] = (),
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] = time.sleep,
        asleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.key = key
        self._clock, self._sleep, self._asleep = clock, sleep, asleep
        self._lock = threading.Lock()
        self._queue: deque[_Waiter] = deque()
        self._limit = limit
        self._factor = 1.0  # AIMD: the fraction of the configured rates in force
        self._request_tat = self._token_tat = clock()  # GCRA theoretical arrival times
        self._paused_until = self._last_decrease = -math.inf
        self._in_flight = 0

    @property
    def limit(self) -> RateLimit:  # the limits in force
        return self._limit

    @property
    def rate_factor(self) -> float:  # the AIMD factor, FLOOR .. 1.0
        return self._factor

    @property
    def in_flight(self) -> int:  # permits not yet released
        return self._in_flight

    @property
    def waiting(self) -> int:  # callers queued for a permit
        return len(self._queue)

    @property
    def current_rate_per_minute(self) -> float | None:
        """The request pace in force (the configured one times the AIMD factor)."""
        rpm = self._limit.requests_per_minute
        return None if rpm is None else rpm * self._factor

    @property
    def paused_until(self) -> float | None:
        """The `clock` time a `retry_after` pause ends, or None when not paused."""
        return self._paused_until if self._paused_until > self._clock() else None

    def set_limit(self, limit: RateLimit) -> None:
        """Apply new limits from the next admission on (the AIMD factor is kept)."""
        with self._lock:
            self._limit = limit
            self._wake_head()

    def __repr__(self) -> str:
        try:
            state = (
                f"factor={self._factor:.2f}, in_flight={self._in_flight}, waiting={self.waiting}"
            )
            return f"Budget({self._limit!r}, {state})"
        except AttributeError:  # half built: a repr never raises
            return "Budget(<uninitialised>)"

    def acquire(self, tokens: int, *, deadline: float | None = None) -> Permit:
        """Block until a request of `tokens` (estimated) may be sent; DeadlineExceededError,
        holding nothing, if that cannot happen before `deadline`."""
        waiter = _Waiter(None)
        event = waiter.event = threading.Event()
        try:
            while True:
                with self._lock:
                    event.clear()  # a wake-up from now on is seen by event.wait
                    step = self._poll(waiter, tokens, deadline)
                if isinstance(step, Permit):
                    return step
                if step is None:
                    event.wait(None if deadline is None else max(0.0, deadline - self._clock()))
                else:
                    self._sleep(step)
        except BaseException:
            self._leave(waiter)
            raise

    async def aacquire(self, tokens: int, *, deadline: float | None = None) -> Permit:
        """The async `acquire`. Cancellation-safe: a cancelled waiter holds nothing."""
        waiter = _Waiter(loop := asyncio.get_running_loop())
        try:
            while True:
                with self._lock:
                    waiter.future = None  # no wake-ups for a stale future
                    step = self._poll(waiter, tokens, deadline)
                    if step is None:  # made under the lock, so no wake-up is missed
                        waiter.future = future = loop.create_future()
                if isinstance(step, Permit):
                    return step
                if step is None:
                    timeout = None if deadline is None else max(0.0, deadline - self._clock())
                    await asyncio.wait((future,), timeout=timeout)
                else:
                    await self._asleep(step)
        except BaseException:
            self._leave(waiter)
            raise

    # Internals, called with self._lock held (except `_leave` and `_release`).
    def _intervals(self) -> tuple[float, float]:
        """Seconds per request and per token at the current pace (0.0: unlimited)."""
        rpm, tpm, f = self._limit.requests_per_minute, self._limit.tokens_per_minute, self._factor
        return (60.0 / (rpm * f) if rpm else 0.0, 60.0 / (tpm * f) if tpm else 0.0)

    def _delay(self, now: float, tokens: int) -> float:
        """Seconds until the pause and both paces allow sending `tokens` (<= 0: now)."""
        per_request, per_token = self._intervals()
        wait = self._paused_until - now
        if per_request:
            burst = min((BURST_REQUESTS - 1) * per_request, BURST_SECONDS)
            wait = max(wait, self._request_tat - burst - now)
        if per_token:
            # Checked before charging, so a request bigger than the burst goes (and pays).
            wait = max(wait, self._token_tat - BURST_SECONDS - now)
        return wait

    def _poll(self, waiter: _Waiter, tokens: int, deadline: float | None) -> Permit | float | None:
        """A permit, seconds to sleep before polling again, or None: wait to be woken."""
        now = self._clock()
        first = self._queue[0] is waiter if waiter.queued else not self._queue
        wait = self._delay(now, tokens) if first else 0.0
        cap = self._limit.max_in_flight
        if first and wait <= _EPSILON and (cap is None or self._in_flight < cap):
            if waiter.queued:
                self._queue.popleft()
                self._wake_head()
            per_request, per_token = self._intervals()
            if per_request:
                self._request_tat = max(self._request_tat, now) + per_request
            if per_token:
                self._token_tat = max(self._token_tat, now) + tokens * per_token
            self._in_flight += 1
            return Permit(self, tokens, now)
        if not waiter.queued:  # first poll and someone is ahead: take a place in the line
            waiter.queued = True
            self._queue.append(waiter)
        if deadline is not None and now + max(wait, 0.0) >= deadline:
            raise DeadlineExceededError("the deadline passed while waiting in the rate limiter")
        return wait if wait > _EPSILON else None

    def _wake_head(self) -> None:
        while self._queue and not self._queue[0].wake():
            self._queue.popleft()  # its event loop is closed: nobody waits there any more

    def _leave(self, waiter: _Waiter) -> None:
        with self._lock:
            if waiter.queued and waiter in self._queue:
                was_head = self._queue[0] is waiter
                self._queue.remove(waiter)
                if was_head:
                    self._wake_head()

    def _release(
        self, permit: Permit, used: int | None, status: int | None, retry_after: float | None
    ) -> None:
        with self._lock:
            if permit.released:
                return
            permit.released = True
            self._in_flight -= 1
            now = self._clock()
            used = 0 if used is None and status == 429 else used  # a 429 did no work
            if used is not None and self._limit.tokens_per_minute:
                self._token_tat += (used - permit.tokens) * self._intervals()[1]
            if status == 429 and permit.admitted_at > self._last_decrease:
                # Requests admitted before the last cut went out at the old pace: their
                # 429s are that cut's news. One decrease per round trip, as in TCP.
                self._factor = max(FLOOR, self._factor * DECREASE)
                self._last_decrease = now
            elif status is not None and status < 400:
                self._factor = min(1.0, self._factor + INCREASE)
            if retry_after is not None and retry_after > 0:
                self._paused_until = max(self._paused_until, now + min(retry_after, MAX_PAUSE))
            if status == 429:
                # The server's bucket is empty: restart at the pause's end (or an interval
                # from now) with the burst allowance spent, rather than answer with a burst.
                per_request, per_token = self._intervals()
                start = max(self._paused_until, now + per_request)
                burst = min((BURST_REQUESTS - 1) * per_request, BURST_SECONDS)
                self._request_tat = max(self._request_tat, start + burst)
                if per_token:
                    self._token_tat = max(self._token_tat, start + BURST_SECONDS)
            self._wake_head()


_budgets: dict[tuple[str, ...], Budget] = {}
_budgets_lock = threading.Lock()
#: Budgets inherited through fork(): kept referenced, never used (see _after_fork_in_child).
_fork_orphans: list[Budget] = []


def get_budget(key: tuple[str, ...], limit: RateLimit) -> Budget:
    """The process-wide budget for `key` (an adapter's `budget_key(model)`), made on first
    use; thread-safe. Given a `limit` that differs from the budget's, the budget takes the
    new limit, for every caller sharing it, from its next admission on.

    >>> a = get_budget(("openai", "http://x/v1", "", "m"), RateLimit(60))
    >>> a is get_budget(("openai", "http://x/v1", "", "m"), RateLimit(120))
    True
    >>> a.limit.requests_per_minute
    120
    """
    with _budgets_lock:
        budget = _budgets.get(key)
        if budget is None:
            budget = _budgets[key] = Budget(limit, key=key)
            return budget
    if budget.limit != limit:
        budget.set_limit(limit)
    return budget


def estimate_tokens(request: HTTPRequest) -> int:
    """A cheap estimate of the tokens a request will use, made before sending it, as
    ``ceil(chars / 4) + MESSAGE_TOKENS * messages + MEDIA_TOKENS * media + output``:
    `chars` counts every string under system/messages/tools (roles and type tags too);
    media are image/audio/file parts; `output` is max_tokens (or max_completion_tokens /
    max_output_tokens), else DEFAULT_OUTPUT_TOKENS. The reported usage corrects it.

    >>> from chatplex.adapters.base import HTTPRequest
    >>> body = {"max_tokens": 100, "messages": [{"role": "user", "content": "x" * 396}]}
    >>> estimate_tokens(HTTPRequest("POST", "https://x", {}, body))  # 400 chars, 1 message
    203
    """
    body = request.json
    chars = media = 0
    stack: list[Any] = [body.get(name) for name in _TEXT_FIELDS]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            chars += len(item)
        elif isinstance(item, Mapping):
            for name, value in item.items():
                if name in _MEDIA_KEYS:
                    media += 1
                else:
                    stack.append(value)
        elif isinstance(item, (list, tuple)):
            stack.extend(item)
    messages = body.get("messages")
    count = len(messages) if isinstance(messages, list) else 0
    sizes = (body.get(name) for name in _OUTPUT_KEYS)
    output = next((n for n in sizes if type(n) is int), DEFAULT_OUTPUT_TOKENS)  # not bool
    return math.ceil(chars / 4) + MESSAGE_TOKENS * count + MEDIA_TOKENS * media + output


def _after_fork_in_child() -> None:
    """A forked child starts with fresh budgets. The parent's may have been locked by
    another thread, or have waiters queued (futures of the parent's loops, threads that
    do not exist here) that a child would wait behind forever. A child is another process
    with its own pace anyway, as any two processes are."""
    global _budgets, _budgets_lock
    _budgets_lock = threading.Lock()
    _fork_orphans.extend(_budgets.values())
    _budgets = {}


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
