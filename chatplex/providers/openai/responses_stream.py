"""OpenAI Responses API stream side: typed server-sent events → `AIMessageChunk`s that
merge into exactly the message of the non-stream reply.

Each block of the final message has a fixed `index` (its position in the content), and
every chunk's block carries it, so pieces merge into one block:

- `response.output_text.delta` / `response.refusal.delta`: text and refusal pieces;
- `response.output_item.added` of a function call: the call's name, ids and first
  arguments (a `function_call` block and a `tool_call_chunk`), then
  `response.function_call_arguments.delta`: argument pieces, in both;
- reasoning items: the item when added, then each summary part whole as it is done
  (`response.reasoning_summary_part.done`; summaries are short, and a list field can
  only grow by whole elements when chunks merge);
- `response.output_item.done`: what the item has beyond what was streamed (its status,
  annotations, encrypted reasoning, and built-in tool items, which come whole here);
- `response.completed` / `response.incomplete`: the same for every item of the final
  Response (so events a server left out still end up in the message), then usage and
  metadata. The parser keeps the merged state of every block to send only the rest.

`response.failed` and `error` events raise `StreamError`; a stream that ends before
`response.completed` (or `.incomplete`) is an error too (`finish`).
"""

from __future__ import annotations

from typing import Any

from ...adapters.base import SSEEvent
from ...adapters.jsontext import event_object
from ...errors import StreamError
from ...messages import AIMessageChunk
from ...messages import ToolCallChunk
from .responses_response import PROVIDER
from .responses_response import failure
from .responses_response import item_blocks
from .responses_response import message_of
from .responses_response import part_block
from .responses_response import without_none

__all__ = ["ResponsesStreamParser"]

_FINAL = ("response.completed", "response.incomplete")
#: Fields of an added item sent at once: ids and names, which do not change.
_STABLE = ("id", "call_id", "name")


