"""`Runnable`'s public methods (`core/base.py`): one implementation over the hooks, the
deadline they apply, sync batch of async-native runnables on the portal loop, and
`RunnableBinding` (`with_config` / `bind`)."""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import AsyncIterator
from collections.abc import Iterator
from typing import Any

import pytest

from chatplex import AIMessage
from chatplex import AIMessageChunk
from chatplex import FakeChatModel
from chatplex import RunnableLambda
from chatplex import StrOutputParser
from chatplex.core import RunnableRetry
from chatplex.core import RunnableSequence
from chatplex.core import RunnableWithFallbacks
from chatplex.core.base import RunnableBinding
from chatplex.core.portal import on_portal
from chatplex.core.run_config import RunnableConfig
from chatplex.errors import DeadlineExceededError
from chatplex.messages import merge_chunks
from chatplex.runnables import Runnable


async def call(r: Runnable[Any, Any], sync: bool, value: Any, config: Any = None) -> Any:
    return r.invoke(value, config) if sync else await r.ainvoke(value, config)


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


# ---- bindings ---------------------------------------------------------------------------


@pytest.mark.parametrize("sync", [True, False])
async def test_with_config_and_bind(sync: bool) -> None:
    def tags(x: int, config: RunnableConfig) -> list[str]:
        return config.get("tags", [])

    bound = RunnableLambda(tags).with_config(tags=["fixed"])
    assert await call(bound, sync, 1, {"tags": ["call"]}) == ["fixed", "call"]

    model = FakeChatModel(responses=["ok"]).bind(temperature=0.5)
    assert model.temperature == 0.5  # type: ignore[attr-defined]
    assert (await call(model, sync, "hi")).text == "ok"


# ---- the public methods over the hooks ----------------------------------------------------


class Echo(Runnable[Any, Any]):
    """Implements the two required hooks only, recording where they ran."""

    def __init__(self) -> None:
        self.threads: list[int] = []
        self.on_portal: list[bool] = []
        self.configs: list[RunnableConfig] = []

    def _invoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        self.threads.append(threading.get_ident())
        self.on_portal.append(on_portal())
        self.configs.append(config)
        return (input, kwargs) if kwargs else input

    async def _ainvoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        return self._invoke(input, config, **kwargs)


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


