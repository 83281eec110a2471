"""ChatOpenAI / ChatAnthropic: LangChain's constructors over chatplex models; the
API-parameter check, model_kwargs, streaming, stream_usage, rate_limiter, generate."""

from __future__ import annotations

from typing import Any

import pytest

from chatplex import ChatModel
from chatplex import init_chat_model
from chatplex.providers.openai.base_chat_openai import data_of
from chatplex.providers.openai.dropin import build
from chatplex.testing import MockServer
from tests._dropins import engine
from tests._replies import chat_completion

ChatAnthropic = engine("ChatAnthropic")  # (built from its record: no engine class)


def ChatOpenAI(**keywords: Any) -> ChatModel:  # noqa: N802  (the class it stands for)
    """ChatOpenAI's constructor as its record builds it: chatplex's own words."""
    return build(keywords)


def openai(server: MockServer, **kw: Any) -> ChatModel:
    return ChatOpenAI(model="gpt-4o-mini", base_url=server.openai_base_url, api_key="k", **kw)


def anthropic(server: MockServer, **kw: Any) -> ChatModel:
    return ChatAnthropic(
        model="claude-sonnet-4-5", base_url=server.anthropic_base_url, api_key="k", **kw
    )


def test_aliases_resolve_to_the_same_settings() -> None:
    model = ChatOpenAI(
        model_name="gpt-4o",
        openai_api_key="sk-test-secret",
        max_completion_tokens=10,
        request_timeout=5,
        stop_sequences=["x"],
        openai_api_base="http://127.0.0.1:1/v1",
    )
    assert (model.model, model.max_tokens, model.timeout, model.stop) == ("gpt-4o", 10, 5, ["x"])
    assert data_of(model).model_name == "gpt-4o"  # (the partner's model_name)
    assert "sk-test-secret" not in repr(model) + repr(model.adapter)
    claude = ChatAnthropic(
        model_name="claude-x", anthropic_api_key="k", max_tokens_to_sample=7, stop=["s"]
    )
    assert (claude.model, claude.max_tokens, claude.stop) == ("claude-x", 7, ["s"])


def test_two_values_for_one_setting_are_refused() -> None:
    with pytest.raises(TypeError, match="model='a' and model_name='b'"):
        ChatOpenAI(model="a", model_name="b", api_key="k")


@pytest.mark.parametrize("cls", [ChatOpenAI, ChatAnthropic])
def test_a_typo_names_the_closest_setting(cls: type[ChatModel]) -> None:
    with pytest.raises(TypeError, match=r"'temprature' \(did you mean 'temperature'\?\)"):
        cls(model="m", api_key="k", temprature=0)  # type: ignore[call-arg]


def test_init_chat_model_checks_api_parameters_too() -> None:
    with pytest.raises(TypeError, match="did you mean 'seed'"):
        init_chat_model("openai:gpt-4o-mini", api_key="k", sed=1)
    with pytest.raises(TypeError, match="anthropic API"):
        init_chat_model("anthropic:claude-x", api_key="k", seed=1)  # Anthropic has no seed
    model = init_chat_model("openai:gpt-4o-mini", api_key="k", model_kwargs={"new_param": 1})
    assert type(model) is ChatModel and model.extra_body == {"new_param": 1}


def test_refused_langchain_settings_say_why() -> None:
    with pytest.raises(TypeError, match=r"\(no SDK client\); pass http_client="):
        ChatOpenAI(api_key="k", root_async_client=object())
    with pytest.raises(TypeError, match="disable_streaming"):
        ChatOpenAI(model="m", api_key="k", disable_streaming=True)
    ChatOpenAI(api_key="k", cache=False, use_responses_api=False, output_version="v0")
    assert ChatOpenAI(model="m", api_key="k", cache=True).cache is True  # a cache is set


def test_model_kwargs_and_api_parameters_reach_the_body() -> None:
    with pytest.warns(UserWarning, match="user was transferred to model_kwargs"):
        model = ChatOpenAI(
            api_key="k", seed=3, n=2, model_kwargs={"future": 1}, extra_body={"x": 2}, user="u"
        )
    assert model.extra_body == {"n": 2, "seed": 3, "user": "u", "future": 1, "x": 2}
    with pytest.raises(ValueError, match="temperature"):
        ChatOpenAI(api_key="k", model_kwargs={"temperature": 1})
    bound = model.bind(model_kwargs={"later": True})
    assert bound.extra_body["later"] is True and "later" not in model.extra_body
    with pytest.raises(TypeError, match="did you mean 'seed'"):
        model.bind(sed=1)