class ResponsesStreamParser:
    """Turns the events of one Responses API stream into `AIMessageChunk`s."""

    __slots__ = ("_done", "_req_id", "_sent", "_slots")

    def __init__(self, request_id: str | None = None) -> None:
        self._req_id = request_id
        self._done = False
        #: (output_index, content part index) → the block's index in the content.
        self._slots: dict[tuple[int, int], int] = {}
        #: block index → the block as the merged chunks so far hold it.
        self._sent: dict[int, dict[str, Any]] = {}

    def feed(self, event: SSEEvent) -> AIMessageChunk | None:
        """The chunk one event contributes, or None; raises `StreamError` on error events."""
        if self._done or not event.data or event.data.startswith("[DONE]"):
            return None
        obj = event_object(event.data, PROVIDER, self._req_id)
        kind = obj.get("type") or event.event
        if kind == "error" or event.event == "error":
            raise failure(obj, StreamError, self._req_id)
        if kind == "response.failed":
            response = _dict(obj.get("response"))
            # The error is the response's; a few servers put it beside it instead.
            source = obj if obj.get("error") and not response.get("error") else response
            raise failure(source, StreamError, self._req_id)
        if kind == "response.created":
            # Who made the stream, from its first chunk on (LangChain reads each chunk's
            # blocks by `model_provider`); the same values as the reply's metadata.
            return AIMessageChunk(
                content=[],
                id=_dict(obj.get("response")).get("id"),
                response_metadata={"provider": PROVIDER, "model_provider": "openai"},
            )
        if kind in _FINAL:
            return self._final(_dict(obj.get("response")))
        return self._delta(kind, obj)

    def finish(self) -> None:
        """Raise `StreamError` if the body ended before the response was complete."""
        if not self._done:
            raise StreamError(
                "stream ended before response.completed", provider=PROVIDER, request_id=self._req_id
            )

    # -- events ------------------------------------------------------------------------

    def _delta(self, kind: str, obj: dict[str, Any]) -> AIMessageChunk | None:
        position = obj.get("output_index")
        if not isinstance(position, int):
            return None
        part = obj.get("content_index")
        part = part if isinstance(part, int) else 0
        block: dict[str, Any]
        if kind == "response.output_text.delta":
            return self._chunk([self._emit(position, part, {"type": "text", "text": _str(obj)})])
        if kind == "response.refusal.delta":
            block = {"type": "refusal", "refusal": _str(obj)}
            return self._chunk([self._emit(position, part, block)])
        if kind == "response.function_call_arguments.delta":
            block = {"type": "function_call", "arguments": _str(obj)}
            return self._chunk([self._emit(position, 0, block)])
        if kind == "response.output_item.added":
            item = _dict(obj.get("item"))
            if not isinstance(item.get("type"), str) or item["type"] == "message":
                return None  # a message's blocks start with its content parts
            # Only what cannot change: merging joins strings, so a field like `status`
            # ("in_progress", later "completed") is sent once, from the final response.
            block = {k: item[k] for k in _STABLE if isinstance(item.get(k), str)}
            block["type"] = item["type"]
            if block["type"] == "function_call":
                block["arguments"] = item.get("arguments") or ""
            return self._chunk([self._emit(position, 0, block)])
        if kind == "response.content_part.added":
            kept = part_block(_dict(obj.get("part")), {})
            if kept is None:
                return None
            # The block takes its place in the content now; its text follows as deltas.
            start = {"type": kept["type"], kept["type"]: ""}
            return self._chunk([self._emit(position, part, start)])
        if kind == "response.reasoning_summary_part.done":
            summary = self._sent.get(self._slot(position, 0), {}).get("summary") or []
            if obj.get("summary_index") != len(summary):
                return None  # out of order or repeated: the item's done event settles it
            part_done: dict[str, Any] = without_none(_dict(obj.get("part")))
            block = {"type": "reasoning", "summary": [part_done]}
            return self._chunk([self._emit(position, 0, block)])
        if kind == "response.output_item.done":
            # The tails of what streamed (arguments a server sent only here); the rest
            # of the item comes from the final response, which may differ in detail
            # (a reasoning item's encrypted_content is encrypted anew there).
            return self._chunk(self._rest(position, _dict(obj.get("item")), grow_only=True))
        return None  # progress and bookkeeping events carry nothing new

    def _final(self, response: dict[str, Any]) -> AIMessageChunk:
        self._done = True
        blocks: list[dict[str, Any]] = []
        for position, item in enumerate(response.get("output") or ()):
            if isinstance(item, dict):
                blocks.extend(self._rest(position, item))
        whole = message_of(response, self._req_id)
        chunk = self._chunk(blocks) or AIMessageChunk(content=[])
        chunk.response_metadata.update(whole.response_metadata)
        chunk.usage_metadata = whole.usage_metadata
        chunk.chunk_position = "last"
        return chunk

    # -- bookkeeping -------------------------------------------------------------------

    def _slot(self, position: int, part: int) -> int:
        key = (position, part)
        if key not in self._slots:
            self._slots[key] = len(self._slots)
        return self._slots[key]

    def _emit(self, position: int, part: int, block: dict[str, Any]) -> dict[str, Any]:
        """`block` as the piece of block (position, part), recorded as sent."""
        index = self._slot(position, part)
        held = self._sent.setdefault(index, {"type": block["type"]})
        for key, value in block.items():  # what merging the chunks will do
            old = held.get(key)
            if key == "type":
                continue
            if old.__class__ is _Text and type(value) is str:
                old.append(value)  # a text's pieces, joined when read: linear, not quadratic
            elif isinstance(old, str) and type(value) is str:
                held[key] = _Text((old, value))
            elif isinstance(old, list) and type(value) is list:
                held[key] = old + value
            elif value is not None:
                held[key] = value
        return {**block, "index": index}

    def _held(self, index: int) -> dict[str, Any]:
        """Block `index` as the merged chunks so far hold it (its texts joined)."""
        held = self._sent.get(index, {})
        for key, value in held.items():
            if value.__class__ is _Text:
                held[key] = "".join(value)
        return held

    def _rest(
        self, position: int, item: dict[str, Any], *, grow_only: bool = False
    ) -> list[dict[str, Any]]:
        """The pieces that make the blocks sent for `item` equal its final blocks
        (`grow_only`: only the missing tails of the fields already sent)."""
        out = []
        for part, final in enumerate(item_blocks(item)):
            held = self._held(self._slots.get((position, part), -1))
            if grow_only and not held:
                continue
            rest = _rest_of(held, final, grow_only)
            if rest is not None:
                out.append(self._emit(position, part, rest))
        return out

    def _chunk(self, blocks: list[dict[str, Any]]) -> AIMessageChunk | None:
        if not blocks:
            return None
        calls: list[ToolCallChunk] = [
            {
                "name": b.get("name"),
                "args": b.get("arguments") or "",
                "id": b.get("call_id"),
                "index": b["index"],
                "type": "tool_call_chunk",
            }
            for b in blocks
            if b["type"] == "function_call"
        ]
        return AIMessageChunk(content=blocks, tool_call_chunks=calls)


class _Text(list):  # type: ignore[type-arg]
    """The pieces of a streamed text a block holds, in order (`ResponsesStreamParser._held`
    joins them): `old + piece` on every delta copied the whole text each time, so a
    long reply in small deltas cost time quadratic in its length."""

    __slots__ = ()


def _rest_of(held: dict[str, Any], final: dict[str, Any], grow_only: bool) -> dict[str, Any] | None:
    """What merged onto `held` gives `final` (None: nothing). Strings and lists grow by
    their missing tail; other fields are replaced (`grow_only`: left for later)."""
    rest: dict[str, Any] = {}
    for key, value in final.items():
        old = held.get(key)
        if key == "type" or old == value or (grow_only and old is None):
            continue
        if isinstance(old, str) and isinstance(value, str):
            if value.startswith(old):
                rest[key] = value[len(old) :]
        elif isinstance(old, list) and isinstance(value, list):
            if value[: len(old)] == old:
                rest[key] = value[len(old) :]
        elif not grow_only:
            rest[key] = value
    if not rest and held:
        return None
    return {"type": final["type"], **rest}


def _dict(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _str(obj: dict[str, Any]) -> str:
    delta = obj.get("delta")
    return delta if isinstance(delta, str) else ""
