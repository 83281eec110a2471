"""What a pace's answers measured (chatplex/http/_pace_measures.py): shares, bars
and accepted rates."""

from __future__ import annotations

import random

import pytest

from chatplex.http._pace import Pace
from chatplex.http._pace_state import DISCOVER_MIN
from chatplex.http._pace_state import LONG_WINDOW

from ._pacefeed import feed


def test_sporadic_429s_and_503s_never_slow_anyone() -> None:
    """10 % 429s and 10 % 503s over 20,000 answers: never evidence, so never a pause,
    a pace or a window (the old policy halved the window at every 503 and cut the
    discovered pace at every later 429)."""
    pace, rng, now = Pace(None), random.Random(7), 0.0
    for _ in range(20_000):
        draw = rng.random()
        status = 429 if draw < 0.1 else 503 if draw < 0.2 else 200
        now += 0.002
        assert not pace.answered(status, now - 0.05, None, now=now, in_flight=32)
    assert pace.open and pace.per_request == 0.0 and pace.cap is None
    assert pace.learned() == (None, None, None) and pace.state.trial_phase == 0.0


def test_a_steady_rate_reads_the_same_lately_and_over_the_minute() -> None:
    """10 successes a second: the decayed count (RATE_TAU) and the minute's buckets both
    read ~600 a minute, neither before DISCOVER_MIN came; a minute on, the older bucket
    counts for what is left of it in the window, and two minutes on for nothing."""
    pace = Pace(None)
    now = feed(pace, 0.0, 200, DISCOVER_MIN - 1, 0.1)
    assert pace._accepted_rpm(now) == 0.0 and pace._long_rpm(now) == 0.0
    now = feed(pace, now, 200, 30, 0.1)
    assert now == pytest.approx(3.4)
    assert pace._accepted_rpm(now) == pytest.approx(600.0, rel=0.1)
    assert pace._long_rpm(now) == pytest.approx(600.0)
    later = now + LONG_WINDOW
    assert pace._long_rpm(later) == pytest.approx(34 * (1.0 - 3.4 / LONG_WINDOW))
    assert pace._accepted_rpm(later) == 0.0
    assert pace._long_rpm(later + LONG_WINDOW) == 0.0
