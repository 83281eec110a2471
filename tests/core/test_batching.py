"""How a runnable runs many inputs (`core/batching.py`): threads for a sync runnable, the
portal loop for an async-native one (a chat model), completion order, per-input deadlines."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest

from chatplex import AIMessage
from chatplex import FakeChatModel
from chatplex import RunnableLambda
from chatplex.core import Runnable
from chatplex.core.portal import on_portal
from chatplex.core.run_config import RunnableConfig
from tests.core._echo import Echo


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
    inputs = ["1.2", "0.3", "0.9", "0.6"] * 4  # 0.3 s apart: a slow start cannot reorder
    pairs = list(model.batch_as_completed(inputs, config={"max_concurrency": 16}))
    assert [i for i, _ in pairs[:4]] == [1, 5, 9, 13]  # the 0.05 s calls come first
    assert sorted(i for i, _ in pairs) == list(range(16))
    assert all(reply.text == inputs[i] for i, reply in pairs)
    assert [inputs[i] for i, _ in pairs] == sorted(inputs, key=float)
    assert len(model.threads) == 1  # every call on the same (portal) loop thread ...
    assert threading.get_ident() not in model.threads  # ... which is not the caller's


def test_closing_sync_batch_as_completed_early_cancels_the_rest() -> None:
    model = DelayedModel()
    results = model.batch_as_completed(["0.01", "60", "60", "60"], config={"max_concurrency": 4})
    first = next(results)
    started = time.monotonic()
    results.close()  # type: ignore[attr-defined]
    assert time.monotonic() - started < 15  # did not wait for the minute-long calls
    assert first[0] == 0
    assert (model.started, model.finished, model.cancelled) == (4, 1, 3)


def test_sync_batch_as_completed_raises_the_first_error_and_cancels_the_rest() -> None:
    model = DelayedModel()
    results = model.batch_as_completed(["0.01", "x", "60", "60"], config={"max_concurrency": 4})
    started = time.monotonic()
    with pytest.raises(ValueError):  # float("x")
        list(results)
    assert time.monotonic() - started < 15  # did not wait for the minute-long calls
    assert (model.started, model.finished, model.cancelled) == (4, 0, 3)


async def test_abatch_overlaps_calls() -> None:
    model = FakeChatModel(responses=["ok"], latency=1.0)
    start = time.monotonic()
    await model.abatch(["x"] * 10, config={"max_concurrency": 10})
    # Ten 1 s calls at once finish in about one call's time, far below 10 s serial.
    assert time.monotonic() - start < 5


@pytest.mark.parametrize("sync", [True, False])
async def test_timeout_per_input_in_batch(sync: bool) -> None:
    model = FakeChatModel(responses=["ok"], latency=0.05)
    inputs = ["a"] * 6
    config = {"timeout": 10.0, "max_concurrency": 2}  # ample for each: none may time out
    out = model.batch(inputs, config) if sync else await model.abatch(inputs, config)  # type: ignore[arg-type]
    assert [m.text for m in out] == ["ok"] * 6


def test_sync_batch_runs_threads_for_a_sync_runnable() -> None:
    echo = Echo()
    assert echo.batch([1, 2, 3], {"max_concurrency": 2}) == [1, 2, 3]
    assert threading.get_ident() not in echo.threads
    assert echo.on_portal == [False] * 3


class AsyncNative(Runnable[Any, Any]):
    """Real work is async (like a chat model): a sync batch must run it on the portal."""

    _async_native = True

    def __init__(self) -> None:
        self.where: list[tuple[str, bool]] = []

    def _invoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        self.where.append(("sync", on_portal()))
        return input

    async def _ainvoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        self.where.append(("async", on_portal()))
        return input


def test_async_native_routes_sync_batch_to_the_portal() -> None:
    runnable = AsyncNative()
    assert runnable.batch([1, 2, 3]) == [1, 2, 3]
    assert runnable.where == [("async", True)] * 3  # never the sync hook, never a thread
    runnable.where.clear()
    assert sorted(runnable.batch_as_completed([1, 2])) == [(0, 1), (1, 2)]
    assert runnable.where == [("async", True)] * 2
    runnable.where.clear()
    assert runnable.invoke(1) == 1  # a single sync call stays sync
    assert runnable.where == [("sync", False)]


async def test_ainvoke_runs_on_the_calling_loop_thread() -> None:
    model = ThreadRecordingModel(responses=["ok"])
    await model.ainvoke("hi")
    await model.abatch(["a", "b", "c"])
    assert model.threads == {threading.get_ident()}
