"""OpenAI Chat Completions, and every server that speaks it (vLLM, Ollama, Groq, Together,
OpenRouter, LM Studio...): point `base_url` at the server.

Pure translation, no I/O: messages + settings become an `HTTPRequest`; a response body or
a stream of server-sent events becomes an `AIMessage` / `AIMessageChunk`s; an error status
becomes a typed error. A non-stream reply and the merged stream of the same reply give
equal messages (text, tool calls, usage, metadata).

>>> from chatplex.messages import HumanMessage
>>> from chatplex.adapters._base import CallSettings
>>> adapter = OpenAIAdapter(api_key="sk-example")
>>> request = adapter.build_request(
...     [HumanMessage("Hi")], CallSettings(model="gpt-4o-mini"), stream=False
... )
>>> request.url, request.json["messages"]
('https://api.openai.com/v1/chat/completions', [{'role': 'user', 'content': 'Hi'}])

OpenAI's `developer` role is a `SystemMessage` marked for it: `developer_message("...")`,
or `SystemMessage("...", additional_kwargs={"__openai_role": "developer"})`.

Reasoning text (`reasoning` from Groq and OpenRouter, `reasoning_content` from DeepSeek,
vLLM and others; in `message` or in stream deltas) is kept as a content block
`{"type": "reasoning", "reasoning": "..."}` before the answer, which then follows as a
`{"type": "text"}` block; `.text` is the answer only. Stream pieces carry `"index": 0` so
they merge into one block. A reply without reasoning keeps plain `str` content. Reasoning
blocks are not sent back: in history, an assistant message goes with its text only.

`max_tokens` goes as `max_completion_tokens` to api.openai.com for o1/o3/o4 and gpt-5
models, which reject `max_tokens`; other servers always get `max_tokens`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

from ..errors import RETRYABLE_STATUSES, APIError, StreamError, status_error
from ..messages import (
    AIMessage,
    AIMessageChunk,
    BaseMessage,
    SystemMessage,
    ToolCallChunk,
    UsageMetadata,
)
from ..secret import Secret, redact_url
from ._openai_request import OPENAI_ROLE_KEY, wire_message, wire_tool, wire_tool_choice
from ._validate import BlockTypes, check_messages
from .base import (
    CallSettings,
    HTTPRequest,
    SSEEvent,
    detail_message,
    endpoint_url,
    header_value,
    hold_secrets,
    key_digest,
    reveal,
    secret_header_names,
)

__all__ = [
    "BLOCK_TYPES",
    "DEFAULT_BASE_URL",
    "OPENAI_ROLE_KEY",
    "OpenAIAdapter",
    "OpenAIStreamParser",
    "developer_message",
]


DEFAULT_BASE_URL = "https://api.openai.com/v1"
_PROVIDER = "openai"
_MAX_TEXT = 500
_FINISH_REASONS = {
    "stop": "stop",
    "length": "length",
    "tool_calls": "tool_calls",
    "function_call": "tool_calls",
    "content_filter": "content_filter",
}
#: Models on api.openai.com that take `max_completion_tokens` and reject `max_tokens`.
_COMPLETION_TOKENS_MODELS = ("o1", "o3", "o4", "gpt-5")
_RETRYABLE_MARKERS = ("server_error", "overload", "unavailable", "internal", "timeout")
#: Content blocks this adapter sends: Chat Completions' own, the audio/video URLs of
#: compatible servers (vLLM), and chatplex's `reasoning` (dropped from assistant turns).
#: Others are refused before any request (`extra_block_types=` declares more).
BLOCK_TYPES = BlockTypes(
    frozenset(
        {"text", "image_url", "input_audio", "file", "refusal", "reasoning"}
        | {"video_url", "audio_url"}
    )
)


def developer_message(content: str | list[dict[str, Any]]) -> SystemMessage:
    """A `SystemMessage` sent with OpenAI's `developer` role (o-series and newer models).

    >>> developer_message("Answer briefly.").additional_kwargs
    {'__openai_role': 'developer'}
    """
    return SystemMessage(content, additional_kwargs={OPENAI_ROLE_KEY: "developer"})


class OpenAIAdapter:
    """The Chat Completions wire API (`POST {base_url}/chat/completions`).

    The key comes from `api_key=` or `OPENAI_API_KEY`; the base URL from `base_url=`,
    `OPENAI_BASE_URL`, or the public API. Servers other than api.openai.com may go keyless.

    >>> local = OpenAIAdapter(base_url="http://localhost:11434/v1")  # Ollama, no key
    >>> local.budget_key("llama3.2")
    ('openai', 'http://localhost:11434/v1', '', 'llama3.2')
    """

    provider = _PROVIDER

    def __init__(
        self,
        *,
        api_key: str | Secret | None = None,
        base_url: str | None = None,
        organization: str | None = None,
        project: str | None = None,
        default_headers: Mapping[str, str] | None = None,
        include_usage: bool = True,
        secret_headers: Sequence[str] = (),
        extra_block_types: Sequence[str] = (),
    ) -> None:
        url = base_url or os.environ.get("OPENAI_BASE_URL") or DEFAULT_BASE_URL
        self._url = endpoint_url(url, "/chat/completions")  # first: refuses bad URLs
        self.base_url = url.rstrip("/")
        self._public = _is_openai(self.base_url)
        key = api_key
        if key is None and (base_url is None or self._public):
            # OPENAI_API_KEY goes only where the environment (or the default) points: a
            # base_url written in code for another server must get its key in code too,
            # so a real OpenAI key is never sent to a third-party or local server.
            key = os.environ.get("OPENAI_API_KEY")
        secret = key if isinstance(key, Secret) else Secret(key) if key else None
        if not secret and self._public:
            raise ValueError(
                "OpenAI API key missing: pass api_key=... or set OPENAI_API_KEY "
                "(only servers other than api.openai.com may be used without a key)"
            )
        self._api_key: Secret | None = secret or None
        self._key_digest = key_digest(secret, self.base_url)
        self.organization = organization
        self.project = project
        self.include_usage = include_usage
        self._secret_names = secret_header_names(secret_headers)
        self.block_types = BLOCK_TYPES.plus(extra_block_types)
        # Credentials are kept as `Secret`s (the key included: "Bearer <key>" is built from
        # it), revealed only into each request's headers.
        headers: dict[str, Any] = {"content-type": "application/json"}
        if secret:
            headers["Authorization"] = Secret(f"Bearer {secret.get()}")
        if organization:
            headers["OpenAI-Organization"] = organization
        if project:
            headers["OpenAI-Project"] = project
        for name, value in (default_headers or {}).items():
            # A default header replaces ours whatever its capitalisation (no duplicates).
            for existing in [k for k in headers if k.lower() == name.lower()]:
                del headers[existing]
            headers[name] = value
        self._headers = hold_secrets(headers, self._secret_names)

    def __repr__(self) -> str:
        # Never raises, even on an instance whose __init__ failed part-way (tracebacks
        # with locals show it); never shows a key, nor one in the base URL's query.
        base_url = getattr(self, "base_url", None)
        return (
            f"OpenAIAdapter(base_url={base_url and redact_url(base_url)!r}, "
            f"api_key={getattr(self, '_api_key', None)!r}, "
            f"organization={getattr(self, 'organization', None)!r}, "
            f"project={getattr(self, 'project', None)!r})"
        )

    # -- request ---------------------------------------------------------------------------

    def build_request(
        self, messages: list[BaseMessage], settings: CallSettings, *, stream: bool
    ) -> HTTPRequest:
        """Validate and translate one call; raises ValueError/TypeError before any I/O."""
        if not messages:
            raise ValueError("cannot call a chat model with an empty list of messages")
        check_messages(messages, provider=_PROVIDER, block_types=self.block_types)
        body: dict[str, Any] = {
            "model": settings.model,
            "messages": [wire_message(m) for m in messages],
        }
        if settings.temperature is not None:
            body["temperature"] = settings.temperature
        if settings.max_tokens is not None:
            public = self._public and settings.model.startswith(_COMPLETION_TOKENS_MODELS)
            body["max_completion_tokens" if public else "max_tokens"] = settings.max_tokens
        if settings.top_p is not None:
            body["top_p"] = settings.top_p
        if settings.stop is not None:
            body["stop"] = list(settings.stop)
        if settings.tools:
            body["tools"] = [wire_tool(t) for t in settings.tools]
        choice = wire_tool_choice(settings.tool_choice, settings.tools)
        if choice is not None:
            body["tool_choice"] = choice
        if stream:
            body["stream"] = True
            if self.include_usage:
                body["stream_options"] = {"include_usage": True}
        body.update(settings.extra_body)
        return HTTPRequest(
            method="POST",
            url=self._url,
            headers=reveal(self._headers, self._secret_names),
            json=body,
            secret_headers=self._secret_names,
        )

    # -- responses ---------------------------------------------------------------------------

    def parse_response(self, body: bytes, headers: Mapping[str, str]) -> AIMessage:
        """The reply of a non-stream call (`choices[0]`; other choices are ignored)."""
        data = _loads(body)
        if not isinstance(data, dict):
            raise APIError(  # a cut-off or proxy-mangled body: worth another attempt
                f"response body is not a JSON object: {_snippet(body)}",
                provider=_PROVIDER,
                retryable=True,
            )
        if data.get("error"):
            raise _payload_error(data, APIError)
        choice = _first_choice(data.get("choices"))
        message = choice.get("message") or {}
        content = message.get("content")
        meta = _head_metadata(data, headers)
        raw_finish = choice.get("finish_reason")
        if raw_finish is not None:
            meta["finish_reason"] = _FINISH_REASONS.get(raw_finish, raw_finish)
            meta["raw_finish_reason"] = raw_finish
        additional: dict[str, Any] = {}
        refusal = message.get("refusal")
        if refusal:
            additional["refusal"] = meta["refusal"] = refusal
        reasoning = message.get("reasoning") or message.get("reasoning_content")
        if reasoning and isinstance(reasoning, str):
            blocks: list[dict[str, Any]] = [{"type": "reasoning", "reasoning": reasoning}]
            if content:
                blocks.append({"type": "text", "text": content})
            content = blocks
        tool_chunks: list[ToolCallChunk] = [
            {
                "name": (tc.get("function") or {}).get("name"),
                "args": _args_text((tc.get("function") or {}).get("arguments")),
                "id": tc.get("id"),
                "index": i,
            }
            for i, tc in enumerate(message.get("tool_calls") or ())
        ]
        # The same tool-call parsing as a merged stream, so the two always agree.
        return AIMessageChunk(
            content=content if content is not None else "",
            id=data.get("id"),
            additional_kwargs=additional,
            response_metadata=meta,
            tool_call_chunks=tool_chunks,
            usage_metadata=_usage(data.get("usage")),
        ).to_message()

    def stream_parser(self, headers: Mapping[str, str]) -> OpenAIStreamParser:
        """A fresh parser for one stream's events."""
        return OpenAIStreamParser(header_value(headers, "x-request-id"))

    def map_error(self, status: int, body: bytes, headers: Mapping[str, str]) -> APIError:
        """A typed error from an error response; never raises, whatever the body."""
        data = _loads(body)
        message, error_type, code = _error_fields(data)
        if not message:
            message = detail_message(data) or _snippet(body) or f"HTTP {status}"
        return status_error(
            provider=_PROVIDER,
            status=status,
            message=message,
            headers=headers,
            error_type=error_type,
            code=code,
            request_id=header_value(headers, "x-request-id"),
            body=data if data is not None else _snippet(body),
        )

    def budget_key(self, model: str) -> tuple[str, ...]:
        """(provider, base_url, key digest or "", model): never the key itself (nor one in
        the base URL's query: masked there, and counted in the digest)."""
        return (_PROVIDER, redact_url(self.base_url), self._key_digest, model)


