"""Azure OpenAI: the Chat Completions wire behind Azure's URLs, keys and content filters.

The translation is the OpenAI adapter's (`AzureOpenAIAdapter` subclasses `OpenAIAdapter`);
what differs is where a request goes, how it is authorised, and what Azure adds to the
reply:

- URL, as the openai SDK's `AzureOpenAI` builds it: a deployment URL
  `{azure_endpoint}/openai/deployments/{deployment}/chat/completions?api-version=...`,
  the deployment being `azure_deployment=` or else the model name (the SDK puts the
  body's `model` into the path the same way, so `init_chat_model("azure_openai:my-gpt4o")`
  calls deployment `my-gpt4o`). Azure's newer v1 API, `{azure_endpoint}/openai/v1/chat/
  completions` (the deployment goes as `model` in the body), is used when `api_version`
  is "v1", "preview" or "latest" (sent as `?api-version=preview` / `latest`), when the
  endpoint already ends in `/openai/v1`, or when no version is given at all (the SDK
  raises there; the v1 API is the one that needs no version). `base_url=` is taken as
  given (with `?api-version=`), the deployment inserted after it unless it names one or
  is a v1 URL, as the SDK does.
- Auth: `api_key` (or `AZURE_OPENAI_API_KEY`) as the `api-key` header; an Entra ID
  token as `Authorization: Bearer`: `azure_ad_token` (or `AZURE_OPENAI_AD_TOKEN`, which
  wins over the key variable, as in the SDK), or `azure_ad_token_provider`, a function
  called for every call (sync calls, and async calls without an async provider), and
  `azure_ad_async_token_provider`, awaited for every async call. Tokens are kept as
  `Secret`s or behind the provider, never in a repr, log or error. Giving two explicit
  credentials is a ValueError, as in the SDK; none for an Azure host is chatplex's
  `MissingKeyError` (the drop-in raises the SDK's `OpenAIError`, as its partner).
- The environment's credentials go to the endpoint, as the SDK sends them; under
  chatplex's option `CHATPLEX_HOLD_ENVIRONMENT_KEY=1` only to Azure: to the endpoint from
  `AZURE_OPENAI_ENDPOINT`, and to `*.openai.azure.com`, `*.cognitiveservices.azure.com`
  and `*.services.ai.azure.com` hosts; an endpoint or base URL written in code for any
  other host (a gateway, a mock) then gets only an explicit credential
  (`base.environment_key`'s policy). `OPENAI_API_KEY` is never sent to Azure (LangChain
  still falls back to it).
- Content filters: `response_metadata["prompt_filter_results"]` and, per choice,
  `response_metadata["content_filter_results"]`, as langchain-openai keeps them; a
  stream's chunks keep neither, as langchain-openai's do not. A refusal by the filter is
  a `ContentFilterError` carrying the results: HTTP 400 with code `content_filter` (also
  an `openai.BadRequestError`), or a reply whose finish_reason is `content_filter`
  (the typed error, `status` None, also an `openai.APIError`). Under LangChain's name
  (`AzureChatOpenAI`'s drop-in: its partner record's `partner_reading`) such a reply
  reads as langchain-openai's: an invoke raises its ValueError, a stream ends without
  error, its finish reason in the metadata. The results and refusals are
  `azure_filters.py`'s.

>>> from chatplex.messages import HumanMessage
>>> from chatplex.adapters.request_types import CallSettings
>>> adapter = AzureOpenAIAdapter(
...     azure_endpoint="https://res.openai.azure.com", api_version="2024-10-21", api_key="k"
... )
>>> adapter.build_request([HumanMessage("Hi")], CallSettings(model="gpt4o"), stream=False).url
'https://res.openai.azure.com/openai/deployments/gpt4o/chat/completions?api-version=2024-10-21'
"""

from __future__ import annotations

import copy
import dataclasses
import inspect
import os
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from urllib.parse import quote
from urllib.parse import urlencode
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

