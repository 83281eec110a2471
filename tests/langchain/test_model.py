"""ChatChatplex in LangChain chains, with chatplex underneath: settings, per-call
overrides, real async, retries and typed errors, the no-network guard, no key shown."""

from __future__ import annotations

import itertools
import subprocess
import sys
import threading
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from _lckit import base_url
from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import AIMessage as LCAI
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.prompts import PromptTemplate
from pydantic import BaseModel

from chatplex import ChatOpenAI
from chatplex import FakeChatModel
from chatplex import InMemoryCache
from chatplex import Runnable
from chatplex.core.run_config import RunnableConfig
from chatplex.errors import AuthenticationError
from chatplex.langchain import ChatChatplex
from chatplex.langchain import to_langchain
from chatplex.messages import AIMessage
from chatplex.messages import AIMessageChunk
from chatplex.testing import MockServer
from chatplex.testing import NetworkBlockedError

PROVIDERS = ["openai", "anthropic"]


def llm(provider: str, **settings: Any) -> ChatChatplex:
    return ChatChatplex(
        model=f"{provider}:m", base_url=base_url(provider), api_key="sk-secret-123", **settings
    )


def test_import_chatplex_does_not_import_langchain() -> None:
    code = (
        "import sys, chatplex, chatplex.testing; "
        "print('langchain_core' in sys.modules, 'chatplex.langchain' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
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


@pytest.mark.parametrize("provider", PROVIDERS)
def test_settings_reach_chatplex_and_extras_go_to_model_kwargs(provider: str) -> None:
    model = llm(
        provider,
        temperature=0.5,
        max_tokens=7,
        stop=["x"],
        timeout=9,
        max_retries=4,
        rate_limit={"requests_per_minute": 600},
        extra_headers={"x-trace": "1"},
    )
    inner = model.chatplex_model
    assert (inner.temperature, inner.max_tokens, inner.stop, inner.timeout, inner.max_retries) == (
        0.5,
        7,
        ["x"],
        9,
        4,
    )
    assert inner.rate_limit is not None and inner.extra_headers == {"x-trace": "1"}
    assert set(model.model_kwargs) == {"rate_limit", "extra_headers"}
    params = model._get_ls_params()
    # As the provider's LangChain class reports them: ChatAnthropic keeps its stop as
    # `stop_sequences`, which it does not report.
    assert params == {
        "ls_provider": provider,
        "ls_model_name": "m",
        "ls_model_type": "chat",
        "ls_temperature": 0.5,
        "ls_max_tokens": 7,
        **({"ls_stop": ["x"]} if provider == "openai" else {}),
    }
    with pytest.raises(ValueError, match="temperature"):
        llm(provider, temperature=5)  # chatplex's own checks


def test_no_key_in_repr_params_or_dumps() -> None:
    model = llm("openai", default_headers={"x-api-key": "sk-header-456", "x-team": "blue"})
    shown = [repr(model), str(model), str(model._identifying_params)]
    shown.append(str(model._get_invocation_params()))
    for text in shown:
        assert "sk-secret-123" not in text and "sk-header-456" not in text
    assert "'x-team': 'blue'" in repr(model) and "'x-api-key': '***'" in repr(model)
    assert "sk-secret-123" not in str(model.model_dump())  # SecretStr


def test_a_provider_tool_choice_dict_bound_directly() -> None:
    tool = {"type": "function", "function": {"name": "ping", "parameters": {"type": "object"}}}
    choice = {"type": "function", "function": {"name": "ping"}}
    reply = llm("anthropic").bind(tools=[tool], tool_choice=choice).invoke("hi")
    assert reply.tool_calls[0]["name"] == "ping"


class _Pick(BaseModel):
    """A pick."""

    name: str


@pytest.mark.parametrize("sync", [True, False])
async def test_a_json_format_call_is_streamed_only_where_the_partner_streams_it(
    sync: bool,
) -> None:
    # langchain-groq makes a json_schema / json_object call whole (Groq streams none):
    # so does the drop-in (a request without stream); ChatOpenAI's is streamed.
    from chatplex import ChatGroq

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


@pytest.mark.parametrize("sync", [True, False])
async def test_a_drop_ins_message_ids_are_its_partners(sync: bool) -> None:
    # langchain-openai (and every partner but its Responses API) leaves a reply's id
    # None, which LangChain fills in with the run's: one id for every chunk of a stream.
    # The drop-in gave the provider's, and a stream changed id at LangChain's last chunk.
    async def ids(model: Any) -> tuple[str, set[str]]:
        if sync:
            return model.invoke("hi").id, {c.id for c in model.stream("hi")}
        return (await model.ainvoke("hi")).id, {c.id async for c in model.astream("hi")}

    with MockServer() as server:
        url = server.openai_base_url
        invoked, streamed = await ids(ChatOpenAI(model="gpt-4o-mini", api_key="k", base_url=url))
        assert invoked.startswith("lc_run--") and invoked.endswith("-0")
        assert len(streamed) == 1 and streamed.pop().startswith("lc_run--")
        responses = ChatOpenAI(model="gpt-4.1", api_key="k", base_url=url, use_responses_api=True)
        assert (await ids(responses))[0].startswith("resp_")  # as langchain-openai's
        own, _ = await ids(llm("openai"))  # ChatChatplex, chatplex's name: the reply's id
        assert own.startswith("chatcmpl-")
        # Under chatplex's own reply cache a hit keeps the id of the reply it repeats.
        cached = ChatOpenAI(model="gpt-4o-mini", api_key="k", base_url=url, cache=InMemoryCache())
        first, again = (await ids(cached))[0], (await ids(cached))[0]
        assert first == again and first.startswith("chatcmpl-")


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("sync", [True, False])
async def test_model_override_per_call(provider: str, sync: bool) -> None:
    model = llm(provider)
    reply = model.invoke("hi", model="other") if sync else await model.ainvoke("hi", model="other")
    assert reply.response_metadata["model_name"] == "other"
    assert model.chatplex_model.model == "m"  # the wrapped model is untouched
    bound = model.bind(model="third")
    assert bound.invoke("hi").response_metadata["model_name"] == "third"


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


def test_from_the_environment_a_preset_keeps_its_name(monkeypatch: pytest.MonkeyPatch) -> None:
    # A preset speaks the OpenAI wire; its name is the one the user gave, not the wire's.
    monkeypatch.setenv("CHATPLEX_MODEL", "groq:llama-3.1-8b-instant")
    monkeypatch.setenv("CHATPLEX_BASE_URL", base_url("groq"))
    model = ChatChatplex(api_key="k")
    assert (model.model, model.provider) == ("groq:llama-3.1-8b-instant", "openai")


def test_a_named_profile_with_fallbacks(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "chatplex.toml"
    config.write_text(
        "[profiles.cheap]\n"
        'model = "openai:gpt-4o-mini"\n'
        f'base_url = "{base_url("openai")}"\n'
        'api_key = "env:MOCK_KEY"\n'
        'fallbacks = ["claude"]\n'
        "[profiles.claude]\n"
        'model = "anthropic:claude-haiku-4-5"\n'
        f'base_url = "{base_url("anthropic")}"\n'
    )
    monkeypatch.setenv("CHATPLEX_CONFIG", str(config))
    monkeypatch.setenv("MOCK_KEY", "mock-key")
    model = ChatChatplex(chatplex_profile="cheap")
    # A profile with fallbacks is a chatplex runnable, not one ChatModel: it still works.
    assert model.invoke("hey").content == "Echo: hey"
    assert (model.model, model.provider) == ("openai:gpt-4o-mini", "openai")
    assert model._get_ls_params()["ls_model_name"] == "gpt-4o-mini"


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


@pytest.mark.parametrize("sync", [True, False])
async def test_parallel_tool_calls_is_sent_as_the_wires_partner_sends_it(sync: bool) -> None:
    # langchain-anthropic has no `parallel_tool_calls` field: it sends
    # `disable_parallel_tool_use` inside `tool_choice`; Chat Completions has the field.
    def get_weather(city: str) -> str:
        """The weather in a city."""
        return "sunny"

    bodies: list[dict[str, Any]] = []
    with MockServer(fault_plan=lambda request: bodies.append(request.json) and None) as server:
        for provider, url in (("anthropic", server.anthropic_base_url), ("openai", None)):
            model = ChatChatplex(
                model=f"{provider}:m", base_url=url or server.openai_base_url, api_key="k"
            )
            for choice in (None, "get_weather"):
                bound = model.bind_tools(
                    [get_weather], tool_choice=choice, parallel_tool_calls=False
                )
                ask = "use the tool"
                reply = bound.invoke(ask) if sync else await bound.ainvoke(ask)
                assert reply.tool_calls[0]["name"] == "get_weather"
    anthropic, named, openai, _ = bodies
    assert anthropic["tool_choice"] == {"type": "auto", "disable_parallel_tool_use": True}
    assert named["tool_choice"] == {
        "type": "tool",
        "name": "get_weather",
        "disable_parallel_tool_use": True,
    }
    assert "parallel_tool_calls" not in anthropic
    assert openai["parallel_tool_calls"] is False


@pytest.mark.parametrize("sync", [True, False])
@pytest.mark.parametrize("mode", ["invoke", "stream"])
async def test_a_keyword_the_partner_refuses_is_its_typeerror_before_any_request(
    sync: bool, mode: str
) -> None:
    # langchain-aws's ChatBedrockConverse renames a bound or per-call parallel_tool_calls
    # (None too) to parallelToolCalls, which its _converse_params() refuses; so does its
    # ChatBedrock on Converse (through a ChatBedrockConverse), not on InvokeModel.
    import chatplex

    def get_weather(city: str) -> str:
        """The weather in a city."""
        return "sunny"

    aws = {"region_name": "us-east-1", "aws_access_key_id": "k", "aws_secret_access_key": "s"}
    bodies: list[Any] = []
    with MockServer(fault_plan=lambda request: bodies.append(request.json) and None) as server:
        given = {"model": "anthropic.claude-3-5-sonnet-20240620-v1:0", "endpoint_url": server.url}
        model = chatplex.ChatBedrockConverse(**given, **aws)
        on_converse = chatplex.ChatBedrock(**given, **aws, beta_use_converse_api=True)
        for parallel, llm in itertools.product((False, True, None), (model, on_converse)):
            bound = llm.bind_tools([get_weather], parallel_tool_calls=parallel)
            for runnable, kwargs in ((bound, {}), (llm, {"parallel_tool_calls": parallel})):
                with pytest.raises(TypeError) as info:
                    if mode == "invoke" and sync:
                        runnable.invoke("hi", **kwargs)
                    elif mode == "invoke":
                        await runnable.ainvoke("hi", **kwargs)
                    elif sync:
                        list(runnable.stream("hi", **kwargs))
                    else:
                        [c async for c in runnable.astream("hi", **kwargs)]
                assert str(info.value) == (
                    "ChatBedrockConverse._converse_params() got an unexpected keyword "
                    "argument 'parallelToolCalls'"
                )
        assert bodies == []
        # Without it the call goes; chatplex's own model keeps sending it.
        assert model.bind_tools([get_weather]).invoke("hi").content
        own = ChatChatplex(model="bedrock_converse:m", endpoint_url=server.url, **aws)
        assert own.bind_tools([get_weather], parallel_tool_calls=False).invoke("hi").content
        assert bodies[-1]["additionalModelRequestFields"] == {"parallel_tool_calls": False}
        on_invoke = chatplex.ChatBedrock(**given, **aws)
        assert on_invoke.bind_tools([get_weather], parallel_tool_calls=False).invoke("hi").content


def _cached_weather_tools() -> dict[str, Any]:
    """A tool with a prompt-cache breakpoint, as an Anthropic tool dict and as a LangChain
    tool's `extras` (where langchain-anthropic reads its tool fields)."""
    from langchain_core.tools import tool

    @tool(extras={"cache_control": {"type": "ephemeral"}})
    def weather(city: str) -> str:
        """Weather."""
        return "sunny"

    as_dict = {
        "name": "weather",
        "description": "Weather.",
        "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}},
        "cache_control": {"type": "ephemeral"},
    }
    return {"dict": as_dict, "extras": weather}


@pytest.mark.parametrize("form", ["dict", "extras"])
@pytest.mark.parametrize("sync", [True, False])
async def test_a_tools_cache_control_is_sent_as_langchain_anthropic_sends_it(
    sync: bool, form: str
) -> None:
    # langchain-anthropic sends an Anthropic tool dict as given, and a LangChain tool's
    # extras beside its definition: its prompt-cache breakpoint included, though the
    # OpenAI form LangChain's conversion makes has no place for it.
    import langchain_anthropic

    weather = _cached_weather_tools()[form]
    partner = langchain_anthropic.ChatAnthropic(model="claude-sonnet-4-5", api_key="k")
    theirs = partner._get_request_payload("hi", **partner.bind_tools([weather]).kwargs)
    bodies: list[dict[str, Any]] = []
    with MockServer(fault_plan=lambda request: bodies.append(request.json) and None) as server:
        model = ChatChatplex(model="anthropic:m", base_url=server.anthropic_base_url, api_key="k")
        bound = model.bind_tools([weather])
        reply = await bound.ainvoke("use the tool") if not sync else bound.invoke("use the tool")
    assert reply.tool_calls[0]["name"] == "weather"
    assert bodies[0]["tools"] == theirs["tools"]
    assert bodies[0]["tools"][0]["cache_control"] == {"type": "ephemeral"}


@pytest.mark.parametrize("sync", [True, False])
async def test_configurable_fields_read_the_partners_names_and_chatplexs_fields(
    sync: bool,
) -> None:
    # langchain-openai's field is `model_name`; a ported script's ConfigurableField is
    # chatplex's (`from chatplex import ConfigurableField`): LangChain's step reads both.
    from chatplex import ConfigurableField
    from chatplex.core.configurable import ConfigurableFieldSingleOption
    from chatplex.langchain import ChatOpenAI

    bodies: list[dict[str, Any]] = []
    with MockServer(fault_plan=lambda request: bodies.append(request.json) and None) as server:
        model = ChatOpenAI(model="gpt-4o-mini", base_url=server.openai_base_url, api_key="k")
        by_name = model.configurable_fields(model_name=ConfigurableField(id="model"))
        by_option = model.configurable_fields(
            temperature=ConfigurableFieldSingleOption(
                id="temp", options={"low": 0.1, "high": 0.9}, default="low"
            )
        )
        config: Any = {"configurable": {"model": "gpt-4o", "temp": "high"}}
        if sync:
            replies = [by_name.invoke("hi", config), by_name.invoke("hi")]
            hot = by_option.invoke("hi", config)
        else:
            replies = [await by_name.ainvoke("hi", config), await by_name.ainvoke("hi")]
            hot = await by_option.ainvoke("hi", config)
    names = [r.response_metadata["model_name"] for r in replies]
    assert names == ["gpt-4o", "gpt-4o-mini"]
    assert hot.content == "Echo: hi" and bodies[-1]["temperature"] == 0.9


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


def test_bind_tools_checks_now() -> None:
    def add(a: int, b: int) -> int:
        """Add."""
        return a + b

    model = llm("openai")
    with pytest.raises(ValueError, match="not a bound tool"):
        model.bind_tools([add], tool_choice="mul")
    other = {
        "name": "add",
        "parameters": {"type": "object", "properties": {"x": {"type": "string"}}},
    }
    with pytest.raises(ValueError, match="duplicate tool names"):
        model.bind_tools([add, other])
    bound = model.bind_tools([add, add], tool_choice="any")  # the same tool twice is one
    assert len(bound.kwargs["tools"]) == 1 and bound.kwargs["tool_choice"] == "required"


class _Tokens(BaseCallbackHandler):
    def __init__(self) -> None:
        self.tokens: list[str] = []
        self.verbose: set[Any] = set()  # each token hook's `verbose` (absent: "-")

    def on_llm_new_token(self, token: str, **kwargs: Any) -> None:
        self.tokens.append(token)
        self.verbose.add(kwargs.get("verbose", "-"))


def test_streaming_flag_streams_under_invoke() -> None:
    prompt = ChatPromptTemplate.from_messages([("system", "Be brief."), ("human", "{q}")])
    seen = _Tokens()
    reply = (prompt | llm("openai", streaming=True)).invoke({"q": "why?"}, {"callbacks": [seen]})
    assert reply.content == "Echo: why?"
    assert "".join(seen.tokens) == "Echo: why?" and len(seen.tokens) > 2


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_an_invoke_streams_underneath_where_the_partner_class_does(sync: bool) -> None:
    # langchain-ollama's invoke streams and merges the pieces: its handlers hear each.
    seen = _Tokens()
    config: Any = {"callbacks": [seen]}
    model = llm("ollama")
    reply = model.invoke("why?", config) if sync else await model.ainvoke("why?", config)
    assert reply.content == "Echo: why?"
    assert "".join(seen.tokens) == "Echo: why?" and len(seen.tokens) > 2
    assert reply.response_metadata["done_reason"] == "stop"  # the merged reply's fields
    assert seen.verbose == {False}  # each hook given the model's verbose, as langchain-ollama's
    loud = _Tokens()
    loud_config: Any = {"callbacks": [loud]}
    verbose = llm("ollama", verbose=True)
    _ = verbose.invoke("why?", loud_config) if sync else await verbose.ainvoke("why?", loud_config)
    assert loud.verbose == {True}
    # A wire whose partner class answers whole: no piece to hear.
    whole = _Tokens()
    llm("openai").invoke("why?", {"callbacks": [whole]})
    assert whole.tokens == []


# ---- LangChain's spellings, from the drop-ins' one table -------------------------------


def test_langchains_spellings_configure_the_chatplex_model() -> None:
    openai = ChatChatplex(
        model_name="openai:gpt-4o",
        openai_api_key="sk-secret-123",
        max_completion_tokens=5,
        request_timeout=3,
        openai_api_base="http://127.0.0.1:9/v1",
        stop_sequences=["x"],
        openai_organization="org-1",
    )
    inner = openai.chatplex_model
    assert (inner.model, inner.max_tokens, inner.timeout, inner.stop) == ("gpt-4o", 5, 3, ["x"])
    assert inner.adapter.base_url == "http://127.0.0.1:9/v1"
    assert openai.model_kwargs == {"organization": "org-1"}
    assert "sk-secret-123" not in repr(openai)
    claude = ChatChatplex(
        model="anthropic:claude-x",
        anthropic_api_key="k",
        max_tokens_to_sample=7,
        default_request_timeout=2,
        anthropic_api_url="http://127.0.0.1:9",
    )
    inner = claude.chatplex_model
    assert (inner.max_tokens, inner.timeout, inner.adapter.base_url) == (7, 2, "http://127.0.0.1:9")


def test_a_setting_given_twice_is_refused_without_showing_a_key() -> None:
    with pytest.raises(TypeError, match="model='openai:a' and model_name='openai:b'"):
        ChatChatplex(model="openai:a", model_name="openai:b", api_key="k")
    with pytest.raises(TypeError, match="api_key= and openai_api_key=") as caught:
        ChatChatplex(model="openai:a", api_key="sk-one-111", openai_api_key="sk-two-222")
    assert "sk-one" not in str(caught.value) and "sk-two" not in str(caught.value)
    same = ChatChatplex(model="openai:a", api_key="sk-1", openai_api_key="sk-1")
    assert same.api_key is not None and same.api_key.get_secret_value() == "sk-1"


@pytest.mark.parametrize("provider", PROVIDERS)
def test_spelled_the_langchain_way_it_calls_the_server(provider: str) -> None:
    key = "openai_api_key" if provider == "openai" else "anthropic_api_key"
    model = ChatChatplex(
        model_name=f"{provider}:m", base_url=base_url(provider), **{key: "sk-secret-123"}
    )
    assert model.invoke("hi").content


@pytest.mark.parametrize("provider", PROVIDERS)
def test_langchains_configurable_fields_rebuild_the_model_from_its_fields(
    provider: str,
) -> None:
    from langchain_core.runnables import ConfigurableField

    model = llm(provider, temperature=0)
    switch = model.configurable_fields(temperature=ConfigurableField(id="t"))
    built = switch.with_config(configurable={"t": 0.5})
    assert built.invoke("hi").content == "Echo: hi"
    changed = switch._prepare({"configurable": {"t": 0.5}})[0]  # LangChain's own copy
    assert changed.chatplex_model.temperature == 0.5
    assert model.chatplex_model.temperature == 0
    # A model passed to from_model() is still the user's: settings beside it are refused.
    with pytest.raises(ValueError, match="set these on the chatplex model"):
        ChatChatplex(chatplex_model=FakeChatModel(), temperature=1)


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_langchains_cache_is_run_by_langchain_alone(sync: bool) -> None:
    # LangChain's BaseChatModel looks in its cache on invoke and never on stream: the
    # call underneath looks there no second time (a stream after an invoke streams from
    # the server, as the partner class's does) and files no entry of its own.
    from langchain_core.caches import InMemoryCache
    from langchain_core.globals import set_llm_cache

    cache = InMemoryCache()
    set_llm_cache(cache)
    try:
        model = llm("openai")
        if sync:
            first, second = model.invoke("a b"), model.invoke("a b")
            pieces = list(model.stream("a b"))
        else:
            first, second = await model.ainvoke("a b"), await model.ainvoke("a b")
            pieces = [p async for p in model.astream("a b")]
    finally:
        set_llm_cache(None)
    assert first.content == second.content == "Echo: a b"
    assert len(pieces) > 2 and "".join(p.text for p in pieces) == "Echo: a b"
    assert len(cache._cache) == 1  # LangChain's one entry, none under chatplex's key


@pytest.mark.parametrize("sync", [True, False])
async def test_chatchatplex_answers_a_stream_from_chatplexs_cache(sync: bool) -> None:
    # chatplex's own name keeps chatplex's behaviour: a stream of a cached prompt is the
    # cached reply (the drop-ins, under their partners' names, stream from the server).
    from chatplex import InMemoryCache
    from chatplex import set_llm_cache

    cache = InMemoryCache()
    set_llm_cache(cache)
    try:
        with MockServer() as server:
            model = ChatChatplex(model="openai:m", base_url=server.openai_base_url, api_key="k")
            if sync:
                first, pieces = model.invoke("a b"), list(model.stream("a b"))
            else:
                first, pieces = await model.ainvoke("a b"), [p async for p in model.astream("a b")]
            assert "".join(p.text for p in pieces) == first.text == "Echo: a b"
            assert server.stats.requests == 1
    finally:
        set_llm_cache(None)


def test_cache_false_keeps_langchains_process_wide_cache_out() -> None:
    from langchain_core.caches import InMemoryCache
    from langchain_core.globals import set_llm_cache

    cache = InMemoryCache()
    set_llm_cache(cache)
    try:
        model = llm("openai", cache=False)
        model.invoke("a b")
        model.invoke("a b")
    finally:
        set_llm_cache(None)
    assert cache._cache == {}


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
async def test_a_groq_reply_reports_the_effort_asked_the_calls_over_the_models(
    sync: bool,
) -> None:
    # langchain-groq writes `params.get("reasoning_effort") or self.reasoning_effort` into
    # each reply's response_metadata and the stream's finishing chunk; the drop-in wrote
    # none.
    from chatplex import ChatGroq

    async def efforts(model: Any, **call: Any) -> list[Any]:
        if sync:
            reply = model.invoke("hi", **call)
            chunks = list(model.stream("hi", **call))
        else:
            reply = await model.ainvoke("hi", **call)
            chunks = [c async for c in model.astream("hi", **call)]
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
    from chatplex import AzureChatOpenAI

    sent: list[dict[str, Any]] = []

    def record(request: Any) -> None:
        body = request.json or {}
        sent.append({k: v for k, v in body.items() if k.startswith("max_")})

    async def limits(model: Any, **call: Any) -> list[dict[str, Any]]:
        sent.clear()
        if sync:
            model.invoke("hi", **call)
            list(model.stream("hi", **call))
        else:
            await model.ainvoke("hi", **call)
            [c async for c in model.astream("hi", **call)]
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
