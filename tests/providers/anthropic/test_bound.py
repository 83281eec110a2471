"""`bound_anthropic_tools`: the tools and tool choice a drop-in binds on Anthropic's wire,
as langchain-anthropic's `bind_tools` binds them."""

from __future__ import annotations

from typing import Any

import pytest

from chatplex.providers.anthropic.bound import bound_anthropic_tools

_SCHEMA = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}


def _function(**extra: Any) -> dict[str, Any]:
    function = {"name": "weather", "description": "Weather.", "parameters": _SCHEMA, **extra}
    return {"type": "function", "function": function}


def test_a_function_tool_is_bound_in_anthropic_form_with_its_fields_beside() -> None:
    control = {"type": "ephemeral"}
    tool = {**_function(strict=True), "cache_control": control, "defer_loading": True}
    (bound,), _ = bound_anthropic_tools([tool], None)
    assert bound == {
        "name": "weather",
        "input_schema": _SCHEMA,
        "description": "Weather.",
        "strict": True,
        "cache_control": control,
        "defer_loading": True,
    }
    assert list(bound)[:3] == ["name", "input_schema", "description"]  # the partner's order


def test_a_builtin_tool_is_bound_as_given() -> None:
    search = {"type": "web_search_20250305", "name": "web_search", "max_uses": 2}
    assert bound_anthropic_tools([search], None) == ([search], None)


@pytest.mark.parametrize(
    ("choice", "bound"),
    [
        (None, None),
        ("auto", {"type": "auto"}),
        ("required", {"type": "any"}),
        ("none", {"type": "none"}),
        ("weather", {"type": "tool", "name": "weather"}),
    ],
)
def test_the_choice_is_bound_as_a_tool_choice_object(choice: str | None, bound: Any) -> None:
    assert bound_anthropic_tools([_function()], choice)[1] == bound


def test_any_kept_without_tools_binds_as_langchain_anthropic_binds_it() -> None:
    # (`normalise_tool_choice(kept_without_tools=True)` keeps "any" as given)
    assert bound_anthropic_tools([], "any") == ([], {"type": "any"})
