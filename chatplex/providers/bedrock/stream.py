"""Bedrock Converse `converse-stream` bodies: each decoded AWS event-stream message as
the chunk it contributes (`BedrockStreamParser`), as langchain-aws streams them. What the
chunks hold, and the reply the merged stream equals, are described in `response.py`."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ...adapters.bodies import StrayEvents
from ...adapters.bodies import loads
from ...adapters.bodies import sent_whole
from ...adapters.reading import reply_field
from ...adapters.reading import reply_text
from ...adapters.sse_event import SSEEvent
from ...errors import StreamError
from ...messages import AIMessageChunk
from ...messages import ToolCallChunk
from .eventstream import EventStreamMessage
from .response import ERROR_TYPES
from .response import PROVIDER
from .response import SERVER_TOOL_USE
from .response import response_metadata
from .response import server_tool_call
from .response import server_tool_result
from .response import snippet
from .response import stop_metadata
from .response import stream_cut
from .response import usage_metadata

__all__ = ["BedrockStreamParser"]

#: The `:event-type` of each converse-stream event, and the field its payload has.
_EVENT_FIELDS = {
    "messageStart": "role",
    "contentBlockStart": "start",
    "contentBlockDelta": "delta",
    "contentBlockStop": "contentBlockIndex",
    "messageStop": "stopReason",
    "metadata": "usage",
}


class BedrockStreamParser:
    """Turns the decoded messages of one `converse-stream` body into `AIMessageChunk`s.

    As langchain-aws streams them, text, reasoning and tool input arrive as one-block
    lists carrying the `contentBlockIndex` (`text`, `reasoning_content`, `tool_use` with
    the input's JSON text), which `merge_chunks` joins per block; tool calls also arrive
    as `tool_call_chunks` indexed by block. A server tool's call and result open as blocks
    at `contentBlockStart`; their input fragments and result pieces are held until
    `contentBlockStop`, which brings the parsed `args` / the joined `output`, so the
    merged stream equals the non-stream reply. Usage and metrics come on the `metadata`
    event's chunk.
    """

    __slots__ = (
        "_done",
        "_headers",
        "_model",
        "_request_id",
        "_results",
        "_server_inputs",
        "_stopped",
        "_stray",
    )

    def __init__(
        self,
        request_id: str | None = None,
        model: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        self._request_id = request_id
        self._headers = headers
        self._model = model
        #: block index → input JSON fragments of a server tool call, until its stop.
        self._server_inputs: dict[Any, list[str]] = {}
        #: block index → result pieces of a server tool result, until its stop.
        self._results: dict[Any, list[Any]] = {}
        self._stopped = False
        self._done = False
        self._stray = StrayEvents()

    def feed(self, event: EventStreamMessage | SSEEvent) -> AIMessageChunk | None:
        """The chunk one message contributes, or None; raises `StreamError` for an
        exception message or a payload that is not a JSON object. Every chunk names its
        `model_provider`, as langchain-aws's do (LangChain reads each chunk's content by
        it: `output_version="v1"`)."""
        chunk = self._chunk(event)
        if chunk is not None:
            chunk.response_metadata["model_provider"] = PROVIDER
        return chunk

    def _chunk(self, event: EventStreamMessage | SSEEvent) -> AIMessageChunk | None:
        if not isinstance(event, EventStreamMessage):
            raise StreamError(
                "a Bedrock stream is AWS event-stream frames, but it was decoded as "
                "server-sent events: this engine does not use the adapter's stream_framing",
                provider=PROVIDER,
                request_id=self._request_id,
            )
        if event.message_type != "event":
            raise self._exception(event)
        data = loads(event.payload) if event.payload else {}
        if not isinstance(data, dict):
            raise StreamError(
                f"converse-stream event {event.event_type!r} is not a JSON object: "
                f"{snippet(event.payload)}",
                provider=PROVIDER,
                request_id=self._request_id,
            ) from sent_whole(data)
        kind = event.event_type
        if not self._stray.known:
            known = _EVENT_FIELDS.get(kind or "", "") in data
            self._stray.seen(known, f"{kind!r} {snippet(event.payload)}")
        if kind == "contentBlockDelta":
            return self._delta(data)
        if kind == "contentBlockStart":
            return self._start(data)
        if kind == "contentBlockStop":
            block = self._finish_block(data.get("contentBlockIndex", 0))
            # An empty chunk when no server block closes, as langchain-aws streams one.
            return AIMessageChunk(content=[block] if block is not None else [])
        if kind == "messageStop":
            self._stopped = True
            meta = stop_metadata(data.get("stopReason"))
            if data.get("additionalModelResponseFields") is not None:
                meta["additionalModelResponseFields"] = data["additionalModelResponseFields"]
            # Blocks a server left open (no contentBlockStop) close here, not dropped.
            pending = [*self._server_inputs, *self._results]
            closed = [b for b in map(self._finish_block, pending) if b is not None]
            return AIMessageChunk(content=closed or "", response_metadata=meta)
        if kind == "metadata":
            return self._metadata(data)
        if kind == "messageStart":
            return AIMessageChunk(content=[])  # empty, as langchain-aws's first chunk
        return None  # events newer than chatplex

    def finish(self) -> None:
        """Raise `StreamError` if the body ended before `messageStop`; `MalformedReply`
        if none of its events was a converse-stream event."""
        self._stray.refuse("converse-stream")
        if not self._stopped:
            raise stream_cut("converse-stream", "messageStop", PROVIDER, self._request_id)

    def _start(self, data: dict[str, Any]) -> AIMessageChunk | None:
        start = data.get("start")
        if not isinstance(start, dict):
            return None
        index = data.get("contentBlockIndex", 0)
        use = start.get("toolUse")
        if isinstance(use, dict) and use.get("type") == SERVER_TOOL_USE:
            self._server_inputs[index] = []
            return AIMessageChunk(content=[{**server_tool_call(use, {}), "index": index}])
        if isinstance(use, dict):
            chunk: ToolCallChunk = {  # no args yet: None, as langchain-aws's start
                "name": use.get("name"),
                "args": None,
                "id": use.get("toolUseId"),
                "index": index,
                "type": "tool_call_chunk",
            }
            opened = {"type": "tool_use", "name": use.get("name"), "id": use.get("toolUseId")}
            return AIMessageChunk(content=[{**opened, "index": index}], tool_call_chunks=[chunk])
        result = start.get("toolResult")
        if isinstance(result, dict):
            self._results[index] = []
            return AIMessageChunk(content=[{**server_tool_result(result, []), "index": index}])
        return None  # image starts and start kinds newer than chatplex

    def _finish_block(self, index: Any) -> dict[str, Any] | None:
        """The closing piece of a server tool block: the call's parsed `args`, or the
        result's joined `output` (merging replaces the start's `{}` / extends its `[]`)."""
        fragments = self._server_inputs.pop(index, None)
        if fragments is not None:
            raw = "".join(fragments)
            block: dict[str, Any] = {"type": "server_tool_call", "index": index}
            try:
                args = json.loads(raw) if raw.strip() else {}
            except ValueError:
                args = None
            if isinstance(args, dict):
                block["args"] = args
            else:  # kept, not dropped: what the server sent is not a JSON object
                block["extras"] = {"unparsed_args": raw}
            return block
        pieces = self._results.pop(index, None)
        if pieces is not None:
            return {"type": "server_tool_result", "output": _joined_pieces(pieces), "index": index}
        return None

    def _delta(self, data: dict[str, Any]) -> AIMessageChunk | None:
        delta = reply_field(data.get("delta"), dict, "delta")
        if delta is None:
            return None
        index = data.get("contentBlockIndex", 0)
        text = reply_field(delta.get("text"), str, "delta's text")
        if isinstance(text, str):
            return AIMessageChunk(content=[{"type": "text", "text": text, "index": index}])
        use = reply_field(delta.get("toolUse"), dict, "delta's toolUse")
        if use is not None:
            fragment = reply_text(use.get("input"), "delta's toolUse input") or ""
            if index in self._server_inputs:
                self._server_inputs[index].append(fragment)
                return None
            piece: ToolCallChunk = {
                "name": None,
                "args": fragment,
                "id": None,
                "index": index,
                "type": "tool_call_chunk",
            }
            # `id` None, as langchain-aws's delta block has it (merging keeps the start's).
            block = {"type": "tool_use", "input": fragment, "id": None, "index": index}
            return AIMessageChunk(content=[block], tool_call_chunks=[piece])
        result = delta.get("toolResult")
        if isinstance(result, list):
            if index not in self._results:  # no start seen: the block opens here
                self._results[index] = []
            self._results[index].extend(result)
            return None
        reasoning = delta.get("reasoningContent")
        if isinstance(reasoning, dict):
            said: dict[str, Any] = {}
            if reasoning.get("redactedContent"):
                said["redacted_content"] = reasoning["redactedContent"]
            if "text" in reasoning:
                said["text"] = reasoning["text"]
            if reasoning.get("signature"):
                said["signature"] = reasoning["signature"]
            block = {"type": "reasoning_content", "reasoning_content": said, "index": index}
            return AIMessageChunk(content=[block])
        return None

    def _metadata(self, data: dict[str, Any]) -> AIMessageChunk:
        meta: dict[str, Any] = {"model_provider": PROVIDER}
        if self._model:
            meta["model_name"] = self._model
        if isinstance(data.get("metrics"), dict):
            meta["metrics"] = data["metrics"]  # as it came (langchain-aws's stream)
        for key in ("trace", "performanceConfig", "serviceTier"):
            if data.get(key) is not None:
                meta[key] = data[key]
        if self._request_id:
            meta["request_id"] = self._request_id
        if self._headers is not None:
            meta["ResponseMetadata"] = response_metadata(self._headers, self._request_id)
        usage = reply_field(data.get("usage"), dict, "usage")
        return AIMessageChunk(
            content="",
            usage_metadata=usage_metadata(usage) if isinstance(usage, dict) else None,
            response_metadata=meta,
        )

    def _exception(self, event: EventStreamMessage) -> StreamError:
        """An exception message: its type (`throttlingException`) as Bedrock's error name;
        an error message (`:message-type: error`): its code, and its text from the
        `:error-message` header (as botocore reads it), kept in the error's message."""
        data = loads(event.payload)
        message = data.get("message") or data.get("Message") if isinstance(data, dict) else None
        if not isinstance(message, str) or not message:
            message = event.error_message
        name = event.event_type or "UnknownException"
        error_type = name[:1].upper() + name[1:]
        _, retryable = ERROR_TYPES.get(error_type, (None, False))
        return StreamError(
            f"{error_type}: {message or snippet(event.payload) or 'no message'}",
            provider=PROVIDER,
            error_type=error_type,
            request_id=self._request_id,
            body=data if data is not None else snippet(event.payload),
            retryable=retryable,
            rate_limited=error_type == "ThrottlingException",  # the pace learns from it
        )


def _joined_pieces(pieces: list[Any]) -> list[Any]:
    """A streamed tool result's pieces (`{"text": ...}` / `{"json": ...}`) as the
    non-stream result's content: consecutive text pieces are one text block."""
    out: list[Any] = []
    for piece in pieces:
        text = piece.get("text") if isinstance(piece, dict) and len(piece) == 1 else None
        if isinstance(text, str) and out and isinstance(out[-1], dict) and "text" in out[-1]:
            out[-1] = {"text": out[-1]["text"] + text}
        else:
            out.append(piece)
    return out
