"""IBM watsonx.ai's chat API (`POST {url}/ml/v1/text/chat?version=...`, streamed from
`/ml/v1/text/chat_stream`), server-sent-event streaming, IBM Cloud IAM tokens.

Pure translation (`request.py`, `response.py`, `stream.py`, `auth.py`). The API key is
exchanged at IBM Cloud IAM for a bearer token (`auth.py`), an exchange the chat layer
sends before a call when no token is held fresh (`credential_fetch`), and `authorize`
adds the token, cached until near its expiry. The key itself only ever goes to IAM;
requests carry the token.

>>> from chatplex.messages import HumanMessage
>>> from chatplex.adapters.request_types import CallSettings
>>> adapter = WatsonxAdapter(
...     api_key="ibm-example", base_url="https://us-south.ml.cloud.ibm.com", project_id="p-1"
... )
>>> request = adapter.build_request(
...     [HumanMessage("Hi")], CallSettings(model="ibm/granite-3-8b-instruct"), stream=False
... )
>>> request.url
'https://us-south.ml.cloud.ibm.com/ml/v1/text/chat?version=2026-10-14'
>>> request.json
{'model_id': 'ibm/granite-3-8b-instruct', 'messages': [{'role': 'user', 'content': 'Hi'}], \
'project_id': 'p-1'}
"""

from __future__ import annotations

import copy
import dataclasses
import os
import time
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from ...adapters.base import Adapter
from ...adapters.base import CredentialFetch
from ...adapters.base_url import BaseURL
from ...adapters.base_url import take_base_url
from ...adapters.bodies import loads
from ...adapters.bodies import reply_status_error
from ...adapters.connection import ProviderHome
from ...adapters.connection import adapter_repr
from ...adapters.connection import held_headers
from ...adapters.connection import post_json
from ...adapters.headers import header_value
from ...adapters.keys import as_secret
from ...adapters.keys import key_digest
from ...adapters.keys import secret_header_names
from ...adapters.output_formats import openai_json_schema
from ...adapters.output_formats import response_format_schema
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
from ...secret.urls import url_with_query
from .auth import IAM_URL
from .auth import IAMToken
from .errors import ERROR_FAMILIES
from .errors import sdk_refusal
from .request import API_PARAMETERS
from .request import LEFT_OUT_BLOCKS
from .request import PASSED_BLOCKS
from .request import wire_body
from .response import PROVIDER
from .response import error_fields
from .response import parse_reply
from .stream import WatsonxStreamParser

__all__ = ["API_VERSION", "BASE_VARIABLE", "BLOCK_TYPES", "KEY_VARIABLES", "WatsonxAdapter"]

#: The API's `version` query parameter: the date of the API behaviour asked for (IBM's
#: API reference; any date since 2023-05-29 is accepted, this one has the chat API's
#: tools, reasoning and `time_limit`).
API_VERSION = "2026-10-14"
#: langchain-ibm's key variables: `WATSONX_API_KEY`, then the deprecated
#: `WATSONX_APIKEY`.
KEY_VARIABLES = ("WATSONX_API_KEY", "WATSONX_APIKEY")
#: langchain-ibm's variable of the service URL (`https://<region>.ml.cloud.ibm.com`).
BASE_VARIABLE = "WATSONX_URL"
#: Its variables of the project or space a call is billed to.
PROJECT_VARIABLE = "WATSONX_PROJECT_ID"
SPACE_VARIABLE = "WATSONX_SPACE_ID"
#: ibm-watsonx-ai's words refusing a call's `context` on a model (no deployment).
CONTEXT_REFUSED = (
    "The `context` parameter is only supported for inferring a chat prompt deployment."
)
#: Content blocks this adapter takes: text, images (by URL or data URL), those sent as
#: given (audio, video, files) and those left out (a model's reasoning).
BLOCK_TYPES = BlockTypes(
    frozenset({"text", "image_url", "image"}) | PASSED_BLOCKS | LEFT_OUT_BLOCKS
)


