"""Tools bound on a copy of a model (`chat/tool_binding.py`, `ChatModel.bind_tools`):
the tools and choice read, a wire's built-in tools sent in their place."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests._replies import anthropic_message
from tests._replies import chat_completion
from tests._weather import Trip
from tests.chat._model_wire import Wire
from tests.chat._model_wire import model_over


def test_bind_tools_gives_a_copy_offering_the_tools() -> None:
    def get_weather(city: str) -> str:
        """Weather of a city."""
        return city

    model = model_over(Wire())
    with_tools = model.bind_tools([get_weather], tool_choice="get_weather")
    assert [t.name for t in with_tools.tools] == ["get_weather"]
    assert with_tools.tool_choice == "get_weather"
    assert model.tools == () and model.tool_choice is None
    with pytest.raises(ValueError, match="nope"):
        model.bind_tools([get_weather], tool_choice="nope")


_ANTHROPIC_REPLY = anthropic_message("ok", usage={"input_tokens": 1, "output_tokens": 1})
_GEMINI_REPLY = {
    "candidates": [
        {"content": {"role": "model", "parts": [{"text": "ok"}]}, "finishReason": "STOP"}
    ],
    "usageMetadata": {"promptTokenCount": 1, "candidatesTokenCount": 1, "totalTokenCount": 2},
}


@pytest.mark.parametrize("sync", [True, False])
@pytest.mark.parametrize(
    ("model", "reply", "builtin", "sent"),
    [
        (
            "anthropic:claude-sonnet-4-5",
            _ANTHROPIC_REPLY,
            {"type": "web_search_20250305", "name": "web_search", "max_uses": 2},
            {"type": "web_search_20250305", "name": "web_search", "max_uses": 2},
        ),
        (
            "google_genai:gemini-2.5-flash",
            _GEMINI_REPLY,
            {"google_search": {}},
            {"googleSearch": {}},
        ),
    ],
)
async def test_bind_tools_sends_a_wires_builtin_tool_in_its_place(
    model: str, reply: dict[str, Any], builtin: dict[str, Any], sent: dict[str, Any], sync: bool
) -> None:
    import respx

    from chatplex import init_chat_model

    def get_weather(city: str) -> str:
        """The weather in a city."""
        return "sunny"

    chat = init_chat_model(model, api_key="k", base_url="https://gw.example")
    bound = chat.bind_tools([builtin, get_weather])
    with respx.mock:
        route = respx.post(url__startswith="https://gw.example/").respond(200, json=reply)
        answer = bound.invoke("hi") if sync else await bound.ainvoke("hi")
    assert answer.text == "ok"
    tools = json.loads(route.calls.last.request.content)["tools"]
    assert tools[0] == sent
    assert "get_weather" in json.dumps(tools[1])  # the function, after it


_OPENAI_REPLY = chat_completion(
    "ok",
    id="c1",
    model="m",
    created=1,
    usage={"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
)


def _empty_list_models() -> list[tuple[Any, dict[str, Any], list[Any] | None]]:
    """(model, its wire's reply, the `tools` a bound empty list sends: None, no member)."""
    import chatplex.langchain
    from chatplex import init_chat_model

    at = {"api_key": "k", "base_url": "https://gw.example"}
    return [
        # As langchain-anthropic, -groq and -mistralai send `bind_tools([])`.
        (chatplex.langchain.ChatAnthropic(model="claude-haiku-4-5", **at), _ANTHROPIC_REPLY, []),
        (chatplex.langchain.ChatGroq(model="llama-3.3-70b-versatile", **at), _OPENAI_REPLY, []),
        (chatplex.langchain.ChatMistralAI(model="mistral-small-latest", **at), _OPENAI_REPLY, []),
        # langchain-openai sends `tools: []` too, which OpenAI refuses (400).
        (chatplex.langchain.ChatOpenAI(model="gpt-4o-mini", **at), _OPENAI_REPLY, None),
        # chatplex's own models, under no LangChain name, send no empty list.
        (init_chat_model("anthropic:claude-haiku-4-5", **at), _ANTHROPIC_REPLY, None),
        (init_chat_model("groq:llama-3.3-70b-versatile", **at), _OPENAI_REPLY, None),
    ]


@pytest.mark.parametrize("sync", [True, False])
@pytest.mark.parametrize("case", range(6))
async def test_an_empty_tool_list_is_sent_as_bound_where_the_partner_sends_it(
    case: int, sync: bool
) -> None:
    import respx

    model, reply, sent = _empty_list_models()[case]
    bodies = []
    with respx.mock:
        route = respx.post(url__startswith="https://gw.example/").respond(200, json=reply)
        for call in (lambda: model.bind_tools([]), lambda: model.bind(tools=[])):
            bound = call()
            answer = bound.invoke("hi") if sync else await bound.ainvoke("hi")
            assert answer.text == "ok"
            bodies.append(json.loads(route.calls.last.request.content))
        # Unbound, no model sends a `tools` member.
        await model.ainvoke("hi") if not sync else model.invoke("hi")
        assert "tools" not in json.loads(route.calls.last.request.content)
    assert [body.get("tools") for body in bodies] == [sent, sent]


@pytest.mark.parametrize("sync", [True, False])
async def test_a_choice_beside_an_empty_tool_list_is_sent_as_the_partner_sends_it(
    sync: bool,
) -> None:
    # langchain-anthropic, -groq, -mistralai, -xai, -fireworks and -perplexity send
    # bind_tools([], tool_choice=...) as the choice beside `tools: []` ('none' to
    # Anthropic as its own 'none': see test_generated_requests' kept row; Fireworks'
    # 'any' as written, its `PartnerCalls.choices_as_given`); chatplex's own models refuse 'any' at
    # bind_tools.
    import respx

    import chatplex.langchain
    from chatplex import init_chat_model

    at = {"api_key": "k", "base_url": "https://gw.example"}
    fireworks = "accounts/fireworks/models/llama-v3p1-8b-instruct"
    anthropic = [{"type": kind} for kind in ("auto", "none", "any")]
    models = [
        (
            chatplex.langchain.ChatAnthropic(model="claude-haiku-4-5", **at),
            _ANTHROPIC_REPLY,
            anthropic,
        ),
        (
            chatplex.langchain.ChatGroq(model="llama-3.3-70b-versatile", **at),
            _OPENAI_REPLY,
            ["auto", "none", "required"],
        ),
        (
            chatplex.langchain.ChatMistralAI(model="mistral-small-latest", **at),
            _OPENAI_REPLY,
            ["auto", "none", "any"],
        ),
        (
            chatplex.langchain.ChatXAI(model="grok-4", **at),
            _OPENAI_REPLY,
            ["auto", "none", "required"],
        ),
        (
            chatplex.langchain.ChatFireworks(model=fireworks, **at),
            _OPENAI_REPLY,
            ["auto", "none", "any"],
        ),
        (
            chatplex.langchain.ChatPerplexity(model="sonar", **at),
            _OPENAI_REPLY,
            ["auto", "none", "required"],
        ),
    ]
    with respx.mock:
        for model, reply, choices in models:
            route = respx.post(url__startswith="https://gw.example/").respond(200, json=reply)
            sent = []
            for choice in ("auto", "none", "any"):
                bound = model.bind_tools([], tool_choice=choice)
                answer = bound.invoke("hi") if sync else await bound.ainvoke("hi")
                assert answer.text == "ok"
                body = json.loads(route.calls.last.request.content)
                sent.append((body["tools"], body["tool_choice"]))
            assert sent == [([], c) for c in choices], type(model).__name__
    own = init_chat_model("anthropic:claude-haiku-4-5", **at)
    with pytest.raises(ValueError, match="needs bound tools"):
        own.bind_tools([], tool_choice="any")


def _partner_tools(provider: str) -> list[dict[str, Any]]:
    """What the partner package sends for `bind_tools([Trip])`: its own converter's."""
    if provider.startswith("openai:"):
        from langchain_core.utils.function_calling import convert_to_openai_tool

        return [convert_to_openai_tool(Trip)]
    from langchain_anthropic.chat_models import convert_to_anthropic_tool

    return [dict(convert_to_anthropic_tool(Trip))]


@pytest.mark.parametrize("sync", [True, False])
@pytest.mark.parametrize(
    ("provider", "reply"),
    [("openai:gpt-4o-mini", _OPENAI_REPLY), ("anthropic:claude-haiku-4-5", _ANTHROPIC_REPLY)],
)
async def test_a_nested_models_tool_is_sent_in_place_as_the_partner_sends_it(
    provider: str, reply: dict[str, Any], sync: bool
) -> None:
    # langchain-core's `convert_to_openai_tool` (langchain-anthropic's converter reads
    # it) inlines a class's nested models, no `$defs`; chatplex's own models send the
    # same tool.
    import respx

    from chatplex import init_chat_model

    model = init_chat_model(provider, api_key="k", base_url="https://gw.example")
    bound = model.bind_tools([Trip])
    with respx.mock:
        route = respx.post(url__startswith="https://gw.example/").respond(200, json=reply)
        answer = bound.invoke("hi") if sync else await bound.ainvoke("hi")
    assert answer.text == "ok"
    sent = json.loads(route.calls.last.request.content)["tools"]
    assert sent == _partner_tools(provider)
    assert "$defs" not in json.dumps(sent) and "$ref" not in json.dumps(sent)
