"""The Anthropic Messages API's replies, read: what the non-stream parser and the stream
parser share (finish reasons, metadata in LangChain's ChatAnthropic shape, usage with
cached tokens, content blocks). Pure functions, no I/O; `anthropic.py` documents the
behaviour they implement."""

from __future__ import annotations

import contextlib
import datetime
from collections.abc import Mapping
from typing import Any
from typing import cast

from ...adapters.reading import reply_count
from ...adapters.reading import reply_dict
from ...adapters.reading import reply_list
from ...adapters.reading import reply_text
from ...adapters.sharing import shared
from ...adapters.sharing import shared_keys
from ...adapters.sharing import shared_template
from ...messages import AIMessage
from ...messages import Content
from ...messages import LazyMetadata
from ...messages import LazyValue
from ...messages import ToolCall
from ...messages import UsageMetadata
from ...messages import messages_api_blocks

_PROVIDER = "anthropic"

_FINISH_REASONS = {
    "end_turn": "stop",
    "stop_sequence": "stop",
    "max_tokens": "length",
    "tool_use": "tool_calls",
    "refusal": "content_filter",
}
#: Error types of an `event: error` that a fresh request may not hit again.
_RETRYABLE_STREAM_ERRORS = frozenset({"overloaded_error", "api_error", "rate_limit_error"})

_Block = dict[str, Any]

# -- response helpers ------------------------------------------------------------------


#: Top-level fields of a reply that have a place of their own (or none, for `type`).
_MESSAGE_FIELDS = frozenset(
    {"content", "role", "type", "id", "model", "usage", "stop_reason", "stop_sequence"}
)


def _start_metadata(message: Mapping[str, Any]) -> dict[str, Any]:
    """The reply's metadata as LangChain's ChatAnthropic has it (`model`, `model_name`,
    `model_provider`, `usage`: the raw usage dict, plus any top-level field chatplex does
    not model, such as `container`), with chatplex's `provider`."""
    meta: dict[str, Any] = {
        "provider": _PROVIDER,
        "model_provider": _PROVIDER,
        "model": message.get("model"),
        "model_name": message.get("model"),
        "id": message.get("id"),
    }
    usage = message.get("usage")
    if isinstance(usage, dict):
        meta["usage"] = dict(usage)
    for key, value in message.items():
        if key not in _MESSAGE_FIELDS and value is not None:
            meta[key] = sdk_container(value, whole=True) if key == "container" else value
    return meta


def sdk_container(container: Any, *, whole: bool = False) -> Any:
    """A reply's `container` as langchain-anthropic gives the SDK's model of it: its
    `skills` None when left out, its `expires_at` read as the SDK's datetime (a string
    it cannot read as given), then written as `isoformat()` for a whole reply (`whole`:
    "+00:00" for UTC) or as its JSON dump for a stream's ("Z" for UTC).

    >>> sdk_container({"id": "c", "expires_at": "2026-12-01T00:00:00.25Z"}, whole=True)
    {'id': 'c', 'expires_at': '2026-12-01T00:00:00.250000+00:00', 'skills': None}
    >>> sdk_container({"id": "c", "expires_at": "2026-12-01T00:00:00.25+00:00"})
    {'id': 'c', 'expires_at': '2026-12-01T00:00:00.250000Z', 'skills': None}
    """
    if not isinstance(container, dict):
        return container
    dumped = {**container}
    dumped.setdefault("skills", None)
    expires = dumped.get("expires_at")
    if isinstance(expires, str):
        with contextlib.suppress(ValueError):
            when = datetime.datetime.fromisoformat(expires)
            written = when.isoformat()
            if not whole and when.utcoffset() == datetime.timedelta(0):
                written = written.removesuffix("+00:00") + "Z"  # (pydantic's JSON form)
            dumped["expires_at"] = written
    return dumped


