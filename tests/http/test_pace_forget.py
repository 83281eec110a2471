"""What 429s taught a budget is forgotten after FORGET_AFTER s with no cut, limit's
pause, overload or trial (`Pace.forget`, run at every admission in every scope): a pace
cut yesterday and kept in a machine's budget file no longer holds a script today. The
announced limits are kept. Clocks are injected: no test waits."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from _httpkit import FakeClock

from chatplex.http._budget_machine import MachineBudget
from chatplex.http._budget_shared import RateLimit
from chatplex.http._pace import Pace
from chatplex.http._pace_state import FORGET_AFTER
from chatplex.http._pace_state import MIN_RPM
from chatplex.http._pace_state import PaceState
from chatplex.http._ratelimit import Budget
from chatplex.http._schedule import Schedule
from chatplex.http._schedule import admit

SYNC = pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
NOTHING_LEFT = {"x-ratelimit-remaining-requests": "0"}


def test_a_cut_is_forgotten_after_an_interval_with_no_429_the_announced_limit_kept() -> None:
    cut = PaceState(factor=0.1, announced_rpm=60.0, confirmed=1.0, last_decrease=100.0)
    pace = Pace(None, cut, cold=False)
    assert pace.per_request == 10.0
    assert not pace.forget(100.0 + FORGET_AFTER - 1.0)  # not yet
    assert pace.per_request == 10.0
    assert pace.forget(100.0 + FORGET_AFTER)
    assert pace.per_request == 1.0 and cut.factor == 1.0 and cut.announced_rpm == 60.0
    assert not cut.confirmed and not pace.forget(1e9)  # nothing left to forget


def test_a_pace_discovered_from_429s_alone_is_forgotten_to_none() -> None:
    learned = PaceState(discovered_rpm=MIN_RPM, ceiling=2.0, last_decrease=0.0, pause_began=50.0)
    pace = Pace(None, learned, cold=False)
    assert not pace.open
    assert not pace.forget(50.0 + FORGET_AFTER - 1.0)  # the last pause counts as a 429's
    assert pace.forget(50.0 + FORGET_AFTER)
    assert pace.open and learned == PaceState()


def test_the_pure_admission_rule_forgets() -> None:
    s = Schedule.fresh(0.0)
    s.discovered_rpm, s.last_decrease, s.request_tat = MIN_RPM, 0.0, 60.0
    assert admit(s, None, now=1.0, tokens=1, in_flight=0) > 0.0  # held by the cut pace
    later = FORGET_AFTER + 1.0
    assert admit(s, None, now=later, tokens=1, in_flight=0) == 0.0
    assert admit(s, None, now=later, tokens=1, in_flight=0) == 0.0  # unpaced from there


async def _waits(budget: Any, clock: FakeClock, sync: bool, n: int = 5) -> list[float]:
    waits = []
    for _ in range(n):
        before = clock.now
        permit = budget.acquire(1) if sync else await budget.aacquire(1)
        waits.append(clock.now - before)
        permit.release(status=200)
        clock.sleep(0.1)
    return waits


def _cut_by_429s(budget: Any, clock: FakeClock) -> None:
    """Calls each met by a 429 saying nothing is `remaining`, then its retry's 200."""
    for _ in range(12):
        budget.acquire(1).release(status=429, retry_after=0.0, headers=NOTHING_LEFT)
        clock.sleep(0.5)
        budget.acquire(1).release(status=200)


@SYNC
async def test_a_machine_budgets_saved_pace_is_forgotten_by_a_later_script(
    sync: bool, tmp_path: Path
) -> None:
    clock, limit = FakeClock(), RateLimit(max_in_flight=4, scope="machine")
    made = {"clock": clock, "sleep": clock.sleep, "asleep": clock.asleep}
    first = MachineBudget(limit, tmp_path / "b", **made)
    _cut_by_429s(first, clock)
    first.close()
    soon = MachineBudget(limit, tmp_path / "b", **made)
    assert max(await _waits(soon, clock, sync, 2)) > 1.0  # a minute later: still cut
    soon.close()
    clock.sleep(FORGET_AFTER)  # ten calm minutes on, another script of the machine
    later = MachineBudget(limit, tmp_path / "b", **made)
    assert await _waits(later, clock, sync) == [0.0] * 5
    later.close()


@SYNC
async def test_the_in_process_budget_forgets_too(sync: bool) -> None:
    clock = FakeClock()
    budget = Budget(RateLimit(max_in_flight=4), clock=clock, sleep=clock.sleep, asleep=clock.asleep)
    _cut_by_429s(budget, clock)
    assert budget.learned is not None and budget.current_rate_per_minute is not None
    clock.sleep(FORGET_AFTER)
    assert await _waits(budget, clock, sync) == [0.0] * 5
    assert budget.current_rate_per_minute is None
