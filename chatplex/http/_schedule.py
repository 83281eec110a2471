"""The admission numbers of a budget and the arithmetic on them, with no I/O: one
implementation for every scope.

A budget keeps a `Schedule` -- GCRA theoretical arrival times for requests and tokens,
the pause, and everything its pace learned (`Schedule` is a `_pace_state.PaceState`, all
floats) -- in-process (`_ratelimit.Budget`), in a file shared by a machine's processes
(`_budget_machine.py`) or in an actor shared by a cluster (`_budget_ray.py`). `admit`
and `settle` are the rules for all of them: requests and tokens spaced by GCRA with a
small burst allowance, the in-flight cap, and what an answer teaches by the policy of
`_pace.py` (announced limits, a 429 that is a limit's evidence, overload) -- see
`_ratelimit.py`'s module docstring. Times are seconds on one clock shared by every user
of the numbers (CLOCK_MONOTONIC is system-wide on Linux; an actor uses its own).

>>> from chatplex.http import RateLimit
>>> s = Schedule.fresh(0.0)
>>> admit(s, RateLimit(60), now=0.0, tokens=1, in_flight=0)  # admitted: no wait
0.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from dataclasses import fields
from typing import TYPE_CHECKING

from ._budget_shared import Outcome
from ._learn import Announced
from ._learn import read_limits
from ._pace import Pace
from ._pace_state import FLOOR
from ._pace_state import PaceState

if TYPE_CHECKING:
    from ._budget_shared import RateLimit

__all__ = [
    "BURST_REQUESTS",
    "BURST_SECONDS",
    "MAX_PAUSE",
    "STALE_AHEAD",
    "Schedule",
    "admit",
    "delay",
    "intervals",
    "schedule_fields",
    "settle",
]

BURST_REQUESTS = 4  #: requests that may go back to back after an idle spell...
BURST_SECONDS = 1.0  #: ...but at most this much schedule ahead (also the token burst)
MAX_PAUSE = 60.0  #: the longest pause (s) a limit's `retry_after` puts on a whole budget
_EPSILON = 1e-6  # sums of float intervals: admit rather than sleep a femtosecond
#: No time is legitimately this far (s) in the future: the pause is at most MAX_PAUSE
#: and a schedule at most a burst and one request ahead. Beyond it the numbers were
#: written under another clock (a file kept across a reboot) and are reset.
STALE_AHEAD = 3600.0


@dataclass(slots=True)
class Schedule(PaceState):
    """A budget's numbers: what its pace learned (`PaceState`'s fields), then the GCRA
    theoretical arrival times and the pause. All floats, so they pack into a file."""

    request_tat: float = 0.0
    token_tat: float = 0.0
    paused_until: float = -math.inf

    @classmethod
    def fresh(cls, now: float) -> Schedule:
        return cls(request_tat=now, token_tat=now)

    def is_stale(self, now: float) -> bool:
        """Numbers written under another clock (or garbled): start afresh."""
        ahead = now + STALE_AHEAD
        times = (
            *(self.request_tat, self.token_tat, self.paused_until, self.last_decrease),
            *(self.last_cut, self.last_overload, self.bound_at, self.trial_at),
            *(self.minute_at, self.pause_began),
        )
        return any(ahead < t < math.inf for t in times) or not FLOOR <= self.factor <= 1.0


def _burst(s: Schedule, per_request: float) -> float:
    """Seconds of schedule that may go back to back: a small burst allowance, none once
    the pace was cut on a limit's 429s (a burst is what a per-second window or processes
    waking at the same retry-after refuse: the learned pace goes evenly spaced)."""
    if s.ceiling:
        return 0.0
    return min((BURST_REQUESTS - 1) * per_request, BURST_SECONDS)


def schedule_fields() -> tuple[str, ...]:
    """The names of a Schedule's numbers, in order (a file packs them so)."""
    return tuple(f.name for f in fields(Schedule))


def intervals(
    limit: RateLimit | None, s: Schedule, max_pause: float = MAX_PAUSE
) -> tuple[float, float]:
    """Seconds per request and per token in force (0: unpaced; a learned spacing of
    requests at most `max_pause`, `Pace.max_interval`)."""
    pace = Pace(limit, s, cold=False, max_interval=max_pause)
    return pace.per_request, pace.per_token


def delay(s: Schedule, pace: Pace, now: float) -> float:
    """Seconds until the pause and both paces allow the next request (<= 0: now)."""
    per_request, per_token = pace.per_request, pace.per_token
    wait = s.paused_until - now
    if per_request:
        burst = _burst(s, per_request)
        wait = max(wait, s.request_tat - burst - now)
    if per_token:
        # Checked before charging, so a request bigger than the burst goes (and pays).
        wait = max(wait, s.token_tat - BURST_SECONDS - now)
    return wait


