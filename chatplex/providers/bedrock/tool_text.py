"""A conversation's tool use as text, for a Converse request that offers no tools.

Bedrock refuses `toolUse` / `toolResult` blocks in a request without `toolConfig`
(ValidationException: "The toolConfig field must be defined when using toolUse and
toolResult content blocks"). A conversation that called tools reaches a call without
them often enough: an agent whose middleware drops the tools for its last call, a
summary over an agent's history. langchain-aws then writes each call and each result as
text and warns; chatplex does the same, in the same words, so that the request is one
Bedrock takes and the model still reads what happened.
"""

from __future__ import annotations

import json
import logging
import warnings
from collections.abc import Sequence
from typing import Any

__all__ = ["has_tool_blocks", "tool_blocks_as_text"]

logger = logging.getLogger(__name__)


def has_tool_blocks(turns: Sequence[dict[str, Any]]) -> bool:
    """Whether any turn holds a `toolUse` or `toolResult` block."""
    return any(
        "toolUse" in block or "toolResult" in block
        for turn in turns
        for block in turn.get("content", [])
    )


def tool_blocks_as_text(turns: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """`turns` with each `toolUse` block written as "[Called name with parameters:
    {...}]" and each `toolResult` as "[Tool output: ...]" (its text and JSON parts; one
    with nothing to show is left out), warning as langchain-aws does."""
    logger.warning(
        "Tool messages (toolUse/toolResult) detected without toolConfig. "
        "Converting tool blocks to text format to avoid ValidationException."
    )
    warnings.warn(
        "Tool messages were passed without toolConfig, converting to text format",
        RuntimeWarning,
        stacklevel=2,
    )
    return [
        {"role": turn["role"], "content": [t for b in turn.get("content", []) for t in _text(b)]}
        for turn in turns
    ]


def _text(block: dict[str, Any]) -> list[dict[str, Any]]:
    if "toolUse" in block:
        use = block["toolUse"]
        name, given = use.get("name", "function"), use.get("input", {})
        if not given:
            return [{"text": f"[Called {name}]"}]
        return [
            {"text": f"[Called {name} with parameters: {json.dumps(given, ensure_ascii=False)}]"}
        ]
    if "toolResult" in block:
        parts = []
        for part in block["toolResult"].get("content", []):
            if "text" in part:
                parts.append(part["text"])
            elif "json" in part:
                parts.append(json.dumps(part["json"], ensure_ascii=False))
        shown = "".join(parts)
        return [{"text": f"[Tool output: {shown}]"}] if shown.strip() else []
    return [block]
