"""A ``tool_choice`` in any common spelling (LangChain's, OpenAI's, the Responses API's,
Anthropic's, the single-key objects `{"tool": {"name": ...}}`) reduced to one
provider-neutral value: None, "auto", "none", "required" or the name of a bound tool;
and the parallel-calls flag a tool_choice object may carry.

>>> spec = ToolSpec("search", "", {"type": "object", "properties": {}})
>>> normalise_tool_choice("any", [spec])
'required'
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
from typing import Any

from .request_types import ToolDefinitionError
from .request_types import ToolSpec

__all__ = ["normalise_tool_choice", "parallel_from_choice"]

_KEYWORDS = {"auto": "auto", "none": "none", "required": "required", "any": "required"}


def normalise_tool_choice(
    tool_choice: str | Mapping[str, Any] | bool | None,
    specs: Iterable[ToolSpec],
    *,
    kept_without_tools: bool = False,
) -> str | None:
    """Reduce any common ``tool_choice`` spelling to None, "auto", "none", "required"
    or the name of a bound tool. ``False`` means "not set", like None.

    A choice of any tool ("any", "required") with no tool bound is refused, unless
    `kept_without_tools` (`Adapter.keeps_choice_without_tools`: the wire's partner binds
    it and leaves it to the request): then it is kept as given ("any" stays "any", the
    spelling the partner words its refusals with), for the adapter to send, drop or
    refuse as the partner does.

    Example:
        >>> spec = ToolSpec("search", "", {"type": "object", "properties": {}})
        >>> normalise_tool_choice({"type": "tool", "name": "search"}, [spec])
        'search'
    """
    if tool_choice is None or tool_choice is False:
        return None
    keyword: str | None
    name: object
    if tool_choice is True:
        keyword, name = "required", None
    elif isinstance(tool_choice, str):
        keyword, name = _KEYWORDS.get(tool_choice), tool_choice
    elif isinstance(tool_choice, Mapping):
        kind = tool_choice.get("type")
        if set(tool_choice) == {"type"} and kind in {
            s.builtin.get("type") for s in specs if s.builtin
        }:
            return str(kind)  # a bound built-in tool, by its type (the Responses API's form)
        keyword, name = _choice_from_dict(tool_choice)
    else:
        raise ToolDefinitionError(
            f"tool_choice must be a str, dict, bool or None, got {type(tool_choice).__name__}"
        )
    if keyword in ("auto", "none"):
        return keyword  # valid without tools: each wire sends it or leaves it out
    names = [spec.name for spec in specs]
    if not names:
        if kept_without_tools and keyword is not None:
            return tool_choice if isinstance(tool_choice, str) else keyword
        raise ValueError(f"tool_choice={tool_choice!r} needs bound tools, and none are bound")
    if keyword is not None:
        return keyword
    if not isinstance(name, str) or name not in names:
        raise ValueError(
            f"tool_choice {name!r} is not a bound tool; bound tools: {', '.join(names)}"
        )
    if name in _KEYWORDS:  # CallSettings.tool_choice would read it as the keyword
        raise ValueError(
            f"tool {name!r} can't be forced by name: {name!r} is a tool_choice keyword"
        )
    return name


def parallel_from_choice(choice: Any) -> tuple[Any, bool | None]:
    """A tool_choice object without the parallel-calls flag it carries (Anthropic's
    `disable_parallel_tool_use`, as its partner binds `parallel_tool_calls=`), and
    whether it allows parallel calls (None: it says nothing).

    >>> parallel_from_choice({"type": "any", "disable_parallel_tool_use": True})
    ({'type': 'any'}, False)
    >>> parallel_from_choice("auto")
    ('auto', None)
    """
    if not isinstance(choice, Mapping) or "disable_parallel_tool_use" not in choice:
        return choice, None
    rest = {k: v for k, v in choice.items() if k != "disable_parallel_tool_use"}
    return rest, not choice["disable_parallel_tool_use"]


def _choice_from_dict(choice: Mapping[str, Any]) -> tuple[str | None, object]:
    """(keyword, None) or (None, tool name) for an OpenAI, Anthropic or Converse
    tool_choice dict."""
    kind = choice.get("type")
    if choice.get("disable_parallel_tool_use"):
        raise ValueError(
            "disable_parallel_tool_use has no provider-neutral form; pass the whole "
            'Anthropic tool_choice through extra_body={"tool_choice": {...}}'
        )
    if kind == "function" and isinstance(choice.get("function"), Mapping):
        return None, choice["function"].get("name")
    if kind == "function" and set(choice) == {"type", "name"}:  # the Responses API's form
        return None, choice["name"]
    if kind == "tool" and "name" in choice:
        return None, choice["name"]
    if kind in ("auto", "none", "any") and set(choice) <= {"type", "disable_parallel_tool_use"}:
        return _KEYWORDS[kind], None
    if len(choice) == 1:  # Converse's objects: {"auto": {}}, {"any": {}}, {"tool": {"name"}}
        ((key, value),) = choice.items()
        if key in ("auto", "any") and value == {}:
            return _KEYWORDS[key], None
        if key == "tool" and isinstance(value, Mapping) and set(value) == {"name"}:
            return None, value["name"]
    raise ValueError(
        f"unsupported tool_choice dict {choice!r}; expected "
        '{"type": "function", "function": {"name": ...}}, {"type": "tool", "name": ...}, '
        '{"type": "any"}, {"type": "auto"}, {"type": "none"}, {"tool": {"name": ...}}, '
        '{"any": {}} or {"auto": {}}'
    )
