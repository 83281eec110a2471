"""Tool calls from streamed fragments: live while a reply streams, exact once it is done.

A chunk's `tool_calls` / `invalid_tool_calls` are derived from its `tool_call_chunks`,
as in LangChain's `AIMessageChunk.init_tool_calls`, so `full = full + chunk` over a
stream shows the calls growing. While the reply is incomplete the arguments are parsed
best-effort (`parse_partial_json`, LangChain's results: `'{"city": "Par'` gives
`{"city": "Par"}`); once it is complete (a finish reason arrived, or
`chunk_position="last"`) they are parsed exactly, as a non-stream reply is: what is not a
JSON object is an invalid tool call with the reason, so the merged stream and the
non-stream reply of the same answer have the same tool calls.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ._partial_json import parse_partial_json
from ._types import InvalidToolCall
from ._types import ToolCall
from ._types import ToolCallChunk

__all__ = [
    "NOT_JSON",
    "chunks_from_calls",
    "parse_args",
    "parse_tool_call_chunks",
    "raw_tool_calls",
]

#: How an invalid call's `error` starts when its arguments are not JSON (the decoder's
#: message follows): what a LangChain drop-in rewords as its partner words it.
NOT_JSON = "arguments are not valid JSON: "


def parse_tool_call_chunks(
    chunks: Iterable[ToolCallChunk], *, complete: bool
) -> tuple[list[ToolCall], list[InvalidToolCall]]:
    """(tool calls, invalid tool calls) of joined fragments; never raises."""
    calls: list[ToolCall] = []
    invalid: list[InvalidToolCall] = []
    for chunk in chunks:
        raw = chunk.get("args")
        if complete:
            args, error = parse_args(raw or "")
        else:
            args, error = _partial_args(raw)
        if error is None:
            calls.append(
                {
                    "name": chunk.get("name") or "",
                    "args": args,
                    "id": chunk.get("id"),
                    "type": "tool_call",
                }
            )
        else:
            invalid.append(
                {
                    "name": chunk.get("name"),
                    "args": raw,
                    "id": chunk.get("id"),
                    # LangChain leaves the reason out while streaming (error=None); a
                    # complete reply says why, as a non-stream reply does.
                    "error": error or None,
                    "type": "invalid_tool_call",
                }
            )
    return calls, invalid


def chunks_from_calls(
    calls: Iterable[ToolCall], invalid: Iterable[InvalidToolCall]
) -> list[ToolCallChunk]:
    """Fragments standing for whole calls (a chunk built with `tool_calls=`): one each,
    without an index, as LangChain makes them."""
    out: list[ToolCallChunk] = [
        {
            "name": c.get("name"),
            "args": json.dumps(c.get("args"), default=str),
            "id": c.get("id"),
            "index": None,
            "type": "tool_call_chunk",
        }
        for c in calls
    ]
    out += [
        {
            "name": c.get("name"),
            "args": c.get("args"),
            "id": c.get("id"),
            "index": None,
            "type": "tool_call_chunk",
        }
        for c in invalid
    ]
    return out


def _partial_args(raw: str | None) -> tuple[dict[str, Any], str | None]:
    # As LangChain: empty arguments are {}; anything unparseable or not an object is
    # invalid (with an empty reason, made None above).
    if not raw:
        return {}, None
    try:
        value = parse_partial_json(raw)
    except (ValueError, RecursionError):
        return {}, ""
    if not isinstance(value, dict):
        return {}, ""
    return value, None


def parse_args(raw: str) -> tuple[dict[str, Any], str | None]:
    """Exact parse of complete arguments: (object, None) or ({}, why not)."""
    # Providers send "" for a tool without arguments (see the Anthropic corpus): that is {}.
    if raw.strip() == "":
        return {}, None
    try:
        # strict=False: a raw control character (a newline) inside a string is taken, as
        # LangChain's parsers take it; models writing code into an argument send them.
        value = json.loads(raw, strict=False, parse_constant=_reject_constant)
    except (ValueError, RecursionError) as exc:  # RecursionError: absurdly deep nesting
        return {}, f"{NOT_JSON}{exc}"
    if not isinstance(value, dict):
        return {}, f"arguments must be a JSON object, got {type(value).__name__}"
    return value, None


def _reject_constant(name: str) -> Any:
    # Python's json accepts NaN/Infinity; JSON (and every provider) does not.
    raise ValueError(f"{name} is not valid JSON")


def raw_tool_calls(raw: Any) -> tuple[list[Any], list[Any]]:
    """OpenAI's raw tool calls as LangChain's `default_tool_parser` reads them: a call
    whose arguments are not JSON is an invalid call; anything unreadable, none at all."""
    calls: list[Any] = []
    invalid: list[Any] = []
    try:
        for call in raw:
            if "function" not in call:
                continue
            name, arguments = call["function"]["name"], call["function"]["arguments"]
            try:
                args = json.loads(arguments)
            except json.JSONDecodeError:
                invalid.append(
                    {"name": name, "args": arguments, "id": call.get("id"), "error": None}
                )
                continue
            calls.append({"name": name or "", "args": args or {}, "id": call.get("id")})
    except (TypeError, KeyError, AttributeError):  # LangChain logs and leaves them unread
        return [], []
    return calls, invalid
