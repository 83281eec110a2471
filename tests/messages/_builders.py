"""Builders of the message records the tests compare: tool-call chunks, parsed calls,
usage, a stream's chunks added up pairwise, a conversation's opening turns; and the
thinking text of a content list."""

from __future__ import annotations

import functools
import operator
from collections.abc import Sequence
from typing import Any

from chatplex.messages import AIMessage
from chatplex.messages import AIMessageChunk
from chatplex.messages import BaseMessage
from chatplex.messages import HumanMessage
from chatplex.messages import SystemMessage
from chatplex.messages import ToolCall
from chatplex.messages import ToolCallChunk
from chatplex.messages import UsageMetadata


def tc_chunk(
    index: int | None, *, name: str | None = None, args: str | None = None, id: str | None = None
) -> ToolCallChunk:
    return {"name": name, "args": args, "id": id, "index": index}


def call(name: str, args: dict[str, Any], id: str | None) -> ToolCall:
    """A parsed tool call as `to_message()` builds it."""
    return {"name": name, "args": args, "id": id, "type": "tool_call"}


def usage(
    inp: int,
    out: int,
    *,
    in_details: dict[str, int] | None = None,
    out_details: dict[str, int] | None = None,
) -> UsageMetadata:
    u: UsageMetadata = {"input_tokens": inp, "output_tokens": out, "total_tokens": inp + out}
    if in_details is not None:
        u["input_token_details"] = in_details  # type: ignore[typeddict-item]
    if out_details is not None:
        u["output_token_details"] = out_details  # type: ignore[typeddict-item]
    return u


def add_all(chunks: Sequence[AIMessageChunk]) -> AIMessageChunk:
    """The pairwise, left-to-right sum a LangChain-style loop computes."""
    return functools.reduce(operator.add, chunks)


def opening(**reply: Any) -> list[BaseMessage]:
    """A conversation's first turns, with ids: a system message, a named user's, and the
    AI's reply calling a tool, with its usage (`reply`: more of that reply's fields)."""
    return [
        SystemMessage("Be brief.", id="s"),
        HumanMessage("hi", id="h1", name="ann"),
        AIMessage(
            content="calling",
            id="a1",
            tool_calls=[{"name": "add", "args": {"a": 1}, "id": "c1"}],
            usage_metadata={"input_tokens": 3, "output_tokens": 2, "total_tokens": 5},
            **reply,
        ),
    ]


def thinking_text(content: Any) -> str:
    """The thinking parts' text of a content list, pieces joined."""
    if isinstance(content, str):
        return ""
    return "".join(
        piece["text"]
        for block in content
        if isinstance(block, dict) and block.get("type") == "thinking"
        for piece in block["thinking"]
    )
