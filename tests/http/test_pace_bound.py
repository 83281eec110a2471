"""A model's `max_retry_after` bounds the spacing a pace learned from 429s puts between
requests (`Pace.max_interval`: the budget's `max_pause`), in every scope: a user who
says "never wait more than 5 s" waits no 60 s interval of a pace cut to one request a
minute. A configured or announced rate's own interval stays as it is, and what was
learned is kept as learned. Clocks are fake: no test waits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from _httpkit import FakeClock

from chatplex.http._budget_machine import MachineBudget
from chatplex.http._budget_machine import _read
from chatplex.http._budget_machine import _write
from chatplex.http._budget_ray import BudgetActor
from chatplex.http._budget_shared import Outcome
from chatplex.http._budget_shared import RateLimit
from chatplex.http._pace import Pace
from chatplex.http._pace_state import MIN_RPM
from chatplex.http._pace_state import PaceState
from chatplex.http._ratelimit import Budget
from chatplex.http._schedule import MAX_PAUSE
from chatplex.http._schedule import Schedule
from chatplex.http._schedule import admit

SYNC = pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])


def test_a_pace_learned_from_429s_alone_is_bounded() -> None:
    learned = PaceState(discovered_rpm=MIN_RPM)  # one request a minute
    assert Pace(None, learned, cold=False).per_request == 60.0
    bounded = Pace(None, learned, cold=False, max_interval=5.0)
    assert bounded.per_request == 5.0
    assert learned.discovered_rpm == MIN_RPM  # kept as learned
    bounded.bound(MAX_PAUSE)
    assert bounded.per_request == 60.0


def test_a_cut_rate_is_bounded_but_never_below_the_rates_own_interval() -> None:
    cut = Pace(RateLimit(60, 60_000), PaceState(factor=0.1), cold=False, max_interval=5.0)
    assert cut.per_request == 5.0  # not 10 s
    assert cut.per_token == pytest.approx(60.0 / (60_000 * 0.2))  # the same share
    slow = Pace(RateLimit(6), PaceState(factor=0.1), cold=False, max_interval=5.0)
    assert slow.per_request == 10.0  # 6/min is the configured rate's own spacing
    never = Pace(RateLimit(60), PaceState(factor=0.1), cold=False, max_interval=0.0)
    assert never.per_request == 1.0  # max_retry_after=0: no learned spacing at all
    assert Pace(None, PaceState(discovered_rpm=MIN_RPM), cold=False, max_interval=0.0).open


async def _gaps(budget: Any, clock: FakeClock, sync: bool, n: int = 6) -> list[float]:
    times = []
    for _ in range(n):
        permit = budget.acquire(1) if sync else await budget.aacquire(1)
        times.append(clock.now)
        permit.release(status=200)
    return [round(b - a, 9) for a, b in zip(times, times[1:], strict=False)]


@SYNC
async def test_the_in_process_budget_spaces_requests_at_most_its_max_pause(sync: bool) -> None:
    clock = FakeClock()
    budget = Budget(None, clock=clock, sleep=clock.sleep, asleep=clock.asleep)
    budget._numbers.discovered_rpm = MIN_RPM  # what 429s alone taught it
    budget._pace.warm()
    assert max(await _gaps(budget, clock, sync, 3)) == 60.0
    budget.max_pause = 5.0  # a model's max_retry_after (`chat.sending.budget_for`)
    assert max(await _gaps(budget, clock, sync)) == 5.0
    learned = budget.learned
    assert learned is not None and learned.requests_per_minute is not None
    assert learned.requests_per_minute < 60.0 / 5.0  # still learned slower than in force


@SYNC
async def test_a_machine_budget_spaces_its_admissions_at_most_its_max_pause(
    sync: bool, tmp_path: Path
) -> None:
    clock = FakeClock()
    limit = RateLimit(requests_per_minute=60, scope="machine")
    budget = MachineBudget(
        limit, tmp_path / "b", clock=clock, sleep=clock.sleep, asleep=clock.asleep
    )
    with budget._locked() as view:
        schedule, in_flight = _read(view)
        schedule.factor = 0.1  # a cut to 6/min, left in the file
        _write(view, schedule, in_flight)
    assert max(await _gaps(budget, clock, sync, 3)) == 10.0
    budget.max_pause = 2.5
    assert max(await _gaps(budget, clock, sync)) == 2.5
    budget.close()


def test_the_pure_rule_bounds_a_learned_spacing() -> None:
    s = Schedule.fresh(0.0)
    s.discovered_rpm = MIN_RPM
    waits = [admit(s, None, now=0.0, tokens=1, in_flight=0, max_pause=5.0) for _ in range(2)]
    assert waits == [0.0, 4.0]  # 5 s apart, less the second of burst (not 59 s)


async def test_a_cluster_actor_bounds_its_pace_by_its_callers_max_pause() -> None:
    clock = FakeClock()
    actor = BudgetActor(RateLimit(requests_per_minute=600), clock=clock)
    actor._schedule.factor = 0.1  # a cut to 60/min: 1 s apart
    reserved = [actor._reserve(clock.now, 1) for _ in range(3)]
    assert reserved[2] is None  # beyond the reservation horizon
    done = Outcome(used=1, status=200)
    await actor.release_many([(lease, 0.0, 1, done, 0.05, None) for lease, *_ in reserved[:2]])
    assert actor.max_pause == 0.05
    clock.now += 2.0  # past the slots charged at the old pace
    grants = [actor._reserve(clock.now, 1) for _ in range(5)]
    assert all(g is not None for g in grants)