from ...adapters.base_url import BaseURL
from ...adapters.bodies import loads
from ...adapters.connection import set_header
from ...adapters.headers import header_value
from ...adapters.keys import as_secret
from ...adapters.keys import hold_secrets
from ...adapters.keys import holds_environment_key
from ...adapters.keys import key_digest
from ...adapters.request_types import CallSettings
from ...adapters.request_types import HTTPRequest
from ...adapters.validate import check_headers
from ...errors import APIError
from ...errors import MissingKeyError
from ...messages import AIMessage
from ...messages import BaseMessage
from ...sdk_error_families import ErrorFamily
from ...secret import Secret
from ...secret.urls import encoded_query
from ...secret.urls import hold_url
from ...secret.urls import joined_held
from ...secret.urls import query_with
from ...secret.urls import redact_url
from ...secret.urls import shown_url
from ...secret.urls import take_url_credentials
from ...secret.urls import with_userinfo
from .adapter import OpenAIAdapter
from .azure_filters import FILTERED
from .azure_filters import PARTNER_READING_FAMILIES
from .azure_filters import AzureStreamParser
from .azure_filters import filter_error
from .azure_filters import value_error
from .azure_filters import withheld_reply
from .errors import CHAT_ERROR_FAMILIES
from .response import OTHER_CANDIDATES

if TYPE_CHECKING:
    from ...adapters.batch_api import Limits
    from .azure_batch import AzureBatches

__all__ = [
    "AZURE_HOST_SUFFIXES",
    "AsyncTokenProvider",
    "AzureOpenAIAdapter",
    "TokenProvider",
]

#: Hosts the environment's Azure credentials may go to (besides AZURE_OPENAI_ENDPOINT's).
AZURE_HOST_SUFFIXES = (
    ".openai.azure.com",
    ".cognitiveservices.azure.com",
    ".services.ai.azure.com",
)
#: `api_version` values that mean Azure's v1 API (`/openai/v1/...`); the last two are
#: sent as `?api-version=`, as Azure's v1 preview features ask.
_V1_VERSIONS = {"v1": None, "preview": "preview", "latest": "latest"}
TokenProvider = Callable[[], str]
AsyncTokenProvider = Callable[[], "str | Awaitable[str]"]


#: The one model langchain-openai's AzureChatOpenAI sends `parallel_tool_calls` for by
#: default (its `disabled_params` leave the parameter out of structured output for every
#: other model name, and when no model is named).
PARALLEL_CALLS_MODEL = "gpt-4o"
#: OpenAI's structured output where the body names the model, and where it does not
#: (a deployment's URL: no model's name is known, so no single call is asked).
_SINGLE_CALL_GPT_4O = dataclasses.replace(
    OpenAIAdapter.structured, single_call_models=frozenset({PARALLEL_CALLS_MODEL})
)
_NO_SINGLE_CALL = dataclasses.replace(OpenAIAdapter.structured, single_call_models=frozenset())


