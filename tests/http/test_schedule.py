"""Every budget's admission arithmetic: GCRA schedules, the pause and the pace's lesson,
as pure functions over a Schedule's floats (chatplex/http/_schedule.py)."""

from __future__ import annotations

import math

import pytest

from chatplex.http import RateLimit
from chatplex.http._budget_shared import Outcome
from chatplex.http._pace_state import DECREASE
from chatplex.http._pace_state import FLOOR
from chatplex.http._pace_state import MIN_ANSWERS
from chatplex.http._pace_state import PaceState
from chatplex.http._schedule import BURST_REQUESTS
from chatplex.http._schedule import STALE_AHEAD
from chatplex.http._schedule import Schedule
from chatplex.http._schedule import admit
from chatplex.http._schedule import intervals
from chatplex.http._schedule import schedule_fields
from chatplex.http._schedule import settle

EMPTY = {"x-ratelimit-remaining-requests": "0"}  # a 429 at the limit says so


def admit_all(s: Schedule, limit: RateLimit, now: float, tokens: int = 1) -> int:
    """How many admissions go at `now` before one has to wait."""
    count = 0
    while admit(s, limit, now=now, tokens=tokens, in_flight=0) == 0.0:
        count += 1
    return count


def test_requests_are_paced_after_the_burst() -> None:
    limit, s = RateLimit(requests_per_minute=60), Schedule.fresh(0.0)
    assert admit_all(s, limit, now=0.0) == 2  # burst capped at BURST_SECONDS (1 s of 1/s)
    assert admit(s, limit, now=0.0, tokens=1, in_flight=0) == pytest.approx(1.0)
    assert admit(s, limit, now=1.0, tokens=1, in_flight=0) == 0.0


def test_a_fast_pace_bursts_burst_requests() -> None:
    limit, s = RateLimit(requests_per_minute=6000), Schedule.fresh(0.0)
    assert admit_all(s, limit, now=0.0) == BURST_REQUESTS


def test_tokens_are_charged_and_corrected_by_usage() -> None:
    limit, s = RateLimit(tokens_per_minute=600), Schedule.fresh(0.0)  # 10 tokens/s
    assert admit(s, limit, now=0.0, tokens=10, in_flight=0) == 0.0
    assert s.token_tat == pytest.approx(1.0)
    settle(s, limit, Outcome(used=30, status=200), now=0.0, admitted_at=0.0, tokens=10)
    assert s.token_tat == pytest.approx(3.0)  # 20 more tokens than estimated
    assert admit(s, limit, now=0.0, tokens=1, in_flight=0) == pytest.approx(2.0)


def test_the_cap_waits_for_a_release() -> None:
    limit, s = RateLimit(max_in_flight=2), Schedule.fresh(0.0)
    assert admit(s, limit, now=0.0, tokens=1, in_flight=1) == 0.0
    assert admit(s, limit, now=0.0, tokens=1, in_flight=2) == math.inf


def test_a_429_halves_the_pace_once_per_round_trip_and_success_restores_it() -> None:
    limit, s = RateLimit(requests_per_minute=60), Schedule.fresh(0.0)
    bare_429, limit_429 = Outcome(status=429), Outcome(status=429, headers=EMPTY)
    settle(s, limit, bare_429, now=5.0, admitted_at=4.0, tokens=0)
    assert s.factor == 1.0  # a bare 429: that request's retry, nobody else's
    settle(s, limit, limit_429, now=5.0, admitted_at=4.0, tokens=0)
    assert s.factor == DECREASE
    # Admitted before that cut: its 429 is the same news.
    settle(s, limit, limit_429, now=5.5, admitted_at=4.5, tokens=0)
    assert s.factor == DECREASE
    assert intervals(limit, s) == (2.0, 0.0)
    admit(s, limit, now=6.0, tokens=0, in_flight=0)  # the halved pace holds it back...
    settle(s, limit, Outcome(status=200), now=6.0, admitted_at=5.9, tokens=0)
    assert DECREASE < s.factor < DECREASE + 0.1  # ...so a success probes a little faster
    for at in range(10, 20):
        settle(s, limit, limit_429, now=at, admitted_at=at - 0.1, tokens=0)
    assert s.factor == FLOOR


