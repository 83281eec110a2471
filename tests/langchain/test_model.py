"""ChatChatplex in LangChain chains, with chatplex underneath: building and wrapping it,
real async, retries and typed errors, tools and structured output, the no-network guard.
(Its fields, tool binding, call hooks and trace params have their modules' files.)"""

from __future__ import annotations

import inspect
import threading
import types
from collections.abc import AsyncIterator
from typing import Any

import pytest
from _chatchatplex import PROVIDERS
from _chatchatplex import llm
from _lckit import BEDROCK_CREDENTIALS
from _lckit import MODELS
from _lckit import base_url
from langchain_core.messages import AIMessage as LCAI
from langchain_core.messages import AIMessageChunk as LCAIChunk
from langchain_core.output_parsers import StrOutputParser
from langchain_core.outputs import ChatGenerationChunk
from langchain_core.prompts import PromptTemplate
from pydantic import BaseModel

from chatplex import FakeChatModel
from chatplex import Runnable
from chatplex.core.run_config import RunnableConfig
from chatplex.errors import AuthenticationError
from chatplex.langchain import ChatChatplex
from chatplex.langchain import ChatOpenAI
from chatplex.langchain import to_langchain
from chatplex.messages import AIMessage
from chatplex.messages import AIMessageChunk
from chatplex.testing import MockServer
from chatplex.testing import NetworkBlockedError
from tests._calls import ask
from tests._calls import ask_stream
from tests._fresh import fresh_python
from tests.core._twins import reply_and_chunks


def test_import_chatplex_does_not_import_langchain() -> None:
    code = (
        "import sys, chatplex, chatplex.testing; "
        "print('langchain_core' in sys.modules, 'chatplex.langchain' in sys.modules)"
    )
    out = fresh_python(code)
    assert out.stdout.split() == ["False", "False"]


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("sync", [True, False])
async def test_prompt_model_parser_chain(provider: str, sync: bool) -> None:
    # The first complaint: `PromptTemplate | chatplex_model` must be a chain.
    chain = PromptTemplate.from_template("Say hi to {name}") | llm(provider) | StrOutputParser()
    if sync:
        assert chain.invoke({"name": "Bob"}) == "Echo: Say hi to Bob"
        assert "".join(chain.stream({"name": "Ann"})) == "Echo: Say hi to Ann"
        assert chain.batch([{"name": "A"}, {"name": "B"}]) == [
            "Echo: Say hi to A",
            "Echo: Say hi to B",
        ]
    else:
        assert await chain.ainvoke({"name": "Bob"}) == "Echo: Say hi to Bob"
        assert "".join([c async for c in chain.astream({"name": "Ann"})]) == "Echo: Say hi to Ann"


class _Pick(BaseModel):
    """A pick."""

    name: str


@pytest.mark.parametrize("sync", [True, False])
async def test_a_json_format_call_is_streamed_only_where_the_partner_streams_it(
    sync: bool,
) -> None:
    # langchain-groq makes a json_schema / json_object call whole (Groq streams none):
    # so does the drop-in (a request without stream); ChatOpenAI's is streamed.
    from chatplex.langchain import ChatGroq

    streamed: list[bool] = []

    def reply(body: dict[str, Any]) -> str:
        streamed.append(bool(body.get("stream")))
        return '{"name": "x"}'

    with MockServer(reply=reply) as server:
        groq = ChatGroq(model="llama-3.3-70b-versatile", api_key="k", base_url=server.url + "/groq")
        openai = ChatOpenAI(model="gpt-4o-mini", api_key="k", base_url=server.openai_base_url)
        for model in (groq, openai):
            for method in ("json_schema", "json_mode"):
                structured = model.with_structured_output(_Pick, method=method)
                if sync:
                    pieces = list(structured.stream("Pick one"))
                else:
                    pieces = [p async for p in structured.astream("Pick one")]
                assert pieces[-1] == _Pick(name="x")
    assert streamed == [False, False, True, True]