class AzureOpenAIAdapter(OpenAIAdapter):
    """Chat Completions on Azure OpenAI (see the module docstring for URLs, auth and
    content filters). Everything else (messages, tools, streams, usage) is the OpenAI
    adapter's."""

    #: The token providers workload identity gave where no credential was (its drop-in's
    #: fallback, as langchain-openai's validator's; its fields then hold them).
    workload_token_provider: TokenProvider | None = None
    workload_async_token_provider: AsyncTokenProvider | None = None

    #: Whether a reply Azure's filter withheld (finish_reason `content_filter`) raises
    #: `ContentFilterError`; False on the copy its partner record's `partner_reading` gives.
    withheld_raises = True
    #: Whether a whole reply it withheld raises so; False on the copy a drop-in's call with
    #: a `response_format` reads it with (`partner.py`), whose partner's SDK parse() raises
    #: its own error for it (`PartnerTraits.content_filter_error`).
    withheld_reply_raises = True

    #: The provider name `init_chat_model` knows it by (`provider` is the wire's, "openai":
    #: the OpenAI SDK's errors, structured-output method and metadata apply).
    registry_name = "azure_openai"
    #: The Chat Completions wire's (a 200 error body langchain-openai's ValueError), and a
    #: filtered reply is also the ValueError that langchain-openai raises for it (its
    #: `except ValueError:` catches it), after the SDK's APIError.
    error_families: tuple[ErrorFamily, ...] = (
        *CHAT_ERROR_FAMILIES,
        ErrorFamily("builtins", value_error),
    )

    def __init__(
        self,
        *,
        azure_endpoint: str | Secret | None = None,
        azure_deployment: str | None = None,
        api_version: str | None = None,
        api_key: str | Secret | None = None,
        azure_ad_token: str | Secret | None = None,
        azure_ad_token_provider: TokenProvider | None = None,
        azure_ad_async_token_provider: AsyncTokenProvider | None = None,
        base_url: str | Secret | None = None,
        organization: str | None = None,
        project: str | None = None,
        default_headers: Mapping[str, str] | None = None,
        include_usage: bool = True,
        secret_headers: Sequence[str] = (),
        extra_block_types: Sequence[str] = (),
        completion_tokens: bool | None = None,
        model_version: str = "",
        body_model: bool = True,
        default_query: Mapping[str, Any] | None = None,
    ) -> None:
        # Rebound first: no local of this frame holds a credential in clear.
        azure_endpoint, base_url = hold_url(azure_endpoint), hold_url(base_url)
        api_key, azure_ad_token = as_secret(api_key), as_secret(azure_ad_token)
        explicit = _explicit_credentials(
            api_key, azure_ad_token, azure_ad_token_provider, azure_ad_async_token_provider
        )
        if not api_version:  # (an empty one, a script's unset variable: none given)
            api_version = os.environ.get("OPENAI_API_VERSION") or None
        self.api_version = api_version
        self.azure_deployment = azure_deployment or None
        azure_endpoint, from_env = _endpoint(azure_endpoint, base_url)
        self.azure_endpoint = azure_endpoint
        if azure_deployment:
            azure_deployment = quote(azure_deployment, safe="")
        self._prefix, query, self.v1 = _url_parts(
            azure_endpoint, base_url, azure_deployment, api_version, default_query or {}
        )
        self._query = query  # "?api-version=...", and what else the URL's query had
        #: Whether the deployment in the URL is each call's model name (as the SDK does
        #: without azure_deployment=): not for the v1 API nor a base_url naming one.
        self._per_model = not (
            self.v1
            or azure_deployment
            or "/deployments/" in urlsplit(shown_url(self._prefix)).path + "/"
        )
        super().__init__(
            api_key="",  # no Bearer key: Azure's credentials are set below
            base_url=self._deployment_base(azure_deployment or ""),
            organization=organization,
            project=project,
            default_headers=None,
            include_usage=include_usage,
            secret_headers=secret_headers,
            extra_block_types=extra_block_types,
            completion_tokens=completion_tokens,
        )
        host = urlsplit(self.base_url).hostname or ""
        azure_host = host.endswith(AZURE_HOST_SUFFIXES)
        env_allowed = from_env or azure_host or not holds_environment_key()
        if not explicit and env_allowed:  # see the module docstring
            azure_ad_token = as_secret(os.environ.get("AZURE_OPENAI_AD_TOKEN") or None)
            if azure_ad_token is None:
                api_key = as_secret(os.environ.get("AZURE_OPENAI_API_KEY") or None)
        if not (api_key or azure_ad_token or explicit) and azure_host:
            raise MissingKeyError(
                "Azure OpenAI credentials missing: pass api_key=, azure_ad_token= or "
                "azure_ad_token_provider=, or set AZURE_OPENAI_API_KEY or AZURE_OPENAI_AD_TOKEN",
                adapter_class=type(self),
            )
        self._token_provider = azure_ad_token_provider
        self._async_token_provider = azure_ad_async_token_provider
        self.model_version = model_version
        #: Whether the body names the model: always on the v1 API (it is the deployment
        #: there); on a deployment URL only when the caller gave one, as langchain-openai.
        self._body_model = body_model or self.v1
        #: OpenAI's, the forced tool asking for a single call (`parallel_tool_calls=False`)
        #: only for a model named "gpt-4o" (a deployment's name is not the model's), as
        #: AzureChatOpenAI's default `disabled_params`.
        self.structured = _SINGLE_CALL_GPT_4O if self._body_model else _NO_SINGLE_CALL
        self._api_key = api_key or None
        self._ad_token = azure_ad_token or None
        self._key_digest = key_digest(
            self._api_key or self._ad_token,
            BaseURL.parse(self.secret_base_url or self.base_url, "/chat/completions"),
        )
        self._withheld = _withheld_note(explicit, env_allowed)
        check_headers(default_headers, "default_headers")
        self._headers = hold_secrets(self._azure_headers(default_headers), self._secret_names)
        self._bases: dict[str, BaseURL] = {}

    def _azure_headers(self, default_headers: Mapping[str, str] | None) -> dict[str, Any]:
        """The OpenAI adapter's headers with Azure's credential header; the caller's
        `default_headers` replace any of them whatever their case."""
        headers: dict[str, Any] = dict(self._headers)
        credential: tuple[str, Secret] | None = None
        if self._ad_token:
            credential = ("Authorization", Secret(f"Bearer {self._ad_token.get()}"))
        elif self._api_key:
            credential = ("api-key", self._api_key)
        # The caller's held first (a header carrying the key too): no local holds one.
        keys = (credential[1],) if credential else ()
        held = hold_secrets(default_headers or {}, self._secret_names, keys)
        for name, value in [*([credential] if credential else []), *held.items()]:
            set_header(headers, name, value)
        return headers

    def __repr__(self) -> str:
        # Never raises, never shows a credential (only whether a token provider is set).
        base_url = getattr(self, "base_url", None)
        provider = getattr(self, "_token_provider", None) or getattr(
            self, "_async_token_provider", None
        )
        return (
            f"AzureOpenAIAdapter(base_url={base_url and redact_url(base_url)!r}, "
            f"api_version={getattr(self, 'api_version', None)!r}, "
            f"api_key={getattr(self, '_api_key', None)!r}, "
            f"azure_ad_token={getattr(self, '_ad_token', None)!r}, "
            f"azure_ad_token_provider={'<set>' if provider else None})"
        )

    # -- request ---------------------------------------------------------------------------

    def _deployment_base(self, deployment: str) -> str | Secret:
        if self.v1 or not deployment:
            return joined_held(self._prefix, self._query)  # v1, a base_url naming its own
        return joined_held(self._prefix, f"/deployments/{deployment}", self._query)

    def _where(self, model: str) -> BaseURL:
        """The URL of one deployment (the model's name, without azure_deployment=)."""
        found = self._bases.get(model)
        if found is None:
            deployment = quote(model, safe="")
            found = BaseURL.parse(self._deployment_base(deployment), "/chat/completions")
            if len(self._bases) < 256:  # a few deployments per adapter; bounded anyway
                self._bases[model] = found
        return found

    def build_request(
        self, messages: list[BaseMessage], settings: CallSettings, *, stream: bool
    ) -> HTTPRequest:
        """The OpenAI adapter's request, sent to the deployment's URL."""
        request = super().build_request(messages, settings, stream=stream)
        # The deployment taken as the model is not named in the body (its `model` null, as
        # langchain-openai's payload sends an unset model_name); another model than
        # `azure_deployment=` (a call's, a copy's `model_copy(update={"model_name": ...})`)
        # is, as that payload names it.
        deployment = self.azure_deployment
        if not self._body_model and (deployment is None or settings.model in (None, deployment)):
            request = dataclasses.replace(request, json={**request.json, "model": None})
        if not self._per_model:
            return request  # the URL does not depend on the model
        if request.json.get("model") is None:
            # The SDK's deployment path is the body's model: with none (langchain-openai's
            # class named no model nor deployment), the endpoint's URL as it is.
            return request
        where = self._where(settings.model)
        return dataclasses.replace(request, url=where.url, secret_url=where.secret_url)

    def responses_where(self) -> BaseURL:
        """Where Azure's Responses API is, as the openai SDK's `AzureOpenAI` sends it:
        `{azure_endpoint}/openai/responses?api-version=...` (not under the deployment,
        which goes as the body's `model`), `.../openai/v1/responses` on the v1 API, or
        `{base_url}/responses`."""
        return BaseURL.parse(joined_held(self._prefix, self._query), "/responses")

    def authorize(self, request: HTTPRequest) -> HTTPRequest:
        """`request` with a fresh token from `azure_ad_token_provider` (sync calls);
        unchanged without a provider. Called by the chat model for every call."""
        if self._token_provider is None:
            if self._async_token_provider is not None:
                raise ValueError(
                    "azure_ad_async_token_provider serves async calls only (ainvoke, "
                    "astream...); pass azure_ad_token_provider= for sync calls"
                )
            return request
        return _with_token(request, _checked_token(self._token_provider()))

    async def aauthorize(self, request: HTTPRequest) -> HTTPRequest:
        """`request` with a fresh token for an async call: from the async provider
        (awaited), else from the sync one."""
        provider = self._async_token_provider or self._token_provider
        if provider is None:
            return request
        token = provider()
        if inspect.isawaitable(token):
            token = await token
        return _with_token(request, _checked_token(token))

    # -- Batch API (chatplex.batches) -----------------------------------------------------

    @property
    def batch_endpoint(self) -> str:
        """The `url` of Batch API request lines, as Azure's docs write them."""
        return "/v1/chat/completions" if self.v1 else "/chat/completions"

    def batch_base_url(self) -> Secret:
        """Where the resource's `/files` and `/batches` are (`{endpoint}/openai`, or
        `.../openai/v1`): not under a deployment; with the query every call carries
        (`?api-version=`, and a credential the URL gave: held, the transport sends it)."""
        parts = urlsplit(shown_url(self._prefix))
        path = parts.path.split("/deployments/", 1)[0]
        netloc = parts.netloc.rpartition("@")[2]  # user info goes as a header, not here
        return Secret(urlunsplit((parts.scheme, netloc, path, "", "")) + self._query.get())

    def batch_api_for(self, model: str, limits: Limits | None = None) -> AzureBatches:
        """Azure OpenAI's Batch API (the resource's `/files` and `/batches`, each line's
        model its deployment), as `submit_batch` asks it."""
        from .azure_batch import AzureBatches  # loaded with the first batch

        return AzureBatches(self, limits) if limits else AzureBatches(self)

    # -- responses -------------------------------------------------------------------------

    def parse_response(self, body: bytes, headers: Mapping[str, str]) -> AIMessage:
        """The OpenAI reply plus Azure's filter results; a filtered reply raises
        `ContentFilterError`."""
        message = super().parse_response(body, headers)
        request_id = header_value(headers, "apim-request-id")  # Azure's, when no x-request-id
        if request_id and "request_id" not in message.response_metadata:
            message.response_metadata["request_id"] = request_id
        data = loads(body)
        if not isinstance(data, dict):
            return message
        choices = sorted(
            (c for c in data.get("choices") or () if isinstance(c, dict)),
            key=lambda c: c.get("index") or 0,
        )
        candidates = [message, *message.response_metadata.get(OTHER_CANDIDATES, ())]
        for candidate, choice in zip(candidates, choices, strict=False):
            candidate.response_metadata["content_filter_results"] = (
                choice.get("content_filter_results") or {}
            )
            self._versioned(candidate.response_metadata)
        if "prompt_filter_results" in data:
            message.response_metadata["prompt_filter_results"] = data["prompt_filter_results"]
        for choice in choices:
            if choice.get("finish_reason") == FILTERED and self.withheld_reply_raises:
                raise withheld_reply(message.response_metadata, choice, headers)
        return message

    def stream_parser(self, headers: Mapping[str, str]) -> AzureStreamParser:
        """A fresh parser for one stream's events, keeping the filter results."""
        return AzureStreamParser(
            header_value(headers, "x-request-id"),
            sdk_events=self.reads_sdk_events,
            withheld_raises=self.withheld_raises,
            headers=self.kept_headers(headers),
        )

    def map_error(self, status: int, body: bytes, headers: Mapping[str, str]) -> APIError:
        """The OpenAI adapter's typed error; Azure's content-filter 400 as
        `ContentFilterError` carrying `innererror.content_filter_result`."""
        error = super().map_error(status, body, headers)
        found = error.body.get("error") if isinstance(error.body, dict) else None
        if isinstance(found, dict):
            error.body = found  # the openai SDK's `body`: the `error` object
        return filter_error(error) if error.code == FILTERED else error

    def _versioned(self, meta: dict[str, Any]) -> None:
        # langchain-openai's model_version: Azure omits it, prices need it.
        name = meta.get("model_name")
        if self.model_version and name:
            meta["model_name"] = f"{name}-{self.model_version.lstrip('-')}"


