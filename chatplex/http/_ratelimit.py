"""A process-wide rate limiter: one `Budget` per (provider, base_url, key digest, model),
shared by every call in the process: sync and async, across models, threads and loops.

Pacing is GCRA (a leaky bucket kept as one "theoretical arrival time" per dimension):
requests are spaced evenly with a small burst allowance, so a late wake-up is made up,
not lost. Tokens are charged from `estimate_tokens`, then corrected by reported usage.
Waiters are served in arrival order. State sits under a `threading.Lock`; waits are
computed under it and slept outside it, and a waiter is woken by a `threading.Event` or a
future resolved via its own loop's `call_soon_threadsafe`, so no waiting depends on one
event loop.

The policy below lives in `_pace.py` (`Pace`; its constants and its state, a fixed set
of floats, in `_pace_state.py`); this module keeps the admission numbers -- the
schedules, the pause, the count in flight, the queue.

The pace reacts to rate limits, not to noise. A 429 or a 503/529 is first the failure
of its own request: the request is retried after its own delay (the server's
`retry_after`, else the backoff), and nobody else waits or slows down for it. The budget
slows everyone only on evidence, read from the answers:

- the limits in force are the tightest of the configured ones (`RateLimit(...)`,
  `rate_limit=` on a model), the announced ones -- the server's `x-ratelimit-*` /
  `anthropic-ratelimit-*` headers (`_learn.py`) pace requests and tokens like configured
  limits, and a low `remaining` count (net of the requests in flight) holds the next
  admissions back until the server has refilled -- and a pace cut on evidence.
- a 429 is evidence of a limit when its headers say the server's bucket is empty
  (`remaining` 0), or when 429s are a share of the recent answers (weighted over the
  last SHARE_ANSWERS, once MIN_ANSWERS came) that noise does not explain: SURE_Z
  standard errors above TRIGGER_SHARE and above the noise share learned so far plus
  NOISE_MARGIN. Only such a 429 pauses the whole budget for its `retry_after` (at most
  `max_pause`; one judged on its share alone, once a cut is in force) and cuts the pace,
  once per round trip (429s of requests sent before the last cut are that cut's news):
  to LEARN_DECREASE of the rate the server was accepting (successes decayed over
  RATE_TAU s), or of the pace if that is lower; with too few
  successes to tell a rate, a known pace is halved (DECREASE, never below FLOOR of a
  configured/announced one, nor below MIN_RPM one learned from 429s alone) and an
  unknown one only paused. However cut, a pace spaces requests at most `max_pause` apart
  (its models' `max_retry_after`), or the configured/announced rate's own interval;
  and what 429s and 503s taught is forgotten FORGET_AFTER s after the last cut, limit's
  pause, overload or trial (`_pace.Pace.forget`: a machine's file outlives its scripts).
  While a cut pace holds callers back (one was held in the
  last RATE_WINDOW s, or the answering request itself was, however long its call),
  each success adds LEARN_GROWTH requests/s (faster the longer no 429 came),
  probing back up to the configured/announced rate: a budget configured above the
  server's real limit settles just below that limit, it does not saw-tooth around it.
- a cut made on a share alone is a trial of whether slowing down helps. Its first phase
  counts the share afresh at the current pace (TRIAL_ANSWERS answers, fewer when the
  share is overwhelming; a share surely above OVERWHELMING is cut at once instead); then
  the cut, and a second phase counts again. Under a real limit the share falls as the
  pace nears the limit, and sending less costs no successes; under noise the share stays
  whatever the pace. Fell (HELPED_Z errors) or cost nothing, and below TRIGGER_SHARE: a
  confirmed limit, and what is surely left of the share is its noise; fell but still
  above: cut again and judge again; fell by LEANING_Z errors only: a second look (one
  more cut, judged against the same first count: processes that share a limit all slow
  down at once, so a process's share may fall less surely than it would alone -- taken
  for noise, that process kept the whole limit and starved the others); neither: the cut
  is undone and the share seen becomes the noise share, which raises the bar (it fades
  by NOISE_KEEP an answer, so it is checked again now and then, except at a confirmed
  limit). At a confirmed limit (or one the headers showed) a 429 is news once the share
  is CONFIRMED_MARGIN (or the noise share, if larger) above the noise; a few such 429s
  (a share under TRIGGER_SHARE) cut the pace to FEW_DECREASE of itself and pause only
  their own requests, not the budget (processes drifting into phase at a per-second
  limit); but when, over
  TRIAL_ANSWERS answers, the cuts cost successes and the share stayed surely above that
  bar, the share is noise after all (a trial fooled by chance once took a 20 % noise for
  a limit, and the pace fell to a request a minute).
- a limit shared with processes that share nothing, or kept as a strict window (a
  burst, then a minute of 429s each saying "retry after 1 s"), is told apart from noise
  too: a share refused nearly whole after a cut, or at least NOISE_MOST, is a limit; a
  cut is also held to LEARN_DECREASE of the successes of the last LONG_WINDOW s; while
  the server refuses all (refused again after a pause, no success since) the pace holds
  and the pause doubles, up to GROWN_PAUSE; the pace probes back fast up to the rate at
  which the last 429s came, CEILING_GROWTH as fast beyond it (both faster the longer
  no cut came); a pace learned from 429s
  admits evenly spaced, no burst.
- overload (503/529: too many at once, not too many per minute) narrows the in-flight
  window to half of what was in flight, once per round trip, only while 503/529s are
  surely (OVERLOAD_Z errors) at least OVERLOAD_SHARE of the recent answers; then their
  `retry_after` pauses the budget too. Each success widens the window by one (doubling
  per round trip), and it is dropped altogether WINDOW_CALM s after the last 503/529.

Every budget -- this one, the machine file, the cluster actor -- keeps these numbers in
a `_schedule.Schedule` and runs the same `_schedule.admit` / `settle` on them.

A model with no `rate_limit` gets a budget with nothing configured: until its first
answer it lets COLD_WINDOW requests out (for at most COLD_WAIT s), so a first batch does
not hit a server whose limits it does not know yet with all its requests at once; after
that, with nothing learned, admission is one lock and a counter.

>>> budget = get_budget(adapter.budget_key(model), RateLimit(600))  # doctest: +SKIP
>>> permit = budget.acquire(estimate_tokens(request), deadline=deadline)  # doctest: +SKIP
>>> permit.release(used_tokens=usage_total, status=200)  # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import math
import os
import threading
from collections import deque
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any

from ..errors import DeadlineExceededError
from ._budget_shared import Outcome
from ._budget_shared import RateLimit
from ._budget_shared import Releasable
from ._budget_shared import pacing_clock
from ._learn import read_limits
from ._pace import Pace
from ._pace_state import COLD_WAIT
from ._pace_state import COLD_WINDOW
from ._schedule import MAX_PAUSE
from ._schedule import Schedule
from ._schedule import charge
from ._schedule import delay
from ._schedule import settle

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ..adapters.request_types import HTTPRequest
    from ._budget_shared import PacingClock

__all__ = [
    "Budget",
    "Permit",
    "estimate_tokens",
    "get_budget",
]

DEFAULT_OUTPUT_TOKENS = 1024  #: output estimate when a request sets no max_tokens
MESSAGE_TOKENS = 3  #: per-message overhead in the estimate
MEDIA_TOKENS = 1000  #: per image/audio/file part (its base64 says nothing of its tokens)
_MEDIA_KEYS = frozenset({"image_url", "source", "input_audio", "file"})
_OUTPUT_KEYS = ("max_tokens", "max_completion_tokens", "max_output_tokens")
_TEXT_FIELDS = ("system", "messages", "tools", "functions", "prompt", "input")
_EPSILON = 1e-6  # sums of float intervals: admit rather than sleep a femtosecond


class Permit(Releasable):
    """The right to send one request: `release` it once the response (or failure) is in."""

    __slots__ = ("_budget", "admitted_at", "released", "tokens")

    def __init__(self, budget: Budget, tokens: int, admitted_at: float) -> None:
        self._budget = budget
        self.tokens = tokens  # the estimate charged at admission
        self.admitted_at = admitted_at
        self.released = False

    def _answered(self, answer: Outcome) -> None:
        self._budget._release(self, answer)

    @property
    def wants_usage(self) -> bool:
        """Whether a success's `used_tokens` counts: only while a tokens/min pace is in
        force (`settle` charges it at that pace). The engine skips reading the usage else."""
        return self._budget.counts_tokens


class _Waiter:
    """One queued caller and how to wake it: an Event (sync) or a future on its loop."""

    __slots__ = ("event", "future", "loop", "queued", "until")

    def __init__(self, loop: asyncio.AbstractEventLoop | None) -> None:
        self.loop = loop
        self.queued = False
        self.until = math.inf  # a wait to be woken ends by itself then (clock time)
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

    `limit`: the configured `RateLimit`, or None -- nothing configured: the budget paces
    only by what it learns (see the module docstring). `clock`, `sleep` and `asleep`: a
    `PacingClock`, injectable for tests; deadlines are values of `clock`.

    >>> budget = Budget(RateLimit(requests_per_minute=60))
    >>> budget.acquire(10).release(status=200)  # at once: the burst allowance is unused
    """

    def __init__(
        self,
        limit: RateLimit | None,
        *,
        key: tuple[str, ...] = (),
        **clocks: Unpack[PacingClock],
    ) -> None:
        self.key = key
        self._clock, self._sleep, self._asleep = pacing_clock(clocks)
        self._lock = threading.Lock()
        self._queue: deque[_Waiter] = deque()
        # The numbers (GCRA schedules, pause, all the pace learned: `_schedule.py`, as the
        # shared budgets keep them) and the policy on them (`_pace.py`).
        self._numbers = Schedule.fresh(self._clock())
        self._pace = Pace(limit, self._numbers)
        self._in_flight = 0
        self.max_pause = MAX_PAUSE

    @property
    def max_pause(self) -> float:
        """The longest pause a `retry_after` puts on the budget, and the longest spacing
        its learned pace puts between requests (`Pace.max_interval`); models lower it to
        their `max_retry_after`, so a caller's cap on waiting holds while it shares a
        budget."""
        return self._pace.max_interval

    @max_pause.setter
    def max_pause(self, seconds: float) -> None:
        with self._lock:
            self._pace.bound(seconds)
            self._wake_head()  # a waiter held by a longer spacing may go sooner

    # ---- what is in force ---------------------------------------------------------------

    @property
    def counts_tokens(self) -> bool:
        """Whether admissions need a token estimate (a tokens/min pace is in force)."""
        return self._pace.counts_tokens

    @property
    def limit(self) -> RateLimit | None:  # the configured limits (None: nothing configured)
        return self._pace.limit

    @property
    def learned(self) -> RateLimit | None:
        """What the budget learned from the server: the announced (or, failing that,
        discovered) requests/min, the announced tokens/min and the in-flight window."""
        rpm, tpm, window = self._pace.learned()
        if rpm is None and tpm is None and window is None:
            return None
        return RateLimit(rpm, tpm, window)

    @property
    def rate_factor(self) -> float:  # the share of the configured rate in force, FLOOR .. 1
        return self._pace.state.factor

    @property
    def in_flight(self) -> int:  # permits not yet released
        return self._in_flight

    @property
    def waiting(self) -> int:  # callers queued for a permit
        return len(self._queue)

    @property
    def current_rate_per_minute(self) -> float | None:
        """The request pace in force (configured or announced times `rate_factor`, or
        the discovered one); None when requests are not paced."""
        per_request = self._pace.per_request
        return 60.0 / per_request if per_request else None

    @property
    def paused_until(self) -> float | None:
        """The `clock` time a `retry_after` pause ends, or None when not paused."""
        until = self._numbers.paused_until
        return until if until > self._clock() else None

    def set_limit(self, limit: RateLimit | None) -> None:
        """Apply new configured limits from the next admission on (what was learned is kept)."""
        with self._lock:
            self._pace.set_limit(limit)
            self._wake_head()

    def __repr__(self) -> str:
        try:
            state = (
                f"factor={self._pace.state.factor:.2f}, in_flight={self._in_flight}, "
                f"waiting={self.waiting}"
            )
            return f"Budget({self.limit!r}, learned={self.learned!r}, {state})"
        except AttributeError:  # half built: a repr never raises
            return "Budget(<uninitialised>)"

    # ---- admission ----------------------------------------------------------------------

    def acquire(self, tokens: int, *, deadline: float | None = None) -> Permit:
        """Block until a request of `tokens` (estimated) may be sent; DeadlineExceededError,
        holding nothing, if that cannot happen before `deadline`."""
        if self._pace.open:
            with self._lock:
                permit = self._admit_open(tokens)
            if permit is not None:
                return permit
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
                    event.wait(self._timeout(waiter, deadline))
                else:
                    self._sleep(step)
        except BaseException:
            self._leave(waiter)
            raise

    async def aacquire(self, tokens: int, *, deadline: float | None = None) -> Permit:
        """The async `acquire`. Cancellation-safe: a cancelled waiter holds nothing."""
        if self._pace.open:
            with self._lock:
                permit = self._admit_open(tokens)
            if permit is not None:
                return permit
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
                    await asyncio.wait((future,), timeout=self._timeout(waiter, deadline))
                else:
                    await self._asleep(step)
        except BaseException:
            self._leave(waiter)
            raise

    def _timeout(self, waiter: _Waiter, deadline: float | None) -> float | None:
        end = waiter.until if deadline is None else min(deadline, waiter.until)
        return None if end == math.inf else max(0.0, end - self._clock())

    # Internals, called with self._lock held (except `_leave`, `_release`, `_timeout`).
    def _admit_open(self, tokens: int) -> Permit | None:
        """The common case: nothing limits admission (nobody queued, no pause)."""
        if not self._pace.open or self._queue:
            return None
        now = self._clock()
        if self._numbers.paused_until > now:
            return None
        self._in_flight += 1
        return Permit(self, tokens, now)

    def _poll(self, waiter: _Waiter, tokens: int, deadline: float | None) -> Permit | float | None:
        """A permit, seconds to sleep before polling again, or None: wait to be woken."""
        now = self._clock()
        first = self._queue[0] is waiter if waiter.queued else not self._queue
        pace = self._pace
        pace.forget(now)  # a lesson long past, as every scope (`_schedule.admit`)
        wait = delay(self._numbers, pace, now) if first else 0.0
        cap = pace.cap
        if pace.cold:
            if now >= pace.cold_until:  # no answer came in time: stop holding back
                pace.warm()
                cap = pace.cap
            else:
                cap = COLD_WINDOW if cap is None else min(cap, COLD_WINDOW)
        if first and wait <= _EPSILON and (cap is None or self._in_flight < cap):
            if waiter.queued:
                self._queue.popleft()
                self._wake_head()
            charge(self._numbers, pace, now, tokens)
            if pace.cold and pace.cold_until == math.inf:
                pace.cold_until = now + COLD_WAIT
            self._in_flight += 1
            return Permit(self, tokens, now)
        if first and wait > _EPSILON and self._numbers.paused_until <= now:
            pace.held_back(now)  # the pace, not a pause, holds the head back
        if not waiter.queued:  # first poll and someone is ahead: take a place in the line
            waiter.queued = True
            self._queue.append(waiter)
        if deadline is not None and now + max(wait, 0.0) >= deadline:
            raise DeadlineExceededError("the deadline passed while waiting in the rate limiter")
        # Held by the cold window: woken by the first answer, or it lifts by itself then.
        waiter.until = pace.cold_until if pace.cold and first else math.inf
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

    # ---- what an answer teaches -----------------------------------------------------------

    def _release(self, permit: Permit, answer: Outcome) -> None:
        announced = read_limits(answer.headers) if answer.headers is not None else None
        with self._lock:
            if permit.released:
                return
            permit.released = True
            self._in_flight -= 1
            settle(
                self._numbers,
                self.limit,
                answer,
                now=self._clock(),
                admitted_at=permit.admitted_at,
                tokens=permit.tokens,
                max_pause=self.max_pause,
                announced=announced,
                in_flight=self._in_flight,
                pace=self._pace,
            )
            self._wake_head()


