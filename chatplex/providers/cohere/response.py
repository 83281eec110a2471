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

from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from ...adapters.bodies import reply_object
from ...adapters.bodies import snippet
from ...adapters.reading import read_calls
from ...adapters.reading import reply_args
from ...adapters.reading import reply_count
from ...adapters.reading import reply_dict
from ...adapters.reading import reply_field
from ...adapters.reading import reply_list
from ...adapters.reading import reply_text
from ...errors import APIError
from ...messages import AIMessage
from ...messages import InvalidToolCall
from ...messages import ToolCall
from ...messages import UsageMetadata

__all__ = [
    "FAILED_REASONS",
    "PROVIDER",
    "error_message",
    "failed_generation",
    "parse_reply",
    "sdk_counts",
    "tool_call",
    "usage_metadata",
]

PROVIDER = "cohere"


#: The counts the cohere SDK's usage models type as floats (`UsageTokens`,
#: `UsageBilledUnits`): what langchain-cohere's `token_count` holds and prints (8.0).
_FLOAT_COUNTS = frozenset({"input_tokens", "output_tokens"})


def sdk_counts(tokens: Mapping[str, Any]) -> dict[str, Any]:
    """A usage record's counts as the cohere SDK's model holds them: its declared
    counts as floats, any other field as sent.

    >>> sdk_counts({"input_tokens": 8, "output_tokens": 6, "extra": 1})
    {'input_tokens': 8.0, 'output_tokens': 6.0, 'extra': 1}
    """
    return {k: float(v) if k in _FLOAT_COUNTS and type(v) is int else v for k, v in tokens.items()}


def parse_reply(body: bytes, documents: Sequence[Any] | None = None) -> AIMessage:
    """The reply of a non-stream call; raises `APIError` for a body that is not a JSON
    object with a `message` (retryable only when it is not JSON at all), `MalformedReply`
    for a field of the wrong type (`adapters/reading.py`: never read as empty), and
    `APIError` for a failed generation (`failed_generation`)."""
    data = reply_object(body, PROVIDER)  # (not JSON: retryable, the decoder's error its cause)
    if not isinstance(data.get("message"), dict):
        raise APIError(
            f"response body is not a Cohere chat reply: {snippet(body)}", provider=PROVIDER
        )
    message: Mapping[str, Any] = data["message"]
    info: dict[str, Any] = {"id": data.get("id"), "finish_reason": data.get("finish_reason")}
    failed = failed_generation(info["finish_reason"], data.get("error"))
    if failed is not None:
        raise APIError(failed, provider=PROVIDER, error_type="generation_error", body=data)
    if documents:  # the call's, as langchain-cohere's generation info repeats them
        info["documents"] = list(documents)
    calls = [c for c in _calls(message.get("tool_calls")) if c.get("function")]
    tool_plan = reply_text(message.get("tool_plan"), "message's tool_plan")
    if tool_plan:
        info["tool_plan"] = tool_plan
    if calls:
        info["tool_calls"] = [_openai_call(c) for c in calls]
    if message.get("citations"):
        info["citations"] = message["citations"]
    usage = reply_dict(data.get("usage"), "usage")
    tokens = reply_field(usage.get("tokens"), dict, "usage's tokens")
    if tokens is not None:
        info["token_count"] = sdk_counts(tokens)
    content: Any = (tool_plan or "") if calls else _content(message.get("content"), info["id"])
    parsed, invalid = _read_calls(calls)
    return AIMessage(
        content=content,
        additional_kwargs=dict(info),
        response_metadata=info,
        tool_calls=parsed,
        invalid_tool_calls=invalid,
        usage_metadata=usage_metadata(tokens),
    )


#: Cohere's finish reasons of a generation that failed (`ERROR`; `ERROR_LIMIT` of its
#: stream-end type): its reply is an error, not a normal answer. `ERROR_TOXIC` (the
#: filter stopped the reply) is a reply, as langchain-cohere returns it (invoke and
#: stream), its finish reason saying why it stopped.
FAILED_REASONS = frozenset({"ERROR", "ERROR_LIMIT"})


def failed_generation(finish_reason: Any, error: Any) -> str | None:
    """What a failed generation's error says (Cohere's `error` text, else its finish
    reason), or None for a generation that ended normally.

    >>> failed_generation("ERROR", "model crashed"), failed_generation("COMPLETE", None)
    ('the generation failed (ERROR): model crashed', None)
    """
    said = reply_text(error, "error")
    if finish_reason not in FAILED_REASONS and not said:
        return None
    reason = finish_reason if isinstance(finish_reason, str) else "ERROR"
    return f"the generation failed ({reason})" + (f": {said}" if said else "")


def _calls(raw: Any) -> list[dict[str, Any]]:
    """A reply's `tool_calls`: a list of call objects, else `MalformedReply`."""
    calls = reply_list(raw, "message's tool_calls")
    for call in calls:
        reply_field(call, dict, "tool call")
        reply_field(call.get("function"), dict, "tool call's function")
    return calls


def _read_calls(calls: list[dict[str, Any]]) -> tuple[list[ToolCall], list[InvalidToolCall]]:
    """The calls, parsed as the OpenAI wire parses its calls (`reading.reply_args`): one
    whose arguments are not a JSON object, or nested too deep to read, is an invalid tool
    call with the reason (langchain-cohere's invoke raises json's error there and loses
    the reply); one without a name is invalid too, never dropped."""
    return read_calls(
        (
            reply_text(call["function"].get("name"), "tool call's name"),
            call.get("id"),
            call["function"].get("arguments"),
        )
        for call in calls
    )


def _content(parts: Any, reply_id: Any) -> Any:
    text, thinking = "", ""
    for part in reply_list(parts, "message's content"):
        reply_field(part, dict, "message's content part")
        if part.get("type") == "text":
            text = reply_text(part.get("text"), "content part's text") or ""
        elif part.get("type") == "thinking":
            thinking = reply_text(part.get("thinking"), "content part's thinking") or ""
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
    """A Cohere tool call as LangChain's `ToolCall` (arguments parsed; {} when none);
    ValueError for arguments that are not a JSON object."""
    function = reply_dict(call.get("function"), "tool call's function")
    args, error = reply_args(function.get("arguments"))
    if error is not None:
        raise ValueError(error)
    return {
        "name": str(function.get("name")),
        "args": args,
        "id": call.get("id"),
        "type": "tool_call",
    }


def usage_metadata(tokens: Any) -> UsageMetadata | None:
    """`{"input_tokens", "output_tokens"}` counts as LangChain's usage (ints);
    `MalformedReply` for counts that are not."""
    tokens = reply_field(tokens, dict, "usage's tokens")
    if tokens is None:
        return None
    prompt = reply_count(tokens.get("input_tokens"), "usage's input_tokens") or 0
    output = reply_count(tokens.get("output_tokens"), "usage's output_tokens") or 0
    return {"input_tokens": prompt, "output_tokens": output, "total_tokens": prompt + output}


def error_message(data: Any) -> str | None:
    """The message of Cohere's error body, `{"id": ..., "message": "..."}`."""
    if not isinstance(data, dict):
        return None
    said = data.get("message")
    return said if isinstance(said, str) and said else None
