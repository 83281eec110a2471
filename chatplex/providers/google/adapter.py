"""Google's Gemini API (`generateContent`), and the wire Vertex AI speaks too
(`_GoogleWire`; Vertex AI's adapter is `vertex_adapter.py`'s).

Pure translation, no I/O (but Vertex AI's token refresh, see `VertexAIAdapter`):
messages + settings become an `HTTPRequest`, a response body or a stream of server-sent
events (`streamGenerateContent?alt=sse`) an `AIMessage` / `AIMessageChunk`s, an error
status a typed error. A non-stream reply and the merged stream of the same parts give
equal messages. Request, response and stream sides live in `request.py`,
`response.py` and `stream.py`.

>>> from chatplex.messages import HumanMessage
>>> from chatplex.adapters.request_types import CallSettings
>>> adapter = GeminiAdapter(api_key="AIza-example")
>>> request = adapter.build_request(
...     [HumanMessage("Hi")], CallSettings(model="gemini-2.5-flash"), stream=True
... )
>>> request.url
'https://generativelanguage.googleapis.com/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse'
>>> request.json
{'contents': [{'role': 'user', 'parts': [{'text': 'Hi'}]}]}

The key goes in the `x-goog-api-key` header, never in the URL.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from urllib.parse import quote

from ...adapters.base import Adapter
from ...adapters.base_url import BaseURL
from ...adapters.base_url import endpoint_url
from ...adapters.bodies import loads
from ...adapters.bodies import snippet
from ...adapters.connection import ProviderHome
from ...adapters.connection import adapter_repr
from ...adapters.connection import held_headers
from ...adapters.connection import post_json
from ...adapters.error_detail import detail_message
from ...adapters.headers import header_value
from ...adapters.keys import as_secret
from ...adapters.keys import hold_secrets
from ...adapters.keys import secret_header_names
from ...adapters.output_formats import given_json_schema
from ...adapters.request_types import CallSettings
from ...adapters.request_types import HTTPRequest
from ...adapters.structured_profile import StructuredProfile
from ...adapters.validate import BlockTypes
from ...adapters.validate import check_call
from ...errors import APIError
from ...errors import MissingKeyError
from ...errors import RateLimitError
from ...errors import status_error
from ...messages import AIMessage
from ...messages import BaseMessage
from ...secret import MASK
from ...secret import Secret
from ...secret import held_keys
from .contents import GEMINI_REPLIES
from .contents import system_as_human
from .contents import without_empty_user_turns
from .errors import ERROR_FAMILIES
from .errors import quota_failure
from .genai_schema import genai_parameters
from .request import API_PARAMETERS
from .request import build_body
from .request import builtin_tool
from .request import check_api_fields
from .request import sdk_json_schema
from .request import sdk_speech
from .request import sdk_thinking
from .response import error_fields
from .response import parse_reply
from .stream import GeminiFraming
from .stream import GeminiStreamParser

if TYPE_CHECKING:
    from ...adapters.batch_api import Limits
    from .batch import GeminiBatches

__all__ = [
    "BLOCK_TYPES",
    "DEFAULT_BASE_URL",
    "GeminiAdapter",
    "config_refusal",
]

DEFAULT_BASE_URL = "https://generativelanguage.googleapis.com"
_GEMINI_HOST = "generativelanguage.googleapis.com"
#: The google-genai SDK's variables, read in its order.
_HOME = ProviderHome(
    _GEMINI_HOST, DEFAULT_BASE_URL, ("GOOGLE_API_KEY", "GEMINI_API_KEY"), "GOOGLE_GEMINI_BASE_URL"
)
#: Content blocks sent: text, images (data URLs inline, others by URI), LangChain's
#: standard data blocks, langchain-google-genai's `media`, and thinking from history.
BLOCK_TYPES = BlockTypes(
    frozenset(
        {
            "text",
            "image_url",
            "image",
            "audio",
            "video",
            "file",
            "media",
            "thinking",
            "reasoning",
            "executable_code",
            "code_execution_result",
            "server_tool_call",
            "server_tool_result",
            "non_standard",
        }
    )
)
_MODEL_NAME = re.compile(r"[A-Za-z0-9._@-]+(/[A-Za-z0-9._@-]+)*")
_DELAY = re.compile(r"^(\d+(?:\.\d+)?)s$")


def foreign_unsendable_dropped(
    messages: Sequence[BaseMessage], block_types: BlockTypes
) -> list[BaseMessage]:
    """`messages` with another provider's replies (a `model_provider` named, not Gemini's)
    rid of their blocks of a type no Gemini part holds (Anthropic's `redacted_thinking`):
    langchain-google-genai reads such a reply by its standard blocks and drops those,
    where it refuses them in a reply of its own (as the check does)."""
    out: list[BaseMessage] = []
    for message in messages:
        provider = message.response_metadata.get("model_provider")
        if (
            isinstance(message, AIMessage)
            and provider is not None
            and provider not in GEMINI_REPLIES
            and isinstance(message.content, list)
        ):
            kept = [
                block
                for block in message.content
                if not isinstance(block, Mapping)
                or not isinstance(block.get("type"), str)
                or block_types.allows(block["type"])
            ]
            if len(kept) < len(message.content):
                message = message.model_copy(update={"content": kept})
        out.append(message)
    return out


def checked_api_version(api_version: str, examples: str) -> str:
    """`api_version` as a Google wire puts it in its paths (`v1`, `v1beta1`); else a
    ValueError naming `examples`."""
    if not re.fullmatch(r"v\d+[a-z0-9]*", api_version or ""):
        raise ValueError(f"api_version must look like {examples}, got {api_version!r}")
    return api_version


def checked_location(location: str) -> str:
    """A Vertex AI location as it goes into a host and a path; else a ValueError."""
    if not re.fullmatch(r"[a-z0-9-]+", location):
        raise ValueError(f"location must be a Vertex AI region or 'global', got {location!r}")
    return location


def _model_path(model: str) -> str:
    """The model's URL segment ("models/" prefixes dropped); refuses names that would
    change the URL's path."""
    name = model.removeprefix("models/")
    if not _MODEL_NAME.fullmatch(name) or ".." in name:
        raise ValueError(f"not a Gemini model name: {model!r}")
    return quote(name, safe="/@")


class _GoogleWire(Adapter):
    """What the Gemini API and Vertex AI share: the body, the replies, the errors."""

    provider = "google_genai"
    block_types = BLOCK_TYPES
    error_families = ERROR_FAMILIES
    api_parameters = API_PARAMETERS
    #: Gemini enforces a response schema by design: `strict=` is moot for structured output.
    structured = StructuredProfile(schema_enforced=True)
    _withheld = ""

    #: Set by each constructor: where requests go, the URL path before the model's name
    #: and the headers every request carries.
    base_url: str
    _where: BaseURL
    _prefix: str
    _headers: dict[str, Any]
    _secret_names: frozenset[str]
    _key_digest: str
    #: The caller's `default_headers=` alone, as held (a credential's value a `Secret`:
    #: named like one, or carrying the key), in order; the drop-ins' `default_metadata`.
    held_default_headers: tuple[tuple[str, Any], ...] = ()

    #: Whether an empty user turn is left out (the Gemini API's partner leaves it out).
    _drops_empty_user_turns = False
    #: Whether the tools go as one tool, built-in ones merged with the functions (Vertex AI's
    #: partner merges them), or each built-in tool as a tool of its own (the Gemini API's).
    _one_tool = False
    #: Whether replies are read as the Gemini API's partner gives them, under its name
    #: (`PartReader.partner`: a Gemini 3 reply's content a list always); Vertex AI's
    #: partner has no such rule.
    _partner_replies = False
    #: Whose reading of a reply's code execution and media parts (`PartReader.others`):
    #: None, the Gemini drop-in's partner's under its name.
    _other_parts: str | None = None
    #: Whether tool results, turns, the system instruction and text signatures (from
    #: `thought_signature` only, not `extras`) go as Vertex AI's partner writes them
    #: (`vertex_history.py`), or as the Gemini API's does.
    _vertex_history = False
    #: Whether it is Vertex AI (which takes some fields the Gemini API does not, and
    #: the other way round: `request.check_api_fields`).
    _vertex = False
    #: Whether a leading system message goes merged into the user turn after it
    #: (langchain-google-genai's `convert_system_message_to_human=True`).
    system_as_human = False

    def _parameters_subset(self, schema: Mapping[str, Any]) -> dict[str, Any] | None:
        """A function's parameters in the OpenAPI subset as langchain-google-genai
        converts them, where that holds them all; None: they go as JSON Schema."""
        return genai_parameters(schema)

    def _body(self, messages: list[BaseMessage], settings: CallSettings) -> dict[str, Any]:
        if self._drops_empty_user_turns and messages:
            messages = without_empty_user_turns(messages)
        if self.system_as_human:
            messages = system_as_human(messages)
        if not self._vertex_history:
            messages = foreign_unsendable_dropped(messages, self.block_types)
        # Legacy function calling: both partners send a result by name.
        # Vertex AI's partner leaves a user turn's empty text out (`vertex_history`).
        check_call(
            messages,
            provider=self.provider,
            block_types=self.block_types,
            function_results=True,
            empty_text=self._vertex_history,
        )
        if self._partner_replies and settings.tool_choice is not None and not settings.tools:
            # langchain-google-genai refuses a choice with no tools before sending
            raise ValueError(
                f"Received tool_choice={settings.tool_choice!r} but no formatted_tools=None. "
                "'tool_choice' can only be specified if 'tools' is specified."
            )
        check_api_fields(settings.extra_body, vertex=self._vertex)
        body = build_body(
            messages,
            settings,
            one_tool=self._one_tool,
            subset=self._parameters_subset,
            vertex_history=self._vertex_history,
        )
        if not body["contents"]:
            raise ValueError("Gemini needs at least one message besides system messages")
        if self._partner_replies:
            sdk_thinking(body)
            sdk_json_schema(body)
            sdk_speech(body, settings.model)
        return body

    def _route(
        self,
        where: BaseURL,
        prefix: str,
        headers: dict[str, Any],
        *,
        default_headers: Mapping[str, str] | None,
        secret_headers: Sequence[str],
        extra_block_types: Sequence[str],
    ) -> None:
        """Where requests go (the base URL, the path before the model's name), the
        headers they carry and the blocks they may hold, as both constructors set them."""
        self.base_url = where.base_url
        self.secret_base_url = where.secret_base_url
        self._where = where
        self._prefix = prefix
        self._secret_names = secret_header_names(secret_headers)
        self.block_types = BLOCK_TYPES.plus(extra_block_types)
        names = self._secret_names | {"x-goog-api-key"}
        keys = held_keys(headers.values())  # (before the caller's are merged in)
        self._headers = held_headers(headers, default_headers, names)
        self.held_default_headers = tuple(hold_secrets(default_headers or {}, names, keys).items())

    @property
    def shown_default_metadata(self) -> tuple[tuple[str, Any], ...]:
        """The partners' `default_metadata` (their validators set it to the additional
        headers' items) as the drop-ins show and `dumpd` writes it: a credential
        header's value masked, as chatplex shows every credential header (the partners'
        field holds, shows and writes it in clear)."""
        held = self.held_default_headers
        return tuple((n, MASK if isinstance(v, Secret) else v) for n, v in held)

    def _call_headers(self) -> Mapping[str, Any]:
        """The headers of one call (Vertex AI adds its bearer token)."""
        return self._headers

    def build_request(
        self, messages: list[BaseMessage], settings: CallSettings, *, stream: bool
    ) -> HTTPRequest:
        """Validate and translate one call; raises ValueError/TypeError before any I/O
        (Vertex AI's token is refreshed after: bad input fails before any refresh)."""
        body = self._body(messages, settings)
        method = "streamGenerateContent" if stream else "generateContent"
        return self._post(settings.model, method, body, stream=stream)

    def count_request(self, model: str, body: dict[str, Any]) -> HTTPRequest:
        """`POST .../models/{model}:countTokens` with `body` (`count.py`'s)."""
        return self._post(model, "countTokens", body, stream=False)

    def _model_route(self, model: str) -> str:
        """The URL path of `model`, before its method."""
        return f"{self._prefix}/{_model_path(model)}"

    def _post(self, model: str, method: str, body: dict[str, Any], *, stream: bool) -> HTTPRequest:
        """The request of `method` of `model` with `body`, carrying the call's headers."""
        path = f"{self._model_route(model)}:{method}"
        headers = self._call_headers()
        names = self._secret_names | {"x-goog-api-key"}
        secret_url = None
        if self._where.secret_base_url is not None:
            secret_url = Secret(
                _with_alt(endpoint_url(self._where.secret_base_url.get(), path), stream)
            )
        url = _with_alt(endpoint_url(self._where.base_url, path), stream)
        return post_json(url, body, headers, names, secret_url)

    def budget_key(self, model: str) -> tuple[str, ...]:
        """(provider, base_url, digest of the key -- or of Vertex AI's credentials'
        identity -- or "", model): never the key itself."""
        return (self.provider, self.base_url, self._key_digest, model)

    def parse_response(self, body: bytes, headers: Mapping[str, str]) -> AIMessage:
        """The reply of a non-stream call: candidate 0, the others (`candidateCount > 1`)
        in `response_metadata["other_candidates"]`."""
        try:
            reply = parse_reply(
                body, headers, partner=self._partner_replies, others=self._other_parts
            )
        except APIError as exc:
            exc.provider = self.provider  # the same parsing serves Vertex AI
            raise
        reply.response_metadata["provider"] = reply.response_metadata["model_provider"] = (
            self.provider
        )
        return reply

    def structured_output_settings(
        self, spec: Any, given: Any, method: str, strict: bool | None
    ) -> dict[str, Any]:
        """What `with_structured_output` binds on this wire, as langchain-google-genai
        binds it: `responseMimeType` application/json, and for a schema
        `responseJsonSchema` (full JSON Schema): a pydantic model's own JSON schema
        (titles kept), a JSON-schema dict as given, a TypedDict's schema titled and
        described by its docstring (langchain-core's `convert_to_json_schema`)."""
        if method != "json_schema":
            return {"response_mime_type": "application/json"}
        schema = given_json_schema(spec, given)
        if schema is None:
            described = {"description": spec.description} if spec.description else {}
            schema = {"title": spec.name, **described, **spec.parameters}
        return {"response_mime_type": "application/json", "response_json_schema": schema}

    def stream_parser(self, headers: Mapping[str, str]) -> GeminiStreamParser:
        """A fresh parser for one stream's events."""
        return GeminiStreamParser(
            header_value(headers, "x-request-id"),
            self.provider,
            partner=self._partner_replies,
            others=self._other_parts,
        )

    def map_error(self, status: int, body: bytes, headers: Mapping[str, str]) -> APIError:
        """A typed error from `{"error": {"code", "message", "status"}}`; never raises.
        429 RESOURCE_EXHAUSTED is a rate limit (retried after the `RetryInfo` delay when
        the body gives one)."""
        data = loads(body)
        message, google_status, code = error_fields(data)
        if not message:
            message = detail_message(data) or snippet(body) or f"HTTP {status}"
        if status in (401, 403):
            message += self._withheld
        fields: dict[str, Any] = {
            "provider": self.provider,
            "status": status,
            "error_type": google_status,
            "code": code,
            "request_id": header_value(headers, "x-request-id"),
            "body": data if data is not None else snippet(body),
        }
        delay = _retry_delay(data)
        if status == 429 and delay is not None:
            limited = RateLimitError(message, retryable=True, retry_after=delay, **fields)
            limited.limit_spent = quota_failure(data)  # the budget takes it as a limit's
            return limited
        return status_error(message=message, headers=headers, **fields)


def _retry_delay(data: Any) -> float | None:
    """The `RetryInfo.retryDelay` of an error's details ("26s" → 26.0), if any."""
    if isinstance(data, list) and data:
        data = data[0]
    error = data.get("error") if isinstance(data, dict) else None
    details = error.get("details") if isinstance(error, dict) else None
    for detail in details if isinstance(details, list) else ():
        if isinstance(detail, dict) and str(detail.get("@type", "")).endswith("RetryInfo"):
            found = _DELAY.match(str(detail.get("retryDelay", "")))
            if found:
                return float(found.group(1))
    return None


class GeminiAdapter(_GoogleWire):
    """The Gemini API (`POST {base_url}/v1beta/models/{model}:generateContent`, and
    `:streamGenerateContent?alt=sse` for streams).

    The key comes from `api_key=`, or `GOOGLE_API_KEY` / `GEMINI_API_KEY` (in that order,
    as the google-genai SDK reads them), and goes in the `x-goog-api-key` header. The
    environment's key goes only to generativelanguage.googleapis.com or to a base URL
    from `GOOGLE_GEMINI_BASE_URL` (`base.environment_key`: the policy of every provider).

    >>> GeminiAdapter(base_url="http://127.0.0.1:8000").budget_key("gemini-2.5-flash")
    ('google_genai', 'http://127.0.0.1:8000', '', 'gemini-2.5-flash')
    """

    #: A drop-in's `bind_tools([], tool_choice="any")` is bound and refused at the call
    #: (`_body`), as langchain-google-genai refuses it, in its words (its spelling kept).
    keeps_choice_without_tools = True

    provider = "google_genai"
    _drops_empty_user_turns = True  # as langchain-google-genai does
    #: Server-sent events, and a JSON body outside them read as google-genai reads it:
    #: an error payload sent as `text/event-stream` is raised as its error.
    stream_framing = GeminiFraming

    #: langchain-google-genai's `with_structured_output` default: the schema as
    #: `responseJsonSchema`. A JSON-schema dict without a title goes as given, as
    #: langchain-google-genai sends it (no name is needed).
    structured = StructuredProfile(
        method="json_schema", schema_enforced=True, untitled_schema_sent=True
    )

    def parallel_tool_calls_body(self, parallel: bool, tool_choice: str | None) -> dict[str, Any]:
        """Gemini has no such setting: google-genai's `GenerateContentConfig`, which
        forbids extra fields, refuses it, its ValidationError in that model's words,
        before any request (langchain-google-genai binds it as given and its call raises
        that: `PartnerTraits.binds_parallel_as_given`)."""
        raise config_refusal("parallel_tool_calls", parallel)

    def builtin_tool(self, tool: Mapping[str, Any]) -> dict[str, Any] | None:
        """Gemini's built-in tools (`{"google_search": {}}`, code_execution,
        url_context...), each sent as a tool of its own (`request.builtin_tool`), as
        langchain-google-genai sends them. (Vertex AI's: `VertexAIAdapter.builtin_tool`.)"""
        return builtin_tool(tool)

    def __init__(
        self,
        *,
        api_key: str | Secret | None = None,
        base_url: str | Secret | None = None,
        api_version: str = "v1beta",
        default_headers: Mapping[str, str] | None = None,
        secret_headers: Sequence[str] = (),
        extra_block_types: Sequence[str] = (),
        partner_replies: bool = False,
    ) -> None:
        """`partner_replies`: replies read as langchain-google-genai gives them, set by
        its drop-in (a Gemini 3 or later reply's content a list of blocks always, `[]`
        when empty; a stream's blocks and tool calls indexed by one counter; a whole
        reply's parts side by side, their text without trailing newlines), and a tool
        choice with no tools refused as it refuses one; off, a `ChatModel` over this
        adapter keeps a reply's text one str and sends such a choice."""
        api_key = as_secret(api_key)
        url = _HOME.take_url(base_url)
        del base_url  # from here on, no local of this frame holds a credential in clear
        self.api_version = checked_api_version(api_version, "'v1beta' or 'v1'")
        prefix = f"/{api_version}/models"
        link = _HOME.connect(api_key, url, prefix)
        if not link.key and link.where.host == _GEMINI_HOST:
            raise MissingKeyError.of(
                "Gemini",
                ("GOOGLE_API_KEY", "GEMINI_API_KEY"),
                empty_given=api_key is not None,
                adapter_class=type(self),
            )
        self._partner_replies = partner_replies
        self._withheld = link.withheld
        self._api_key: Secret | None = link.key
        self._key_digest = link.key_digest
        self._route(
            link.where,
            prefix,
            link.json_headers(key_header="x-goog-api-key"),
            default_headers=default_headers,
            secret_headers=secret_headers,
            extra_block_types=extra_block_types,
        )

    def __repr__(self) -> str:
        return adapter_repr(self, "GeminiAdapter", api_key="_api_key")

    def batch_api_for(self, model: str, limits: Limits | None = None) -> GeminiBatches:
        """The Gemini API's batch mode (inline requests) for `model`, as `submit_batch`
        asks it."""
        from .batch import GeminiBatches  # loaded with the first batch, not with the adapter

        return GeminiBatches(self, model, limits) if limits else GeminiBatches(self, model)


def _with_alt(url: str, stream: bool) -> str:
    if not stream:
        return url
    return url + ("&" if "?" in url else "?") + "alt=sse"


def config_refusal(name: str, value: Any) -> Exception:
    """google-genai's `GenerateContentConfig` (a pydantic model forbidding extra fields)
    refusing the keyword `name`: its ValidationError, in its words."""
    from pydantic_core import InitErrorDetails  # an error path: loaded when raised
    from pydantic_core import ValidationError

    error = InitErrorDetails(type="extra_forbidden", loc=(name,), input=value)
    return ValidationError.from_exception_data("GenerateContentConfig", [error])
