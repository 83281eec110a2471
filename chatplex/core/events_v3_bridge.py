"""A chat model's streamed chunks as langchain-core's v3 protocol events (plain dicts).

One message's lifecycle::

    message-start
      -> content-block-start   (the first time a block is seen; its empty skeleton)
      -> content-block-delta*  (each chunk's piece: text-delta, reasoning-delta,
                                tool-call-delta, data-delta)
      -> content-block-finish  (each block whole: a tool call's arguments parsed)
    -> message-finish          (usage summed, response metadata merged)

Blocks are read from each chunk's `content_blocks` and keyed by their `index` (or, without
one, by their type and place in the chunk), then numbered 0, 1, ... in the order first
seen, as langchain-core's bridge numbers them.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

from ..messages import AIMessageChunk

__all__ = ["EventBridge", "finalized_call"]

Block = dict[str, Any]

_CALL_CHUNKS = frozenset({"tool_call_chunk", "server_tool_call_chunk"})
#: A client tool call's blocks, whose pieces come from `tool_call_chunks` instead.
_CALL_BLOCKS = frozenset({"tool_call", "tool_call_chunk", "invalid_tool_call"})
#: Fields a self-contained block's start leaves to its finish (large payloads).
_HEAVY = frozenset({"args", "data", "output", "transcript", "value"})
_ERROR = "Failed to parse tool call arguments as JSON"


def finalized_call(raw: str | None, id_: Any, name: Any, extras: Block, kind: str) -> Block:
    """A streamed call's block once whole: `kind` (`tool_call` / `server_tool_call`) with
    its arguments parsed, or an `invalid_tool_call` keeping the text that is no JSON."""
    text = raw or "{}"
    try:
        args = json.loads(text)
    except (json.JSONDecodeError, TypeError):
        return {
            "type": "invalid_tool_call",
            "id": id_,
            "name": name,
            "args": text,
            "error": _ERROR,
            **extras,
        }
    return {"type": kind, "id": id_ or "", "name": name or "", "args": args, **extras}


def _skeleton(block: Block) -> Block:
    """A block's `content-block-start` content: deltaable blocks empty, a call chunk its
    id, name and index, other blocks without their large fields."""
    kind = block.get("type", "text")
    if kind == "text":
        return {
            **{k: v for k, v in block.items() if k not in ("text", "index", "annotations")},
            "text": "",
        }
    if kind == "reasoning":
        return {
            **{k: v for k, v in block.items() if k not in ("reasoning", "index")},
            "reasoning": "",
        }
    if kind in _CALL_CHUNKS:
        skeleton: Block = {
            "type": kind,
            "id": block.get("id"),
            "name": block.get("name"),
            "args": "",
        }
        if kind == "server_tool_call_chunk":
            skeleton = {k: v for k, v in skeleton.items() if v is not None}
        if block.get("index") is not None:
            skeleton["index"] = block["index"]
        return skeleton
    stripped = {k: v for k, v in block.items() if k not in _HEAVY}
    if kind in ("tool_call", "server_tool_call"):
        stripped["args"] = {}
    elif kind == "non_standard":
        stripped["value"] = {}
    return stripped


def _delta(block: Block) -> Block | None:
    """A chunk's piece of a block as a delta, or None when it brings nothing new."""
    kind = block.get("type")
    if kind == "text":
        return {"type": "text-delta", "text": block["text"]} if block.get("text") else None
    if kind == "reasoning":
        piece = block.get("reasoning")
        return {"type": "reasoning-delta", "reasoning": piece} if piece else None
    if kind in _CALL_CHUNKS:
        return {"type": "tool-call-delta", "args": block["args"]} if block.get("args") else None
    if block.get("data"):
        delta: Block = {"type": "data-delta", "data": block["data"]}
        if block.get("encoding") == "base64":
            delta["encoding"] = "base64"
        return delta
    return None


def _joined(state: Block, piece: Block) -> Block:
    """A block so far with a chunk's piece of it joined in: text, reasoning and data
    appended (later fields merged in), a call's arguments appended; any other block is
    whole in each piece, the latest kept."""
    kind = state.get("type")
    if kind != piece.get("type"):
        field = None
    elif kind in ("text", "reasoning"):
        field = kind
    elif kind in _CALL_CHUNKS:
        state["args"] = (state.get("args") or "") + (piece.get("args") or "")
        state.update({k: piece[k] for k in ("id", "name") if piece.get(k) is not None})
        return state
    else:
        field = "data" if "data" in piece else None
    if field is None:
        state.clear()
        state.update(piece)
        return state
    state[field] = (state.get(field) or "") + (piece.get(field) or "")
    for key, value in piece.items():
        if key in ("type", field) or value is None:
            continue
        if key == "extras" and isinstance(value, dict):
            state["extras"] = {**(state.get("extras") or {}), **value}
        else:
            state[key] = value
    return state


def _finished(block: Block) -> Block:
    kind = block.get("type")
    if kind not in _CALL_CHUNKS:
        return block
    client = kind == "tool_call_chunk"
    dropped = {"type", "id", "name", "args"} | ({"index"} if client else set())
    extras = {k: v for k, v in block.items() if k not in dropped and v is not None}
    final = "tool_call" if client else "server_tool_call"
    return finalized_call(block.get("args"), block.get("id"), block.get("name"), extras, final)


