"""The trial of a cut made on a share of 429s alone: that share counted afresh at the
current pace, then after a cut; a share that fell is a limit's, one that stayed is noise
and the cut is undone (see `_judge_trial`). `PaceTrials` sits on the cuts
(`_pace_cuts.py`); `_pace.Pace` is built on it.
"""

from __future__ import annotations

import math

from ._pace_cuts import PaceCuts
from ._pace_measures import _above
from ._pace_state import DISCOVER_MIN
from ._pace_state import FREE_KEPT
from ._pace_state import FREE_SENT
from ._pace_state import HELPED_Z
from ._pace_state import LEANING_Z
from ._pace_state import NOISE_MOST
from ._pace_state import OVERWHELMING
from ._pace_state import TRIAL_ANSWERS
from ._pace_state import TRIAL_SECONDS
from ._pace_state import TRIGGER_SHARE

__all__ = ["PaceTrials"]


class PaceTrials(PaceCuts):
    """A pace's trials of its cuts (see `_pace.Pace`, built on this class)."""

    __slots__ = ()

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