def test_n_above_one_cannot_stream() -> None:
    with pytest.raises(ValueError, match="n must be 1 when streaming"):
        ChatOpenAI(api_key="k", n=2, streaming=True)
    with pytest.raises(ValueError, match="n must be an int"):
        ChatOpenAI(api_key="k", n=0)


def test_default_query_joins_the_base_url() -> None:
    model = ChatOpenAI(api_key="k", base_url="http://h/v1?a=1", default_query={"api-version": "2"})
    assert model.adapter.base_url == "http://h/v1?a=1&api-version=2"  # type: ignore[union-attr]


async def test_names_in_events(server: MockServer) -> None:
    record_built = engine("ChatOpenAI")(
        model="gpt-4o-mini", base_url=server.openai_base_url, api_key="k"
    )
    for model, name in ((record_built, "ChatOpenAI"), (anthropic(server), "ChatAnthropic")):
        events = [e async for e in model.astream_events("hi", include_names=[name])]
        assert {e["name"] for e in events} == {name}
        assert events[0]["event"] == "on_chat_model_start"


class CountingLimiter:
    def __init__(self) -> None:
        self.calls = 0

    def acquire(self, blocking: bool = True) -> bool:
        self.calls += 1
        return True

    async def aacquire(self, blocking: bool = True) -> bool:
        self.calls += 1
        return True


@pytest.mark.parametrize("sync", [True, False])
async def test_a_langchain_style_limiter_is_asked_per_request(
    server: MockServer, sync: bool
) -> None:
    limiter = CountingLimiter()
    model = openai(server, rate_limiter=limiter)
    if sync:
        model.invoke("a")
        list(model.stream("b"))
        model.batch(["c", "d"])
    else:
        await model.ainvoke("a")
        _ = [c async for c in model.astream("b")]
        await model.abatch(["c", "d"])
    assert limiter.calls == 4


def test_rate_limiter_takes_a_rate_limit_and_refuses_other_things() -> None:
    from chatplex.http import RateLimit

    model = ChatOpenAI(api_key="k", rate_limiter=RateLimit(requests_per_minute=60))
    assert model.rate_limit == RateLimit(requests_per_minute=60)
    with pytest.raises(TypeError, match="rate_limiter must be"):
        ChatOpenAI(api_key="k", rate_limiter=42)


class Tokens:
    def __init__(self) -> None:
        self.tokens: list[str] = []

    def on_llm_new_token(self, token: str, **kwargs: Any) -> None:
        self.tokens.append(token)


@pytest.mark.parametrize("sync", [True, False])
async def test_streaming_true_streams_under_invoke(server: MockServer, sync: bool) -> None:
    handler = Tokens()
    model, config = openai(server, streaming=True), {"callbacks": [handler]}
    reply = (
        model.invoke("stream me", config=config)
        if sync
        else await model.ainvoke("stream me", config=config)
    )
    assert reply.text == "Echo: stream me"
    assert "".join(handler.tokens) == "Echo: stream me"


@pytest.mark.parametrize("sync", [True, False])
async def test_stream_usage_false_drops_usage(server: MockServer, sync: bool) -> None:
    for model in (openai(server, stream_usage=False), anthropic(server, stream_usage=False)):
        chunks = list(model.stream("x")) if sync else [c async for c in model.astream("x")]
        assert chunks and all(c.usage_metadata is None for c in chunks)


