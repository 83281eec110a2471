"""Chunks built from other things: a text delta built without the dataclass `__init__`
(`text_chunk`, once per streamed token), a whole reply as the one chunk of a stream
(`reply_as_chunk`, `chunk_with_calls`), a reply of several candidates as its first
(`with_other_candidates`), and a stream cut short as one chunk (`merge_cut_short`)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from ._messages import _INVALID_TOOL_CALLS
from ._messages import _RESPONSE_METADATA
from ._messages import _TOOL_CALLS
from ._messages import _USAGE_METADATA
from ._messages import AIMessage
from ._messages import AIMessageChunk
from ._messages import BaseMessage
from ._messages import merge_chunks
from ._types import Content
from ._types import ToolCallChunk

__all__ = [
    "OTHER_CANDIDATES",
    "chunk_with_calls",
    "merge_cut_short",
    "pieces_held",
    "reply_as_chunk",
    "text_chunk",
    "with_other_candidates",
]

#: `response_metadata` key of a reply's candidates after the first (requests with `n > 1`,
#: `candidate_count > 1`).
OTHER_CANDIDATES = "other_candidates"

# Slot setters of a chunk's fields, for `text_chunk`.
_SET_CONTENT = vars(BaseMessage)["content"].__set__
_SET_ID = vars(BaseMessage)["id"].__set__
_SET_NAME = vars(BaseMessage)["name"].__set__
_SET_ADDITIONAL = vars(BaseMessage)["additional_kwargs"].__set__
_SET_CHUNK_RESPONSE_METADATA = _RESPONSE_METADATA.__set__
_SET_TOOL_CALLS = _TOOL_CALLS.__set__
_SET_INVALID_TOOL_CALLS = _INVALID_TOOL_CALLS.__set__
_SET_CHUNK_USAGE = _USAGE_METADATA.__set__
_SET_FRAGMENTS = vars(AIMessageChunk)["tool_call_chunks"].__set__
_SET_POSITION = vars(AIMessageChunk)["chunk_position"].__set__
_SET_FROM_CALLS = vars(AIMessageChunk)["_from_calls"].__set__
_new_object = object.__new__


def text_chunk(text: Content, id: str | None = None) -> AIMessageChunk:
    """`AIMessageChunk(content=text, id=id)`, every other field at its default (fresh
    containers), in half the time: the stream parsers' most common chunk, a text delta,
    is built once per token, and the dataclass `__init__` + `__post_init__` cost as much
    as parsing the event's JSON. Equal to the chunk `__init__` builds (tests)."""
    chunk: AIMessageChunk = _new_object(AIMessageChunk)
    _SET_CONTENT(chunk, text)
    _SET_ID(chunk, id)
    _SET_NAME(chunk, None)
    _SET_ADDITIONAL(chunk, {})
    _SET_CHUNK_RESPONSE_METADATA(chunk, {})
    _SET_TOOL_CALLS(chunk, [])
    _SET_INVALID_TOOL_CALLS(chunk, [])
    _SET_CHUNK_USAGE(chunk, None)
    _SET_FRAGMENTS(chunk, [])
    _SET_POSITION(chunk, None)
    _SET_FROM_CALLS(chunk, False)
    return chunk


def reply_as_chunk(message: AIMessage) -> AIMessageChunk:
    """A whole reply as the one chunk of a stream that merges back to it: each tool call
    (valid, then invalid) becomes one indexed fragment holding its whole arguments."""
    calls: list[ToolCallChunk] = [
        {"name": c["name"], "args": json.dumps(c["args"]), "id": c["id"], "index": i}
        for i, c in enumerate(message.tool_calls)
    ]
    calls += [
        {"name": c["name"], "args": c["args"], "id": c["id"], "index": len(calls) + i}
        for i, c in enumerate(message.invalid_tool_calls)
    ]
    return AIMessageChunk(**_reply_fields(message), tool_call_chunks=calls)


def chunk_with_calls(message: AIMessage) -> AIMessageChunk:
    """A whole reply as one chunk built with its `tool_calls=`, as LangChain turns a
    reply into a chunk: one fragment a call, without an index, the calls kept as given
    (`reply_as_chunk` indexes them instead, for a replay that merges back)."""
    return AIMessageChunk(
        **_reply_fields(message),
        tool_calls=message.tool_calls,
        invalid_tool_calls=message.invalid_tool_calls,
    )


def _reply_fields(message: AIMessage) -> dict[str, Any]:
    """The fields a reply's chunk takes from it as they are: all but the tool calls."""
    return {
        "content": message.content,
        "id": message.id,
        "name": message.name,
        "additional_kwargs": message.additional_kwargs,
        "response_metadata": message.response_metadata,
        "usage_metadata": message.usage_metadata,
    }


def with_other_candidates(candidates: list[AIMessage]) -> AIMessage:
    """The first of a reply's `candidates`, the others (if any) in its
    `response_metadata[OTHER_CANDIDATES]`."""
    first, *others = candidates
    if others:
        first.response_metadata[OTHER_CANDIDATES] = others
    return first


def pieces_held(chunk: AIMessageChunk) -> int:
    """How many pieces a merge of `chunk` walks again (its tool-call fragments and
    content blocks): who merges a stream's chunks every so often waits for at least as
    many new chunks before the next merge, so each chunk costs O(1) however long the
    stream."""
    content = chunk.content
    return len(chunk.tool_call_chunks) + (0 if content.__class__ is str else len(content))


def merge_cut_short(chunks: Iterable[AIMessageChunk]) -> AIMessageChunk:
    """`merge_chunks` of a stream that failed before its end (an error's `partial`), its
    calls' arguments read exactly, as a finished reply's are: a call cut short is an
    invalid call (its raw arguments and why), never one repaired best-effort into
    arguments the model did not finish. The chunk is not marked as the reply's end."""
    merged = merge_chunks(chunks)
    if merged.tool_call_chunks:
        from ._tool_calls import parse_tool_call_chunks  # (not at import: `import chatplex`)

        calls, invalid = parse_tool_call_chunks(merged.tool_call_chunks, complete=True)
        merged.tool_calls, merged.invalid_tool_calls = calls, invalid
    return merged
