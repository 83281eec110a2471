"""A stream's tool calls read exactly once it ended, through LangChain's own merging.

LangChain's chunk merge reads a call's joined argument fragments with
`parse_partial_json`, which repairs JSON cut short: a stream that stops inside
`{"city": "Par` merges into a valid call `{"city": "Par"}`, and an agent runs the tool
with arguments the model never finished. chatplex's own chunks read a finished reply's
arguments exactly (`chatplex.messages`' `parse_args`): what is not a JSON object is an
invalid call. LangChain's classes cannot be told to, so a stream whose calls do not parse
(`CallsSeen`, fed every piece) ends on pieces that redo the merge (`mark_cut`):

- its closing message is this module's `AIMessageChunk` (a subclass of LangChain's, of
  the same name), whose `+` merges as LangChain's and then reads the calls exactly.
  Python asks a right operand first when its class is a subclass of the left one's, so
  a script's `total = total + chunk` reaches it;
- its first piece becomes this module's `ChatGenerationChunk`, whose `+` with the other
  pieces does the same: LangChain merges a stream's pieces that way
  (`generate_from_stream`, for an invoke that streams underneath; the run's `on_llm_end`),
  in one pass (`linear_merge.py`, which every stream's first piece merges through).

Streams whose calls parse, and those without calls, keep LangChain's classes untouched
(their first piece, `linear_merge.py`'s, aside).
"""

from __future__ import annotations

from typing import Any

from langchain_core.messages import AIMessageChunk as LCAIMessageChunk
from langchain_core.messages.ai import add_ai_message_chunks
from langchain_core.messages.tool import invalid_tool_call
from langchain_core.messages.tool import tool_call
from langchain_core.outputs import ChatGenerationChunk as LCChatGenerationChunk

from ..messages import parse_args
from .linear_merge import ChatGenerationChunk as OnePassChatGenerationChunk

__all__ = ["AIMessageChunk", "CallsSeen", "ChatGenerationChunk", "exact_calls", "mark_cut"]


class CallsSeen:
    """The argument fragments of a stream's calls, joined as LangChain's merge joins them
    (by `index`; one without an index is a call of its own)."""

    __slots__ = ("_args",)

    def __init__(self) -> None:
        # (Fragments kept in lists, joined once at the end: a stream of N pieces costs O(N).)
        self._args: dict[object, list[str]] = {}

    def add(self, message: Any) -> None:
        for chunk in getattr(message, "tool_call_chunks", None) or ():
            index = chunk.get("index")
            key = index if isinstance(index, int) else object()
            self._args.setdefault(key, []).append(chunk.get("args") or "")

    def any_cut(self) -> bool:
        """Whether a call's joined arguments are not a JSON object."""
        return any(parse_args("".join(parts))[1] is not None for parts in self._args.values())


def exact_calls(merged: LCAIMessageChunk) -> LCAIMessageChunk:
    """`merged` (a fresh chunk of LangChain's merge) with the calls whose arguments are not
    a JSON object moved to `invalid_tool_calls`, the raw arguments and why kept, once it
    holds the stream's end. The calls that parse stay as LangChain read them."""
    if merged.chunk_position != "last" or not merged.tool_call_chunks:
        return merged
    calls, invalid = [], []
    moved = False
    # A call LangChain's merge found invalid itself (JSON that is no object) stays as it
    # read it; only the calls it repaired are read again.
    found = {(c.get("id"), c.get("args")): c for c in merged.invalid_tool_calls}
    for chunk in merged.tool_call_chunks:
        raw = chunk.get("args") or ""
        args, error = parse_args(raw)
        if error is None:
            calls.append(tool_call(name=chunk.get("name") or "", args=args, id=chunk.get("id")))
            continue
        moved = True
        invalid.append(
            found.get((chunk.get("id"), raw))
            or invalid_tool_call(name=chunk.get("name"), args=raw, id=chunk.get("id"), error=error)
        )
    if moved:
        merged.tool_calls = calls
        merged.invalid_tool_calls = invalid
    return merged


class AIMessageChunk(LCAIMessageChunk):
    """The closing message of a stream whose calls do not parse: LangChain's
    `AIMessageChunk` (its fields, its name, its serialized id), whose merges read the
    calls exactly."""

    def __add__(self, other: Any) -> LCAIMessageChunk:  # type: ignore[override]
        return exact_calls(super().__add__(other))

    def __radd__(self, other: Any) -> LCAIMessageChunk:
        if not isinstance(other, LCAIMessageChunk):
            return NotImplemented
        return exact_calls(add_ai_message_chunks(other, self))


class ChatGenerationChunk(OnePassChatGenerationChunk):
    """The first piece of a stream whose calls do not parse: LangChain's
    `ChatGenerationChunk`, whose merge with the stream's other pieces (in one pass) reads
    the calls exactly."""

    def __add__(self, other: Any) -> LCChatGenerationChunk:
        merged = super().__add__(other)
        if isinstance(merged.message, LCAIMessageChunk):
            merged.message = exact_calls(merged.message)
        return merged


def mark_cut(first: LCChatGenerationChunk, closing: LCChatGenerationChunk) -> None:
    """Make the stream's `first` and `closing` pieces (both already made) merge exactly.
    The first was handed on already: its class is changed in place (its fields stay),
    for the merges LangChain runs once the stream is over."""
    if type(first) in (LCChatGenerationChunk, OnePassChatGenerationChunk):
        object.__setattr__(first, "__class__", ChatGenerationChunk)
    if type(closing.message) is LCAIMessageChunk:
        object.__setattr__(closing.message, "__class__", AIMessageChunk)
