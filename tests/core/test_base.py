"""`Runnable`'s public methods (`core/base.py`): one implementation over the hooks, the
deadline they apply, sync batch of async-native runnables on the portal loop. Bindings
are tested in `test_binding.py`, what a failed call keeps in `test_partial_results.py`,
the methods that build a runnable from this one in `test_builders.py`."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator
from collections.abc import Iterator
from typing import Any

import pytest

from chatplex import AIMessage
from chatplex import FakeChatModel
from chatplex import RunnableLambda
from chatplex import StrOutputParser
from chatplex.core import Runnable
from chatplex.core import RunnableRetry
from chatplex.core import RunnableSequence
from chatplex.core import RunnableWithFallbacks
from chatplex.core.binding import RunnableBinding
from chatplex.core.portal import on_portal
from chatplex.core.run_config import RunnableConfig
from chatplex.errors import DeadlineExceededError
from tests.core._echo import Echo
from tests.core._twins import call

# ---- batch: threads, or the portal for async-native runnables ----------------------------


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


async def test_ainvoke_runs_on_the_calling_loop_thread() -> None:
    model = ThreadRecordingModel(responses=["ok"])
    await model.ainvoke("hi")
    await model.abatch(["a", "b", "c"])
    assert model.threads == {threading.get_ident()}


async def test_abatch_overlaps_calls() -> None:
    model = FakeChatModel(responses=["ok"], latency=1.0)
    start = time.monotonic()
    await model.abatch(["x"] * 10, config={"max_concurrency": 10})
    # Ten 1 s calls at once finish in about one call's time, far below 10 s serial.
    assert time.monotonic() - start < 5


# ---- deadlines --------------------------------------------------------------------------


@pytest.mark.parametrize("sync", [True, False])
async def test_timeout_raises_a_timeout_error_subclass(sync: bool) -> None:
    model = FakeChatModel(responses=["slow"], latency=60.0)
    start = time.monotonic()
    with pytest.raises(DeadlineExceededError) as info:
        await call(model, sync, "x", {"timeout": 0.1})
    assert isinstance(info.value, TimeoutError)
    assert time.monotonic() - start < 15  # the deadline, not the minute-long reply


@pytest.mark.parametrize("sync", [True, False])
async def test_deadline_covers_the_whole_chain(sync: bool) -> None:
    # Each step fits in the timeout; together they do not.
    model = FakeChatModel(responses=["ok"], latency=0.15)
    chain = model | StrOutputParser() | RunnableLambda(lambda s: [s]) | (lambda x: x[0]) | model
    with pytest.raises(DeadlineExceededError):
        await call(chain, sync, "x", {"timeout": 0.25})


@pytest.mark.parametrize("sync", [True, False])
async def test_stream_deadline(sync: bool) -> None:
    # 50 words 0.1 s apart (5 s) against a 1 s deadline: the first arrives with time to
    # spare on a loaded machine, the last never does.
    words = " ".join(f"w{i}" for i in range(50))
    model = FakeChatModel(responses=[words], chunk_delay=0.1)
    got: list[str] = []
    with pytest.raises(DeadlineExceededError):
        if sync:
            for c in model.stream("x", {"timeout": 1.0}):
                got.append(c.text)
        else:
            async for c in model.astream("x", {"timeout": 1.0}):
                got.append(c.text)
    assert 1 <= len(got) < 50


@pytest.mark.parametrize("sync", [True, False])
async def test_timeout_per_input_in_batch(sync: bool) -> None:
    model = FakeChatModel(responses=["ok"], latency=0.05)
    inputs = ["a"] * 6
    config = {"timeout": 10.0, "max_concurrency": 2}  # ample for each: none may time out
    out = model.batch(inputs, config) if sync else await model.abatch(inputs, config)  # type: ignore[arg-type]
    assert [m.text for m in out] == ["ok"] * 6


async def test_with_config_timeout_bounds_ainvoke_and_astream() -> None:
    # A bound timeout is the bound call's own budget, enforced like a caller's timeout,
    # even for a step that never looks at the deadline itself.
    async def slow(x: str) -> str:
        await asyncio.sleep(60)
        return x

    bounded = RunnableLambda(slow).with_config(timeout=0.05)
    start = time.monotonic()
    with pytest.raises(DeadlineExceededError):
        await bounded.ainvoke("x")
    with pytest.raises(DeadlineExceededError):
        async for _ in bounded.astream("x"):
            pass
    assert time.monotonic() - start < 15  # the bound, not the minute-long step


# ---- the public methods over the hooks ----------------------------------------------------


def test_overrides_are_computed_per_subclass() -> None:
    class Streams(Echo):
        def _stream(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Any:
            yield input

    class Batches(Streams):
        async def _abatch(self, *args: Any, **kwargs: Any) -> Any:
            return []

    assert Runnable._overrides == frozenset() and Echo._overrides == frozenset()
    assert Streams._overrides == {"_stream"}
    assert Batches._overrides == {"_stream", "_abatch"}  # inherited ones count too
    assert RunnableBinding._overrides == {
        "_stream",
        "_astream",
        "_transform",
        "_atransform",
        "_batch",
        "_abatch",
    }


@pytest.mark.parametrize("sync", [True, False])
async def test_a_runnable_with_only_invoke_streams_its_one_result(sync: bool) -> None:
    echo = Echo()
    if sync:
        assert list(echo.stream("x")) == ["x"]
        assert list(echo.transform(iter(["a", "b", "c"]))) == ["abc"]  # collected, then run
    else:
        assert [p async for p in echo.astream("x")] == ["x"]

        async def pieces() -> AsyncIterator[str]:
            for piece in ("a", "b", "c"):
                yield piece

        assert [p async for p in echo.atransform(pieces())] == ["abc"]


def test_missing_required_hooks_say_so() -> None:
    class Nothing(Runnable[Any, Any]):
        pass

    with pytest.raises(NotImplementedError, match="Nothing does not implement invoke"):
        Nothing().invoke(1)
    with pytest.raises(NotImplementedError, match="Nothing does not implement ainvoke"):
        asyncio.run(Nothing().ainvoke(1))


def test_keyword_arguments_reach_the_hook() -> None:
    assert Echo().invoke("x", None, flag=True) == ("x", {"flag": True})
    assert Echo().batch(["x"], flag=1) == [("x", {"flag": 1})]


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


def test_a_passed_deadline_calls_no_hook() -> None:
    echo = Echo()
    with pytest.raises(DeadlineExceededError):
        echo.invoke(1, {"deadline": time.monotonic() - 1})
    with pytest.raises(DeadlineExceededError):
        next(echo.stream(1, {"deadline": time.monotonic() - 1}))
    with pytest.raises(DeadlineExceededError):
        asyncio.run(echo.ainvoke(1, {"deadline": time.monotonic() - 1}))
    assert echo.threads == []


def test_leaving_a_stream_early_closes_the_hooks_iterator() -> None:
    closed: list[bool] = []

    class Endless(Echo):
        def _stream(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Iterator[Any]:
            try:
                while True:
                    yield input
            finally:
                closed.append(True)

    stream = Endless().stream(1)
    assert next(stream) == 1
    stream.close()  # type: ignore[attr-defined]
    assert closed == [True]


def test_names() -> None:
    echo = Echo()
    assert echo.get_name() == "Echo"
    echo.name = "mine"
    assert echo.get_name() == "mine"


def test_docstring_examples() -> None:
    import doctest

    from chatplex.core import base

    failures, tried = doctest.testmod(base)
    assert failures == 0 and tried > 0


def test_the_methods_that_build_a_runnable_from_this_one() -> None:
    echo = Echo()
    assert echo.with_config(run_name="renamed").get_name() == "renamed"
    assert isinstance(echo | (lambda x: x), RunnableSequence)
    assert isinstance((lambda x: x) | echo, RunnableSequence)
    piped = echo.pipe(lambda x: x, lambda x: x)
    assert isinstance(piped, RunnableSequence) and len(piped.steps) == 3
    retry = echo.with_retry(stop_after_attempt=4, retry_if_exception_type=(KeyError,))
    assert isinstance(retry, RunnableRetry) and retry.bound is echo
    fallbacks = echo.with_fallbacks([Echo()], exceptions_to_handle=(KeyError,))
    assert isinstance(fallbacks, RunnableWithFallbacks) and fallbacks.runnable is echo
