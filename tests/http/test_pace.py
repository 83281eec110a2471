"""The pace policy on its own (chatplex/http/_pace.py): no lock, no clock, no waiting --
answers in, limits out. Budgets driven by simulated clients in virtual time are below
(`_pacesim.py`); how a budget admits by the pace is tests/http/test_ratelimit*.py."""

from __future__ import annotations

import asyncio
import functools
import json
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from chatplex.http._budget_machine import MachineBudget
from chatplex.http._budget_shared import RateLimit
from chatplex.http._learn import Announced
from chatplex.http._pace import Pace
from chatplex.http._pace_state import CEILING_GROWTH
from chatplex.http._pace_state import DECREASE
from chatplex.http._pace_state import FLOOR
from chatplex.http._pace_state import LEARN_GROWTH
from chatplex.http._pace_state import MIN_ANSWERS
from chatplex.http._pace_state import WINDOW_CALM
from chatplex.http._ratelimit import Budget
from chatplex.http._retry import release_failed
from chatplex.providers.google.adapter import GeminiAdapter

from ._pacefeed import EMPTY
from ._pacefeed import feed
from ._pacesim import Answer
from ._pacesim import Fleet
from ._pacesim import HiddenLimit
from ._pacesim import Jitter
from ._pacesim import PerSecond
from ._pacesim import SlidingWindow
from ._pacesim import VirtualLoop
from ._pacesim import _no_sync_sleep
from ._pacesim import adrive
from ._pacesim import noisy
from ._pacesim import overload_burst
from ._pacesim import simulate
from ._pacesim import simulate_fleet


def test_nothing_configured_is_cold_then_open() -> None:
    pace = Pace(None)
    assert pace.cold and not pace.open
    pace.answered(200, 0.0, None, now=1.0, in_flight=0)
    assert not pace.cold and pace.open and pace.per_request == 0.0 and pace.cap is None
    assert not pace.counts_tokens and pace.learned() == (None, None, None)


def test_a_configured_pace_is_aimd_on_evidence() -> None:
    pace = Pace(RateLimit(requests_per_minute=600))
    assert not pace.cold and pace.per_request == pytest.approx(0.1)
    assert not pace.answered(429, 1.0, None, now=2.0, in_flight=3)  # sporadic: no news
    assert pace.state.factor == 1.0
    assert pace.answered(429, 1.0, EMPTY, now=2.0, in_flight=3)  # the bucket is empty
    assert pace.state.factor == DECREASE and pace.per_request == pytest.approx(0.2)
    pace.answered(429, 1.5, EMPTY, now=2.1, in_flight=2)  # admitted before the cut: no news
    assert pace.state.factor == DECREASE
    for i in range(40):
        pace.answered(429, 3.0 + i, EMPTY, now=3.0 + i + 0.5, in_flight=0)
    assert pace.state.factor == FLOOR
    pace.answered(200, 99.0, None, now=100.0, in_flight=0)
    assert pace.state.factor == FLOOR  # a success grows the pace only while it binds
    pace.held_back(100.0)
    pace.answered(200, 100.0, None, now=100.0, in_flight=0)
    # the 429s came at this very pace: beyond it, it probes CEILING_GROWTH as fast (and,
    # as below it, the faster the longer no 429 came)
    assert pace.state.ceiling == pytest.approx(600 * FLOOR)
    calm = 100.0 - pace.state.last_decrease
    slow = LEARN_GROWTH * 60.0 * CEILING_GROWTH * (1.0 + calm / 10.0) / 600
    assert pace.state.factor == pytest.approx(FLOOR + slow)
    pace.state.ceiling = 600.0  # below where they came, the longer no 429 came, the faster
    factor = pace.state.factor
    pace.held_back(101.0)
    pace.answered(200, 101.0, None, now=101.0, in_flight=0)
    calm = 101.0 - pace.state.last_decrease
    step = LEARN_GROWTH * 60.0 * (1.0 + calm / 10.0) / 600
    assert pace.state.factor == pytest.approx(factor + step)


def test_announced_limits_are_in_force_and_beat_a_discovered_pace() -> None:
    pace = Pace(None)
    pace.state.discovered_rpm = 120.0
    pace.answered(200, 0.0, Announced(600.0, 599.0, 0.1, 60_000.0), now=1.0, in_flight=0)
    assert pace.state.discovered_rpm == 0.0 and pace.per_request == pytest.approx(0.1)
    assert pace.counts_tokens and pace.per_token == pytest.approx(0.001)
    assert pace.learned() == (600.0, 60_000.0, None)
    pace.answered(429, 2.0, EMPTY, now=2.0, in_flight=0)  # a bare count left: no new limit
    assert pace.learned() == (600.0, 60_000.0, None)


