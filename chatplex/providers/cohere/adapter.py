"""Cohere's v2 Chat API (`POST {base_url}/v2/chat`), server-sent-event streaming.

Pure translation, no I/O: messages + settings become an `HTTPRequest` (`request.py`);
a reply body becomes an `AIMessage` (`response.py`), a stream's events
`AIMessageChunk`s (`stream.py`); an error status a typed error with Cohere's message
and the request id.

>>> from chatplex.messages import HumanMessage
>>> from chatplex.adapters.request_types import CallSettings
>>> adapter = CohereAdapter(api_key="co-example")
>>> request = adapter.build_request(
...     [HumanMessage("Hi")], CallSettings(model="command-a-03-2025"), stream=False
... )
>>> request.url, request.json
('https://api.cohere.com/v2/chat', {'model': 'command-a-03-2025', \
'messages': [{'role': 'user', 'content': 'Hi'}], 'stream': False})
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from ...adapters.base import Adapter
from ...adapters.base_url import endpoint_url
from ...adapters.bodies import loads
from ...adapters.bodies import reply_status_error
from ...adapters.bodies import snippet
from ...adapters.connection import ProviderHome
from ...adapters.connection import adapter_repr
from ...adapters.connection import held_headers
from ...adapters.connection import post_json
from ...adapters.headers import header_value
from ...adapters.keys import as_secret
from ...adapters.keys import secret_header_names
from ...adapters.output_formats import given_json_schema
from ...adapters.request_types import CallSettings
from ...adapters.request_types import HTTPRequest
from ...adapters.structured_profile import StructuredProfile
from ...adapters.validate import BlockTypes
from ...adapters.validate import check_call
from ...errors import APIError
from ...errors import MissingKeyError
from ...messages import AIMessage
from ...messages import BaseMessage
from ...secret import Secret
from .count import FALLBACK_HEADERS
from .count import TOKENIZE_PATH
from .count import model_path
from .errors import ERROR_FAMILIES
from .request import API_PARAMETERS
from .request import wire_body
from .response import PROVIDER
from .response import error_message
from .response import parse_reply
from .stream import CohereStreamParser

__all__ = ["BLOCK_TYPES", "DEFAULT_BASE_URL", "KEY_VARIABLES", "CohereAdapter"]

#: The cohere SDK's production environment.
DEFAULT_BASE_URL = "https://api.cohere.com"
_OFFICIAL_HOST = "api.cohere.com"
#: langchain-cohere's variable, then the cohere SDK's.
KEY_VARIABLES = ("COHERE_API_KEY", "CO_API_KEY")
#: The cohere SDK's base-URL variable.
BASE_VARIABLE = "CO_API_URL"
_HOME = ProviderHome(_OFFICIAL_HOST, DEFAULT_BASE_URL, KEY_VARIABLES, BASE_VARIABLE)
#: Content blocks this adapter sends: text and images (by URL or data URL).
BLOCK_TYPES = BlockTypes(frozenset({"text", "image_url", "image", "thinking"}))


class CohereAdapter(Adapter):
    """Cohere's `/v2/chat` wire.

    The base URL comes from `base_url=`, else `CO_API_URL` (the cohere SDK's variable),
    else `https://api.cohere.com`. The key from `api_key=`, else `COHERE_API_KEY`, else
    `CO_API_KEY`, which go only to api.cohere.com or to a base URL from `CO_API_URL` (as
    every environment key in chatplex goes only to its provider's host).
    `default_headers=` are sent with every request (`secret_headers=` names the ones to
    mask).
    """

    base_url: str

    provider = PROVIDER
    #: What langchain-cohere's users catch: the cohere SDK's classes, httpx's transport
    #: errors.
    error_families = ERROR_FAMILIES
    #: The v2 body fields a caller may set, and ChatCohere's `preamble`.
    api_parameters = API_PARAMETERS
    #: langchain-cohere's `with_structured_output` default: Cohere's `response_format`.
    #: Cohere constrains its output to that schema (docs.cohere.com, "Structured
    #: Outputs"): `strict=` is moot there, as langchain-cohere ignores it.
    structured = StructuredProfile(method="json_schema", schema_enforced=True)
    #: A bound empty tool list goes as `tools: []`, as langchain-cohere sends it (its
    #: kwargs' `tools` reach the cohere SDK, which omits only a None).
    empty_tool_list_sent = True
    #: And a tool choice beside it, as langchain-cohere sends it; in Cohere's words
    #: (REQUIRED, NONE), where langchain-cohere's, as written, are refused by the API.
    keeps_choice_without_tools = True
    #: The call's `documents` its replies repeat (its partner record's `for_call`); none
    #: on the model's own.
    _documents: Sequence[Any] = ()
    #: Whether a stream yields the tool plan and the calls on its last chunk only, whole
    #: (`calls_whole`).
    _whole_calls = False

    def __init__(
        self,
        *,
        api_key: str | Secret | None = None,
        base_url: str | Secret | None = None,
        default_headers: Mapping[str, str] | None = None,
        secret_headers: Sequence[str] = (),
        extra_block_types: Sequence[str] = (),
    ) -> None:
        api_key = as_secret(api_key)  # rebound first: no local holds the key in clear
        url = _HOME.take_url(base_url)
        del base_url
        link = _HOME.connect(api_key, url, "/v2/chat")
        where, secret = link.where, link.key
        self._url, self._secret_url = where.url, where.secret_url
        self._where = where
        #: The base URL, credentials in its query masked.
        self.base_url = where.base_url
        if not secret and where.host == _OFFICIAL_HOST:
            raise MissingKeyError.of(
                "Cohere", KEY_VARIABLES, empty_given=api_key is not None, adapter_class=type(self)
            )
        self._withheld = link.withheld
        self._api_key: Secret | None = secret
        self._key_digest = link.key_digest
        self._secret_names = secret_header_names(secret_headers)
        self.block_types = BLOCK_TYPES.plus(extra_block_types)
        self._headers = held_headers(link.json_headers(), default_headers, self._secret_names)

    def __repr__(self) -> str:
        return adapter_repr(self, "CohereAdapter", api_key="_api_key")

    def build_request(
        self, messages: list[BaseMessage], settings: CallSettings, *, stream: bool
    ) -> HTTPRequest:
        """Validate and translate one call; raises ValueError/TypeError before any I/O."""
        check_call(messages, provider=PROVIDER, block_types=self.block_types)
        body = wire_body(
            messages, settings, stream=stream, empty_tool_list=self.empty_tool_list_sent
        )
        return post_json(self._url, body, self._headers, self._secret_names, self._secret_url)

    def tokenize_request(self, body: dict[str, Any]) -> HTTPRequest:
        """`POST {base_url}/v1/tokenize` with `body` (`count.py`'s), saying the offline
        tokenizer failed, as the cohere SDK's fallback says it."""
        url, secret_url = self._endpoint(TOKENIZE_PATH)
        headers = {**self._headers, **FALLBACK_HEADERS}
        return post_json(url, body, headers, self._secret_names, secret_url)

    def model_request(self, model: str) -> HTTPRequest:
        """`GET {base_url}/v1/models/{model}`: the model's record (its `tokenizer_url`)."""
        url, secret_url = self._endpoint(model_path(model))
        request = post_json(url, {}, self._headers, self._secret_names, secret_url)
        return dataclasses.replace(request, method="GET", content=b"")

    def _endpoint(self, path: str) -> tuple[str, Secret | None]:
        """The URL of `path` under the base URL, and the one to send where the base
        URL's query holds a credential."""
        where = self._where
        secret_url = None
        if where.secret_base_url is not None:
            secret_url = Secret(endpoint_url(where.secret_base_url.get(), path))
        return endpoint_url(where.base_url, path), secret_url

    def parse_response(self, body: bytes, headers: Mapping[str, str]) -> AIMessage:
        """The reply of a non-stream call."""
        return parse_reply(body, self._documents)

    def calls_whole(self) -> CohereAdapter:
        """One whose streams yield the tool plan and the calls on the last chunk only,
        each call whole with no index, as langchain-cohere's async stream does
        (`ChatCohere`'s async stream)."""
        own = copy.copy(self)
        own._whole_calls = True
        return own

    def stream_parser(self, headers: Mapping[str, str]) -> CohereStreamParser:
        """A fresh parser for one stream's events."""
        return CohereStreamParser(self._documents, whole_calls=self._whole_calls)

    def map_error(self, status: int, body: bytes, headers: Mapping[str, str]) -> APIError:
        """A typed error from an error response (`{"id", "message"}`); never raises."""
        data = loads(body)
        message = error_message(data) or snippet(body) or f"HTTP {status}"
        if status == 401 and self._withheld:
            message += self._withheld
        said_id = data.get("id") if isinstance(data, dict) else None
        request_id = (
            header_value(headers, "x-request-id")
            or header_value(headers, "x-debug-trace-id")
            or (said_id if isinstance(said_id, str) else None)
        )
        return reply_status_error(
            PROVIDER, status, body, headers, data=data, message=message, request_id=request_id
        )

    def structured_output_settings(
        self, spec: Any, given: Any, method: str, strict: bool | None
    ) -> dict[str, Any]:
        """What `with_structured_output` binds on this wire: Cohere's `response_format`,
        `{"type": "json_object"}` for JSON mode, with the schema as `json_schema` (the v2
        field) for a schema: a pydantic model's own JSON schema, a dict as given."""
        if strict is not None:
            raise ValueError("strict= is not supported by Cohere's response_format")
        if method == "json_mode":
            return {"response_format": {"type": "json_object"}}
        schema = given_json_schema(spec, given)
        if schema is None:
            schema = dict(spec.parameters)
        return {"response_format": {"type": "json_object", "json_schema": schema}}

    def budget_key(self, model: str) -> tuple[str, ...]:
        """(provider, base_url, key digest or "", model): never the key itself."""
        return (PROVIDER, self.base_url, self._key_digest, model)
