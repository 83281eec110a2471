"""Cohere v2 stream: the server-sent events of `/v2/chat` with `"stream": true` →
`AIMessageChunk`s, as langchain-cohere yields them.

Events (each `data` a JSON object whose `type` names it): `message-start` (the reply's
id), `content-start` / `content-delta` (`delta.message.content.text`, or `.thinking`) /
`content-end`, `tool-plan-delta` (`delta.message.tool_plan`: streamed as text, as
LangChain does), `tool-call-start` (the call's id and name), `tool-call-delta` (a piece
of its JSON arguments), `tool-call-end`, `citation-start` / `citation-end`, and
`message-end` (`delta.finish_reason`, `delta.usage`). A body that ends before
`message-end` is a `StreamError`, and so is a `message-end` of a failed generation
(finish reason `ERROR`, or an `error` text: langchain-cohere reads it as a normal end),
with what came before as its partial. Fields are read by the kit's rule
(`adapters/reading.py`): one of the wrong type is the stream's malformed-event error.

The last chunk carries langchain-cohere's `finish_reason` and `token_count` (the
`billed_units`, with their total) and the calls made (`tool_calls`, OpenAI-shaped) in
both `additional_kwargs` and `response_metadata`; and, unlike langchain-cohere (which
streams no usage), `usage_metadata` from `usage.tokens`, as the non-stream reply has it.
Each tool-call chunk carries its call's id, Cohere's (langchain-cohere puts an id on
every chunk too, but a new random one each, and yields the last arguments piece twice:
merged, its call splits apart), and their `index` counts on after the blocks streamed
before the calls (the reasoning, the tool plan or text), where langchain-cohere gives
Cohere's own `index` (0 for the first call): LangChain's `output_version="v1"` numbers
those blocks from 0 too, and a text block and a call with one index are merged into one
broken block.

`whole_calls` (ChatCohere's async stream, `CohereAdapter.calls_whole`): as
langchain-cohere's `_astream` yields them, the tool plan and the calls' pieces are not
yielded; the last chunk carries the plan as its text and each call whole (its id, name
and every argument), `index` None.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...adapters.bodies import StrayEvents
from ...adapters.jsontext import event_object
from ...adapters.reading import reply_count
from ...adapters.reading import reply_dict
from ...adapters.reading import reply_text
from ...adapters.sse_event import SSEEvent
from ...errors import StreamError
from ...messages import AIMessageChunk
from ...messages import text_chunk
from .response import PROVIDER
from .response import failed_generation
from .response import usage_metadata

__all__ = ["CohereStreamParser"]

#: Events that carry nothing langchain-cohere yields.
_SILENT = frozenset(
    {"message-start", "content-start", "content-end", "citation-start", "citation-end", "debug"}
)

#: The other events of a Cohere chat stream.
_EVENT_TYPES = frozenset(
    {
        "content-delta",
        "tool-plan-delta",
        "tool-call-start",
        "tool-call-delta",
        "tool-call-end",
        "message-end",
    }
)


class CohereStreamParser:
    """One stream's parser (stateful: the calls so far, whether thinking came first)."""

    __slots__ = (
        "_calls",
        "_documents",
        "_done",
        "_offset",
        "_plan",
        "_released",
        "_stray",
        "_texts",
        "_thinking",
        "_whole_calls",
    )

    def __init__(
        self, documents: Sequence[Any] | None = None, *, whole_calls: bool = False
    ) -> None:
        self._documents = list(documents or ())  # the call's, repeated at the end
        self._whole_calls = whole_calls  # the plan and the calls on the last chunk only
        self._plan: list[str] = []  # the tool plan's pieces, held for the last chunk
        self._calls: list[dict[str, Any]] = []  # the calls seen, OpenAI-shaped
        self._thinking = False
        self._texts = False  # text or a tool plan streamed
        self._offset: int | None = None  # added to the calls' index, fixed at the first
        self._done = False
        self._released = False  # the held plan and calls went out on the last chunk
        self._stray = StrayEvents()

    def feed(self, event: SSEEvent) -> AIMessageChunk | None:
        """The chunk one event contributes, or None."""
        data = event.data
        if self._done or not data or data == "[DONE]":
            return None
        obj = event_object(data, PROVIDER)
        kind = obj.get("type") or event.event
        if not self._stray.known:
            self._stray.seen(kind in _SILENT or kind in _EVENT_TYPES, data)
        if kind in _SILENT:
            return None
        delta = reply_dict(obj.get("delta"), "event's delta")
        message = reply_dict(delta.get("message"), "delta's message")
        if kind == "content-delta":
            return self._content(reply_dict(message.get("content"), "delta's content"))
        if kind == "tool-plan-delta":
            self._texts = True
            plan = reply_text(message.get("tool_plan"), "delta's tool_plan") or ""
            if self._whole_calls:
                self._plan.append(plan)
                return None
            return text_chunk(plan)
        if kind in ("tool-call-start", "tool-call-delta"):
            call = reply_dict(message.get("tool_calls"), "delta's tool_calls")
            return self._tool_call(kind, obj.get("index"), call)
        if kind == "message-end":
            return self._end(delta)
        return None  # tool-call-end, and event types newer than this parser

    def finish(self) -> None:
        """Raise `StreamError` if the body ended before `message-end`; `MalformedReply` if
        none of its events was a Cohere chat event."""
        self._stray.refuse("Cohere chat")
        if not self._done:
            raise StreamError("stream ended before message-end", provider=PROVIDER)

    def held(self) -> list[AIMessageChunk]:
        """The plan and calls held for the last chunk, until it goes out (`HoldsPieces`):
        a stream cut before it keeps them on its error's partial, a call cut inside its
        arguments as it came (the engine reads them exactly: an invalid call)."""
        if not self._whole_calls or self._released or not (self._plan or self._calls):
            return []
        return [
            AIMessageChunk(
                content="".join(self._plan),
                tool_call_chunks=[_whole_call(call) for call in self._calls],
            )
        ]

    def _content(self, content: dict[str, Any]) -> AIMessageChunk | None:
        thinking = reply_text(content.get("thinking"), "delta's thinking")
        if thinking is not None:
            self._thinking = True
            block = {"type": "reasoning", "index": 0, "summary": [{"text": thinking, "index": 0}]}
            return AIMessageChunk(content=[block])
        text = reply_text(content.get("text"), "delta's text")
        if text is None:
            return None
        self._texts = True
        if self._thinking:  # after reasoning, text is the second block (LangChain's form)
            return AIMessageChunk(content=[{"type": "text", "index": 1, "text": text}])
        return text_chunk(text)

    def _tool_call(self, kind: str, index: Any, call: dict[str, Any]) -> AIMessageChunk | None:
        function = reply_dict(call.get("function"), "tool call's function")
        name = reply_text(function.get("name"), "tool call's name")
        arguments = reply_text(function.get("arguments"), "tool call's arguments")
        if kind == "tool-call-start":
            self._calls.append(
                {
                    "id": call.get("id") or "",
                    "type": "function",
                    "function": {"name": name or "", "arguments": arguments or ""},
                }
            )
        elif self._calls and arguments:
            self._calls[-1]["function"]["arguments"] += arguments
        if self._whole_calls:
            return None
        # A delta names no call: it continues the last one started.
        call_id = self._calls[-1]["id"] if self._calls else None
        if self._offset is None:
            self._offset = int(self._thinking) + int(self._texts)
        chunk = {
            "name": name,
            "args": arguments,
            "id": call_id or None,
            "index": index + self._offset if isinstance(index, int) else index,
            "type": "tool_call_chunk",
        }
        return AIMessageChunk(content="", tool_call_chunks=[chunk])  # type: ignore[list-item]

    def _end(self, delta: dict[str, Any]) -> AIMessageChunk:
        self._done = True
        failed = failed_generation(delta.get("finish_reason"), delta.get("error"))
        if failed is not None:  # the partial reply goes with it (the engine adds it)
            raise StreamError(failed, provider=PROVIDER, error_type="generation_error", body=delta)
        usage = reply_dict(delta.get("usage"), "usage")
        billed = reply_dict(usage.get("billed_units"), "usage's billed_units")
        prompt = reply_count(billed.get("input_tokens"), "billed input_tokens") or 0
        output = reply_count(billed.get("output_tokens"), "billed output_tokens") or 0
        info: dict[str, Any] = {
            "finish_reason": delta.get("finish_reason"),
            # The SDK's billed counts are floats (`UsageBilledUnits`), and so their sum.
            "token_count": {
                "total_tokens": float(prompt + output),
                "input_tokens": float(prompt),
                "output_tokens": float(output),
            },
        }
        if self._documents:
            info["documents"] = self._documents
        if self._calls:
            info["tool_calls"] = self._calls
        whole = self._whole_calls and bool(self._calls)
        self._released = True
        return AIMessageChunk(
            content="".join(self._plan) if whole else "",
            additional_kwargs=dict(info),
            response_metadata=info,
            usage_metadata=usage_metadata(usage.get("tokens")),
            tool_call_chunks=[_whole_call(call) for call in self._calls] if whole else [],
            chunk_position="last",
        )


def _whole_call(call: dict[str, Any]) -> Any:
    """An OpenAI-shaped call as one tool-call chunk, without an index (langchain-cohere's
    async stream's last chunk)."""
    function = call["function"]
    return {
        "name": function["name"],
        "args": function["arguments"],
        "id": call["id"] or None,
        "index": None,
        "type": "tool_call_chunk",
    }
