"""The text LangChain shows for a message: its repr and str (`message_repr`,
`message_str`), and `pretty_repr()` / `pretty_print()`.

A title line 80 characters wide (`=== Human Message ===`), the name if any, a blank line
and the content (a list of blocks shows as its Python repr, as in LangChain); an AI
message adds its tool calls and invalid tool calls. `pretty_print()` bolds the title in
an interactive session, as LangChain does.
"""

from __future__ import annotations

import sys
from typing import Any

from ._types import MessageFields

__all__ = ["is_interactive", "message_repr", "message_str", "pretty_repr"]


def is_interactive() -> bool:
    """An interactive interpreter or IPython/Jupyter (LangChain's `is_interactive_env`)."""
    return hasattr(sys, "ps2")


def _title(title: str, *, bold: bool) -> str:
    padded = f" {title} "
    side = (80 - len(padded)) // 2
    left = "=" * side
    right = left + "=" if len(padded) % 2 else left
    if bold:
        padded = f"\033[1m{padded}\033[0m"
    return f"{left}{padded}{right}"


def pretty_repr(message: MessageFields, *, html: bool = False) -> str:
    title = _title(message.type.title() + " Message", bold=html)
    if message.name is not None:
        title += f"\nName: {message.name}"
    base = f"{title}\n\n{message.content}"
    tool_calls = getattr(message, "tool_calls", None)
    if tool_calls is None:  # not an AI message (told by its fields: no import cycle)
        return base
    lines: list[str] = []
    if tool_calls:
        lines.append("Tool Calls:")
        for call in tool_calls:
            lines.extend(_call_lines(call))
    invalid_calls = getattr(message, "invalid_tool_calls", None)
    if invalid_calls:
        lines.append("Invalid Tool Calls:")
        for invalid in invalid_calls:
            lines.extend(_call_lines(invalid))
    return (base.strip() + "\n" + "\n".join(lines)).strip()


def _call_lines(call: Any) -> list[str]:
    lines = [f"  {call.get('name', 'Tool')} ({call.get('id')})", f" Call ID: {call.get('id')}"]
    if call.get("error"):
        lines.append(f"  Error: {call.get('error')}")
    lines.append("  Args:")
    args = call.get("args")
    if isinstance(args, str):
        lines.append(f"    {args}")
    elif isinstance(args, dict):
        lines.extend(f"    {name}: {value}" for name, value in args.items())
    return lines


#: Fields whose value LangChain's repr leaves out when it equals this default (pydantic's
#: static defaults; a factory's `{}` and `[]` are always shown, as there).
_REPR_DEFAULTS: dict[str, Any] = {
    "name": None,
    "id": None,
    "usage_metadata": None,
    "chunk_position": None,
    "artifact": None,
    "status": "success",
}
#: Fields LangChain's `ToolMessage` never shows (`repr=False` there).
_TOOL_HIDDEN = frozenset({"additional_kwargs", "response_metadata"})


def _repr_fields(message: Any) -> list[str]:
    hidden = _TOOL_HIDDEN if message.type == "tool" else frozenset()
    parts = []
    for name in type(message)._field_order:
        if name == "type" or name in hidden:
            continue
        value = getattr(message, name)
        if name in _REPR_DEFAULTS and value == _REPR_DEFAULTS[name]:
            continue
        parts.append(f"{name}={value!r}")
    return parts


def message_repr(message: Any) -> str:
    """`HumanMessage(content='hi', additional_kwargs={}, response_metadata={})`: LangChain's
    repr (its fields in its order, those at their default left out), so a script that
    prints messages prints the same."""
    return f"{type(message).__name__}({', '.join(_repr_fields(message))})"


def message_str(message: Any) -> str:
    """`content='hi' additional_kwargs={} response_metadata={}`: pydantic's `str`."""
    return " ".join(_repr_fields(message))