class OpenAIStreamParser:
    """Turns the events of one Chat Completions stream into `AIMessageChunk`s.

    Reasoning deltas become one-block list chunks `{"type": "reasoning", "reasoning": ...,
    "index": 0}`, which merge into one block before the answer text.
    Tool-call ids and names are sent once per index (some compatible servers repeat them
    on every fragment, which joining would double). Usage is emitted as the increase over
    the usage seen before, so servers that report cumulative usage on many chunks still sum
    right. A refusal is carried whole-so-far in `additional_kwargs["refusal"]` (metadata
    merging keeps the last string), so the merged stream holds the complete refusal.
    """

    __slots__ = ("_done", "_finished", "_first", "_id", "_refusal", "_req_id", "_tools", "_usage")

    def __init__(self, request_id: str | None = None) -> None:
        self._req_id = request_id
        self._done = False
        self._finished = False
        self._first = True
        self._id: str | None = None
        self._refusal = ""
        self._tools: dict[int, list[bool]] = {}
        self._usage: UsageMetadata | None = None

    def feed(self, event: SSEEvent) -> AIMessageChunk | None:
        """The chunk one event contributes, or None; raises `StreamError` on error events."""
        if self._done:
            return None
        data = event.data
        if event.event == "error":
            payload = _loads(data.encode())
            if not isinstance(payload, dict):
                payload = {"error": data[:_MAX_TEXT] or "error event without data"}
            raise _payload_error(payload, StreamError, self._req_id)
        if data.startswith("[DONE]"):
            self._done = True
            return None
        if not data:
            return None
        try:
            obj = json.loads(data)
        except ValueError as exc:
            obj = f"malformed JSON ({exc})"
        if not isinstance(obj, dict):
            problem = obj if isinstance(obj, str) else "not a JSON object"
            raise StreamError(
                f"stream event is {problem}: {data[:_MAX_TEXT]}",
                provider=_PROVIDER,
                request_id=self._req_id,
            )
        if obj.get("error"):
            raise _payload_error(obj, StreamError, self._req_id)
        return self._chunk(obj)

    def finish(self) -> None:
        """Raise `StreamError` if the body ended with neither `[DONE]` nor a finish_reason."""
        if not (self._done or self._finished):
            raise StreamError(
                "stream ended before completion", provider=_PROVIDER, request_id=self._req_id
            )

    def _chunk(self, obj: dict[str, Any]) -> AIMessageChunk | None:
        content: Any = ""
        tool_chunks: list[ToolCallChunk] = []
        additional: dict[str, Any] = {}
        meta: dict[str, Any] = {}
        choices = obj.get("choices")
        if choices:
            choice = _first_choice(choices)
            delta = choice.get("delta")
            if delta:
                text = delta.get("content")
                if text:
                    content = text
                reasoning = delta.get("reasoning") or delta.get("reasoning_content")
                if reasoning and isinstance(reasoning, str):
                    content = [{"type": "reasoning", "reasoning": reasoning, "index": 0}]
                    if text:
                        content.append({"type": "text", "text": text})
                calls = delta.get("tool_calls")
                if calls:
                    tool_chunks = self._tool_chunks(calls)
                refusal = delta.get("refusal")
                if refusal:
                    self._refusal += refusal
                    additional["refusal"] = meta["refusal"] = self._refusal
            raw_finish = choice.get("finish_reason")
            if raw_finish is not None:
                self._finished = True
                meta["finish_reason"] = _FINISH_REASONS.get(raw_finish, raw_finish)
                meta["raw_finish_reason"] = raw_finish
        usage = None
        raw_usage = obj.get("usage")
        if raw_usage:
            usage = self._usage_increase(_usage(raw_usage))
        if self._first:
            self._first = False
            self._id = obj.get("id")
            meta = {**_head_metadata(obj, None, self._req_id), **meta}
        elif not (content or tool_chunks or usage or meta):
            return None  # role-only repeats, keep-alives, fields chatplex does not model
        return AIMessageChunk(
            content=content,
            id=self._id,
            additional_kwargs=additional,
            response_metadata=meta,
            tool_call_chunks=tool_chunks,
            usage_metadata=usage,
        )

    def _tool_chunks(self, calls: list[dict[str, Any]]) -> list[ToolCallChunk]:
        out: list[ToolCallChunk] = []
        for call in calls:
            index = call.get("index")
            function = call.get("function") or {}
            call_id = call.get("id")
            name = function.get("name")
            if index is not None:
                seen = self._tools.get(index)
                if seen is None:
                    self._tools[index] = [bool(call_id), bool(name)]
                else:
                    if seen[0]:
                        call_id = None
                    elif call_id:
                        seen[0] = True
                    if seen[1]:
                        name = None
                    elif name:
                        seen[1] = True
            out.append(
                {
                    "name": name,
                    "args": _args_text(function.get("arguments")),
                    "id": call_id,
                    "index": index,
                }
            )
        return out

    def _usage_increase(self, usage: UsageMetadata | None) -> UsageMetadata | None:
        previous, self._usage = self._usage, usage
        if previous is None or usage is None:
            return usage
        return _minus(usage, previous)  # type: ignore[no-any-return]


