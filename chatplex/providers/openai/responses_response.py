"""OpenAI Responses API response side: a Response object → `AIMessage`, and the pieces
the stream parser builds the same message from (blocks per output item, metadata, usage).

The content is a list of blocks in langchain-openai's `output_version="responses/v1"`
shapes, one per output item (one per content part of a `message` item), in output order:

- `{"type": "text", "text", "annotations", "id"}` for `output_text` (`id`: the message
  item's), `{"type": "refusal", "refusal", "id"}` for a refusal;
- `{"type": "function_call", "id", "call_id", "name", "arguments", "status"}`, the call
  also in `tool_calls` (arguments that are not JSON in `invalid_tool_calls`);
- every other item as the API sent it (no null fields): `reasoning` with its `summary`
  list, and the built-in tools' items (`web_search_call`, `file_search_call`,
  `code_interpreter_call`, `mcp_call`, `image_generation_call`...).

`response_metadata` holds langchain-openai's keys (`id`, `model`, `model_name`,
`model_provider` "openai", `status`, `created_at`, `object`, `incomplete_details`,
`service_tier`, `metadata`, `user`) plus chatplex's `provider`, `finish_reason` ("stop",
"tool_calls", or "length" / "content_filter" for an incomplete reply),
`raw_finish_reason` (the status, or the incomplete reason) and `request_id`. The usage
is `usage_metadata` only: no raw `token_usage`, as langchain-openai keeps none there.
A refusal is its block only, as langchain-openai has it (not also in
`additional_kwargs`, which LangChain would read as a second, v0.3-style refusal).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from ...adapters.bodies import reply_object
from ...adapters.bodies import require_reply_key
from ...adapters.headers import header_value
from ...adapters.reading import reply_count
from ...adapters.reading import reply_dict
from ...adapters.reading import reply_field
from ...adapters.reading import reply_list
from ...adapters.reading import reply_text
from ...errors import APIError
from ...messages import AIMessage
from ...messages import AIMessageChunk
from ...messages import InvalidToolCall
from ...messages import ToolCallChunk
from ...messages import UsageMetadata
from .response import payload_error

__all__ = [
    "PROVIDER",
    "failure",
    "item_blocks",
    "message_parts",
    "parse_reply",
    "reply_metadata",
    "tool_call_chunk",
    "usage_metadata",
]

#: The adapter's provider name (budgets, errors, caches); LangChain's `model_provider`
#: stays "openai".
PROVIDER = "openai_responses"
#: Response fields langchain-openai keeps in `response_metadata`.
_META_FIELDS = (
    "created_at",
    "id",
    "incomplete_details",
    "metadata",
    "object",
    "status",
    "user",
    "model",
    "service_tier",
)
_INCOMPLETE = {"max_output_tokens": "length", "content_filter": "content_filter"}


def parse_reply(body: bytes, headers: Mapping[str, str] | None) -> AIMessage:
    """The `AIMessage` of a non-stream reply; `APIError` for an error or failed response."""
    data = reply_object(body, PROVIDER)
    request_id = header_value(headers, "x-request-id")
    if data.get("error") or data.get("status") == "failed":
        raise failure(data, APIError, request_id)
    require_reply_key(data, "output", "Responses API", body)
    return message_of(data, request_id)


def message_of(response: Mapping[str, Any], request_id: str | None) -> AIMessage:
    """The message of a complete Response object (what `response.completed` carries too)."""
    blocks: list[dict[str, Any]] = []
    calls: list[ToolCallChunk] = []
    for item in _items(response):
        for block in item_blocks(item):
            if block["type"] == "function_call":
                calls.append(tool_call_chunk(block, len(blocks)))
            elif block["type"] == "custom_tool_call":
                calls.append(custom_call_chunk(block, len(blocks)))
            blocks.append(block)
    # The same tool-call parsing as a merged stream, so the two always agree...
    message = AIMessageChunk(
        content=blocks,
        id=response.get("id"),
        response_metadata=reply_metadata(response, request_id, bool(calls)),
        tool_call_chunks=calls,
        usage_metadata=usage_metadata(response.get("usage"), response.get("service_tier")),
    ).to_message()
    return _empty_arguments_invalid(message, calls)


#: What `json.loads("")` says: langchain-openai's error for a call without arguments.
_NO_JSON = "Expecting value: line 1 column 1 (char 0)"


def _empty_arguments_invalid(message: AIMessage, calls: list[ToolCallChunk]) -> AIMessage:
    """...but for a finished call whose `arguments` are `""`: langchain-openai parses a
    Response's calls with `json.loads`, so that call is an invalid tool call, where a
    stream's merged chunks (which read `""` as `{}`) have it as a call."""
    empty = {c["id"] for c in calls if c["args"] == "" and c["id"] is not None}
    if not empty:
        return message
    kept = [c for c in message.tool_calls if c["id"] not in empty]
    invalid = [
        InvalidToolCall(
            type="invalid_tool_call", id=c["id"], name=c["name"], args="", error=_NO_JSON
        )
        for c in message.tool_calls
        if c["id"] in empty
    ]
    message.tool_calls = kept
    message.invalid_tool_calls = [*message.invalid_tool_calls, *invalid]
    return message


