"""How a pace slows down: `_cut` paces at a share of what the server accepted (or of
the pace), `_in_vain` tells, at a confirmed limit, when cuts stopped helping (that share
was noise). `PaceCuts` sits on the measures (`_pace_measures.py`); the trials that judge
a cut (`_pace_trials.py`) sit on it.
"""

from __future__ import annotations

import math

from ._pace_measures import PaceMeasures
from ._pace_measures import pace_known
from ._pace_state import DECREASE
from ._pace_state import FEW_DECREASE
from ._pace_state import FLOOR
from ._pace_state import FREE_KEPT
from ._pace_state import LEARN_DECREASE
from ._pace_state import MIN_RPM
from ._pace_state import NOISE_MARGIN
from ._pace_state import NOISE_MOST
from ._pace_state import TRIAL_ANSWERS

__all__ = ["PaceCuts"]


class PaceCuts(PaceMeasures):
    """A pace's cuts (see `_pace.Pace`, built on this class)."""

    __slots__ = ()

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
            s.discovered_rpm = max(MIN_RPM, target)
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
