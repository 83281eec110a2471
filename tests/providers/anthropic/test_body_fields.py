"""The Anthropic body's fields beside its messages (`providers/anthropic/body_fields.py`):
sampling settings, tools and tool choice, built-in tools."""

from __future__ import annotations

import pytest

from chatplex.adapters.request_types import CallSettings
from chatplex.adapters.request_types import ToolSpec
from chatplex.providers.anthropic.body_fields import sampling_fields
from chatplex.providers.anthropic.body_fields import wire_tool_choice
from chatplex.providers.anthropic.body_fields import wire_tools

WEATHER = ToolSpec("weather", "Weather of a city.", {"type": "object"})


def test_sampling_fields_are_sent_only_when_set() -> None:
    assert sampling_fields(CallSettings("m")) == {}
    settings = CallSettings("m", temperature=0.0, top_p=0.5, stop=("END", "STOP"))
    assert sampling_fields(settings) == {
        "temperature": 0.0,
        "top_p": 0.5,
        "stop_sequences": ["END", "STOP"],
    }
    assert sampling_fields(CallSettings("m", stop=())) == {}  # an empty list: none sent


def test_wire_tools() -> None:
    assert wire_tools(CallSettings(model="m", tools=(WEATHER,))) == [
        {"name": "weather", "description": "Weather of a city.", "input_schema": {"type": "object"}}
    ]
    assert wire_tools(CallSettings(model="m")) == []
    with pytest.raises(ValueError, match="unique"):
        wire_tools(CallSettings(model="m", tools=(WEATHER, WEATHER)))


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("auto", {"type": "auto"}),
        ("none", {"type": "none"}),
        ("required", {"type": "any"}),
        ("any", {"type": "any"}),
        ("weather", {"type": "tool", "name": "weather"}),
    ],
)
def test_wire_tool_choice(choice: str, expected: dict[str, str]) -> None:
    assert (
        wire_tool_choice(CallSettings(model="m", tools=(WEATHER,), tool_choice=choice)) == expected
    )


def test_tool_choice_without_tools_and_server_tools() -> None:
    assert wire_tool_choice(CallSettings(model="m", tool_choice="auto")) == {"type": "auto"}
    assert wire_tool_choice(CallSettings(model="m", tool_choice="none")) == {"type": "none"}
    with pytest.raises(ValueError, match="needs tools"):
        wire_tool_choice(CallSettings(model="m", tool_choice="required"))
    server = {"tools": [{"type": "web_search_20250305", "name": "web_search"}]}
    settings = CallSettings(model="m", tool_choice="web_search", extra_body=server)
    assert wire_tool_choice(settings) == {"type": "tool", "name": "web_search"}
    with pytest.raises(ValueError, match="unknown tool 'nope'; tools given: weather"):
        wire_tool_choice(CallSettings(model="m", tools=(WEATHER,), tool_choice="nope"))


def test_a_tools_cache_control_and_strict_are_sent_as_langchain_anthropic_sends_them() -> None:
    from langchain_anthropic.chat_models import convert_to_anthropic_tool

    from chatplex.adapters.tools import to_tool_spec

    tool = {
        "name": "get",
        "description": "Get it.",
        "input_schema": {"type": "object", "properties": {"a": {"type": "string"}}},
        "cache_control": {"type": "ephemeral", "ttl": "1h"},
        "strict": True,
    }
    (wired,) = wire_tools(CallSettings(model="m", tools=(to_tool_spec(tool),)))
    assert wired == dict(convert_to_anthropic_tool(tool)) == tool
    (plain,) = wire_tools(CallSettings(model="m", tools=(WEATHER,)))
    assert set(plain) == {"name", "description", "input_schema"}


def test_anthropics_builtin_tools_are_told_apart_as_langchain_anthropic_tells_them() -> None:
    from langchain_anthropic.chat_models import _is_builtin_tool

    from chatplex.providers.anthropic.body_fields import builtin_tool

    for tool in (
        {"type": "web_search_20250305", "name": "web_search", "max_uses": 2},
        {"type": "text_editor_20250728", "name": "str_replace_based_edit_tool"},
        {"type": "code_execution_20250825", "name": "code_execution"},
        {"type": "mcp_toolset", "mcp_server_name": "docs"},
        {"type": "custom", "name": "get", "input_schema": {"type": "object"}},
        {"name": "get", "input_schema": {"type": "object"}},
        {"type": "function", "function": {"name": "get"}},
    ):
        assert (builtin_tool(tool) is not None) == _is_builtin_tool(tool), tool
        assert builtin_tool(tool) in (None, tool)