@pytest.mark.parametrize("sync", [True, False])
async def test_stream_usage_false_keeps_the_usage_a_server_sends_unasked(sync: bool) -> None:
    """Issue 47: on Chat Completions `stream_usage=False` only leaves `stream_options`
    unasked; usage a server sends anyway (Groq, Together...) is kept, as LangChain keeps
    it (cost and usage callbacks read it)."""
    import json

    import respx

    usage = {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}
    events = [
        {"id": "c1", "choices": [{"index": 0, "delta": {"content": "Hi"}}]},
        {"id": "c1", "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
        {"id": "c1", "choices": [], "usage": usage},
    ]
    sse = "".join(f"data: {json.dumps(e)}\n\n" for e in events) + "data: [DONE]\n\n"
    url = "https://gw.example/v1"
    with respx.mock:
        route = respx.post(f"{url}/chat/completions").respond(
            200, text=sse, headers={"content-type": "text/event-stream"}
        )
        model = ChatOpenAI(model="m", base_url=url, api_key="k", stream_usage=False)
        chunks = list(model.stream("x")) if sync else [c async for c in model.astream("x")]
    assert "stream_options" not in json.loads(route.calls[0].request.content)
    [kept] = [c.usage_metadata for c in chunks if c.usage_metadata is not None]
    assert (kept["input_tokens"], kept["output_tokens"], kept["total_tokens"]) == (3, 2, 5)


@pytest.mark.parametrize("sync", [True, False])
async def test_generate_returns_every_candidate(server: MockServer, sync: bool) -> None:
    model = openai(server, n=2)
    prompts = [["first"], ["second"]]
    result = model.generate(prompts) if sync else await model.agenerate(prompts)
    assert [[g.text for g in c] for c in result.generations] == [["Echo: first"] * 2] + [
        ["Echo: second"] * 2
    ]
    assert result.llm_output is not None and result.llm_output["model_name"] == "gpt-4o-mini"


@pytest.mark.parametrize("sync", [True, False])
async def test_generate_reports_usage_in_the_providers_keys_and_finish_reasons(
    server: MockServer, sync: bool
) -> None:
    # As langchain-openai's generate(): llm_output["token_usage"] is the raw usage summed
    # over the prompts, and each generation carries its finish_reason.
    model = openai(server)
    prompts = [["first"], ["second"]]
    result = model.generate(prompts) if sync else await model.agenerate(prompts)
    assert result.llm_output is not None
    usage = result.llm_output["token_usage"]
    replies = [model.invoke(p) for p in prompts]
    raw = [r.response_metadata["token_usage"] for r in replies]
    assert usage["prompt_tokens"] == sum(u["prompt_tokens"] for u in raw)
    assert usage["completion_tokens"] == sum(u["completion_tokens"] for u in raw)
    for row in result.generations:
        assert row[0].generation_info and row[0].generation_info["finish_reason"] == "stop"


# ---- configurable_fields: langchain-core's model_name, no partner's spelling -------------


def test_configurable_fields_take_model_name_and_chatplexs_fields() -> None:
    lc = pytest.importorskip("langchain_core.runnables")
    from chatplex.testing import ChatMock

    model = ChatOpenAI(model="gpt-4o-mini", api_key="k", temperature=0)
    switch = model.configurable_fields(
        model_name=lc.ConfigurableField(id="model_name"),
        temperature=lc.ConfigurableField(id="temp"),
        max_tokens=lc.ConfigurableField(id="limit"),
    )
    assert {s.id: s.default for s in switch.config_specs} == {
        "model_name": "gpt-4o-mini",
        "temp": 0,
        "limit": None,
    }
    with ChatMock() as mock:
        mock.openai.reply_text("one").reply_text("two")
        switch.invoke("hi")
        assert mock.openai.last_settings == {"model": "gpt-4o-mini", "temperature": 0}
        configured = switch.with_config(
            {"configurable": {"model_name": "gpt-4o", "temp": 0.7, "limit": 9}}
        )
        configured.invoke("hi")
        sent = mock.openai.last_settings
    assert (sent["model"], sent["temperature"]) == ("gpt-4o", 0.7)
    assert 9 in (sent.get("max_tokens"), sent.get("max_completion_tokens"))


async def test_configurable_model_name_on_the_async_path(server: MockServer) -> None:
    lc = pytest.importorskip("langchain_core.runnables")
    switch = anthropic(server).configurable_fields(model_name=lc.ConfigurableField(id="model"))
    config: Any = {"configurable": {"model": "claude-haiku-4-5"}}
    reply = await switch.ainvoke("hi", config)
    assert reply.response_metadata["model_name"] == "claude-haiku-4-5"
    default = await switch.ainvoke("hi")
    assert default.response_metadata["model_name"] == "claude-sonnet-4-5"


@pytest.mark.parametrize("spelling", ["openai_api_key", "max_completion_tokens"])
def test_a_partner_classs_spelling_is_no_field_of_chatplexs_own_model(spelling: str) -> None:
    # (the LangChain family's classes take them: tests/langchain/test_settings_fields.py)
    field = __import__("chatplex").core.ConfigurableField(id="x")
    with pytest.raises(ValueError, match=f"no field '{spelling}' to configure"):
        ChatOpenAI(model="m", api_key="k").configurable_fields(**{spelling: field})


# --- parameters and defaults as LangChain sends them: each body built by LangChain too --------

from typing import Annotated  # noqa: E402 - the section's own imports

from pydantic import BaseModel  # noqa: E402
from pydantic import Field  # noqa: E402
from typing_extensions import TypedDict  # noqa: E402


class Lookup(BaseModel):
    """Look something up."""

    query: str = Field(description="what to look for")
    limit: int | None = None


class Weather(TypedDict):
    """Weather of a city."""

    city: Annotated[str, ..., "the city"]
    unit: Annotated[str, "C", "C or F"]


RAW_TOOL = {
    "type": "function",
    "function": {
        "name": "ping",
        "description": "Ping.",
        "parameters": {"type": "object", "properties": {"host": {"type": "string"}}},
    },
}
TOOLS = [Lookup, Weather, RAW_TOOL]


def _langchain_body(bound: Any, model: Any) -> dict[str, Any]:
    kwargs = dict(getattr(bound, "kwargs", {}))
    body = model._get_request_payload("hi", **kwargs)
    return {k: v for k, v in body.items() if k != "messages"}


def _chatplex_body(model: ChatModel) -> dict[str, Any]:
    return {k: v for k, v in model.build_request("hi").json.items() if k != "messages"}


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"parallel_tool_calls": False},
        {"parallel_tool_calls": True},
        {"strict": True},
        {"strict": False},
        {"strict": True, "parallel_tool_calls": False, "tool_choice": "Lookup"},
        {"tool_choice": "any", "parallel_tool_calls": False},
    ],
    ids=lambda kw: ",".join(f"{k}={v}" for k, v in kw.items()) or "plain",
)
def test_openai_bind_tools_body_is_langchain_openais(kwargs: dict[str, Any]) -> None:
    import langchain_openai

    theirs = langchain_openai.ChatOpenAI(model="gpt-4o-mini", api_key="sk-test")
    ours = ChatOpenAI(model="gpt-4o-mini", api_key="sk-test")
    expected = _langchain_body(theirs.bind_tools(TOOLS, **kwargs), theirs)
    assert _chatplex_body(ours.bind_tools(TOOLS, **kwargs)) == expected