# -- response helpers ----------------------------------------------------------------------


def _loads(body: bytes) -> Any:
    try:
        return json.loads(body)
    except ValueError:  # also UnicodeDecodeError
        return None


def _snippet(body: bytes) -> str:
    return body.decode("utf-8", "replace").strip()[:_MAX_TEXT]


def _first_choice(choices: Any) -> dict[str, Any]:
    # With n > 1 each choice carries its index; chatplex follows choice 0.
    if choices:
        for choice in choices:
            if choice.get("index", 0) == 0:
                return choice  # type: ignore[no-any-return]
    return {}


def _head_metadata(
    obj: dict[str, Any], headers: Mapping[str, str] | None, request_id: str | None = None
) -> dict[str, Any]:
    meta: dict[str, Any] = {
        "provider": _PROVIDER,
        "model_name": obj.get("model"),
        "id": obj.get("id"),
        "finish_reason": None,
        "raw_finish_reason": None,
    }
    for key in ("system_fingerprint", "service_tier"):
        if obj.get(key) is not None:
            meta[key] = obj[key]
    request_id = request_id or header_value(headers, "x-request-id")
    if request_id:
        meta["request_id"] = request_id
    return meta


def _minus(now: Any, before: Any) -> Any:
    """`now - before` for usage records, nested details included (missing counts are 0)."""
    if isinstance(now, dict):
        before = before if isinstance(before, dict) else {}
        return {k: _minus(v, before.get(k)) for k, v in now.items()}
    return now - (before or 0)


