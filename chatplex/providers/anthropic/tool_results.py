"""A ToolMessage's reply as the Messages API's tool_result block."""

from __future__ import annotations

from typing import Any

_Block = dict[str, Any]


def tool_result(
    tool_use_id: str, parts: str | list[_Block], is_error: bool | None, marks_up: bool
) -> _Block:
    """The tool_result block answering `tool_use_id` with `parts` (its text, or its
    wire blocks), saying `is_error` unless None. `marks_up`: a cache breakpoint on its
    blocks (the last one marked) goes on the tool_result instead, where
    langchain-anthropic moves it: the API refuses `cache_control` inside a tool_result's
    content (`invalid_cache`)."""
    mark = None
    if marks_up and isinstance(parts, list):
        for part in parts:
            mark = part.get("cache_control", mark)
        if mark is not None:  # (copies without theirs: the message is the caller's)
            parts = [{k: v for k, v in part.items() if k != "cache_control"} for part in parts]
    block: _Block = {"type": "tool_result", "tool_use_id": tool_use_id, "content": parts}
    if is_error is not None:
        block["is_error"] = is_error
    if mark is not None:
        block["cache_control"] = mark
    return block