class _ThreadRecorder(Runnable[Any, AIMessage]):
    """A chatplex runnable that notes the thread each call runs on."""

    def __init__(self) -> None:
        self.threads: list[int] = []

    def _invoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> AIMessage:
        self.threads.append(threading.get_ident())
        return AIMessage(content="sync")

    async def _ainvoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> AIMessage:
        self.threads.append(threading.get_ident())
        return AIMessage(content="async")

    async def _astream(
        self, input: Any, config: RunnableConfig, **kwargs: Any
    ) -> AsyncIterator[AIMessageChunk]:
        self.threads.append(threading.get_ident())
        yield AIMessageChunk(content="a")
        yield AIMessageChunk(content="b")


async def test_async_is_chatplex_async_on_the_loop_thread() -> None:
    inner = _ThreadRecorder()
    model = ChatChatplex.from_model(inner)
    assert (await model.ainvoke("hi")).content == "async"
    assert "".join([str(c.content) async for c in model.astream("hi")]) == "ab"
    assert inner.threads == [threading.get_ident()] * 2  # no executor thread


def _suffixed(base: Any) -> Any:
    """A script's subclass of `base` whose `_generate` and `_stream` add "!"."""

    class Suffixed(base):  # type: ignore[misc,valid-type]
        def _generate(self, *args: Any, **kwargs: Any) -> Any:
            result = super()._generate(*args, **kwargs)
            result.generations[0].message.content += "!"
            return result

        def _stream(self, *args: Any, **kwargs: Any) -> Any:
            yield from super()._stream(*args, **kwargs)
            yield ChatGenerationChunk(message=LCAIChunk("!"))

    return Suffixed


async def test_a_subclass_overriding_the_sync_path_overrides_async_where_the_partner_does() -> None:
    # langchain-aws' classes have no async path of their own: LangChain runs `_generate`
    # / `_stream` in a thread for `ainvoke` / `astream`, so a subclass's overrides change
    # those too; langchain-openai's async path is its own, as the drop-in's stays.
    from chatplex.langchain import ChatBedrockConverse
    from chatplex.langchain import ChatOpenAI as DropInOpenAI
    from chatplex.testing import MockServer

    with MockServer() as server:
        bedrock = _suffixed(ChatBedrockConverse)(
            model=MODELS["bedrock_converse"], endpoint_url=server.url, **BEDROCK_CREDENTIALS
        )
        openai = _suffixed(DropInOpenAI)(
            model="gpt-4o-mini", base_url=server.openai_base_url, api_key="k"
        )
        for model, said in ((bedrock, "Echo: hi!"), (openai, "Echo: hi")):
            assert (await model.ainvoke("hi")).text == said
            assert "".join([c.text async for c in model.astream("hi")]) == said
            assert model.invoke("hi").text == "Echo: hi!"  # the sync path: always


def test_the_generation_hooks_state_their_own_signatures() -> None:
    # LangChain reads whether `_generate` / `_agenerate` take a `run_manager` from their
    # signatures on every call: the stated one is what `inspect` finds in the function.
    for hook in (ChatChatplex._generate, ChatChatplex._agenerate):
        code, defaults, cell = hook.__code__, hook.__defaults__, hook.__closure__
        bare = types.FunctionType(code, hook.__globals__, hook.__name__, defaults, cell)
        bare.__annotations__ = hook.__annotations__
        assert "__signature__" in vars(hook) and "__signature__" not in vars(bare)
        assert inspect.signature(hook) == inspect.signature(bare)
        assert "run_manager" in inspect.signature(hook).parameters


@pytest.mark.parametrize("sync", [True, False])
async def test_from_model_and_to_langchain(sync: bool) -> None:
    fake = FakeChatModel(responses=["Hello from a fake"])
    model = to_langchain(fake, tags=["t"])
    assert model.model == "fake:fake-chat" and model.tags == ["t"]
    reply = model.invoke("hi") if sync else await model.ainvoke("hi")
    assert isinstance(reply, LCAI) and reply.content == "Hello from a fake"
    with pytest.raises(ValueError, match="temperature: set these on the chatplex model"):
        ChatChatplex.from_model(fake, temperature=0)
    with pytest.raises(TypeError, match="chatplex chat model"):
        ChatChatplex.from_model("openai:gpt-4o")  # type: ignore[arg-type]


