"""chatplex's `BaseCallbackHandler` / `AsyncCallbackHandler` beside LangChain's: a
handler written once, on either family's base and model, hears the same calls: the
`on_llm_start` fallback for one without `on_chat_model_start`, tokens, the end, and
nothing for steps it ignores (sync and async)."""

from __future__ import annotations

import asyncio
import contextlib
from typing import Any

import pytest
from langchain_core import callbacks as lc_callbacks
from langchain_core.language_models.fake_chat_models import FakeListChatModel
from typing_extensions import TypedDict

import chatplex
from chatplex import FakeChatModel
from chatplex.core.handlers import does_something


def _recorder(base: type, asynchronous: bool, ignore_llm: bool = False) -> Any:
    """A handler class on `base` that records what it hears (no on_chat_model_start)."""

    class Recorder(base):  # type: ignore[misc,valid-type]
        def __init__(self) -> None:
            self.heard: list[Any] = []

        @property
        def ignore_llm(self) -> bool:
            return ignore_llm

        def _note(self, *event: Any) -> None:
            self.heard.append(event)

    if asynchronous:

        async def on_llm_start(self: Any, serialized: Any, prompts: Any, **kw: Any) -> None:
            self._note("start", prompts)

        async def on_llm_new_token(self: Any, token: str, **kw: Any) -> None:
            self._note("token", token)

        async def on_llm_end(self: Any, response: Any, **kw: Any) -> None:
            self._note("end", response.generations[0][0].text)

    else:

        def on_llm_start(self: Any, serialized: Any, prompts: Any, **kw: Any) -> None:  # type: ignore[misc]
            self._note("start", prompts)

        def on_llm_new_token(self: Any, token: str, **kw: Any) -> None:  # type: ignore[misc]
            self._note("token", token)

        def on_llm_end(self: Any, response: Any, **kw: Any) -> None:  # type: ignore[misc]
            self._note("end", response.generations[0][0].text)

    Recorder.on_llm_start = on_llm_start  # type: ignore[attr-defined]
    Recorder.on_llm_new_token = on_llm_new_token  # type: ignore[attr-defined]
    Recorder.on_llm_end = on_llm_end  # type: ignore[attr-defined]
    return Recorder


FAMILIES = {
    "langchain": (lc_callbacks, lambda: FakeListChatModel(responses=["hi there"])),
    "chatplex": (chatplex, lambda: FakeChatModel(responses=["hi there"])),
}


def _heard(family: str, asynchronous: bool, stream: bool, ignore_llm: bool = False) -> Any:
    module, model = FAMILIES[family]
    base = module.AsyncCallbackHandler if asynchronous else module.BaseCallbackHandler
    handler = _recorder(base, asynchronous, ignore_llm)()
    config = {"callbacks": [handler]}
    if stream:

        async def consume() -> None:
            async for _ in model().astream("hello", config):
                pass

        asyncio.run(consume()) if asynchronous else list(model().stream("hello", config))
    elif asynchronous:
        asyncio.run(model().ainvoke("hello", config))
    else:
        model().invoke("hello", config)
    return handler.heard


@pytest.mark.parametrize("asynchronous", [False, True])
@pytest.mark.parametrize("stream", [False, True])
def test_a_handler_hears_the_same_calls(asynchronous: bool, stream: bool) -> None:
    heard = _joined(_heard("chatplex", asynchronous, stream))
    assert heard == _joined(_heard("langchain", asynchronous, stream))
    assert heard[0] == ("start", ["Human: hello"])  # on_llm_start, its messages as text
    assert heard[-1] == ("end", "hi there")
    assert (("token", "hi there") in heard) is stream


def _joined(heard: list[Any]) -> list[Any]:
    """The tokens as one text (the two fake models cut a reply into different pieces)."""
    tokens = "".join(event[1] for event in heard if event[0] == "token")
    rest = [event for event in heard if event[0] != "token"]
    return [rest[0], *([("token", tokens)] if tokens else []), *rest[1:]]


@pytest.mark.parametrize("asynchronous", [False, True])
def test_an_ignoring_handler_hears_nothing_of_the_model(asynchronous: bool) -> None:
    ours = _heard("chatplex", asynchronous, True, ignore_llm=True)
    assert ours == _heard("langchain", asynchronous, True, ignore_llm=True) == []


def test_every_method_is_there_and_does_nothing() -> None:
    for base in (chatplex.BaseCallbackHandler, chatplex.AsyncCallbackHandler):
        handler = base()
        assert not handler.raise_error and not handler.ignore_chain
        result = handler.on_text("x", run_id="r")
        if base is chatplex.AsyncCallbackHandler:
            result = asyncio.run(result)
        assert result is None
        with pytest.raises(NotImplementedError, match="on_chat_model_start"):
            outcome = handler.on_chat_model_start({}, [[]], run_id="r")
            if base is chatplex.AsyncCallbackHandler:
                asyncio.run(outcome)


