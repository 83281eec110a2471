"""batch / abatch / *_as_completed: order, exact concurrency, errors and cancellation."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest

from chatplex import AIMessage, FakeChatModel, RunnableLambda
from chatplex.core.run_config import RunnableConfig
from chatplex.runnables import DEFAULT_MAX_CONCURRENCY, Runnable


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


def gauged(
    gauge: Gauge, delay: float = 0.01, fail_on: set[int] | None = None
) -> Runnable[Any, Any]:
    fail_on = fail_on or set()

    def work(x: int) -> int:
        gauge.enter()
        try:
            time.sleep(delay * (1 + x % 3))
            if x in fail_on:
                raise ValueError(f"bad input {x}")
            return x * 10
        finally:
            gauge.leave()

    async def awork(x: int) -> int:
        gauge.enter()
        try:
            await asyncio.sleep(delay * (1 + x % 3))
            if x in fail_on:
                raise ValueError(f"bad input {x}")
            return x * 10
        finally:
            gauge.leave()

    return RunnableLambda(work, awork)


async def run_batch(r: Runnable[Any, Any], sync: bool, inputs: list[Any], **kw: Any) -> list[Any]:
    if sync:
        return r.batch(inputs, **kw)
    return await r.abatch(inputs, **kw)


@pytest.mark.parametrize("sync", [True, False])
async def test_results_in_input_order(sync: bool) -> None:
    gauge = Gauge()
    out = await run_batch(gauged(gauge), sync, list(range(12)), config={"max_concurrency": 4})
    assert out == [x * 10 for x in range(12)]


@pytest.mark.parametrize("sync", [True, False])
@pytest.mark.parametrize("limit", [1, 3, 7])
async def test_max_concurrency_is_exact(sync: bool, limit: int) -> None:
    gauge = Gauge()
    # Each call lasts 40-120 ms, long enough for every worker to start before one ends.
    await run_batch(gauged(gauge, 0.04), sync, list(range(20)), config={"max_concurrency": limit})
    assert gauge.peak == limit
    assert gauge.finished == 20


@pytest.mark.parametrize("sync", [True, False])
async def test_default_concurrency_is_documented_constant(sync: bool) -> None:
    gauge = Gauge()
    await run_batch(gauged(gauge, 0.1), sync, list(range(DEFAULT_MAX_CONCURRENCY + 8)))
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
        gauged(gauge, 0.5).abatch(list(range(10)), config={"max_concurrency": 5})
    )
    await asyncio.sleep(0.05)
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


@pytest.mark.parametrize("sync", [True, False])
async def test_one_config_per_input(sync: bool) -> None:
    seen: list[str] = []

    def record(x: int, config: RunnableConfig) -> int:
        seen.append(config["metadata"]["who"])
        return x

    configs: list[RunnableConfig] = [{"metadata": {"who": f"n{i}"}} for i in range(3)]
    await run_batch(RunnableLambda(record), sync, [0, 1, 2], config=configs)
    assert sorted(seen) == ["n0", "n1", "n2"]


def test_config_list_must_match_inputs() -> None:
    with pytest.raises(ValueError, match="3 inputs but 2 configs"):
        RunnableLambda(lambda x: x).batch([1, 2, 3], config=[{}, {}])


@pytest.mark.parametrize("bad", [0, -1, 1.5, "3"])
def test_bad_max_concurrency_is_rejected(bad: Any) -> None:
    with pytest.raises(ValueError, match="max_concurrency"):
        RunnableLambda(lambda x: x).batch([1], config={"max_concurrency": bad})


def test_empty_batch_returns_empty_list() -> None:
    assert RunnableLambda(lambda x: x).batch([]) == []


class ThreadRecordingModel(FakeChatModel):
    """Records which thread each request ran on."""

    def __init__(self, **kw: Any) -> None:
        super().__init__(**kw)
        self.threads: set[int] = set()

    async def _asend(self, messages: Any, settings: Any, config: Any) -> Any:
        self.threads.add(threading.get_ident())
        return await super()._asend(messages, settings, config)

    def _send(self, messages: Any, settings: Any, config: Any) -> Any:
        self.threads.add(threading.get_ident())
        return super()._send(messages, settings, config)


def test_sync_batch_of_a_chat_model_uses_one_loop_not_a_thread_per_request() -> None:
    model = ThreadRecordingModel(responses=["ok"], latency=0.02)
    out = model.batch(["hi"] * 16, config={"max_concurrency": 16})
    assert [m.text for m in out] == ["ok"] * 16
    assert len(model.threads) == 1
    assert threading.get_ident() not in model.threads


class DelayedModel(ThreadRecordingModel):
    """Answers after as many seconds as its input says; counts calls started, finished
    and cancelled."""

    def __init__(self) -> None:
        super().__init__(responses=["unused"])
        self.started = self.finished = self.cancelled = 0

    async def _asend(self, messages: Any, settings: Any, config: Any) -> Any:
        self.threads.add(threading.get_ident())
        self.started += 1
        try:
            await asyncio.sleep(float(messages[-1].text))
        except asyncio.CancelledError:
            self.cancelled += 1
            raise
        self.finished += 1
        return AIMessage(content=messages[-1].text)

    def _send(self, messages: Any, settings: Any, config: Any) -> Any:
        self.threads.add(threading.get_ident())
        self.started += 1
        time.sleep(float(messages[-1].text))
        self.finished += 1
        return AIMessage(content=messages[-1].text)


def test_sync_batch_as_completed_of_a_chat_model_runs_on_one_loop_as_completed() -> None:
    model = DelayedModel()
    inputs = ["0.3", "0.05", "0.2", "0.1"] * 4
    pairs = list(model.batch_as_completed(inputs, config={"max_concurrency": 16}))
    assert [i for i, _ in pairs[:4]] == [1, 5, 9, 13]  # the 0.05 s calls come first
    assert sorted(i for i, _ in pairs) == list(range(16))
    assert all(reply.text == inputs[i] for i, reply in pairs)
    assert [inputs[i] for i, _ in pairs] == sorted(inputs, key=float)
    assert len(model.threads) == 1  # every call on the same (portal) loop thread ...
    assert threading.get_ident() not in model.threads  # ... which is not the caller's


def test_closing_sync_batch_as_completed_early_cancels_the_rest() -> None:
    model = DelayedModel()
    results = model.batch_as_completed(["0.01", "2", "2", "2"], config={"max_concurrency": 4})
    first = next(results)
    started = time.monotonic()
    results.close()  # type: ignore[attr-defined]
    assert time.monotonic() - started < 0.5  # did not wait for the 2 s calls
    assert first[0] == 0
    assert (model.started, model.finished, model.cancelled) == (4, 1, 3)


def test_sync_batch_as_completed_raises_the_first_error_and_cancels_the_rest() -> None:
    model = DelayedModel()
    results = model.batch_as_completed(["0.01", "x", "2", "2"], config={"max_concurrency": 4})
    started = time.monotonic()
    with pytest.raises(ValueError):  # float("x")
        list(results)
    assert time.monotonic() - started < 0.5
    assert (model.started, model.finished, model.cancelled) == (4, 0, 3)


async def test_ainvoke_runs_on_the_calling_loop_thread() -> None:
    model = ThreadRecordingModel(responses=["ok"])
    await model.ainvoke("hi")
    await model.abatch(["a", "b", "c"])
    assert model.threads == {threading.get_ident()}


async def test_abatch_overlaps_calls() -> None:
    model = FakeChatModel(responses=["ok"], latency=0.1)
    start = time.monotonic()
    await model.abatch(["x"] * 10, config={"max_concurrency": 10})
    # Ten 100 ms calls at once finish in about one call's time, far below 1 s serial.
    assert time.monotonic() - start < 0.6
