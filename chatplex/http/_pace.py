"""The pace of one rate-limit budget: which limits are in force, and what each answer
teaches (see `_ratelimit.py`'s module docstring for the policy in words).

`Pace` is the policy half of a `Budget`: no lock, no waiting, no clock, no queue. The
budget calls it under its own lock with the time (`now`) and reads back what is in force:
`per_request` and `per_token` (seconds per request / per token, 0.0: not paced), `cap`
(requests in flight, None: no cap), `open` (nothing limits admission at all) and
`counts_tokens` (admissions need a token estimate). `answered` says whether an answer is
evidence of a limit (or of a persisting overload): only then does its `retry_after`
pause the whole budget.

The policy in short: a sporadic 429/503/529 changes nothing for anyone but its own
request. A 429 shown to be a limit's -- by its headers (nothing `remaining`) or by a
sustained share of 429s that noise does not explain -- pauses the budget for its
`retry_after` and cuts the pace to just below what the server accepted; a cut made on a
share alone is tried, and undone if slowing down did not lower the share (that share is
then noise, and raises the bar); a share that fell, but not surely, gets a second look
(one more cut, judged against the same first count) before it is called noise. A cut
pace probes back up while it binds. At a confirmed limit, cuts that cost successes and
left the share where it was, surely above the bar, are in vain: that share was noise
after all (and where its 429s came, no ceiling). A
persisting share of 503/529s narrows the in-flight window, which widens by one per
success and is dropped WINDOW_CALM s after the last of them.

A limit shared with other processes (which share nothing with this one) or kept as a strict
window (600 in any 60 s: a burst goes through, then nothing for most of a minute, each 429
saying "retry after 1 s") shows in other ways than a share that falls when this process
slows down, so: a share refused nearly whole after a cut, or at least NOISE_MOST of the
answers, is a limit, never noise; a cut goes to LEARN_DECREASE of what the server
sustained over the last LONG_WINDOW s too (the decayed rate is fooled by a window's
burst) -- but a few 429s (under TRIGGER_SHARE) at a confirmed limit cut from the pace,
which a minute's average lags while it climbs, to FEW_DECREASE of it, and pause nobody
but their own requests -- and while the window stays shut
(refused again after a pause, no success since) the pace holds there and the pause
doubles instead, up to GROWN_PAUSE; the rate at which the 429s came (`ceiling`: the
pace, or what was sustained if less, not below LEARN_DECREASE of the pace unless the
window is shut) is remembered: the pace probes back up to it fast, beyond it
CEILING_GROWTH as fast (both faster the longer no 429 came); and a pace learned from
429s goes evenly spaced, no burst.
Independent processes each doing so converge as AIMD senders do. What was learned is
forgotten after FORGET_AFTER s with no cut, limit's pause, overload or trial (`forget`,
run at each admission: a machine budget's file outlives the scripts that taught it).

Everything learned sits in `PaceState`, a fixed set of floats (no deques, no None), so a
budget whose numbers live elsewhere -- a file shared by a machine's processes, an actor
shared by a cluster -- stores the same state and runs this same policy on it.

Shares of answers are exponentially weighted over the last ~SHARE_ANSWERS answers (a
running mean until that many came), the accepted rate is a success count decayed with
time constant RATE_TAU seconds.

The parts, each built on the one before: `_pace_state.py` (the tuning constants and
`PaceState`), `_pace_measures.py` (the shares, bars and accepted rates read off the
state), `_pace_cuts.py` (slowing down), `_pace_trials.py` (judging a cut made on a share
alone) and here `Pace` (what is in force, what an answer teaches, how long a pause is).
"""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING
from typing import Any

from ._pace_state import _NEVER
from ._pace_state import CEILING_GROWTH
from ._pace_state import FORGET_AFTER
from ._pace_state import GROWN_PAUSE
from ._pace_state import LEARN_GROWTH
from ._pace_state import OVERLOAD_SHARE
from ._pace_state import OVERLOAD_Z
from ._pace_state import OVERWHELMING
from ._pace_state import RATE_TAU
from ._pace_state import RATE_WINDOW
from ._pace_state import WINDOW_CALM
from ._pace_state import WINDOW_DECREASE
from ._pace_state import WINDOW_OPEN
from ._pace_state import PaceState
from ._pace_trials import PaceTrials