@pytest.mark.parametrize(
    "kwargs",
    [
        {"parallel_tool_calls": False},
        {"parallel_tool_calls": True},
        {"strict": True},
        {"tool_choice": "Lookup", "parallel_tool_calls": False},
        {"tool_choice": "any", "parallel_tool_calls": False},
    ],
    ids=lambda kw: ",".join(f"{k}={v}" for k, v in kw.items()),
)
def test_anthropic_bind_tools_body_is_langchain_anthropics(kwargs: dict[str, Any]) -> None:
    import langchain_anthropic

    theirs = langchain_anthropic.ChatAnthropic(model="claude-sonnet-4-5", api_key="sk-test")
    ours = ChatAnthropic(model="claude-sonnet-4-5", api_key="sk-test")
    tools = [Lookup, Weather]
    expected = _langchain_body(theirs.bind_tools(tools, **kwargs), theirs)
    assert _chatplex_body(ours.bind_tools(tools, **kwargs)) == expected


def test_bind_tools_of_any_chat_model_takes_langchains_keywords() -> None:
    model = init_chat_model("openai:gpt-4o-mini", api_key="sk-test")
    body = _chatplex_body(model.bind_tools([Lookup], strict=True, parallel_tool_calls=False))
    assert body["parallel_tool_calls"] is False
    assert body["tools"][0]["function"]["strict"] is True
    with pytest.raises(TypeError, match="parallel_tool_calls must be True or False"):
        model.bind_tools([Lookup], parallel_tool_calls="no")  # type: ignore[arg-type]


def test_anthropic_tool_cache_control_is_sent_as_langchain_anthropic_sends_it() -> None:
    import langchain_anthropic

    tool = {
        "name": "get",
        "description": "Get it.",
        "input_schema": {"type": "object", "properties": {"a": {"type": "string"}}},
        "cache_control": {"type": "ephemeral"},
    }
    theirs = langchain_anthropic.ChatAnthropic(model="claude-sonnet-4-5", api_key="sk-test")
    ours = ChatAnthropic(model="claude-sonnet-4-5", api_key="sk-test")
    expected = _langchain_body(theirs.bind_tools([tool]), theirs)
    got = _chatplex_body(ours.bind_tools([tool]))
    assert got == expected
    assert got["tools"][0]["cache_control"] == {"type": "ephemeral"}
    # The same through bind(tools=...), as a script may pass them.
    assert _chatplex_body(ours.bind(tools=[tool]))["tools"] == expected["tools"]


@pytest.mark.parametrize("sync", [True, False])
async def test_bound_tool_flags_reach_the_wire(sync: bool) -> None:
    import json

    import httpx
    import respx

    reply = chat_completion("ok", id="c")
    model = ChatOpenAI(model="gpt-4o-mini", api_key="sk-test", base_url="https://gw.example/v1")
    bound = model.bind_tools([Lookup], strict=True, parallel_tool_calls=False)
    with respx.mock:
        route = respx.post("https://gw.example/v1/chat/completions").mock(
            return_value=httpx.Response(200, json=reply)
        )
        if sync:
            bound.invoke("hi")
        else:
            await bound.ainvoke("hi")
    sent = json.loads(route.calls.last.request.content)
    assert sent["parallel_tool_calls"] is False
    assert sent["tools"][0]["function"]["strict"] is True
    assert sent["tools"][0]["function"]["parameters"]["additionalProperties"] is False


