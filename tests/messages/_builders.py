"""Builders of the message records the tests compare: tool-call chunks, parsed calls,
usage, and a stream's chunks added up pairwise."""

from __future__ import annotations

import functools
import operator
from collections.abc import Sequence
from typing import Any

from chatplex.messages import AIMessageChunk
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
