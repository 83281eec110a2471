"""How a merged stream's content compares with a whole reply's, now that merging follows
langchain-core's `merge_content` (a stream's text pieces stay str elements beside the
blocks, where a whole reply has text blocks): the content with each str element read as
the text block it stands for, adjacent unindexed text joined. Tests that hold a merged
stream equal to the non-stream reply compare through it, and check the merged content
itself against langchain-core's own merge of the same chunks (`langchain_merge`). And
the chunks of a stream added up as a script adds them (`merged`)."""

from __future__ import annotations

import functools
import operator
from collections.abc import Sequence
from typing import Any


def text_as_blocks(content: Any) -> Any:
    """`content` with str elements as text blocks and adjacent unindexed text blocks
    joined (a str stays a str)."""
    if isinstance(content, str):
        return content
    out: list[Any] = []
    for element in content:
        block = {"type": "text", "text": element} if isinstance(element, str) else element
        last = out[-1] if out else None
        joinable = (
            isinstance(last, dict)
            and last.get("type") == block.get("type") == "text"
            and set(last) == set(block) == {"type", "text"}
        )
        if joinable:
            out[-1] = {"type": "text", "text": last["text"] + block["text"]}  # type: ignore[index]
        elif block != {"type": "text", "text": ""}:
            out.append(dict(block) if isinstance(block, dict) else block)
    return out


def merged(chunks: Sequence[Any]) -> Any:
    """The chunks of a stream added up (`+`), as a script that merges them does."""
    total = chunks[0]
    for chunk in chunks[1:]:
        total = total + chunk
    return total


def langchain_merge(chunks: Sequence[Any]) -> Any:
    """langchain-core's merged content of the chunks' contents (None when langchain-core
    is not installed: the check is then skipped by the caller)."""
    try:
        from langchain_core.messages import AIMessageChunk
    except ImportError:
        return None
    theirs = [AIMessageChunk(content=_plain(c.content)) for c in chunks]
    return functools.reduce(operator.add, theirs).content if theirs else None


def _plain(content: Any) -> Any:
    return (
        content
        if isinstance(content, str)
        else [dict(b) if isinstance(b, dict) else b for b in content]
    )


def without_call_type(message: Any) -> Any:
    """`message` with its tool calls' "type" taken out (a merged stream's `to_message()`
    builds them without "type": "tool_call"), so all else compares exactly."""
    for call in message.tool_calls:
        call.pop("type", None)
    return message