def charge(s: Schedule, pace: Pace, now: float, tokens: int) -> None:
    """Charge an admitted request of `tokens` to the schedules."""
    if pace.per_request:
        s.request_tat = max(s.request_tat, now) + pace.per_request
    if pace.per_token:
        s.token_tat = max(s.token_tat, now) + tokens * pace.per_token


def admit(
    s: Schedule,
    limit: RateLimit | None,
    *,
    now: float,
    tokens: int,
    in_flight: int,
    max_pause: float = MAX_PAUSE,
) -> float:
    """Admit a request of `tokens` (charging the schedules) and return 0.0, or return the
    seconds to wait before asking again (math.inf: only a release can make room).
    `max_pause`: the longest spacing a learned pace puts between requests, as the
    longest pause (`Pace.max_interval`)."""
    pace = Pace(limit, s, cold=False, max_interval=max_pause)
    pace.forget(now)  # a lesson long past (a machine's file keeps it across scripts)
    wait = delay(s, pace, now)
    if wait > _EPSILON:
        if s.paused_until <= now:
            pace.held_back(now)  # the pace, not a pause, holds the caller back
        return wait
    if pace.cap is not None and in_flight >= pace.cap:
        return math.inf
    charge(s, pace, now, tokens)
    return 0.0


def settle(
    s: Schedule,
    limit: RateLimit | None,
    answer: Outcome,
    *,
    now: float,
    admitted_at: float,
    tokens: int,
    max_pause: float = MAX_PAUSE,
    announced: Announced | None = None,
    in_flight: int = 0,
    pace: Pace | None = None,
) -> bool:
    """What one answer teaches (`in_flight`: requests still out after it): the token
    estimate corrected by its `used`; the pace's lesson (`_pace.Pace.answered`) from its
    status and its headers (or their `announced` limits, already read); for an answer
    that is evidence of a limit or of a persisting overload, its `retry_after` pauses
    everyone, and after such a 429 the schedule restarts with the burst allowance spent;
    a low `remaining` count holds the next admissions back. `max_pause` bounds the pause
    and the spacing a learned pace puts between requests. `pace`: the budget's own
    (the in-process one keeps its cold start there), else one made on `s`. Returns
    whether the answer was such evidence."""
    if announced is None and answer.headers is not None:
        announced = read_limits(answer.headers)
    used, status, retry_after = answer.used, answer.status, answer.retry_after
    pace = Pace(limit, s, cold=False, max_interval=max_pause) if pace is None else pace
    used = 0 if used is None and status == 429 else used  # a 429 did no work
    if used is not None and pace.per_token:  # at the pace the estimate was charged at
        s.token_tat += (used - tokens) * pace.per_token
    evidence = pace.answered(status, admitted_at, announced, now, in_flight)
    told = retry_after if retry_after is not None and retry_after > 0 else 0.0
    if evidence and status == 429:  # a limit's pause grows while its retry_after proves short
        told = pace.pause_for(told, admitted_at, now, s.paused_until)
    if evidence and told > 0:
        s.paused_until = max(s.paused_until, now + min(told, max_pause))
    if evidence and status == 429:
        # The server's bucket is empty: restart at the pause's end (or an interval from
        # now) with the burst allowance spent, rather than answer with a burst.
        per_request = pace.per_request
        start = max(s.paused_until, now + per_request)
        burst = _burst(s, per_request)
        s.request_tat = max(s.request_tat, start + burst)
        if pace.per_token:
            s.token_tat = max(s.token_tat, start + BURST_SECONDS)
    if announced is not None:
        _hold_back(s, pace, announced, now, in_flight)
    return evidence


def _hold_back(s: Schedule, pace: Pace, announced: Announced, now: float, in_flight: int) -> None:
    """A low `remaining` holds admissions back: with `k` requests left, at most `k` more
    go before the server's refill at the announced pace -- fewer the requests still in
    flight, which the server counts as they arrive (the count was taken when this
    answer's request arrived, so some of them may be counted twice: the safe side; and
    before a limit was known, admissions were not charged to the schedule)."""
    per_request, per_token = pace.per_request, pace.per_token
    left = announced.requests_remaining
    if left is not None and per_request:
        left = max(0.0, left - in_flight)
        burst = _burst(s, per_request)
        s.request_tat = max(s.request_tat, now + burst + per_request - left * per_request)
    left = announced.tokens_remaining
    if left is not None and per_token:
        s.token_tat = max(s.token_tat, now + BURST_SECONDS - left * per_token)
