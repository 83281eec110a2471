"""The admission numbers of a shared budget and the arithmetic on them, with no I/O.

A budget shared by several processes (`_budget_machine.py`, a file) or a cluster
(`_budget_ray.py`, an actor) keeps these numbers wherever all its users can reach them;
the rules are the in-process `Budget`'s (`_ratelimit.py`): GCRA schedules for requests and
tokens with the same burst allowance, a `retry_after` pause, a cap on requests in flight,
and an AIMD factor on the configured rates (a 429 halves it, once per round trip; each
success adds a step back). Times are seconds on one clock shared by every user of the
numbers (CLOCK_MONOTONIC is system-wide on Linux; an actor uses its own).

>>> from chatplex.http import RateLimit
>>> s = Schedule.fresh(0.0)
>>> admit(s, RateLimit(60), now=0.0, tokens=1, in_flight=0)  # admitted: no wait
0.0
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ._pace import DECREASE, FLOOR, INCREASE
from ._ratelimit import BURST_REQUESTS, BURST_SECONDS, MAX_PAUSE, RateLimit

__all__ = ["STALE_AHEAD", "Schedule", "admit", "settle"]

_EPSILON = 1e-6  # sums of float intervals: admit rather than sleep a femtosecond
#: No number is legitimately this far (s) in the future: the pause is at most MAX_PAUSE
#: and a schedule at most a burst and one request ahead. Beyond it the numbers were
#: written under another clock (a file kept across a reboot) and are reset.
STALE_AHEAD = 3600.0


@dataclass(slots=True)
class Schedule:
    """The shared numbers: GCRA theoretical arrival times, the pause, the AIMD factor."""

    request_tat: float
    token_tat: float
    paused_until: float
    factor: float
    last_decrease: float

    @classmethod
    def fresh(cls, now: float) -> Schedule:
        return cls(now, now, -math.inf, 1.0, -math.inf)

    def is_stale(self, now: float) -> bool:
        ahead = now + STALE_AHEAD
        return (
            self.request_tat > ahead
            or self.token_tat > ahead
            or self.paused_until > ahead
            or self.last_decrease > ahead
            or not FLOOR <= self.factor <= 1.0
        )


def intervals(limit: RateLimit, factor: float) -> tuple[float, float]:
    """Seconds per request and per token at `factor` of the configured rates (0: unpaced)."""
    rpm, tpm = limit.requests_per_minute, limit.tokens_per_minute
    return (60.0 / (rpm * factor) if rpm else 0.0, 60.0 / (tpm * factor) if tpm else 0.0)


def admit(s: Schedule, limit: RateLimit, *, now: float, tokens: int, in_flight: int) -> float:
    """Admit a request of `tokens` (charging the schedules) and return 0.0, or return the
    seconds to wait before asking again (math.inf: only a release can make room)."""
    per_request, per_token = intervals(limit, s.factor)
    wait = s.paused_until - now
    if per_request:
        burst = min((BURST_REQUESTS - 1) * per_request, BURST_SECONDS)
        wait = max(wait, s.request_tat - burst - now)
    if per_token:
        # Checked before charging, so a request bigger than the burst goes (and pays).
        wait = max(wait, s.token_tat - BURST_SECONDS - now)
    if wait > _EPSILON:
        return wait
    cap = limit.max_in_flight
    if cap is not None and in_flight >= cap:
        return math.inf
    if per_request:
        s.request_tat = max(s.request_tat, now) + per_request
    if per_token:
        s.token_tat = max(s.token_tat, now) + tokens * per_token
    return 0.0


def settle(
    s: Schedule,
    limit: RateLimit,
    *,
    now: float,
    admitted_at: float,
    tokens: int,
    used: int | None,
    status: int | None,
    retry_after: float | None,
    max_pause: float = MAX_PAUSE,
) -> None:
    """What one answer teaches: the token estimate corrected by `used`, the AIMD factor,
    the `retry_after` pause, and after a 429 a restart with the burst allowance spent."""
    per_request, per_token = intervals(limit, s.factor)
    used = 0 if used is None and status == 429 else used  # a 429 did no work
    if used is not None and per_token:  # at the pace the estimate was charged at
        s.token_tat += (used - tokens) * per_token
    if status == 429 and admitted_at > s.last_decrease:
        # Requests admitted before the last cut went out at the old pace: their 429s are
        # that cut's news. One decrease per round trip, as in TCP.
        s.factor = max(FLOOR, s.factor * DECREASE)
        s.last_decrease = now
    elif status is not None and status < 400:
        s.factor = min(1.0, s.factor + INCREASE)
    if retry_after is not None and retry_after > 0:
        s.paused_until = max(s.paused_until, now + min(retry_after, max_pause))
    if status == 429:
        # The server's bucket is empty: restart at the pause's end (or an interval from
        # now) with the burst allowance spent, rather than answer with a burst.
        per_request, per_token = intervals(limit, s.factor)
        start = max(s.paused_until, now + per_request)
        burst = min((BURST_REQUESTS - 1) * per_request, BURST_SECONDS)
        s.request_tat = max(s.request_tat, start + burst)
        if per_token:
            s.token_tat = max(s.token_tat, start + BURST_SECONDS)
