"""watsonx.ai reply side (non-stream): a `/ml/v1/text/chat` reply → `AIMessage`, as
langchain-ibm shapes it (`_create_chat_result`), and the error body's fields.

A reply is `{"id", "model_id", "model", "choices": [{"index", "message": {"role",
"content", "tool_calls"?, "reasoning_content"?}, "finish_reason"}], "created",
"model_version", "created_at", "usage": {"completion_tokens", "prompt_tokens",
"total_tokens"}, "system": {"warnings"}}` (IBM's API reference, "Infer text chat").

- `content`: the first choice's text ("" when none); `id`: the reply's id.
- `tool_calls`: the calls, with watsonx's ids, arguments parsed from their JSON text
  (an argument object some models send is taken as it is, and JSON text wrapped in a
  JSON string once is read inside it, as langchain-ibm reads both); a call whose
  arguments cannot be read is an invalid tool call with the reason, where
  langchain-ibm repairs what it can guess and calls the tool with `{}` otherwise.
- `additional_kwargs`: `reasoning_content` / `reasoning` when the model reasons.
- `response_metadata`: langchain-ibm's `token_usage` (the `usage` object),
  `model_name` (the reply's `model_id`), `system_fingerprint` ("" when none, as
  there), `finish_reason`, and `logprobs` when the choice has them.
- `usage_metadata`: `prompt_tokens`, `completion_tokens` and `total_tokens`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...adapters.bodies import reply_object
from ...adapters.bodies import snippet
from ...adapters.jsontext import loads_text
from ...adapters.reading import MalformedReply
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
    "PROVIDER",
    "REASONING_KEYS",
    "call_arguments",
    "error_fields",
    "parse_reply",
    "usage_metadata",
]

PROVIDER = "ibm"
#: The reasoning fields a message or a delta may carry, kept as langchain-ibm keeps them.
REASONING_KEYS = ("reasoning_content", "reasoning")


def parse_reply(body: bytes) -> AIMessage:
    """The reply of a non-stream call; `APIError` for a body that is not a chat reply
    (retryable only when it is not JSON at all) or that says `error`, `MalformedReply`
    for a reply without choices or a field of the wrong type (`adapters/reading.py`:
    never read as empty)."""
    data = reply_object(body, PROVIDER)
    if data.get("error"):
        raise APIError(
            f"response body is not a watsonx.ai chat reply: {snippet(body)}",
            provider=PROVIDER,
            body=data,
        )
    choices = reply_list(data.get("choices"), "choices")
    if not choices:
        # The malformed reply it is (status, request id, its start), as every wire's.
        raise MalformedReply(
            f"the reply has no choices: not a watsonx.ai chat reply: {snippet(body)}"
        )
    choice = reply_dict(choices[0], "choice")
    message = reply_dict(choice.get("message"), "choice's message")
    reply_id = reply_text(data.get("id"), "id")
    extra = {k: message[k] for k in REASONING_KEYS if message.get(k)}
    usage = reply_dict(data.get("usage"), "usage")
    metadata: dict[str, Any] = {
        "token_usage": usage,
        "model_name": reply_text(data.get("model_id"), "model_id"),
        "system_fingerprint": reply_text(data.get("system_fingerprint"), "fingerprint") or "",
        "finish_reason": reply_text(choice.get("finish_reason"), "finish_reason"),
    }
    if "logprobs" in choice:
        metadata["logprobs"] = choice["logprobs"]
    parsed, invalid = _read_calls(reply_list(message.get("tool_calls"), "tool_calls"))
    return AIMessage(
        content=reply_text(message.get("content"), "message's content") or "",
        id=reply_id,
        additional_kwargs=extra,
        response_metadata=metadata,
        tool_calls=parsed,
        invalid_tool_calls=invalid,
        usage_metadata=usage_metadata(usage) if usage else None,
    )


def call_arguments(raw: Any) -> tuple[dict[str, Any], str | None]:
    """A call's arguments: (the object, None), or ({}, why they cannot be read). JSON
    text (`reading.reply_args`), an object as it is, or JSON text inside a JSON string.

    >>> call_arguments('{"city": "Paris"}'), call_arguments({"city": "Paris"})
    (({'city': 'Paris'}, None), ({'city': 'Paris'}, None))
    >>> call_arguments('"{\\\\"city\\\\": \\\\"Paris\\\\"}"')
    ({'city': 'Paris'}, None)
    """
    if isinstance(raw, dict):
        return raw, None
    args, error = reply_args(raw)
    if error is not None and isinstance(raw, str) and raw.lstrip().startswith('"'):
        try:
            inner = loads_text(raw)
        except (ValueError, RecursionError):
            return args, error
        if isinstance(inner, str):
            again, inner_error = reply_args(inner)
            if inner_error is None:
                return again, None
    return args, error


def _read_calls(calls: list[Any]) -> tuple[list[ToolCall], list[InvalidToolCall]]:
    return read_calls((_call_fields(call) for call in calls), call_arguments)


def _call_fields(call: Any) -> tuple[str | None, str | None, Any]:
    """(name, id, raw arguments) of one call, its fields' types checked."""
    reply_field(call, dict, "tool call")
    function = reply_dict(call.get("function"), "tool call's function")
    name = reply_text(function.get("name"), "tool call's name")
    return name, reply_text(call.get("id"), "tool call's id"), function.get("arguments")


def usage_metadata(usage: Mapping[str, Any]) -> UsageMetadata:
    """The chat API's counts as LangChain's usage; `MalformedReply` for counts that are
    not ints."""
    prompt = reply_count(usage.get("prompt_tokens"), "usage's prompt_tokens") or 0
    output = reply_count(usage.get("completion_tokens"), "usage's completion_tokens") or 0
    total = reply_count(usage.get("total_tokens"), "usage's total_tokens")
    return {
        "input_tokens": prompt,
        "output_tokens": output,
        "total_tokens": prompt + output if total is None else total,
    }


def error_fields(data: Any) -> tuple[str | None, str | None, str | None]:
    """(message, code, trace) of watsonx.ai's error body, `{"errors": [{"code",
    "message", "more_info"}], "trace", "status_code"}`; Nones for what is missing.

    >>> error_fields({"errors": [{"code": "model_not_supported", "message": "No such model"}],
    ...               "trace": "7d4c", "status_code": 404})
    ('No such model', 'model_not_supported', '7d4c')
    """
    if not isinstance(data, dict):
        return None, None, None
    errors = data.get("errors")
    first = errors[0] if isinstance(errors, list) and errors else None
    message = code = None
    if isinstance(first, dict):
        said, named = first.get("message"), first.get("code")
        message = said if isinstance(said, str) and said else None
        code = named if isinstance(named, str) and named else None
    if message is None:  # a gateway or IAM-style body
        said = data.get("errorMessage") or data.get("message") or data.get("error")
        message = said if isinstance(said, str) and said else None
    trace = data.get("trace")
    return message, code, trace if isinstance(trace, str) and trace else None
