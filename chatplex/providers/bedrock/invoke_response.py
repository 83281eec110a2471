"""Bedrock InvokeModel response side for Anthropic models: replies and
`invoke-with-response-stream` events, read as langchain-aws's `ChatBedrock` reads them.

- **Reply** (`parse_invoke_reply`): the body is Anthropic's Messages reply. `content` is
  its text blocks joined into a `str`, or the body's blocks as they came when the reply
  has a thinking block or the request enabled citations; `tool_use` blocks become
  `tool_calls`. `additional_kwargs` is langchain-aws's `llm_output`: `usage`
  (`prompt_tokens`, `completion_tokens`, `cache_read_input_tokens`,
  `cache_write_input_tokens`, `total_tokens`), `stop_reason`, `model_id`. Usage comes
  from Bedrock's `x-amzn-bedrock-*-token-count` headers (not the body), cached tokens
  counted in `input_tokens`, as langchain-aws does. `response_metadata`:
  `model_provider` ("bedrock"), `model_name` (the model id asked), plus chatplex's
  `finish_reason` / `raw_finish_reason` / `request_id`.
- Every field is read by the kit's rule (`adapters/reading.py`): one of the wrong type
  (a block, its text or input, a stop reason, a token count in the headers or the
  stream's metrics) is a typed malformed-reply error, never read as empty or 0, as
  langchain-aws raises there.
- **Stream** (`InvokeStreamParser`): AWS event-stream `chunk` events whose `bytes` are
  base64 Anthropic stream events. As langchain-aws: `message_start` gives an empty chunk;
  text deltas are `str` pieces, or indexed blocks (`{"type": "text", "text", "index"}`)
  when the call has tools, thinking or citations (`blocks=True`); a `tool_use` start is
  an indexed block and a `tool_call_chunk`, its `input_json_delta`s indexed `tool_use`
  blocks with `partial_json` and `tool_call_chunks`; `thinking_delta` /
  `signature_delta` indexed `thinking` blocks; `message_delta` a chunk with
  `stop_reason` / `stop_sequence`; `message_stop` the closing chunk with the usage of
  Bedrock's `amazon-bedrock-invocationMetrics` and `model_name`. An exception message
  raises as on the Converse stream (`BedrockStreamParser`'s error, botocore's
  `EventStreamError` for its users).
"""

from __future__ import annotations

import base64
import binascii
import json
import warnings
from collections.abc import Mapping
from typing import Any

from ...adapters.bodies import StrayEvents
from ...adapters.bodies import loads
from ...adapters.bodies import sent_whole
from ...adapters.headers import header_value
from ...adapters.reading import MalformedReply
from ...adapters.reading import reply_count
from ...adapters.reading import reply_dict
from ...adapters.reading import reply_field
from ...adapters.reading import reply_text
from ...adapters.sse_event import SSEEvent
from ...errors import StreamError
from ...messages import AIMessage
from ...messages import AIMessageChunk
from ...messages import ToolCall
from ...messages import ToolCallChunk
from ...messages import UsageMetadata
from ..anthropic.stream import EVENT_TYPES
from .eventstream import EventStreamMessage
from .response import FINISH_REASONS
from .response import REQUEST_ID_HEADER
from .response import error_from
from .response import error_shaped
from .response import reply_data
from .response import snippet
from .response import stream_cut
from .stream import BedrockStreamParser

__all__ = [
    "INVOKE_PROVIDER",
    "INVOKE_STREAM",
    "InvokeStreamParser",
    "count",
    "decode_chunk",
    "header_count",
    "body_usage_read_from_headers",
    "header_usage",
    "header_usage_metadata",
    "metrics_usage_metadata",
    "parse_invoke_reply",
    "reply_metadata",
    "stop_metadata",
    "usage_metadata",
]

#: `response_metadata["model_provider"]` of langchain-aws's `ChatBedrock`.
INVOKE_PROVIDER = "bedrock"
#: The streaming action, as the stream's errors name it.
INVOKE_STREAM = "invoke-with-response-stream"
#: Bedrock's usage headers on an InvokeModel reply (what langchain-aws reads).
_USAGE_HEADERS = {
    "prompt_tokens": "x-amzn-bedrock-input-token-count",
    "completion_tokens": "x-amzn-bedrock-output-token-count",
    "cache_read_input_tokens": "x-amzn-bedrock-cache-read-input-token-count",
    "cache_write_input_tokens": "x-amzn-bedrock-cache-write-input-token-count",
}


