"""How a pace slows down (chatplex/http/_pace_cuts.py): a cut per round trip of a
limit's 429s, a little for a few, and cuts found in vain at a limit that was noise."""

from __future__ import annotations

import random

import pytest

from chatplex.http._pace import Pace
from chatplex.http._pace_state import FEW_DECREASE
from chatplex.http._pace_state import LEARN_DECREASE
from chatplex.http._pace_state import TRIGGER_SHARE

from ._pacefeed import EMPTY
from ._pacefeed import feed


def test_at_a_confirmed_limit_each_round_trip_of_429s_cuts_once() -> None:
    pace = Pace(None)
    now = feed(pace, 0.0, 200, 20, 0.05)
    assert pace.answered(429, now, EMPTY, now=now + 0.01, in_flight=0)
    first = pace.state.discovered_rpm
    assert pace.state.confirmed == 1.0  # the server said so: no trial
    assert first == pytest.approx(LEARN_DECREASE * pace._accepted_rpm(now + 0.01))
    pace.answered(429, now, EMPTY, now=now + 0.02, in_flight=0)  # same round trip
    assert pace.state.discovered_rpm == first
    pace.answered(429, now + 0.05, EMPTY, now=now + 0.1, in_flight=0)
    assert pace.state.discovered_rpm < first


def test_a_few_429s_at_a_confirmed_limit_cut_a_little_and_pause_nobody() -> None:
    """Processes paced under a per-second window drift into phase and bunch a few
    requests: such 429s (a share above the confirmed bar, under TRIGGER_SHARE) cut the
    pace to FEW_DECREASE of it, and are no evidence that pauses the budget (each waits its
    own retry_after; a whole second's pause threw that second away). A window shut, most
    answers refused, still pauses."""
    pace = Pace(None)
    state = pace.state
    state.confirmed, state.discovered_rpm, state.ceiling = 1.0, 300.0, 300.0
    pace.refresh()
    now = feed(pace, 0.0, 200, 30, 0.1)
    assert not pace.answered(429, now - 1e-6, None, now, 0)  # one in 20: under the bar
    assert state.discovered_rpm == 300.0
    now += 0.1
    assert not pace.answered(429, now - 1e-6, None, now, 0)  # two: a cut, no pause
    assert state.limited_share < TRIGGER_SHARE
    assert state.discovered_rpm == pytest.approx(FEW_DECREASE * 300.0)
    evidence = []
    while state.limited_share < TRIGGER_SHARE:  # then the window shuts: 429s only
        now += 0.1
        evidence.append(pace.answered(429, now - 1e-6, None, now, 0))
    assert evidence[-1] and not any(evidence[:-1])


@pytest.mark.parametrize("seed", range(10))
def test_noise_taken_for_a_limit_is_found_out_at_the_limit(seed: int) -> None:
    """A limit confirmed by bad luck (a trial's second count of a 20 % noise came out
    near nothing; confirming cut the pace, hence `last_decrease`): each later 429 share
    above the bar cut again, and with noise the share never fell -- the pace fell to 1
    request a minute (a run 475x as long), and, once the accepted rate was measured too
    slowly to read, to 5-10 a minute. Cuts that cost successes and left the share where
    it was now make that share noise, and the pace probes back up."""
    pace, rng, now = Pace(None), random.Random(seed), 0.0
    state = pace.state
    state.confirmed, state.discovered_rpm, state.last_decrease = 1.0, 600.0, 0.0
    pace.refresh()
    for _ in range(3000):  # as fast as the pace lets them out, one in five a 429
        now += pace.per_request
        pace.held_back(now)
        pace.answered(429 if rng.random() < 0.2 else 200, now - 1e-6, None, now, 0)
    assert state.confirmed == 1.0 and state.noise >= 0.1
    assert state.discovered_rpm >= 0.3 * 600.0  # not 1 request a minute
