"""The trial of a cut made on a share of 429s alone (chatplex/http/_pace_trials.py):
a share that falls is a limit's, one that stays is noise and the cut is undone."""

from __future__ import annotations

import random

import pytest

from chatplex.http._pace import Pace
from chatplex.http._pace_state import MIN_ANSWERS
from chatplex.http._pace_state import NOISE_MARGIN
from chatplex.http._pace_state import TRIAL_ANSWERS
from chatplex.http._pace_state import TRIGGER_SHARE

from ._pacefeed import feed


def test_a_high_429_share_is_tried_and_a_limit_confirmed() -> None:
    """A sustained share of 429s with no headers: first counted afresh at the current
    pace, then a cut to below what was accepted; the share collapses: a real limit."""
    pace = Pace(None)
    now = feed(pace, 0.0, 200, 20, 0.05)  # 20 accepted a second
    while pace.state.trial_phase == 0.0:  # then far more 429s than successes
        now = feed(pace, now, 429, 3, 0.01)
        now = feed(pace, now, 200, 1, 0.01)
    assert pace.per_request == 0.0  # a trial, not a blind cut: first the share afresh
    while pace.state.trial_phase == 1.0:
        now = feed(pace, now, 429, 3, 0.01)
        now = feed(pace, now, 200, 1, 0.01)
    assert pace.state.trial_phase == 2.0 and pace.state.discovered_rpm > 0.0
    assert 60.0 / pace.per_request == pytest.approx(pace.state.discovered_rpm)
    now = feed(pace, now, 200, TRIAL_ANSWERS, 0.05)  # below the limit: nothing refused
    assert pace.state.confirmed == 1.0 and pace.state.trial_phase == 0.0
    assert pace.state.noise == 0.0 and pace.per_request > 0.0


def test_a_cut_that_did_not_help_is_undone_and_raises_the_bar() -> None:
    """40 % of answers 429, whatever the pace: noise. The cut is undone and a share of
    40 % is no evidence any more."""
    pace, rng, now = Pace(None), random.Random(3), 0.0
    for _ in range(MIN_ANSWERS + 3 * TRIAL_ANSWERS + 10):
        now += 0.01
        pace.answered(429 if rng.random() < 0.4 else 200, now - 1e-6, None, now, 0)
    state = pace.state
    assert state.trial_phase == 0.0 and state.confirmed == 0.0
    assert state.discovered_rpm == 0.0 and pace.per_request == 0.0  # undone
    assert state.noise > TRIGGER_SHARE  # the bar is now above the noise...
    assert pace._bar() == pytest.approx(state.noise + NOISE_MARGIN)
    paced = 0
    for _ in range(5000):  # ...and as the noise share fades, it is checked again, cheaply
        now += 0.01
        pace.answered(429 if rng.random() < 0.4 else 200, now - 1e-6, None, now, 0)
        paced += pace.per_request > 0.0
    assert paced < 0.2 * 5000  # a cut pace only while a trial of it runs
    assert state.confirmed == 0.0
