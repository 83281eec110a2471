"""The tools and tool choice a drop-in's `bind_tools` binds on Anthropic's Messages body,
in the form langchain-anthropic binds them (what callbacks, tracers and `bound.kwargs`
see): each function tool as `{"name", "input_schema", "description"}`, the choice as a
`tool_choice` object (one given as an object, as given). The request sent is the same
either way: the engine reads both forms (`adapters.tools.to_tool_specs`,
`adapters.tool_choice.normalise_tool_choice`).

langchain-anthropic binds "none" and "required" as a tool of that name, which Anthropic
refuses, and refuses True: those are bound as the object of the choice chatplex reads
and sends (`{"type": "none"}`, `{"type": "any"}`)."""

from __future__ import annotations

from typing import Any

__all__ = ["bound_anthropic_tools"]

#: The choice keywords (`normalise_tool_choice`'s) and the `tool_choice` type each binds.
#: ("any" stays so only with no tool bound, `Adapter.keeps_choice_without_tools`.)
_CHOICE_TYPES = {"auto": "auto", "required": "any", "any": "any", "none": "none"}


def bound_anthropic_tools(
    tools: list[dict[str, Any]], tool_choice: str | None, given: Any = None
) -> tuple[list[dict[str, Any]], Any]:
    """`tools` (OpenAI's function form, built-in tools as given) and `tool_choice` (None,
    a keyword or a tool name: chatplex's reading of the choice `given`, which is bound as
    given where it is an object) as langchain-anthropic's `bind_tools` binds them.

    >>> tool = {"type": "function", "function": {"name": "f", "parameters": {}}}
    >>> bound_anthropic_tools([tool], "f")
    ([{'name': 'f', 'input_schema': {}}], {'type': 'tool', 'name': 'f'})
    >>> bound_anthropic_tools([tool], "required")[1]
    {'type': 'any'}
    >>> bound_anthropic_tools([tool], "f", {"type": "function", "function": {"name": "f"}})[1]
    {'type': 'function', 'function': {'name': 'f'}}
    """
    return [_anthropic_tool(tool) for tool in tools], _choice_object(tool_choice, given)


def _choice_object(tool_choice: str | None, given: Any = None) -> dict[str, Any] | None:
    """A `normalise_tool_choice` keyword or tool name as a `tool_choice` object; a choice
    given as an object, a copy of it (as both partners bind one)."""
    if tool_choice is None:
        return None
    if isinstance(given, dict):
        return dict(given)
    kind = _CHOICE_TYPES.get(tool_choice)
    return {"type": kind} if kind else {"type": "tool", "name": tool_choice}


def _anthropic_tool(tool: dict[str, Any]) -> dict[str, Any]:
    """A function tool in Anthropic's form, keys in langchain-anthropic's order (its
    `convert_to_anthropic_tool`), the fields bound beside it (`cache_control`, its
    `TOOL_FIELDS`) kept at its top; any other tool (built-in) as given."""
    function = tool.get("function")
    if tool.get("type") != "function" or not isinstance(function, dict):
        return tool
    out: dict[str, Any] = {"name": function["name"], "input_schema": function["parameters"]}
    if "description" in function:
        out["description"] = function["description"]
    if "strict" in function:
        out["strict"] = function["strict"]
    out.update((k, v) for k, v in tool.items() if k not in ("type", "function"))
    return out