def test_overload_narrows_only_while_it_persists_and_widens_fast() -> None:
    pace = Pace(None)
    now = feed(pace, 0.0, 200, MIN_ANSWERS, 0.001, in_flight=40)
    now = feed(pace, now, 503, 5, 0.001, in_flight=40)  # 5 of 55: weather
    assert pace.cap is None
    while pace.cap is None:  # a persisting share of overloads narrows the window
        now = feed(pace, now, 529, 1, 0.001, in_flight=39)
    assert pace.cap == 20  # half of what was in flight
    now = feed(pace, now, 200, 5, 0.001, in_flight=10)
    assert pace.cap == 25  # one wider per success: doubling per round trip
    feed(pace, now + WINDOW_CALM, 200, 1, 0.001)
    assert pace.cap is None  # no overload for WINDOW_CALM: no window at all


# ---- budgets in virtual time (tests/http/_pacesim.py) -------------------------------------


def test_sporadic_faults_cost_only_their_own_retries() -> None:
    """5,000 requests, 32 in flight, 10 % 429 (retry-after 0.05) + 10 % 503 on first
    attempts: no pause, no pace, no window, ever -- the run takes what the retries cost."""
    run, budget = simulate(noisy(0.1, 0.1, seed=1), requests=5000)
    assert run.paused == 0 and run.cap_seen == math.inf and run.pace_seen == math.inf
    assert budget.learned is None and budget.rate_factor == 1.0
    clean, _ = simulate(noisy(0.0, 0.0), requests=5000)
    # each request pays 0.05 s; a faulted one its retry: +0.1 s (429) or ~+0.49 s (503)
    expected = clean.finished_at * (1 + (0.1 * 0.1 + 0.1 * 0.49) / 0.05)
    assert run.finished_at <= 1.05 * expected


def test_a_high_share_of_sporadic_429s_is_still_noise() -> None:
    """30 % of first attempts 429 (and 10 % 503), every retry succeeding: the trials of a
    cut find that slowing down does not help, and the run costs what its retries cost."""
    run, _ = simulate(noisy(0.3, 0.1, seed=1), requests=5000)
    clean, _ = simulate(noisy(0.0, 0.0), requests=5000)
    expected = clean.finished_at * (1 + (0.3 * 0.1 + 0.1 * 0.49) / 0.05)
    assert run.finished_at <= 1.2 * expected


@pytest.mark.parametrize("headers", [False, True], ids=["bare 429s", "remaining 0"])
def test_a_hidden_limit_is_discovered_and_held(headers: bool) -> None:
    run, budget = simulate(HiddenLimit(10.0, headers=headers), until=60.0)
    assert run.rate(200, 10.0, 60.0) >= 0.95 * 10.0
    assert run.share(429, 10.0, 60.0) <= 0.025
    learned = budget.learned
    assert learned is not None and learned.requests_per_minute is not None
    assert 500 <= learned.requests_per_minute <= 800


def test_an_announced_limit_is_honoured() -> None:
    run, budget = simulate(HiddenLimit(10.0, announce=True), until=30.0)
    assert run.share(429, 0.0, 30.0) == 0.0
    assert run.rate(200, 5.0, 30.0) >= 0.99 * 10.0
    assert budget.learned is not None and budget.learned.requests_per_minute == 600


def test_an_overload_burst_narrows_then_recovers_within_seconds() -> None:
    run, _ = simulate(overload_burst(3.0, 8.0, share=0.5), until=15.0, max_retries=2)
    healthy = run.rate(200, 1.0, 3.0)
    assert run.cap_seen < 32  # narrowed while the overload lasted
    recovered = next(
        t / 10 for t in range(80, 150) if run.rate(200, t / 10, t / 10 + 1.0) >= 0.9 * healthy
    )
    assert recovered - 8.0 <= 5.0


# ---- the simulated servers of many processes (tests/http/_pacesim.py) ---------------------


def test_the_sliding_window_server_is_strict_and_its_retry_after_fixed() -> None:
    server = SlidingWindow(3, 60.0, retry_after=1.0)
    assert [server(t, 0, 1).status for t in (0.0, 1.0, 2.0, 3.0)] == [200, 200, 200, 429]
    assert server(59.9, 0, 1) == Answer(429, 1.0)  # the real wait is 0.1 s; it says 1 s
    assert server(60.0, 0, 1).status == 200  # the first one left the window
    assert server(60.5, 0, 1).status == 429
    told = SlidingWindow(1, headers=True)
    told(0.0, 0, 1)
    assert told(0.5, 0, 1).headers == {"x-ratelimit-remaining-requests": "0"}