class WatsonxAdapter(Adapter):
    """IBM watsonx.ai's text chat wire.

    `base_url` is the service URL (`url=` in langchain-ibm: `https://us-south.ml.cloud.
    ibm.com` or another region), else `WATSONX_URL`. The call is billed to `space_id`
    (else `WATSONX_SPACE_ID`), else to `project_id` (else `WATSONX_PROJECT_ID`).
    Credentials: a bearer `token` given as it is (`WATSONX_TOKEN`), else an IBM Cloud API
    key (`api_key=`, else `WATSONX_API_KEY`, else `WATSONX_APIKEY`) exchanged at
    `iam_url` for a token, which is cached until near its expiry; else the URL's
    `user:password@` as Basic auth (a gateway in front of the service), as every wire
    sends a URL's user info.
    `default_headers=` are sent with every request (`secret_headers=` names the ones to
    mask). `clock` replaces the token cache's clock (tests).
    """

    base_url: str

    provider = PROVIDER
    #: The paths a call and a stream are sent to, under the service URL.
    paths = ("/ml/v1/text/chat", "/ml/v1/text/chat_stream")
    #: What langchain-ibm's users catch: ibm-watsonx-ai's classes, httpx's transport
    #: errors.
    error_families = ERROR_FAMILIES
    #: ibm-watsonx-ai's chat parameters and the tool fields.
    api_parameters = API_PARAMETERS
    #: langchain-ibm's `with_structured_output` default: a forced tool call, carrying the
    #: `strict` given (its `bind_tools(strict=...)`); no `parallel_tool_calls` sent.
    structured = StructuredProfile(
        method="function_calling", forced_tool_settings=True, single_call_models=frozenset()
    )
    #: The model a reply naming none is named by (`for_model`): langchain-ibm's
    #: `model_id`.
    model_asked: str | None = None

    def __init__(
        self,
        *,
        api_key: str | Secret | None = None,
        base_url: str | Secret | None = None,
        project_id: str | None = None,
        space_id: str | None = None,
        token: str | Secret | None = None,
        iam_url: str = IAM_URL,
        version: str = API_VERSION,
        default_headers: Mapping[str, str] | None = None,
        secret_headers: Sequence[str] = (),
        extra_block_types: Sequence[str] = (),
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        api_key = as_secret(api_key)  # rebound first: no local holds the key in clear
        token = as_secret(token)
        given = ProviderHome.take_url(base_url)  # rebound first, as the key
        del base_url
        url = given if given is not None else take_base_url(None, BASE_VARIABLE, "")
        if not url.shown:
            raise ValueError(
                "watsonx.ai needs its service URL: pass url=... (e.g. "
                f"'https://us-south.ml.cloud.ibm.com') or set {BASE_VARIABLE}"
            )
        where = BaseURL.parse(url, self.paths[0])
        stream_where = BaseURL.parse(url, self.paths[1])
        #: The service URL, credentials in its query masked.
        self.base_url = where.base_url
        query = self._query(version)
        self._urls = {
            False: (url_with_query(where.url, query), _held_query(where.secret_url, query)),
            True: (
                url_with_query(stream_where.url, query),
                _held_query(stream_where.secret_url, query),
            ),
        }
        #: The project or space its calls are billed to (`{"project_id": ...}` or
        #: `{"space_id": ...}`).
        self.scope = self._billed(project_id, space_id)
        if token is None:
            token = as_secret(os.environ.get("WATSONX_TOKEN"))
        if api_key is None and not token:
            api_key = next(
                (Secret(os.environ[v]) for v in KEY_VARIABLES if os.environ.get(v)), None
            )
        self._iam: IAMToken | None = None
        self._token: Secret | None = None
        if token:
            self._token = Secret(f"Bearer {token.get()}")
        elif api_key:
            self._iam = IAMToken(api_key, url=iam_url, clock=clock)
        elif where.basic_auth is not None:  # a gateway's user:password@ in the URL
            self._token = where.basic_auth
        else:
            raise MissingKeyError(
                "watsonx.ai needs credentials: pass api_key=... (an IBM Cloud API key) or "
                "token=..., or set " + " or ".join((*KEY_VARIABLES, "WATSONX_TOKEN")),
                adapter_class=type(self),
            )
        self._key_digest = key_digest(api_key or token, where)
        self._secret_names = secret_header_names(secret_headers)
        self.block_types = BLOCK_TYPES.plus(extra_block_types)
        headers: dict[str, Any] = {"content-type": "application/json"}
        self._headers = held_headers(headers, default_headers, self._secret_names)

    def __repr__(self) -> str:
        return adapter_repr(self, scope="scope", iam="_iam")

    def build_request(
        self, messages: list[BaseMessage], settings: CallSettings, *, stream: bool
    ) -> HTTPRequest:
        """Validate and translate one call; raises ValueError/TypeError before any I/O.
        The request has no credential yet: `authorize` adds the bearer token."""
        check_call(messages, provider=PROVIDER, block_types=self.block_types)
        body = self._body(messages, settings, stream)
        url, secret_url = self._urls[stream]
        return post_json(str(url), body, self._headers, self._secret_names, secret_url)

    def _body(
        self, messages: list[BaseMessage], settings: CallSettings, stream: bool
    ) -> dict[str, Any]:
        """The chat API's body: a call's and a stream's are the same."""
        return wire_body(messages, _without_context(settings), scope=self.scope)

    def _query(self, version: str) -> dict[str, str]:
        """The query every request carries: the API's `version`."""
        return {"version": version}

    def _billed(self, project_id: str | None, space_id: str | None) -> dict[str, str]:
        """The project or space a call is billed to, which the chat API requires."""
        return _scope(project_id, space_id)

    def authorize(self, request: HTTPRequest) -> HTTPRequest:
        """`request` with the bearer token: the one given, or IAM's, which the chat layer
        fetched first (`credential_fetch`)."""
        iam = self._iam
        token = self._token if iam is None else iam.authorization()
        if iam is not None and token is None:
            raise APIError(
                "no IBM Cloud IAM token is held: a chat model fetches one before each call "
                "(WatsonxAdapter.credential_fetch)",
                provider=PROVIDER,
            )
        return _with_authorization(request, token)

    def credential_fetch(self) -> CredentialFetch | None:
        """The IAM exchange to send before a call, None while its token is fresh (or a
        token was given as it is)."""
        return None if self._iam is None else self._iam.fetch()

    def credential_refused(self, request: HTTPRequest) -> bool:
        """A 401: the IAM token it carried is dropped, and a fresh one may succeed (a
        token revoked or expired early); a token given as it is cannot be renewed."""
        if self._iam is None:
            return False
        return self._iam.drop(header_value(request.headers, "authorization"))

    def for_model(self, model: str) -> WatsonxAdapter:
        """This adapter for one call to `model`: a reply naming no model is named by it
        (a shallow copy: credentials and token cache are shared)."""
        view = copy.copy(self)
        view.model_asked = model
        return view

    def parse_response(self, body: bytes, headers: Mapping[str, str]) -> AIMessage:
        """The reply of a non-stream call."""
        return parse_reply(body, self.model_asked)

    def stream_parser(self, headers: Mapping[str, str]) -> WatsonxStreamParser:
        """A fresh parser for one stream's events."""
        return WatsonxStreamParser()

    def map_error(self, status: int, body: bytes, headers: Mapping[str, str]) -> APIError:
        """A typed error from an error response (`{"errors": [{"code", "message"}],
        "trace", "status_code"}`); never raises."""
        data = loads(body)
        message, code, trace = error_fields(data)
        request_id = (
            header_value(headers, "x-global-transaction-id")
            or header_value(headers, "x-request-id")
            or trace
        )
        return reply_status_error(
            PROVIDER,
            status,
            body,
            headers,
            data=data,
            message=message,
            code=code,
            request_id=request_id,
        )

    def structured_output_settings(
        self, spec: Any, given: Any, method: str, strict: bool | None
    ) -> dict[str, Any]:
        """What `with_structured_output` binds for "json_mode" / "json_schema": the chat
        API's `response_format`, as langchain-ibm writes it: `{"type": "json_object"}`;
        for a pydantic model `{"type": "json_schema", "json_schema": {"name",
        "description": its docstring, "schema"}}`; for another schema OpenAI's form
        (`_json_schema_format`)."""
        if method == "json_mode":
            if strict is not None:
                raise ValueError("Argument `strict` is not supported with `method`='json_mode'")
            return {"response_format": {"type": "json_object"}}
        if spec.kind != "pydantic":
            return {"response_format": _json_schema_format(spec, given, strict)}
        fmt = {
            "name": spec.target.__name__,
            "description": spec.target.__doc__,
            "schema": spec.target.model_json_schema(),
        }
        return {"response_format": {"type": "json_schema", "json_schema": fmt}}

    def budget_key(self, model: str) -> tuple[str, ...]:
        """(provider, base_url, key digest or "", model): never the key itself."""
        return (PROVIDER, self.base_url, self._key_digest, model)


def _json_schema_format(spec: Any, given: Any, strict: bool | None) -> dict[str, Any]:
    """langchain-ibm's `response_format` for a schema that is not a pydantic model
    (`_convert_to_openai_response_format`, langchain-openai's): a response format given
    whole is sent as given, a ValueError where `strict` says otherwise than its own;
    another schema as its function, `strict` as given (else its own, else false), made
    strict (every property required, no other) when true."""
    wrapped = response_format_schema(given) if isinstance(given, Mapping) else None
    if wrapped is not None and strict is not None and wrapped.get("strict") is not strict:
        raise ValueError(
            f"Output schema already has 'strict' value set to {wrapped.get('strict')} but "
            f"'strict' also passed in to with_structured_output as {strict}. Please make "
            "sure that 'strict' is only specified in one place."
        )
    return openai_json_schema(spec, given, strict)


def _scope(project_id: str | None, space_id: str | None) -> dict[str, str]:
    """The project or space the calls are billed to, each from its argument, else its
    variable. A space wins wherever one is known: ibm-watsonx-ai's `ModelInference` sets
    its client's default space when it has one, and the project only when not."""
    space = space_id or os.environ.get(SPACE_VARIABLE)
    if space:
        return {"space_id": space}
    project = project_id or os.environ.get(PROJECT_VARIABLE)
    if project:
        return {"project_id": project}
    raise ValueError(
        "watsonx.ai bills a call to a project or a space: pass project_id=... or "
        f"space_id=..., or set {PROJECT_VARIABLE} or {SPACE_VARIABLE}"
    )


def _without_context(settings: CallSettings) -> CallSettings:
    """`settings` as ibm-watsonx-ai sends them for a model: a `context` (the variable of a
    chat prompt deployment's template) refused as its `chat()` refuses it, an empty one
    not sent."""
    if "context" not in settings.extra_body:
        return settings
    if settings.extra_body["context"]:
        raise sdk_refusal(CONTEXT_REFUSED)
    extra = {k: v for k, v in settings.extra_body.items() if k != "context"}
    return dataclasses.replace(settings, extra_body=extra)


def _held_query(url: Secret | None, query: Mapping[str, str]) -> Secret | None:
    if url is None:
        return None
    held = url_with_query(url, query)
    return held if isinstance(held, Secret) else Secret(held)


def _with_authorization(request: HTTPRequest, token: Secret | None) -> HTTPRequest:
    base = request.headers  # copied, not rebuilt: keeps the key-masking dict subclass
    headers = copy.copy(base) if isinstance(base, dict) else dict(base)
    for name in [k for k in headers if k.lower() == "authorization"]:
        del headers[name]
    if token is not None:
        headers["Authorization"] = token.get()
    return dataclasses.replace(request, headers=headers)
