"""Anthropic Messages API adapter (`POST {base_url}/v1/messages`): pure translation, no I/O.

- `max_tokens` is required by the API: calls that do not set it send `default_max_tokens`
  (4096 unless configured).
- `usage_metadata["input_tokens"]` = `input_tokens` + `cache_read_input_tokens` +
  `cache_creation_input_tokens`. Anthropic counts cached tokens apart, OpenAI's
  `prompt_tokens` includes them: the sum keeps totals comparable across providers. The
  cached share is in `input_token_details`.
- `tool_use` blocks become `tool_calls`, outside `content`; thinking, redacted thinking and
  server-tool blocks stay in `content`, and AIMessage content is sent back as it is (the
  API needs thinking blocks back with tool results).
- Streams report usage on the closing chunk, where LangChain's ChatAnthropic puts it:
  `message_start`'s (provisional) usage is held, and the `message_delta` chunk carries the
  reply's usage (`message_start`'s counts updated by `message_delta`'s cumulative ones), with
  that raw usage in `response_metadata["usage"]`; a stream that reported none by
  `message_stop` gets one chunk `AIMessageChunk(content="", usage_metadata=...)` there.
  Merged chunks' usage is summed, so a later `message_delta` reports the difference. The
  merged stream equals `parse_response` of the same reply.
- A stream that ends without `message_stop` raises `StreamError` in `finish()`, unless a
  `message_delta` with a `stop_reason` came: the reply is complete then, and only the
  closing event, which carries no data, is missing.
- Citations are kept: a text block that has a `citations` list stays a block
  `{"type": "text", "text": ..., "citations": [...]}` in list content (other text blocks
  still join into plain text around it; `.text` is all the text). In streams, a text block
  whose start declares `citations` (as the API does) arrives as blocks carrying its
  `index`, and each `citations_delta` adds one citation, so the merged stream equals the
  non-stream reply. A block not declared at its start switches to block pieces at its
  first citation; text it streamed before that stays plain text. Cited blocks are sent
  back as they are (the API takes `citations` on assistant text blocks).

>>> from chatplex.messages import HumanMessage
>>> adapter = AnthropicAdapter(api_key="sk-ant-...")
>>> request = adapter.build_request(
...     [HumanMessage("Hi")], CallSettings(model="claude-haiku-4-5"), stream=False
... )
>>> request.url, request.json["max_tokens"]
('https://api.anthropic.com/v1/messages', 4096)
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping, Sequence
from typing import Any, cast

from ..errors import APIError, StreamError, status_error
from ..messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    Content,
    LazyMetadata,
    LazyValue,
    ToolCall,
    UsageMetadata,
    text_chunk,
)
from ..secret import Secret, redact_url
from ._anthropic_request import to_wire_messages, wire_tool_choice, wire_tools
from ._json import loads_text
from ._openai_response import shared, shared_keys, shared_template
from ._validate import BlockTypes, check_messages
from .base import (
    BaseURL,
    CallSettings,
    HTTPRequest,
    SSEEvent,
    as_secret,
    detail_message,
    environment_key,
    header_value,
    hold_secrets,
    key_digest,
    reveal,
    secret_header_names,
    take_base_url,
    withheld_key_note,
)

__all__ = ["BLOCK_TYPES", "DEFAULT_BASE_URL", "AnthropicAdapter", "AnthropicStreamParser"]

DEFAULT_BASE_URL = "https://api.anthropic.com"
_ANTHROPIC_HOST = "api.anthropic.com"
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

#: Content blocks this adapter sends: the Messages API's (server-tool results, a growing
#: family, by their `_tool_result` suffix), OpenAI-style `image_url` (converted) and
#: `reasoning` (dropped from assistant turns). Others are refused before any request
#: (`extra_block_types=` declares more).
BLOCK_TYPES = BlockTypes(
    frozenset(
        {"text", "image", "document", "search_result", "tool_use", "tool_result"}
        | {"thinking", "redacted_thinking", "server_tool_use", "mcp_tool_use"}
        | {"container_upload", "image_url", "reasoning"}
    ),
    suffixes=("_tool_result",),
)


class AnthropicAdapter:
    """The Anthropic Messages API.

    >>> adapter = AnthropicAdapter(api_key="sk-ant-...", default_max_tokens=1024)
    >>> adapter
    AnthropicAdapter(base_url='https://api.anthropic.com', anthropic_version='2023-06-01')

    The key comes from `api_key=` or `ANTHROPIC_API_KEY`, the base URL from `base_url=`,
    `ANTHROPIC_BASE_URL` or the public API. A missing key is an error at construction,
    except for a non-public base URL (a local mock or proxy), where no key header is sent.

    `ANTHROPIC_API_KEY` goes only to api.anthropic.com and to a base URL that comes from
    the environment too (`ANTHROPIC_BASE_URL`); a `base_url=` written in code for another
    server gets no environment key, only an explicit `api_key=` (`base.environment_key`:
    the same policy as every provider's).

    Credentials in the base URL are taken out of it here and kept as `Secret`s
    (`base.BaseURL`): a query credential (`?key=`, `?code=`, `?sig=`...) is sent with each
    request and shown masked everywhere else (`base_url` included); user info
    (`https://user:password@host`) is sent as `Authorization: Basic ...` (a gateway's
    login; the key still goes in `x-api-key`).
    """

    provider: str = _PROVIDER

    def __init__(
        self,
        *,
        api_key: str | Secret | None = None,
        base_url: str | None = None,
        anthropic_version: str = "2023-06-01",
        default_headers: Mapping[str, str] | None = None,
        default_max_tokens: int = 4096,
        secret_headers: Sequence[str] = (),
        extra_block_types: Sequence[str] = (),
    ) -> None:
        # The arguments are rebound first, so that no local of this frame (what a
        # traceback rendered with locals shows) holds a key or a credential in clear.
        api_key = as_secret(api_key)
        given = base_url is not None
        parts = take_base_url(base_url, "ANTHROPIC_BASE_URL", DEFAULT_BASE_URL)
        base_url = parts.shown
        where = BaseURL.parse(parts, "/v1/messages")
        self._url, self._secret_url = where.url, where.secret_url
        #: The base URL, credentials in its query masked (`secret_base_url`: to send).
        self.base_url = where.base_url
        self.secret_base_url = where.secret_base_url
        if api_key is None:
            api_key = environment_key(
                "ANTHROPIC_API_KEY",
                base_url_given=given,
                host=where.host,
                official_host=_ANTHROPIC_HOST,
            )
        self._key = api_key or Secret("")
        self._withheld = (
            ""
            if self._key
            else withheld_key_note("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", _ANTHROPIC_HOST)
        )
        if not self._key and where.host == _ANTHROPIC_HOST:
            raise ValueError("no Anthropic API key: pass api_key=... or set ANTHROPIC_API_KEY")
        if default_max_tokens < 1:
            raise ValueError(f"default_max_tokens must be >= 1, got {default_max_tokens}")
        self.anthropic_version = anthropic_version
        self.default_max_tokens = default_max_tokens
        self._secret_names = secret_header_names(secret_headers)
        self.block_types = BLOCK_TYPES.plus(extra_block_types)
        # Header names are case-insensitive: lower-case them so defaults can override ours.
        # Credentials among them are kept as `Secret`s, revealed only into each request.
        extra: dict[str, Any] = {}
        if where.basic_auth:  # user info: sent as httpx would, unless a header replaces it
            extra["authorization"] = where.basic_auth
        extra.update({k.lower(): v for k, v in (default_headers or {}).items()})
        self._extra_headers = hold_secrets(extra, self._secret_names)
        self._key_digest = key_digest(self._key, where)

    def __repr__(self) -> str:
        # Never raises, even on an instance whose __init__ failed part-way (tracebacks
        # with locals show it); never shows a key, nor one in the base URL's query.
        base_url = getattr(self, "base_url", None)
        return (
            f"AnthropicAdapter(base_url={base_url and redact_url(base_url)!r}, "
            f"anthropic_version={getattr(self, 'anthropic_version', None)!r})"
        )

    def build_request(
        self, messages: Sequence[BaseMessage], settings: CallSettings, *, stream: bool
    ) -> HTTPRequest:
        """Validate and translate one call; raises ValueError/TypeError before any I/O."""
        if not settings.model:
            raise ValueError("a model name is required")
        check_messages(messages, provider=_PROVIDER, block_types=self.block_types)
        max_tokens = settings.max_tokens
        if max_tokens is None:
            max_tokens = self.default_max_tokens
        elif max_tokens < 0:
            raise ValueError(f"max_tokens must be >= 0, got {max_tokens}")
        system, turns = to_wire_messages(messages)
        body: dict[str, Any] = {"model": settings.model, "max_tokens": max_tokens}
        if system is not None:
            body["system"] = system
        body["messages"] = turns
        if settings.temperature is not None:
            if settings.temperature > 1:  # ChatModel allows up to 2 (OpenAI's range)
                raise ValueError(
                    f"Anthropic accepts a temperature between 0 and 1, got {settings.temperature}"
                )
            body["temperature"] = settings.temperature
        if settings.top_p is not None:
            body["top_p"] = settings.top_p
        if settings.stop:
            body["stop_sequences"] = list(settings.stop)
        if settings.tools:
            body["tools"] = wire_tools(settings)
        if settings.tool_choice is not None:
            choice = wire_tool_choice(settings)
            if choice is not None:
                body["tool_choice"] = choice
        if stream:
            body["stream"] = True
        if settings.extra_body:
            body.update(settings.extra_body)
        headers: dict[str, Any] = {
            "anthropic-version": self.anthropic_version,
            "content-type": "application/json",
        }
        if self._key:
            headers["x-api-key"] = self._key
        headers.update(self._extra_headers)
        return HTTPRequest(
            method="POST",
            url=self._url,
            headers=reveal(headers, self._secret_names),
            json=body,
            secret_headers=self._secret_names,
            secret_url=self._secret_url,
        )

    def parse_response(self, body: bytes, headers: Mapping[str, str]) -> AIMessage:
        """The reply of a non-streaming call as an `AIMessage`."""
        try:
            data = json.loads(body)
        except ValueError as exc:
            # A cut-off or proxy-mangled body: worth another attempt.
            raise APIError(
                f"Anthropic reply is not JSON ({exc}): {_snippet(body)}",
                provider=_PROVIDER,
                retryable=True,
            ) from exc
        if not isinstance(data, dict):
            raise APIError(
                f"Anthropic reply is not a JSON object: {_snippet(body)}",
                provider=_PROVIDER,
                retryable=True,
            )
        if data.get("type") == "error":
            err = self.map_error(200, body, headers)
            # Status 200 says nothing; the error type says whether waiting helps.
            err.retryable = err.retryable or err.error_type in _RETRYABLE_STREAM_ERRORS
            raise err
        content, tool_calls = _parse_content(data.get("content") or ())
        usage = data.get("usage")
        lazy = _lazy_reply_metadata(data, usage)
        if lazy is None:  # a reply with fields chatplex does not model: built now
            return AIMessage(
                content=content,
                id=data.get("id"),
                tool_calls=tool_calls,
                usage_metadata=_usage(usage) if usage else None,
                response_metadata={
                    **_start_metadata(data),
                    **_stop_metadata(data.get("stop_reason"), data.get("stop_sequence")),
                },
            )
        metadata, usage_metadata = lazy
        return AIMessage(
            content=content,
            id=data.get("id"),
            tool_calls=tool_calls,
            usage_metadata=usage_metadata,  # type: ignore[arg-type]
            response_metadata=metadata,  # type: ignore[arg-type]
        )

    def stream_parser(self, headers: Mapping[str, str]) -> AnthropicStreamParser:
        return AnthropicStreamParser(request_id=header_value(headers, "request-id"))

    def map_error(self, status: int, body: bytes, headers: Mapping[str, str]) -> APIError:
        """A typed error from an error status; never raises, whatever the body holds."""
        data: Any = None
        with contextlib.suppress(ValueError):
            data = json.loads(body)
        message = error_type = request_id = None
        if isinstance(data, dict):
            err = data.get("error")
            if isinstance(err, dict):
                message, error_type = _str_or_none(err.get("message")), err.get("type")
            elif isinstance(err, str):
                message = err
            request_id = _str_or_none(data.get("request_id"))
        message = message or detail_message(data) or _snippet(body) or f"HTTP {status}"
        if status == 401:
            message += self._withheld
        return status_error(
            provider=_PROVIDER,
            status=status,
            message=message,
            headers=headers,
            error_type=error_type if isinstance(error_type, str) else None,
            request_id=request_id or header_value(headers, "request-id"),
            body=data if data is not None else _snippet(body),
        )

    def budget_key(self, model: str) -> tuple[str, ...]:
        """(provider, base_url, key digest or "", model): never the key itself (nor one in
        the base URL's query: masked there, and counted in the digest)."""
        return (_PROVIDER, self.base_url, self._key_digest, model)


class AnthropicStreamParser:
    """Turns the events of one Messages API stream into `AIMessageChunk`s.

    Text arrives as `str` content; thinking, redacted thinking, server-tool and cited text
    blocks as one-block lists carrying the block `index`, so `merge_chunks` joins their
    pieces (and concatenates their `citations`); `tool_use` blocks as `tool_call_chunks`
    indexed by block.
    """

    __slots__ = (
        "_cited",
        "_done",
        "_inputs",
        "_reported",
        "_request_id",
        "_texts",
        "_tool_blocks",
        "_usage",
    )

    def __init__(self, request_id: str | None = None) -> None:
        self._request_id = request_id
        self._tool_blocks: set[Any] = set()  # indexes of tool_use blocks
        self._texts: set[Any] = set()  # indexes of text blocks
        self._cited: set[Any] = set()  # indexes of text blocks with citations: block pieces
        #: partial_json of other blocks taking input (server_tool_use): index →
        #: (block type, fragments), parsed into the block's `input` at content_block_stop.
        self._inputs: dict[Any, tuple[str, list[str]]] = {}
        self._usage: dict[str, Any] = {}  # raw usage so far (message_delta overrides)
        self._reported: UsageMetadata | None = None  # the sum of usage emitted so far
        self._done = False

    def feed(self, event: SSEEvent) -> AIMessageChunk | None:
        if event.event == "ping" or not event.data:
            return None
        try:
            data = loads_text(event.data)
        except ValueError as exc:
            raise self._error(f"malformed event data ({exc}): {event.data[:200]}") from exc
        if not isinstance(data, dict):
            raise self._error(f"event data is not a JSON object: {event.data[:200]}")
        kind = data.get("type")
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
        if not self._done:
            raise self._error("stream ended before message_stop", retryable=True)

    def _delta(self, data: dict[str, Any]) -> AIMessageChunk | None:
        delta = data.get("delta") or {}
        kind = delta.get("type")
        if kind == "text_delta":
            text = delta.get("text")
            if not text:
                return None
            if self._cited and data.get("index") in self._cited:
                return _block_chunk({"type": "text", "text": text, "index": data.get("index")})
            return text_chunk(text)
        index = data.get("index")
        if kind == "input_json_delta":
            part = delta.get("partial_json")
            if not part:
                return None
            pending = self._inputs.get(index)
            if pending is not None:
                pending[1].append(part)
            if index in self._tool_blocks:
                return _tool_chunk(None, part, None, index)
            return None
        if kind == "thinking_delta" or kind == "signature_delta":
            key = "thinking" if kind == "thinking_delta" else "signature"
            value = delta.get(key)
            return _block_chunk({"type": "thinking", key: value, "index": index}) if value else None
        if kind == "citations_delta":
            citation = delta.get("citation")
            if citation is None or index not in self._texts:
                return None  # no text block started at that index to carry it
            self._cited.add(index)
            return _block_chunk(
                {"type": "text", "text": "", "citations": [citation], "index": index}
            )
        return None  # delta types added later: tolerated

    def _start(self, data: dict[str, Any]) -> AIMessageChunk | None:
        index = data.get("index")
        block = data.get("content_block") or {}
        kind = block.get("type")
        if kind == "text":
            self._texts.add(index)
            text = block.get("text")
            citations = block.get("citations")
            if isinstance(citations, list):
                self._cited.add(index)
                block = {"type": "text", "text": text or "", "citations": citations}
                return _block_chunk({**block, "index": index})
            return AIMessageChunk(content=text) if text else None
        if kind == "tool_use":
            self._tool_blocks.add(index)
            self._inputs[index] = ("tool_use", [])
            given = block.get("input")  # always {} from Anthropic; a proxy may send it whole
            args = json.dumps(given) if given else ""
            # The block stays in content, as in the non-stream reply (and LangChain's);
            # its `input` is filled in at content_block_stop.
            return AIMessageChunk(
                content=[{**block, "index": index}],
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
            return _block_chunk({**_thinking(block), "index": index})
        # redacted_thinking, server_tool_use, *_tool_result, future types: kept whole.
        if "input" in block:
            self._inputs[index] = (str(kind), [])
        return _block_chunk({**block, "index": index})

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
        self._usage = dict(message.get("usage") or {})
        meta = _start_metadata(message)
        meta.pop("usage", None)
        return AIMessageChunk(content="", id=message.get("id"), response_metadata=meta)

    def _message_delta(self, data: dict[str, Any]) -> AIMessageChunk:
        delta = data.get("delta") or {}
        reason = delta.get("stop_reason")
        if reason is not None:
            self._done = True
        raw = data.get("usage")
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
                meta[key] = value  # e.g. `container`, which the delta may update
        return AIMessageChunk(content="", usage_metadata=usage, response_metadata=meta)

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
            meta[key] = value
    return meta


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
        raw_usage = shared_keys(usage)
        keys, values = _OWN_ID_USAGE, (data.get("id"), raw_usage)
        # Built on first read from the reply's copy of the raw usage (the metadata's copy
        # is built apart, so the user's edits there never reach it).
        usage_value = LazyValue(_usage, raw_usage) if raw_usage else None
    head.update(_stop_metadata(reason, shared(data.get("stop_sequence"))))
    return LazyMetadata(shared_template(head), keys, values), usage_value


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


def _thinking(block: Mapping[str, Any]) -> _Block:
    thinking, signature = block.get("thinking") or "", block.get("signature") or ""
    return {"type": "thinking", "thinking": thinking, "signature": signature}


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


def _parse_content(raw: Sequence[Any]) -> tuple[Content, list[ToolCall]]:
    """Content blocks → (str when only uncited text, else blocks in order; tool calls)."""
    blocks: list[_Block] = []
    tool_calls: list[ToolCall] = []
    only_text = True
    for block in raw:
        kind = block.get("type")
        if kind == "text":
            text = block.get("text")
            citations = block.get("citations")
            if isinstance(citations, list):
                only_text = False
                blocks.append({"type": "text", "text": text or "", "citations": citations})
                continue
            if not text:
                continue  # a stream cannot show an empty block either
            if blocks and blocks[-1].get("type") == "text" and "citations" not in blocks[-1]:
                blocks[-1]["text"] += text
            else:
                blocks.append({"type": "text", "text": text})
        elif kind == "tool_use":
            # Kept in content too, where LangChain keeps it (with the text around it).
            only_text = False
            blocks.append(block)
            name, args = block.get("name") or "", block.get("input") or {}
            tool_calls.append(
                {"name": name, "args": args, "id": block.get("id"), "type": "tool_call"}
            )
        elif kind == "thinking":
            only_text = False
            blocks.append(_thinking(block))
        else:
            only_text = False
            blocks.append(block)
    if only_text:
        return (blocks[0]["text"] if blocks else ""), tool_calls
    return blocks, tool_calls


def _usage(raw: Mapping[str, Any]) -> UsageMetadata:
    cache_read = raw.get("cache_read_input_tokens")
    cache_creation = raw.get("cache_creation_input_tokens")
    input_tokens = (raw.get("input_tokens") or 0) + (cache_read or 0) + (cache_creation or 0)
    output_tokens = raw.get("output_tokens") or 0
    usage: UsageMetadata = {
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "total_tokens": input_tokens + output_tokens,
    }
    details = {"cache_read": cache_read, "cache_creation": cache_creation}
    if cache_read is not None or cache_creation is not None:
        usage["input_token_details"] = {k: v for k, v in details.items() if v is not None}  # type: ignore[typeddict-item]
    out_details = raw.get("output_tokens_details")
    if isinstance(out_details, dict) and out_details.get("thinking_tokens") is not None:
        usage["output_token_details"] = {"reasoning": out_details["thinking_tokens"]}
    return usage


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
