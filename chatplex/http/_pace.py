"""The pace of one rate-limit budget: which limits are in force, and what each answer
teaches (see `_ratelimit.py`'s module docstring for the policy in words).

`Pace` is the policy half of a `Budget`: no lock, no waiting, no clock, no queue. The
budget calls it under its own lock with the time (`now`) and reads back what is in force:
`per_request` and `per_token` (seconds per request / per token, 0.0: not paced), `cap`
(requests in flight, None: no cap), `open` (nothing limits admission at all) and
`counts_tokens` (admissions need a token estimate). Where the admission numbers live --
the GCRA schedules, the pause, the count in flight, the queue of waiters -- is the
budget's business; so a budget whose numbers live elsewhere (another process, an actor)
can keep this policy as it is.
"""

from __future__ import annotations

import math
from collections import deque
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ._learn import Announced
    from ._ratelimit import RateLimit

__all__ = [
    "COLD_WAIT",
    "COLD_WINDOW",
    "DECREASE",
    "DISCOVER_MIN",
    "FLOOR",
    "INCREASE",
    "LEARN_DECREASE",
    "LEARN_GROWTH",
    "RATE_WINDOW",
    "TROUBLE_MIN",
    "TROUBLE_SHARE",
    "WINDOW_DECREASE",
    "WINDOW_OPEN",
    "Pace",
]

DECREASE = 0.5  #: a 429 multiplies the pace by this...
FLOOR = 0.1  #: ...down to this fraction of the configured rates
INCREASE = 0.05  #: each success adds back this fraction of the configured rates
LEARN_DECREASE = 0.9  #: a 429 with no known rate: pace at this share of the accepted rate
LEARN_GROWTH = 0.03  #: requests/s added per success while a discovered pace binds
RATE_WINDOW = 1.0  #: seconds of answers the accepted rate and the trouble share are taken over
TROUBLE_SHARE = 0.1  #: below this share of 429s (or of 503/529s) in it, a budget pauses...
TROUBLE_MIN = 3  #: ...and below this many of them
DISCOVER_MIN = 5  #: successes in the window needed to measure a pace (fewer: only pause)
WINDOW_DECREASE = 0.5  #: a 503/529 cuts the in-flight window to this share of in-flight
WINDOW_OPEN = 4096.0  #: a window grown this wide is dropped (nothing caps in-flight)
COLD_WINDOW = 8  #: in flight before an unconfigured budget's first answer...
COLD_WAIT = 1.0  #: ...for at most this many seconds after its first admission


