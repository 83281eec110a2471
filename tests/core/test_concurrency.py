"""Bounded concurrency (`core/concurrency.py`) behind batch / abatch / *_as_completed:
order, exact concurrency, errors and cancellation."""

from __future__ import annotations

import asyncio
import contextvars
import threading
import time
from typing import Any

import pytest

from chatplex import RunnableLambda
from chatplex.core import DEFAULT_MAX_CONCURRENCY
from chatplex.core import Runnable
from chatplex.core.concurrency import agather_bounded
from chatplex.core.concurrency import aiter_bounded
from chatplex.core.concurrency import gather_threads
from chatplex.core.concurrency import iter_threads
from chatplex.core.concurrency import max_concurrency
from tests.core._twins import batch as run_batch


class Gauge:
    """Counts calls in flight and remembers the peak, from threads or tasks."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.now = 0
        self.peak = 0
        self.started = 0
        self.finished = 0

    def enter(self) -> None:
        with self.lock:
            self.now += 1
            self.started += 1
            self.peak = max(self.peak, self.now)

    def leave(self) -> None:
        with self.lock:
            self.now -= 1
            self.finished += 1


#: How long a test waits for a condition before failing (never reached when all is well).
PATIENCE = 30.0


def gauged(
    gauge: Gauge, delay: float = 0.01, fail_on: set[int] | None = None, hold: int = 0
) -> Runnable[Any, Any]:
    """Calls that last `delay` (x1-x3); with `hold`, each first waits until `hold` calls
    have been in flight at once, so "every worker started before one ended" is a fact,
    not a guess about how fast threads start on a loaded machine."""
    fail_on = fail_on or set()

    def work(x: int) -> int:
        gauge.enter()
        try:
            end = time.monotonic() + PATIENCE
            while gauge.peak < hold and time.monotonic() < end:
                time.sleep(0.001)
            time.sleep(delay * (1 + x % 3))
            if x in fail_on:
                raise ValueError(f"bad input {x}")
            return x * 10
        finally:
            gauge.leave()

    async def awork(x: int) -> int:
        gauge.enter()
        try:
            end = time.monotonic() + PATIENCE
            while gauge.peak < hold and time.monotonic() < end:
                await asyncio.sleep(0.001)
            await asyncio.sleep(delay * (1 + x % 3))
            if x in fail_on:
                raise ValueError(f"bad input {x}")
            return x * 10
        finally:
            gauge.leave()

    return RunnableLambda(work, awork)


@pytest.mark.parametrize("sync", [True, False])
async def test_results_in_input_order(sync: bool) -> None:
    gauge = Gauge()
    out = await run_batch(gauged(gauge), sync, list(range(12)), config={"max_concurrency": 4})
    assert out == [x * 10 for x in range(12)]


@pytest.mark.parametrize("sync", [True, False])
@pytest.mark.parametrize("limit", [1, 3, 7])
async def test_max_concurrency_is_exact(sync: bool, limit: int) -> None:
    gauge = Gauge()
    # The first calls wait until `limit` are in flight: never more start (the peak says).
    runnable = gauged(gauge, 0.01, hold=limit)
    await run_batch(runnable, sync, list(range(20)), config={"max_concurrency": limit})
    assert gauge.peak == limit
    assert gauge.finished == 20


@pytest.mark.parametrize("sync", [True, False])
async def test_default_concurrency_is_documented_constant(sync: bool) -> None:
    gauge = Gauge()
    runnable = gauged(gauge, 0.01, hold=DEFAULT_MAX_CONCURRENCY)
    await run_batch(runnable, sync, list(range(DEFAULT_MAX_CONCURRENCY + 8)))
    assert gauge.peak == DEFAULT_MAX_CONCURRENCY


@pytest.mark.parametrize("sync", [True, False])
async def test_return_exceptions_keeps_other_results(sync: bool) -> None:
    gauge = Gauge()
    out = await run_batch(
        gauged(gauge, fail_on={3, 5}), sync, list(range(8)), return_exceptions=True
    )
    assert [o for i, o in enumerate(out) if i not in (3, 5)] == [
        x * 10 for x in range(8) if x not in (3, 5)
    ]
    assert isinstance(out[3], ValueError) and "bad input 3" in str(out[3])
    assert isinstance(out[5], ValueError)


@pytest.mark.parametrize("sync", [True, False])
async def test_first_error_raises_and_nothing_keeps_running(sync: bool) -> None:
    gauge = Gauge()
    with pytest.raises(ValueError, match="bad input 0"):
        await run_batch(
            gauged(gauge, 0.02, fail_on={0}), sync, list(range(40)), config={"max_concurrency": 4}
        )
    # Everything that started has stopped by the time batch raised ...
    assert gauge.now == 0
    started = gauge.started
    # ... and nothing starts afterwards in the background.
    time.sleep(0.1)
    await asyncio.sleep(0.05)
    assert gauge.started == started < 40


async def test_abatch_cancelled_from_outside_cancels_every_call() -> None:
    gauge = Gauge()
    task = asyncio.ensure_future(
        gauged(gauge, 60).abatch(list(range(10)), config={"max_concurrency": 5})
    )
    end = time.monotonic() + PATIENCE
    while gauge.now < 5 and time.monotonic() < end:  # until the first five are running
        await asyncio.sleep(0.001)
    assert gauge.now == 5
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task
    assert gauge.now == 0
    assert gauge.started == 5


@pytest.mark.parametrize("sync", [True, False])
async def test_as_completed_yields_every_index_once(sync: bool) -> None:
    gauge = Gauge()
    runnable = gauged(gauge, 0.005)
    inputs = list(range(10))
    if sync:
        pairs = list(runnable.batch_as_completed(inputs, config={"max_concurrency": 3}))
    else:
        pairs = [
            p async for p in runnable.abatch_as_completed(inputs, config={"max_concurrency": 3})
        ]
    assert sorted(i for i, _ in pairs) == inputs
    assert all(result == i * 10 for i, result in pairs)
    assert gauge.peak <= 3


async def test_abatch_as_completed_closing_early_cancels_the_rest() -> None:
    gauge = Gauge()
    stream = gauged(gauge, 0.05).abatch_as_completed(list(range(10)), config={"max_concurrency": 4})
    async for _ in stream:
        break
    await stream.aclose()  # type: ignore[attr-defined]
    assert gauge.now == 0
    assert gauge.finished < 10


# ---- the helpers themselves -------------------------------------------------------------


def test_max_concurrency_is_the_first_configs_else_the_default() -> None:
    assert max_concurrency([{"max_concurrency": 3}, {"max_concurrency": 9}]) == 3
    assert max_concurrency([{}, {"max_concurrency": 9}]) == DEFAULT_MAX_CONCURRENCY
    assert max_concurrency([]) == DEFAULT_MAX_CONCURRENCY


async def test_nothing_to_do_starts_nothing() -> None:
    def never(i: int) -> Any:
        raise AssertionError("called")

    assert await agather_bounded(0, never, 4, return_exceptions=False) == []
    assert [x async for x in aiter_bounded(0, never, 4, return_exceptions=False)] == []
    assert gather_threads(0, never, 4, return_exceptions=False) == []
    assert list(iter_threads(0, never, 4, return_exceptions=False)) == []


async def test_a_base_exception_is_raised_even_with_return_exceptions() -> None:
    class Stop(BaseException):
        pass

    cancelled: list[int] = []

    async def call(i: int) -> int:
        if i == 0:
            raise Stop
        try:
            await asyncio.Event().wait()  # forever, unless cancelled
        except asyncio.CancelledError:
            cancelled.append(i)
            raise
        return i

    with pytest.raises(Stop):
        await agather_bounded(3, call, 3, return_exceptions=True)
    assert sorted(cancelled) == [1, 2]  # nobody left running


def test_threads_never_outnumber_the_bound_and_see_the_callers_context() -> None:
    var: contextvars.ContextVar[str] = contextvars.ContextVar("var", default="unset")
    var.set("caller")
    threads: set[int] = set()
    seen: list[str] = []

    def call(i: int) -> int:
        threads.add(threading.get_ident())
        seen.append(var.get())
        return i * 2

    assert gather_threads(10, call, 2, return_exceptions=False) == [i * 2 for i in range(10)]
    assert 1 <= len(threads) <= 2 and threading.get_ident() not in threads
    assert seen == ["caller"] * 10


def test_iter_threads_yields_errors_as_results_when_asked() -> None:
    def call(i: int) -> int:
        if i == 1:
            raise KeyError(i)
        return i

    pairs = dict(iter_threads(3, call, 3, return_exceptions=True))
    assert pairs[0] == 0 and pairs[2] == 2 and isinstance(pairs[1], KeyError)
    with pytest.raises(KeyError):
        gather_threads(3, call, 3, return_exceptions=False)
