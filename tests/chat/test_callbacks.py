"""Callbacks reach every model call in a chain; deadlines cover the whole call."""

from __future__ import annotations

import asyncio
import time
import uuid
from typing import Any

import pytest

from chatplex import (
    ChatPromptTemplate,
    FakeChatModel,
    RunnableLambda,
    StrOutputParser,
)
from chatplex.chat.callbacks import LLMResult
from chatplex.errors import DeadlineExceededError
from chatplex.runnables import Runnable


class Recorder:
    """A LangChain-style handler: positional first argument, keywords via **kwargs."""

    def __init__(self) -> None:
        self.events: list[tuple[str, Any]] = []

    def on_chat_model_start(
        self, serialized: dict[str, Any], messages: list[list[Any]], **kw: Any
    ) -> None:
        assert isinstance(kw["run_id"], uuid.UUID)
        self.events.append(("start", [m.text for m in messages[0]]))

    def on_llm_new_token(self, token: str, **kw: Any) -> None:
        self.events.append(("token", token))

    def on_llm_end(self, response: LLMResult, **kw: Any) -> None:
        self.events.append(("end", response.generations[0][0].message.text))

    def on_llm_error(self, error: BaseException, **kw: Any) -> None:
        self.events.append(("error", type(error).__name__))


class AsyncRecorder(Recorder):
    async def on_llm_end(self, response: LLMResult, **kw: Any) -> None:  # type: ignore[override]
        self.events.append(("aend", response.generations[0][0].message.text))


class ProgressCounter:
    """The seed tutorials' progress bar: only `on_llm_end`, with a narrow signature."""

    def __init__(self) -> None:
        self.done = 0

    def on_llm_end(self, response: Any, *, run_id: uuid.UUID) -> None:
        self.done += 1


async def call(r: Runnable[Any, Any], sync: bool, value: Any, config: Any = None) -> Any:
    return r.invoke(value, config) if sync else await r.ainvoke(value, config)


@pytest.mark.parametrize("sync", [True, False])
async def test_start_end_for_invoke(sync: bool) -> None:
    rec = Recorder()
    await call(FakeChatModel(responses=["hi there"]), sync, "hello", {"callbacks": [rec]})
    assert rec.events == [("start", ["hello"]), ("end", "hi there")]


@pytest.mark.parametrize("sync", [True, False])
async def test_tokens_for_stream(sync: bool) -> None:
    rec = Recorder()
    model = FakeChatModel(responses=["a b"])
    if sync:
        list(model.stream("x", {"callbacks": [rec]}))
    else:
        [c async for c in model.astream("x", {"callbacks": [rec]})]
    assert rec.events == [("start", ["x"]), ("token", "a "), ("token", "b"), ("end", "a b")]


@pytest.mark.parametrize("sync", [True, False])
async def test_error_reaches_on_llm_error(sync: bool) -> None:
    rec = Recorder()
    model = FakeChatModel(errors={"boom": RuntimeError("nope")})
    with pytest.raises(RuntimeError, match="nope"):
        await call(model, sync, "boom", {"callbacks": [rec]})
    assert rec.events == [("start", ["boom"]), ("error", "RuntimeError")]


@pytest.mark.parametrize("sync", [True, False])
async def test_async_handler_methods_are_awaited(sync: bool) -> None:
    rec = AsyncRecorder()
    await call(FakeChatModel(responses=["ok"]), sync, "x", {"callbacks": [rec]})
    assert rec.events[-1] == ("aend", "ok")


@pytest.mark.parametrize("sync", [True, False])
async def test_progress_counter_over_a_batched_chain(sync: bool) -> None:
    counter = ProgressCounter()
    chain = (
        ChatPromptTemplate.from_template("{x}") | FakeChatModel(responses=["r"]) | StrOutputParser()
    )
    inputs = [{"x": str(i)} for i in range(7)]
    config = {"callbacks": [counter], "max_concurrency": 3}
    out = chain.batch(inputs, config) if sync else await chain.abatch(inputs, config)  # type: ignore[arg-type]
    assert out == ["r"] * 7
    assert counter.done == 7


@pytest.mark.parametrize("sync", [True, False])
async def test_model_inside_a_lambda_inherits_callbacks_without_config(sync: bool) -> None:
    rec = Recorder()
    model = FakeChatModel(responses=["inner"])

    def uses_model(x: str) -> str:
        return model.invoke(x).text  # no config passed on purpose

    async def auses_model(x: str) -> str:
        return (await model.ainvoke(x)).text

    lam = RunnableLambda(uses_model, auses_model)
    assert await call(lam, sync, "q", {"callbacks": [rec]}) == "inner"
    assert rec.events == [("start", ["q"]), ("end", "inner")]


def test_failing_handler_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    class Broken:
        def on_llm_end(self, response: Any, **kw: Any) -> None:
            raise ValueError("handler bug")

    out = FakeChatModel(responses=["fine"]).invoke("x", {"callbacks": [Broken()]})
    assert out.text == "fine"
    assert "handler bug" in caplog.text


def test_handler_with_raise_error_propagates() -> None:
    class Strict:
        raise_error = True

        def on_llm_end(self, response: Any, **kw: Any) -> None:
            raise ValueError("strict handler")

    with pytest.raises(ValueError, match="strict handler"):
        FakeChatModel(responses=["x"]).invoke("x", {"callbacks": [Strict()]})


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


@pytest.mark.parametrize("bad", [0, -2, "5"])
def test_bad_timeout_is_rejected(bad: Any) -> None:
    with pytest.raises(ValueError, match="timeout"):
        FakeChatModel().invoke("x", {"timeout": bad})


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


def test_sync_handlers_of_a_sync_batch_stay_off_the_portal_loop() -> None:
    # Sync `batch` of a chat model runs on the shared portal loop; a sync handler run
    # there would block every request in flight (the batch would run one at a time).
    from chatplex.core.portal import on_portal

    class Where:
        def __init__(self) -> None:
            self.on_loop: list[bool] = []

        def on_chat_model_start(self, serialized: Any, messages: Any, **kw: Any) -> None:
            self.on_loop.append(on_portal())

        def on_llm_end(self, response: Any, **kw: Any) -> None:
            self.on_loop.append(on_portal())

    where = Where()
    out = FakeChatModel(responses=["ok"]).batch(["a"] * 4, {"callbacks": [where]})
    assert [m.text for m in out] == ["ok"] * 4
    assert where.on_loop == [False] * 8