def test_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHATPLEX_MODEL", "anthropic:claude-haiku-4-5")
    monkeypatch.setenv("CHATPLEX_BASE_URL", base_url("anthropic"))
    model = ChatChatplex()
    assert (model.model, model.provider, model.model_name) == (
        "anthropic:claude-haiku-4-5",
        "anthropic",
        "claude-haiku-4-5",
    )
    assert model.invoke("hey").content == "Echo: hey"


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("sync", [True, False])
async def test_chatplex_retries_and_typed_errors_underneath(provider: str, sync: bool) -> None:
    def plan(request: Any) -> str | None:
        if request.headers.get("x-fail") == "auth":
            return "status=401"
        return "status=503" if request.attempt == 1 else None  # once per x-request-key

    with MockServer(fault_plan=plan) as server:
        url = server.openai_base_url if provider == "openai" else server.anthropic_base_url
        key = f"{provider}-{sync}"
        model = ChatChatplex(
            model=f"{provider}:m", base_url=url, api_key="k", extra_headers={"x-request-key": key}
        )
        reply = model.invoke("hi") if sync else await model.ainvoke("hi")
        assert reply.content == "Echo: hi"
        assert server.stats.attempts[key] == 2  # chatplex retried the 503
        failing = model.bind(extra_headers={"x-fail": "auth"})
        with pytest.raises(AuthenticationError) as info:
            failing.invoke("hi") if sync else await failing.ainvoke("hi")
        assert info.value.status == 401 and str(info.value) != "k"


def test_the_no_network_guard_is_on() -> None:
    model = ChatChatplex(model="openai:m", base_url="https://api.example.com/v1", api_key="k")
    with pytest.raises(NetworkBlockedError, match="api.example.com"):
        model.invoke("hi")


class Joke(BaseModel):
    """A joke."""

    setup: str
    punchline: str


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("sync", [True, False])
async def test_tools_and_structured_output(provider: str, sync: bool) -> None:
    def get_weather(location: str) -> str:
        """Weather at a location."""
        return "sunny"

    model = llm(provider)
    tooled = model.bind_tools([get_weather])
    query = "What is the weather in Paris?"
    reply = tooled.invoke(query) if sync else await tooled.ainvoke(query)
    assert reply.tool_calls[0]["name"] == "get_weather"
    assert reply.tool_calls[0]["args"] == {"location": "Paris"}
    structured = model.with_structured_output(Joke)
    joke = structured.invoke("a joke") if sync else await structured.ainvoke("a joke")
    assert joke == Joke(setup="x", punchline="x")


def test_generate_combines_the_rows_llm_output_as_langchain_openai() -> None:
    from langchain_core.messages import HumanMessage

    result = llm("openai").generate([[HumanMessage("a")], [HumanMessage("b c")]])
    output = result.llm_output or {}
    assert output["model_name"] == "m"
    rows = [g[0].message.usage_metadata for g in result.generations]
    assert output["token_usage"]["prompt_tokens"] == sum(u["input_tokens"] for u in rows if u)
    # A wire whose partner fills llm_output its own way: LangChain's empty one.
    assert llm("anthropic").generate([[HumanMessage("a")]]).llm_output == {}


@pytest.mark.parametrize("sync", [True, False])
async def test_a_drop_ins_combined_output_names_its_model_field_as_its_partner(
    sync: bool,
) -> None:
    # The partners' _combine_llm_outputs write their own `model_name` field, not a
    # row's: langchain-fireworks' rows carry none (the drop-in gave None), and an
    # AzureChatOpenAI named by its deployment has None (the drop-in gave the reply's).
    from langchain_core.messages import HumanMessage

    from chatplex.langchain import AzureChatOpenAI
    from chatplex.langchain import ChatFireworks

    prompts = [[HumanMessage("a")], [HumanMessage("b c")]]
    with MockServer() as server:
        fireworks = ChatFireworks(
            model="accounts/fireworks/models/m", api_key="k", base_url=server.url + "/v1"
        )
        azure = AzureChatOpenAI(
            azure_endpoint=server.url,
            azure_deployment="gpt-4o-mini",
            api_version="2024-10-21",
            api_key="k",
        )
        for model, name in ((fireworks, "accounts/fireworks/models/m"), (azure, None)):
            result = model.generate(prompts) if sync else await model.agenerate(prompts)
            output = result.llm_output or {}
            assert output["model_name"] == name and output["token_usage"]["total_tokens"] > 0


