"""Vertex AI's Gemini models (`VertexAIAdapter`): the Gemini wire (`adapter._GoogleWire`)
at Vertex AI's URLs, with its credentials (google-auth's bearer token, or an express-mode
API key), its model resource names (`vertex_model_name`) and its replies' metadata in
langchain-google-vertexai's shape (`vertex_reply.py`).

>>> from chatplex.messages import HumanMessage
>>> from chatplex.adapters.request_types import CallSettings
>>> adapter = VertexAIAdapter(api_key="AQ-example", location="global")
>>> adapter.build_request(
...     [HumanMessage("Hi")], CallSettings(model="gemini-2.5-flash"), stream=False
... ).url
'https://aiplatform.googleapis.com/v1/publishers/google/models/gemini-2.5-flash:generateContent'
"""

from __future__ import annotations

import copy
import dataclasses
import os
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from urllib.parse import quote

from ...adapters.base_url import BaseURL
from ...adapters.base_url import take_base_url
from ...adapters.bodies import loads
from ...adapters.headers import header_value
from ...adapters.keys import as_secret
from ...adapters.request_types import CallSettings
from ...errors import APIError
from ...messages import AIMessage
from ...messages import BaseMessage
from ...secret import Secret
from ...secret.urls import hold_url
from .adapter import _GoogleWire
from .adapter import _model_path
from .adapter import checked_api_version
from .adapter import checked_location
from .errors import VERTEX_ERROR_FAMILIES
from .openapi_schema import openapi_parameters
from .request import vertex_builtin_tool
from .response import OTHER_CANDIDATES
from .stream import GeminiStreamParser
from .vertex_auth import VertexAuth
from .vertex_auth import authorized
from .vertex_auth import keyed_headers
from .vertex_cache import cached_request
from .vertex_literal import literal_messages
from .vertex_reply import VertexStreamParser
from .vertex_reply import plain_texts
from .vertex_reply import vertex_metadata
from .vertex_reply import vertex_signed_texts

if TYPE_CHECKING:
    from typing import Self

    from ...adapters.batch_api import Limits
    from .batch import GeminiBatches

__all__ = ["VertexAIAdapter", "vertex_model_name"]


def vertex_model_name(
    model: str, project: str | None, location: str | None, *, express: bool = False
) -> str:
    """A Vertex AI model's resource name, by langchain-google-vertexai's rule (its
    `full_model_name`): a bare name or `models/<m>` is Google's, `publishers/google/
    models/<m>`; a publisher's model goes under `projects/<project>/locations/
    <location>/` (not in express mode, whose paths name no project); any other path (a
    tuned model's endpoint) is kept."""
    if "/" not in model:
        model = f"publishers/google/models/{model}"
    if model.startswith("models/"):
        model = f"publishers/google/{model}"
    if model.startswith("publishers/") and not express:
        return f"projects/{project}/locations/{location}/{model}"
    return model


