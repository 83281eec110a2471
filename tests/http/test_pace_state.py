"""The pace policy's tuning and state (chatplex/http/_pace_state.py)."""

from __future__ import annotations

import dataclasses

from chatplex.http._budget_shared import RateLimit
from chatplex.http._pace import Pace
from chatplex.http._pace_state import DECREASE
from chatplex.http._pace_state import FEW_DECREASE
from chatplex.http._pace_state import FLOOR
from chatplex.http._pace_state import HELPED_Z
from chatplex.http._pace_state import LEANING_Z
from chatplex.http._pace_state import LEARN_DECREASE
from chatplex.http._pace_state import MIN_ANSWERS
from chatplex.http._pace_state import NOISE_MOST
from chatplex.http._pace_state import OVERWHELMING
from chatplex.http._pace_state import SHARE_ANSWERS
from chatplex.http._pace_state import SURE_Z
from chatplex.http._pace_state import SURE_Z_FEW
from chatplex.http._pace_state import TRIGGER_SHARE
from chatplex.http._pace_state import PaceState

from ._pacefeed import EMPTY


def test_the_state_is_plain_floats_for_shared_budgets() -> None:
    state = PaceState()
    assert all(isinstance(getattr(state, f.name), float) for f in dataclasses.fields(state))
    pace = Pace(RateLimit(600), state)  # a shared budget hands in its stored state
    pace.answered(429, 1.0, EMPTY, now=2.0, in_flight=0)
    assert state.factor == DECREASE and not pace.cold


def test_the_tuning_s_paired_constants_keep_their_order() -> None:
    """Constants read together: no cut below the floor, a few 429s at a confirmed limit
    cut less than a cut, a running mean weighed from MIN_ANSWERS before it becomes an
    EWMA, fewer answers needing more errors, a second look asked of less than a sure
    fall, and a share that is never noise after a cut above what suggests a limit."""
    assert 0.0 < FLOOR < DECREASE < LEARN_DECREASE < FEW_DECREASE < 1.0
    assert MIN_ANSWERS <= SHARE_ANSWERS
    assert SURE_Z < SURE_Z_FEW and LEANING_Z < HELPED_Z
    assert TRIGGER_SHARE < NOISE_MOST <= OVERWHELMING
