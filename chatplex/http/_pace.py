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
Independent processes each doing so converge as AIMD senders do.

Everything learned sits in `PaceState`, a fixed set of floats (no deques, no None), so a
budget whose numbers live elsewhere -- a file shared by a machine's processes, an actor
shared by a cluster -- stores the same state and runs this same policy on it.

Shares of answers are exponentially weighted over the last ~SHARE_ANSWERS answers (a
running mean until that many came), the accepted rate is a success count decayed with
time constant RATE_TAU seconds.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Any

if TYPE_CHECKING:
    from ._learn import Announced
    from ._ratelimit import RateLimit

#: The constants below are the policy's tuning, read by tests and the bench by name.
__all__ = ["Pace", "PaceState", "pace_known"]

DECREASE = 0.5  #: a cut with no accepted rate to go by multiplies a known rate by this...
FLOOR = 0.1  #: ...and no cut goes below this fraction of the configured/announced rates
LEARN_DECREASE = 0.9  #: a cut paces at this share of the accepted rate (or of the pace)
FEW_DECREASE = 0.95  #: ...and a few 429s at a confirmed limit cut the pace to this share
LEARN_GROWTH = 0.015  #: requests/s added per success while a cut pace binds...
CEILING_GROWTH = 0.1  #: ...times this above the rate at which the limit's 429s last came
RATE_WINDOW = 1.0  #: a pace that held a caller back this recently "binds"
RATE_TAU = 1.0  #: seconds: time constant of the accepted-rate measure
LONG_WINDOW = 60.0  #: seconds: the span of the long accepted-rate measure (a per-minute limit)
DISCOVER_MIN = 5  #: recent successes needed to measure a pace (fewer: only pause)
SHARE_ANSWERS = 20  #: answers the shares of 429s and of 503/529s are weighted over
MIN_ANSWERS = 10  #: answers seen before a share is weighed at all...
SURE_Z = 1.5  #: ...and a share counts as above a bar only this many errors above it...
SURE_Z_FEW = 2.0  #: ...this many while fewer than SHARE_ANSWERS came (a running mean)
OVERWHELMING = 0.5  #: a 429 share surely above this is cut at once (then judged)
TRIGGER_SHARE = 0.2  #: a 429 share at least this (and above the noise) suggests a limit
NOISE_MOST = 0.45  #: a share this high after a cut is not written off as noise: cut again
NOISE_MARGIN = 0.1  #: ...it must exceed the learned noise share by this much
NOISE_KEEP = 0.999  #: the noise share fades by this per answer (~1,000 answers' memory)
CONFIRMED_MARGIN = 0.06  #: at a confirmed limit, a share this above the noise is news
#: (0.06: processes sharing a per-second limit drift in and out of phase and bunch a few)
HELPED_Z = 3.0  #: a cut helped when the 429 share fell by this many standard errors...
LEANING_Z = 1.0  #: ...and one that fell by this many earns a second look (one more cut)
TRIAL_ANSWERS = 30  #: answers sent in a trial phase (before / after a cut) that judge it...
FREE_SENT = 0.7  #: a cut that sent at most this share of the answers before...
FREE_KEPT = 0.8  #: ...and kept at least this share of the successes cost nothing
TRIAL_SECONDS = 5.0  #: ...or this long, if at least DISCOVER_MIN of them came
OVERLOAD_SHARE = 0.25  #: 503/529s at least this share of the answers...
OVERLOAD_Z = 2.5  #: ...by this many errors (no trial undoes a narrowed window): overloaded
WINDOW_DECREASE = 0.5  #: an overload cuts the in-flight window to this share of in-flight
WINDOW_CALM = 1.0  #: no 503/529 for this long (s): the window is dropped
WINDOW_OPEN = 4096.0  #: a window grown this wide is dropped (nothing caps in-flight)
COLD_WINDOW = 8  #: in flight before an unconfigured budget's first answer...
COLD_WAIT = 1.0  #: ...for at most this many seconds after its first admission
GROWN_PAUSE = 4.0  #: a limit's pause doubles while its retry_after proves short, up to this

_OVERLOAD = frozenset({503, 529})
_NEVER = -math.inf


