"""A stream's pieces merged as langchain-core merges them, in one pass.

Once a stream ended, LangChain merges its pieces for the run's `on_llm_end` (`stream`,
`astream`, and on an error mid-stream) and for an invoke that streams underneath
(`generate_from_stream`): `chunks[0] + chunks[1:]`, which reaches
`add_ai_message_chunks`. There `merge_lists` finds each indexed element's match by
scanning the whole merged list, and `merge_dicts` copies a value each time it grows (a
list again, a string by concatenation): a stream of N tool-call slots, content blocks or
`tool_calls` fragments in `additional_kwargs` costs O(N^2).

This module merges the same way, element for element, but keeps per list where each
index sits (an element's index never changes once merged; its id may, from none to one)
and grows strings, dicts and lists in place, each joined once at the end: O(N). A
drop-in's stream makes its first piece this module's `ChatGenerationChunk` (LangChain's,
of the same name and fields; `merge_linearly`), whose `+` with the stream's other pieces
merges so. What this merge does not expect (an id that is not a string, an index of
another type, content that is neither a string nor a list) is merged by langchain-core's
own functions, as before.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from typing import Any
from typing import cast

from langchain_core.messages import LC_AUTO_PREFIX
from langchain_core.messages import LC_ID_PREFIX
from langchain_core.messages import AIMessageChunk as LCAIMessageChunk
from langchain_core.messages import merge_content
from langchain_core.messages.ai import UsageMetadata
from langchain_core.messages.ai import add_usage

# (langchain-core's own `merge_lists`, for what this merge does not expect: its public
# module imports it from a private one without listing it.)
from langchain_core.messages.base import merge_lists  # type: ignore[attr-defined]
from langchain_core.messages.tool import tool_call_chunk
from langchain_core.outputs import ChatGenerationChunk as LCChatGenerationChunk

__all__ = [
    "ChatGenerationChunk",
    "add_message_chunks",
    "merge_content_linearly",
    "merge_dicts_linearly",
    "merge_lists_linearly",
    "merge_linearly",
]

#: The string keys `merge_dicts` does not simply join (an `lc_` index, an equal id...).
_KEPT_KEYS = frozenset({"index", "id", "output_version", "model_provider"})
#: The integer keys it replaces rather than adds.
_LAST_WINS = frozenset({"index", "created", "timestamp"})


class _Str:
    """A string growing by concatenation: its pieces, joined once read."""

    __slots__ = ("parts",)
    kind = str

    def __init__(self, first: str) -> None:
        self.parts = [first]

    def add(self, new: str) -> None:
        self.parts.append(new)

    def value(self) -> str:
        parts = self.parts
        if len(parts) > 1:
            parts[:] = ["".join(parts)]
        return parts[0]


class _Dict:
    """`merge_dicts(left, *rights)`, each right added as it comes: its values kept
    growing (`_Str`, `_Dict`, `_List`) where `merge_dicts` would copy them again."""

    __slots__ = ("kind", "values")

    def __init__(self, left: dict[Any, Any]) -> None:
        self.values = left.copy()
        self.kind: type = type(self.values)

    def add(self, right: dict[Any, Any]) -> None:
        values = self.values
        for key, new in right.items():
            if key not in values or (new is not None and values[key] is None):
                values[key] = new
                continue
            if new is None:
                continue
            old = values[key]
            kind = type(old)
            if kind in _GROWING:
                if old.kind is not type(new):
                    raise TypeError(_different_type(key))
                old.add(new)
                continue
            if kind is not type(new):
                raise TypeError(_different_type(key))
            if isinstance(old, str):
                if key in _KEPT_KEYS:
                    if (key == "index" and old.startswith("lc_")) or (
                        key != "index" and old == new
                    ):
                        continue
                    values[key] = old + new
                elif kind is str:
                    grown = _Str(old)
                    grown.parts.append(new)
                    values[key] = grown
                else:
                    values[key] = old + new
            elif isinstance(old, dict):
                merged = _Dict(old)
                merged.add(new)
                values[key] = merged
            elif isinstance(old, list):
                values[key] = _List(old.copy()).added(new)
            elif old == new:
                continue
            elif isinstance(old, bool) or not isinstance(old, int):
                msg = (
                    f"Additional kwargs key {key} already exists in left dict and "
                    f"value has unsupported type {type(old)}."
                )
                raise TypeError(msg)
            else:
                values[key] = new if key in _LAST_WINS else old + new

    def get(self, key: Any) -> Any:
        """The value at `key` as it stands."""
        found: Any = self.values.get(key)
        return found.value() if type(found) in _GROWING else found

    def value(self) -> dict[Any, Any]:
        values = self.values
        for key, found in list(values.items()):
            if type(found) in _GROWING:
                values[key] = found.value()
        return values


def _different_type(key: Any) -> str:
    return f'additional_kwargs["{key}"] already exists in this message, but with a different type.'


class _Slot:
    """Where the elements of one index sit in a merged list: the first, those without an
    id (in order), and the first of each id."""

    __slots__ = ("blank", "first", "ids")

    def __init__(self) -> None:
        self.first = -1
        self.blank: deque[int] = deque()
        self.ids: dict[str, int] = {}

    def place(self, position: int, ident: str | None) -> None:
        if self.first < 0:
            self.first = position
        if not ident:
            self.blank.append(position)
        else:
            self.ids.setdefault(ident, position)

    def match(self, ident: str | None) -> int:
        """The first element an element of this index and `ident` merges into: one
        without an id, or of the same id (any, for an element without one)."""
        if not ident:
            return self.first
        same = self.ids.get(ident, -1)
        if not self.blank:
            return same
        blank = self.blank[0]
        return blank if same < 0 else min(blank, same)

    def named(self, position: int, ident: str) -> None:
        """The element at `position`, without an id so far, now has `ident`."""
        if self.blank[0] == position:
            self.blank.popleft()
        else:
            self.blank.remove(position)
        if self.ids.get(ident, position) >= position:
            self.ids[ident] = position


#: The index types looked up by value (equal values hash equal: 1, 1.0 and True alike).
_HASHED = (int, bool, float, str)


class _List:
    """`merge_lists(seed, *others)`, each element added as it comes (`seed`: a list of
    its own, not merged within itself, as `merge_lists` takes its left)."""

    __slots__ = ("items", "slots")

    def __init__(self, seed: list[Any]) -> None:
        self.items = seed
        # index -> its _Slot; None once an element is of a kind this does not expect:
        # from then on each element is merged by langchain-core's `merge_lists`.
        self.slots: dict[Any, _Slot] | None = {}
        for position, element in enumerate(seed):
            self._place(position, element)

    @property
    def kind(self) -> type:
        return type(self.items)

    def added(self, other: list[Any]) -> _List:
        self.add(other)
        return self

    def add(self, other: list[Any]) -> None:
        for element in other:
            self.add_one(element)

    def add_one(self, element: Any) -> None:
        """`merge_lists(items, [element])`: `element` merged into the first element of its
        index and a consistent id, or appended."""
        slots = self.slots
        if slots is None:
            self.items = cast("list[Any]", merge_lists(self.items, [element]))
            return
        if isinstance(element, dict) and "index" in element:
            index = element["index"]
            if isinstance(index, int) or (isinstance(index, str) and index.startswith("lc_")):
                ident = element.get("id")
                if type(index) not in _HASHED or not (ident is None or type(ident) is str):
                    self._unexpected()
                    self.add_one(element)
                    return
                slot = slots.get(index)
                position = -1 if slot is None else slot.match(ident)
                if slot is not None and position >= 0:
                    self._merge_at(position, element, slot)
                    return
        self.items.append(element)
        self._place(len(self.items) - 1, element)

    def _merge_at(self, position: int, element: dict[Any, Any], slot: _Slot) -> None:
        item = self.items[position]
        if type(item) is not _Dict:
            item = _Dict(item)
            self.items[position] = item
        before = item.get("id")
        if (left_type := item.get("type")) and (
            element.get("type") == "non_standard" and "value" in element
        ):
            extras = {k: v for k, v in element["value"].items() if k != "type"}
            if left_type != "non_standard":
                new: dict[str, Any] = {"extras": extras}
            else:
                new = {"value": extras}
                if "index" in element:
                    new["index"] = element["index"]
        elif "type" in element:
            new = {k: v for k, v in element.items() if k != "type"}
        else:
            new = element
        item.add(new)
        after = item.get("id")
        if not before and after:
            if type(after) is not str:
                self._unexpected()
                return
            slot.named(position, after)

    def _place(self, position: int, element: Any) -> None:
        """Note where `element` (just placed at `position`) sits, by its index."""
        slots = self.slots
        if slots is None or not isinstance(element, dict) or "index" not in element:
            return
        index = element["index"]
        if index is None:  # equal to no index an element is merged by
            return
        ident = element.get("id")
        if type(index) not in _HASHED or not (ident is None or type(ident) is str):
            self._unexpected()
            return
        slot = slots.get(index)
        if slot is None:
            slots[index] = slot = _Slot()
        slot.place(position, ident)

    def _unexpected(self) -> None:
        """From now on, langchain-core's `merge_lists` merges (on the list as it stands)."""
        self.slots = None
        self.value()

    def append_text(self, text: str) -> None:
        """`items[-1] += text` (the last item being a string)."""
        items = self.items
        last = items[-1]
        if type(last) is _Str:
            last.parts.append(text)
        elif type(last) is str:
            grown = _Str(last)
            grown.parts.append(text)
            items[-1] = grown
        else:
            items[-1] = last + text

    def last_is_text(self) -> bool:
        return bool(self.items) and isinstance(self.items[-1], (str, _Str))

    def value(self) -> list[Any]:
        items = self.items
        for position, found in enumerate(items):
            if type(found) in _GROWING:
                items[position] = found.value()
        return items