def _args_text(arguments: Any) -> str | None:
    # Some compatible servers send arguments as an object rather than a JSON string.
    if arguments is None or isinstance(arguments, str):
        return arguments
    return json.dumps(arguments)


def _usage(raw: Any) -> UsageMetadata | None:
    if not isinstance(raw, dict):
        return None
    input_tokens = raw.get("prompt_tokens") or 0
    output_tokens = raw.get("completion_tokens") or 0
    total = raw.get("total_tokens")
    usage: UsageMetadata = {
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "total_tokens": total if total is not None else input_tokens + output_tokens,
    }
    details = raw.get("prompt_tokens_details")
    if isinstance(details, dict) and details.get("cached_tokens") is not None:
        usage["input_token_details"] = {"cache_read": details["cached_tokens"]}
    details = raw.get("completion_tokens_details")
    if isinstance(details, dict) and details.get("reasoning_tokens") is not None:
        usage["output_token_details"] = {"reasoning": details["reasoning_tokens"]}
    return usage


def _error_fields(data: Any) -> tuple[str | None, str | None, str | int | None]:
    """(message, type, code) from `{"error": {...}}`, `{"error": "..."}` or `{"message"}`."""
    if not isinstance(data, dict):
        return None, None, None
    error = data.get("error")
    if isinstance(error, str):
        return error, None, None
    if not isinstance(error, dict):
        error = data
    message, error_type, code = error.get("message"), error.get("type"), error.get("code")
    return (
        message if isinstance(message, str) else None,
        None if error_type is None else str(error_type),
        code if code is None or isinstance(code, (int, str)) else str(code),
    )


def _payload_error(
    data: dict[str, Any], cls: type[APIError], request_id: str | None = None
) -> APIError:
    """An error payload that arrived after HTTP 200 (mid-stream, or a 200 error body)."""
    message, error_type, code = _error_fields(data)
    error = data.get("error")
    status = error.get("status_code") if isinstance(error, dict) else None
    haystack = f"{error_type or ''} {code or ''}".lower()
    retryable = any(m in haystack for m in _RETRYABLE_MARKERS) or any(
        isinstance(n, int) and (n in RETRYABLE_STATUSES or n >= 500) for n in (code, status)
    )
    return cls(
        message or "the server reported an error",
        provider=_PROVIDER,
        error_type=error_type,
        code=code,
        request_id=request_id,
        body=data,
        retryable=retryable,
    )


def _is_openai(base_url: str) -> bool:
    return urlsplit(base_url).hostname == "api.openai.com"
