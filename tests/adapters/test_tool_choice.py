"""`tool_choice` in every common spelling reduced to one value
(`adapters/tool_choice.py`), against the tools bound."""

from __future__ import annotations

import doctest
from typing import Any

import pytest

from chatplex.adapters import tool_choice
from chatplex.adapters.request_types import ToolSpec
from chatplex.adapters.tool_choice import normalise_tool_choice
from chatplex.adapters.tools import to_tool_specs

# --- tool_choice --------------------------------------------------------------------------

SPECS = (
    ToolSpec("search", "", {"type": "object", "properties": {}}),
    ToolSpec("get_weather", "", {"type": "object", "properties": {}}),
)


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        (None, None),
        (False, None),
        ("auto", "auto"),
        ("none", "none"),
        ("required", "required"),
        ("any", "required"),
        (True, "required"),
        ("search", "search"),
        ({"type": "function", "function": {"name": "get_weather"}}, "get_weather"),
        ({"type": "tool", "name": "search"}, "search"),
        ({"type": "any"}, "required"),
        ({"type": "auto"}, "auto"),
        ({"type": "none"}, "none"),
        ({"type": "auto", "disable_parallel_tool_use": False}, "auto"),
        # Bedrock Converse's objects (langchain-aws binds them)
        ({"tool": {"name": "search"}}, "search"),
        ({"any": {}}, "required"),
        ({"auto": {}}, "auto"),
    ],
)
def test_tool_choice_matrix(choice: Any, expected: str | None) -> None:
    assert normalise_tool_choice(choice, SPECS) == expected


@pytest.mark.parametrize(
    ("choice", "error", "message"),
    [
        (
            "lookup",
            ValueError,
            "tool_choice 'lookup' is not a bound tool; bound tools: search, get_weather",
        ),
        (
            {"type": "tool", "name": "nope"},
            ValueError,
            "'nope' is not a bound tool; bound tools: search",
        ),
        ({"type": "function", "function": {"name": "x"}}, ValueError, "'x' is not a bound tool"),
        (
            {"type": "allowed_tools", "allowed_tools": {}},
            ValueError,
            "unsupported tool_choice dict",
        ),
        ({"type": "any", "extra": 1}, ValueError, "unsupported tool_choice dict"),
        ({"any": {"x": 1}}, ValueError, "unsupported tool_choice dict"),
        ({"tool": {"name": "search", "x": 1}}, ValueError, "unsupported tool_choice dict"),
        ({"tool": {"name": "nope"}}, ValueError, "'nope' is not a bound tool"),
        ({"type": "any", "disable_parallel_tool_use": True}, ValueError, "extra_body"),
        (3, TypeError, "tool_choice must be a str, dict, bool or None, got int"),
    ],
)
def test_tool_choice_errors(choice: Any, error: type[Exception], message: str) -> None:
    with pytest.raises(error, match=message):
        normalise_tool_choice(choice, SPECS)


@pytest.mark.parametrize("choice", ["required", "any", True, "search", {"type": "any"}])
def test_tool_choice_that_needs_tools_without_tools(choice: Any) -> None:
    with pytest.raises(ValueError, match="needs bound tools, and none are bound"):
        normalise_tool_choice(choice, [])


@pytest.mark.parametrize(("choice", "expected"), [("auto", "auto"), ({"type": "none"}, "none")])
def test_auto_and_none_without_tools_pass_through(choice: Any, expected: str) -> None:
    # Both adapters leave them out of the request when no tools are bound.
    assert normalise_tool_choice(choice, []) == expected


def test_tool_named_like_a_keyword_cannot_be_forced_by_name() -> None:
    specs = [ToolSpec("auto", "", {"type": "object", "properties": {}})]
    assert normalise_tool_choice("auto", specs) == "auto"  # the keyword wins
    with pytest.raises(ValueError, match="'auto' is a tool_choice keyword"):
        normalise_tool_choice({"type": "tool", "name": "auto"}, specs)


def test_a_choice_object_naming_a_bound_builtin_tool_is_its_type() -> None:
    # The Responses API forces a built-in tool by its type ({"type": "web_search"}), as
    # langchain-openai binds it; a type no bound tool has is still refused.
    def builtin(tool: Any) -> dict[str, Any] | None:
        return dict(tool) if tool.get("type") == "web_search" else None

    specs = to_tool_specs([{"type": "web_search"}, *SPECS], builtin=builtin)
    assert normalise_tool_choice({"type": "web_search"}, specs) == "web_search"
    with pytest.raises(ValueError, match="unsupported tool_choice dict"):
        normalise_tool_choice({"type": "file_search"}, specs)
    with pytest.raises(ValueError, match="unsupported tool_choice dict"):
        normalise_tool_choice({"type": "web_search", "extra": 1}, specs)


def test_a_function_choice_in_the_responses_apis_form_names_the_tool() -> None:
    assert normalise_tool_choice({"type": "function", "name": "search"}, SPECS) == "search"
    with pytest.raises(ValueError, match="'nope' is not a bound tool"):
        normalise_tool_choice({"type": "function", "name": "nope"}, SPECS)


def test_docstring_examples() -> None:
    result = doctest.testmod(tool_choice, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert result.attempted > 0
    assert result.failed == 0


@pytest.mark.parametrize(
    ("choice", "expected"),
    [("any", "any"), ("required", "required"), (True, "required"), ({"type": "any"}, "required")],
)
def test_a_choice_of_any_tool_is_kept_without_tools_where_the_wire_keeps_it(
    choice: Any, expected: str
) -> None:
    # (a drop-in whose partner binds it, `Adapter.keeps_choice_without_tools`: the string
    # as given, which langchain-google-genai's refusal words)
    assert normalise_tool_choice(choice, [], kept_without_tools=True) == expected
    with pytest.raises(ValueError, match="needs bound tools"):
        normalise_tool_choice("search", [], kept_without_tools=True)  # a name: still refused