def count(value: Any, what: str = "token count") -> int:
    """A token count in a JSON body (the stream's metrics), 0 when absent; anything but
    a whole number is `MalformedReply` (langchain-aws's sums raise there), never 0."""
    return reply_count(value, what) or 0


def header_count(value: str | None, name: str) -> int:
    """A token count in one of Bedrock's headers (its digits), 0 when absent; other text
    is `MalformedReply` (langchain-aws's `int()` raises there too), never read as 0.

    >>> header_count("12", "h"), header_count(None, "h")
    (12, 0)
    """
    if value is None:
        return 0
    digits = value.strip()
    if not digits.isascii() or not digits.isdigit():
        raise MalformedReply(f"the reply's {name} header is not a count: {value[:40]!r}")
    return int(digits)


def header_usage(headers: Mapping[str, str] | None) -> dict[str, int]:
    """langchain-aws's `llm_output["usage"]` from the reply's headers (zeros if absent).

    >>> header_usage({"x-amzn-bedrock-input-token-count": "12",
    ...               "x-amzn-bedrock-output-token-count": "7"})["total_tokens"]
    19
    """
    usage = {
        key: header_count(header_value(headers, name), name) for key, name in _USAGE_HEADERS.items()
    }
    usage["total_tokens"] = sum(usage.values())
    return usage


def body_usage_read_from_headers(usage: Any) -> None:
    """Say so where a reply's own `usage` (in its body or a stream event) is not an
    object. Its token counts are Bedrock's (the headers, the stream's invocation metrics),
    as langchain-aws reads them, so the reply is kept whole and its usage is right; a
    warning, not an error, because refusing would lose a paid reply for a field nothing
    reads, yet a body of the wrong shape is never passed over without a word (a proxy
    that rewrote it, a model family that changed its shape)."""
    if usage is not None and not isinstance(usage, dict):
        warnings.warn(
            f"a Bedrock InvokeModel reply's usage is a {type(usage).__name__}, not an "
            "object: its token counts are taken from Bedrock's token-count headers and "
            "invocation metrics",
            UserWarning,
            stacklevel=2,
        )


def usage_metadata(
    prompt: int, completion: int, cache_read: int, cache_write: int
) -> UsageMetadata:
    """LangChain's usage from Bedrock's counts (cached tokens counted in the input)."""
    input_tokens = prompt + cache_read + cache_write
    return {
        "input_tokens": input_tokens,
        "output_tokens": completion,
        "total_tokens": input_tokens + completion,
        "input_token_details": {"cache_creation": cache_write, "cache_read": cache_read},
    }


def header_usage_metadata(usage: Mapping[str, int]) -> UsageMetadata:
    """LangChain's usage from `header_usage`'s counts."""
    return usage_metadata(
        usage["prompt_tokens"],
        usage["completion_tokens"],
        usage["cache_read_input_tokens"],
        usage["cache_write_input_tokens"],
    )


def metrics_usage_metadata(metrics: Mapping[str, Any]) -> UsageMetadata:
    """LangChain's usage from a stream's last `amazon-bedrock-invocationMetrics`."""
    return usage_metadata(
        count(metrics.get("inputTokenCount"), "inputTokenCount"),
        count(metrics.get("outputTokenCount"), "outputTokenCount"),
        count(metrics.get("cacheReadInputTokenCount"), "cacheReadInputTokenCount"),
        count(metrics.get("cacheWriteInputTokenCount"), "cacheWriteInputTokenCount"),
    )


def reply_metadata(
    llm_output: Mapping[str, Any],
    model_id: str | None,
    stop: Mapping[str, Any],
    headers: Mapping[str, str] | None,
) -> dict[str, Any]:
    """A reply's `response_metadata`: langchain-aws's `llm_output` (LangChain's generate()
    puts a single reply's there too), the provider and model, the stop reason's fields
    (`stop_metadata`) and Bedrock's request id when it sent one."""
    meta: dict[str, Any] = {
        **llm_output,
        "model_provider": INVOKE_PROVIDER,
        "model_name": model_id,
        **stop,
    }
    request_id = header_value(headers, REQUEST_ID_HEADER)
    if request_id:
        meta["request_id"] = request_id
    return meta


