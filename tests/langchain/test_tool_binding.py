"""ChatChatplex's `bind_tools`: tools checked when bound, parallel calls, a tool's
Anthropic fields and cache breakpoint sent as the partner sends them."""

from __future__ import annotations

from typing import Any

import pytest
from _chatchatplex import llm

from chatplex.langchain import ChatChatplex
from tests._recorded import sent_bodies


@pytest.mark.parametrize("sync", [True, False])
async def test_parallel_tool_calls_is_sent_as_the_wires_partner_sends_it(sync: bool) -> None:
    # langchain-anthropic has no `parallel_tool_calls` field: it sends
    # `disable_parallel_tool_use` inside `tool_choice`; Chat Completions has the field.
    def get_weather(city: str) -> str:
        """The weather in a city."""
        return "sunny"

    with sent_bodies() as (server, bodies):
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


def _weather_tools(
    fields: dict[str, Any], other_extras: dict[str, Any] | None = None
) -> dict[str, Any]:
    """A tool with Anthropic's tool `fields`, as an Anthropic tool dict and as a LangChain
    tool's `extras` (where langchain-anthropic reads its tool fields), those with
    `other_extras` too."""
    from langchain_core.tools import tool

    @tool(extras={**fields, **(other_extras or {})})
    def weather(city: str) -> str:
        """Weather."""
        return "sunny"

    as_dict = {
        "name": "weather",
        "description": "Weather.",
        "input_schema": {"type": "object", "properties": {"city": {"type": "string"}}},
        **fields,
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
    ours, theirs = await _tools_sent_and_partners(
        _weather_tools({"cache_control": {"type": "ephemeral"}})[form], sync
    )
    assert ours == theirs
    assert ours[0]["cache_control"] == {"type": "ephemeral"}


async def _tools_sent_and_partners(given: Any, sync: bool) -> tuple[Any, Any]:
    """The `tools` of the body chatplex sends for `bind_tools([given])` on Anthropic's
    wire (its reply calling the tool), and langchain-anthropic's for the same."""
    import langchain_anthropic

    partner = langchain_anthropic.ChatAnthropic(model="claude-sonnet-4-5", api_key="k")
    theirs = partner._get_request_payload("hi", **partner.bind_tools([given]).kwargs)
    with sent_bodies() as (server, bodies):
        model = ChatChatplex(model="anthropic:m", base_url=server.anthropic_base_url, api_key="k")
        bound = model.bind_tools([given])
        reply = await bound.ainvoke("use the tool") if not sync else bound.invoke("use the tool")
    assert reply.tool_calls[0]["name"] == "weather"
    return bodies[0]["tools"], theirs["tools"]


def get_weather(city: str) -> str:
    """The weather in a city."""
    return "sunny"


@pytest.mark.parametrize("sync", [True, False])
async def test_anthropic_binds_tools_in_its_partners_form_and_sends_the_same_request(
    sync: bool,
) -> None:
    # langchain-anthropic binds its tools as {"name", "input_schema", "description"} and
    # the choice as a `tool_choice` object (what handlers and tracers see among the
    # invocation params); the engine reads them back to the request the partner sends.
    import langchain_anthropic

    from chatplex.langchain import ChatAnthropic

    partner = langchain_anthropic.ChatAnthropic(model="claude-sonnet-4-5", api_key="k")
    with sent_bodies() as (server, bodies):
        model = ChatAnthropic(
            model="claude-sonnet-4-5", base_url=server.anthropic_base_url, api_key="k"
        )
        for choice in (None, "any", "auto", "get_weather"):
            bound = model.bind_tools([get_weather], tool_choice=choice)
            theirs = partner.bind_tools([get_weather], tool_choice=choice).kwargs
            assert bound.kwargs == theirs
            reply = bound.invoke("use the tool") if sync else await bound.ainvoke("use the tool")
            assert reply.tool_calls[0]["name"] == "get_weather"
            sent = partner._get_request_payload("use the tool", **theirs)
            assert bodies[-1]["tools"] == sent["tools"]
            assert bodies[-1].get("tool_choice") == sent.get("tool_choice")
    assert bodies[0]["tools"][0]["input_schema"]["required"] == ["city"]


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


@pytest.mark.parametrize("form", ["dict", "extras"])
@pytest.mark.parametrize("sync", [True, False])
async def test_a_tools_anthropic_fields_are_sent_as_langchain_anthropic_sends_them(
    sync: bool, form: str
) -> None:
    # langchain-anthropic sends a LangChain tool's extras of its tool-field names beside
    # the definition (defer_loading, input_examples...: not other extras), and an
    # Anthropic tool dict's as given.
    fields = {"defer_loading": True, "input_examples": [{"city": "Paris"}]}
    given = _weather_tools(fields, {"owner": "ops"})[form]
    ours, theirs = await _tools_sent_and_partners(given, sync)
    assert ours == theirs
    assert ours[0]["defer_loading"] is True
    assert "owner" not in ours[0]


def lookup(query: str, limit: int = 5) -> str:
    """Look something up."""
    return query


@pytest.mark.parametrize("sync", [True, False])
async def test_strict_reaches_the_tools_unless_the_partner_drops_it(sync: bool) -> None:
    # langchain-openai makes each tool strict; langchain-groq drops `strict=` (its
    # `bind_tools` pops it): the tools go as without it (`Adapter.bind_strict`).
    from chatplex.langchain import ChatGroq
    from chatplex.langchain import ChatOpenAI

    with sent_bodies() as (server, bodies):
        for cls in (ChatOpenAI, ChatGroq):
            model = cls(model="m", base_url=server.openai_base_url, api_key="k", max_retries=0)
            bound = model.bind_tools([lookup], strict=True)
            _ = bound.invoke("hi") if sync else await bound.ainvoke("hi")
    openai, groq = (body["tools"][0]["function"] for body in bodies)
    assert openai["strict"] is True and openai["parameters"]["required"] == ["query", "limit"]
    assert "strict" not in groq and groq["parameters"]["required"] == ["query"]


@pytest.mark.parametrize("sync", [True, False])
async def test_gemini_binds_tools_as_without_strict(sync: bool) -> None:
    # langchain-google-genai consumes `bind_tools(strict=...)` unsent
    # (`GeminiAdapter.bind_strict`): an optional parameter stays optional, so a forced
    # call is not told to fill it (the scripted server fills what is required).
    from chatplex.langchain import ChatGoogleGenerativeAI

    with sent_bodies() as (server, bodies):
        model = ChatGoogleGenerativeAI(
            model="gemini-2.5-flash", google_api_key="k", base_url=server.url, max_retries=0
        )
        bound = model.bind_tools([lookup], tool_choice="lookup", strict=True)
        reply = bound.invoke("hi") if sync else await bound.ainvoke("hi")
    (declared,) = bodies[0]["tools"][0]["functionDeclarations"]
    schema = declared["parametersJsonSchema"]
    assert schema["required"] == ["query"] and "additionalProperties" not in schema
    assert reply.tool_calls[0]["args"] == {"query": "x"}


_AWS = {
    "aws_access_key_id": "AKIDEXAMPLE",
    "aws_secret_access_key": "not-a-real-secret",
    "region_name": "us-east-1",
}


@pytest.mark.parametrize("sync", [True, False])
async def test_chatbedrock_binds_tools_as_without_strict(sync: bool) -> None:
    # langchain-aws's ChatBedrock ignores `bind_tools(strict=...)` off the Converse API
    # (`Adapter.bind_strict`): the tool's schema goes as without it, not made strict.
    import chatplex.langchain

    model_id = "us.anthropic.claude-3-5-haiku-20241022-v1:0"
    with sent_bodies() as (server, bodies):
        model = chatplex.langchain.ChatBedrock(model=model_id, endpoint_url=server.url, **_AWS)
        with pytest.warns(UserWarning, match="only supported when using the Converse API"):
            bound = model.bind_tools([lookup], strict=True)
        _ = bound.invoke("hi") if sync else await bound.ainvoke("hi")
    (tool,) = bodies[0]["tools"]
    assert "strict" not in tool and tool["input_schema"]["required"] == ["query"]
    assert "additionalProperties" not in tool["input_schema"]


@pytest.mark.parametrize("sync", [True, False])
async def test_tool_choice_unasked_is_bound_as_none_where_the_partner_binds_it(
    sync: bool,
) -> None:
    # langchain-aws's ChatBedrockConverse binds `tool_choice=None` when none is asked
    # (callbacks see it among the invocation params); its ChatBedrock binds none. The
    # request is the same: no choice sent.
    import chatplex.langchain

    def get_weather(city: str) -> str:
        """The weather in a city."""
        return "sunny"

    model_id = "us.anthropic.claude-3-5-haiku-20241022-v1:0"
    with sent_bodies() as (server, bodies):
        converse = chatplex.langchain.ChatBedrockConverse(
            model=model_id, endpoint_url=server.url, **_AWS
        )
        bound = converse.bind_tools([get_weather])
        assert "tool_choice" in bound.kwargs and bound.kwargs["tool_choice"] is None
        reply = bound.invoke("hi") if sync else await bound.ainvoke("hi")
        assert reply.content
        invoked = chatplex.langchain.ChatBedrock(model=model_id, endpoint_url=server.url, **_AWS)
        assert "tool_choice" not in invoked.bind_tools([get_weather]).kwargs
    assert "toolChoice" not in bodies[0]["toolConfig"]


@pytest.mark.parametrize("sync", [True, False])
async def test_chatbedrock_binds_an_anthropic_models_tools_as_langchain_aws_binds_them(
    sync: bool,
) -> None:
    # langchain-aws's ChatBedrock binds an Anthropic model's tools in Anthropic's form
    # (its own converter: description first) and the choice as a `tool_choice` object;
    # the body sent carries them as the Messages API takes them.
    import langchain_aws

    import chatplex.langchain

    model_id = "us.anthropic.claude-3-5-haiku-20241022-v1:0"
    partner = langchain_aws.ChatBedrock(model=model_id, **_AWS)
    with sent_bodies() as (server, bodies):
        model = chatplex.langchain.ChatBedrock(model=model_id, endpoint_url=server.url, **_AWS)
        bound = model.bind_tools([get_weather], tool_choice="get_weather")
        theirs = partner.bind_tools([get_weather], tool_choice="get_weather").kwargs
        assert bound.kwargs == theirs
        assert list(bound.kwargs["tools"][0]) == list(theirs["tools"][0])
        _ = bound.invoke("hi") if sync else await bound.ainvoke("hi")
    assert bodies[0]["tools"] == theirs["tools"]
    assert bodies[0]["tool_choice"] == {"type": "tool", "name": "get_weather"}


@pytest.mark.parametrize("sync", [True, False])
async def test_a_choice_bound_beside_a_builtin_tool_is_read_back(sync: bool) -> None:
    # The bound `tool_choice` object is read back with the tools it names among the
    # wire's built-in ones (which are no function tools), as langchain-anthropic sends it.
    from chatplex.langchain import ChatAnthropic

    search = {"type": "web_search_20250305", "name": "web_search", "max_uses": 2}
    with sent_bodies() as (server, bodies):
        model = ChatAnthropic(
            model="claude-haiku-4-5", base_url=server.anthropic_base_url, api_key="k"
        )
        bound = model.bind_tools([search, get_weather], tool_choice="get_weather")
        assert bound.kwargs["tool_choice"] == {"type": "tool", "name": "get_weather"}
        _ = bound.invoke("hi") if sync else await bound.ainvoke("hi")
    assert bodies[0]["tools"][0] == search
    assert bodies[0]["tool_choice"] == {"type": "tool", "name": "get_weather"}


#: LangChain's agents' `ProviderStrategy` format (`to_model_kwargs()`), bound beside tools.
_AGENT_FORMAT = {
    "type": "json_schema",
    "json_schema": {
        "name": "Forecast",
        "schema": {
            "title": "Forecast",
            "description": "A forecast for a city.",
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}


@pytest.mark.parametrize("sync", [True, False])
@pytest.mark.parametrize("name", ["ChatOpenAI", "ChatXAI", "ChatGroq"])
async def test_a_response_format_bound_beside_tools_is_the_partners(name: str, sync: bool) -> None:
    # langchain-openai's bind_tools (ChatXAI's too: a BaseChatOpenAI) rewrites an agent's
    # response_format into its own json_schema form (the description beside the name, no
    # title, strict false); langchain-groq's binds it as given. The bound kwargs are the
    # partner's, and so is what the request carries.
    import importlib

    import chatplex.langchain

    package = {"ChatOpenAI": "langchain_openai", "ChatXAI": "langchain_xai"}
    partner_class = getattr(importlib.import_module(package.get(name, "langchain_groq")), name)
    with sent_bodies() as (server, bodies):
        settings = {"model": "m", "api_key": "k", "base_url": server.openai_base_url}
        partner = partner_class(**settings)
        theirs = partner.bind_tools([get_weather], response_format=_AGENT_FORMAT).kwargs
        bound = getattr(chatplex.langchain, name)(**settings).bind_tools(
            [get_weather], response_format=_AGENT_FORMAT
        )
        assert bound.kwargs["response_format"] == theirs["response_format"]
        _ = bound.invoke("hi") if sync else await bound.ainvoke("hi")
    assert bodies[0]["response_format"] == theirs["response_format"]
    if name == "ChatGroq":
        assert theirs["response_format"] == _AGENT_FORMAT  # as given
    else:
        assert theirs["response_format"]["json_schema"]["strict"] is False


_PARALLEL_BINDINGS: list[dict[str, Any]] = [
    {"parallel_tool_calls": False},
    {"parallel_tool_calls": True},
    {"parallel_tool_calls": False, "tool_choice": "any"},
    {"parallel_tool_calls": False, "tool_choice": "get_weather"},
    {"tool_choice": {"type": "any", "disable_parallel_tool_use": True}},
]


@pytest.mark.parametrize("given", _PARALLEL_BINDINGS)
async def test_anthropic_binds_parallel_calls_as_langchain_anthropic(given: dict[str, Any]) -> None:
    # langchain-anthropic binds `disable_parallel_tool_use` inside its tool_choice object
    # (no extra_body): the same bound kwargs, and that object sent, sync and async.
    from langchain_anthropic import ChatAnthropic as Partner

    import chatplex.langchain

    def get_weather(city: str) -> str:
        """The weather in a city."""
        return "sunny"

    with sent_bodies() as (server, bodies):
        models = [
            cls(model="claude-haiku-4-5", api_key="k", base_url=server.anthropic_base_url)
            for cls in (Partner, chatplex.langchain.ChatAnthropic)
        ]
        theirs, ours = (m.bind_tools([get_weather], **given) for m in models)
        assert {k: v for k, v in ours.kwargs.items() if k != "tools"} == {
            k: v for k, v in theirs.kwargs.items() if k != "tools"
        }
        theirs.invoke("use the tool")
        ours.invoke("use the tool")
        await ours.ainvoke("use the tool")
    sent, *ours_sent = (body["tool_choice"] for body in bodies)
    assert ours_sent == [sent, sent] == [ours.kwargs["tool_choice"]] * 2
    assert not any("parallel_tool_calls" in body for body in bodies)


def test_a_wire_kind_of_tool_choice_is_sent_as_given_where_the_partner_sends_it() -> None:
    """`sent_as_given`: a tool_choice object chatplex does not read (the Responses API's
    `mcp`, `allowed_tools`...) goes as given only on a wire whose partner sends any
    object (`Adapter.sends_unread_tool_choice`); the kinds chatplex reads never."""
    from chatplex.langchain.tool_binding import sent_as_given
    from chatplex.providers.openai.adapter import OpenAIAdapter
    from chatplex.providers.openai.responses_adapter import OpenAIResponsesAdapter

    responses, chat = OpenAIResponsesAdapter(api_key="k"), OpenAIAdapter(api_key="k")
    mcp = {"type": "mcp", "server_label": "wiki"}
    assert sent_as_given(responses, mcp) and sent_as_given(responses, {"type": "file_search"})
    assert not sent_as_given(chat, mcp) and not sent_as_given(None, mcp)
    for read in ({"type": "function", "name": "f"}, {"type": "any"}, "required", None):
        assert not sent_as_given(responses, read)


def test_chatbedrock_warns_as_langchain_aws_where_it_drops_strict() -> None:
    """ChatBedrock (InvokeModel) drops `strict=` in `bind_tools` and in its structured
    output's tool with langchain-aws's UserWarning (False too; None: none), at the line
    binding the tools."""
    import warnings

    from pydantic import BaseModel

    import chatplex.langchain

    partner = pytest.importorskip("langchain_aws").ChatBedrock
    weather = {"name": "weather", "description": "Weather.", "parameters": {"type": "object"}}
    keys = {"region_name": "us-east-1", "aws_access_key_id": "a", "aws_secret_access_key": "b"}

    class Forecast(BaseModel):
        city: str

    def warned(cls: Any) -> list[Any]:
        model = cls(model_id="anthropic.claude-3-5-sonnet-20240620-v1:0", **keys)
        seen = []
        for strict in (True, False, None):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                model.bind_tools([weather], strict=strict)
                model.with_structured_output(Forecast, strict=strict)
            seen.append([(w.category, str(w.message)) for w in caught])
            if caught:
                assert caught[0].filename == __file__  # the line binding the tools
        return seen

    ours = warned(chatplex.langchain.ChatBedrock)
    assert ours == warned(partner)
    assert [len(w) for w in ours] == [2, 2, 0] and "Converse" in ours[0][0][1]


@pytest.mark.parametrize("sync", [True, False])
async def test_true_choice_beside_one_tool_forces_it_where_the_partner_names_it(
    sync: bool,
) -> None:
    # langchain-groq binds `tool_choice=True` beside one tool as that tool by name
    # (`Adapter.true_choice_names_lone_tool`); langchain-openai reads True as "required".
    from chatplex.langchain import ChatGroq
    from chatplex.langchain import ChatOpenAI

    def lookup(query: str) -> str:
        """Look something up."""
        return query

    with sent_bodies() as (server, bodies):
        for cls in (ChatOpenAI, ChatGroq):
            model = cls(model="m", base_url=server.openai_base_url, api_key="k", max_retries=0)
            bound = model.bind_tools([lookup], tool_choice=True)
            _ = bound.invoke("hi") if sync else await bound.ainvoke("hi")
    openai, groq = (body["tool_choice"] for body in bodies)
    assert openai == "required"
    assert groq == {"type": "function", "function": {"name": "lookup"}}


@pytest.mark.parametrize("sync", [True, False])
async def test_strict_leaves_a_tool_in_the_wires_own_form_as_given(sync: bool) -> None:
    # langchain-anthropic binds a dict in Anthropic's form (name, description,
    # input_schema) as given under `strict=True` (`Adapter.binds_as_given`); a function
    # beside it is made strict.
    import langchain_anthropic

    from chatplex.langchain import ChatAnthropic

    translate = {
        "name": "translate",
        "description": "Translate a text.",
        "input_schema": {
            "type": "object",
            "properties": {"text": {"type": "string"}, "target": {"type": "string"}},
            "required": ["text"],
        },
    }
    partner = langchain_anthropic.ChatAnthropic(model="claude-sonnet-4-5", api_key="k")
    theirs = partner.bind_tools([translate, get_weather], strict=True).kwargs
    sent = partner._get_request_payload("hi", **theirs)["tools"]
    with sent_bodies() as (server, bodies):
        model = ChatAnthropic(
            model="claude-sonnet-4-5", base_url=server.anthropic_base_url, api_key="k"
        )
        bound = model.bind_tools([translate, get_weather], strict=True)
        _ = bound.invoke("hi") if sync else await bound.ainvoke("hi")
    assert bodies[0]["tools"] == sent
    assert bodies[0]["tools"][0] == translate
    assert bodies[0]["tools"][1]["strict"] is True


@pytest.mark.parametrize("responses", [False, True])
@pytest.mark.parametrize("sync", [True, False])
async def test_a_tools_extras_go_beside_it_as_langchain_openai_copies_them(
    sync: bool, responses: bool
) -> None:
    # langchain-openai copies a LangChain tool's `extras` defer_loading and async beside
    # the function (`PartnerTraits.passed_tool_extras`), not its other extras (Anthropic's
    # input_examples): bound and sent as it binds and sends them.
    import langchain_openai
    from langchain_core.tools import tool

    from chatplex.langchain import ChatOpenAI

    @tool(extras={"defer_loading": True, "async": True, "input_examples": [{"q": "x"}]})
    def lookup(q: str) -> str:
        """Look something up."""
        return q

    given = {"model": "gpt-4o", "api_key": "k", "use_responses_api": responses}
    partner = langchain_openai.ChatOpenAI(**given)
    theirs = partner.bind_tools([lookup]).kwargs
    sent = partner._get_request_payload("hi", **theirs)["tools"]
    with sent_bodies() as (server, bodies):
        model = ChatOpenAI(**given, base_url=server.openai_base_url, max_retries=0)
        bound = model.bind_tools([lookup])
        assert bound.kwargs == theirs
        _ = bound.invoke("hi") if sync else await bound.ainvoke("hi")
    assert bodies[0]["tools"] == sent
    assert sent[0]["defer_loading"] is True and sent[0]["async"] is True


@pytest.mark.parametrize("name", ["ChatXAI", "ChatGroq"])
@pytest.mark.parametrize("sync", [True, False])
async def test_a_tools_extras_go_beside_it_where_the_partner_copies_them(
    sync: bool, name: str
) -> None:
    # langchain-xai's ChatXAI binds tools as langchain-openai (its extras beside each
    # function); langchain-groq's bind_tools copies none.
    import importlib

    from langchain_core.tools import tool

    import chatplex.langchain

    @tool(extras={"defer_loading": True, "async": True})
    def lookup(q: str) -> str:
        """Look something up."""
        return q

    package = {"ChatXAI": "langchain_xai", "ChatGroq": "langchain_groq"}[name]
    partner = getattr(importlib.import_module(package), name)(model="m", api_key="k")
    theirs = partner.bind_tools([lookup]).kwargs
    # (langchain-groq sends its bound tools as bound: it has no `_get_request_payload`)
    payload = getattr(partner, "_get_request_payload", None)
    sent = payload("hi", **theirs)["tools"] if payload else theirs["tools"]
    with sent_bodies() as (server, bodies):
        cls = getattr(chatplex.langchain, name)
        model = cls(model="m", base_url=server.openai_base_url, api_key="k", max_retries=0)
        bound = model.bind_tools([lookup])
        _ = bound.invoke("hi") if sync else await bound.ainvoke("hi")
    assert bodies[0]["tools"] == sent
    assert ("defer_loading" in sent[0]) is (name == "ChatXAI")