_GROWING: frozenset[type] = frozenset({_Str, _Dict, _List})


def merge_dicts_linearly(left: dict[Any, Any], rights: Sequence[dict[Any, Any]]) -> dict[Any, Any]:
    """langchain-core's `merge_dicts(left, *rights)`, in one pass."""
    merged = _Dict(left)
    for right in rights:
        merged.add(right)
    return merged.value()


def merge_lists_linearly(
    left: list[Any] | None, others: Sequence[list[Any] | None]
) -> list[Any] | None:
    """langchain-core's `merge_lists(left, *others)`, in one pass."""
    merged = None if left is None else _List(left.copy())
    for other in others:
        if other is None:
            continue
        if merged is None:
            merged = _List(other.copy())
        else:
            merged.add(other)
    return None if merged is None else merged.value()


def merge_content_linearly(first: Any, contents: Sequence[Any]) -> Any:
    """langchain-core's `merge_content(first, *contents)`, in one pass where each
    content is a string or a list (else by that function)."""
    if not all(type(c) is str or type(c) is list for c in (first, *contents)):
        return merge_content(first, *contents)
    text: list[str] | None = None
    merged: _List | None = None
    if type(first) is list:
        merged = _List(first.copy())
    else:
        text = [first]
    for content in contents:
        if merged is None:
            assert text is not None
            if type(content) is str:
                text.append(content)
            else:  # a string, then a list: the string is the list's first element
                merged = _List(["".join(text), *content])
        elif type(content) is list:
            merged.add(content)
        elif merged.last_is_text():
            merged.append_text(content)
        elif content == "":
            pass
        elif merged.items:
            merged.items.append(content)
    if merged is None:
        assert text is not None
        return text[0] if len(text) == 1 else "".join(text)
    return merged.value()