def _lazy_reply_metadata(
    data: Mapping[str, Any], usage: Any
) -> tuple[LazyMetadata, LazyValue | None] | None:
    """A non-stream reply's metadata and usage, unbuilt (see `LazyMetadata`): the same
    keys, order and values as `_start_metadata` + `_stop_metadata` on first read. What
    every reply of a model that stopped the same way shares (provider, model, the stop
    fields) is one dict; the reply's own entries are its id and raw usage. None for a
    reply with a top-level field chatplex does not model (`container`...) or a usage that
    is not an object: those are built at once, as before."""
    if usage is not None and type(usage) is not dict:
        return None
    if usage:
        check_counts(usage)  # refused now, not when the lazy usage is first read
    if any(key not in _MESSAGE_FIELDS and value is not None for key, value in data.items()):
        return None
    reason, model = shared(data.get("stop_reason")), shared(data.get("model"))
    head: dict[str, Any] = {
        "provider": _PROVIDER,
        "model_provider": _PROVIDER,
        "model": model,
        "model_name": model,
        "id": None,
    }
    if usage is None:
        keys: tuple[str, ...] = _OWN_ID
        values: tuple[Any, ...] = (data.get("id"),)
        usage_value = None
    else:
        head["usage"] = None
        raw_usage = shared_keys(sdk_usage(usage))
        keys, values = _OWN_ID_USAGE, (data.get("id"), raw_usage)
        # Built on first read from the reply's copy of the raw usage (the metadata's copy
        # is built apart, so the user's edits there never reach it).
        usage_value = LazyValue(_usage, raw_usage) if usage else None
    head.update(_stop_metadata(reason, shared(data.get("stop_sequence"))))
    head.update(dict.fromkeys(SDK_MESSAGE_FIELDS))  # what the SDK's model shows as None
    return LazyMetadata(shared_template(head), keys, values), usage_value


#: Fields of the anthropic SDK's `Message` and `Usage` models a reply may leave out:
#: langchain-anthropic's metadata (the SDK's model dumped) shows them as None.
SDK_MESSAGE_FIELDS = ("container", "diagnostics", "stop_details")
SDK_USAGE_FIELDS = (
    "cache_creation",
    "cache_creation_input_tokens",
    "cache_read_input_tokens",
    "inference_geo",
    "output_tokens_details",
    "server_tool_use",
    "service_tier",
    "speed",
)


#: Fields of the SDK's `ServerToolUsage` (a usage's `server_tool_use`), None when left out.
SDK_SERVER_TOOL_USAGE_FIELDS = ("web_fetch_requests", "web_search_requests")


def sdk_usage(raw: Mapping[str, Any]) -> dict[str, Any]:
    """A reply's usage as langchain-anthropic's metadata has it (`Usage.model_dump()`)."""
    usage = {**dict.fromkeys(SDK_USAGE_FIELDS), **raw}
    server = usage.get("server_tool_use")
    if isinstance(server, dict):
        usage["server_tool_use"] = {**dict.fromkeys(SDK_SERVER_TOOL_USAGE_FIELDS), **server}
    return usage


_OWN_ID = ("id",)
_OWN_ID_USAGE = ("id", "usage")


def _stop_metadata(reason: str | None, stop_sequence: str | None) -> dict[str, Any]:
    finish = _FINISH_REASONS.get(reason, reason) if reason is not None else None
    return {
        "finish_reason": finish,
        "raw_finish_reason": reason,
        "stop_reason": reason,
        "stop_sequence": stop_sequence,
    }


def _with_toolset(block: _Block) -> _Block:
    """A tool_use block with its `toolset_name` (None unless an MCP toolset's), a field
    the SDK's ToolUseBlock always has, so langchain-anthropic's content always shows it."""
    return block if "toolset_name" in block else {**block, "toolset_name": None}


def _thinking(block: Mapping[str, Any]) -> _Block:
    thinking = reply_text(block.get("thinking"), "thinking block's thinking") or ""
    signature = reply_text(block.get("signature"), "thinking block's signature") or ""
    return {"type": "thinking", "thinking": thinking, "signature": signature}


