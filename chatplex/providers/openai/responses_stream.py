"""OpenAI Responses API stream side: typed server-sent events → the `AIMessageChunk`s
langchain-openai yields for them (its default `output_version`, `responses/v1`), one
chunk per event it reads:

- `response.created`: an empty chunk with the response id (the message's `id`, and
  `response_metadata["id"]`, as langchain-openai keeps it there too);
- `response.output_text.delta` / `.annotation.added` / `.done`: a text block's piece,
  annotation, and its closing piece (empty text, the message item's id);
- `response.output_item.added`: a function call's name, ids and first arguments (a
  `function_call` block and a `tool_call_chunk`), a reasoning item (without its
  `encrypted_content`), or, for a message item, an empty chunk (a `text` block
  with its `phase` where the item has one);
- `response.function_call_arguments.delta`: argument pieces, in both; a call whose
  arguments come only in its `.done` events (`function_call_arguments.done`,
  `output_item.done`) or the final response gets them from there, one piece
  (langchain-openai drops them);
- `response.reasoning_summary_part.added` / `_text.delta`: a summary part, its text;
- `response.output_item.done`: built-in tool items whole, a reasoning item's
  `encrypted_content`; `response.refusal.done`: the refusal;
- `response.completed` / `response.incomplete`: the last chunk, with the usage and
  the reply's metadata (no id), and no content but the arguments of a call no event
  gave (from the response's output).

Blocks carry langchain-openai's `index` (one per output item, or per content part of
a message item), so pieces merge into one block. As langchain-openai's, the merged
stream is not the invoked reply: a function call has no `status`, a text without
annotations no `annotations` list.

With `v03=True` each chunk is in langchain-openai's `output_version="v0"` shape
(`responses_v0.v03_message`), a message item's id the chunk's.

`response.failed` and `error` events raise `StreamError`; a stream that ends before
`response.completed` (or `.incomplete`) is an error too (`finish`).
"""

from __future__ import annotations

import json
from typing import Any

from ...adapters.bodies import StrayEvents
from ...adapters.jsontext import event_object
from ...adapters.sse_event import SSEEvent
from ...errors import APIError
from ...errors import StreamError
from ...messages import AIMessageChunk
from ...messages import ToolCallChunk
from .responses_response import PROVIDER
from .responses_response import annotation_block
from .responses_response import failure
from .responses_response import message_of
from .responses_response import without_none
from .responses_v0 import TOOL_OUTPUTS
from .responses_v0 import v03_message

__all__ = ["ResponsesStreamParser"]

_FINAL = ("response.completed", "response.incomplete")
#: Items langchain-openai reads whole from their `response.output_item.done` event: those
#: its v0.3 shape keeps as tool outputs, compaction and custom tool calls.
_WHOLE_WHEN_DONE = TOOL_OUTPUTS | {"compaction", "custom_tool_call"}
#: Events that yield an empty chunk (langchain-openai reads them and finds nothing).
_EMPTY = frozenset({"response.image_generation_call.partial_image"})


def _event_failure(source: dict[str, Any], event: dict[str, Any], req_id: str | None) -> APIError:
    """`failure` of a failure event, the event's data kept as `event_data`: what the
    openai SDK and langchain-openai read to raise (`errors.event_passed`)."""
    err = failure(source, StreamError, req_id)
    err.__dict__["event_data"] = dict(event)
    return err


