"""Merging streamed `AIMessageChunk`s into one.

The merge is linear in the number of chunks: a stream of n tokens is summed once at
the end instead of n times pairwise, which would copy the growing text on every step.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING
from typing import Any
from typing import cast

from ._types import ToolCallChunk
from ._types import UsageMetadata
from ._types import add_usage

if TYPE_CHECKING:
    from ._messages import AIMessageChunk

__all__ = ["Content", "merge_content", "merge_metadata", "merged_fields"]

#: Message content: plain text, or a list of provider-style content blocks
#: (`{"type": "text", "text": ...}`, `{"type": "image_url", ...}`, `{"type": "thinking", ...}`)
#: and, as in LangChain, str elements (a merged stream's text beside blocks).
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
    dicts merged alike, lists joined as `merge_lists` joins them (elements with one
    `index` merged), None never overwriting; keys in the order
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
        # Indexed pieces (a partner's raw tool-call deltas) join as `merge_lists` joins them.
        merged = [_element(e) for e in old]
        _merge_blocks_into(merged, new)
        return [("".join(e) if isinstance(e, _Parts) else e) for e in merged]
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
    """Contents joined in order as langchain-core's `merge_content` joins them: text stays
    a str until a list arrives; then the text so far leads the list as a str element
    (even ""), and a later str extends a trailing str element or is added as one; list
    elements with the same int (or "lc_") `index` and no conflicting `id` are one block
    split across chunks, the rest are appended as they come. One difference, where
    LangChain loses text: a str after an empty list is kept (LangChain drops it). A
    trailing str is gathered as parts and joined once, so a long stream stays linear."""

    __slots__ = ("items", "text_parts")

    def __init__(self) -> None:
        self.text_parts: list[str] | None = None  # None until a str content came
        self.items: list[Any] | None = None  # once a list came: _Parts or block dicts

    def add(self, content: Content) -> None:
        items = self.items
        if isinstance(content, str):
            if items is None:
                if self.text_parts is None:
                    self.text_parts = []
                self.text_parts.append(content)
            elif items and isinstance(items[-1], _Parts):
                items[-1].append(content)
            elif content:
                items.append(_Parts((content,)))
            return
        if items is None:
            lead = [] if self.text_parts is None else [_Parts(self.text_parts)]
            self.items = [*lead, *(_element(e) for e in content)]
            self.text_parts = None
            return
        _merge_blocks_into(items, content)

    def result(self) -> Content:
        if self.items is None:
            return "".join(self.text_parts or ())
        # str elements beside the blocks, as in LangChain: the `Content` alias names only
        # the blocks (readers check for str elements, as `content_text` does).
        return cast(Content, ["".join(e) if isinstance(e, _Parts) else e for e in self.items])


def _element(element: Any) -> Any:
    """A list element as the joiner keeps it: a str as parts, a block as a copy (the
    chunk's own dict stays unchanged when later pieces join it)."""
    if isinstance(element, str):
        return _Parts((element,))
    return dict(element) if isinstance(element, dict) else element


def _join(a: str | None, b: str | None) -> str | None:
    if a is None:
        return b
    if b is None:
        return a
    return a + b


def _mergeable_index(block: Any) -> bool:
    """Whether a list element is a piece of an indexed block (langchain-core's
    `merge_lists`: an int index, or a str one starting "lc_")."""
    if not isinstance(block, dict) or "index" not in block:
        return False
    index = block["index"]
    return (isinstance(index, int) and not isinstance(index, bool)) or (
        isinstance(index, str) and index.startswith("lc_")
    )


def _merge_blocks_into(items: list[Any], new: list[Any]) -> None:
    """`new`'s elements merged into `items` as langchain-core's `merge_lists` does: an
    indexed block joins the first earlier block with its index whose `id` does not
    conflict (string fields joined, lists concatenated, nested dicts merged); any other
    element is appended."""
    for block in new:
        target = None
        if _mergeable_index(block):
            for existing in items:
                if (
                    isinstance(existing, dict)
                    and "index" in existing
                    and existing["index"] == block["index"]
                    and (
                        existing.get("id") in (None, "")
                        or block.get("id") in (None, "")
                        or existing.get("id") == block.get("id")
                    )
                ):
                    target = existing
                    break
        if target is None:
            items.append(_element(block))
            continue
        _merge_block(target, block)


def _merge_block(target: dict[str, Any], block: dict[str, Any]) -> None:
    """One piece of a block merged into it in place, as `merge_dicts` does (`type` kept
    from the first piece; a `non_standard` piece's value goes under `extras`)."""
    if block.get("type") == "non_standard" and isinstance(block.get("value"), dict):
        value = {k: v for k, v in block["value"].items() if k != "type"}
        if target.get("type") != "non_standard":
            block = {"extras": value}
        else:
            block = {"value": value, "index": block["index"]}
    for key, value in block.items():
        if key == "type":
            continue
        target[key] = _merged_value(key, target.get(key), value, key in target)


def _merged_value(key: str, old: Any, value: Any, present: bool) -> Any:
    """`merge_dicts`' rule for one key. Where it raises (two values of different types),
    the later value is kept: a stream never fails on its own pieces."""
    if not present or (old is None and value is not None):
        return value
    if value is None:
        return old
    if isinstance(old, str) and isinstance(value, str):
        if (key == "index" and old.startswith("lc_")) or (key in _SAME_NOT_JOINED and old == value):
            return old
        return old + value
    if isinstance(old, dict) and isinstance(value, dict):
        return _joined_fields(old, value)
    if isinstance(old, list) and isinstance(value, list):
        merged = [_element(e) for e in old]
        _merge_blocks_into(merged, value)
        return [("".join(e) if isinstance(e, _Parts) else e) for e in merged]
    if old == value:
        return old
    if isinstance(old, int) and isinstance(value, int) and not isinstance(old, bool):
        return value if key in ("index", "created", "timestamp") else old + value
    return value


def _joined_fields(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """A nested field split across chunks, joined as LangChain's `merge_dicts` joins it,
    into a new dict."""
    out = dict(old)
    for key, value in new.items():
        out[key] = _merged_value(key, out.get(key), value, key in out)
    return out


def merge_content(first: Content, *contents: Content) -> Content:
    """Join contents the way a stream would (langchain-core's `merge_content`)."""
    joined = _ContentJoiner()
    joined.add(first)
    for content in contents:
        joined.add(content)
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