def _parse_content(raw: Any) -> tuple[Content, list[ToolCall]]:
    """Content blocks → (str when the one block is uncited text, else every block in
    order, as langchain-anthropic's content: several text blocks stay apart, an empty
    one is kept; tool calls). Read by the kit's rule (`adapters/reading.py`): a block,
    text, name or input of the wrong type is `MalformedReply`, never skipped or read as
    empty."""
    blocks: list[_Block] = []
    tool_calls: list[ToolCall] = []
    listed = reply_list(raw, "content")
    if not listed:
        return [], tool_calls  # no block at all: langchain-anthropic's content is `[]`
    only_text = len(listed) == 1
    for block in listed:
        kind = reply_dict(block, "content block").get("type")
        if kind == "text":
            text = reply_text(block.get("text"), "text block's text")
            citations = block.get("citations")
            if isinstance(citations, list):
                only_text = False
                cited = [_citation(c) for c in citations]
                blocks.append({"type": "text", "text": text or "", "citations": cited})
                continue
            blocks.append({"type": "text", "text": text or ""})
        elif kind == "tool_use":
            # Kept in content too, where LangChain keeps it (with the text around it).
            only_text = False
            blocks.append(_with_toolset(block))
            name = reply_text(block.get("name"), "tool_use block's name") or ""
            args = reply_dict(block.get("input"), "tool_use block's input")
            tool_calls.append(
                {"name": name, "args": args, "id": block.get("id"), "type": "tool_call"}
            )
        elif kind == "thinking":
            only_text = False
            blocks.append(_thinking(block))
        else:
            only_text = False
            blocks.append(sdk_result(block))
    if only_text:
        return (blocks[0]["text"] if blocks else ""), tool_calls
    return [_in_sdk_order(b) for b in blocks], tool_calls


#: The field order of the SDK's block models, which langchain-anthropic's content shows
#: (`Message.model_dump()`): a printed reply lists a block's keys in it.
SDK_BLOCK_FIELDS = {
    "text": ("citations", "text", "type"),
    "tool_use": ("id", "caller", "input", "name", "type", "toolset_name"),
    "thinking": ("signature", "thinking", "type"),
}


#: The fields of the SDK's citation models, in their order, by type; those it fills
#: with None when the API leaves them out (`Optional[...] = None`) in `_CITATION_NULLS`.
_CITATION_FIELDS = {
    "char_location": (
        "cited_text",
        "document_index",
        "document_title",
        "end_char_index",
        "file_id",
        "start_char_index",
        "type",
    ),
    "page_location": (
        "cited_text",
        "document_index",
        "document_title",
        "end_page_number",
        "file_id",
        "start_page_number",
        "type",
    ),
    "content_block_location": (
        "cited_text",
        "document_index",
        "document_title",
        "end_block_index",
        "file_id",
        "start_block_index",
        "type",
    ),
    "web_search_result_location": ("cited_text", "encrypted_index", "title", "type", "url"),
    "search_result_location": (
        "cited_text",
        "end_block_index",
        "search_result_index",
        "source",
        "start_block_index",
        "title",
        "type",
    ),
}
_CITATION_NULLS = frozenset({"document_title", "file_id", "title"})


def _citation(citation: Any) -> Any:
    """A citation as the SDK's model dumps it (langchain-anthropic's content): its
    fields in order, those the API left out that the model fills with None as None,
    any other key after them; a citation of a type the SDK does not know, as sent."""
    kind = citation.get("type") if isinstance(citation, dict) else None
    fields = _CITATION_FIELDS.get(kind) if isinstance(kind, str) else None
    if fields is None:
        return citation
    return _in_order(citation, fields, _CITATION_NULLS)


def sdk_result(block: _Block) -> _Block:
    """A server tool's result as the SDK's model dumps it: an MCP server's text blocks
    with their `citations`, None where the API left them out."""
    content = block.get("content")
    if block.get("type") != "mcp_tool_result" or not isinstance(content, list):
        return block
    texts = [
        _in_order(item, SDK_BLOCK_FIELDS["text"], frozenset({"citations"}))
        if isinstance(item, dict) and item.get("type") == "text"
        else item
        for item in content
    ]
    return {**block, "content": texts}


def _in_sdk_order(block: _Block) -> _Block:
    """`block` with its keys in the SDK model's field order (others after them)."""
    kind = block.get("type")
    order = SDK_BLOCK_FIELDS.get(kind) if isinstance(kind, str) else None
    return block if order is None else _in_order(block, order)


