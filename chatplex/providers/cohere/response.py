"""Cohere v2 reply side (non-stream): a `/v2/chat` reply → `AIMessage`, as
langchain-cohere shapes it, and the error body's fields.

- `content`: the reply's text; when it calls tools, its `tool_plan` (the text Cohere
  says before calling). A reply with `thinking` content is LangChain's list:
  `[{"type": "reasoning", "id": <reply id>, "summary": [{"text": ...}]}, {"type": "text",
  "text": ...}]`.
- `tool_calls`: the calls, with Cohere's ids; arguments parsed from their JSON text.
- `additional_kwargs` and `response_metadata` (the same dict, as langchain-cohere fills
  both): `id`, `finish_reason` (Cohere's word: `COMPLETE`, `STOP_SEQUENCE`,
  `MAX_TOKENS`, `TOOL_CALL`, `ERROR`, `TIMEOUT`), `tool_plan` and `tool_calls` (the
  OpenAI-shaped calls) when it calls tools, `citations` when there are any,
  `token_count` (`usage.tokens`).
- `usage_metadata`: `usage.tokens` (what the model read and wrote; `billed_units` is
  what is billed, kept in the stream's `token_count` as langchain-cohere keeps it).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ...adapters.bodies import loads
from ...adapters.bodies import snippet
from ...errors import APIError
from ...messages import AIMessage
from ...messages import InvalidToolCall
from ...messages import ToolCall
from ...messages import UsageMetadata

__all__ = [
    "PROVIDER",
    "error_message",
    "parse_reply",
    "tool_call",
    "usage_metadata",
]

PROVIDER = "cohere"


def parse_reply(body: bytes) -> AIMessage:
    """The reply of a non-stream call; raises `APIError` for a body that is not a JSON
    object with a `message`."""
    data = loads(body)
    if not isinstance(data, dict) or not isinstance(data.get("message"), dict):
        raise APIError(  # a cut-off or proxy-mangled body: worth another attempt
            f"response body is not a Cohere chat reply: {snippet(body)}",
            provider=PROVIDER,
            retryable=True,
        )
    message: Mapping[str, Any] = data["message"]
    info: dict[str, Any] = {"id": data.get("id"), "finish_reason": data.get("finish_reason")}
    calls = [
        c for c in message.get("tool_calls") or () if isinstance(c, dict) and c.get("function")
    ]
    if message.get("tool_plan"):
        info["tool_plan"] = message["tool_plan"]
    if calls:
        info["tool_calls"] = [_openai_call(c) for c in calls]
    if message.get("citations"):
        info["citations"] = message["citations"]
    usage = data.get("usage") or {}
    if isinstance(usage.get("tokens"), dict):
        info["token_count"] = dict(usage["tokens"])
    content: Any
    if calls:
        content = message.get("tool_plan") or ""
    else:
        content = _content(message.get("content"), info["id"])
    parsed, invalid = _read_calls(calls)
    return AIMessage(
        content=content,
        additional_kwargs=dict(info),
        response_metadata=info,
        tool_calls=parsed,
        invalid_tool_calls=invalid,
        usage_metadata=usage_metadata(usage.get("tokens")),
    )


def _read_calls(calls: list[dict[str, Any]]) -> tuple[list[ToolCall], list[InvalidToolCall]]:
    """The named calls, parsed; one whose arguments are not JSON is an invalid tool call
    (langchain-cohere's invoke raises json's error there and loses the reply)."""
    parsed: list[ToolCall] = []
    invalid: list[InvalidToolCall] = []
    for call in calls:
        function = call.get("function") or {}
        if not function.get("name"):
            continue
        try:
            parsed.append(tool_call(call))
        except ValueError as exc:
            invalid.append(
                {
                    "name": function["name"],
                    "args": function.get("arguments"),
                    "id": call.get("id"),
                    "error": f"arguments are not JSON: {exc}",
                    "type": "invalid_tool_call",
                }
            )
    return parsed, invalid


def _content(parts: Any, reply_id: Any) -> Any:
    text, thinking = "", ""
    for part in parts or ():
        if not isinstance(part, dict):
            continue
        if part.get("type") == "text":
            text = part.get("text") or ""
        elif part.get("type") == "thinking":
            thinking = part.get("thinking") or ""
    if not thinking:
        return text
    blocks: list[Any] = [
        {"type": "reasoning", "id": reply_id or "", "summary": [{"text": thinking}]}
    ]
    if text:
        blocks.append({"type": "text", "text": text})
    return blocks


def _openai_call(call: Mapping[str, Any]) -> dict[str, Any]:
    function = call.get("function") or {}
    return {
        "id": call.get("id"),
        "type": "function",
        "function": {"name": function.get("name"), "arguments": function.get("arguments")},
    }


def tool_call(call: Mapping[str, Any]) -> ToolCall:
    """A Cohere tool call as LangChain's `ToolCall` (arguments parsed; {} when none)."""
    function = call.get("function") or {}
    arguments = function.get("arguments")
    return {
        "name": str(function.get("name")),
        "args": json.loads(arguments) if arguments else {},
        "id": call.get("id"),
        "type": "tool_call",
    }


def usage_metadata(tokens: Any) -> UsageMetadata | None:
    """`{"input_tokens", "output_tokens"}` counts as LangChain's usage (ints)."""
    if not isinstance(tokens, dict):
        return None
    prompt = int(tokens.get("input_tokens") or 0)
    output = int(tokens.get("output_tokens") or 0)
    return {"input_tokens": prompt, "output_tokens": output, "total_tokens": prompt + output}


def error_message(data: Any) -> str | None:
    """The message of Cohere's error body, `{"id": ..., "message": "..."}`."""
    if not isinstance(data, dict):
        return None
    said = data.get("message")
    return said if isinstance(said, str) and said else None
