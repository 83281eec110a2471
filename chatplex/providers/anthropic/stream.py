"""The Anthropic Messages API's stream: `AnthropicStreamParser` turns its server-sent
events into `AIMessageChunk`s (see `anthropic.py` for how usage, citations and an early
end are reported). Pure, no I/O."""

from __future__ import annotations

import json
from typing import Any

from ...adapters.bodies import StrayEvents
from ...adapters.bodies import sent_whole
from ...adapters.jsontext import loads_text
from ...adapters.reading import reply_dict
from ...adapters.reading import reply_text
from ...adapters.sse_event import SSEEvent
from ...errors import StreamError
from ...messages import AIMessageChunk
from ...messages import UsageMetadata
from ...messages import text_chunk
from .response import _MESSAGE_FIELDS
from .response import _PROVIDER
from .response import _RETRYABLE_STREAM_ERRORS
from .response import _Block
from .response import _citation
from .response import _in_sdk_order
from .response import _start_metadata
from .response import _stop_metadata
from .response import _str_or_none
from .response import _thinking
from .response import _usage
from .response import _usage_diff
from .response import _with_toolset
from .response import sdk_container
from .response import sdk_result

__all__ = ["EVENT_TYPES", "AnthropicStreamParser"]

#: The `type`s of a Messages API stream's events.
EVENT_TYPES = frozenset(
    {
        "message_start",
        "content_block_start",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
        "ping",
        "error",
    }
)