class _PartnerReadingAzureAdapter(AzureOpenAIAdapter):
    """The `partner_reading` copy (`partner.py`): a withheld reply read as
    langchain-openai's AzureChatOpenAI reads it."""

    withheld_raises = False
    error_families = PARTNER_READING_FAMILIES


def _url_parts(
    endpoint: str | Secret | None,
    base_url: str | Secret | None,
    deployment: str | None,
    api_version: str | None,
    default_query: Mapping[str, Any],
) -> tuple[str | Secret, Secret, bool]:
    """(URL up to where the deployment goes, "?api-version=..." or "", v1 API?): the
    first held (a `Secret`) when the URL had user info, the second always (its query may
    carry a credential, `?code=`). The URL's own query comes first, then `default_query`
    (as the SDK adds it), then the version. No local holds a credential in clear."""
    given = base_url if base_url is not None else endpoint
    if not isinstance(given, (str, Secret)) or not given:
        raise TypeError(f"azure_endpoint / base_url must be a URL (str), got {given!r}")
    if base_url is not None and deployment:
        raise ValueError(
            "azure_deployment= goes with azure_endpoint=, not base_url= (a base_url names "
            "its deployment: https://<resource>.openai.azure.com/openai/deployments/<name>)"
        )
    taken = take_url_credentials(given)
    del given
    parts = urlsplit(taken.shown)  # no user info; a credential in the query masked
    path = parts.path.rstrip("/")
    v1 = api_version is None or api_version in _V1_VERSIONS or path.endswith("/openai/v1")
    if base_url is None and not path.endswith("/openai/v1"):
        path += "/openai/v1" if v1 else "/openai"
    version = _V1_VERSIONS.get(api_version or "v1") if v1 else api_version
    added = (encoded_query(default_query), urlencode({"api-version": version}) if version else "")
    query = query_with(taken, "&".join(part for part in added if part))
    prefix = urlunsplit((parts.scheme, parts.netloc, path, "", ""))
    return with_userinfo(prefix, taken.userinfo), query, v1


