"""Chat-model callbacks (`chat/callbacks.py`): LangChain-style handlers hear every model
call in a chain, its start, tokens, end or error."""

from __future__ import annotations

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
