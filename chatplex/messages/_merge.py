"""Merging streamed `AIMessageChunk`s into one.

The merge is linear in the number of chunks and in their size: a stream of n tokens is
summed once at the end instead of n times pairwise, which would copy the growing text on
every step. Within the one merge no piece re-reads what came before it either: a string
that grows (text, a block's field, a call's arguments) is gathered as parts and joined
once (`_Parts`), an indexed block or call is found by its index (`_Blocks`,
`_ToolCallJoiner`), and a dict or list the merge made is extended in place (`_Owned`),
so a stream of 20,000 tool calls or blocks costs 20,000 steps, not 20,000².
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import suppress
from typing import Any
from typing import cast

from ._types import Content
from ._types import PieceFields
from ._types import ToolCallChunk
from ._types import UsageMetadata
from ._types import add_usage

__all__ = ["merge_content", "merge_metadata", "merged_fields"]


def merged_fields(chunks: Iterable[PieceFields]) -> dict[str, Any]:
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
        if chunk.response_metadata:
            _merge_metadata_owned(response_metadata, chunk.response_metadata)
        additional.add(chunk.additional_kwargs)
        msg_id = chunk.id or msg_id
        name = chunk.name or name
        last = last or chunk.chunk_position == "last"

    return {
        "content": content.result(),
        "id": msg_id,
        "name": name,
        "additional_kwargs": additional.result(),
        "response_metadata": _finished_dict(response_metadata),
        "usage_metadata": usage,
        "tool_call_chunks": tools.result(),
        "chunk_position": "last" if last else None,
    }


#: String keys LangChain's `merge_dicts` does not concatenate when both sides agree.
_SAME_NOT_JOINED = frozenset({"id", "output_version", "model_provider"})
#: String keys kept whole (compared while merging), never gathered as `_Parts`.
_COMPARED = _SAME_NOT_JOINED | {"index"}


class _Parts(list[str]):
    """The pieces of a streamed string value, joined once at the end."""


class _OwnedDict(dict[str, Any]):
    """A dict the merge made (a copy of a chunk's): merged into in place from then on;
    its values may be merge state (`_finished` makes them plain)."""


class _OwnedList(list[Any]):
    """A list the merge made by concatenating chunks' lists: extended in place."""


class _Blocks:
    """List elements merged as langchain-core's `merge_lists` merges them, with each
    indexed block found by its index (`by_index`) rather than by a walk of the list:
    str elements as `_Parts`, blocks as `_OwnedDict` copies (a chunk's own dict stays
    unchanged when later pieces join it)."""

    __slots__ = ("by_index", "items")

    def __init__(self, elements: Iterable[Any] = ()) -> None:
        self.items: list[Any] = []
        self.by_index: dict[Any, list[dict[str, Any]]] = {}
        for element in elements:
            self.append(_element(element))

    def append(self, element: Any) -> None:
        self.items.append(element)
        if isinstance(element, dict) and "index" in element:
            # (an unhashable index is left out: no mergeable block's index equals it)
            with suppress(TypeError):
                self.by_index.setdefault(element["index"], []).append(element)

    def merge(self, new: Iterable[Any]) -> None:
        """`new`'s elements merged in: an indexed block joins the first earlier block
        with its index whose `id` does not conflict (string fields joined, lists
        concatenated, nested dicts merged); any other element is appended."""
        for block in new:
            target = None
            if _mergeable_index(block):
                block_id = block.get("id")
                for existing in self.by_index.get(block["index"], ()):
                    known = existing.get("id")
                    if known in (None, "") or block_id in (None, "") or known == block_id:
                        target = existing
                        break
            if target is None:
                self.append(_element(block))
            else:
                _merge_block(target, block)

    def result(self) -> list[Any]:
        return [_finished(e) for e in self.items]


def _finished(value: Any) -> Any:
    """A merged value as plain data: parts joined, owned containers made plain."""
    cls = value.__class__
    if cls is _Parts:
        return "".join(value)
    if cls is _OwnedDict:
        return _finished_dict(value)
    if cls is _Blocks:
        return value.result()
    if cls is _OwnedList:
        return list(value)
    return value


def _finished_dict(merged: dict[str, Any]) -> dict[str, Any]:
    return {k: _finished(v) for k, v in merged.items()}


class _KwargsJoiner:
    """`additional_kwargs` merged as LangChain's `merge_dicts` merges them: strings
    concatenated (streamed `reasoning_content`, a function call's `arguments`), nested
    dicts merged alike, lists joined as `merge_lists` joins them (elements with one
    `index` merged), None never overwriting; keys in the order
    they first came. Strings are gathered as parts and joined once, and what the merge
    made is merged into in place, so a long stream stays linear."""

    __slots__ = ("_merged",)

    def __init__(self) -> None:
        self._merged: dict[str, Any] = {}  # key -> value, or merge state (`_finished`)

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
            elif isinstance(old, _Parts):
                # (a string, then something else: as before parts were kept, its pieces
                # are a list's elements)
                merged[key] = _joined(list(old), value)
            else:
                merged[key] = _joined(old, value)

    def result(self) -> dict[str, Any]:
        return _finished_dict(self._merged)


def _joined(old: Any, new: Any) -> Any:
    """`new` merged into `old` as LangChain's `merge_dicts` does: a dict or list of a
    chunk's is copied once (`_OwnedDict`, `_Blocks`), then merged into in place."""
    if isinstance(old, dict) and isinstance(new, dict):
        out = old if old.__class__ is _OwnedDict else _OwnedDict(old)
        for key, value in new.items():
            if value is None:
                out.setdefault(key, None)
                continue
            have = out.get(key)
            if have.__class__ is _Parts:
                if isinstance(value, str):
                    have.append(value)
                    continue
                have = "".join(have)
            if isinstance(have, str) and isinstance(value, str):
                if key in _SAME_NOT_JOINED:
                    out[key] = have if have == value else have + value
                else:
                    out[key] = _Parts((have, value))
            else:
                out[key] = _joined(have, value)
        return out
    if isinstance(new, list):
        # Indexed pieces (a partner's raw tool-call deltas) join as `merge_lists` joins them.
        merged = _merged_blocks(old, new)
        if merged is not None:
            return merged
    return new


class _ToolCallJoiner:
    """Tool-call fragments joined into one fragment per call.

    Fragments with the same `index` are one call (LangChain's rule, including its
    exception: two different non-empty ids at one index are two calls). A fragment
    without an index joins the call that has its id: some OpenAI-compatible servers send
    no index and repeat the id and name in every fragment, which would otherwise make
    one empty call per fragment. A fragment with neither is a call of its own. A call's
    argument fragments are gathered as parts and joined once (`result`).
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
        args = tc.get("args")
        if args is not None:
            have: Any = target["args"]
            if have is None:
                target["args"] = args
            elif have.__class__ is _Parts:
                have.append(args)
            else:
                target["args"] = _Parts((have, args))  # type: ignore[typeddict-item]
        if call_id and call_id != target["id"]:
            target["id"] = _join(target["id"], call_id)
            if target["id"]:
                self.by_id.setdefault(target["id"], target)

    def result(self) -> list[ToolCallChunk]:
        """The calls, their argument parts joined."""
        for entry in self.entries:
            args: Any = entry["args"]
            if args.__class__ is _Parts:
                entry["args"] = "".join(args)
        return self.entries


class _ContentJoiner:
    """Contents joined in order as langchain-core's `merge_content` joins them: text stays
    a str until a list arrives; then the text so far leads the list as a str element
    (even ""), and a later str extends a trailing str element or is added as one; list
    elements with the same int (or "lc_") `index` and no conflicting `id` are one block
    split across chunks, the rest are appended as they come. One difference, where
    LangChain loses text: a str after an empty list is kept (LangChain drops it). A
    trailing str is gathered as parts and joined once, so a long stream stays linear."""

    __slots__ = ("blocks", "text_parts")

    def __init__(self) -> None:
        self.text_parts: list[str] | None = None  # None until a str content came
        self.blocks: _Blocks | None = None  # once a list came: _Parts and block copies

    def add(self, content: Content) -> None:
        blocks = self.blocks
        if isinstance(content, str):
            if blocks is None:
                if self.text_parts is None:
                    self.text_parts = []
                self.text_parts.append(content)
                return
            items = blocks.items
            if items and items[-1].__class__ is _Parts:
                items[-1].append(content)
            elif content:
                blocks.append(_Parts((content,)))
            return
        if blocks is None:
            blocks = self.blocks = _Blocks()
            if self.text_parts is not None:
                blocks.append(_Parts(self.text_parts))
            for element in content:
                blocks.append(_element(element))
            self.text_parts = None
            return
        blocks.merge(content)

    def result(self) -> Content:
        if self.blocks is None:
            return "".join(self.text_parts or ())
        # str elements beside the blocks, as in LangChain: the `Content` alias names only
        # the blocks (readers check for str elements, as `content_text` does).
        return cast(Content, self.blocks.result())


def _element(element: Any) -> Any:
    """A list element as the joiner keeps it: a str as parts, a block as a copy (the
    chunk's own dict stays unchanged when later pieces join it)."""
    if isinstance(element, str):
        return _Parts((element,))
    return _OwnedDict(element) if isinstance(element, dict) else element


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
    the later value is kept: a stream never fails on its own pieces. What the merge made
    (`_Parts`, `_OwnedDict`, `_Blocks`) is merged into in place."""
    if not present or (old is None and value is not None):
        return value
    if value is None:
        return old
    if old.__class__ is _Parts:
        if isinstance(value, str):
            old.append(value)
            return old
        old = "".join(old)
    if isinstance(old, str) and isinstance(value, str):
        if key not in _COMPARED:
            return _Parts((old, value))
        if (key == "index" and old.startswith("lc_")) or (key in _SAME_NOT_JOINED and old == value):
            return old
        return old + value
    if isinstance(old, dict) and isinstance(value, dict):
        return _joined_fields(old, value)
    if isinstance(value, list):
        merged = _merged_blocks(old, value)
        if merged is not None:
            return merged
    if old == value:
        return old
    if isinstance(old, int) and isinstance(value, int) and not isinstance(old, bool):
        return value if key in ("index", "created", "timestamp") else old + value
    return value


def _joined_fields(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """A nested field split across chunks, joined as LangChain's `merge_dicts` joins it:
    into a copy the first time, in place after."""
    out = old if old.__class__ is _OwnedDict else _OwnedDict(old)
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
    chunk), other values are replaced (cumulative counts and whole-so-far strings).
    The dicts and lists merged are new ones: the chunks' own stay unchanged."""
    _merge_metadata_owned(into, new)
    for key in new:
        into[key] = _finished(into[key])
    return into


def _merge_metadata_owned(into: dict[str, Any], new: dict[str, Any]) -> None:
    """`merge_metadata` as `merged_fields` runs it: a dict or list of a chunk's is copied
    the first time another chunk's joins it (`_OwnedDict`, `_OwnedList`), then merged
    into in place, so a stream's growing `logprobs` are not copied whole on every chunk
    (`_finished` makes them plain)."""
    for key, value in new.items():
        if value is None:
            into.setdefault(key, None)
            continue
        old = into.get(key)
        if isinstance(old, dict) and isinstance(value, dict):
            if old.__class__ is not _OwnedDict:
                old = into[key] = _OwnedDict(old)
            _merge_metadata_owned(old, value)
        elif isinstance(old, list) and isinstance(value, list):
            if old.__class__ is not _OwnedList:
                old = into[key] = _OwnedList(old)
            old.extend(value)
        else:
            into[key] = value


def _merged_blocks(old: Any, new: list[Any]) -> _Blocks | None:
    """`old` with the indexed pieces `new` joined in, as a `_Blocks` the merge owns (made
    from `old` on its first join); None where `old` is no list."""
    if old.__class__ is _Blocks:
        old.merge(new)
        return old
    if isinstance(old, list):
        blocks = _Blocks(old)
        blocks.merge(new)
        return blocks
    return None