def test_the_per_second_server_counts_calendar_seconds() -> None:
    server = PerSecond(2)
    assert [server(t, 0, 1).status for t in (0.1, 0.2, 0.3)] == [200, 200, 429]
    assert server(0.75, 0, 1).retry_after == pytest.approx(0.25)
    assert server(1.0, 0, 1).status == 200


def test_a_fleet_counts_the_calls_its_processes_gave_up() -> None:
    fleet = simulate_fleet(SlidingWindow(5, 60.0), processes=2, workers=2, until=10.0)
    assert fleet.succeeded == 5  # the window's five, then nothing for a minute
    assert fleet.failed >= 1 and fleet.calls == fleet.succeeded + fleet.failed
    assert len(fleet.budgets) == 2 and fleet.budgets[0] is not fleet.budgets[1]


# ---- 4 processes x 16 callers sharing one limit, sharing nothing (issue 40) ---------------

#: The servers: a strict 600-in-any-60 s window whose 429s say "retry after 1 s" (bare, or
#: with ``remaining: 0``), token buckets of 10/s holding 1 s or a minute, 10 per calendar
#: second, and 10 in any 1 s (a sliding second, as the live bench's server counts: evenly
#: paced processes drifting into phase bunch more than 10 into some second well below 10/s).
LIMITS = {
    "window": lambda: SlidingWindow(600, 60.0, retry_after=1.0),
    "window, remaining 0": lambda: SlidingWindow(600, 60.0, retry_after=1.0, headers=True),
    "bucket of 1 s": lambda: HiddenLimit(10.0),
    "bucket of a minute": lambda: HiddenLimit(10.0, burst=600.0),
    "per second": lambda: PerSecond(10),
    "sliding second": lambda: SlidingWindow(10, 1.0, retry_after=1.0),
}
FLEET_UNTIL = 240.0  # virtual seconds: a first minute to learn in, then three


def used_after_the_first_minute(fleet: Fleet) -> float:
    """Successes after the first minute, as a share of the limit's 10/s."""
    return fleet.rate(200, 60.0, FLEET_UNTIL) / 10.0


@pytest.mark.parametrize("server", list(LIMITS))
def test_processes_with_default_settings_settle_under_a_shared_limit(server: str) -> None:
    """Defaults (nothing configured): few calls fail after their 2 retries and the
    limit is used after the first minute (LangChain and chatplex before: 73 % failed on
    the window, its 429s taken for noise and the saw-tooth back every minute)."""
    fleet = simulate_fleet(LIMITS[server](), until=FLEET_UNTIL)
    assert fleet.failed_share <= 0.05
    assert used_after_the_first_minute(fleet) >= 0.90
    assert fleet.share(429, 60.0, FLEET_UNTIL) <= 0.05  # settled: no saw-tooth of 429s


@pytest.mark.parametrize("latency", [0.03, 0.05, 0.1])
@pytest.mark.parametrize("server", list(LIMITS))
def test_processes_each_told_the_whole_limit_settle_too(server: str, latency: float) -> None:
    """`RateLimit(600)` in each of the 4 processes: 4x the real limit between them. On
    a token bucket one process's trial used to be taken for noise (its share fell, not
    by three errors, while the others slowed down too): it kept the whole limit, paced
    evenly at the bucket's own rate it saw no 429 at all, and the others starved (2.3 to
    2.7 % of calls failed). A share that fell by one error now gets a second look."""
    fleet = simulate_fleet(
        LIMITS[server](), until=FLEET_UNTIL, limit=RateLimit(600), latency=latency
    )
    assert fleet.failed_share <= 0.02
    assert used_after_the_first_minute(fleet) >= 0.90


@pytest.mark.parametrize("server", ["window", "bucket of 1 s", "per second"])
def test_a_machine_budget_told_too_much_settles(server: str, tmp_path: Path) -> None:
    """One machine budget at 900/min over the real 600, shared by the 4 processes."""

    def machine(clock: Callable[[], float]) -> MachineBudget:
        limit = RateLimit(900, scope="machine")
        return MachineBudget(limit, tmp_path / "budget", clock=clock, asleep=asyncio.sleep)

    fleet = simulate_fleet(LIMITS[server](), until=FLEET_UNTIL, make=machine)
    assert fleet.failed_share <= 0.02
    assert used_after_the_first_minute(fleet) >= 0.90