def test_a_builtin_tool_is_sent_as_given_in_its_bound_place() -> None:
    from chatplex.adapters.tools import builtin_spec

    search = {"type": "web_search_20250305", "name": "web_search", "max_uses": 2}
    settings = CallSettings(model="m", tools=(WEATHER, builtin_spec(search, search)))
    assert wire_tools(settings) == [
        {
            "name": "weather",
            "description": "Weather of a city.",
            "input_schema": {"type": "object"},
        },
        search,
    ]
    named = CallSettings(model="m", tools=settings.tools, tool_choice="web_search")
    assert wire_tool_choice(named) == {"type": "tool", "name": "web_search"}


def test_tool_fields_sends_tools_and_a_choice_only_when_there_are_some() -> None:
    from chatplex.providers.anthropic.body_fields import tool_fields

    tool = ToolSpec(name="add", description="Add.", parameters={"type": "object"})
    assert tool_fields(CallSettings("m")) == {}
    assert tool_fields(CallSettings("m", tool_choice="auto")) == {"tool_choice": {"type": "auto"}}
    fields = tool_fields(CallSettings("m", tools=(tool,), tool_choice="add"))
    assert list(fields) == ["tools", "tool_choice"]
    assert fields["tools"][0]["name"] == "add"
    assert fields["tool_choice"] == {"type": "tool", "name": "add"}
    with pytest.raises(ValueError, match="needs tools"):
        tool_fields(CallSettings("m", tool_choice="any"))


def test_tool_fields_sends_a_bound_empty_tool_list_where_the_wire_sends_one() -> None:
    from chatplex.providers.anthropic.adapter import AnthropicAdapter
    from chatplex.providers.anthropic.body_fields import tool_fields

    bound = CallSettings("m", tool_list_bound=True)
    # langchain-anthropic's `bind_tools([])` sends `tools: []` (create_agent's
    # ProviderStrategy with no tools); the adapter says so.
    assert AnthropicAdapter.empty_tool_list_sent
    assert tool_fields(bound, empty_list=True) == {"tools": []}
    assert tool_fields(bound) == {}  # the default: a wire that does not
    assert tool_fields(CallSettings("m"), empty_list=True) == {}  # nothing bound


def test_a_tools_other_fields_are_sent_beside_its_definition() -> None:
    fields = {"defer_loading": True, "input_examples": [{"city": "Paris"}]}
    tool = ToolSpec("weather", "Weather.", {"type": "object"}, fields=fields)
    (sent,) = wire_tools(CallSettings("m", tools=(tool,)))
    assert sent == {
        "name": "weather",
        "description": "Weather.",
        "input_schema": {"type": "object"},
        **fields,
    }


@pytest.mark.parametrize(
    ("choice", "sent"), [("auto", "auto"), ("none", "none"), ("any", "any"), ("required", "any")]
)
def test_tool_fields_sends_a_choice_beside_a_bound_empty_list_where_the_wire_does(
    choice: str, sent: str
) -> None:
    from chatplex.providers.anthropic.adapter import AnthropicAdapter
    from chatplex.providers.anthropic.body_fields import tool_fields

    # langchain-anthropic sends bind_tools([], tool_choice=...) so; the adapter says so.
    assert AnthropicAdapter.keeps_choice_without_tools
    bound = CallSettings("m", tool_list_bound=True, tool_choice=choice)
    both = {"tools": [], "tool_choice": {"type": sent}}
    assert tool_fields(bound, empty_list=True, choice_beside=True) == both
    if choice in ("auto", "none"):  # a wire that does not: sent as a lone choice is
        assert tool_fields(bound, empty_list=True) == both
    else:  # ... and a choice that needs a tool is refused
        with pytest.raises(ValueError, match="needs tools"):
            tool_fields(bound, empty_list=True)