_budgets: dict[tuple[str, ...], Budget] = {}
_budgets_lock = threading.Lock()
#: Budgets inherited through fork(): kept referenced, never used (see _after_fork_in_child).
_fork_orphans: list[Budget] = []


def get_budget(key: tuple[str, ...], limit: RateLimit | None = None) -> Budget:
    """The process-wide budget for `key` (an adapter's `budget_key(model)`), made on first
    use; thread-safe. Given a `limit` that differs from the budget's, the budget takes the
    new limit, for every caller sharing it, from its next admission on. `limit=None`
    (nothing configured) makes a budget that paces by what it learns, and leaves an
    existing budget's configured limit alone.

    >>> a = get_budget(("openai", "http://x/v1", "", "m"), RateLimit(60))
    >>> a is get_budget(("openai", "http://x/v1", "", "m"), RateLimit(120))
    True
    >>> a.limit.requests_per_minute
    120
    """
    budget = _budgets.get(key)  # a dict read is atomic: the common case takes no lock
    if budget is None:
        with _budgets_lock:
            budget = _budgets.get(key)
            if budget is None:
                budget = _budgets[key] = Budget(limit, key=key)
                return budget
    if limit is not None and budget.limit != limit:
        budget.set_limit(limit)
    return budget


def estimate_tokens(request: HTTPRequest) -> int:
    """A cheap estimate of the tokens a request will use, made before sending it, as
    ``ceil(chars / 4) + MESSAGE_TOKENS * messages + MEDIA_TOKENS * media + output``:
    `chars` counts every string under system/messages/tools (roles and type tags too);
    media are image/audio/file parts; `output` is max_tokens (or max_completion_tokens /
    max_output_tokens) where positive, else DEFAULT_OUTPUT_TOKENS (a limit of 0 is the
    model's own to an API that takes it). The reported usage corrects it.

    >>> from chatplex.adapters.request_types import HTTPRequest
    >>> body = {"max_tokens": 100, "messages": [{"role": "user", "content": "x" * 396}]}
    >>> estimate_tokens(HTTPRequest("POST", "https://x", {}, body))  # 400 chars, 1 message
    203
    >>> estimate_tokens(HTTPRequest("POST", "https://x", {}, {**body, "max_tokens": 0}))
    1127
    """
    body = request.json
    chars = media = 0
    stack: list[Any] = [item for name in _TEXT_FIELDS if (item := body.get(name)) is not None]
    pop, push = stack.pop, stack.append
    while stack:  # every request with a budget walks its body: keep the common types first
        item = pop()
        kind = type(item)
        if kind is str:
            chars += len(item)
        elif kind is dict or isinstance(item, Mapping):
            for name, value in item.items():
                if name in _MEDIA_KEYS:
                    media += 1
                elif type(value) is str:
                    chars += len(value)
                else:
                    push(value)
        elif kind is list or isinstance(item, (list, tuple)):
            stack.extend(item)
        elif isinstance(item, str):
            chars += len(item)
    messages = body.get("messages")
    count = len(messages) if isinstance(messages, list) else 0
    output = DEFAULT_OUTPUT_TOKENS
    for name in _OUTPUT_KEYS:
        size = body.get(name)
        if type(size) is int and size > 0:  # (not bool; 0 or less: no limit of its own)
            output = size
            break
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