class Pace:
    """What limits one budget's admissions, and how answers change it.

    State: the configured `limit`; the AIMD `factor` on configured/announced rates; the
    announced requests/tokens per minute; a discovered requests/min (from 429s, when
    nothing is announced); the in-flight `window` (from 503/529s); the cold start; and the
    times of recent successes, 429s and overloads (bounded deques), from which the
    accepted rate and the share of trouble are measured.
    """

    __slots__ = (
        "announced_rpm",
        "announced_tpm",
        "bound_at",
        "cap",
        "cold",
        "cold_until",
        "counts_tokens",
        "discovered_rpm",
        "factor",
        "first_success",
        "last_cut",
        "last_decrease",
        "limit",
        "limited",
        "open",
        "overloaded",
        "per_request",
        "per_token",
        "rated",
        "successes",
        "window",
    )

    def __init__(self, limit: RateLimit | None) -> None:
        self.limit = limit
        self.factor = 1.0  # AIMD: the fraction of the configured/announced rates in force
        self.announced_rpm: float | None = None  # from response headers
        self.announced_tpm: float | None = None
        self.discovered_rpm: float | None = None  # from 429s, when nothing else says
        self.window: float | None = None  # AIMD in-flight window (None: no cap)
        self.cold = limit is None  # no answer yet, and nothing configured
        self.cold_until = math.inf  # set by the budget at the first admission
        self.successes: deque[float] = deque(maxlen=8192)  # when answers came...
        self.limited: deque[float] = deque(maxlen=1024)  # ...429s...
        self.overloaded: deque[float] = deque(maxlen=1024)  # ...and 503s / 529s
        self.first_success = math.inf
        self.bound_at = -math.inf  # when the pace last held a caller back
        self.last_decrease = self.last_cut = -math.inf
        self.refresh()

    # ---- what is in force ---------------------------------------------------------------

    def refresh(self) -> None:
        """Recompute `per_request`, `per_token`, `cap`, `open`, `counts_tokens`."""
        conf = self.limit
        rpm = _least(conf.requests_per_minute if conf else None, self.announced_rpm)
        tpm = _least(conf.tokens_per_minute if conf else None, self.announced_tpm)
        self.rated = rpm is not None
        if rpm:
            self.per_request = 60.0 / (rpm * self.factor)
        elif self.discovered_rpm:
            self.per_request = 60.0 / self.discovered_rpm
        else:
            self.per_request = 0.0
        self.per_token = 60.0 / (tpm * self.factor) if tpm else 0.0
        # Without a tokens/min pace a permit's `tokens` may be 0: usage is charged at release.
        self.counts_tokens = bool(self.per_token)
        cap = conf.max_in_flight if conf else None
        if self.window is not None:
            cap = _least(cap, max(1, int(self.window)))
        self.cap = cap
        self.open = not (self.per_request or self.per_token or cap is not None or self.cold)

    def set_limit(self, limit: RateLimit | None) -> None:
        self.limit = limit
        if limit is not None:
            self.cold = False
        self.refresh()

    def warm(self) -> None:
        """The cold start is over (an answer came, or COLD_WAIT passed)."""
        if self.cold:
            self.cold = False
            self.refresh()

    def learned(self) -> tuple[float | None, float | None, int | None]:
        """(requests/min announced or discovered, tokens/min announced, in-flight window)."""
        rpm = self.announced_rpm or self.discovered_rpm
        window = None if self.window is None else max(1, int(self.window))
        return rpm, self.announced_tpm, window

    # ---- what an answer teaches -----------------------------------------------------------

    def answered(
        self,
        status: int | None,
        admitted_at: float,
        announced: Announced | None,
        now: float,
        in_flight: int,
    ) -> None:
        """One attempt's answer: its status (None: no answer), when its permit was
        admitted, the limits its headers announced, and how many are still in flight."""
        changed = False
        if self.cold and status is not None:  # the server answered: no more holding back
            self.cold, changed = False, True
        if announced is not None:
            changed = self._learn(announced) or changed
        if status is not None and status < 400:
            changed = self._succeeded(now) or changed
        elif status == 429 and admitted_at > self.last_decrease:
            # Requests admitted before the last cut went out at the old pace: their
            # 429s are that cut's news. One decrease per round trip, as in TCP.
            if self.rated:
                self.factor = max(FLOOR, self.factor * DECREASE)
                self.last_decrease, changed = now, True
            elif self._troubled(self.limited, now) or self.discovered_rpm is not None:
                self._discover(now)
                self.last_decrease, changed = now, True
        elif (
            status in (503, 529)
            and admitted_at > self.last_cut
            and (self._troubled(self.overloaded, now) or self.window is not None)
        ):
            self.window = max(1.0, (in_flight + 1) * WINDOW_DECREASE)
            self.last_cut, changed = now, True
        if changed:
            self.refresh()

    def _succeeded(self, now: float) -> bool:
        changed = False
        if self.factor < 1.0:
            self.factor = min(1.0, self.factor + INCREASE)
            changed = True
        if self.window is not None:
            self.window += 1.0 / self.window
            if self.window >= WINDOW_OPEN:
                self.window = None
            changed = True
        self.successes.append(now)  # for the accepted rate and the share of trouble
        if self.first_success == math.inf:
            self.first_success = now
        if self.discovered_rpm is not None and now - self.bound_at < RATE_WINDOW:
            calm = now - self.last_decrease  # no 429 for long: probe faster
            self.discovered_rpm += LEARN_GROWTH * 60.0 * (1.0 + calm / 10.0)
            changed = True
        return changed

    def _troubled(self, times: deque[float], now: float) -> bool:
        """Count this 429 (or 503/529) in `times`; whether such answers are now
        TROUBLE_SHARE of the last RATE_WINDOW s' answers (a rare one is weather)."""
        times.append(now)
        since = now - RATE_WINDOW
        troubles = _recent(times, since)
        if troubles < TROUBLE_MIN:
            return False
        return troubles >= TROUBLE_SHARE * (troubles + _recent(self.successes, since))

    def _discover(self, now: float) -> None:
        """A 429 and no rate known: pace at a share of what the server was accepting."""
        window = min(RATE_WINDOW, max(0.05, now - self.first_success))
        accepted = _recent(self.successes, now - window)
        measured = accepted / window * 60.0
        current = self.discovered_rpm
        if current is None and accepted < DISCOVER_MIN:
            return  # too few answers to tell a rate: the `retry_after` pause must do
        if measured > 0:
            base = measured if current is None else min(current, measured)
            self.discovered_rpm = max(1.0, base * LEARN_DECREASE)
        elif current is not None:
            self.discovered_rpm = max(1.0, current * LEARN_DECREASE)

    def _learn(self, announced: Announced) -> bool:
        rpm, tpm = announced.requests_limit or None, announced.tokens_limit or None
        if rpm == self.announced_rpm and tpm == self.announced_tpm:
            return False
        self.announced_rpm, self.announced_tpm = rpm, tpm
        if rpm is not None:
            self.discovered_rpm = None  # the server's word beats our guess
        return True


def _recent(times: deque[float], since: float) -> int:
    """How many of `times` (ascending) are after `since`."""
    count = 0
    for at in reversed(times):
        if at <= since:
            break
        count += 1
    return count


def _least(a: float | None, b: float | None) -> Any:
    """The smaller of two optional limits (None: no limit)."""
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)
