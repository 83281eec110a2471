"""Merging streamed `AIMessageChunk`s into one.

The merge is linear in the number of chunks: a stream of n tokens is summed once at
the end instead of n times pairwise, which would copy the growing text on every step.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from ._types import ToolCallChunk, UsageMetadata, add_usage

if TYPE_CHECKING:
    from ._messages import AIMessageChunk

__all__ = ["Content", "merge_content", "merge_metadata", "merged_fields"]

#: Message content: plain text, or a list of provider-style content blocks
#: (`{"type": "text", "text": ...}`, `{"type": "image_url", ...}`, `{"type": "thinking", ...}`).
Content = str | list[dict[str, Any]]


def merged_fields(chunks: Iterable[AIMessageChunk]) -> dict[str, Any]:
    """The fields of the chunk that merges `chunks` in order: text joined, tool-call
    fragments joined by index, usage summed, metadata merged (later non-None values win).
    `AIMessageChunk` is built from them by `merge_chunks` in `_messages.py`, so this
    module needs no message class at run time."""
    content = _ContentJoiner()
    tool_chunks: dict[int, ToolCallChunk] = {}
    order: list[int] = []
    usage: UsageMetadata | None = None
    response_metadata: dict[str, Any] = {}
    additional: dict[str, Any] = {}
    msg_id: str | None = None
    name: str | None = None
    tool_calls = []
    invalid = []
    unindexed = 0

    for chunk in chunks:
        content.add(chunk.content)
        for tc in chunk.tool_call_chunks:
            index = tc.get("index")
            if index is None:
                # No index: a whole call (non-streaming provider); keep it separate.
                index = -1 - unindexed
                unindexed += 1
            current = tool_chunks.get(index)
            if current is None:
                tool_chunks[index] = {
                    "name": tc.get("name"),
                    "args": tc.get("args"),
                    "id": tc.get("id"),
                    "index": tc.get("index"),
                    "type": "tool_call_chunk",
                }
                order.append(index)
            else:
                current["name"] = _join(current["name"], tc.get("name"))
                current["args"] = _join(current["args"], tc.get("args"))
                current["id"] = _join(current["id"], tc.get("id"))
        tool_calls.extend(chunk.tool_calls)
        invalid.extend(chunk.invalid_tool_calls)
        usage = add_usage(usage, chunk.usage_metadata)
        merge_metadata(response_metadata, chunk.response_metadata)
        merge_metadata(additional, chunk.additional_kwargs)
        msg_id = chunk.id or msg_id
        name = chunk.name or name

    return {
        "content": content.result(),
        "id": msg_id,
        "name": name,
        "additional_kwargs": additional,
        "response_metadata": response_metadata,
        "tool_calls": tool_calls,
        "invalid_tool_calls": invalid,
        "usage_metadata": usage,
        "tool_call_chunks": [tool_chunks[i] for i in order],
    }


class _ContentJoiner:
    """Contents joined in order: plain text stays a string until a list of blocks
    arrives; from then on text becomes (or extends) a text block."""

    __slots__ = ("blocks", "text_parts")

    def __init__(self) -> None:
        self.text_parts: list[str] = []
        self.blocks: list[dict[str, Any]] | None = None

    def add(self, content: Content) -> None:
        if isinstance(content, str):
            if content:
                if self.blocks is None:
                    self.text_parts.append(content)
                else:
                    _append_text_block(self.blocks, content)
            return
        if self.blocks is None:
            text = "".join(self.text_parts)
            self.blocks = [{"type": "text", "text": text}] if text else []
            self.text_parts = []
        _merge_blocks_into(self.blocks, content)

    def result(self) -> Content:
        return "".join(self.text_parts) if self.blocks is None else self.blocks


def _join(a: str | None, b: str | None) -> str | None:
    if a is None:
        return b
    if b is None:
        return a
    return a + b


def _append_text_block(blocks: list[dict[str, Any]], text: str) -> None:
    if blocks and blocks[-1].get("type") == "text" and "index" not in blocks[-1]:
        blocks[-1]["text"] += text
    else:
        blocks.append({"type": "text", "text": text})


def _merge_blocks_into(blocks: list[dict[str, Any]], new: list[dict[str, Any]]) -> None:
    """Blocks carrying the same `index` are one block split across chunks: join their
    string fields and concatenate their list fields (Anthropic's `citations_delta` adds one
    citation at a time). Blocks without an index are appended as they come."""
    for block in new:
        index = block.get("index")
        if index is None and block.get("type") == "text" and isinstance(block.get("text"), str):
            # Same rule as a plain-str chunk, so `+` stays associative.
            _append_text_block(blocks, block["text"])
            continue
        target = None
        if index is not None:
            for existing in reversed(blocks):
                if existing.get("index") == index:
                    target = existing
                    break
        if target is None:
            blocks.append(dict(block))
            continue
        for key, value in block.items():
            if key in ("index", "type"):
                continue
            old = target.get(key)
            if isinstance(old, str) and isinstance(value, str):
                target[key] = old + value
            elif isinstance(old, list) and isinstance(value, list):
                target[key] = old + value  # a new list: the chunks' lists stay unchanged
            elif value is not None:
                target[key] = value


def merge_content(a: Content, b: Content) -> Content:
    """Join two contents the way a stream would."""
    joined = _ContentJoiner()
    joined.add(a)
    joined.add(b)
    return joined.result()


def merge_metadata(into: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Update `into` with `new`; None never overwrites a value, nested dicts merge."""
    for key, value in new.items():
        if value is None:
            into.setdefault(key, None)
            continue
        old = into.get(key)
        if isinstance(old, dict) and isinstance(value, dict):
            merged = dict(old)
            merge_metadata(merged, value)
            into[key] = merged
        else:
            into[key] = value
    return into