class ResponsesStreamParser:
    """Turns the events of one Responses API stream into `AIMessageChunk`s."""

    __slots__ = (
        "_done",
        "_has_reasoning",
        "_headers",
        "_index",
        "_output",
        "_part",
        "_pinned",
        "_req_id",
        "_stray",
        "_unargued",
        "_v03",
    )

    def __init__(
        self,
        request_id: str | None = None,
        *,
        headers: dict[str, str] | None = None,
        v03: bool = False,
    ) -> None:
        self._req_id = request_id
        # Chunks in langchain-openai's v0.3 shape (`output_version="v0"`), a reasoning
        # item's later pieces without the id and type its first one brought.
        self._v03 = v03
        self._has_reasoning = False
        #: The response's headers kept (`OpenAIResponsesAdapter.keeps_response_headers`),
        #: until the first chunk takes them, as langchain-openai's first chunk has them.
        self._headers = headers
        self._done = False
        # langchain-openai's cursor: the block index, the output item and content part
        # it belongs to, and each item's first `output_index` (an item's later events
        # may report another).
        self._index = -1
        self._output = -1
        self._part = -1
        self._pinned: dict[str, int] = {}
        # The function calls (by output item) no argument text has come for yet: a server
        # that sends a call's arguments only in its `.done` events (langchain-openai
        # reads deltas alone, and would hand the call on with none).
        self._unargued: set[Any] = set()
        self._stray = StrayEvents()

    def feed(self, event: SSEEvent) -> AIMessageChunk | None:
        """The chunk one event contributes, or None; raises `StreamError` on error events."""
        chunk = self._read(event)
        if chunk is not None and self._v03:
            chunk = v03_message(chunk, has_reasoning=self._has_reasoning)
            self._has_reasoning = self._has_reasoning or "reasoning" in chunk.additional_kwargs
        if chunk is not None and self._headers is not None:
            chunk.response_metadata = {"headers": self._headers, **chunk.response_metadata}
            self._headers = None
        return chunk

    def _read(self, event: SSEEvent) -> AIMessageChunk | None:
        if self._done or not event.data or event.data.startswith("[DONE]"):
            return None
        obj = event_object(event.data, PROVIDER, self._req_id)
        kind = obj.get("type") or event.event
        if not self._stray.known:
            self._stray.seen(isinstance(kind, str) and kind.startswith("response."), event.data)
        # (an `error` object in any other event's data: the openai SDK raises it too)
        if (
            kind == "error"
            or event.event == "error"
            or (kind != "response.failed" and obj.get("error"))
        ):
            raise _event_failure(obj, obj, self._req_id)
        if kind == "response.failed":
            response = _dict(obj.get("response"))
            # The error is the response's; a few servers put it beside it instead.
            source = obj if obj.get("error") and not response.get("error") else response
            raise _event_failure(source, obj, self._req_id)
        if kind == "response.created":
            response_id = _dict(obj.get("response")).get("id")
            meta = {"id": response_id, "provider": PROVIDER, "model_provider": "openai"}
            return AIMessageChunk(content=[], id=response_id, response_metadata=meta)
        if kind in _FINAL:
            return self._final(_dict(obj.get("response")))
        return self._event(kind, obj)

    def finish(self) -> None:
        """Raise `StreamError` if the body ended before the response was complete;
        `MalformedReply` if none of its events was a Responses API event."""
        self._stray.refuse("Responses API")
        if not self._done:
            raise StreamError(
                "stream ended before response.completed", provider=PROVIDER, request_id=self._req_id
            )

    # -- events ------------------------------------------------------------------------

    def _event(self, kind: str, obj: dict[str, Any]) -> AIMessageChunk | None:
        item = _dict(obj.get("item"))
        item_type = item.get("type")
        item_id = item.get("id") or obj.get("item_id")
        position = obj.get("output_index")
        if isinstance(item_id, str) and isinstance(position, int):
            self._pinned.setdefault(item_id, position)
            position = self._pinned[item_id]
        if kind == "response.output_text.delta":
            index = self._advance(position, obj.get("content_index"))
            return _chunk([{"type": "text", "text": _str(obj, "delta"), "index": index}])
        if kind == "response.output_text.annotation.added":
            index = self._advance(position, obj.get("content_index"))
            note = annotation_block(obj.get("annotation"))
            return _chunk([{"type": "text", "annotations": [note], "index": index}])
        if kind == "response.output_text.done":
            index = self._advance(position, obj.get("content_index"))
            return _chunk([{"type": "text", "text": "", "id": item_id, "index": index}])
        if kind == "response.output_item.added" and item_type == "message":
            if self._v03:  # the message item's id is the message's in v0.3
                return AIMessageChunk(content=[], id=item_id)
            phase = item.get("phase")
            if phase is None:
                return _chunk([])
            index = self._advance(position, 0)
            return _chunk([{"type": "text", "text": "", "phase": phase, "index": index}])
        if kind == "response.output_item.added" and item_type == "function_call":
            index = self._advance(position)
            block = {
                "type": "function_call",
                "name": item.get("name"),
                "arguments": item.get("arguments"),
                "call_id": item.get("call_id"),
                "id": item.get("id"),
                "index": index,
            }
            block.update((k, item[k]) for k in ("namespace", "async") if item.get(k) is not None)
            call = _call(item.get("name"), item.get("arguments"), item.get("call_id"), index)
            if not item.get("arguments"):
                self._unargued.add(position)
            return _chunk([block], [call])
        if kind == "response.output_item.added" and item_type == "reasoning":
            index = self._advance(position)
            self._part = 0
            added = without_none({k: v for k, v in item.items() if k != "encrypted_content"})
            return _chunk([{**added, "index": index}])
        if kind == "response.function_call_arguments.delta":
            self._unargued.discard(position)  # (its `.done` events repeat the deltas)
            return self._arguments(_str(obj, "delta"), position)
        if kind == "response.function_call_arguments.done":
            return self._arguments_at_the_end(_str(obj, "arguments"), position)
        if kind == "response.output_item.done" and item_type == "function_call":
            return self._arguments_at_the_end(_str(item, "arguments"), position)
        if kind == "response.output_item.done":
            return self._item_done(item, position)
        if kind == "response.refusal.done":
            return _chunk([{"type": "refusal", "refusal": _str(obj, "refusal")}])
        if kind in (
            "response.reasoning_summary_part.added",
            "response.reasoning_summary_text.delta",
        ):
            index = self._advance(position)
            text = "" if kind.endswith("added") else _str(obj, "delta")
            part = {"index": obj.get("summary_index"), "type": "summary_text", "text": text}
            block = {"summary": [part], "index": index, "type": "reasoning"}
            if kind.endswith("added"):
                block["id"] = item_id
            return _chunk([block])
        if kind in _EMPTY:
            return _chunk([])
        return None  # progress and bookkeeping events, which langchain-openai skips

    def _arguments(self, piece: str, position: Any) -> AIMessageChunk:
        """A piece of a function call's arguments, in its block and its call."""
        index = self._advance(position)
        block = {"type": "function_call", "arguments": piece, "index": index}
        return _chunk([block], [_call(None, piece, None, index)])

    def _arguments_at_the_end(self, arguments: str, position: Any) -> AIMessageChunk | None:
        """A call's arguments from a `.done` event: a piece only where no event gave any."""
        if position not in self._unargued or not arguments:
            return None
        self._unargued.discard(position)
        return self._arguments(arguments, position)

    def _item_done(self, item: dict[str, Any], position: Any) -> AIMessageChunk | None:
        item_type = item.get("type")
        if item_type in _WHOLE_WHEN_DONE:
            index = self._advance(position)
            block = {**without_none(item), "index": index}
            calls = []
            if item_type == "custom_tool_call":
                args = json.dumps({"__arg1": item.get("input")})
                calls.append(_call(item.get("name"), args, item.get("call_id"), index))
            return _chunk([block], calls)
        if item_type == "reasoning" and item.get("encrypted_content"):
            index = self._advance(position)
            block = {
                "type": "reasoning",
                "id": item.get("id"),
                "summary": [],
                "encrypted_content": item["encrypted_content"],
                "index": index,
            }
            return _chunk([block])
        return None

    def _final(self, response: dict[str, Any]) -> AIMessageChunk:
        self._done = True
        whole = message_of(response, self._req_id)
        meta = {k: v for k, v in whole.response_metadata.items() if k != "id"}
        # The arguments of calls no event gave, from the response's output (by position).
        blocks: list[dict[str, Any]] = []
        calls: list[ToolCallChunk] = []
        output = response.get("output")
        for position in sorted(p for p in self._unargued if isinstance(p, int)):
            item = output[position] if isinstance(output, list) and position < len(output) else {}
            args = _str(_dict(item), "arguments")
            if args:
                piece = self._arguments(args, position)
                blocks += piece.content  # type: ignore[arg-type]
                calls += piece.tool_call_chunks
        self._unargued.clear()
        return AIMessageChunk(
            content=blocks,
            response_metadata=meta,
            usage_metadata=whole.usage_metadata,
            tool_call_chunks=calls,
            chunk_position="last",
        )

    def _advance(self, position: Any, part: Any = None) -> int:
        """The block index of an event at output item `position` (content part `part`
        for a message's text): the next one whenever the item or part changes."""
        if part is None:
            if self._output != position:
                self._index += 1
        else:
            if self._output != position or self._part != part:
                self._index += 1
            self._part = part
        self._output = position
        return self._index


def _chunk(
    blocks: list[dict[str, Any]], calls: list[ToolCallChunk] | None = None
) -> AIMessageChunk:
    return AIMessageChunk(content=blocks, tool_call_chunks=calls or [])


def _call(name: Any, args: Any, call_id: Any, index: int) -> ToolCallChunk:
    return {"name": name, "args": args, "id": call_id, "index": index, "type": "tool_call_chunk"}


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(obj: dict[str, Any], key: str) -> str:
    value = obj.get(key)
    return value if isinstance(value, str) else ""
