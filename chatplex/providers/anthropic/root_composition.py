"""langchain-anthropic's `bind_tools` filter: a tool whose input schema has a top-level
`oneOf`/`anyOf` is dropped with a warning (the Messages API rejects the whole request
for it), and binding fails where what is left cannot do what was asked (no tool left,
or a forced choice that needs a dropped tool). Same words, same outcomes. And its
thinking filter: with thinking on, a forced choice is dropped with a warning (the API
refuses forced tool use beside thinking), `choice_beside_thinking`.

>>> import warnings
>>> union = {"name": "pick", "input_schema": {"type": "object", "anyOf": []}}
>>> with warnings.catch_warnings(record=True):
...     warnings.simplefilter("always")
...     kept = drop_root_composition_tools([union, {"name": "ok"}], None, None)
>>> kept
[{'name': 'ok'}]
"""

from __future__ import annotations

import warnings
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from ...core.frames import user_stacklevel

__all__ = ["choice_beside_thinking", "drop_root_composition_tools", "without_root_composition"]

_KEYS = ("oneOf", "anyOf")
_SHOWN = "/".join(_KEYS)


def drop_root_composition_tools(
    tools: Sequence[Any], tool_choice: Any, thinking: Mapping[str, Any] | None
) -> list[Any]:
    """`tools` without those whose root schema has `oneOf`/`anyOf`, each dropped with a
    UserWarning; a ValueError where langchain-anthropic raises one (`thinking`: the
    model's, which discards a forced choice before sending)."""
    # the caller of bind_tools, however many of chatplex's frames lie between
    kept, dropped = without_root_composition(tools)
    if tools and not kept:
        raise ValueError(
            f"All {len(tools)} bound tool(s) use a top-level {_SHOWN} in their "
            f"input_schema, which the Anthropic API rejects: {sorted(dropped)}. No tool is "
            "left for the model to call. If you control the schema, move the combinator "
            "under `properties`; for structured output, `with_structured_output(..., "
            "method='json_schema')` accepts these schemas directly. Otherwise these tools "
            "cannot be used with Anthropic -- bind a subset that excludes them, or raise it "
            "with the tool's author."
        )
    if tool_choice and dropped:
        _check_choice(tool_choice, dropped, thinking)
    return kept


def without_root_composition(
    tools: Sequence[Any], *, stacklevel: int | None = None
) -> tuple[list[Any], set[str]]:
    """`tools` without those whose root schema has `oneOf`/`anyOf`, and the dropped ones'
    names; each dropped with langchain-anthropic's UserWarning, shown `stacklevel` frames
    up from the function calling this one, or (None) at the first caller outside chatplex."""
    kept: list[Any] = []
    dropped: set[str] = set()
    for tool in tools:
        name, schema = _name_and_schema(tool)
        offending = [k for k in _KEYS if k in schema] if isinstance(schema, Mapping) else []
        if not offending:
            kept.append(tool)
            continue
        if isinstance(name, str):
            dropped.add(name)
        described = repr(name) if isinstance(name, str) else "with no name"
        warnings.warn(
            f"Dropping tool {described}: its input_schema has a top-level "
            f"{'/'.join(offending)}, which the Anthropic API does not support. The tool "
            "will not be available to the model.",
            stacklevel=user_stacklevel() if stacklevel is None else stacklevel + 1,
        )
    return kept, dropped


#: langchain-anthropic's warning as it drops a forced choice beside thinking.
_UNFORCED = (
    "tool_choice is forced but thinking is enabled. The Anthropic API does not support "
    "forced tool use with thinking. Dropping tool_choice to avoid an API error. Tool calls "
    "are not guaranteed. Consider disabling thinking or adjusting your prompt to ensure "
    "the tool is called."
)


def _kind_and_name(tool_choice: Any) -> tuple[Any, Any]:
    """A tool choice as langchain-anthropic reads it: a mapping's type and name; "any"
    and "auto" as such; any other word a tool's name."""
    if isinstance(tool_choice, Mapping):
        return tool_choice.get("type"), tool_choice.get("name")
    if isinstance(tool_choice, str):
        keyword = tool_choice in ("any", "auto")
        return (tool_choice, None) if keyword else ("tool", tool_choice)
    return None, None


def _thinks(thinking: Mapping[str, Any] | None) -> bool:
    return isinstance(thinking, Mapping) and thinking.get("type") in ("enabled", "adaptive")


def choice_beside_thinking(tool_choice: Any, thinking: Mapping[str, Any] | None) -> Any:
    """The tool choice `bind_tools` binds beside the model's `thinking`: a forced one
    (a tool's name, "any") dropped with langchain-anthropic's UserWarning while thinking
    is on, as its `bind_tools` does; else `tool_choice`.

    >>> import warnings
    >>> with warnings.catch_warnings(record=True):
    ...     warnings.simplefilter("always")
    ...     choice_beside_thinking("add", {"type": "adaptive"})
    >>> choice_beside_thinking("auto", {"type": "adaptive"}), choice_beside_thinking("add", None)
    ('auto', 'add')
    """
    if not tool_choice or not _thinks(thinking):
        return tool_choice
    if _kind_and_name(tool_choice)[0] not in ("any", "tool"):
        return tool_choice
    warnings.warn(_UNFORCED, UserWarning, stacklevel=user_stacklevel())
    return None


def _check_choice(tool_choice: Any, dropped: set[str], thinking: Mapping[str, Any] | None) -> None:
    """langchain-anthropic's refusal of a forced choice the dropped tools leave unmet."""
    kind, name = _kind_and_name(tool_choice)
    if _thinks(thinking) and kind in ("any", "tool"):
        return  # thinking discards a forced choice before the request goes
    if kind == "tool" and name in dropped:
        raise ValueError(
            f"tool_choice forces {name!r}, but that tool was dropped because its "
            f"input_schema uses a top-level {_SHOWN}, which the Anthropic API rejects. "
            "Stop forcing it, or -- if you control the schema -- move the combinator under "
            "`properties`. For structured output, `with_structured_output(..., "
            "method='json_schema')` accepts these schemas directly."
        )
    if kind == "any":
        raise ValueError(
            f"tool_choice='any' forces the model to call a tool, but {sorted(dropped)} were "
            f"dropped because their input_schema uses a top-level {_SHOWN}, which the "
            "Anthropic API rejects, so the model can no longer call them. Use "
            "tool_choice='auto' to proceed with the remaining tools, or -- if you control "
            "the schema -- move the combinator under `properties`."
        )


def _name_and_schema(tool: Any) -> tuple[object, object]:
    """A tool's name and the input schema langchain-anthropic would send for it: a dict's
    own (Anthropic, OpenAI tool or function form), else the one chatplex builds."""
    if isinstance(tool, Mapping):
        function = tool.get("function") if tool.get("type") == "function" else None
        given = function if isinstance(function, Mapping) else tool
        if "title" in given and not {"name", "input_schema", "parameters"} & given.keys():
            return given["title"], given  # a bare JSON schema is the input schema
        return given.get("name"), given.get("input_schema", given.get("parameters"))
    from ...adapters.tools import to_tool_spec

    spec = to_tool_spec(tool)
    return spec.name, spec.parameters