@dataclass(slots=True)
class PaceState:
    """What one budget has learned, as plain floats (0.0 or -inf: nothing), so it fits a
    shared file or an actor as well as a process. Times are on the budget's clock."""

    factor: float = 1.0  #: the share of the configured/announced rates in force, FLOOR .. 1
    announced_rpm: float = 0.0  #: limits the server's headers announced
    announced_tpm: float = 0.0
    discovered_rpm: float = 0.0  #: a pace found from 429s, when nothing is announced
    window: float = 0.0  #: the in-flight window narrowed by overload
    confirmed: float = 0.0  #: 1.0: slowing down was seen to help: a real limit
    noise: float = 0.0  #: the 429 share that slowing down did not remove
    answers: float = 0.0  #: answers counted in the shares (up to SHARE_ANSWERS)
    limited_share: float = 0.0  #: recent share of 429s...
    overload_share: float = 0.0  #: ...and of 503/529s
    accepted: float = 0.0  #: successes, decayed with RATE_TAU...
    accepted_at: float = _NEVER  #: ...as of this time
    first_success: float = math.inf
    bound_at: float = _NEVER  #: when the pace last held a caller back
    last_decrease: float = _NEVER  #: when the pace was last cut
    last_cut: float = _NEVER  #: when the window was last cut
    last_overload: float = _NEVER  #: when the last 503/529 came
    trial_phase: float = 0.0  #: a trial of a cut: 1 measuring before it, 2 after it
    trial_at: float = _NEVER  #: the phase counts the answers of requests sent since...
    trial_answers: float = 0.0  #: ...how many came...
    trial_limited: float = 0.0  #: ...how many were 429s...
    trial_ok: float = 0.0  #: ...and how many succeeded
    trial_share: float = 0.0  #: the 429 share before the cut...
    trial_seen: float = 0.0  #: ...over how many answers...
    trial_sent: float = 0.0  #: ...the answers a minute then...
    trial_accepted: float = 0.0  #: ...and the successes a minute...
    trial_factor: float = 1.0  #: ...and what to go back to if it did not help
    trial_rpm: float = 0.0
    trial_round: float = 0.0  #: cuts judged in this trial so far
    cut_answers: float = 0.0  #: at a confirmed limit, answers counted afresh...
    cut_limited: float = 0.0  #: ...how many were 429s (see Pace._in_vain)...
    cut_ok: float = 0.0  #: ...how many succeeded...
    cut_at: float = _NEVER  #: ...since when...
    cut_accepted: float = 0.0  #: ...and the successes a minute of the count before...
    cut_share: float = 0.0  #: ...and its 429 share
    minute_at: float = _NEVER  #: successes counted since this time (LONG_WINDOW buckets)...
    minute_ok: float = 0.0  #: ...in the current bucket...
    previous_ok: float = 0.0  #: ...and in the one before
    ceiling: float = 0.0  #: requests/min the server sustained when its limit's 429s last came
    pause_len: float = 0.0  #: the length of the last pause a limit's 429 put on...
    pause_began: float = _NEVER  #: ...and when it began