def add_message_chunks(
    left: LCAIMessageChunk, others: Sequence[LCAIMessageChunk]
) -> LCAIMessageChunk:
    """langchain-core's `add_ai_message_chunks(left, *others)`, in one pass."""
    content = merge_content_linearly(left.content, [o.content for o in others])
    additional_kwargs = merge_dicts_linearly(
        left.additional_kwargs, [o.additional_kwargs for o in others]
    )
    response_metadata = merge_dicts_linearly(
        left.response_metadata, [o.response_metadata for o in others]
    )
    raw_calls = merge_lists_linearly(left.tool_call_chunks, [o.tool_call_chunks for o in others])
    calls = [
        tool_call_chunk(
            name=rtc.get("name"), args=rtc.get("args"), index=rtc.get("index"), id=rtc.get("id")
        )
        for rtc in raw_calls or ()
    ]
    usage: UsageMetadata | None = None
    if left.usage_metadata or any(o.usage_metadata is not None for o in others):
        usage = left.usage_metadata
        for other in others:
            usage = add_usage(usage, other.usage_metadata)
    return left.__class__(
        content=content,
        additional_kwargs=additional_kwargs,
        tool_call_chunks=calls,
        response_metadata=response_metadata,
        usage_metadata=usage,
        id=_best_id([left.id, *(o.id for o in others)]),
        chunk_position="last" if any(m.chunk_position == "last" for m in (left, *others)) else None,
    )


def _best_id(ids: Sequence[str | None]) -> str | None:
    """The first provider id, else the first `lc_run-` one, else the first other."""
    best, rank = None, -1
    for ident in ids:
        if not ident:
            continue
        if not ident.startswith(LC_ID_PREFIX) and not ident.startswith(LC_AUTO_PREFIX):
            return ident
        mine = 1 if ident.startswith(LC_ID_PREFIX) else 0
        if mine > rank:
            best, rank = ident, mine
    return best


class ChatGenerationChunk(LCChatGenerationChunk):
    """A stream's first piece: LangChain's `ChatGenerationChunk` (its fields, its name,
    its serialized id), whose `+` with a list of the stream's other pieces merges them in
    one pass. Any other `+` is LangChain's."""

    def __add__(self, other: Any) -> LCChatGenerationChunk:
        message = self.message
        if (
            isinstance(other, list)
            and isinstance(message, LCAIMessageChunk)
            and type(message).__add__ is LCAIMessageChunk.__add__
            and all(isinstance(piece, LCChatGenerationChunk) for piece in other)
            and all(isinstance(piece.message, LCAIMessageChunk) for piece in other)
        ):
            info = merge_dicts_linearly(
                self.generation_info or {},
                [piece.generation_info for piece in other if piece.generation_info],
            )
            return LCChatGenerationChunk(
                message=add_message_chunks(message, [piece.message for piece in other]),
                generation_info=info or None,
            )
        return super().__add__(other)


def merge_linearly(piece: LCChatGenerationChunk) -> None:
    """Make `piece`, a stream's first (LangChain's class, maybe handed on already), merge
    the stream's pieces in one pass: its class is changed in place (its fields stay)."""
    if type(piece) is LCChatGenerationChunk:
        object.__setattr__(piece, "__class__", ChatGenerationChunk)