def _in_order(
    value: dict[str, Any], order: tuple[str, ...], nulls: frozenset[str] = frozenset()
) -> dict[str, Any]:
    """`value`'s keys in `order`, any other after them; those of `nulls` it lacks as None."""
    return {**{k: value.get(k) for k in order if k in value or k in nulls}, **value}


_COUNTS = (
    "input_tokens",
    "output_tokens",
    "cache_read_input_tokens",
    "cache_creation_input_tokens",
)


def check_counts(raw: Mapping[str, Any]) -> None:
    """`MalformedReply` for a token count of a reply's usage that is not one."""
    for key in _COUNTS:
        reply_count(raw.get(key), key)


def _usage(raw: Mapping[str, Any]) -> UsageMetadata:
    cache_read = reply_count(raw.get("cache_read_input_tokens"), "cache_read_input_tokens")
    cache_creation = reply_count(
        raw.get("cache_creation_input_tokens"), "cache_creation_input_tokens"
    )
    prompt = reply_count(raw.get("input_tokens"), "input_tokens") or 0
    details = {"cache_read": cache_read, "cache_creation": cache_creation}
    by_ttl = _cache_creation_by_ttl(raw.get("cache_creation"))
    details.update(by_ttl)
    written = sum(v or 0 for v in by_ttl.values())
    if written:  # the TTLs' counts stand for the creation count, as langchain-anthropic's
        details["cache_creation"] = 0
    input_tokens = prompt + (cache_read or 0) + (written or cache_creation or 0)
    output_tokens = reply_count(raw.get("output_tokens"), "output_tokens") or 0
    usage: UsageMetadata = {
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "total_tokens": input_tokens + output_tokens,
    }
    # Always there, as langchain-anthropic has it ({} when no cache counts were sent).
    usage["input_token_details"] = {k: v for k, v in details.items() if v is not None}  # type: ignore[typeddict-item]
    out_details = raw.get("output_tokens_details")
    if isinstance(out_details, dict) and out_details.get("thinking_tokens") is not None:
        usage["output_token_details"] = {"reasoning": out_details["thinking_tokens"]}
    return usage


#: The cache writes a usage's `cache_creation` object counts by time to live.
_CACHE_TTLS = ("ephemeral_5m_input_tokens", "ephemeral_1h_input_tokens")


def _cache_creation_by_ttl(raw: Any) -> dict[str, int | None]:
    """The usage's `cache_creation` counts by TTL, each an input detail of its own as
    langchain-anthropic reports them ({} when the usage has no such object)."""
    if not isinstance(raw, dict) or not raw:
        return {}
    return {key: reply_count(raw.get(key), key) for key in _CACHE_TTLS}


def _usage_diff(total: UsageMetadata, before: UsageMetadata | None) -> UsageMetadata:
    """What to emit so that the sum of emitted usage becomes `total`."""
    if before is None:
        return total
    diff: UsageMetadata = {
        "input_tokens": total["input_tokens"] - before["input_tokens"],
        "output_tokens": total["output_tokens"] - before["output_tokens"],
        "total_tokens": total["total_tokens"] - before["total_tokens"],
    }
    for key in ("input_token_details", "output_token_details"):
        new = cast("dict[str, int] | None", total.get(key))
        if new:
            old = cast("dict[str, int]", before.get(key) or {})
            diff[key] = {k: v - old.get(k, 0) for k, v in new.items()}  # type: ignore[typeddict-item]
    return diff


def _str_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _snippet(body: bytes, limit: int = 500) -> str:
    """Body text for messages: whitespace collapsed (HTML proxy pages), cut at `limit`."""
    text = " ".join(body[: limit * 4].decode("utf-8", "replace").split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def reply_blocks(message: AIMessage) -> list[dict[str, Any]]:
    """`content_blocks` of a reply whose `model_provider` is "anthropic" (its spec's
    `ProviderSpec.blocks`): LangChain's Anthropic translator's reading,
    `messages.messages_api_blocks`."""
    return messages_api_blocks(message)
