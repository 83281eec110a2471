"""`bound_invoke_tools`: the tools and tool choice ChatBedrock binds for an Anthropic model
on InvokeModel, as langchain-aws's own `convert_to_anthropic_tool` makes them."""

from __future__ import annotations

from typing import Any

from chatplex.providers.bedrock.partner import bound_invoke_tools

_SCHEMA = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}


def _function(**extra: Any) -> dict[str, Any]:
    function = {"name": "weather", "description": "Weather.", "parameters": _SCHEMA, **extra}
    return {"type": "function", "function": function}


def test_a_tool_is_bound_description_first_without_strict() -> None:
    # ChatBedrock ignores strict; a tool without a description is described by its name.
    nameless = _function(strict=True)
    del nameless["function"]["description"]
    (bound,), choice = bound_invoke_tools([nameless], "required")
    assert bound == {"name": "weather", "description": "weather", "input_schema": _SCHEMA}
    assert list(bound) == ["name", "description", "input_schema"]
    assert choice == {"type": "any"}


def test_a_described_tool_keeps_its_description_and_the_fields_beside_it() -> None:
    control = {"type": "ephemeral"}
    (bound,), choice = bound_invoke_tools([{**_function(), "cache_control": control}], "weather")
    assert bound == {
        "name": "weather",
        "description": "Weather.",
        "input_schema": _SCHEMA,
        "cache_control": control,
    }
    assert choice == {"type": "tool", "name": "weather"}


def test_a_builtin_tool_and_a_choice_object_are_bound_as_given() -> None:
    search = {"type": "web_search_20250305", "name": "web_search"}
    given = {"type": "tool", "name": "web_search"}
    tools, choice = bound_invoke_tools([search, _function()], "web_search", given)
    assert tools[0] is search
    assert tools[1]["description"] == "Weather."
    assert choice == given and choice is not given