def stop_metadata(reason: Any, reasons: Mapping[str, str] = FINISH_REASONS) -> dict[str, Any]:
    """chatplex's `finish_reason` / `raw_finish_reason` of a model's stop reason (none
    when absent; `MalformedReply` when it is not text)."""
    if reply_text(reason, "stop reason") is None:
        return {}
    return {"finish_reason": reasons.get(reason, reason), "raw_finish_reason": reason}


def parse_invoke_reply(
    body: bytes,
    headers: Mapping[str, str] | None,
    model_id: str | None,
    *,
    citations: bool = False,
) -> AIMessage:
    """The `AIMessage` of a non-stream InvokeModel reply of an Anthropic model
    (ValueError for a body that is not one: the engine reports it as malformed).
    `citations`: the request enabled citations on a document (content then stays blocks)."""
    data = reply_data(body, "InvokeModel")
    if "content" not in data and error_shaped(data):
        raise error_from(200, body, headers)
    blocks = data.get("content")
    if not isinstance(blocks, list):
        raise ValueError(f"InvokeModel reply has no content list: {snippet(body)}")
    texts: list[str] = []
    calls: list[ToolCall] = []
    thinking = False
    for block in blocks:
        kind = reply_dict(block, "content block").get("type")
        if kind == "text":
            texts.append(reply_text(block.get("text"), "text block's text") or "")
        elif kind == "thinking":
            thinking = True
        elif kind == "tool_use":
            calls.append(
                {
                    "name": reply_text(block.get("name"), "tool_use block's name") or "",
                    "args": reply_dict(block.get("input"), "tool_use block's input"),
                    "id": block.get("id"),
                    "type": "tool_call",
                }
            )
    body_usage_read_from_headers(data.get("usage"))
    usage = header_usage(headers)
    stop_reason = data.get("stop_reason")
    llm_output: dict[str, Any] = {"usage": usage, "stop_reason": stop_reason}
    if not blocks:  # langchain-aws pops its `thinking` ({} here) only beside content
        llm_output["thinking"] = {}
    llm_output["model_id"] = model_id
    return AIMessage(
        content=blocks if blocks and (thinking or citations) else "".join(texts),
        additional_kwargs=llm_output,
        tool_calls=calls,
        usage_metadata=header_usage_metadata(usage),
        response_metadata=reply_metadata(llm_output, model_id, stop_metadata(stop_reason), headers),
    )


def decode_chunk(payload: bytes, request_id: str | None) -> dict[str, Any]:
    """The JSON event inside a `chunk` message (`{"bytes": base64 JSON}`); `StreamError`
    for anything else."""
    outer = loads(payload)
    raw = outer.get("bytes") if isinstance(outer, dict) else None
    try:
        data = json.loads(base64.b64decode(raw, validate=True)) if raw else None
    except (binascii.Error, ValueError, TypeError):
        data = None
    if not isinstance(data, dict):
        # JSON where the event is (`[]`, a string, an object without `bytes`) came whole.
        whole = data if raw else outer
        raise StreamError(
            f"{INVOKE_STREAM} chunk is not a base64 JSON event: {snippet(payload)}",
            provider=INVOKE_PROVIDER,
            request_id=request_id,
        ) from sent_whole(whole)
    return data