def _checked_token(token: Any) -> str:
    if not isinstance(token, str) or not token:
        raise ValueError("azure_ad_token_provider must return a non-empty str token")
    return token


def _with_token(request: HTTPRequest, token: str) -> HTTPRequest:
    base = request.headers  # copied, not rebuilt: keeps the key-masking dict subclass
    headers = copy.copy(base) if isinstance(base, dict) else dict(base)
    for name in [k for k in headers if k.lower() in ("authorization", "api-key")]:
        del headers[name]
    headers["Authorization"] = f"Bearer {token}"
    del token
    return dataclasses.replace(request, headers=headers)


def _withheld_note(explicit: list[str], env_allowed: bool) -> str:
    if explicit or env_allowed:
        return ""
    if not (os.environ.get("AZURE_OPENAI_API_KEY") or os.environ.get("AZURE_OPENAI_AD_TOKEN")):
        return ""
    return (
        " (no credential was sent: AZURE_OPENAI_API_KEY / AZURE_OPENAI_AD_TOKEN go only to "
        "Azure hosts or to the endpoint from AZURE_OPENAI_ENDPOINT; pass api_key= to send "
        "one to this server)"
    )


def _explicit_credentials(
    api_key: Secret | None,
    token: Secret | None,
    provider: TokenProvider | None,
    async_provider: AsyncTokenProvider | None,
) -> list[str]:
    """The names of the credentials given in code; more than one is a ValueError (the
    SDK's rule), a provider that is not callable a TypeError."""
    for name, given in (
        ("azure_ad_token_provider", provider),
        ("azure_ad_async_token_provider", async_provider),
    ):
        if given is not None and not callable(given):
            raise TypeError(f"{name} must be a function returning a token")
    candidates = (
        ("api_key", api_key),
        ("azure_ad_token", token),
        ("azure_ad_token_provider", provider or async_provider),
    )
    explicit = [name for name, value in candidates if value is not None]
    if len(explicit) > 1:
        raise ValueError(
            f"pass one Azure credential, not {' and '.join(explicit)} "
            "(api_key, azure_ad_token and the token providers are mutually exclusive)"
        )
    return explicit


def _endpoint(
    azure_endpoint: str | Secret | None, base_url: str | Secret | None
) -> tuple[str | Secret | None, bool]:
    """(the endpoint, whether it came from AZURE_OPENAI_ENDPOINT); None with base_url=."""
    if base_url is not None:
        if azure_endpoint is not None:
            raise ValueError("pass azure_endpoint= or base_url=, not both")
        return None, False
    if azure_endpoint:  # (an empty one, a script's unset variable: none given)
        return azure_endpoint, False
    from_env = hold_url(os.environ.get("AZURE_OPENAI_ENDPOINT")) or None
    if from_env is None:
        raise ValueError(
            "Azure OpenAI needs azure_endpoint= (https://<resource>.openai.azure.com), "
            "the AZURE_OPENAI_ENDPOINT variable, or base_url="
        )
    return from_env, True
