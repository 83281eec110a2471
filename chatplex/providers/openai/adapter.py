"""OpenAI Chat Completions, and every server that speaks it (vLLM, LM Studio, the
OpenAI-compatible presets...): point `base_url` at the server.

Pure translation, no I/O: messages + settings become an `HTTPRequest`; a response body or
a stream of server-sent events becomes an `AIMessage` / `AIMessageChunk`s; an error status
becomes a typed error. A non-stream reply and the merged stream of the same reply give
equal messages (text, tool calls, usage, metadata).

>>> from chatplex.messages import HumanMessage
>>> from chatplex.adapters.request_types import CallSettings
>>> adapter = OpenAIAdapter(api_key="sk-example")
>>> request = adapter.build_request(
...     [HumanMessage("Hi")], CallSettings(model="gpt-4o-mini"), stream=False
... )
>>> request.url, request.json["messages"]
('https://api.openai.com/v1/chat/completions', [{'role': 'user', 'content': 'Hi'}])

OpenAI's `developer` role is a `SystemMessage` marked for it: `developer_message("...")`,
or `SystemMessage("...", additional_kwargs={"__openai_role": "developer"})`.

Reasoning text (`reasoning` or `reasoning_content` from compatible servers,
vLLM and others; in `message` or in stream deltas) is kept as a content block
`{"type": "reasoning", "reasoning": "..."}` before the answer, which then follows as a
`{"type": "text"}` block; `.text` is the answer only. Stream pieces carry `"index": 0` so
they merge into one block. A reply without reasoning keeps plain `str` content. Reasoning
blocks are not sent back: in history, an assistant message goes with its text only.

`max_tokens` goes as `max_completion_tokens` to api.openai.com for o1/o3/o4 and gpt-5
models, which reject `max_tokens`; other servers get `max_tokens`, unless
`completion_tokens=True` (the drop-in `ChatOpenAI`, as langchain-openai: always
`max_completion_tokens`).

With `n > 1` every candidate is kept: the reply is choice 0 and
`response_metadata["other_candidates"]` holds the others (stream and non-stream alike);
`parse_candidates(body)` gives all of them. The reply's metadata is langchain-openai's
(`token_usage`, `model_name`, `finish_reason`, `system_fingerprint`, `logprobs`...): see
`_openai_response.py`. Request, response and stream sides live in `_openai_request.py`,
`_openai_response.py` and `_openai_stream.py`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any

from ...adapters.base import Adapter
from ...adapters.bodies import loads
from ...adapters.bodies import reply_status_error
from ...adapters.connection import ProviderHome
from ...adapters.connection import adapter_repr
from ...adapters.connection import held_headers
from ...adapters.connection import post_json
from ...adapters.error_detail import detail_message
from ...adapters.headers import header_value
from ...adapters.keys import as_secret
from ...adapters.keys import secret_header_names
from ...adapters.request_types import CallSettings
from ...adapters.request_types import HTTPRequest
from ...adapters.structured_profile import StructuredProfile
from ...adapters.tools import BESIDE_FIELDS
from ...adapters.validate import BlockTypes
from ...adapters.validate import check_call
from ...errors import APIError
from ...errors import MissingKeyError
from ...messages import AIMessage
from ...messages import BaseMessage
from ...messages import SystemMessage
from ...messages import set_metadata
from ...secret import Secret
from .choices import structured_outputs_fallback
from .errors import CHAT_ERROR_FAMILIES
from .kept_reply import KeptReply
from .kept_reply import keep
from .request import LANGCHAIN_OPENAI_REBUILT_TEXT
from .request import LANGCHAIN_OPENAI_TEXT_EXTRAS
from .request import LANGCHAIN_OPENAI_TOOL_TEXT_KEYS
from .request import OPENAI_ROLE_KEY
from .request import wire_message
from .request import wire_tool
from .request import wire_tool_choice
from .response import PROVIDER
from .response import error_fields
from .response import parse_reply
from .spec import LANGCHAIN_OPENAI_DROPPED
from .stream import OpenAIStreamParser
from .tokens import TIKTOKEN_COUNTS

if TYPE_CHECKING:
    from ...adapters.batch_api import Limits
    from .batch import OpenAIBatches

__all__ = [
    "BLOCK_TYPES",
    "DEFAULT_BASE_URL",
    "OpenAIAdapter",
    "developer_message",
]


DEFAULT_BASE_URL = "https://api.openai.com/v1"
_OPENAI_HOST = "api.openai.com"
_HOME = ProviderHome(_OPENAI_HOST, DEFAULT_BASE_URL, ("OPENAI_API_KEY",), "OPENAI_BASE_URL")
_PROVIDER = PROVIDER
#: Models on api.openai.com that take `max_completion_tokens` and reject `max_tokens`.
_COMPLETION_TOKENS_MODELS = ("o1", "o3", "o4", "gpt-5")
#: The model names whose system turns langchain-openai's ChatOpenAI sends as `developer`.
_O_SERIES = re.compile(r"o\d")
#: Content blocks this adapter sends: Chat Completions' own, the audio/video URLs of
#: compatible servers (vLLM), LangChain's standard `image` / `audio` / `file` blocks (sent
#: as `image_url` / `input_audio` / `file` parts, as langchain-openai does), and
#: chatplex's `reasoning` and Anthropic's `thinking` (dropped from assistant turns, as
#: langchain-openai drops a replayed Anthropic reply's thinking).
#: Others are refused before any request (`extra_block_types=` declares more).
BLOCK_TYPES = BlockTypes(
    frozenset(
        {"text", "image_url", "input_audio", "file", "refusal", "reasoning", "image", "audio"}
        | {"video_url", "audio_url", "thinking"}
    )
)


def developer_message(content: str | list[dict[str, Any]]) -> SystemMessage:
    """A `SystemMessage` sent with OpenAI's `developer` role (o-series and newer models).

    >>> developer_message("Answer briefly.").additional_kwargs
    {'__openai_role': 'developer'}
    """
    return SystemMessage(content, additional_kwargs={OPENAI_ROLE_KEY: "developer"})


class OpenAIAdapter(Adapter):
    """The Chat Completions wire API (`POST {base_url}/chat/completions`).

    The key comes from `api_key=` or `OPENAI_API_KEY`; the base URL from `base_url=`,
    `OPENAI_BASE_URL`, or the public API. Servers other than api.openai.com may go keyless.

    `OPENAI_API_KEY` goes only to api.openai.com and to a base URL that comes from the
    environment too (`OPENAI_BASE_URL`); a `base_url=` written in code for another server
    gets no environment key, only an explicit `api_key=` (`base.environment_key`: the
    same policy as every provider's).

    Credentials in the base URL are taken out of it here and kept as `Secret`s
    (`base.BaseURL`): a query credential (`?api-key=`, `?code=`, `?sig=`...) is sent
    with each request and shown masked everywhere else (`base_url` included); user info
    (`https://user:password@host`) is sent as `Authorization: Basic ...`, so it cannot be
    combined with an API key (both would be the Authorization header). `default_query=`
    adds its parameters to every request's URL, as the openai SDK's client does;
    `base_variables=` names the environment variables read for the base URL, the first
    set (`ChatOpenAI`'s: LangChain's `OPENAI_API_BASE`, then `OPENAI_BASE_URL`).

    >>> local = OpenAIAdapter(base_url="http://localhost:11434/v1")  # a local server, no key
    >>> local.budget_key("llama3.2")
    ('openai', 'http://localhost:11434/v1', '', 'llama3.2')
    """

    base_url: str

    provider = _PROVIDER
    #: Stream usage is asked for in the request (`stream_options`): `stream_usage=False`
    #: leaves it unasked, and usage a server sends anyway is kept, as LangChain's.
    keeps_sent_usage = True
    #: What its users catch: langchain-openai's classes and the openai SDK's
    #: (`except openai.RateLimitError`).
    error_families = CHAT_ERROR_FAMILIES
    #: What a 401 adds to its message where the key was withheld (none: ""): a class
    #: default too, for an error mapped by a subclass that builds its connection its own way.
    _withheld = ""
    #: langchain-openai's structured output: "json_schema" by default (function calling
    #: for a model without Structured Outputs, with its warning); the raw reply carries
    #: `additional_kwargs["parsed"]`, as the openai SDK's `parse()` gives it; a forced
    #: tool goes as it binds one: `strict` on the tool when given, `parallel_tool_calls`
    #: false.
    structured = StructuredProfile(
        method="json_schema",
        json_schema_fallback=structured_outputs_fallback,
        parsed_key=True,
        forced_tool_settings=True,
    )
    #: Tokens counted as langchain-openai's classes count them (tiktoken: `tokens.py`), by
    #: chatplex's own models and the drop-ins alike (`chat.token_counts`).
    token_counts = TIKTOKEN_COUNTS
    #: The keys of a tool's `ToolSpec.beside` sent beside its function (defer_loading
    #: and async, langchain-openai's passthrough); (): none.
    sent_tool_extras: tuple[str, ...] = BESIDE_FIELDS
    #: Whether a call that bound an empty tool list (`CallSettings.tool_list_bound`, no
    #: tools) sends it, `tools: []`, as some presets' partners do (their
    #: `bind_tools([])`: `Profile.empty_tool_list_sent`); False: no `tools` member without
    #: a tool (OpenAI refuses an empty array).
    empty_tool_list_sent: bool = False

    @property
    def dropped_input_blocks(self) -> frozenset[str]:
        """Block types left out of user, system and tool messages: langchain-openai's."""
        return LANGCHAIN_OPENAI_DROPPED

    @property
    def assistant_text_blocks(self) -> bool:
        """Whether an assistant turn whose reasoning (or another API's blocks) is left out
        sends its text as text blocks: langchain-openai's `_format_message_content` keeps
        the list."""
        return True

    #: Whether a message's content of one text block goes as its text (langchain-openai
    #: sends the list).
    lone_text_as_string = False
    #: The keys a content part keeps (None: all; langchain-openai filters none).
    content_part_keys: frozenset[str] | None = None
    #: Whether a system message marked for the developer role goes with it
    #: (langchain-openai sends `developer`).
    developer_role_sent = True
    #: Whether every system turn goes as `developer` to a model named `o` and a digit
    #: (o1, o3-mini): set on langchain-openai's ChatOpenAI's drop-in, whose payload
    #: rewrites them so (its AzureChatOpenAI and the classes built on it do not).
    developer_role_for_o_series = False
    #: The model name that switch reads (None: the call's): langchain-openai's payload
    #: reads its `model_name`, so a call's own `model` leaves the roles as they were.
    developer_role_model: str | None = None
    #: Whether legacy function calling goes (an assistant turn's `function_call`, a
    #: result by name as a `function` turn), as langchain-openai sends it; off: the
    #: call left out and the result refused before any request.
    function_calls_sent = True
    #: Whether a history's tool call without an id goes with `"id": null`; off (OpenAI's
    #: API takes none without an id): refused before any request.
    idless_calls_sent = False

    @property
    def text_extras_roles(self) -> frozenset[str]:
        """The roles whose text blocks go with their `extras`: langchain-openai's."""
        return LANGCHAIN_OPENAI_TEXT_EXTRAS

    @property
    def rebuilt_text_roles(self) -> frozenset[str]:
        """The roles whose text blocks go with langchain-openai's keys only: its."""
        return LANGCHAIN_OPENAI_REBUILT_TEXT

    @property
    def tool_text_keys(self) -> frozenset[str]:
        """The keys a rebuilt tool result's text block keeps: langchain-openai's."""
        return LANGCHAIN_OPENAI_TOOL_TEXT_KEYS

    def __init__(
        self,
        *,
        api_key: str | Secret | None = None,
        base_url: str | Secret | None = None,
        organization: str | None = None,
        project: str | None = None,
        default_headers: Mapping[str, str] | None = None,
        include_usage: bool = True,
        secret_headers: Sequence[str] = (),
        extra_block_types: Sequence[str] = (),
        completion_tokens: bool | None = None,
        default_query: Mapping[str, Any] | None = None,
        base_variables: Sequence[str] | None = None,
    ) -> None:
        # The arguments are rebound first, so that no local of this frame (what a
        # traceback rendered with locals shows) holds a key or a credential in clear.
        api_key = as_secret(api_key)
        url = _HOME.take_url(base_url)
        del base_url
        # (`default_query`: on every request's URL, as the openai SDK's client adds it)
        link = _HOME.connect(
            api_key, url, "/chat/completions", query=default_query, variables=base_variables
        )
        where, secret = link.where, link.key
        self._url, self._secret_url = where.url, where.secret_url
        #: The base URL, credentials in its query masked (`secret_base_url`: to send).
        self.base_url = where.base_url
        self.secret_base_url = where.secret_base_url
        self._public = where.host == _OPENAI_HOST
        self._withheld = link.withheld
        #: How `max_tokens` goes: True always as `max_completion_tokens` (what
        #: langchain-openai's ChatOpenAI sends, any server), None as that only where
        #: api.openai.com requires it, `max_tokens` elsewhere.
        self.completion_tokens = completion_tokens
        if not secret and self._public:
            raise MissingKeyError.of(
                "OpenAI",
                ("OPENAI_API_KEY",),
                empty_given=api_key is not None,
                adapter_class=type(self),
                note=" (only servers other than api.openai.com may be used without a key)",
            )
        if secret and where.basic_auth:
            raise ValueError(
                "base_url must not contain user:password@ together with an API key (both "
                "would be the Authorization header); pass credentials as api_key= or "
                "default_headers="
            )
        self._api_key: Secret | None = secret
        self._key_digest = link.key_digest
        self.organization = organization
        self.project = project
        self.include_usage = include_usage
        self._secret_names = secret_header_names(secret_headers)
        # The blocks its partner leaves out are taken, as it takes them (and left out).
        self.block_types = BLOCK_TYPES.plus((*extra_block_types, *self.dropped_input_blocks))
        # Credentials are kept as `Secret`s (the key included: "Bearer <key>" is built from
        # it), revealed only into each request's headers.
        headers = link.json_headers()
        if organization:
            headers["OpenAI-Organization"] = organization
        if project:
            headers["OpenAI-Project"] = project
        # A default header replaces ours whatever its capitalisation (no duplicates).
        self._headers = held_headers(headers, default_headers, self._secret_names)

    def __repr__(self) -> str:
        # Never raises, even on an instance whose __init__ failed part-way (tracebacks
        # with locals show it); never shows a key, nor one in the base URL's query.
        return adapter_repr(
            self,
            "OpenAIAdapter",
            api_key="_api_key",
            organization="organization",
            project="project",
        )

    # -- request ---------------------------------------------------------------------------

    def build_request(
        self, messages: list[BaseMessage], settings: CallSettings, *, stream: bool
    ) -> HTTPRequest:
        """Validate and translate one call; raises ValueError/TypeError before any I/O."""
        # An empty user turn is answered (langchain-openai sends it): sent.
        check_call(
            messages,
            provider=_PROVIDER,
            block_types=self.block_types,
            empty_text=True,
            function_results=self.function_calls_sent,
        )
        body: dict[str, Any] = {
            "model": settings.model,
            "messages": [
                wire_message(
                    m,
                    self.dropped_input_blocks,
                    text_blocks=self.assistant_text_blocks,
                    lone_text=self.lone_text_as_string,
                    text_extras=self.text_extras_roles,
                    part_keys=self.content_part_keys,
                    rebuilt_text=self.rebuilt_text_roles,
                    tool_text_keys=self.tool_text_keys,
                    developer_role=self.developer_role_sent,
                    function_calls=self.function_calls_sent,
                    idless_calls=self.idless_calls_sent,
                )
                for m in messages
            ],
        }
        named = self.developer_role_model or settings.model
        if self.developer_role_for_o_series and _O_SERIES.match(named):
            for sent in body["messages"]:
                if sent["role"] == "system":
                    sent["role"] = "developer"
        if settings.temperature is not None:
            body["temperature"] = settings.temperature
        if settings.max_tokens is not None:
            completion = self.completion_tokens or (
                self._public and settings.model.startswith(_COMPLETION_TOKENS_MODELS)
            )
            body["max_completion_tokens" if completion else "max_tokens"] = settings.max_tokens
        if settings.top_p is not None:
            body["top_p"] = settings.top_p
        if settings.stop is not None:
            body["stop"] = list(settings.stop)
        listed = settings.tool_list_bound and self.empty_tool_list_sent
        if settings.tools or listed:
            body["tools"] = [wire_tool(t, self.sent_tool_extras) for t in settings.tools]
        # (a choice goes beside `tools: []` where its partner sends it so)
        beside = listed and self.keeps_choice_without_tools
        choice = wire_tool_choice(settings.tool_choice, settings.tools, listed=beside)
        if choice is not None:
            body["tool_choice"] = choice
        if stream:
            body["stream"] = True
            if self.include_usage:
                body["stream_options"] = {"include_usage": True}
        else:  # as langchain-openai sends it (a server's default is the same)
            body["stream"] = False
        body.update(settings.extra_body)
        return post_json(self._url, body, self._headers, self._secret_names, self._secret_url)

    # -- responses ---------------------------------------------------------------------------

    def parse_response(self, body: bytes, headers: Mapping[str, str]) -> AIMessage:
        """The reply of a non-stream call: choice 0, with the other choices (`n > 1`) in
        `response_metadata["other_candidates"]` (see `parse_candidates`)."""
        message = parse_reply(body, headers)
        keep(self, self._url, body, headers)
        kept = self.kept_headers(headers)
        if kept is not None:
            set_metadata(message, "headers", kept)
        return message

    def stream_parser(self, headers: Mapping[str, str]) -> OpenAIStreamParser:
        """A fresh parser for one stream's events, whose chunks carry the metadata
        langchain-openai's do (read as the openai SDK's parsing helper reads them, for
        the adapter its partner record's `sdk_helper_adapter` gives)."""
        return OpenAIStreamParser(
            header_value(headers, "x-request-id"),
            raw_keys=False,
            sdk_events=self.reads_sdk_events,
            headers=self.kept_headers(headers),
        )

    #: The reply a call's copy keeps (`kept_reply.py`); None: none kept.
    kept_reply: list[KeptReply] | None = None
    #: Whether its streams are read as the openai SDK's parsing helper reads them (set on
    #: the copy its partner record's `sdk_helper_adapter` gives).
    reads_sdk_events = False
    #: Whether a reply (and a stream's first chunk) holds the response's headers in
    #: `response_metadata["headers"]`: set on a drop-in's adapter made with
    #: langchain-openai's `include_response_headers=True`.
    keeps_response_headers = False
    #: The settings of langchain-openai's BaseChatOpenAI ways a drop-in built from its
    #: record was made with (`base_chat_openai.BaseChatOpenAIData`), which its partner
    #: functions read; None: none of them (chatplex's own models, the engines).
    base_chat_openai: object = None
    #: Whether a drop-in's Responses API fields alone chose the Responses API (langchain-
    #: openai's validator then sets `use_responses_api`): read by its record's form; None
    #: where no drop-in's record built it.
    responses_by_fields: bool | None = None
    #: The Responses API's adapter that built-in tools bound switch a drop-in's model to
    #: (langchain-openai's ChatOpenAI, unless `use_responses_api=False`); None: refused.
    responses_switch: Adapter | None = None

    def kept_headers(self, headers: Mapping[str, str]) -> dict[str, str] | None:
        """The response's headers a reply keeps (`keeps_response_headers`), as the
        openai SDK's raw response gives them to langchain-openai: `dict(headers)`."""
        return dict(headers) if self.keeps_response_headers else None

    def map_error(self, status: int, body: bytes, headers: Mapping[str, str]) -> APIError:
        """A typed error from an error response; never raises, whatever the body."""
        data = loads(body)
        message, error_type, code = error_fields(data)
        return reply_status_error(
            _PROVIDER,
            status,
            body,
            headers,
            data=data,
            message=message or detail_message(data),
            error_type=error_type,
            code=code,
            request_id=header_value(headers, "x-request-id"),
            withheld=self._withheld,
        )

    def budget_key(self, model: str) -> tuple[str, ...]:
        """(provider, base_url, key digest or "", model): never the key itself (nor one in
        the base URL's query: masked there, and counted in the digest)."""
        return (_PROVIDER, self.base_url, self._key_digest, model)

    def batch_api_for(self, model: str, limits: Limits | None = None) -> OpenAIBatches:
        """OpenAI's Batch API (Chat Completions or, for the Responses adapter, the
        Responses API), as `submit_batch` asks it; one model per job needs no `model`."""
        from .batch import OpenAIBatches  # loaded with the first batch, not with the adapter

        return OpenAIBatches(self, limits) if limits else OpenAIBatches(self)