#: Each request's send and answer delayed by ~10 ms each (exponential, seeded), as on the
#: live bench's loaded 2-core machine: the sliding second then used 81-93 % over 8 seeds
#: (89 % on average; live runs: 88.7, 89.6, 93.2 %), the processes' paces after a first
#: minute's turmoil held low for minutes under its ceilings, and each few 429s paused a
#: process for the server's "retry after 1 s".
LIVE_JITTER = Jitter(send=0.01, answer=0.01)


@pytest.mark.parametrize("seed", range(8))
def test_processes_with_scheduling_jitter_settle_under_a_sliding_second(seed: int) -> None:
    """The per-second case of the live bench, bunched as live: defaults, 4 x 16 callers,
    10 in any 1 s; safely above the 90 % bar on every seed."""
    server = LIMITS["sliding second"]()
    fleet = simulate_fleet(server, until=FLEET_UNTIL, seed=seed, jitter=LIVE_JITTER)
    assert fleet.failed_share <= 0.05
    assert used_after_the_first_minute(fleet) >= 0.91
    assert fleet.share(429, 60.0, FLEET_UNTIL) <= 0.05


def test_the_window_is_learned_as_a_limit_not_as_noise() -> None:
    fleet = simulate_fleet(LIMITS["window"](), until=FLEET_UNTIL)
    for budget in fleet.budgets:
        state = budget._pace.state
        assert state.confirmed == 1.0 and state.noise < 0.1
        # each process paces near its share of 600/min, under where the 429s came
        assert 100.0 <= budget.current_rate_per_minute <= 200.0


def test_a_pace_never_cut_probes_up_by_a_finite_step() -> None:
    """A hand-built (or stored) state with a discovered pace and no cut on record: "no
    429 for long" is not forever, so the first probe adds a finite step."""
    pace = Pace(None)
    pace.state.discovered_rpm = 60.0
    pace.refresh()
    pace.held_back(100.0)
    pace.answered(200, 99.0, None, 100.0, 0)
    assert 60.0 < pace.state.discovered_rpm < 120.0 and math.isfinite(pace.per_request)


# ---- Gemini's quota errors: a 429 whose body says the quota is spent -----------------------


def gemini_quota(quota: bool, seen: list[float]) -> Callable[[Any, Answer], None]:
    """Releases as the attempt engine does for Gemini: each 429 becomes the error the
    Gemini wire parses from a RESOURCE_EXHAUSTED body (RetryInfo's delay, and with
    `quota` a QuotaFailure), handed back through `release_failed` with no rate-limit
    header; `seen` gets, after each 429, whether the budget's limit is confirmed."""
    adapter = GeminiAdapter(api_key="k", base_url="http://127.0.0.1:9")
    details = [{"@type": "type.googleapis.com/google.rpc.RetryInfo", "retryDelay": "0.1s"}]
    if quota:
        details.append({"@type": "type.googleapis.com/google.rpc.QuotaFailure"})
    body = {"error": {"code": 429, "status": "RESOURCE_EXHAUSTED", "details": details}}
    raw = json.dumps(body).encode()

    def release(permit: Any, answer: Answer) -> None:
        if answer.status < 400:
            permit.release(status=answer.status)
            return
        release_failed(permit, adapter.map_error(429, raw, {}), {})
        seen.append(permit._budget._pace.state.confirmed)

    return release


@pytest.mark.parametrize("quota", [True, False], ids=["quota failure", "retry info only"])
def test_a_gemini_quota_error_is_a_limit_from_the_first_one(quota: bool) -> None:
    """A hidden bucket of 10/s answering Gemini's quota errors to 32 callers. With a
    QuotaFailure in the body the first 429 is a limit's (as a ``remaining: 0`` header
    is): confirmed at once, no trial, and the budget settles under the bucket. A bare
    RetryInfo delay is its own request's wait, as any retry-after is: the first 429s
    are weighed as a share first."""
    loop, seen = VirtualLoop(), []
    budget = Budget(None, clock=loop.time, sleep=_no_sync_sleep, asleep=asyncio.sleep)
    try:
        run = loop.run_until_complete(
            adrive(
                functools.partial(budget.aacquire, 1),
                gemini_quota(quota, seen),
                HiddenLimit(10.0),
                workers=32,
                until=60.0,
            )
        )
    finally:
        loop.close()
    assert seen[0] == (1.0 if quota else 0.0)
    if quota:
        assert run.share(429, 10.0, 60.0) <= 0.02 and run.rate(200, 10.0, 60.0) >= 9.5
