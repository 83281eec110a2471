"""watsonx.ai reply side (non-stream): a `/ml/v1/text/chat` reply → `AIMessage`, as
langchain-ibm shapes it (`_create_chat_result`), and the error body's fields.

A reply is `{"id", "model_id", "model", "choices": [{"index", "message": {"role",
"content", "tool_calls"?, "reasoning_content"?}, "finish_reason"}], "created",
"model_version", "created_at", "usage": {"completion_tokens", "prompt_tokens",
"total_tokens"}, "system": {"warnings"}}` (IBM's API reference, "Infer text chat").

- `content`: the first choice's text ("" when none); `id`: the reply's id. With `n > 1`
  the other choices ride in `response_metadata["other_candidates"]`, each with its own
  `finish_reason` and `logprobs`.
- `tool_calls`: the calls, with watsonx's ids, arguments parsed from their JSON text
  (an argument object some models send is taken as it is, and JSON text wrapped in a
  JSON string once is read inside it, as langchain-ibm reads both); a call whose
  arguments cannot be read is an invalid tool call with the reason, where
  langchain-ibm repairs what it can guess and calls the tool with `{}` otherwise.
- `additional_kwargs`: `reasoning_content` / `reasoning` when the model reasons, and a
  legacy `function_call` and an `audio` reply where the message has them; the message's
  `name` is the reply's.
- `response_metadata`: langchain-ibm's `token_usage` (the `usage` object),
  `model_name` (the reply's `model_id`, else the model asked for), `system_fingerprint`
  ("" when absent; a null kept, as there), `finish_reason`, and `logprobs` when the
  choice has them.
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
from ...messages import with_other_candidates

__all__ = [
    "PROVIDER",
    "REASONING_KEYS",
    "call_arguments",
    "error_fields",
    "parse_candidates",
    "parse_reply",
    "usage_metadata",
]

PROVIDER = "ibm"
#: The reasoning fields a message or a delta may carry, kept as langchain-ibm keeps them.
REASONING_KEYS = ("reasoning_content", "reasoning")
#: What a reply's message carries that langchain-ibm keeps in `additional_kwargs`, in
#: its order: a legacy function call and an audio reply beside the reasoning.
KEPT_KEYS = ("function_call", "audio", *REASONING_KEYS)


def parse_reply(body: bytes, model: str | None = None) -> AIMessage:
    """The reply of a non-stream call: its first choice, the others (`n > 1`) in its
    metadata (`parse_candidates`)."""
    return with_other_candidates(parse_candidates(body, model))


def parse_candidates(body: bytes, model: str | None = None) -> list[AIMessage]:
    """Every choice of a reply, in the reply's order, as `AIMessage`s; `APIError` for a
    body that is not a chat reply (retryable only when it is not JSON at all) or that
    says `error`, `MalformedReply` for a reply without choices or a field of the wrong
    type (`adapters/reading.py`: never read as empty). `model`: the model asked for,
    the `model_name` of a reply naming none (langchain-ibm's `model_id`). The reply's
    usage is on the first only: summing the candidates' counts it once."""
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
    head = _reply_metadata(data, model)
    usage = head["token_usage"]
    messages = []
    carried: dict[str, Any] = {}
    for raw in choices:
        choice = reply_dict(raw, "choice")
        carried = _choice_metadata(choice, carried)
        messages.append(_message(choice, data.get("id"), {**head, **carried}))
    messages[0].usage_metadata = usage_metadata(usage) if usage else None
    for other in messages[1:]:
        del other.response_metadata["token_usage"]
    return messages


def _reply_metadata(data: dict[str, Any], model: str | None) -> dict[str, Any]:
    """The reply's own fields as langchain-ibm writes them: `usage` and
    `system_fingerprint` as sent (a null kept), {} and "" where absent; the reply's
    `model_id`, else the model asked for."""
    usage = data.get("usage", {})
    named = data.get("model_id", model)
    fingerprint = data.get("system_fingerprint", "")
    return {
        "token_usage": None if usage is None else reply_dict(usage, "usage"),
        "model_name": reply_text(named, "model_id"),
        "system_fingerprint": reply_text(fingerprint, "system_fingerprint"),
    }


def _choice_metadata(choice: dict[str, Any], before: dict[str, Any]) -> dict[str, Any]:
    """A choice's `finish_reason` and `logprobs`, as langchain-ibm writes them: one
    record for the reply's choices, so a choice without a finish reason (or without
    `logprobs`) shows the previous choice's."""
    finish = reply_text(choice.get("finish_reason"), "finish_reason")
    carried = {**before, "finish_reason": before.get("finish_reason") if finish is None else finish}
    if "logprobs" in choice:
        carried["logprobs"] = choice["logprobs"]
    return carried


def _message(choice: dict[str, Any], reply_id: Any, metadata: dict[str, Any]) -> AIMessage:
    """One choice's message, with the reply's id and `metadata`."""
    message = reply_dict(choice.get("message"), "choice's message")
    extra = {k: message[k] for k in KEPT_KEYS if message.get(k)}
    if "function_call" in extra:
        extra["function_call"] = dict(reply_dict(extra["function_call"], "function_call"))
    parsed, invalid = _read_calls(reply_list(message.get("tool_calls"), "tool_calls"))
    return AIMessage(
        content=reply_text(message.get("content"), "message's content") or "",
        id=reply_text(reply_id, "id"),
        name=reply_text(message.get("name"), "message's name"),
        additional_kwargs=extra,
        response_metadata=metadata,
        tool_calls=parsed,
        invalid_tool_calls=invalid,
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