class InvokeStreamParser:
    """Turns the decoded messages of one `invoke-with-response-stream` body of an
    Anthropic model into `AIMessageChunk`s (see the module docstring)."""

    __slots__ = (
        "_blocks",
        "_converse",
        "_model_id",
        "_request_id",
        "_stop_seen",
        "_stopped",
        "_stray",
    )

    def __init__(
        self,
        request_id: str | None = None,
        model_id: str | None = None,
        *,
        blocks: bool = False,
    ) -> None:
        self._request_id = request_id
        self._model_id = model_id
        self._blocks = blocks
        # Exception messages are the same on both Bedrock streams: raised as Converse's.
        self._converse = BedrockStreamParser(request_id, model_id)
        self._stopped = False
        self._stop_seen = False
        self._stray = StrayEvents()

    def feed(self, event: EventStreamMessage | SSEEvent) -> AIMessageChunk | None:
        """The chunk one message contributes, or None; raises `StreamError` for an
        exception message or a payload that is not a base64 JSON event."""
        if not isinstance(event, EventStreamMessage) or event.message_type != "event":
            try:
                return self._converse.feed(event)  # raises: the stream's error
            except StreamError as err:
                err.provider = INVOKE_PROVIDER  # botocore's InvokeModelWithResponseStream
                raise
        if event.event_type != "chunk":
            return None  # events newer than chatplex
        data = decode_chunk(event.payload, self._request_id)
        if not self._stray.known:  # (another model family's events are not Anthropic's)
            self._stray.seen(data.get("type") in EVENT_TYPES, json.dumps(data))
        chunk = self._chunk(data)
        if chunk is not None:
            chunk.response_metadata["model_provider"] = INVOKE_PROVIDER
        return chunk

    def finish(self) -> None:
        """Raise `StreamError` if the body ended before `message_stop` (a `message_delta`
        with a stop reason already completed the reply: only the closing event is lost);
        `MalformedReply` if none of its events was an Anthropic Messages event."""
        self._stray.refuse("Anthropic Messages (InvokeModel)")
        if not self._stopped and not self._stop_seen:
            raise stream_cut(INVOKE_STREAM, "message_stop", INVOKE_PROVIDER, self._request_id)

    def _chunk(self, data: dict[str, Any]) -> AIMessageChunk | None:
        kind = data.get("type")
        index = data.get("index")
        if kind == "message_start":
            message = reply_dict(data.get("message"), "message_start's message")
            body_usage_read_from_headers(message.get("usage"))
            return AIMessageChunk(content=[] if self._blocks else "")
        if kind == "content_block_start":
            block = reply_dict(data.get("content_block"), "content_block")
            if block.get("type") != "tool_use":
                return None
            call: ToolCallChunk = {
                "name": reply_text(block.get("name"), "tool_use block's name"),
                "args": "",
                "id": block.get("id"),
                "index": index,
                "type": "tool_call_chunk",
            }
            return AIMessageChunk(content=[{**block, "index": index}], tool_call_chunks=[call])
        if kind == "content_block_delta":
            return self._delta(data.get("delta"), index)
        if kind == "message_delta":
            delta = reply_dict(data.get("delta"), "message_delta's delta")
            body_usage_read_from_headers(data.get("usage"))
            reason = reply_text(delta.get("stop_reason"), "stop reason")
            self._stop_seen = self._stop_seen or isinstance(reason, str)
            meta = {"stop_reason": reason, "stop_sequence": delta.get("stop_sequence")}
            return AIMessageChunk(content="", response_metadata={**meta, **stop_metadata(reason)})
        if kind == "message_stop":
            self._stopped = True
            return self._closing(data.get("amazon-bedrock-invocationMetrics"))
        return None  # content_block_stop, ping, and events newer than chatplex

    def _delta(self, delta: Any, index: Any) -> AIMessageChunk | None:
        if not reply_dict(delta, "content_block_delta's delta"):
            return AIMessageChunk(content="")
        kind = delta.get("type")
        if kind == "text_delta":
            text = reply_text(delta.get("text"), "text_delta's text") or ""
            if not self._blocks:
                return AIMessageChunk(content=text)
            return AIMessageChunk(content=[{**delta, "type": "text", "index": index}])
        if kind == "citations_delta":
            cited = {"type": "text", "text": "", "citations": [delta.get("citation")]}
            return AIMessageChunk(content=[{**cited, "index": index}])
        if kind == "input_json_delta":
            piece: ToolCallChunk = {
                "name": None,
                "args": reply_text(delta.get("partial_json"), "partial_json"),
                "id": None,
                "index": index,
                "type": "tool_call_chunk",
            }
            block = {**delta, "type": "tool_use", "index": index}
            return AIMessageChunk(content=[block], tool_call_chunks=[piece])
        if kind in ("thinking_delta", "signature_delta"):
            return AIMessageChunk(content=[{**delta, "type": "thinking", "index": index}])
        return None

    def _closing(self, metrics: Any) -> AIMessageChunk:
        meta: dict[str, Any] = {}
        if self._request_id:
            meta["request_id"] = self._request_id
        if reply_field(metrics, dict, "amazon-bedrock-invocationMetrics") is None:
            return AIMessageChunk(content="", response_metadata=meta)
        meta["model_name"] = self._model_id
        usage = metrics_usage_metadata(metrics)
        return AIMessageChunk(content="", response_metadata=meta, usage_metadata=usage)
