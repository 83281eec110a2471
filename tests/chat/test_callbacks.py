"""Chat-model callbacks (`chat/callbacks.py`): LangChain-style handlers hear every model
call in a chain, its start, tokens, end or error."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from chatplex import ChatPromptTemplate
from chatplex import FakeChatModel
from chatplex import RunnableLambda
from chatplex import StrOutputParser
from chatplex.chat.callbacks import ChatModelRun
from chatplex.chat.callbacks import start_chat_model_run
from chatplex.chat.llm_results import ChatGeneration
from chatplex.chat.llm_results import LLMResult
from chatplex.core.runs import RunListener
from chatplex.core.runs import RunNode
from chatplex.messages import AIMessage
from chatplex.messages import AIMessageChunk
from chatplex.messages import HumanMessage
from chatplex.version import __version__ as chatplex_version
from tests.core._twins import call


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


# ---- the run itself ---------------------------------------------------------------------


class Listener(RunListener):
    def __init__(self) -> None:
        self.seen: list[tuple[str, Any]] = []

    def on_start(self, run: RunNode, data: dict[str, Any]) -> None:
        self.seen.append(("start", data))

    def on_stream(self, run: RunNode, chunk: Any) -> None:
        self.seen.append(("stream", chunk.text))

    def on_end(self, run: RunNode, data: dict[str, Any]) -> None:
        self.seen.append(("end", data))


def test_no_run_without_anyone_listening() -> None:
    assert start_chat_model_run({}, "m") is None
    assert start_chat_model_run({"callbacks": []}, "m") is None

    class EmptyManager:
        handlers: list[Any] = []

    assert start_chat_model_run({"callbacks": [EmptyManager()]}, "m") is None
    run = start_chat_model_run({"callbacks": [Recorder(), Listener()]}, "m")
    assert isinstance(run, ChatModelRun)
    assert (run.name, run.run_type, len(run.handlers), len(run.listeners)) == (
        "m",
        "chat_model",
        1,
        1,
    )


def test_collect_reports_each_token_and_returns_the_reply() -> None:
    listener, tokens = Listener(), []

    class Tokens:
        def on_llm_new_token(self, token: str, *, chunk: Any, **kw: Any) -> None:
            tokens.append((token, chunk.text, chunk.message.text))

    run = start_chat_model_run({"callbacks": [Tokens(), listener]}, "m")
    assert run is not None
    closed: list[bool] = []

    def chunks() -> Iterator[AIMessageChunk]:
        try:
            yield AIMessageChunk("a ", id="x")
            yield AIMessageChunk(
                "b", usage_metadata={"input_tokens": 1, "output_tokens": 2, "total_tokens": 3}
            )
        finally:
            closed.append(True)

    message = run.collect(chunks())
    assert type(message) is AIMessage and message.text == "a b" and message.id == "x"
    assert message.usage_metadata == {"input_tokens": 1, "output_tokens": 2, "total_tokens": 3}
    assert tokens == [("a ", "a ", "a "), ("b", "b", "b")]
    assert listener.seen == [("stream", "a "), ("stream", "b")]
    assert closed == [True]


def test_start_and_end_tell_listeners_the_messages_and_handlers_an_llm_result() -> None:
    listener, results = Listener(), []

    class Ends:
        def on_llm_end(self, response: LLMResult, **kw: Any) -> None:
            results.append(response)

    run = start_chat_model_run({"callbacks": [Ends(), listener]}, "m")
    assert run is not None
    messages = [HumanMessage("hi")]
    run.start(messages, {"name": "m"}, {"model": "x"})
    reply = AIMessage(
        "yo",
        response_metadata={"model_name": "x-1"},
        usage_metadata={"input_tokens": 1, "output_tokens": 1, "total_tokens": 2},
    )
    run.end(reply)
    assert listener.seen == [
        ("start", {"input": {"messages": [messages]}}),
        ("end", {"output": reply, "input": {"messages": [messages]}}),
    ]
    [result] = results
    generation = result.generations[0][0]
    assert isinstance(generation, ChatGeneration)
    assert generation.message is reply and generation.text == "yo"
    assert result.llm_output == {"token_usage": reply.usage_metadata, "model_name": "x-1"}


def test_chat_model_start_gets_the_invocation_params() -> None:
    got: list[dict[str, Any]] = []

    class Start:
        def on_chat_model_start(self, serialized: Any, messages: Any, **kw: Any) -> None:
            got.append({"serialized": serialized, **kw})

    FakeChatModel(responses=["ok"], temperature=0.2).invoke("x", {"callbacks": [Start()]})
    [start] = got
    assert start["serialized"] == {
        "name": "FakeChatModel",
        "kwargs": {"model": "fake-chat", "provider": "fake"},
    }
    assert start["invocation_params"]["temperature"] == 0.2
    assert start["invocation_params"]["provider"] == "fake"
    # As LangChain's chat models: `name` is the config's run_name (None without one),
    # one prompt, and the call's stop in `options`.
    assert (start["name"], start["batch_size"], start["options"]) == (None, 1, {"stop": None})
    FakeChatModel(responses=["ok"]).invoke("x", {"callbacks": [Start()], "run_name": "n"})
    assert got[1]["name"] == "n"


# ---- LangSmith's ls_* metadata, as LangChain's chat models add it ----------------------


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_chat_model_events_carry_ls_metadata(sync: bool) -> None:
    model = FakeChatModel(responses=["hi"], temperature=0.2, max_tokens=5)
    config: Any = {"metadata": {"user": "u1"}}
    if sync:
        events = list(model.stream_events("x", config, stop=["\n"]))
    else:
        events = [e async for e in model.astream_events("x", config, stop=["\n"])]
    expected = {
        "user": "u1",
        "ls_provider": "fake",
        "ls_model_name": model.model,
        "ls_model_type": "chat",
        "ls_temperature": 0.2,
        "ls_max_tokens": 5,
        "ls_stop": ["\n"],
        "ls_integration": "langchain_chat_model",
        "lc_versions": {"chatplex": chatplex_version},
    }
    kinds = {e["event"] for e in events}
    assert {"on_chat_model_start", "on_chat_model_stream", "on_chat_model_end"} <= kinds
    assert all(e["metadata"] == expected for e in events)


def test_ls_metadata_reaches_handlers_and_leaves_the_config_alone() -> None:
    seen: list[dict[str, Any]] = []

    class Handler:
        def on_chat_model_start(self, serialized: Any, messages: Any, **kw: Any) -> None:
            seen.append(kw["metadata"])

    metadata = {"user": "u1"}
    chain = RunnableLambda(lambda x: x) | FakeChatModel(responses=["hi"])
    chain.invoke("x", {"callbacks": [Handler()], "metadata": metadata})
    assert seen[0]["ls_model_type"] == "chat" and seen[0]["ls_provider"] == "fake"
    assert "ls_temperature" in seen[0] and "ls_stop" not in seen[0]
    assert metadata == {"user": "u1"}  # the caller's dict is not written to


def test_ls_provider_names_the_provider_as_langchains_classes_do() -> None:
    from chatplex.chat.callbacks import ls_params

    assert ls_params({"provider": "groq"})["ls_provider"] == "groq"
    assert ls_params({"provider": "azure_openai"})["ls_provider"] == "azure"
    assert ls_params({"provider": "openai_responses"})["ls_provider"] == "openai"
    assert ls_params({"provider": "bedrock_converse"})["ls_provider"] == "amazon_bedrock"
    assert ls_params({})["ls_provider"] is None


class EveryToken:
    def __init__(self) -> None:
        self.tokens: list[str] = []

    def on_llm_new_token(self, token: str, **kw: Any) -> None:
        self.tokens.append(token)


class FirstTokenOnly(EveryToken):
    first_token_only = True


class NoTokens:
    def on_llm_end(self, response: Any, **kw: Any) -> None:
        pass


@pytest.mark.parametrize("sync", [True, False])
@pytest.mark.parametrize("with_langchain_handler", [False, True])
async def test_a_first_token_only_handler_hears_one_token_the_others_all(
    sync: bool, with_langchain_handler: bool
) -> None:
    """A tracer recording time to first token is told once per stream; handlers beside
    it (LangChain's own among them) still hear every token."""
    every, first = EveryToken(), FirstTokenOnly()
    handlers: list[Any] = [NoTokens(), first, every]
    lc_tokens: list[str] = []
    if with_langchain_handler:
        from langchain_core.callbacks import BaseCallbackHandler

        class LangChains(BaseCallbackHandler):
            def on_llm_new_token(self, token: str, **kw: Any) -> None:
                lc_tokens.append(token)

        handlers.append(LangChains())
    run = start_chat_model_run({"callbacks": handlers}, "m")
    assert run is not None and run.mixed is with_langchain_handler
    for text in ("a", "b", "c"):
        if sync:
            run.token(AIMessageChunk(text))
        else:
            await run.atoken(AIMessageChunk(text))
    assert first.tokens == ["a"] and every.tokens == ["a", "b", "c"]
    assert lc_tokens == (["a", "b", "c"] if with_langchain_handler else [])
    assert run.handlers == handlers and len(run.kinds) == len(handlers)  # restored


def test_a_stream_with_no_token_handler_fires_nothing_per_chunk() -> None:
    calls: list[str] = []

    class Counting(NoTokens):
        def __getattr__(self, name: str) -> Any:
            if name.startswith("on_"):
                calls.append(name)
            raise AttributeError(name)

    run = start_chat_model_run({"callbacks": [Counting(), FirstTokenOnly()]}, "m")
    assert run is not None
    for text in ("a", "b", "c"):
        run.token(AIMessageChunk(text))
    assert calls == ["on_llm_new_token"]  # asked once, when the stream began


@pytest.mark.parametrize("sync", [True, False])
async def test_inline_handlers_are_called_in_place_on_both_paths(sync: bool) -> None:
    """Process-wide tracers (`run_inline`) record on the calling thread, sync and async
    (no coroutine per step, no hop to a worker thread)."""
    import threading

    seen: list[tuple[str, threading.Thread]] = []

    class Tracer:
        run_inline = True

        def on_chat_model_start(self, serialized: Any, messages: Any, **kw: Any) -> None:
            seen.append(("start", threading.current_thread()))

        def on_llm_end(self, response: Any, **kw: Any) -> None:
            seen.append(("end", threading.current_thread()))

    model = FakeChatModel(responses=["hi"])
    config: Any = {"callbacks": [Tracer()]}
    reply = model.invoke("x", config) if sync else await model.ainvoke("x", config)
    assert reply.text == "hi"
    here = threading.current_thread()
    assert seen == [("start", here), ("end", here)]


def test_ls_provider_is_read_from_the_provider_spec() -> None:
    from chatplex.chat.callbacks import ls_provider

    # As the LangChain classes report it: AzureChatOpenAI "azure", ChatMistralAI
    # "mistral", ChatBedrockConverse "amazon_bedrock"; undeclared names pass through.
    assert ls_provider("azure_openai") == "azure"
    assert ls_provider("openai_responses") == "openai"
    assert ls_provider("mistralai") == "mistral"
    assert ls_provider("bedrock_converse") == ls_provider("bedrock") == "amazon_bedrock"
    assert ls_provider("groq") == "groq"
    assert ls_provider("my-own-entry-point") == "my-own-entry-point"


@pytest.mark.parametrize(
    ("package", "name", "model"),
    [
        ("langchain_openai", "ChatOpenAI", "gpt-4o-mini"),
        ("langchain_anthropic", "ChatAnthropic", "claude-3-5-haiku-latest"),
    ],
)
def test_chat_model_start_metadata_is_langchains(package: str, name: str, model: str) -> None:
    """The metadata a handler's `on_chat_model_start` gets, beside LangChain's own class
    (called against a closed port: the start comes before any request), `lc_versions`
    included: with the partner package installed, the drop-in names what it names."""
    from langchain_core.callbacks import BaseCallbackHandler

    partner = pytest.importorskip(package)
    import chatplex.langchain

    class Starts(BaseCallbackHandler):
        def __init__(self) -> None:
            self.seen: list[dict[str, Any]] = []

        def on_chat_model_start(self, serialized: Any, messages: Any, **kw: Any) -> None:
            self.seen.append(dict(kw["metadata"]))

    def started(cls: Any) -> dict[str, Any]:
        handler = Starts()
        chat = cls(model=model, base_url="http://127.0.0.1:9", api_key="k", max_retries=0)
        config: Any = {"callbacks": [handler], "metadata": {"m": 1}}
        with pytest.raises(Exception):  # noqa: B017 - nothing listens there
            chat.invoke("hi", config, stop=["x"])
        (metadata,) = handler.seen
        return metadata

    theirs = started(getattr(partner, name))
    assert started(getattr(chatplex.langchain, name)) == theirs
    assert theirs["ls_integration"] == "langchain_chat_model"


def test_usage_metadata_handler_counts_a_langchain_model_s_usage() -> None:
    # The drop-ins are LangChain models: LangChain's callback manager calls this handler
    # and reads its flags (it raised AttributeError on `raise_error` before).
    from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
    from langchain_core.messages import AIMessage as LCAIMessage

    from chatplex.chat.callbacks import UsageMetadataCallbackHandler as Handler

    usage = {"input_tokens": 2, "output_tokens": 3, "total_tokens": 5}
    reply = LCAIMessage(content="a b", response_metadata={"model_name": "m"}, usage_metadata=usage)
    model = GenericFakeChatModel(messages=iter([reply, reply]))
    handler = Handler()
    model.invoke("hi", config={"callbacks": [handler]})
    model.invoke("again", config={"callbacks": [handler]})
    assert handler.usage_metadata["m"]["total_tokens"] == 10
