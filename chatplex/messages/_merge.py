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
    fragments joined (by index, or by id when there is no index), usage summed,
    metadata merged (later non-None values win). `AIMessageChunk` is built from them by
    `merge_chunks` in `_messages.py`, which derives `tool_calls` from the joined
    fragments once; so this module needs no message class at run time."""
    content = _ContentJoiner()
    tools = _ToolCallJoiner()
    usage: UsageMetadata | None = None
    response_metadata: dict[str, Any] = {}
    additional = _KwargsJoiner()
    msg_id: str | None = None
    name: str | None = None
    last = False

    for chunk in chunks:
        content.add(chunk.content)
        for tc in chunk.tool_call_chunks:
            tools.add(tc)
        usage = add_usage(usage, chunk.usage_metadata)
        merge_metadata(response_metadata, chunk.response_metadata)
        additional.add(chunk.additional_kwargs)
        msg_id = chunk.id or msg_id
        name = chunk.name or name
        last = last or chunk.chunk_position == "last"

    return {
        "content": content.result(),
        "id": msg_id,
        "name": name,
        "additional_kwargs": additional.result(),
        "response_metadata": response_metadata,
        "usage_metadata": usage,
        "tool_call_chunks": tools.entries,
        "chunk_position": "last" if last else None,
    }


#: String keys LangChain's `merge_dicts` does not concatenate when both sides agree.
_SAME_NOT_JOINED = frozenset({"id", "output_version", "model_provider"})


class _KwargsJoiner:
    """`additional_kwargs` merged as LangChain's `merge_dicts` merges them: strings
    concatenated (streamed `reasoning_content`, a function call's `arguments`), nested
    dicts merged alike, lists concatenated, None never overwriting; keys in the order
    they first came. Top-level strings are gathered as parts and joined once, so a long
    stream stays linear."""

    __slots__ = ("_merged",)

    def __init__(self) -> None:
        self._merged: dict[str, Any] = {}  # key -> value, or a list of str parts (_Parts)

    def add(self, new: dict[str, Any]) -> None:
        merged = self._merged
        for key, value in new.items():
            old = merged.get(key)
            if value is None:
                merged.setdefault(key, None)
            elif isinstance(old, _Parts) and isinstance(value, str):
                if not (key in _SAME_NOT_JOINED and "".join(old) == value):
                    old.append(value)
            elif isinstance(value, str) and old is None:
                merged[key] = _Parts((value,))
            else:
                merged[key] = _joined(old, value)

    def result(self) -> dict[str, Any]:
        return {k: "".join(v) if isinstance(v, _Parts) else v for k, v in self._merged.items()}


class _Parts(list[str]):
    """The pieces of a streamed string value, joined once at the end."""


def _joined(old: Any, new: Any) -> Any:
    """`new` merged into `old` as LangChain's `merge_dicts` does (a new object)."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = dict(old)
        for key, value in new.items():
            if value is None:
                out.setdefault(key, None)
            elif isinstance(out.get(key), str) and isinstance(value, str):
                same = key in _SAME_NOT_JOINED and out[key] == value
                out[key] = out[key] if same else out[key] + value
            else:
                out[key] = _joined(out.get(key), value)
        return out
    if isinstance(old, list) and isinstance(new, list):
        return old + new
    return new


class _ToolCallJoiner:
    """Tool-call fragments joined into one fragment per call.

    Fragments with the same `index` are one call (LangChain's rule, including its
    exception: two different non-empty ids at one index are two calls). A fragment
    without an index joins the call that has its id: some OpenAI-compatible servers send
    no index and repeat the id and name in every fragment, which would otherwise make
    one empty call per fragment. A fragment with neither is a call of its own.
    """

    __slots__ = ("by_id", "by_index", "entries")

    def __init__(self) -> None:
        self.entries: list[ToolCallChunk] = []
        self.by_index: dict[Any, list[ToolCallChunk]] = {}
        self.by_id: dict[str, ToolCallChunk] = {}

    def add(self, tc: ToolCallChunk) -> None:
        index, call_id = tc.get("index"), tc.get("id")
        target: ToolCallChunk | None = None
        if index is not None:
            for known in self.by_index.get(index, ()):
                if not call_id or not known["id"] or known["id"] == call_id:
                    target = known
                    break
        elif call_id:
            target = self.by_id.get(call_id)
        if target is None:
            entry: ToolCallChunk = {
                "name": tc.get("name"),
                "args": tc.get("args"),
                "id": call_id,
                "index": index,
                "type": "tool_call_chunk",
            }
            self.entries.append(entry)
            if index is not None:
                self.by_index.setdefault(index, []).append(entry)
            if call_id:
                self.by_id.setdefault(call_id, entry)
            return
        name = tc.get("name")
        if index is None and name and name == target["name"]:
            name = None  # repeated whole in every index-less fragment, not split
        target["name"] = _join(target["name"], name)
        target["args"] = _join(target["args"], tc.get("args"))
        if call_id and call_id != target["id"]:
            target["id"] = _join(target["id"], call_id)
            if target["id"]:
                self.by_id.setdefault(target["id"], target)


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
            elif isinstance(old, dict) and isinstance(value, dict):
                target[key] = _joined_fields(old, value)  # langchain-aws's reasoning_content
            elif value is not None:
                target[key] = value


def _joined_fields(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """A nested field split across chunks, joined as LangChain's `merge_dicts` joins it
    (strings concatenated, dicts joined, lists concatenated), into a new dict."""
    out = dict(old)
    for key, value in new.items():
        before = out.get(key)
        if isinstance(before, str) and isinstance(value, str):
            out[key] = before + value
        elif isinstance(before, dict) and isinstance(value, dict):
            out[key] = _joined_fields(before, value)
        elif isinstance(before, list) and isinstance(value, list):
            out[key] = before + value
        elif value is not None:
            out[key] = value
    return out


def merge_content(a: Content, b: Content) -> Content:
    """Join two contents the way a stream would."""
    joined = _ContentJoiner()
    joined.add(a)
    joined.add(b)
    return joined.result()


def merge_metadata(into: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Update `into` with `new`; None never overwrites a value, nested dicts merge, lists
    are concatenated (as LangChain merges them: streamed `logprobs` come a few tokens per
    chunk), other values are replaced (cumulative counts and whole-so-far strings)."""
    for key, value in new.items():
        if value is None:
            into.setdefault(key, None)
            continue
        old = into.get(key)
        if isinstance(old, dict) and isinstance(value, dict):
            merged = dict(old)
            merge_metadata(merged, value)
            into[key] = merged
        elif isinstance(old, list) and isinstance(value, list):
            into[key] = old + value  # a new list: the chunks' lists stay unchanged
        else:
            into[key] = value
    return into