class VertexAIAdapter(_GoogleWire):
    """Vertex AI's Gemini models: the Gemini wire at
    `https://{location}-aiplatform.googleapis.com/v1/projects/{project}/locations/
    {location}/publishers/google/models/{model}:generateContent` (location "global":
    `aiplatform.googleapis.com`).

    Credentials: `credentials=` (a google-auth credentials object), else Application
    Default Credentials (`google.auth.default()`, the extra `chatplex[vertexai]`); the
    request carries `Authorization: Bearer <token>`, the token refreshed by google-auth
    when it has expired (the one I/O of this adapter, done by `build_request` before
    the request is described; never logged). `project` from `project=`,
    `GOOGLE_CLOUD_PROJECT`, or the credentials; `location` from `location=`,
    `GOOGLE_CLOUD_LOCATION`, else "us-central1" (LangChain's default).

    Express mode: `api_key=` (a Vertex AI API key) instead of credentials sends
    `x-goog-api-key` to `https://aiplatform.googleapis.com/v1/publishers/google/models/
    {model}:generateContent`, no project needed.

    `own_jwt=True`: a service account signs its own JWT (`VertexAuth`), as a drop-in's
    partner does.

    A model named by a resource path of its own (a tuned model's endpoint,
    `projects/<p>/locations/<l>/endpoints/<id>`) is called at that path
    (`{base}/{api_version}/{path}:generateContent`), as the aiplatform client routes it.
    `resource=`: the resource every call goes to, whatever model it names
    (langchain-google-vertexai's `full_model_name`, from its `tuned_model_name=`).
    `as_partner=True` (a drop-in's): replies as langchain-google-vertexai gives them. A
    reply's `model_name` is the model asked, not the reply's `modelVersion` (its
    `model_name` field, which a tuned model's endpoint or a resource path given as the
    model is); its grounding and citation metadata are aiplatform's proto types dumped
    (`vertex_reply.proto_form`), which chatplex's own family leaves as sent, whatever is
    installed.
    """

    provider = "google_vertexai"
    _other_parts = "vertex"  # code execution and images read as langchain-google-vertexai
    #: A drop-in's `bind_tools([], tool_choice="any")` is bound and sent as mode ANY with
    #: no function declared, as langchain-google-vertexai sends it (its 'required' as a
    #: function named 'required', which Vertex AI refuses: chatplex's ANY for it too).
    keeps_choice_without_tools = True
    error_families = VERTEX_ERROR_FAMILIES  # google-api-core's, as the aiplatform client
    #: The model asked for (`for_model`); None on the shared adapter. A reply without
    #: `modelVersion` is named by it, as langchain-google-vertexai names it.
    model: str | None = None
    #: langchain-google-vertexai's `full_model_name` field as its drop-in shows it (set by
    #: its `build`: `vertex_dropin.py`); None elsewhere. Shown, never sent.
    partner_full_model_name: str | None = None
    #: Whether a message's text is read as a Python literal before it is written
    #: (`vertex_literal.py`: its drop-in's `perform_literal_eval_on_string_raw_content`,
    #: set by its `build`); False elsewhere.
    reads_literals = False
    _one_tool = True
    _vertex_history = True
    _vertex = True

    def _parameters_subset(self, schema: Mapping[str, Any]) -> dict[str, Any] | None:
        """As langchain-google-vertexai converts them (it keeps and drops other keys
        than langchain-google-genai)."""
        return openapi_parameters(schema)

    def parallel_tool_calls_body(self, parallel: bool, tool_choice: str | None) -> dict[str, Any]:
        """Vertex AI has no such setting, and langchain-google-vertexai sends nothing of
        it (bound, it is dropped without a word): nor does this adapter."""
        return {}

    def builtin_tool(self, tool: Mapping[str, Any]) -> dict[str, Any] | None:
        """Vertex AI's built-in tools (`{"google_search": {}}`, code_execution, retrieval,
        google_search_retrieval; `request.vertex_builtin_tool`), sent merged into one tool
        with the functions, as langchain-google-vertexai sends them."""
        return vertex_builtin_tool(tool)

    def __init__(
        self,
        *,
        project: str | None = None,
        location: str | None = None,
        credentials: Any = None,
        api_key: str | Secret | None = None,
        base_url: str | Secret | None = None,
        api_version: str = "v1",
        default_headers: Mapping[str, str] | None = None,
        secret_headers: Sequence[str] = (),
        extra_block_types: Sequence[str] = (),
        own_jwt: bool = False,
        resource: str | None = None,
        as_partner: bool = False,
    ) -> None:
        base_url = hold_url(base_url)  # rebound first: no local holds a credential in clear
        api_key = as_secret(api_key) or None
        if api_key is not None and credentials is not None:
            raise ValueError("pass credentials= or api_key= (express mode), not both")
        location = checked_location(
            location or os.environ.get("GOOGLE_CLOUD_LOCATION") or "us-central1"
        )
        self.location = location
        self.api_version = checked_api_version(api_version, "'v1' or 'v1beta1'")
        self.resource = resource
        self._as_partner = as_partner
        self._auth: VertexAuth | None = None
        if api_key is None:
            self._auth = VertexAuth(credentials, project, own_jwt)
            project = self._auth.project
        self.project = project
        host = "aiplatform.googleapis.com"
        if location != "global":
            host = f"{location}-{host}"
        if api_key is not None:
            prefix = f"/{api_version}/publishers/google/models"
        else:
            prefix = (
                f"/{api_version}/projects/{quote(project or '', safe='')}/locations/"
                f"{location}/publishers/google/models"
            )
        parts = take_base_url(base_url, "GOOGLE_VERTEX_BASE_URL", f"https://{host}")
        where = BaseURL.parse(parts, prefix)
        self._api_key = api_key
        self._key_digest, headers = keyed_headers(api_key, self._auth, where)
        self._route(
            where,
            prefix,
            headers,
            default_headers=default_headers,
            secret_headers=secret_headers,
            extra_block_types=extra_block_types,
        )

    def _body(self, messages: list[BaseMessage], settings: CallSettings) -> dict[str, Any]:
        """The Gemini wire's body, read as Vertex AI reads a cached request
        (`vertex_cache.py`); a drop-in's `logprobs` as its partner reads it, and its
        messages' text as literals where it reads them (`reads_literals`)."""
        if self.reads_literals:
            messages = literal_messages(messages)
        if self._as_partner and "logprobs" in settings.extra_body:
            settings = partner_logprobs(settings)
        return cached_request(super()._body(messages, settings), self.project, self.location)

    def full_model_name(self, model: str) -> str:
        """The model's resource name as a Vertex AI body names it (`vertex_model_name`;
        in express mode without the project, as its path)."""
        express = self._api_key is not None
        return vertex_model_name(model, self.project, self.location, express=express)

    def called_resource(self, model: str) -> str:
        """The resource a call to `model` goes to: `resource` where given, else the
        model's resource name."""
        return self.resource or self.full_model_name(model)

    def _model_route(self, model: str) -> str:
        """The path of the resource a call to `model` goes to (`called_resource`)."""
        return f"/{self.api_version}/{_model_path(self.called_resource(model))}"

    def for_model(self, model: str) -> Self:
        """This adapter for one call to `model`: a reply naming no model is named by it
        (a shallow copy: credentials and endpoint are shared)."""
        view = copy.copy(self)
        view.model = model
        return view

    def parse_response(self, body: bytes, headers: Mapping[str, str]) -> AIMessage:
        """As the Gemini wire's, with `response_metadata` in langchain-google-vertexai's
        shape (`vertex_reply.py`)."""
        try:
            reply = super().parse_response(body, headers)
        except APIError as error:
            # langchain-google-vertexai reads a 200 whose body is an error payload into an
            # empty response and sends it once: under its name, a 429 or 5xx code in it
            # is not retried either.
            error.retryable = error.retryable and not self._as_partner
            raise
        data = loads(body)
        version = self.api_version
        reply.content = vertex_signed_texts(plain_texts(reply.content))
        metas = [reply.response_metadata]
        for other in reply.response_metadata.get(OTHER_CANDIDATES) or ():
            other.response_metadata["provider"] = self.provider
            other.response_metadata["model_provider"] = self.provider
            metas.append(other.response_metadata)
        for position, meta in enumerate(metas):
            vertex_metadata(
                meta, data, position, streaming=False, version=version, proto=self._as_partner
            )
            if meta.get("model_name") is None or (self._as_partner and self.model):
                meta["model_name"] = self.model
        return reply

    def stream_parser(self, headers: Mapping[str, str]) -> GeminiStreamParser:
        """A fresh parser for one stream's events, its metadata in the Vertex shape."""
        asked = self.model if self._as_partner else None
        return VertexStreamParser(
            header_value(headers, "x-request-id"),
            self.provider,
            asked=asked,
            proto=self._as_partner,
            others="vertex",
        )

    def __repr__(self) -> str:
        return (
            f"VertexAIAdapter(project={getattr(self, 'project', None)!r}, "
            f"location={getattr(self, 'location', None)!r}, "
            f"api_key={getattr(self, '_api_key', None)!r})"
        )

    @property
    def auth(self) -> VertexAuth | None:
        """The credentials' holder (None in express mode, with an API key)."""
        return self._auth

    def _call_headers(self) -> Mapping[str, Any]:
        """The headers plus the bearer token (refreshed by google-auth if it expired),
        asked once the call's input is translated."""
        return authorized(self._headers, self._auth)

    def batch_api_for(self, model: str, limits: Limits | None = None) -> GeminiBatches:
        """Vertex AI batch prediction is not built: a clear error, before anything runs."""
        raise NotImplementedError(
            "Vertex AI batch prediction (jobs reading from Cloud Storage or BigQuery) is "
            "not built in chatplex: submit_batch cannot use provider 'google_vertexai'; "
            "use google_genai's batch mode with a Gemini API key"
        )


def partner_logprobs(settings: CallSettings) -> CallSettings:
    """`settings` with its `logprobs` as langchain-google-vertexai reads it: True asks
    for the chosen tokens' logprobs (`response_logprobs`), a number (not 0) also for that
    many top candidates per token, sent as given; anything else asks for nothing."""
    extra = dict(settings.extra_body)
    given = extra.pop("logprobs")
    if given is True or (isinstance(given, int) and not isinstance(given, bool) and given):
        extra["response_logprobs"] = True
        if given is not True:
            extra["logprobs"] = given
    return dataclasses.replace(settings, extra_body=extra)
