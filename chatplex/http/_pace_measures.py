"""What a pace's answers measured, read off its state: the shares of 429s and of
503/529s (`_count`), the bars they are judged against, the accepted rates (decayed, and
over the last minute) and whether a limit's window refused again after a pause.

`PaceMeasures` is the base of `_pace.Pace`; its cuts (`_pace_cuts.py`) and their trials
(`_pace_trials.py`) sit in between, each reading these measures.
"""

from __future__ import annotations

import math

from ._pace_state import _NEVER
from ._pace_state import CONFIRMED_MARGIN
from ._pace_state import DISCOVER_MIN
from ._pace_state import LONG_WINDOW
from ._pace_state import MIN_ANSWERS
from ._pace_state import NOISE_KEEP
from ._pace_state import NOISE_MARGIN
from ._pace_state import RATE_TAU
from ._pace_state import SHARE_ANSWERS
from ._pace_state import SURE_Z
from ._pace_state import SURE_Z_FEW
from ._pace_state import TRIGGER_SHARE
from ._pace_state import PaceState

__all__ = ["PaceMeasures", "pace_known"]


class PaceMeasures:
    """A pace's readings of its `state`; `rated_rpm` is the configured or announced
    requests/min in force (0.0: none). See `_pace.Pace`, built on this class."""

    __slots__ = ("rated_rpm", "state")

    rated_rpm: float
    state: PaceState

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


def pace_known(pace: PaceMeasures) -> bool:
    return bool(pace.rated_rpm or pace.state.discovered_rpm)


def _above(share: float, bar: float, answers: float, z: float = 0.0) -> bool:
    """A share of `answers` answers is above `bar` by SURE_Z standard errors (SURE_Z_FEW
    for fewer than SHARE_ANSWERS: small counts swing widest; or by `z`, if larger)."""
    if answers < MIN_ANSWERS:
        return False
    z = max(z, SURE_Z if answers >= SHARE_ANSWERS else SURE_Z_FEW)
    return share - z * math.sqrt(share * (1.0 - share) / answers) >= bar