def test_a_limits_retry_after_pauses_everyone_and_restarts_without_a_burst() -> None:
    limit, s = RateLimit(requests_per_minute=6000), Schedule.fresh(0.0)
    assert not settle(
        s, limit, Outcome(status=429, retry_after=2.0), now=1.0, admitted_at=0.5, tokens=0
    )
    assert s.paused_until == -math.inf  # sporadic: its own request's delay
    told_429 = Outcome(status=429, retry_after=2.0, headers=EMPTY)
    assert settle(s, limit, told_429, now=1.0, admitted_at=0.5, tokens=0)
    assert s.paused_until == 3.0
    assert admit(s, limit, now=1.0, tokens=1, in_flight=0) == pytest.approx(2.0)
    # One goes at the pause's end, then one per interval (0.02 s at half pace): no burst.
    assert admit_all(s, limit, now=3.0) == 1
    assert admit(s, limit, now=3.0, tokens=1, in_flight=0) == pytest.approx(0.02)


def test_a_pause_is_capped_by_max_pause_and_only_a_persisting_overload_pauses() -> None:
    limit, s = RateLimit(requests_per_minute=60), Schedule.fresh(0.0)
    overloaded = Outcome(used=0, status=503, retry_after=999.0)
    settle(s, limit, overloaded, now=0.0, admitted_at=0.0, tokens=0, max_pause=5.0)
    assert s.paused_until == -math.inf and s.factor == 1.0  # one 503 is weather
    for _ in range(MIN_ANSWERS):
        settle(s, limit, overloaded, now=0.0, admitted_at=0.0, tokens=0, max_pause=5.0)
    assert s.paused_until == 5.0
    assert s.factor == 1.0  # a 503 is not a rate signal


def test_the_numbers_are_the_paces_state_and_the_schedules_all_floats() -> None:
    names = schedule_fields()
    pace_names = tuple(f for f in names if hasattr(PaceState(), f))
    assert names[: len(pace_names)] == pace_names  # the pace's first, then the schedules
    assert names[len(pace_names) :] == ("request_tat", "token_tat", "paused_until")
    assert all(type(getattr(Schedule.fresh(1.0), n)) is float for n in names)


def test_announced_limits_are_learned_by_a_shared_schedule() -> None:
    s = Schedule.fresh(0.0)
    told = {"x-ratelimit-limit-requests": "600", "x-ratelimit-remaining-requests": "599"}
    settle(s, RateLimit(900), Outcome(status=200, headers=told), now=0.0, admitted_at=0.0, tokens=0)
    assert s.announced_rpm == 600.0
    assert intervals(RateLimit(900), s) == (pytest.approx(0.1), 0.0)  # the tighter one


def test_numbers_from_another_clock_are_stale() -> None:
    assert not Schedule.fresh(0.0).is_stale(0.0)
    assert Schedule(request_tat=STALE_AHEAD * 2).is_stale(0.0)
    assert Schedule(factor=7.0).is_stale(0.0)
    assert Schedule(last_overload=STALE_AHEAD * 2).is_stale(0.0)
    assert not Schedule.fresh(0.0).is_stale(STALE_AHEAD * 5)  # first_success inf is fine


def test_what_was_learned_survives_a_round_trip_through_its_numbers() -> None:
    """A shared budget stores the numbers (a file packs them in field order) and reads
    them back: everything the pace learned comes back, so every sharer learns it."""
    s, limit = Schedule.fresh(0.0), RateLimit(900)
    for at in range(20):
        settle(s, limit, Outcome(status=200), now=at / 10, admitted_at=at / 10, tokens=0)
    limit_429 = Outcome(status=429, retry_after=0.5, headers=EMPTY)
    settle(s, limit, limit_429, now=2.0, admitted_at=2.0, tokens=0)
    numbers = [getattr(s, name) for name in schedule_fields()]
    back = Schedule(**dict(zip(schedule_fields(), numbers, strict=True)))
    assert back == s and back.confirmed == 1.0 and back.factor < 1.0
    assert intervals(limit, back) == intervals(limit, s)