def _usage_added(total: Block | None, usage: Any) -> Block:
    total = {} if total is None else total
    for key in ("input_tokens", "output_tokens", "total_tokens"):
        if key in usage:
            total[key] = total.get(key, 0) + usage[key]
    for key in ("input_token_details", "output_token_details"):
        if usage.get(key):
            total[key] = {**total.get(key, {}), **usage[key]}
    return total


def _blocks_of(chunk: Any, provider: Any) -> list[Block]:
    """A chunk's content blocks, read by the stream's provider's reading: a model tells
    its provider on its first chunk only (a later one alone reads as LangChain's
    best effort, a provider's own blocks as non-standard)."""
    metadata = chunk.response_metadata or {}
    if provider is None or "model_provider" in metadata:
        return list(chunk.content_blocks)
    told = copy.copy(chunk)
    told.response_metadata = {**metadata, "model_provider": provider}
    return list(told.content_blocks)


def _keyed(chunk: Any, provider: Any) -> Iterator[tuple[Any, Block]]:
    """A chunk's blocks, each with the key its stream's block is known by: its `index`,
    else its type and place. Tool calls are read from the chunk's `tool_call_chunks`,
    which every wire fills alike (its content's own shapes of a call differ by wire),
    with the `extras` its content's reading gave the call of the same index."""
    extras: dict[Any, Any] = {}
    for place, block in enumerate(_blocks_of(chunk, provider)):
        index = block.get("index")
        if block.get("type") in _CALL_BLOCKS:
            if block.get("extras"):
                extras[index] = block["extras"]
            continue
        yield (("no index", block.get("type"), place) if index is None else index), block
    for place, call in enumerate(chunk.tool_call_chunks):
        index = call.get("index")
        piece: Block = {
            "type": "tool_call_chunk",
            "id": call.get("id"),
            "name": call.get("name"),
            "args": call.get("args") or "",
        }
        if index is not None:
            piece["index"] = index
        if index in extras:
            piece["extras"] = extras[index]
        yield ("call", place if index is None else index), piece


def _empty(block: Block) -> bool:
    kind = block.get("type")
    return kind in ("text", "reasoning") and not block.get(kind)


class EventBridge:
    """Turns one streamed message's chunks into protocol events: `feed` each chunk, then
    `finish` (no events at all for a stream that gave no chunk)."""

    def __init__(self, message_id: str | None = None) -> None:
        self.message_id = message_id
        self.started = False
        self.blocks: dict[Any, tuple[int, Block]] = {}
        self.usage: Block | None = None
        self.metadata: Block = {}
        self.kwargs: AIMessageChunk | None = None  # its `additional_kwargs`, merged

    def feed(self, chunk: Any) -> list[Block]:
        """The events one chunk (an `AIMessageChunk`) adds."""
        events: list[Block] = []
        self.metadata.update(chunk.response_metadata or {})
        if chunk.additional_kwargs:
            piece = AIMessageChunk(content="", additional_kwargs=chunk.additional_kwargs)
            self.kwargs = piece if self.kwargs is None else self.kwargs + piece
        if not self.started:
            self.started = True
            events.append(self._start(chunk))
        for key, block in _keyed(chunk, self.metadata.get("model_provider")):
            if key not in self.blocks and _empty(block):
                continue  # a block opens with its first piece of text
            if key in self.blocks:
                number, state = self.blocks[key]
                _joined(state, dict(block))
            else:
                number = len(self.blocks)
                self.blocks[key] = (number, dict(block))
                events.append(
                    {"event": "content-block-start", "index": number, "content": _skeleton(block)}
                )
            delta = _delta(block)
            if delta is not None:
                events.append({"event": "content-block-delta", "index": number, "delta": delta})
        if chunk.usage_metadata:
            self.usage = _usage_added(self.usage, chunk.usage_metadata)
        return events

    def finish(self) -> list[Block]:
        """Each block's finish, then the message's."""
        if not self.started:
            return []
        events: list[Block] = [
            {"event": "content-block-finish", "index": number, "content": _finished(block)}
            for number, block in self.blocks.values()
        ]
        finish: Block = {"event": "message-finish"}
        if self.usage:
            finish["usage"] = self.usage
        if self.metadata:
            finish["metadata"] = dict(self.metadata)
        if self.kwargs is not None and self.kwargs.additional_kwargs:
            finish["additional_kwargs"] = dict(self.kwargs.additional_kwargs)
        return [*events, finish]

    def _start(self, chunk: Any) -> Block:
        start: Block = {"event": "message-start", "role": "ai", "id": ""}
        message_id = self.message_id if self.message_id is not None else chunk.id
        if message_id:
            start["id"] = message_id
        metadata = chunk.response_metadata or {}
        hints = {
            name: metadata[key]
            for name, key in (("provider", "model_provider"), ("model", "model_name"))
            if key in metadata
        }
        if hints:
            start["metadata"] = hints
        return start