@pytest.mark.parametrize("sync", [True, False])
async def test_a_drop_ins_rows_without_llm_output_combine_as_langchain_openai(
    sync: bool,
) -> None:
    # langchain-openai's _combine_llm_outputs gives {token_usage, model_name} even when
    # no row has an llm_output (the Responses API's rows, a stream's); the drop-in gave
    # LangChain's empty one.
    from langchain_core.messages import HumanMessage

    prompts = [[HumanMessage("a")], [HumanMessage("b c")]]
    with MockServer() as server:
        kwargs: dict[str, Any] = {"model": "gpt-4.1-mini", "api_key": "k", "base_url": server.url}
        for model in (
            ChatOpenAI(use_responses_api=True, **kwargs),
            ChatOpenAI(streaming=True, **kwargs),
        ):
            result = model.generate(prompts) if sync else await model.agenerate(prompts)
            assert result.llm_output == {"token_usage": {}, "model_name": "gpt-4.1-mini"}


@pytest.mark.parametrize("sync", [True, False])
async def test_a_groq_reply_reports_the_effort_asked_the_calls_over_the_models(
    sync: bool,
) -> None:
    # langchain-groq writes `params.get("reasoning_effort") or self.reasoning_effort` into
    # each reply's response_metadata and the stream's finishing chunk; the drop-in wrote
    # none.
    from chatplex.langchain import ChatGroq

    async def efforts(model: Any, **call: Any) -> list[Any]:
        reply, chunks = await reply_and_chunks(model, sync, "hi", **call)
        merged = chunks[0]
        for chunk in chunks[1:]:
            merged = merged + chunk
        return [m.response_metadata.get("reasoning_effort") for m in (reply, merged)]

    with MockServer() as server:
        made = {"model": "qwen/qwen3-32b", "api_key": "k", "base_url": server.url + "/groq"}
        asked = ChatGroq(reasoning_effort="default", **made)
        assert await efforts(asked) == ["default", "default"]
        assert await efforts(asked, reasoning_effort="none") == ["none", "none"]
        assert await efforts(ChatGroq(**made), reasoning_effort="none") == ["none", "none"]
        assert await efforts(ChatGroq(**made)) == [None, None]
        assert await efforts(asked) == ["default", "default"]  # the model's own, unchanged


@pytest.mark.parametrize("sync", [True, False])
async def test_an_azure_calls_own_max_tokens_goes_as_langchain_openai_sends_it(
    sync: bool,
) -> None:
    # AzureChatOpenAI renames only its constructor's max_tokens (to
    # max_completion_tokens); a call's goes as `max_tokens`. The drop-in renamed both.
    from chatplex.langchain import AzureChatOpenAI

    sent: list[dict[str, Any]] = []

    def record(request: Any) -> None:
        body = request.json or {}
        sent.append({k: v for k, v in body.items() if k.startswith("max_")})

    async def limits(model: Any, **call: Any) -> list[dict[str, Any]]:
        sent.clear()
        await ask(model, sync, "hi", **call)
        await ask_stream(model, sync, "hi", **call)
        return sent[:]

    with MockServer(fault_plan=record) as server:
        made = {
            "azure_endpoint": server.url,
            "azure_deployment": "gpt-4o-mini",
            "api_version": "2024-10-21",
            "api_key": "k",
        }
        plain, capped = AzureChatOpenAI(**made), AzureChatOpenAI(max_tokens=100, **made)
        assert await limits(plain, max_tokens=50) == [{"max_tokens": 50}] * 2
        assert await limits(capped) == [{"max_completion_tokens": 100}] * 2
        assert await limits(plain, max_completion_tokens=50) == [{"max_completion_tokens": 50}] * 2
        # Both, as langchain-openai sends them (the constructor's under its own name).
        both = {"max_completion_tokens": 100, "max_tokens": 50}
        assert await limits(capped, max_tokens=50) == [both] * 2
