"""Bedrock Converse response side: reply bodies and errors, and what the chunks of a
`converse-stream` body hold (parsed by `stream.py`'s `BedrockStreamParser`).

- Content as langchain-aws gives it: a `str` when the reply is one text block, else the
  blocks in reply order: `{"type": "text"}`, `{"type": "reasoning_content",
  "reasoning_content": {"text", "signature"}}` (or `{"redacted_content"}`), and
  `{"type": "tool_use", "name", "input", "id"}` for each `toolUse`, which is also one of
  `tool_calls`. `content_blocks` reads them as LangChain's Converse translator does.
- Server-side tools (Nova's built-in `nova_code_interpreter`, declared as a `systemTool`):
  Bedrock runs them itself and reports the call as a `toolUse` with `"type":
  "server_tool_use"` and its outcome as a `toolResult` block (`"type":
  "nova_code_interpreter_result"`). They are not calls for the client, so they stay out
  of `tool_calls`: the content becomes a list of blocks, in reply order, with LangChain's
  standard `{"type": "server_tool_call", "id", "name", "args"}` and `{"type":
  "server_tool_result", "tool_call_id", "status", "output", "extras": {"block_type"}}`
  (`output` is Converse's result content as it came, `[{"json": {...}}]`), which is what
  `content_blocks` shows for Anthropic's server tools too. `conversation.py` sends
  them back as they came when the message is replayed.
- `usage_metadata["input_tokens"]` = `inputTokens` + `cacheReadInputTokens` +
  `cacheWriteInputTokens` (as langchain-aws counts them; Bedrock counts cached tokens
  apart), the cached share in `input_token_details` (`cache_read`, `cache_creation`,
  zeros included), `total_tokens` their sum (Bedrock's `totalTokens` leaves the cached
  tokens out).
- `response_metadata`: `stopReason` (LangChain's key), `finish_reason` (chatplex's
  common words: stop, length, tool_calls, content_filter), `raw_finish_reason`,
  `metrics` (`latencyMs` in a list, as langchain-aws gives it), `model_provider`,
  `ResponseMetadata` (botocore's: request id, status, headers; on a stream's metadata
  chunk), and `trace` / `additionalModelResponseFields`
  / `performanceConfig` / `serviceTier` when the reply has them.
- `guardrail_intervened` and `content_filtered` stop reasons are kept as a reply (the
  guardrail's text is the content), not raised: langchain-aws does the same, and the
  reply is what the guardrail answers. `finish_reason` is "content_filter" for both.
- Errors: the type comes from the `x-amzn-errortype` header, else the body's `__type`
  (either may carry a namespace or a URL suffix, cut off here); the message from the
  body's `message` / `Message`. Throttling is a `RateLimitError` on status 429 (the pace
  learns from the status), a model not ready or a service unavailable an
  `OverloadedError`, a rejected or missing signature or unknown key an
  `AuthenticationError`, a denied IAM permission or model access a
  `PermissionDeniedError`, a validation error a `BadRequestError`, a service quota a
  `QuotaExceededError`.
- Streams: `messageStart`, `contentBlockStart` (tool-use id and name; a server tool's
  call or result), `contentBlockDelta` (text, tool input JSON fragments, reasoning text /
  signature, server tool result pieces),
  `contentBlockStop`, `messageStop` (stop reason), `metadata` (usage, metrics). An
  exception message (`:message-type: exception`) raises `StreamError` with its type.
  The merged stream equals the non-stream reply.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ...adapters.bodies import loads
from ...adapters.headers import header_value
from ...adapters.reading import reply_count
from ...adapters.reading import reply_dict
from ...adapters.reading import reply_field
from ...adapters.reading import reply_list
from ...adapters.reading import reply_text
from ...errors import APIError
from ...errors import AuthenticationError
from ...errors import BadRequestError
from ...errors import NotFoundError
from ...errors import OverloadedError
from ...errors import PermissionDeniedError
from ...errors import QuotaExceededError
from ...errors import RateLimitError
from ...errors import ServerError
from ...errors import StreamError
from ...errors import status_error
from ...messages import AIMessage
from ...messages import ToolCall
from ...messages import UsageMetadata

__all__ = [
    "ERROR_TYPES",
    "FINISH_REASONS",
    "PROVIDER",
    "REQUEST_ID_HEADER",
    "SERVER_TOOL_USE",
    "error_from",
    "error_shaped",
    "parse_reply",
    "reply_data",
    "response_metadata",
    "server_tool_call",
    "server_tool_result",
    "snippet",
    "stop_metadata",
    "stream_cut",
    "usage_metadata",
]

PROVIDER = "bedrock_converse"
REQUEST_ID_HEADER = "x-amzn-requestid"
_MAX_TEXT = 500

FINISH_REASONS = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "max_tokens": "length",
    "model_context_window_exceeded": "length",
    "tool_use": "tool_calls",
    "guardrail_intervened": "content_filter",
    "content_filtered": "content_filter",
}

#: Error type (Bedrock's exception name) → (class, retryable): retryable as botocore's
#: standard retries take it (a 500 or 503, a throttling code, a shape its service model
#: marks retryable: `ModelNotReadyException`); not `ModelTimeoutException`, a 408.
ERROR_TYPES: dict[str, tuple[type[APIError], bool]] = {
    "ThrottlingException": (RateLimitError, True),
    "ServiceQuotaExceededException": (QuotaExceededError, False),
    "ModelNotReadyException": (OverloadedError, True),
    "ServiceUnavailableException": (OverloadedError, True),
    "InternalServerException": (ServerError, True),
    "ModelTimeoutException": (ServerError, False),
    "ModelErrorException": (ServerError, False),
    "ModelStreamErrorException": (ServerError, False),
    "ValidationException": (BadRequestError, False),
    "ResourceNotFoundException": (NotFoundError, False),
    "AccessDeniedException": (PermissionDeniedError, False),
    "UnrecognizedClientException": (AuthenticationError, False),
    "InvalidSignatureException": (AuthenticationError, False),
    "IncompleteSignatureException": (AuthenticationError, False),
    "MissingAuthenticationTokenException": (AuthenticationError, False),
    "ExpiredTokenException": (AuthenticationError, False),
    "SignatureDoesNotMatch": (AuthenticationError, False),
}


def snippet(body: bytes) -> str:
    return " ".join(body[: _MAX_TEXT * 4].decode("utf-8", "replace").split())[:_MAX_TEXT]


def reply_data(body: bytes, api: str) -> dict[str, Any]:
    """A non-stream reply's JSON object; ValueError for a body that is not one (the
    engine reports it as malformed)."""
    data = json.loads(body)
    if not isinstance(data, dict):
        raise ValueError(f"{api} reply is not a JSON object: {snippet(body)}")
    return data


def error_shaped(data: Mapping[str, Any]) -> bool:
    """Whether a 200 reply without its result has an error's shape instead (Bedrock's
    `message` / `__type`): `error_from` reads it as the error it is."""
    return bool(data.get("message") or data.get("__type"))


def stream_cut(stream: str, missing: str, provider: str, request_id: str | None) -> StreamError:
    """The error of a stream whose body ended before `missing` (a parser's `finish`),
    which names it as `ended_before`."""
    err = StreamError(f"{stream} ended before {missing}", provider=provider, request_id=request_id)
    err.ended_before = missing  # type: ignore[attr-defined]
    return err


def _error_type(raw: Any) -> str | None:
    """`ValidationException` from `ValidationException:http://...` or
    `com.amazon.coral.service#ValidationException`."""
    if not isinstance(raw, str) or not raw:
        return None
    name = raw.split(":", 1)[0]
    return name.rsplit("#", 1)[-1] or None


def error_from(status: int, body: bytes, headers: Mapping[str, str] | None) -> APIError:
    """A typed error from an error status and body; never raises, whatever the body."""
    data = loads(body)
    message = None
    body_type = None
    if isinstance(data, dict):
        message = data.get("message") or data.get("Message")
        body_type = data.get("__type") or data.get("code")
    error_type = _error_type(header_value(headers, "x-amzn-errortype")) or _error_type(body_type)
    if not isinstance(message, str) or not message:
        message = snippet(body) or f"HTTP {status}"
    request_id = header_value(headers, REQUEST_ID_HEADER)
    shown = data if data is not None else snippet(body)
    known = ERROR_TYPES.get(error_type or "")
    if known is None:
        return status_error(
            provider=PROVIDER,
            status=status,
            message=message,
            headers=headers,
            error_type=error_type,
            request_id=request_id,
            body=shown,
        )
    cls, retryable = known
    return cls(
        message,
        provider=PROVIDER,
        status=status,
        error_type=error_type,
        request_id=request_id,
        body=shown,
        retryable=retryable,
    )


def usage_metadata(raw: Mapping[str, Any]) -> UsageMetadata:
    """langchain-aws's usage: cached tokens counted in `input_tokens`, the cache details
    always there (zeros included), and the 5-minute and 1-hour cache writes of
    `cacheDetails` apart. `total_tokens` is input + output: Bedrock's `totalTokens`
    leaves the cached tokens out, which langchain-aws copies, so its total can be less
    than its own input count."""
    cache_read = reply_count(raw.get("cacheReadInputTokens"), "cacheReadInputTokens") or 0
    cache_write = reply_count(raw.get("cacheWriteInputTokens"), "cacheWriteInputTokens") or 0
    prompt = reply_count(raw.get("inputTokens"), "inputTokens") or 0
    input_tokens = prompt + cache_read + cache_write
    output_tokens = reply_count(raw.get("outputTokens"), "outputTokens") or 0
    details: dict[str, int] = {"cache_creation": cache_write, "cache_read": cache_read}
    by_ttl = raw.get("cacheDetails")
    if isinstance(by_ttl, list) and by_ttl:
        minutes = _ttl_tokens(by_ttl, "5m")
        hour = _ttl_tokens(by_ttl, "1h")
        if minutes:
            details["ephemeral_5m_input_tokens"] = minutes
        if hour:
            details["ephemeral_1h_input_tokens"] = hour
        if minutes + hour > 0:
            details["cache_creation"] = 0
    return {
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "total_tokens": input_tokens + output_tokens,
        "input_token_details": details,  # type: ignore[typeddict-item]
    }


def _ttl_tokens(details: list[Any], ttl: str) -> int:
    return sum(
        d.get("inputTokens") or 0 for d in details if isinstance(d, dict) and d.get("ttl") == ttl
    )


def _metrics(raw: Any) -> dict[str, Any]:
    """`metrics` as langchain-aws gives them: `latencyMs` in a list."""
    out = dict(raw)
    if "latencyMs" in out:
        out["latencyMs"] = [out["latencyMs"]]
    return out


def stop_metadata(reason: Any) -> dict[str, Any]:
    if not isinstance(reason, str):
        return {}
    return {
        "stopReason": reason,
        "finish_reason": FINISH_REASONS.get(reason, reason),
        "raw_finish_reason": reason,
    }


def response_metadata(headers: Mapping[str, str] | None, request_id: str | None) -> dict[str, Any]:
    """botocore's `ResponseMetadata` of a reply, which langchain-aws keeps in
    `response_metadata`: the request id, the status and the headers (names lower-cased).
    botocore's `RetryAttempts` is not there: chatplex counts `attempts` (retries + 1),
    from which the LangChain drop-in writes it (`chatplex.langchain.convert`)."""
    shown = {str(k).lower(): v for k, v in (headers or {}).items()}
    return {"RequestId": request_id, "HTTPStatusCode": 200, "HTTPHeaders": shown}


_EXTRA_KEYS = ("additionalModelResponseFields", "trace", "performanceConfig", "serviceTier")


def parse_reply(body: bytes, headers: Mapping[str, str] | None, model: str | None) -> AIMessage:
    """The `AIMessage` of a non-stream Converse reply (ValueError for a body that is not
    one: the engine reports it as malformed)."""
    data = reply_data(body, "Converse")
    if "output" not in data and error_shaped(data):
        raise error_from(200, body, headers)
    output = data.get("output")
    message = output.get("message") if isinstance(output, dict) else None
    if not isinstance(message, dict):
        raise ValueError(f"Converse reply has no output.message: {snippet(body)}")
    content, tool_calls = _content(reply_list(message.get("content"), "message's content"))
    meta: dict[str, Any] = {**stop_metadata(data.get("stopReason"))}
    if isinstance(data.get("metrics"), dict):
        meta["metrics"] = _metrics(data["metrics"])
    for key in _EXTRA_KEYS:
        if data.get(key) is not None:
            meta[key] = data[key]
    meta["model_provider"] = PROVIDER
    if model:
        meta["model_name"] = model
    request_id = header_value(headers, REQUEST_ID_HEADER)
    if request_id:
        meta["request_id"] = request_id
    meta["ResponseMetadata"] = response_metadata(headers, request_id)
    usage = reply_field(data.get("usage"), dict, "usage")
    return AIMessage(
        content=content,
        tool_calls=tool_calls,
        usage_metadata=usage_metadata(usage) if isinstance(usage, dict) else None,
        response_metadata=meta,
    )


def _reasoning_block(raw: Mapping[str, Any]) -> dict[str, Any]:
    """langchain-aws's `reasoning_content` block (text and signature, or redacted)."""
    text = raw.get("reasoningText")
    if isinstance(text, dict):
        said = {"text": text.get("text") or "", "signature": text.get("signature") or ""}
        return {"type": "reasoning_content", "reasoning_content": said}
    redacted = {"redacted_content": raw.get("redactedContent")}
    return {"type": "reasoning_content", "reasoning_content": redacted}


def _content(blocks: list[Any]) -> tuple[Any, list[ToolCall]]:
    """langchain-aws's content: a `str` when the reply is one text block, else its
    blocks in order (`text`, `reasoning_content`, `tool_use`...); and the tool calls."""
    out: list[dict[str, Any]] = []
    calls: list[ToolCall] = []
    for block in blocks:
        reply_field(block, dict, "content block")
        if "text" in block:
            out.append({"type": "text", "text": block["text"]})
        elif "reasoningContent" in block:
            out.append(_reasoning_block(block["reasoningContent"]))
        elif "toolUse" in block:
            use: Any = reply_dict(block["toolUse"], "toolUse")
            reply_text(use.get("name"), "toolUse's name")
            args = reply_dict(use.get("input"), "toolUse's input")
            if use.get("type") == SERVER_TOOL_USE:
                out.append(server_tool_call(use, args))
                continue
            out.append(
                {
                    "type": "tool_use",
                    "name": use.get("name"),
                    "input": args,
                    "id": use.get("toolUseId"),
                }
            )
            calls.append(
                {
                    "name": use.get("name"),
                    "args": args,
                    "id": use.get("toolUseId"),
                    "type": "tool_call",
                }
            )
        elif "toolResult" in block:
            result = block["toolResult"]
            out.append(server_tool_result(result, list(result.get("content") or [])))
    if len(out) == 1 and out[0]["type"] == "text":
        return out[0]["text"], calls
    return out, calls


#: The `type` Converse gives a `toolUse` that Bedrock ran itself (botocore's `ToolUseType`).
SERVER_TOOL_USE = "server_tool_use"


def server_tool_call(use: Mapping[str, Any], args: dict[str, Any]) -> dict[str, Any]:
    """LangChain's standard `server_tool_call` block for a server-side `toolUse`."""
    return {
        "type": "server_tool_call",
        "id": use.get("toolUseId"),
        "name": use.get("name"),
        "args": args,
    }


def server_tool_result(result: Mapping[str, Any], output: list[Any]) -> dict[str, Any]:
    """LangChain's standard `server_tool_result` block for a `toolResult` in a reply (only
    server-side tools put one there); Converse's own result `type` is kept in `extras`
    (`block_type`, the key chatplex's Anthropic view uses) so the block can go back."""
    block: dict[str, Any] = {
        "type": "server_tool_result",
        "tool_call_id": result.get("toolUseId"),
        "status": "error" if result.get("status") == "error" else "success",
        "output": output,
    }
    if result.get("type"):
        block["extras"] = {"block_type": result["type"]}
    return block
