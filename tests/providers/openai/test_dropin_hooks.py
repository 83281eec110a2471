"""langchain-openai's ChatOpenAI's own ways as functions of a plain `ChatModel` (its
record's hooks, `dropin.py`): built-in tools bound switch to the Responses adapter its
Chat Completions adapter holds (`responses_switch`) or are refused where it holds none,
its temperature rule on the constructor's keywords, its profile's mid-conversation
tools. The engine's methods answer with the same functions (test_dropin.py, the
partner suites)."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from chatplex.chat.model import ChatModel
from chatplex.providers.openai import dropin
from chatplex.providers.openai.adapter import OpenAIAdapter
from chatplex.providers.openai.responses_adapter import OpenAIResponsesAdapter


def get_weather(city: str) -> str:
    """The weather in a city."""
    return "sunny"


def _model(*, switch: bool) -> ChatModel:
    adapter = OpenAIAdapter(api_key="sk-test")
    if switch:
        adapter.responses_switch = OpenAIResponsesAdapter(api_key="sk-test")
    model = ChatModel(adapter, "gpt-4o", name="ChatOpenAI")
    # (what chatplex.langchain hands down of its record's hooks: `engine_as_partner`)
    model.partner_calls = dataclasses.replace(
        model.partner_calls,
        tools_to_bind=dropin.tools_to_bind,
        finish_binding=dropin.finish_binding,
    )
    return model


def test_builtin_tools_bound_switch_to_the_responses_api_in_their_place() -> None:
    model = _model(switch=True)
    bound = model.bind_tools(
        [{"type": "web_search"}, get_weather, {"type": "file_search"}], tool_choice="web_search"
    )
    assert bound.provider == "openai_responses"
    assert bound.adapter is model.adapter.responses_switch  # type: ignore[attr-defined]
    assert [t.name for t in bound.tools] == ["web_search", "get_weather", "file_search"]
    assert bound.tool_choice == "web_search"
    assert model.provider == "openai" and model.tools == ()


def test_functions_alone_bind_as_on_any_model() -> None:
    model = _model(switch=True)
    bound = model.bind_tools([get_weather], tool_choice="get_weather")
    assert bound.provider == "openai" and bound.adapter is model.adapter
    assert [t.name for t in bound.tools] == ["get_weather"]


def test_builtin_tools_are_refused_without_the_responses_api() -> None:
    with pytest.raises(ValueError, match=r"built-in tools \(web_search\) need the Responses API"):
        _model(switch=False).bind_tools([{"type": "web_search"}])


@pytest.mark.parametrize(
    ("given", "settled"),
    [
        ({"model": "gpt-4o", "temperature": 0.3}, {"model": "gpt-4o", "temperature": 0.3}),
        ({"model_name": "o1"}, {"model_name": "o1", "temperature": 1}),  # o1's default
        ({"model": "gpt-5-mini", "temperature": 0.3}, {"model": "gpt-5-mini"}),  # dropped
    ],
)
def test_its_temperature_rule_runs_on_the_constructors_keywords(
    given: dict[str, Any], settled: dict[str, Any]
) -> None:
    assert dropin.partner_settings(given) == settled
    assert dropin.partner_settings(given) is not given
    # A copy LangChain rebuilds hands every field: a None temperature is not o1's 1.
    rebuilt = dropin.partner_settings(dropin.rebuilt_settings({"model_name": "o1"}))
    assert rebuilt == {"model_name": "o1", "temperature": None}


@pytest.mark.parametrize(("provider", "kept"), [("openai", False), ("openai_responses", True)])
def test_only_the_responses_api_carries_a_tool_added_mid_conversation(
    provider: str, kept: bool
) -> None:
    model = _model(switch=True)
    model.provider = provider
    found = dropin.chat_openai_profile(model, {"mid_conversation_tools": True, "x": 1})
    assert found == {"mid_conversation_tools": kept, "x": 1}
    assert dropin.chat_openai_profile(model, {}) is None


@pytest.mark.parametrize(("use_responses_api", "switched"), [(None, True), (False, False)])
def test_the_constructors_chat_adapter_holds_the_switch_its_hooks_read(
    use_responses_api: bool | None, switched: bool
) -> None:
    given = {"model_name": "gpt-4o", "openai_api_key": "sk-test"}
    made = dropin.build({**given, "use_responses_api": use_responses_api})
    assert (dropin.responses_switch(made) is not None) == switched
    plain = ChatModel(made.adapter, "gpt-4o", name="ChatOpenAI")
    tools, choice = dropin.tools_to_bind(plain, [get_weather], "auto")
    assert list(tools) == [get_weather] and choice == "auto"