# ---- the end of a stream, as LangChain's BaseChatModel.stream ends it ----------------


def _positions(chunks: list[Any]) -> list[Any]:
    return [(c.content, c.chunk_position) for c in chunks]


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_a_stream_ends_on_one_chunk_marked_last(server: MockServer, sync: bool) -> None:
    # stream_usage given: asked as langchain-openai would be asked, so LangChain's rule
    # holds: the last chunk is unmarked, and one empty chunk marked last follows it.
    model = openai(server, stream_usage=True)
    chunks = list(model.stream("a b")) if sync else [c async for c in model.astream("a b")]
    assert chunks[-1].content == "" and chunks[-1].chunk_position == "last"
    assert chunks[-1].usage_metadata is None and chunks[-1].response_metadata == {}
    assert chunks[-2].usage_metadata is not None  # the usage chunk, unmarked
    assert all(c.chunk_position is None for c in chunks[:-1])


def test_stream_usage_is_asked_only_where_langchain_openai_asks(server: MockServer) -> None:
    # Issue 47: langchain-openai asks no stream usage of a base URL; nor does chatplex's
    # ChatOpenAI by default (stream_usage=True asks). Its stream ends on the empty
    # closing chunk, as LangChain's.
    defaulted, given = openai(server), openai(server, stream_usage=True)
    assert not defaulted.usage_closes_stream and not given.usage_closes_stream
    ours, theirs = list(defaulted.stream("a b")), list(given.stream("a b"))
    assert all(c.usage_metadata is None for c in ours)
    assert any(c.usage_metadata is not None for c in theirs)
    assert ours[-1].chunk_position == "last" and ours[-1].content == ""


def test_an_anthropic_stream_ends_on_its_stop_chunk(server: MockServer) -> None:
    chunks = list(anthropic(server).stream("a b"))
    assert chunks[-1].chunk_position == "last"
    assert chunks[-1].response_metadata.get("stop_reason")  # no empty chunk after it
    assert all(c.chunk_position is None for c in chunks[:-1])


def test_closing_chunk_follows_the_last_chunks_content_kind() -> None:
    from chatplex.chat.streams import closed
    from chatplex.chat.streams import closing_chunk
    from chatplex.messages import AIMessageChunk

    assert closing_chunk(None) is None
    assert closing_chunk(AIMessageChunk("x", chunk_position="last")) is None
    listed = closing_chunk(AIMessageChunk([{"type": "text", "text": "x"}]))
    assert listed is not None and listed.content == [] and listed.chunk_position == "last"
    # An empty stream stays empty; a held bare chunk is marked, not followed.
    assert list(closed(iter([]), usage_closes=True)) == []
    bare = AIMessageChunk(
        "", usage_metadata={"input_tokens": 1, "output_tokens": 1, "total_tokens": 2}
    )
    out = list(closed(iter([AIMessageChunk("hi"), bare]), usage_closes=True))
    assert _positions(out) == [("hi", None), ("", "last")]
    assert out[-1].usage_metadata == bare.usage_metadata


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_streaming_invoke_reports_the_closing_chunk_as_a_token(
    server: MockServer, sync: bool
) -> None:
    # LangChain's invoke with streaming=True reports its closing chunk too ("").
    handler = Tokens()
    model, config = openai(server, streaming=True, stream_usage=True), {"callbacks": [handler]}
    reply = (
        model.invoke("a b", config=config) if sync else await model.ainvoke("a b", config=config)
    )
    streamed = list(openai(server, stream_usage=True).stream("a b"))
    assert handler.tokens == [c.text for c in streamed]
    assert handler.tokens[-1] == "" and reply.text == "Echo: a b"


def test_a_foreign_limiters_permit_takes_only_a_permits_release_keywords() -> None:
    # The http layer releases every permit alike; the foreign limiter's takes the same
    # keywords (and ignores them), so a misspelt one fails as on chatplex's own budget.
    from chatplex.chat.limiter import ForeignLimiterBudget

    permit = ForeignLimiterBudget(CountingLimiter()).acquire(0)
    permit.release(used_tokens=3, status=200, retry_after=None, headers={})
    with pytest.raises(TypeError, match="used_token"):
        permit.release(used_token=3)  # type: ignore[call-arg]
