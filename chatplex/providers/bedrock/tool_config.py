"""Bedrock Converse's `toolConfig`: the bound tools (`inputSchema.json`, each nullable
field as its type alone: `without_null_branches`) and the tool choice (auto / any / a
tool's name; "none" refused: Converse has no such choice)."""

from __future__ import annotations

from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from ...adapters.request_types import ToolSpec

__all__ = ["cache_point_tool", "tool_choice_object", "tool_config", "without_null_branches"]


def without_null_branches(schema: Any) -> Any:
    """`schema` with each nullable field as its type alone (`anyOf: [X, {"type":
    "null"}]` is X, `{"type": [X, "null"]}` is X), as langchain-aws declares a tool:
    Converse refuses a request whose tools hold more than 16 union-typed parameters, and
    a caller may still leave an optional field out. A new value.

    >>> without_null_branches({"anyOf": [{"type": "string"}, {"type": "null"}], "default": None})
    {'type': 'string', 'default': None}
    """
    if not isinstance(schema, dict):
        return schema
    out: dict[str, Any] = {}
    for key, value in schema.items():
        if key == "anyOf" and isinstance(value, list):
            kept = [without_null_branches(v) for v in value if not _null_type(v)]
            if len(kept) == 1:
                out.update(kept[0])  # the one type left, in the field's place
            else:
                out[key] = kept or value
        elif key == "type" and isinstance(value, list):
            kept = [t for t in value if t != "null"]
            out[key] = kept[0] if len(kept) == 1 else (kept or value)
        elif isinstance(value, dict):
            out[key] = without_null_branches(value)
        elif isinstance(value, list):
            out[key] = [without_null_branches(v) for v in value]
        else:
            out[key] = value
    return out


def _null_type(schema: Any) -> bool:
    return isinstance(schema, dict) and schema.get("type") == "null"


def cache_point_tool(tool: Mapping[str, Any]) -> dict[str, Any] | None:
    """A cache point among the tools (`{"cachePoint": {"type": "default"}}`: the tools
    before it cached), bound and sent in its place as given, as langchain-aws binds and
    sends it; None for any other tool.

    >>> cache_point_tool({"cachePoint": {"type": "default"}}), cache_point_tool({"name": "f"})
    ({'cachePoint': {'type': 'default'}}, None)
    """
    point = tool.get("cachePoint")
    return {"cachePoint": dict(point)} if len(tool) == 1 and isinstance(point, Mapping) else None


def tool_config(tools: Sequence[ToolSpec], choice: str | None) -> dict[str, Any]:
    """The `toolConfig` of `tools` with the call's tool `choice` (None: Converse's own);
    a cache point among them (`cache_point_tool`) in its place, as given."""
    config: dict[str, Any] = {
        "tools": [
            dict(tool.builtin)
            if tool.builtin is not None
            else {
                "toolSpec": {
                    "name": tool.name,
                    # A tool with no description goes described by its name, as
                    # langchain-aws declares it (a pydantic class without a docstring).
                    "description": tool.description or tool.name,
                    **({"strict": tool.strict} if tool.strict is not None else {}),
                    "inputSchema": {"json": without_null_branches(tool.parameters)},
                }
            }
            for tool in tools
        ]
    }
    if choice is None:
        return config
    if choice == "none":
        raise ValueError(
            "Bedrock Converse has no tool_choice 'none': call the model without tools "
            "(unbind them) instead"
        )
    if choice not in ("auto", "required", "any") and choice not in {t.name for t in tools}:
        raise ValueError(f"tool_choice names {choice!r}, which is not among the bound tools")
    config["toolChoice"] = tool_choice_object(choice)
    return config


def tool_choice_object(choice: str) -> dict[str, Any]:
    """A tool choice ("auto", "required" or "any", a tool's name) as Converse's
    `toolChoice` object.

    >>> tool_choice_object("required"), tool_choice_object("f")
    ({'any': {}}, {'tool': {'name': 'f'}})
    """
    if choice == "auto":
        return {"auto": {}}
    if choice in ("required", "any"):
        return {"any": {}}
    return {"tool": {"name": choice}}