def test_does_something_tells_an_overridden_method_from_the_bases_no_op() -> None:
    class Chains(chatplex.BaseCallbackHandler):
        def on_chain_end(self, outputs: Any, **kw: Any) -> None:
            pass

    class AsyncChains(chatplex.AsyncCallbackHandler):
        async def on_chain_end(self, outputs: Any, **kw: Any) -> None:
            pass

    class Plain:  # any object with on_* methods is a handler too
        def on_llm_end(self, response: Any, **kw: Any) -> None:
            pass

    for handler in (Chains(), AsyncChains()):
        assert does_something(handler, "on_chain_end")
        assert not does_something(handler, "on_llm_end")
        assert not does_something(handler, "on_llm_start")
    assert does_something(Plain(), "on_llm_end") and not does_something(Plain(), "on_text")
    assigned = chatplex.BaseCallbackHandler()
    assigned.on_llm_end = lambda response, **kw: None  # type: ignore[method-assign]
    assert does_something(assigned, "on_llm_end")


class _ChainsOnly(chatplex.BaseCallbackHandler):
    def __init__(self) -> None:
        self.ended: list[Any] = []

    def on_chain_end(self, outputs: Any, **kw: Any) -> None:
        self.ended.append(outputs)


@pytest.mark.parametrize("asynchronous", [False, True])
def test_a_model_call_builds_no_result_nor_prompt_text_for_handlers_that_ignore_them(
    asynchronous: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A handler overriding only on_chain_end: the model's LLMResult and the messages as
    # text (the on_llm_start fallback) are made for no one, and its method still runs.
    from chatplex.chat import callbacks

    def unwanted(*args: Any) -> Any:
        raise AssertionError("built for a handler that does nothing with it")

    monkeypatch.setattr(callbacks, "_result", unwanted)
    monkeypatch.setattr(callbacks, "_as_prompts", unwanted)
    handler = _ChainsOnly()
    chain = chatplex.RunnableLambda(lambda x: x) | FakeChatModel(responses=["hi there"])
    config: Any = {"callbacks": [handler]}
    reply = (
        asyncio.run(chain.ainvoke("hello", config))
        if asynchronous
        else chain.invoke("hello", config)
    )
    assert reply.text == "hi there"
    assert [getattr(out, "text", out) for out in handler.ended] == ["hello", "hi there"]


def test_a_stream_tells_its_tokens_only_to_handlers_that_read_them(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from chatplex.chat import callbacks

    def unwanted(*args: Any) -> Any:
        raise AssertionError("a token event made for a handler that does nothing with it")

    class EndOnly(chatplex.BaseCallbackHandler):
        def __init__(self) -> None:
            self.ended: list[str] = []

        def on_llm_end(self, response: Any, **kw: Any) -> None:
            self.ended.append(response.generations[0][0].text)

    monkeypatch.setattr(callbacks, "_token_event", unwanted)
    handler = EndOnly()
    model = FakeChatModel(responses=["hi there"])
    assert "".join(c.text for c in model.stream("hello", {"callbacks": [handler]})) == "hi there"
    assert handler.ended == ["hi there"]


def test_the_seed_tutorials_progress_callback_runs_on_chatplex_alone() -> None:
    """`../shared/seeds/001`'s progress callback, its import from chatplex."""

    class ProgressCallback(chatplex.AsyncCallbackHandler):
        def __init__(self) -> None:
            self.tokens = 0

        async def on_llm_new_token(self, token: str, **kwargs: Any) -> None:
            self.tokens += 1

    progress = ProgressCallback()
    chain = chatplex.ChatPromptTemplate.from_template("Tell me about {topic}") | FakeChatModel(
        responses=["one two three four"]
    )

    async def run() -> None:
        async for _ in chain.astream({"topic": "AI"}, config={"callbacks": [progress]}):
            pass

    asyncio.run(run())
    assert progress.tokens == 4


def test_langchains_async_handler_without_chat_model_start_gets_llm_start() -> None:
    """LangChain's AsyncCallbackHandler raises from its own on_chat_model_start, as its
    sync base does: chatplex's model falls back to on_llm_start for both."""

    class OnlyStart(lc_callbacks.AsyncCallbackHandler):
        def __init__(self) -> None:
            self.heard: list[Any] = []

        async def on_llm_start(self, serialized: Any, prompts: Any, **kwargs: Any) -> None:
            self.heard.append(prompts)

    ours, theirs = OnlyStart(), OnlyStart()
    asyncio.run(FakeChatModel(responses=["x"]).ainvoke("hello", {"callbacks": [ours]}))
    asyncio.run(FakeListChatModel(responses=["x"]).ainvoke("hello", {"callbacks": [theirs]}))
    assert ours.heard == theirs.heard == [["Human: hello"]]


@pytest.mark.parametrize(
    ("handler", "family"),
    [("langchain", "langchain"), ("chatplex", "chatplex"), ("langchain", "chatplex")],
)
def test_a_handler_ignoring_chains_hears_only_the_model(handler: str, family: str) -> None:
    """`ignore_chain = True` keeps a handler from a chain's steps (prompt, model's
    chain, parser), not from its model's; `ignore_custom_event` from custom events."""
    module = lc_callbacks if handler == "langchain" else chatplex
    heard: list[str] = []

    class Quiet(module.BaseCallbackHandler):  # type: ignore[misc,name-defined]
        ignore_chain = True
        ignore_custom_event = True

        def on_chain_start(self, *args: Any, **kwargs: Any) -> None:
            heard.append("chain_start")

        def on_chain_end(self, *args: Any, **kwargs: Any) -> None:
            heard.append("chain_end")

        def on_llm_start(self, *args: Any, **kwargs: Any) -> None:
            heard.append("llm_start")

        def on_custom_event(self, *args: Any, **kwargs: Any) -> None:
            heard.append("custom")

    from langchain_core import prompts as lc_prompts
    from langchain_core.callbacks import dispatch_custom_event as lc_dispatch
    from langchain_core.output_parsers import StrOutputParser as LCStr
    from langchain_core.runnables import RunnableLambda as LCLambda

    def tell(text: str) -> str:
        (lc_dispatch if family == "langchain" else chatplex.dispatch_custom_event)("x", {})
        return text

    if family == "langchain":
        chain = (
            lc_prompts.ChatPromptTemplate.from_template("{q}")
            | FakeListChatModel(responses=["a"])
            | LCStr()
            | LCLambda(tell)
        )
    else:
        chain = (
            chatplex.ChatPromptTemplate.from_template("{q}")
            | FakeChatModel(responses=["a"])
            | chatplex.StrOutputParser()
            | chatplex.RunnableLambda(tell)
        )
    assert chain.invoke({"q": "hi"}, {"callbacks": [Quiet()]}) == "a"
    assert heard == ["llm_start"]


def _tool_events(made: Any, given: Any) -> list[Any]:
    heard: list[Any] = []

    class ToolEars(lc_callbacks.BaseCallbackHandler):
        def on_tool_start(self, serialized: Any, input_str: str, **kwargs: Any) -> None:
            heard.append(("start", serialized, input_str, kwargs.get("inputs")))

        def on_tool_end(self, output: Any, **kwargs: Any) -> None:
            answer = (output.content, output.tool_call_id) if hasattr(output, "content") else output
            heard.append(("end", answer))

        def on_tool_error(self, error: BaseException, **kwargs: Any) -> None:
            heard.append(("error", type(error).__name__))

        def on_chain_start(self, *args: Any, **kwargs: Any) -> None:
            heard.append(("chain_start",))

    with contextlib.suppress(ValueError):  # the failing call: its events are compared
        made.invoke(given, {"callbacks": [ToolEars()]})
    return heard


def _divide(a: int, b: int) -> float:
    """Divide a by b."""
    if b == 0:
        raise ValueError("b is 0")
    return a / b


@pytest.mark.parametrize(
    "given",
    [
        {"a": 6, "b": 3},
        {"name": "_divide", "args": {"a": 6, "b": 2}, "id": "c1", "type": "tool_call"},
        {"a": 1, "b": 0},
    ],
)
def test_a_tool_run_is_told_as_a_tool(given: Any) -> None:
    """A handler hears a tool's run as on_tool_start / on_tool_end / on_tool_error, as
    LangChain's tools tell it, not as a chain's."""
    from langchain_core.tools import tool as lc_tool

    heard = _tool_events(chatplex.tool(_divide), given)
    assert heard == _tool_events(lc_tool(_divide), given)
    assert heard[0][0] == "start"


class _Pair(TypedDict):
    a: int
    b: int


def _add(pair: _Pair) -> int:
    return pair["a"] + pair["b"]


_add.__annotations__ = {"pair": _Pair, "return": int}  # types, not this module's strings


@pytest.mark.filterwarnings("ignore:This API is in beta")  # LangChain's as_tool says so
def test_a_chain_as_a_tool_is_told_as_a_tool_around_its_chain() -> None:
    from langchain_core.runnables import RunnableLambda as LCLambda

    call = {"name": "adder", "args": {"a": 1, "b": 2}, "id": "c", "type": "tool_call"}
    theirs = LCLambda(_add).as_tool(name="adder", description="Adds.")
    ours = chatplex.RunnableLambda(_add).as_tool(name="adder", description="Adds.")
    for given in ({"a": 1, "b": 2}, call):
        heard = _tool_events(ours, given)
        assert heard == _tool_events(theirs, given)
        assert [event[0] for event in heard] == ["start", "chain_start", "end"]