if TYPE_CHECKING:
    from ._budget_shared import RateLimit
    from ._learn import Announced

__all__ = ["Pace"]

_OVERLOAD = frozenset({503, 529})


class Pace(PaceTrials):
    """What limits one budget's admissions, and how answers change it.

    `limit` is the configured `RateLimit`; `state` (a `PaceState`, made fresh unless one
    is handed in: a budget hands in its `_schedule.Schedule`) is everything learned; the
    cold start (`cold`, `cold_until`) is the in-process budget's alone. `max_interval`:
    the longest spacing (s) a pace learned from 429s puts between two requests (the
    budget's `max_pause`, its models' `max_retry_after`), but for the configured or
    announced rate's own interval: what is learned stays as learned, the pace in force
    is bounded.
    """

    __slots__ = (
        "cap",
        "cold",
        "cold_until",
        "counts_tokens",
        "limit",
        "max_interval",
        "open",
        "per_request",
        "per_token",
    )

    def __init__(
        self,
        limit: RateLimit | None,
        state: PaceState | None = None,
        *,
        cold: bool | None = None,
        max_interval: float = math.inf,
    ) -> None:
        self.limit = limit
        self.max_interval = max_interval
        self.state = PaceState() if state is None else state
        # No answer yet, and nothing configured (a shared budget, always configured and
        # handing in its stored state, has no cold start: `cold=False`).
        self.cold = limit is None if cold is None else cold
        self.cold_until = math.inf  # set by the budget at the first admission
        self.refresh()

    # ---- what is in force ---------------------------------------------------------------

    def refresh(self) -> None:
        """Recompute `per_request`, `per_token`, `cap`, `open`, `counts_tokens`."""
        conf, s = self.limit, self.state
        rpm = _least(conf.requests_per_minute if conf else None, s.announced_rpm or None)
        tpm = _least(conf.tokens_per_minute if conf else None, s.announced_tpm or None)
        self.rated_rpm = float(rpm or 0.0)
        factor, longest = s.factor, self.max_interval
        if rpm:  # a cut spaces requests at most `longest` apart (or the rate's own interval)
            factor = max(factor, min(1.0, 60.0 / (rpm * longest) if longest > 0 else 1.0))
            self.per_request = 60.0 / (rpm * factor)
        elif s.discovered_rpm:
            self.per_request = min(60.0 / s.discovered_rpm, longest)
        else:
            self.per_request = 0.0
        self.per_token = 60.0 / (tpm * factor) if tpm else 0.0
        # Without a tokens/min pace a permit's `tokens` may be 0: usage is charged at release.
        self.counts_tokens = bool(self.per_token)
        cap = conf.max_in_flight if conf else None
        if s.window:
            cap = _least(cap, max(1, int(s.window)))
        self.cap = cap
        self.open = not (self.per_request or self.per_token or cap is not None or self.cold)

    def forget(self, now: float) -> bool:
        """Forget what 429s and 503s taught (a cut pace, a discovered one, a narrowed
        window, the shares, a trial) once FORGET_AFTER s passed since the last cut, limit's
        pause, overload or trial began: back to the announced limits (kept: the server's
        word) or none. A pace cut yesterday and saved in a machine's file no longer holds
        a script today; a limit still there is met again and learned again. True if it
        forgot (the pace in force is refreshed)."""
        s = self.state
        last = max(s.last_decrease, s.pause_began, s.last_cut, s.last_overload, s.trial_at)
        if last == _NEVER or now - last < FORGET_AFTER:
            return False
        announced = s.announced_rpm, s.announced_tpm
        for name, value in _FRESH:
            setattr(s, name, value)
        s.announced_rpm, s.announced_tpm = announced
        self.refresh()
        return True

    def bound(self, max_interval: float) -> None:
        """Space requests at most `max_interval` s apart from now on (see the class)."""
        if max_interval != self.max_interval:
            self.max_interval = max_interval
            self.refresh()

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

    def held_back(self, now: float) -> None:
        """The pace (not a pause) held a caller back: a discovered pace binds."""
        self.state.bound_at = now

    def learned(self) -> tuple[float | None, float | None, int | None]:
        """(requests/min announced or discovered, tokens/min announced, in-flight window)."""
        s = self.state
        rpm = s.announced_rpm or s.discovered_rpm or None
        window = max(1, int(s.window)) if s.window else None
        return rpm, s.announced_tpm or None, window

    # ---- what an answer teaches -----------------------------------------------------------

    def answered(
        self,
        status: int | None,
        admitted_at: float,
        announced: Announced | None,
        now: float,
        in_flight: int,
    ) -> bool:
        """One attempt's answer: its status (None: no answer), when its permit was
        admitted, the limits its headers announced, and how many are still in flight.
        True when the answer is evidence of a limit or of a persisting overload: then
        (and only then) its `retry_after` is the whole budget's pause."""
        s = self.state
        changed = False
        if self.cold and status is not None:  # the server answered: no more holding back
            self.cold, changed = False, True
        exhausted = False
        if announced is not None:
            changed = self._learn(announced) or changed
            exhausted = _exhausted(announced)
        if status is None:  # no answer (a connection error): nothing to count
            if changed:
                self.refresh()
            return False
        limited, overloaded = status == 429, status in _OVERLOAD
        self._count(limited, overloaded, status < 400, now)
        if s.trial_phase and admitted_at > s.trial_at:
            s.trial_answers += 1.0
            s.trial_limited += limited
            s.trial_ok += status < 400
            changed = self._judge_trial(now) or changed
        evidence = False
        if status < 400:
            changed = self._succeeded(now, admitted_at) or changed
        elif limited:
            evidence = self._at_limit(exhausted)
            changed = (evidence and self._limited(now, admitted_at, exhausted)) or changed
            # A share still being counted afresh (no cut yet) pauses nobody either, nor do
            # a few 429s at a confirmed limit: the cut paces the next requests, and each
            # 429 waits its own retry_after (a per-second window says "1 s" for what
            # clears in a fraction of it: pausing the budget threw that second away).
            confirmed = bool(s.confirmed) and not self._few()
            evidence = evidence and (exhausted or confirmed or s.trial_phase == 2.0)
        elif overloaded:
            s.last_overload = now
            evidence = self._surely(s.overload_share, OVERLOAD_SHARE, OVERLOAD_Z)
            if evidence and admitted_at > s.last_cut:
                s.window = max(1.0, (in_flight + 1) * WINDOW_DECREASE)
                s.last_cut, changed = now, True
        if changed:
            self.refresh()
        return evidence

    def _limited(self, now: float, admitted_at: float, exhausted: bool) -> bool:
        """A 429 judged a limit's. On the headers' word or at a confirmed limit, cut the
        pace at once, at most once per round trip (requests admitted before the last cut
        went out at the old pace: their 429s are that cut's news). On a share alone,
        put a cut on trial (unless one is under way): an OVERWHELMING share is cut at
        once and judged after; a lesser one is first counted afresh."""
        s = self.state
        if exhausted and not s.confirmed:
            s.confirmed, s.trial_phase = 1.0, 0.0  # the server said so: nothing to try
        if s.trial_phase:
            return False
        if not s.confirmed and not self._surely(s.limited_share, OVERWHELMING):
            self._phase(1.0, now)  # first the share at the current pace, freshly counted
            return False
        if not s.confirmed:  # so many 429s are no noise: cut at once, and judge the cut
            factor, rpm = s.factor, s.discovered_rpm
            if not self._cut(now):
                return False
            s.trial_share, s.trial_seen = s.limited_share, s.answers
            s.trial_factor, s.trial_rpm = factor, rpm
            s.trial_sent = s.trial_accepted = 0.0  # not counted afresh: "cost nothing" unknown
            s.last_decrease, s.trial_round = now, 0.0
            self._phase(2.0, now)
            return True
        # Refused again after a pause, with no success since it began: the window is closed.
        held = self._refused_again(admitted_at)
        if admitted_at <= s.last_decrease or (not exhausted and self._in_vain(now)):
            return False
        if not self._cut(now, held=held):
            return False
        s.last_decrease = now
        return True

    def pause_for(
        self, retry_after: float, admitted_at: float, now: float, paused_until: float
    ) -> float:
        """Seconds a limit's 429 pauses the budget: its `retry_after`, unless a request
        sent after the last such pause ended was refused again with no success since
        that pause began -- the server's word was short (a window limit says "1 s" for a
        minute): then twice the last pause, up to GROWN_PAUSE (or the `retry_after`)."""
        s = self.state
        again = self._refused_again(admitted_at) and admitted_at >= paused_until
        if again:
            s.pause_len = max(retry_after, min(2.0 * s.pause_len, GROWN_PAUSE))
        elif admitted_at >= paused_until or s.pause_began == _NEVER:
            s.pause_len = retry_after  # a fresh pause (a request of the last one's round: as is)
        else:
            return retry_after
        s.pause_began = now
        return s.pause_len

    def _succeeded(self, now: float, admitted_at: float) -> bool:
        s = self.state
        self._roll(now)
        s.minute_ok += 1.0
        s.accepted = s.accepted * math.exp(-(now - s.accepted_at) / RATE_TAU) + 1.0
        s.accepted_at = now
        s.first_success = min(s.first_success, now)
        changed = False
        trial = s.trial_phase != 0.0  # a pace on trial is measured as it stands
        if s.window:
            # Slow start (doubling per round trip), and gone once overload stopped.
            s.window += 1.0
            if s.window >= WINDOW_OPEN or now - s.last_overload >= WINDOW_CALM:
                s.window = 0.0
            changed = True
        # A cut pace holds callers back: one was held lately, or this request was (held
        # at most an interval before its admission: under a slow pace, or a call longer
        # than RATE_WINDOW, its answer comes long after the hold began).
        held = 0.0 <= admitted_at - s.bound_at <= self.per_request + RATE_WINDOW
        if not trial and (now - s.bound_at < RATE_WINDOW or held):
            # No 429 for long: probe faster... (never cut: a hand-built state; not at once)
            calm = now - s.last_decrease if s.last_decrease != _NEVER else 0.0
            step = LEARN_GROWTH * 60.0 * (1.0 + calm / 10.0)  # requests/min
            pace = self.rated_rpm * s.factor if self.rated_rpm else s.discovered_rpm
            if s.ceiling and pace >= s.ceiling:  # ...up to where the 429s came, then slowly
                # (the longer none came, the less that ceiling says: the calm speeds this
                # up too -- one set in a first minute's turmoil held a fleet low for minutes)
                step *= CEILING_GROWTH
            if self.rated_rpm and s.factor < 1.0:
                s.factor = min(1.0, s.factor + step / self.rated_rpm)
                changed = True
            elif s.discovered_rpm and not self.rated_rpm:
                s.discovered_rpm += step
                changed = True
        return changed

    def _learn(self, announced: Announced) -> bool:
        rpm, tpm = announced.requests_limit or 0.0, announced.tokens_limit or 0.0
        s = self.state
        if not (rpm or tpm) or (rpm == s.announced_rpm and tpm == s.announced_tpm):
            return False  # announces no limit (a 429's bare `remaining: 0`), or no news
        s.announced_rpm, s.announced_tpm = rpm, tpm
        if rpm:
            s.discovered_rpm = 0.0  # the server's word beats our guess
        return True


#: Each learned number's value before anything was learned.
_FRESH = tuple((f.name, getattr(PaceState(), f.name)) for f in dataclasses.fields(PaceState))


def _exhausted(announced: Announced) -> bool:
    """The headers say the server's bucket is empty (nothing left to send now)."""
    left = (announced.requests_remaining, announced.tokens_remaining)
    return any(value is not None and value < 1.0 for value in left)


def _least(a: float | None, b: float | None) -> Any:
    """The smaller of two optional limits (None: no limit)."""
    if a is None:
        return b
    if b is None:
        return a
    return min(a, b)
