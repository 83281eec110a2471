"""The pace policy on its own (chatplex/http/_pace.py): no lock, no clock, no waiting --
answers in, limits out. How a budget admits by it is tests/http/test_ratelimit*.py."""

from __future__ import annotations

import pytest

from chatplex.http._learn import Announced
from chatplex.http._pace import (
    DECREASE,
    FLOOR,
    INCREASE,
    LEARN_DECREASE,
    TROUBLE_MIN,
    WINDOW_DECREASE,
    Pace,
)
from chatplex.http._ratelimit import RateLimit


def test_nothing_configured_is_cold_then_open() -> None:
    pace = Pace(None)
    assert pace.cold and not pace.open
    pace.answered(200, 0.0, None, now=1.0, in_flight=0)
    assert not pace.cold and pace.open and pace.per_request == 0.0 and pace.cap is None
    assert not pace.counts_tokens and pace.learned() == (None, None, None)


def test_a_configured_pace_is_aimd() -> None:
    pace = Pace(RateLimit(requests_per_minute=600))
    assert not pace.cold and pace.per_request == pytest.approx(0.1)
    pace.answered(429, 1.0, None, now=2.0, in_flight=3)
    assert pace.factor == DECREASE and pace.per_request == pytest.approx(0.2)
    pace.answered(429, 1.5, None, now=2.1, in_flight=2)  # admitted before the cut: no news
    assert pace.factor == DECREASE
    for _ in range(40):
        pace.answered(429, 3.0 + _, None, now=3.0 + _ + 0.5, in_flight=0)
    assert pace.factor == FLOOR
    pace.answered(200, 99.0, None, now=100.0, in_flight=0)
    assert pace.factor == pytest.approx(FLOOR + INCREASE)


def test_announced_limits_are_in_force_and_beat_a_discovered_pace() -> None:
    pace = Pace(None)
    pace.discovered_rpm = 120.0
    pace.answered(200, 0.0, Announced(600.0, 599.0, 0.1, 60_000.0), now=1.0, in_flight=0)
    assert pace.discovered_rpm is None and pace.per_request == pytest.approx(0.1)
    assert pace.counts_tokens and pace.per_token == pytest.approx(0.001)
    assert pace.learned() == (600.0, 60_000.0, None)


def test_frequent_429s_pace_below_the_accepted_rate() -> None:
    pace = Pace(None)
    for i in range(50):  # 50 successes in the last half second: ~100/s accepted
        pace.answered(200, 0.5 + i / 100, None, now=0.5 + i / 100, in_flight=0)
    pace.answered(429, 0.99, None, now=1.0, in_flight=0)
    assert pace.discovered_rpm is None  # a rare 429 among successes is weather
    for i in range(1, 8):  # a tenth of the answers: a limit
        pace.answered(429, 0.99, None, now=1.0 + i / 1000, in_flight=0)
    assert pace.discovered_rpm is not None
    assert pace.discovered_rpm <= 100 * 60 * LEARN_DECREASE
    assert pace.per_request == pytest.approx(60.0 / pace.discovered_rpm)


def test_overload_cuts_the_window_to_half_of_what_was_in_flight() -> None:
    pace = Pace(None)
    pace.answered(200, 0.0, None, now=0.1, in_flight=40)
    for i in range(TROUBLE_MIN):
        pace.answered(529, 0.5, None, now=1.0 + i / 1000, in_flight=39)
    assert pace.window == pytest.approx(40 * WINDOW_DECREASE) and pace.cap == 20
    pace.answered(200, 2.0, None, now=2.5, in_flight=10)
    assert pace.window == pytest.approx(20 + 1 / 20)