class AnthropicStreamParser:
    """Turns the events of one Messages API stream into `AIMessageChunk`s.

    Text arrives as `str` content; thinking, redacted thinking, server-tool and cited text
    blocks as one-block lists carrying the block `index`, so `merge_chunks` joins their
    pieces (and concatenates their `citations`); `tool_use` blocks as `tool_call_chunks`
    indexed by block. A text block right after one streamed as `str` comes as indexed
    pieces too (`{"text", "type", "index"}`, langchain-anthropic's): as `str` it would
    join the text before it, where the reply has two blocks, and a reader of the
    stream (the LangChain drop-in's, which gives each piece its block's index) could
    not tell which block a piece is of.
    """

    __slots__ = (
        "_apart",
        "_cited",
        "_done",
        "_inputs",
        "_reported",
        "_request_id",
        "_stray",
        "_texts",
        "_tool_blocks",
        "_usage",
    )

    def __init__(self, request_id: str | None = None) -> None:
        self._request_id = request_id
        self._tool_blocks: set[Any] = set()  # indexes of tool_use blocks
        self._texts: set[Any] = set()  # indexes of text blocks
        self._cited: set[Any] = set()  # indexes of text blocks with citations: block pieces
        self._apart: set[Any] = set()  # ... of text blocks right after a text block: alike
        #: partial_json of other blocks taking input (server_tool_use): index →
        #: (block type, fragments), parsed into the block's `input` at content_block_stop.
        self._inputs: dict[Any, tuple[str, list[str]]] = {}
        self._usage: dict[str, Any] = {}  # raw usage so far (message_delta overrides)
        self._reported: UsageMetadata | None = None  # the sum of usage emitted so far
        self._done = False
        self._stray = StrayEvents()

    def feed(self, event: SSEEvent) -> AIMessageChunk | None:
        if event.event == "ping" or not event.data:
            return None
        try:
            data = loads_text(event.data)
        except ValueError as exc:
            raise self._error(f"malformed event data ({exc}): {event.data[:200]}") from exc
        if not isinstance(data, dict):
            message = f"event data is not a JSON object: {event.data[:200]}"
            raise self._error(message) from sent_whole(data)
        kind = data.get("type")
        if not self._stray.known:
            self._stray.seen(kind in EVENT_TYPES, event.data)
        if kind == "content_block_delta":
            return self._delta(data)
        if kind == "content_block_start":
            return self._start(data)
        if kind == "content_block_stop":
            return self._stop(data)
        if kind == "message_start":
            return self._message_start(data)
        if kind == "message_delta":
            return self._message_delta(data)
        if kind == "message_stop":
            self._done = True
            return self._closing_usage()
        if kind == "error" or event.event == "error":
            raise self._error_event(data)
        return None  # ping, and event types added after this was written

    def finish(self) -> None:
        """Raise `StreamError` if the body ended before `message_stop`; `MalformedReply`
        if none of its events was a Messages API event."""
        self._stray.refuse("Anthropic Messages")
        if not self._done:
            raise self._error("stream ended before message_stop", retryable=True)

    def _delta(self, data: dict[str, Any]) -> AIMessageChunk | None:
        delta = data.get("delta") or {}
        kind = delta.get("type")
        if kind == "text_delta":
            text = delta.get("text")
            if type(text) is not str:  # one check on the per-token path
                reply_text(text, "text_delta's text")  # absent: nothing; else refused
                return None
            # An empty one is a chunk too (""), as langchain-anthropic yields it.
            if self._cited and text and data.get("index") in self._cited:
                return _block_chunk({"text": text, "type": "text", "index": data.get("index")})
            if self._apart and data.get("index") in self._apart:
                return _block_chunk({"text": text, "type": "text", "index": data.get("index")})
            return text_chunk(text)
        index = data.get("index")
        if kind == "input_json_delta":
            part = reply_text(delta.get("partial_json"), "input_json_delta's partial_json") or ""
            pending = self._inputs.get(index)
            if pending is not None and part:
                pending[1].append(part)
            if index in self._tool_blocks:
                # An empty fragment (Anthropic sends one first) is a chunk too, as in
                # langchain-anthropic's stream: a tool call's pieces come as the wire's.
                return _tool_chunk(None, part, None, index)
            if pending is not None:  # a server call's input: its block's `partial_json`
                return _block_chunk({"type": pending[0], "partial_json": part, "index": index})
            return None
        if kind == "thinking_delta":
            value = delta.get("thinking")
            return (
                _block_chunk({"thinking": value, "type": "thinking", "index": index})
                if value
                else None
            )
        if kind == "signature_delta":
            value = delta.get("signature")
            if not value:
                return None
            # langchain-anthropic's piece: the delta's keys, then an empty `thinking`
            return _block_chunk(
                {"signature": value, "type": "thinking", "index": index, "thinking": ""}
            )
        if kind == "citations_delta":
            citation = delta.get("citation")
            if citation is None or index not in self._texts:
                return None  # no text block started at that index to carry it
            self._cited.add(index)
            # The delta as langchain-anthropic writes it: a text block of no text.
            cited = [_citation(citation)]
            return _block_chunk({"type": "text", "index": index, "citations": cited})
        return None  # delta types added later: tolerated

    def _start(self, data: dict[str, Any]) -> AIMessageChunk | None:
        index = data.get("index")
        block = data.get("content_block") or {}
        kind = block.get("type")
        if kind == "text":
            text = block.get("text")
            citations = block.get("citations")
            # Right after a text block streamed as `str`, whose text this one's would join.
            before = index - 1 if isinstance(index, int) else None
            follows_text = (
                before is not None
                and before in self._texts
                and not (before in self._cited or before in self._apart)
            )
            self._texts.add(index)
            if isinstance(citations, list):
                # Its pieces come as blocks of this index; an empty start is no piece
                # (langchain-anthropic's), a start with text the SDK's block, dumped.
                self._cited.add(index)
                if not text:
                    return None
                block = {"citations": citations, "text": text, "type": "text"}
                return _block_chunk({**block, "index": index})
            if follows_text:
                self._apart.add(index)
                return (
                    _block_chunk({"text": text, "type": "text", "index": index}) if text else None
                )
            return AIMessageChunk(content=text) if text else None
        if kind == "tool_use":
            self._tool_blocks.add(index)
            self._inputs[index] = ("tool_use", [])
            given = block.get("input")  # always {} from Anthropic; a proxy may send it whole
            args = json.dumps(given) if given else ""
            # The block stays in content, as in the non-stream reply (and LangChain's);
            # its `input` is filled in at content_block_stop.
            return AIMessageChunk(
                content=[{**_in_sdk_order(_with_toolset(block)), "index": index}],
                tool_call_chunks=[
                    {
                        "name": block.get("name"),
                        "args": args,
                        "id": block.get("id"),
                        "index": index,
                        "type": "tool_call_chunk",
                    }
                ],
            )
        if kind == "thinking":
            thinking = _thinking(block)
            if not (thinking["thinking"] or thinking["signature"]):
                return None  # an empty start (the API's): no piece, as langchain-anthropic
            return _block_chunk({**thinking, "index": index})
        # redacted_thinking, server_tool_use, *_tool_result, future types: kept whole.
        if "input" in block:
            self._inputs[index] = (str(kind), [])
        return _block_chunk({**sdk_result(block), "index": index})

    def _stop(self, data: dict[str, Any]) -> AIMessageChunk | None:
        index = data.get("index")
        pending = self._inputs.pop(index, None)
        if pending is None or not pending[1]:
            return None
        try:
            value = json.loads("".join(pending[1]))
        except ValueError:
            return None  # the block keeps its start `input`; nothing better to offer
        return _block_chunk({"type": pending[0], "input": value, "index": index})

    def _message_start(self, data: dict[str, Any]) -> AIMessageChunk:
        message = data.get("message") or {}
        # Held until the closing chunk (message_delta), as LangChain reports it: its counts
        # are provisional (output_tokens 1; input_tokens may still grow with server tools).
        self._usage = dict(reply_dict(message.get("usage"), "message_start's usage"))
        meta = _start_metadata(message)
        meta.pop("usage", None)
        return AIMessageChunk(content="", id=message.get("id"), response_metadata=meta)

    def _message_delta(self, data: dict[str, Any]) -> AIMessageChunk:
        delta = data.get("delta") or {}
        reason = delta.get("stop_reason")
        if reason is not None:
            self._done = True
        raw = reply_dict(data.get("usage"), "message_delta's usage")
        if raw.get("input_tokens") is not None:
            # The input counted here whole, as langchain-anthropic reads it: a cache count
            # it leaves out is none (message_start's split by time to live stays beside
            # the creation count it splits).
            gone = [k for k in _CACHE_COUNTS if raw.get(k) is None]
            if "cache_creation_input_tokens" in gone:
                gone.append("cache_creation")
            for key in gone:
                self._usage.pop(key, None)
        if raw:
            # Cumulative counts: they replace message_start's; absent fields keep theirs.
            self._usage.update((k, v) for k, v in raw.items() if v is not None)
        usage: UsageMetadata | None = None
        meta = _stop_metadata(reason, delta.get("stop_sequence"))
        if self._usage and (raw or self._reported is None):
            total = _usage(self._usage)
            usage = _usage_diff(total, self._reported)
            self._reported = total
            # The reply's raw usage so far, whole (merging keeps the last one): the merged
            # stream has the reply's final raw usage, as the non-stream reply does.
            meta["usage"] = dict(self._usage)
        for key, value in delta.items():
            if key not in _MESSAGE_FIELDS and value is not None:
                # e.g. `container`, which the delta may update
                meta[key] = sdk_container(value) if key == "container" else value
        if data.get("context_management") is not None:  # the context edits it applied
            meta["context_management"] = data["context_management"]
        # With a stop reason it is the reply's last chunk, marked so as langchain-anthropic
        # marks it: `stream` adds no empty closing chunk after it.
        return AIMessageChunk(
            content="",
            usage_metadata=usage,
            response_metadata=meta,
            chunk_position="last" if reason else None,
        )

    def _closing_usage(self) -> AIMessageChunk | None:
        """At message_stop: the usage, if no message_delta reported it."""
        if self._reported is not None or not self._usage:
            return None
        self._reported = _usage(self._usage)
        return AIMessageChunk(
            content="",
            usage_metadata=self._reported,
            response_metadata={"usage": dict(self._usage)},
        )

    def _error_event(self, data: dict[str, Any]) -> StreamError:
        err = data.get("error")
        err = err if isinstance(err, dict) else {}
        error_type = _str_or_none(err.get("type"))
        return StreamError(
            _str_or_none(err.get("message")) or "error event without a message",
            provider=_PROVIDER,
            error_type=error_type,
            request_id=_str_or_none(data.get("request_id")) or self._request_id,
            body=data,
            retryable=error_type in _RETRYABLE_STREAM_ERRORS,
        )

    def _error(self, message: str, *, retryable: bool = False) -> StreamError:
        return StreamError(
            message, provider=_PROVIDER, request_id=self._request_id, retryable=retryable
        )


#: The usage's cache counts, beside its `input_tokens`.
_CACHE_COUNTS = ("cache_read_input_tokens", "cache_creation_input_tokens")


def _block_chunk(block: _Block) -> AIMessageChunk:
    """A one-block list chunk; its `index` lets merge_chunks join the block's pieces."""
    return AIMessageChunk(content=[block])


def _tool_chunk(name: str | None, args: str, call_id: str | None, index: Any) -> AIMessageChunk:
    return AIMessageChunk(
        content="",
        tool_call_chunks=[
            {"name": name, "args": args, "id": call_id, "index": index, "type": "tool_call_chunk"}
        ],
    )
