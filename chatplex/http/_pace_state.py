"""The pace policy's tuning and what it learns (`_pace.py` runs the policy on them).

The constants are the policy's tuning, read by tests and the bench by name. Everything
learned sits in `PaceState`, a fixed set of floats (no deques, no None), so a budget whose
numbers live elsewhere -- a file shared by a machine's processes, an actor shared by a
cluster -- stores the same state and runs the same policy on it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: The constants below are the policy's tuning, read by tests and the bench by name.
__all__ = ["PaceState"]

DECREASE = 0.5  #: a cut with no accepted rate to go by multiplies a known rate by this...
FLOOR = 0.1  #: ...and no cut goes below this fraction of the configured/announced rates
MIN_RPM = 1.0  #: ...nor a pace learned from 429s alone below this many requests/min
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
#: Seconds with no cut, no limit's pause and no overload after which what 429s and 503s
#: taught is forgotten (ten LONG_WINDOWs: a machine budget's file outlives its scripts)
FORGET_AFTER = 600.0

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