def _items(response: Mapping[str, Any]) -> list[dict[str, Any]]:
    output = reply_list(response.get("output"), "output")
    return [reply_dict(item, "output item") for item in output]


#: The fields of the openai SDK's `ResponseFunctionToolCall`, in its order.
_SDK_CALL_ORDER = ("arguments", "call_id", "name", "type", "id", "status")


def item_blocks(item: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The content blocks of one output item (several for a message with several parts)."""
    kind = item.get("type")
    if kind == "message":
        return [b for b in (part_block(p, item) for p in message_parts(item)) if b is not None]
    if kind == "function_call":
        block = without_none(dict(item))
        block.setdefault("arguments", "")
        # In the openai SDK's field order, as langchain-openai's block (its dump) and
        # the history it sends back have them.
        return [{k: block[k] for k in _SDK_CALL_ORDER if k in block} | block]
    return [without_none(dict(item))]


def message_parts(item: Mapping[str, Any]) -> list[dict[str, Any]]:
    content = reply_list(item.get("content"), "message item's content")
    return [reply_dict(p, "content part") for p in content]


def part_block(part: Mapping[str, Any], item: Mapping[str, Any]) -> dict[str, Any] | None:
    """One content part of a message item as a block (None for part types not kept)."""
    kind = part.get("type")
    block: dict[str, Any]
    if kind == "output_text":
        block = {
            "type": "text",
            "text": reply_text(part.get("text"), "output_text's text") or "",
            "annotations": [annotation_block(a) for a in part.get("annotations") or ()],
        }
    elif kind == "refusal":
        block = {"type": "refusal", "refusal": reply_text(part.get("refusal"), "refusal") or ""}
    else:
        return None
    if item.get("id"):
        block["id"] = item["id"]
    if item.get("phase") is not None:
        block["phase"] = item["phase"]
    return block


def annotation_block(annotation: Any) -> Any:
    """An annotation as langchain-openai's block holds it."""
    # `index` is the stream-merge key of blocks; langchain-openai renames a file
    # citation's `index` the same way.
    if not isinstance(annotation, dict):
        return annotation
    out = without_none(dict(annotation))
    if out.get("type") == "file_citation" and "index" in out:
        out["file_index"] = out.pop("index")
    return out


def custom_call_chunk(block: Mapping[str, Any], index: int) -> ToolCallChunk:
    """A custom tool's call (its free-form `input`) as langchain-openai reads it: a tool
    call whose one argument is `__arg1`, the input (what its `custom_tool` takes)."""
    return {
        "name": reply_text(block.get("name"), "custom_tool_call's name"),
        "args": json.dumps({"__arg1": block.get("input")}),
        "id": block.get("call_id"),
        "index": index,
    }


def tool_call_chunk(block: Mapping[str, Any], index: int) -> ToolCallChunk:
    return {
        "name": reply_text(block.get("name"), "function_call's name"),
        "args": reply_text(block.get("arguments"), "function_call's arguments") or "",
        "id": block.get("call_id"),
        "index": index,
        "type": "tool_call_chunk",
    }


def without_none(value: Any) -> Any:
    """`value` without None fields, at every depth (as the SDK's `exclude_none` dump)."""
    if isinstance(value, dict):
        return {k: without_none(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [without_none(v) for v in value]
    return value


def reply_metadata(
    response: Mapping[str, Any], request_id: str | None, has_calls: bool
) -> dict[str, Any]:
    meta: dict[str, Any] = {
        k: without_none(response[k]) for k in _META_FIELDS if response.get(k) is not None
    }
    if type(created := meta.get("created_at")) is int:
        # The openai SDK's Response types it a float: langchain-openai's metadata holds
        # (and `print` shows) 1732600000.0.
        meta["created_at"] = float(created)
    meta["provider"] = PROVIDER
    meta["model_provider"] = "openai"
    meta["model_name"] = response.get("model")
    status = response.get("status")
    details = response.get("incomplete_details")
    reason = details.get("reason") if isinstance(details, dict) else None
    if status == "incomplete":
        meta["finish_reason"] = _INCOMPLETE.get(str(reason), str(reason or "incomplete"))
        meta["raw_finish_reason"] = reason or status
    else:
        meta["finish_reason"] = "tool_calls" if has_calls else "stop"
        meta["raw_finish_reason"] = status
    if request_id:
        meta["request_id"] = request_id
    return meta


def usage_metadata(raw: Any, service_tier: Any = None) -> UsageMetadata | None:
    """Usage as langchain-openai reports it for the Responses API: cached input tokens
    as `input_token_details.cache_read`, reasoning as `output_token_details.reasoning`;
    on the `priority` / `flex` tiers (the reply's `service_tier`) those keys prefixed
    with the tier's name and the tier's own tokens counted apart, as for Chat
    Completions."""
    if reply_field(raw, dict, "usage") is None:
        return None
    input_tokens = reply_count(raw.get("input_tokens"), "input_tokens") or 0
    output_tokens = reply_count(raw.get("output_tokens"), "output_tokens") or 0
    total = reply_count(raw.get("total_tokens"), "total_tokens")
    usage: UsageMetadata = {
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "total_tokens": total if total is not None else input_tokens + output_tokens,
    }
    tier = service_tier if service_tier in ("priority", "flex") else None
    prefix = f"{tier}_" if tier else ""
    details = raw.get("input_tokens_details") or {}
    found = {
        prefix + ours: details[theirs]
        for ours, theirs in (
            ("cache_read", "cached_tokens"),
            ("cache_creation", "cache_write_tokens"),
        )
        if isinstance(details, dict) and details.get(theirs) is not None
    }
    details = raw.get("output_tokens_details") or {}
    spent = {}
    if isinstance(details, dict) and details.get("reasoning_tokens") is not None:
        spent[prefix + "reasoning"] = details["reasoning_tokens"]
    if tier:
        found[tier] = input_tokens - (found.get(prefix + "cache_read") or 0)
        spent[tier] = output_tokens - (spent.get(prefix + "reasoning") or 0)
    # Both always there, `{}` when the reply names none, as langchain-openai gives them.
    usage["input_token_details"] = found  # type: ignore[typeddict-item]
    usage["output_token_details"] = spent  # type: ignore[typeddict-item]
    return usage


def failure(data: Mapping[str, Any], cls: type[APIError], request_id: str | None) -> APIError:
    """The typed error of an error payload, a failed Response (`{"status": "failed",
    "error": {...}}`), a `response.failed` event's response or an `error` event."""
    error = data.get("error")
    if not error and data.get("status") == "failed":
        error = {"message": f"response {data.get('id')} failed"}
    payload: dict[str, Any] = {"error": error} if error else dict(data)
    if not error and "message" in data:  # an `error` stream event: the fields at the top
        payload = {"error": {k: data[k] for k in ("message", "code", "type", "param") if k in data}}
    err = payload_error(payload, cls, request_id)
    err.provider = PROVIDER
    if "rate_limit" in f"{err.code} {err.error_type}":
        err.retryable = True  # a mid-stream rate limit passes like one at the start
    return err
