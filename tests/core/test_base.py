"""`Runnable`'s public methods (`core/base.py`): one implementation over the hooks, the
deadline they apply, sync batch of async-native runnables on the portal loop, and
`RunnableBinding` (`with_config` / `bind`)."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest

from chatplex import AIMessage, FakeChatModel, RunnableLambda, StrOutputParser
from chatplex.core.run_config import RunnableConfig
from chatplex.errors import DeadlineExceededError
from chatplex.runnables import Runnable


async def call(r: Runnable[Any, Any], sync: bool, value: Any, config: Any = None) -> Any:
    return r.invoke(value, config) if sync else await r.ainvoke(value, config)


# ---- batch -----------------------------------------------------------------------------


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


@pytest.mark.parametrize("sync", [True, False])
async def test_timeout_raises_a_timeout_error_subclass(sync: bool) -> None:
    model = FakeChatModel(responses=["slow"], latency=2.0)
    start = time.monotonic()
    with pytest.raises(DeadlineExceededError) as info:
        await call(model, sync, "x", {"timeout": 0.1})
    assert isinstance(info.value, TimeoutError)
    assert time.monotonic() - start < 1.5


@pytest.mark.parametrize("sync", [True, False])
async def test_deadline_covers_the_whole_chain(sync: bool) -> None:
    # Each step fits in the timeout; together they do not.
    model = FakeChatModel(responses=["ok"], latency=0.15)
    chain = model | StrOutputParser() | RunnableLambda(lambda s: [s]) | (lambda x: x[0]) | model
    with pytest.raises(DeadlineExceededError):
        await call(chain, sync, "x", {"timeout": 0.25})


@pytest.mark.parametrize("sync", [True, False])
async def test_stream_deadline(sync: bool) -> None:
    model = FakeChatModel(responses=["a b c d e f g"], chunk_delay=0.1)
    got: list[str] = []
    with pytest.raises(DeadlineExceededError):
        if sync:
            for c in model.stream("x", {"timeout": 0.25}):
                got.append(c.text)
        else:
            async for c in model.astream("x", {"timeout": 0.25}):
                got.append(c.text)
    assert 1 <= len(got) < 7


@pytest.mark.parametrize("sync", [True, False])
async def test_timeout_per_input_in_batch(sync: bool) -> None:
    model = FakeChatModel(responses=["ok"], latency=0.05)
    inputs = ["a"] * 6
    config = {"timeout": 1.0, "max_concurrency": 2}
    out = model.batch(inputs, config) if sync else await model.abatch(inputs, config)  # type: ignore[arg-type]
    assert [m.text for m in out] == ["ok"] * 6


async def test_with_config_timeout_bounds_ainvoke_and_astream() -> None:
    # A bound timeout is the bound call's own budget, enforced like a caller's timeout,
    # even for a step that never looks at the deadline itself.
    async def slow(x: str) -> str:
        await asyncio.sleep(5)
        return x

    bounded = RunnableLambda(slow).with_config(timeout=0.05)
    start = time.monotonic()
    with pytest.raises(DeadlineExceededError):
        await bounded.ainvoke("x")
    with pytest.raises(DeadlineExceededError):
        async for _ in bounded.astream("x"):
            pass
    assert time.monotonic() - start < 4


@pytest.mark.parametrize("sync", [True, False])
async def test_with_config_and_bind(sync: bool) -> None:
    def tags(x: int, config: RunnableConfig) -> list[str]:
        return config.get("tags", [])

    bound = RunnableLambda(tags).with_config(tags=["fixed"])
    assert await call(bound, sync, 1, {"tags": ["call"]}) == ["fixed", "call"]

    model = FakeChatModel(responses=["ok"]).bind(temperature=0.5)
    assert model.temperature == 0.5  # type: ignore[attr-defined]
    assert (await call(model, sync, "hi")).text == "ok"
