"""Anthropic request side: the Messages API body's fields beside its messages, from a
call's settings: `temperature`, `top_p` and `stop_sequences` (`sampling_fields`), `tools`
and `tool_choice` (`tool_fields`), which an InvokeModel body for Anthropic models carries
alike. Anthropic's built-in tools go as given (`builtin_tool`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...adapters.request_types import CallSettings
from ...adapters.request_types import ToolSpec

__all__ = ["builtin_tool", "sampling_fields", "tool_fields", "wire_tool_choice", "wire_tools"]

_Block = dict[str, Any]
_TOOL_CHOICES = {"auto": "auto", "required": "any", "any": "any", "none": "none"}
#: The `type` prefixes of Anthropic's built-in (server and Anthropic-defined client)
#: tools, which langchain-anthropic sends as given (its `_BUILTIN_TOOL_PREFIXES`).
_BUILTIN_TOOL_PREFIXES = (
    "text_editor_",
    "computer_",
    "bash_",
    "web_search_",
    "web_fetch_",
    "code_execution_",
    "mcp_toolset",
    "memory_",
    "tool_search_",
    "advisor_",
)


def sampling_fields(settings: CallSettings) -> dict[str, Any]:
    """The body's `temperature`, `top_p` and `stop_sequences`, each only when set: what
    the Messages API and an InvokeModel body for Anthropic models both carry."""
    fields: dict[str, Any] = {}
    if settings.temperature is not None:
        fields["temperature"] = settings.temperature
    if settings.top_p is not None:
        fields["top_p"] = settings.top_p
    if settings.stop:
        fields["stop_sequences"] = list(settings.stop)
    return fields


def tool_fields(
    settings: CallSettings,
    empty_list: bool = False,
    choice_beside: bool = False,
) -> dict[str, Any]:
    """The body's `tools` and `tool_choice`, each only when there is one to send (an
    `auto` or `none` choice without tools sent alone, as langchain-anthropic's
    `create()` sends it; a bound empty tool list `tools: []` where
    `empty_list`, `AnthropicAdapter.empty_tool_list_sent`, and its choice beside it where
    `choice_beside`, `Adapter.keeps_choice_without_tools`, as langchain-anthropic sends
    them): what the Messages API and an InvokeModel body for Anthropic models both
    carry."""
    fields: dict[str, Any] = {}
    if settings.tools or (settings.tool_list_bound and empty_list):
        fields["tools"] = wire_tools(settings)
        if not settings.tools and choice_beside and settings.tool_choice in _TOOL_CHOICES:
            fields["tool_choice"] = {"type": _TOOL_CHOICES[settings.tool_choice]}
            return fields
    if settings.tool_choice is not None:
        choice = wire_tool_choice(settings)
        if choice is not None:
            fields["tool_choice"] = choice
    return fields


def wire_tools(settings: CallSettings) -> list[_Block]:
    tools = [_wire_tool(t) for t in settings.tools]
    if len({t.name for t in settings.tools}) != len(tools):
        raise ValueError("tool names must be unique")
    return tools


def builtin_tool(tool: Mapping[str, Any]) -> dict[str, Any] | None:
    """`tool` as sent when it is one of Anthropic's built-in tools (a `type` such as
    "web_search_20250305"): as given, as langchain-anthropic sends it; else None.

    >>> builtin_tool({"type": "web_search_20250305", "name": "web_search", "max_uses": 2})
    {'type': 'web_search_20250305', 'name': 'web_search', 'max_uses': 2}
    >>> builtin_tool({"name": "get_weather", "input_schema": {}}) is None
    True
    """
    kind = tool.get("type")
    if isinstance(kind, str) and kind.startswith(_BUILTIN_TOOL_PREFIXES):
        return dict(tool)
    return None


def _wire_tool(tool: ToolSpec) -> _Block:
    if tool.builtin is not None:  # a built-in tool, as given
        return dict(tool.builtin)
    out: _Block = {
        "name": tool.name,
        **tool.description_field(),
        "input_schema": tool.parameters,
    }
    if tool.strict is not None:  # strict tool use, as langchain-anthropic sends it
        out["strict"] = tool.strict
    if tool.cache_control is not None:  # a prompt-cache breakpoint after this tool
        out["cache_control"] = dict(tool.cache_control)
    out.update(tool.fields)  # defer_loading, input_examples...: as langchain-anthropic sends
    return out


def wire_tool_choice(settings: CallSettings) -> _Block | None:
    """The request's tool choice; `auto` or `none` without tools is sent too (the API's
    answer to it is its own)."""
    choice = settings.tool_choice
    extra = settings.extra_body.get("tools")  # server tools (web_search, ...) come this way
    names = {t.name for t in settings.tools}
    if isinstance(extra, list):
        names.update(t["name"] for t in extra if isinstance(t, dict) and "name" in t)
    if not settings.tools and not extra:
        if choice in ("auto", "none"):
            return {"type": choice}
        raise ValueError(f"tool_choice={choice!r} needs tools, but none were given")
    if choice in _TOOL_CHOICES:
        return {"type": _TOOL_CHOICES[choice]}
    if choice not in names:
        known = ", ".join(sorted(names))
        raise ValueError(f"tool_choice names an unknown tool {choice!r}; tools given: {known}")
    return {"type": "tool", "name": choice}
