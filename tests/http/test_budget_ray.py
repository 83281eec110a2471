"""The cluster budget (chatplex/http/_budget_ray.py) without Ray: the actor's class is
plain Python (driven here on one event loop), and the handle is given a stand-in actor.
With a real local cluster: tests/http/test_budget_ray_cluster.py (marked `ray`)."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from chatplex.errors import DeadlineExceededError
from chatplex.http import RateLimit
from chatplex.http._budget_ray import LEASE
from chatplex.http._budget_ray import BudgetActor
from chatplex.http._budget_ray import ClusterBudget
from chatplex.http._budget_ray import actor_name
from chatplex.http._budget_shared import Outcome
from chatplex.http._learn import Announced
from chatplex.http._learn import read_limits

from ._pacesim import Answer
from ._pacesim import HiddenLimit
from ._pacesim import VirtualLoop
from ._pacesim import adrive


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


async def test_grants_in_arrival_order_at_the_pace() -> None:
    actor = BudgetActor(RateLimit(requests_per_minute=600))  # real clock: 0.1 s apart
    order: list[int] = []

    async def take(i: int) -> None:
        granted = await actor.acquire(1, 10.0, actor.limit, [])
        assert granted is not None
        order.append(i)

    await asyncio.gather(*(take(i) for i in range(8)))
    assert order == list(range(8))
    stats = await actor.stats()
    assert stats["granted"] == 8 and stats["in_flight"] == 8


async def test_a_grant_that_cannot_come_in_time_is_none() -> None:
    actor = BudgetActor(RateLimit(requests_per_minute=1))
    assert await actor.acquire(1, 1.0, actor.limit, []) is not None
    assert await actor.acquire(1, 0.05, actor.limit, []) is None  # next slot in 60 s


async def test_releases_free_slots_and_teach_the_pace() -> None:
    limit = RateLimit(requests_per_minute=6000, max_in_flight=1)
    actor = BudgetActor(limit)
    granted = await actor.acquire(1, 1.0, limit, [])
    assert granted is not None
    lease, admitted_at = granted
    waiting = asyncio.ensure_future(actor.acquire(1, 5.0, limit, []))
    await asyncio.sleep(0.01)
    assert not waiting.done()  # held by the cap
    empty = Announced(requests_remaining=0.0)  # read from the 429's headers by the caller
    await actor.release_many([(lease, admitted_at, 1, Outcome(used=1, status=429), 60.0, empty)])
    assert await waiting is not None
    assert (await actor.stats())["factor"] == 0.5  # the limit's 429 halved the pace


async def test_leases_of_vanished_holders_expire() -> None:
    clock = Clock()
    limit = RateLimit(max_in_flight=1)
    actor = BudgetActor(limit, clock=clock)
    assert await actor.acquire(1, 1.0, limit, []) is not None  # never released
    clock.now += LEASE + 1
    assert await actor.acquire(1, 1.0, limit, []) is not None
    assert (await actor.stats())["expired"] == 1


def test_the_actor_name_is_a_digest_of_the_key() -> None:
    key = ("openai", "https://api.openai.com/v1", "k3ydig3st", "gpt-4o-mini")
    name = actor_name(key)
    assert name.startswith("chatplex-budget-") and name == actor_name(key)
    assert not any(part in name for part in key)
    assert name != actor_name((*key[:3], "gpt-4o"))


class _Method:
    def __init__(self, fn: Any) -> None:
        self.fn = fn

    def remote(self, *args: Any) -> Any:
        return self.fn(*args)


class FakeActor:
    """Stands in for the actor handle: `acquire.remote` gives an awaitable, like an
    ObjectRef; `release_many.remote` records the batch."""

    def __init__(self, actor: BudgetActor) -> None:
        self.batches: list[list[Any]] = []
        self.calls: list[int] = []  # asks per acquire_many call
        self.acquire = _Method(lambda *a: asyncio.ensure_future(actor.acquire(*a)))

        def acquire_many(asks: list[Any], limit: RateLimit, releases: list[Any]) -> Any:
            self.calls.append(len(asks))
            return asyncio.ensure_future(actor.acquire_many(asks, limit, releases))

        self.acquire_many = _Method(acquire_many)

        def release(batch: list[Any]) -> Any:
            self.batches.append(batch)
            return asyncio.ensure_future(actor.release_many(batch))

        self.release_many = _Method(release)


async def test_releases_of_one_loop_turn_go_in_one_call() -> None:
    limit = RateLimit(requests_per_minute=60_000)
    fake = FakeActor(BudgetActor(limit))
    budget = ClusterBudget(limit, fake)
    permits = [await budget.aacquire(1) for _ in range(3)]
    for permit in permits:
        permit.release(used_tokens=1, status=200)
    assert fake.batches == []  # queued until the loop turns
    await asyncio.sleep(0)
    assert [len(batch) for batch in fake.batches] == [3]


async def test_a_refused_grant_is_a_deadline_error() -> None:
    limit = RateLimit(requests_per_minute=1)
    budget = ClusterBudget(limit, FakeActor(BudgetActor(limit)))
    (await budget.aacquire(1)).release(status=200)
    with pytest.raises(DeadlineExceededError):
        await budget.aacquire(1, deadline=time.monotonic() + 0.05)


async def test_acquires_waiting_in_one_loop_share_one_call_and_are_paced() -> None:
    limit = RateLimit(requests_per_minute=6000)  # 10 ms apart after a burst of 4
    actor = BudgetActor(limit)
    fake = FakeActor(actor)
    budget = ClusterBudget(limit, fake)
    start = time.monotonic()
    permits = await asyncio.gather(*(budget.aacquire(1) for _ in range(12)))
    elapsed = time.monotonic() - start
    assert fake.calls[0] == 12  # one call carried all twelve...
    assert len(fake.calls) <= 3  # ...and the reservations covered (nearly) all of them
    assert elapsed >= 0.07  # 8 after the burst, 10 ms apart: reserved, then slept off
    assert (await actor.stats())["granted"] == 12
    for permit in permits:
        permit.release(status=200)
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    assert (await actor.stats())["in_flight"] == 0


async def test_reservations_never_pass_other_callers_nor_the_cap() -> None:
    limit = RateLimit(requests_per_minute=60_000, max_in_flight=2)
    actor = BudgetActor(limit)
    results = await actor.acquire_many([(1, 1.0)] * 4, limit, [])
    granted = [r for r in results if isinstance(r, tuple)]
    assert len(granted) == 2 and results[2:] == [False, False]  # the cap: ask again


async def test_a_cancelled_waiter_gives_its_grant_back() -> None:
    limit = RateLimit(requests_per_minute=600)  # 100 ms apart after the burst
    actor = BudgetActor(limit)
    budget = ClusterBudget(limit, FakeActor(actor))
    waiters = [asyncio.ensure_future(budget.aacquire(1)) for _ in range(6)]
    await asyncio.sleep(0.05)
    for waiter in waiters:
        waiter.cancel()
    outcomes = await asyncio.gather(*waiters, return_exceptions=True)
    served = [o for o in outcomes if not isinstance(o, BaseException)]
    assert 0 < len(served) < 6  # the burst was served before the cancel, the rest not
    for permit in served:
        permit.release(status=200)
    await asyncio.sleep(0.3)  # grants that come now for cancelled waiters go straight back
    assert (await actor.stats())["in_flight"] == 0


# ---- what the actor learns, in virtual time (tests/http/_pacesim.py) ------------------------


def test_four_workers_told_too_much_settle_at_the_real_limit() -> None:
    """Configured 900/min, the server's real limit 600/min, its 429s bare (no headers):
    the actor's budget finds the limit and holds it, as the in-process one does."""
    loop = VirtualLoop()
    limit = RateLimit(requests_per_minute=900, scope="cluster")
    actor = BudgetActor(limit, clock=loop.time)

    async def acquire() -> tuple[int, float]:
        granted = await actor.acquire(1, None, limit, [])
        assert granted is not None
        return granted

    def release(permit: tuple[int, float], answer: Answer) -> None:
        told = read_limits(answer.headers) if answer.headers else None
        outcome = Outcome(status=answer.status, retry_after=answer.retry_after)
        entry = (*permit, 1, outcome, 60.0, told)
        loop.create_task(actor.release_many([entry]))

    try:
        run = loop.run_until_complete(
            adrive(acquire, release, HiddenLimit(10.0), workers=4 * 8, until=90.0)
        )
    finally:
        loop.close()
    assert run.rate(200, 20.0, 90.0) >= 0.95 * 10.0  # the real limit, not 150 % or blocked
    assert run.share(429, 20.0, 90.0) <= 0.03
    assert actor._schedule.confirmed == 1.0 and actor._schedule.factor < 0.8