class Pace:
    """What limits one budget's admissions, and how answers change it.

    `limit` is the configured `RateLimit`; `state` (a `PaceState`, made fresh unless one
    is handed in: a budget hands in its `_schedule.Schedule`) is everything learned; the
    cold start (`cold`, `cold_until`) is the in-process budget's alone.
    """

    __slots__ = (
        "cap",
        "cold",
        "cold_until",
        "counts_tokens",
        "limit",
        "open",
        "per_request",
        "per_token",
        "rated_rpm",
        "state",
    )

    def __init__(
        self, limit: RateLimit | None, state: PaceState | None = None, *, cold: bool | None = None
    ) -> None:
        self.limit = limit
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
        if rpm:
            self.per_request = 60.0 / (rpm * s.factor)
        elif s.discovered_rpm:
            self.per_request = 60.0 / s.discovered_rpm
        else:
            self.per_request = 0.0
        self.per_token = 60.0 / (tpm * s.factor) if tpm else 0.0
        # Without a tokens/min pace a permit's `tokens` may be 0: usage is charged at release.
        self.counts_tokens = bool(self.per_token)
        cap = conf.max_in_flight if conf else None
        if s.window:
            cap = _least(cap, max(1, int(s.window)))
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
            changed = self._succeeded(now) or changed
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

    def _count(self, limited: bool, overloaded: bool, ok: bool, now: float) -> None:
        s = self.state
        s.answers = min(s.answers + 1.0, float(SHARE_ANSWERS))
        if not s.confirmed:  # what was noise once is checked again, now and then
            s.noise *= NOISE_KEEP
        else:  # the answers since the last cut at a confirmed limit (see _in_vain)
            if s.cut_at == _NEVER:
                s.cut_at = now
            s.cut_answers += 1.0
            s.cut_limited += limited
            s.cut_ok += ok
        weight = 1.0 / s.answers  # a running mean, then an EWMA over SHARE_ANSWERS
        s.limited_share += weight * (limited - s.limited_share)
        s.overload_share += weight * (overloaded - s.overload_share)

    def _at_limit(self, exhausted: bool) -> bool:
        """Whether this 429 is a rate limit's: the headers say nothing is left, or 429s
        are a share of the answers that noise does not explain."""
        s = self.state
        if exhausted:
            return True
        if s.confirmed:
            return s.answers >= MIN_ANSWERS and s.limited_share >= self._confirmed_bar()
        return self._surely(s.limited_share, self._bar())

    def _few(self) -> bool:
        """At a confirmed limit, 429s a share under TRIGGER_SHARE: a probe a little too
        far, or processes paced under a per-second window drifting into phase and
        bunching a few requests -- not a window shut (that is refused nearly whole)."""
        s = self.state
        return bool(s.confirmed) and s.limited_share < TRIGGER_SHARE

    def _confirmed_bar(self) -> float:
        """At a confirmed limit, the 429 share that is news."""
        return self.state.noise + max(CONFIRMED_MARGIN, self.state.noise)

    def _surely(self, share: float, bar: float, z: float = 0.0) -> bool:
        """Whether a share of the recent answers is above `bar` beyond chance: SURE_Z
        standard errors, or `z` (a running mean of n answers, then an EWMA worth ~2n-1)."""
        n = self.state.answers
        return _above(share, bar, n if n < SHARE_ANSWERS else 2.0 * SHARE_ANSWERS - 1.0, z)

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

    def _in_vain(self, now: float) -> bool:
        """At a confirmed limit, whether its cuts stopped helping: over TRIAL_ANSWERS
        answers at least since the last such count, the 429 share stayed where the count
        before left it (within two errors), surely above the bar or no less than the noise
        found so far, and below NOISE_MOST less NOISE_MARGIN (a burst allowance just spent
        shows a share near NOISE_MOST), while the cuts cost successes (this count's a
        minute fell below FREE_KEPT of the count before's; counted, as the RATE_TAU measure
        reads 0.0 below DISCOVER_MIN a second, where noise has cut a pace). A limit takes a
        fixed rate and its share falls under a cut; noise's share stays whatever the pace
        and its successes fall with it: that share is noise after all, the bar rises above
        it and the pace probes back up, instead of falling for good."""
        s = self.state
        seen = s.cut_answers
        if seen < TRIAL_ANSWERS:
            return False
        accepted = s.cut_ok / max(now - s.cut_at, 1e-3) * 60.0
        after = s.cut_limited / seen
        error = 2.0 * math.sqrt(after * (1.0 - after) / seen)
        # (still accepted at all: a limit whose window is shut accepts nothing for a while)
        cost = 0.0 < accepted < FREE_KEPT * s.cut_accepted
        noise = after - error >= self._confirmed_bar() or 0.0 < s.noise <= after
        stayed = abs(after - s.cut_share) <= error and after < NOISE_MOST - NOISE_MARGIN
        vain = cost and noise and stayed
        if vain:  # (where its 429s came was no limit's ceiling either)
            s.noise, s.ceiling = max(s.noise, after), 0.0
        if vain or after >= NOISE_MOST or seen >= 2 * TRIAL_ANSWERS:
            s.cut_answers = s.cut_limited = s.cut_ok = 0.0  # counted afresh from here
            s.cut_accepted, s.cut_share, s.cut_at = accepted, after, now
        return vain

    def _cut(self, now: float, phase_rpm: float = math.inf, held: bool = False) -> bool:
        """Slow down to LEARN_DECREASE of what the server accepted (or of the pace, if
        that is less); with too few successes to tell a rate, halve a known rate, and
        with none known, do nothing (False: only the pause). `phase_rpm`: the accepted
        rate a trial phase counted afresh (a limit's burst allowance inflates the decayed
        measure at first; the lower of the two is the safe side). `held`: the server
        refuses all for now (a window closed): its pauses do the waiting, and the pace
        goes to LEARN_DECREASE of what it sustained over the last minute, not lower
        with every refused probe."""
        s = self.state
        # What the server accepted lately, and over the last minute: a window limit lets
        # a burst through, then nothing for most of a minute; only the long measure
        # tells what it sustains (and a share of it, among processes sharing nothing).
        sustained = self._long_rpm(now)
        if not (sustained or pace_known(self)):  # the first few successes: better than none
            sustained = self._long_rpm(now, least=1.0)
        lately = math.inf if held else self._accepted_rpm(now) or math.inf
        measured = min(lately, phase_rpm, sustained or math.inf)
        measured = 0.0 if measured == math.inf else max(measured, 1.0)
        pace = self.rated_rpm * s.factor if self.rated_rpm else s.discovered_rpm
        if not measured:
            if not pace:
                return False  # a trickle of requests is not a rate to measure: only pause
            target = pace * (1.0 if held else DECREASE)
        elif held:
            target = min(pace or math.inf, LEARN_DECREASE * measured)
        elif pace and self._few():
            # A few 429s at a known limit: cut from the pace, not the minute's lagging
            # average, and by less (the pace was just at the limit, not far beyond it).
            target = FEW_DECREASE * min(pace, lately)
        else:
            target = LEARN_DECREASE * min(pace or math.inf, measured)
        if self.rated_rpm:
            s.factor = max(FLOOR, min(s.factor, target / self.rated_rpm))
        else:
            s.discovered_rpm = max(1.0, target)
        # Remembered: where the 429s came back. The pace probes up to it quickly and
        # beyond it slowly, so it settles under the limit instead of saw-toothing. Not
        # far below the pace unless a window is shut: a minute's average under a climbing
        # pace lies far below it, and slow probing from there left a per-second limit
        # 76 % used.
        s.ceiling = min(pace or math.inf, sustained or math.inf)
        if pace and not held:
            s.ceiling = max(s.ceiling, LEARN_DECREASE * pace)
        if s.ceiling == math.inf:
            s.ceiling = 0.0
        return True

    def _phase(self, phase: float, now: float) -> None:
        s = self.state
        s.trial_phase, s.trial_at = phase, now
        s.trial_answers = s.trial_limited = s.trial_ok = 0.0

    def _judge_trial(self, now: float) -> bool:
        """A trial in two phases, each over the answers of requests sent in it: the 429
        share at the current pace, then after a cut. Under a real limit the share falls
        as the pace drops towards the limit, and sending less costs no successes (the
        server takes a fixed rate); under noise the share stays whatever the pace, and
        successes fall with what is sent. Fell (by HELPED_Z standard errors) or cost
        nothing, and below TRIGGER_SHARE: a confirmed limit, and what is surely left of the
        share is noise (for good: at a confirmed limit it no longer fades). Fell, still
        above: cut again and judge again. Neither: the cuts are undone, and the share seen
        is noise (it raises the bar); so is a share found below the bar when counted
        afresh before any cut."""
        s = self.state
        seen = s.trial_answers
        share = s.trial_limited / seen
        # An overwhelming share needs fewer answers to tell (before a cut: every answer
        # counted then is one more 429 at the old pace).
        sure = s.trial_phase == 1.0 and _above(share, self._bar(), seen)
        early = sure or (now - s.trial_at >= TRIAL_SECONDS and seen >= DISCOVER_MIN)
        if seen < TRIAL_ANSWERS and not early:
            return False
        span = max(now - s.trial_at, 1e-3) / 60.0  # minutes
        sent, accepted = seen / span, s.trial_ok / span
        if s.trial_phase == 1.0:
            s.trial_share, s.trial_factor, s.trial_rpm = share, s.factor, s.discovered_rpm
            s.trial_seen, s.trial_sent, s.trial_accepted = seen, sent, accepted
            if share < self._bar():  # counted afresh, the share is noise's after all
                s.noise, s.trial_phase = max(s.noise, share), 0.0
                return False
            if not self._cut(now, self._phase_rpm(now)):
                s.trial_phase = 0.0
                return False
            s.last_decrease, s.trial_round = now, 0.0
            self._phase(2.0, now)
            return True
        before, pooled = s.trial_share, (s.trial_share + share) / 2.0
        # A second look's count may hold no 429 at all: its unpooled error then rests on
        # the first count alone (pooled, 6 of 10 then 0 of 10 would not be a fall).
        if s.trial_round:
            error = math.sqrt(before * (1.0 - before) / s.trial_seen + share * (1.0 - share) / seen)
        else:
            error = math.sqrt(pooled * (1.0 - pooled) * (1.0 / s.trial_seen + 1.0 / seen))
        fell = before - share >= max(0.05, HELPED_Z * error)
        leaning = not s.trial_round and before - share >= max(0.05, LEANING_Z * error)
        # Sending less cost no successes: the server takes a fixed rate, a limit's mark.
        kept = s.trial_accepted > 0.0 and accepted >= FREE_KEPT * s.trial_accepted
        free = kept and sent <= FREE_SENT * s.trial_sent
        # Refused (nearly) all, before the cut and after: a limit's window, closed for a
        # while (noise lets most requests through, and so does a limit paced under).
        blocked = s.trial_ok == 0.0 or _above(share, OVERWHELMING, seen)
        if blocked:  # (and what was taken for noise before was this limit's)
            s.confirmed, s.trial_phase, s.noise = 1.0, 0.0, 0.0
            self._cut(now, self._phase_rpm(now), held=True)
            s.last_decrease = now
        elif not (fell or free) and share < NOISE_MOST and leaning:
            # Fell, not surely: a second look, one more cut judged against the same start.
            self._cut(now, self._phase_rpm(now))
            s.last_decrease, s.trial_round = now, s.trial_round + 1.0
            self._phase(2.0, now)
        elif not (fell or free) and share < NOISE_MOST:  # slowing down did not help: noise
            s.factor, s.discovered_rpm = s.trial_factor, s.trial_rpm
            s.noise, s.trial_phase = max(s.noise, share), 0.0
        elif share < TRIGGER_SHARE:  # slowing down helped: a real limit; what is left, noise
            # (as much of it as the count shows for sure: its share less two errors)
            surely = share - 2.0 * math.sqrt(share * (1.0 - share) / seen)
            s.confirmed, s.noise, s.trial_phase = 1.0, max(0.0, surely), 0.0
        else:  # closer, not there: cut again, from what the server accepts now
            self._cut(now, self._phase_rpm(now))
            s.last_decrease, s.trial_share = now, share
            s.trial_seen, s.trial_sent, s.trial_accepted = seen, sent, accepted
            self._phase(2.0, now)
        return True

    def _phase_rpm(self, now: float) -> float:
        """Successes per minute of the requests sent in this trial phase (math.inf:
        fewer than DISCOVER_MIN, too few to tell)."""
        s = self.state
        if s.trial_ok < DISCOVER_MIN:
            return math.inf
        return s.trial_ok / max(now - s.trial_at, 1e-3) * 60.0

    def _bar(self) -> float:
        """The 429 share that noise does not explain."""
        return max(TRIGGER_SHARE, self.state.noise + NOISE_MARGIN)

    def _accepted_rpm(self, now: float) -> float:
        """Successes per minute lately (0.0: fewer than DISCOVER_MIN to measure)."""
        s = self.state
        recent = s.accepted * math.exp(-(now - s.accepted_at) / RATE_TAU)
        if recent < DISCOVER_MIN:
            return 0.0
        # A decayed count of a steady rate r is r * tau * (1 - exp(-span / tau)).
        span = max(0.05, now - s.first_success)
        return recent / (RATE_TAU * -math.expm1(-span / RATE_TAU)) * 60.0

    def _long_rpm(self, now: float, least: float = DISCOVER_MIN) -> float:
        """Successes per minute over the last LONG_WINDOW s (two buckets, the older one
        weighed by how much of it is still in the window; 0.0: fewer than DISCOVER_MIN)."""
        s = self.state
        self._roll(now)
        into = min(1.0, max(0.0, (now - s.minute_at) / LONG_WINDOW))
        count = s.minute_ok + s.previous_ok * (1.0 - into)
        if count < least:
            return 0.0
        span = min(LONG_WINDOW, max(1.0, now - s.first_success))
        return count / span * 60.0

    def _roll(self, now: float) -> None:
        s = self.state
        if s.minute_at == _NEVER:
            s.minute_at = now
        elif now - s.minute_at >= LONG_WINDOW:
            gone = now - s.minute_at >= 2.0 * LONG_WINDOW
            s.previous_ok, s.minute_ok = (0.0 if gone else s.minute_ok), 0.0
            s.minute_at = now if gone else s.minute_at + LONG_WINDOW

    def _refused_again(self, admitted_at: float) -> bool:
        """Sent after the last limit's pause ended, with no success since it began."""
        s = self.state
        ended = s.pause_began + s.pause_len
        return s.pause_len > 0.0 and admitted_at >= ended and s.accepted_at < s.pause_began

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

    def _succeeded(self, now: float) -> bool:
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
        if not trial and now - s.bound_at < RATE_WINDOW:  # a cut pace holds callers back
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


def pace_known(pace: Pace) -> bool:
    return bool(pace.rated_rpm or pace.state.discovered_rpm)


def _above(share: float, bar: float, answers: float, z: float = 0.0) -> bool:
    """A share of `answers` answers is above `bar` by SURE_Z standard errors (SURE_Z_FEW
    for fewer than SHARE_ANSWERS: small counts swing widest; or by `z`, if larger)."""
    if answers < MIN_ANSWERS:
        return False
    z = max(z, SURE_Z if answers >= SHARE_ANSWERS else SURE_Z_FEW)
    return share - z * math.sqrt(share * (1.0 - share) / answers) >= bar


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
