"""The contract between ChatModel and a wire API: four pure functions, no I/O.

An adapter turns messages + settings into an `HTTPRequest` description, and a response
body (or a stream of server-sent events) into `AIMessage` / `AIMessageChunk`. Sending,
retrying, rate limiting and pooling are the http layer's job, so a new provider is one
module implementing `Adapter` and gets all of that for free.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

from ..errors import APIError
from ..messages import AIMessage, AIMessageChunk, BaseMessage
from ..secret import MaskedHeaders, Secret, is_secret_header, redact_url

__all__ = [
    "Adapter",
    "CallSettings",
    "HTTPRequest",
    "MaskedHeaders",
    "SSEEvent",
    "StreamParser",
    "ToolSpec",
    "detail_message",
    "endpoint_url",
    "hold_secrets",
    "key_digest",
    "reveal",
    "secret_header_names",
]


def endpoint_url(base_url: str, path: str) -> str:
    """`path` appended to the path of `base_url`, whose query is kept (Azure-style
    `?api-version=...`) and fragment dropped.

    Checked at construction, so a bad URL fails there and not at the first call: the
    scheme must be http or https and a host present. A base URL with user info is
    refused: httpx would send it as Basic auth, replacing the API key's `Authorization`
    header. Errors show the URL with credential-looking query values masked.

    >>> endpoint_url("https://x.example/openai/deployments/d?api-version=1", "/chat/completions")
    'https://x.example/openai/deployments/d/chat/completions?api-version=1'
    """
    if not isinstance(base_url, str):
        raise TypeError(f"base_url must be a str, got {type(base_url).__name__}")
    try:
        parts = urlsplit(base_url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as exc:
        raise ValueError(f"base_url is not a valid URL ({exc}): {redact_url(base_url)!r}") from None
    if "@" in parts.netloc:
        raise ValueError(
            "base_url must not contain user:password@; "
            "pass credentials as api_key= or default_headers="
        )
    if parts.scheme.lower() not in ("http", "https") or not host:
        # Checked now, not at the first call. The URL is shown with any key in it masked.
        hint = "" if "://" in base_url else f" (did you mean 'https://{base_url}'?)"
        raise ValueError(
            "base_url must be an http:// or https:// URL with a host, got "
            f"{redact_url(base_url)!r}{hint}"
        )
    return urlunsplit((parts.scheme, parts.netloc, parts.path.rstrip("/") + path, parts.query, ""))


@dataclass(frozen=True, slots=True)
class ToolSpec:
    """A provider-neutral tool definition: name, description and JSON-schema parameters.

    Two per-tool flags travel where a provider has them, as LangChain sends them:
    `strict` (OpenAI's function `strict`; None: not sent) and `cache_control`
    (Anthropic's prompt-cache breakpoint on the tool; None: not sent)."""

    name: str
    description: str
    parameters: dict[str, Any]
    strict: bool | None = field(default=None, repr=False)
    cache_control: Mapping[str, Any] | None = field(default=None, repr=False)


@dataclass(frozen=True, slots=True)
class CallSettings:
    """The resolved settings of one model call (model defaults + bound + per-call)."""

    model: str
    temperature: float | None = None
    max_tokens: int | None = None
    top_p: float | None = None
    stop: tuple[str, ...] | None = None
    tools: tuple[ToolSpec, ...] = ()
    #: None (provider default), "auto", "none", "required"/"any", or a tool name.
    tool_choice: str | None = None
    #: Provider-specific body fields passed through unchanged (e.g. `response_format`,
    #: `seed`, `thinking`, `metadata`); they override same-named fields chatplex sets.
    extra_body: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class HTTPRequest:
    """What to send; the http layer serialises `json` and adds nothing but transport.

    `secret_headers`: lower-case names of headers that carry credentials beyond the ones
    chatplex knows (`chatplex.secret.SECRET_HEADERS`, and names like `x-...-token`): the
    http layer masks them wherever it shows the request (error objects, logs).
    """

    method: str
    url: str
    # Headers carry the API key: never part of the repr (so never in logs or errors).
    headers: Mapping[str, str] = field(repr=False)
    json: Mapping[str, Any] = field(default_factory=dict)
    secret_headers: frozenset[str] = frozenset()

    def __repr__(self) -> str:
        # The URL's query may hold a key (Azure-style gateways): masked.
        return (
            f"HTTPRequest(method={self.method!r}, url={redact_url(self.url)!r}, json={self.json!r})"
        )


def secret_header_names(names: Iterable[str] | str | None) -> frozenset[str]:
    """An adapter's `secret_headers=` setting as lower-case names (a lone str is one name)."""
    if not names:
        return frozenset()
    if isinstance(names, str):
        names = (names,)
    out = set()
    for name in names:
        if not isinstance(name, str) or not name:
            raise TypeError(f"secret_headers must be header names (str), got {name!r}")
        out.add(name.lower())
    return frozenset(out)


def key_digest(key: Secret | None, base_url: str) -> str:
    """A short digest naming whose rate-limit budget a call spends: of the API key, and of
    a credential in the base URL (query or user info) if any; "" when there is neither.

    >>> key_digest(None, "http://localhost:11434/v1")
    ''
    """
    parts = [key.get()] if key else []
    if redact_url(base_url) != base_url:
        parts.append(base_url)
    if not parts:
        return ""
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def hold_secrets(headers: Mapping[str, str], secret_names: frozenset[str]) -> dict[str, Any]:
    """Headers as an adapter keeps them: credential values wrapped in `Secret` (names and
    order unchanged), so no raw key sits in a plain attribute. `reveal` undoes it."""
    return {
        name: Secret(value)
        if is_secret_header(name, secret_names) and not isinstance(value, Secret)
        else value
        for name, value in headers.items()
    }


def reveal(headers: Mapping[str, Any], secret_names: frozenset[str]) -> MaskedHeaders:
    """The headers to send, from `hold_secrets`' form, in a dict whose repr masks them."""
    out = MaskedHeaders(
        (name, value.get() if isinstance(value, Secret) else value)
        for name, value in headers.items()
    )
    if secret_names:
        out.secret_names = secret_names
    return out


@dataclass(frozen=True, slots=True)
class SSEEvent:
    """One server-sent event: `event` defaults to "message"; `data` lines joined by \\n."""

    event: str = "message"
    data: str = ""
    id: str | None = None
    retry: int | None = None


class StreamParser(Protocol):
    """Turns the events of one stream into chunks; one instance per stream (stateful)."""

    def feed(self, event: SSEEvent) -> AIMessageChunk | None:
        """The chunk this event contributes, or None (pings, bookkeeping events).

        Raises `StreamError` for an error event or an unparseable payload."""
        ...

    def finish(self) -> None:
        """Called when the body ends; raises `StreamError` if the stream was cut short."""
        ...


class Adapter(Protocol):
    """One wire API. Instances hold connection settings (base URL, key, headers)."""

    provider: str

    def build_request(
        self, messages: list[BaseMessage], settings: CallSettings, *, stream: bool
    ) -> HTTPRequest:
        """Validate and translate; raise ValueError/TypeError before any I/O."""
        ...

    def parse_response(self, body: bytes, headers: Mapping[str, str]) -> AIMessage: ...

    def stream_parser(self, headers: Mapping[str, str]) -> StreamParser: ...

    def map_error(self, status: int, body: bytes, headers: Mapping[str, str]) -> APIError:
        """Turn an error status and body into a typed error (see `errors.status_error`)."""
        ...

    def budget_key(self, model: str) -> tuple[str, ...]:
        """Identity of the rate-limit budget (provider, base_url, key digest, model)."""
        ...


def detail_message(data: Any) -> str | None:
    """The message of a FastAPI-style error body -- `{"detail": "..."}`, or validation
    errors `{"detail": [{"loc": [...], "msg": "..."}]}` -- as llama.cpp's server, vLLM and
    many gateways send them instead of the provider's own shape; None for other bodies.

    >>> detail_message({"detail": "Model not loaded"})
    'Model not loaded'
    >>> detail_message({"detail": [{"loc": ["body", "messages"], "msg": "field required"}]})
    'body.messages: field required'
    """
    if not isinstance(data, dict):
        return None
    detail = data.get("detail")
    if isinstance(detail, str):
        return detail or None
    if isinstance(detail, dict):
        detail = [detail]
    if not isinstance(detail, list):
        return None
    parts: list[str] = []
    for item in detail:
        if isinstance(item, str):
            parts.append(item)
            continue
        if not isinstance(item, dict):
            continue
        text = item.get("msg") or item.get("message")
        if not isinstance(text, str):
            continue
        loc = item.get("loc")
        where = ".".join(str(p) for p in loc) if isinstance(loc, (list, tuple)) else ""
        parts.append(f"{where}: {text}" if where else text)
    return "; ".join(parts) or None


def header_value(headers: Mapping[str, str] | None, name: str) -> str | None:
    """`headers[name]` for a lower-case `name`, also from a plain dict spelled otherwise
    (httpx headers are case-insensitive already; tests and users pass plain dicts)."""
    if not headers:
        return None
    value = headers.get(name)
    if value is None:
        value = next((v for k, v in headers.items() if k.lower() == name), None)
    return value
