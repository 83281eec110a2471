"""Ollama's native chat API (`POST {host}/api/chat`), NDJSON streaming.

Pure translation, no I/O: messages + settings become an `HTTPRequest`; a reply body or
the lines of an NDJSON stream (`stream_framing = NDJSONDecoder`: the http layer decodes
the body with it and feeds each line to `OllamaStreamParser`) become an `AIMessage` /
`AIMessageChunk`s; an error status becomes a typed error. The merged stream equals the
non-stream reply (text, thinking, tool calls, usage, metadata).

What the native wire has that Ollama's OpenAI endpoint (`ollama_openai`) does not:
`options` (`num_ctx`, `num_predict`, `top_k`, `repeat_penalty`, `mirostat`...),
`keep_alive`, `think` (True/False or "low"/"medium"/"high") with the thinking text
back, `format` (a JSON schema, or "json"), and the server's timings in the metadata.
See `request.py` and `response.py` for the mapping.

>>> from chatplex.messages import HumanMessage
>>> from chatplex.adapters.request_types import CallSettings
>>> adapter = OllamaAdapter(base_url="localhost:11434")
>>> request = adapter.build_request(
...     [HumanMessage("Hi")], CallSettings(model="llama3.2", max_tokens=50), stream=False
... )
>>> request.url, request.json["options"]
('http://localhost:11434/api/chat', {'num_predict': 50})
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlsplit

from ...adapters.base import Adapter
from ...adapters.base_url import BaseURL
from ...adapters.bodies import loads
from ...adapters.bodies import reply_status_error
from ...adapters.bodies import snippet
from ...adapters.connection import adapter_repr
from ...adapters.connection import held_headers
from ...adapters.connection import json_headers
from ...adapters.connection import post_json
from ...adapters.error_detail import detail_message
from ...adapters.keys import as_secret
from ...adapters.keys import environment_key
from ...adapters.keys import key_digest
from ...adapters.keys import secret_header_names
from ...adapters.output_formats import given_json_schema
from ...adapters.output_formats import titled_schema
from ...adapters.request_types import CallSettings
from ...adapters.request_types import HTTPRequest
from ...adapters.structured_profile import StructuredProfile
from ...adapters.validate import BlockTypes
from ...adapters.validate import check_messages
from ...errors import APIError
from ...messages import AIMessage
from ...messages import BaseMessage
from ...secret import Secret
from ...secret.urls import hold_url
from ...secret.urls import take_url_credentials
from .errors import ERROR_FAMILIES
from .ndjson import NDJSONDecoder
from .request import OPTION_NAMES
from .request import TOP_LEVEL
from .request import wire_body
from .response import PROVIDER
from .response import OllamaStreamParser
from .response import error_message
from .response import parse_reply

__all__ = [
    "BLOCK_TYPES",
    "DEFAULT_BASE_URL",
    "OllamaAdapter",
    "ollama_host",
]

DEFAULT_BASE_URL = "http://localhost:11434"
_DEFAULT_PORT = 11434
#: ollama.com's hosted API: the only host `OLLAMA_API_KEY` goes to from the environment.
_CLOUD_HOST = "ollama.com"
#: Content blocks this adapter sends: text, images (as base64), and reasoning (back as
#: `thinking`); others are refused before any request.
BLOCK_TYPES = BlockTypes(frozenset({"text", "image_url", "image", "reasoning", "thinking"}))


def ollama_host(value: str) -> str:
    """A host as Ollama's clients take it (`OLLAMA_HOST`): `host[:port][/path]` with the
    scheme optional -- http and port 11434 when no scheme is given (the ollama SDK's
    rule), the scheme's own port when one is.

    >>> ollama_host("localhost"), ollama_host("gpu-box:8080"), ollama_host("https://o.example")
    ('http://localhost:11434', 'http://gpu-box:8080', 'https://o.example')
    >>> ollama_host("0.0.0.0")  # the server's "listen everywhere": reached on this machine
    'http://127.0.0.1:11434'
    >>> ollama_host(":11435")  # a port alone: this machine's
    'http://127.0.0.1:11435'
    """
    if not isinstance(value, str):
        raise TypeError(f"base_url must be a str, got {type(value).__name__}")
    value = value.strip().rstrip("/")
    if not value:
        raise ValueError("base_url (or OLLAMA_HOST) is empty")
    if "://" not in value:
        parts = urlsplit("http://" + value)
        host = parts.hostname or ""
        if host in ("", "0.0.0.0"):  # noqa: S104 (a client's address, not a bind)
            host = "127.0.0.1"
        if ":" in host:
            host = f"[{host}]"
        try:
            port = parts.port or _DEFAULT_PORT
        except ValueError:
            raise ValueError("base_url (or OLLAMA_HOST) has an invalid port") from None
        userinfo = parts.netloc.rpartition("@")[0]
        netloc = f"{userinfo}@{host}:{port}" if userinfo else f"{host}:{port}"
        value = f"http://{netloc}{parts.path}"
    return value


class OllamaAdapter(Adapter):
    """Ollama's `/api/chat` wire (`POST {base_url}/api/chat`).

    The base URL comes from `base_url=`, else `OLLAMA_HOST` (Ollama's own variable:
    `host[:port]`, scheme optional), else `http://localhost:11434`. No key by default: a
    local server takes none. `api_key=` sends `Authorization: Bearer ...` (ollama.com, a
    proxy); `OLLAMA_API_KEY` from the environment goes only to ollama.com, as every
    environment key in chatplex goes only to its provider's host. `default_headers=`
    are sent with every request (`secret_headers=` names the ones to mask).
    """

    base_url: str

    provider = PROVIDER
    #: What langchain-ollama's users catch: ollama.ResponseError, httpx's transport errors.
    error_families = ERROR_FAMILIES
    #: What a caller may set besides model, messages and stream (checked before any
    #: request, `chat.params`): the top-level fields, the model options given flat (as
    #: langchain-ollama takes them), and langchain-ollama's `response_format` (sent as
    #: `format`) and `reasoning` (sent as `think`).
    api_parameters = TOP_LEVEL | OPTION_NAMES | {"response_format", "reasoning"}
    #: The stream is NDJSON, not server-sent events (see `chatplex.http._engine`).
    stream_framing = NDJSONDecoder
    #: `with_structured_output`'s default on this wire: the schema as `format` (Ollama
    #: cannot force a tool call, so "function_calling" may get plain text back: tools
    #: are offered, never forced). A JSON-schema dict without a title goes as `format`
    #: as given, as langchain-ollama sends it (no name is needed).
    structured = StructuredProfile(
        method="json_schema", untitled_schema_sent=True, forces_tool_call=False
    )

    def __init__(
        self,
        *,
        api_key: str | Secret | None = None,
        base_url: str | Secret | None = None,
        default_headers: Mapping[str, str] | None = None,
        secret_headers: Sequence[str] = (),
        extra_block_types: Sequence[str] = (),
    ) -> None:
        # Rebound first: no local of this frame holds a key in clear (tracebacks).
        base_url = hold_url(base_url)
        api_key = as_secret(api_key)
        raw = base_url or hold_url(os.environ.get("OLLAMA_HOST")) or DEFAULT_BASE_URL
        # A held URL (it carries a credential) has its scheme: taken apart as it is.
        parts = take_url_credentials(raw if isinstance(raw, Secret) else ollama_host(raw))
        del raw, base_url
        where = BaseURL.parse(parts, "/api/chat")
        self._url, self._secret_url = where.url, where.secret_url
        listing = BaseURL.parse(parts, "/api/tags")
        self._tags_url, self._tags_secret_url = listing.url, listing.secret_url
        #: The base URL, credentials in its query masked.
        self.base_url = where.base_url
        if api_key is None:
            api_key = environment_key(
                "OLLAMA_API_KEY", base_url_given=True, host=where.host, official_host=_CLOUD_HOST
            )
        secret = api_key or None
        if secret and where.basic_auth:
            raise ValueError(
                "base_url must not contain user:password@ together with an API key (both "
                "would be the Authorization header)"
            )
        self._api_key: Secret | None = secret
        self._key_digest = key_digest(secret, where)
        self._secret_names = secret_header_names(secret_headers)
        self.block_types = BLOCK_TYPES.plus(extra_block_types)
        self._headers = held_headers(
            json_headers(secret, where), default_headers, self._secret_names
        )

    def __repr__(self) -> str:
        return adapter_repr(self, "OllamaAdapter", api_key="_api_key")

    def build_request(
        self, messages: list[BaseMessage], settings: CallSettings, *, stream: bool
    ) -> HTTPRequest:
        """Validate and translate one call; raises ValueError/TypeError before any I/O."""
        self._check_messages(messages)
        body = wire_body(messages, settings, stream=stream)
        return post_json(self._url, body, self._headers, self._secret_names, self._secret_url)

    def tags_request(self) -> HTTPRequest:
        """The GET of the server's local models (`/api/tags`, the ollama client's
        `list()`), with the chat's headers."""
        request = post_json(self._tags_url, {}, self._headers, self._secret_names)
        return HTTPRequest(
            "GET",
            request.url,
            headers=request.headers,
            secret_headers=request.secret_headers,
            secret_url=self._tags_secret_url,
            content=b"",
        )

    def _check_messages(self, messages: list[BaseMessage]) -> None:
        # Ollama takes a tool result with no call before it, an empty user turn and an
        # empty block list (langchain-ollama sends them; the server answers), and no
        # messages at all (it loads the model: whether a call may be empty is the
        # caller's rule, `PartnerCalls.empty_input_sent`).
        check_messages(
            messages,
            provider=PROVIDER,
            block_types=self.block_types,
            results_need_calls=False,
            empty_text=True,
            empty_list=True,
        )

    def parse_response(self, body: bytes, headers: Mapping[str, str]) -> AIMessage:
        """The reply of a non-stream call."""
        return parse_reply(body)

    def stream_parser(self, headers: Mapping[str, str]) -> OllamaStreamParser:
        """A fresh parser for one stream's NDJSON lines."""
        return OllamaStreamParser()

    def map_error(self, status: int, body: bytes, headers: Mapping[str, str]) -> APIError:
        """A typed error from an error response (`{"error": "..."}`); never raises."""
        data = loads(body)
        message = error_message(data) or detail_message(data) or snippet(body) or f"HTTP {status}"
        if status == 404 and "not found" in message and "pull" not in message:
            message += " (pull it first: `ollama pull <model>`)"
        return reply_status_error(PROVIDER, status, body, headers, data=data, message=message)

    def structured_output_settings(
        self, spec: Any, given: Any, method: str, strict: bool | None
    ) -> dict[str, Any]:
        """What `with_structured_output` binds on this wire, as langchain-ollama binds it:
        `format` "json" for JSON mode; for a schema, a pydantic model's own JSON schema
        (titles kept, nothing made strict), a JSON-schema dict as given, a TypedDict's
        schema with every property required."""
        # `strict` is ignored, as langchain-ollama ignores it (the format is enforced).
        if method == "json_mode":
            return {"format": "json"}
        schema = given_json_schema(spec, given)
        if schema is not None:
            return {"format": schema}
        # A TypedDict's: langchain-core's convert_to_json_schema (titled, described),
        # every property required.
        schema = titled_schema(spec)
        schema.setdefault("required", list(schema.get("properties") or {}))
        return {"format": schema}

    def budget_key(self, model: str) -> tuple[str, ...]:
        """(provider, base_url, key digest or "", model): never the key itself."""
        return (PROVIDER, self.base_url, self._key_digest, model)