class Cut(Runnable[Any, Any]):
    """Streams `input` (a list), then raises its deadline."""

    def _invoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        raise AssertionError("not used")

    def _stream(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Iterator[Any]:
        yield from input
        raise DeadlineExceededError("late", partial=kwargs.get("partial"))

    async def _astream(
        self, input: Any, config: RunnableConfig, **kwargs: Any
    ) -> AsyncIterator[Any]:
        for item in input:
            yield item
        raise DeadlineExceededError("late", partial=kwargs.get("partial"))


def test_a_deadline_in_a_message_stream_carries_what_was_yielded() -> None:
    chunks = [AIMessageChunk("a"), AIMessageChunk("b")]
    with pytest.raises(DeadlineExceededError) as info:
        list(Cut().stream(chunks))
    assert info.value.partial == merge_chunks(chunks)
    with pytest.raises(DeadlineExceededError) as info:
        list(Cut().stream(["not", "messages"]))
    assert info.value.partial is None
    lower = AIMessageChunk("from the http layer")
    with pytest.raises(DeadlineExceededError) as info:
        list(Cut().stream(chunks, partial=lower))
    assert info.value.partial is lower  # a lower layer's partial is kept


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
def test_a_long_message_stream_is_held_merged_and_its_partial_is_all_of_it(sync: bool) -> None:
    """What a stream keeps for its deadline's partial follows the reply's size, not its
    chunk count: message chunks are merged every so often (tracemalloc: of a stream of
    5,000 one-character chunks, at most 512 are held apart, not all 5,000)."""
    import tracemalloc

    def chunks() -> Iterator[AIMessageChunk]:  # made as the stream runs, as a model's are
        return (AIMessageChunk(str(i % 10)) for i in range(5000))

    text = "".join(c.text for c in chunks())

    async def consume() -> None:
        async for _ in Cut().astream(chunks()):
            pass

    tracemalloc.start()
    try:
        with pytest.raises(DeadlineExceededError) as info:
            if sync:
                for _ in Cut().stream(chunks()):
                    pass
            else:
                asyncio.run(consume())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    partial = info.value.partial
    assert isinstance(partial, AIMessageChunk) and partial.text == text
    assert peak < 600 * 1024  # at most 512 chunks unmerged; all 5,000 held were 2.4 MB


def test_a_long_stream_of_other_items_is_kept_as_it_is() -> None:
    items = [str(i) for i in range(3000)]
    with pytest.raises(DeadlineExceededError) as info:
        list(Cut().stream(items))
    assert info.value.partial is None


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


def test_names_and_composition_methods() -> None:
    echo = Echo()
    assert echo.get_name() == "Echo"
    echo.name = "mine"
    assert echo.get_name() == "mine"
    assert echo.with_config(run_name="renamed").get_name() == "renamed"
    assert isinstance(echo | (lambda x: x), RunnableSequence)
    assert isinstance((lambda x: x) | echo, RunnableSequence)
    assert len(echo.pipe(lambda x: x, lambda x: x).steps) == 3
    retry = echo.with_retry(stop_after_attempt=4, retry_if_exception_type=(KeyError,))
    assert isinstance(retry, RunnableRetry) and retry.bound is echo
    fallbacks = echo.with_fallbacks([Echo()], exceptions_to_handle=(KeyError,))
    assert isinstance(fallbacks, RunnableWithFallbacks) and fallbacks.runnable is echo


def test_a_binding_merges_its_config_and_kwargs_under_the_callers() -> None:
    echo = Echo()
    bound = RunnableBinding(echo, config={"tags": ["bound"], "metadata": {"a": 1}}, kwargs={"k": 1})
    assert bound.invoke("x", {"tags": ["call"]}, k=2, j=3) == ("x", {"k": 2, "j": 3})
    assert echo.configs[-1]["tags"] == ["bound", "call"]
    assert bound.batch(["y", "z"], {"metadata": {"b": 2}}) == [("y", {"k": 1}), ("z", {"k": 1})]
    assert echo.configs[-1]["metadata"] == {"a": 1, "b": 2}


def test_a_binding_forwards_attributes_and_rebinds_tools() -> None:
    model = FakeChatModel(responses=["ok"], temperature=0.3)
    bound = model.with_config(tags=["t"])
    assert bound.temperature == 0.3  # type: ignore[attr-defined]

    def lookup(city: str) -> str:
        """Look a city up."""
        return city

    with_tools = bound.bind_tools([lookup])  # type: ignore[attr-defined]
    assert isinstance(with_tools, RunnableBinding) and with_tools.config == {"tags": ["t"]}
    assert [t.name for t in with_tools.bound.tools] == ["lookup"]


def test_docstring_examples() -> None:
    import doctest

    from chatplex.core import base

    failures, tried = doctest.testmod(base)
    assert failures == 0 and tried > 0


# ---- a batch that raises keeps the outputs that had finished ------------------------------


class _FailsOnFive:
    """Fails for input 5; records every input it ran."""

    def __init__(self) -> None:
        self.ran: list[int] = []

    def __call__(self, x: int) -> int:
        self.ran.append(x)
        if x == 5:
            raise ValueError("input 5 failed for good")
        return x * 10

    async def acall(self, x: int) -> int:
        return self(x)


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_a_raising_batch_carries_the_outputs_that_had_finished(sync: bool) -> None:
    fails = _FailsOnFive()
    runnable = RunnableLambda(fails, afunc=fails.acall)
    config: RunnableConfig = {"max_concurrency": 1}
    with pytest.raises(ValueError, match="input 5 failed") as caught:  # LangChain's raise
        if sync:
            runnable.batch(list(range(10)), config)
        else:
            await runnable.abatch(list(range(10)), config)
    finished = caught.value.batch_finished  # type: ignore[attr-defined]
    # Every input that ran and succeeded, none lost: async stops at the failure; the
    # thread pool may have started queued inputs before it saw it, and keeps those too.
    assert finished == {x: x * 10 for x in sorted(fails.ran) if x != 5}
    assert set(range(5)) <= set(finished) and 5 not in finished
    if not sync:
        assert sorted(fails.ran) == list(range(6))
    assert list(finished) == sorted(finished)  # in input order
    if hasattr(caught.value, "add_note"):  # Python 3.11+: the traceback says where they are
        count = len(finished)
        notes = getattr(caught.value, "__notes__", [])
        assert any(f"{count} of 10 inputs had finished" in n for n in notes)


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_a_raising_batch_of_a_chat_model_carries_its_finished_replies(sync: bool) -> None:
    # An async-native runnable: the sync batch runs the async one on the portal loop.
    model = FakeChatModel(responses=["a", "b", "c"], errors={"3": RuntimeError("no more")})
    config: RunnableConfig = {"max_concurrency": 1}
    with pytest.raises(RuntimeError, match="no more") as caught:
        if sync:
            model.batch(["1", "2", "3", "4"], config)
        else:
            await model.abatch(["1", "2", "3", "4"], config)
    finished = caught.value.batch_finished  # type: ignore[attr-defined]
    assert {i: m.text for i, m in finished.items()} == {0: "a", 1: "b"}
    assert all(isinstance(m, AIMessage) for m in finished.values())


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_return_exceptions_still_returns_every_slot(sync: bool) -> None:
    fails = _FailsOnFive()
    runnable = RunnableLambda(fails, afunc=fails.acall)
    inputs = list(range(7))
    outs = (
        runnable.batch(inputs, return_exceptions=True)
        if sync
        else await runnable.abatch(inputs, return_exceptions=True)
    )
    assert outs[:5] == [0, 10, 20, 30, 40] and outs[6] == 60
    assert isinstance(outs[5], ValueError) and not hasattr(outs[5], "batch_finished")


class _Frozen(Exception):
    """An exception type that takes no new attribute."""

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is frozen")


def _raise_frozen(x: int) -> int:
    if x == 1:
        raise _Frozen("input 1")
    return x


async def _araise_frozen(x: int) -> int:
    return _raise_frozen(x)


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_an_error_that_takes_no_attribute_is_raised_as_it_is(sync: bool) -> None:
    runnable = RunnableLambda(_raise_frozen, afunc=_araise_frozen)
    config: RunnableConfig = {"max_concurrency": 1}
    with pytest.raises(_Frozen, match="input 1") as caught:
        if sync:
            runnable.batch([0, 1, 2], config)
        else:
            await runnable.abatch([0, 1, 2], config)
    assert not hasattr(caught.value, "batch_finished")
