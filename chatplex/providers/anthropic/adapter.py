"""Anthropic Messages API adapter (`POST {base_url}/v1/messages`): pure translation, no I/O.

- `max_tokens` is required by the API: calls that do not set it send `default_max_tokens`,
  or when none is configured langchain-anthropic's for the model (`default_max_tokens_for`:
  the model's most output tokens, 4096 for a model its table does not name).
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
  `{"type": "text", "text": ..., "citations": [...]}` in list content (a reply's other
  text blocks stay blocks beside it, as langchain-anthropic keeps a reply's content: only
  a reply of one uncited text block is its plain text; `.text` is all the text; a stream's
  uncited text still merges into plain text). In streams, a text block
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
('https://api.anthropic.com/v1/messages', 64000)
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any

from ...adapters.base import Adapter
from ...adapters.bodies import require_reply_key
from ...adapters.bodies import snippet
from ...adapters.connection import ProviderHome
from ...adapters.connection import adapter_repr
from ...adapters.connection import post_json
from ...adapters.error_detail import detail_message
from ...adapters.headers import header_value
from ...adapters.keys import as_secret
from ...adapters.keys import hold_secrets
from ...adapters.keys import secret_header_names
from ...adapters.output_formats import anthropic_json_schema
from ...adapters.request_types import CallSettings
from ...adapters.request_types import HTTPRequest
from ...adapters.structured_profile import StructuredProfile
from ...adapters.validate import BlockTypes
from ...adapters.validate import check_headers
from ...adapters.validate import check_messages
from ...errors import APIError
from ...errors import MissingKeyError
from ...errors import status_error
from ...messages import AIMessage
from ...messages import BaseMessage
from ...secret import Secret
from ...secret import merged_headers
from .betas import check_plain_call
from .betas import with_beta_fields
from .betas import with_request_betas
from .body_fields import builtin_tool
from .body_fields import sampling_fields
from .body_fields import tool_fields
from .count_tokens import count_request
from .errors import ERROR_FAMILIES
from .later_systems import Later
from .later_systems import later_mode
from .model_rules import check_model_rules
from .request import to_wire_messages
from .response import _PROVIDER
from .response import _RETRYABLE_STREAM_ERRORS
from .response import SDK_MESSAGE_FIELDS
from .response import _lazy_reply_metadata
from .response import _parse_content
from .response import _snippet
from .response import _start_metadata
from .response import _stop_metadata
from .response import _str_or_none
from .response import _usage
from .response import sdk_usage
from .spec import HEADER_PARAMETERS
from .stream import AnthropicStreamParser

if TYPE_CHECKING:
    from ...adapters.batch_api import Limits
    from .batch import AnthropicBatches

__all__ = [
    "ANTHROPIC_VERSION",
    "BLOCK_TYPES",
    "DEFAULT_BASE_URL",
    "FALLBACK_MAX_TOKENS",
    "ADAPTIVE_THINKING_MODELS",
    "MAX_OUTPUT_TOKENS",
    "AnthropicAdapter",
    "default_max_tokens_for",
]

DEFAULT_BASE_URL = "https://api.anthropic.com"
#: The `anthropic-version` header every request carries when none is given: the
#: anthropic SDK's (2.14's `ANTHROPIC_API_VERSION`), which langchain-anthropic's requests
#: carry; a test compares the two.
ANTHROPIC_VERSION = "2026-10-21"
_ANTHROPIC_HOST = "api.anthropic.com"
_HOME = ProviderHome(
    _ANTHROPIC_HOST, DEFAULT_BASE_URL, ("ANTHROPIC_API_KEY",), "ANTHROPIC_BASE_URL"
)

#: Content blocks this adapter sends: the Messages API's (server-tool results, a growing
#: family, by their `_tool_result` suffix), OpenAI-style `image_url` and LangChain's
#: `file` / `text-plain` (converted) and `reasoning` (dropped from assistant turns).
#: Others are refused before any request (`extra_block_types=` declares more).
BLOCK_TYPES = BlockTypes(
    frozenset(
        {"text", "image", "document", "search_result", "tool_use", "tool_result"}
        | {"thinking", "redacted_thinking", "server_tool_use", "mcp_tool_use"}
        | {"container_upload", "image_url", "reasoning", "file", "text-plain"}
        | {"server_tool_call", "server_tool_result"}  # (a reply's, read as v1 blocks)
    ),
    suffixes=("_tool_result",),
)

#: Blocks only the Messages API's own wire takes (InvokeModel's shares `BLOCK_TYPES`): a
#: compaction, sent back, and LangChain's `refusal`, left out (the API has no such input).
_API_ONLY_BLOCKS = ("compaction", "refusal")


#: `max_tokens` sent when none is set, per model: langchain-anthropic's rule (the
#: model's `max_output_tokens` in its model profiles, looked up by exact name; 4096 for
#: any other model). Copied from langchain-anthropic 1.7.7's profiles; a test compares
#: the two, so a new release of its table shows up as a failing test here.
MAX_OUTPUT_TOKENS: dict[str, int] = {
    "claude-fable-5": 128000,
    "claude-fable-5-1": 128000,
    "claude-haiku-4-5": 64000,
    "claude-haiku-4-5-20251001": 64000,
    "claude-haiku-5-5": 128000,
    "claude-opus-4-5": 64000,
    "claude-opus-4-5-20251101": 64000,
    "claude-opus-4-6": 128000,
    "claude-opus-4-7": 128000,
    "claude-opus-4-8": 128000,
    "claude-opus-5": 128000,
    "claude-opus-5-5": 128000,
    "claude-sonnet-4-5": 64000,
    "claude-sonnet-4-5-20250929": 64000,
    "claude-sonnet-4-6": 128000,
    "claude-sonnet-5": 128000,
    "claude-sonnet-5-5": 128000,
}
#: langchain-anthropic's fallback for models its table does not name.
FALLBACK_MAX_TOKENS = 4096


#: The models whose profile (langchain-anthropic's) has "xhigh" among its reasoning
#: effort levels: an effort set without `thinking` brings `ADAPTIVE_THINKING` there.
ADAPTIVE_THINKING_MODELS = frozenset(
    {
        "claude-fable-5",
        "claude-fable-5-1",
        "claude-opus-4-7",
        "claude-opus-4-8",
        "claude-opus-5",
        "claude-opus-5-5",
        "claude-sonnet-5",
        "claude-sonnet-5-5",
    }
)
#: The `thinking` langchain-anthropic sends with an effort on those models.
ADAPTIVE_THINKING = {"type": "adaptive", "display": "summarized"}


def _reuse_last_container(body: dict[str, Any], messages: Sequence[BaseMessage]) -> None:
    """`body`'s container, where it names none by id: the one the last reply among
    `messages` ran in (its `response_metadata["container"]`), as langchain-anthropic's
    `reuse_last_container` finds it; a container given as an object keeps its fields."""
    given = body.get("container")
    if isinstance(given, str) or (isinstance(given, Mapping) and given.get("id")):
        return
    for message in reversed(messages):
        last = (
            message.response_metadata.get("container") if isinstance(message, AIMessage) else None
        )
        if isinstance(last, Mapping) and last.get("id"):
            body["container"] = (
                {**given, "id": last["id"]} if isinstance(given, Mapping) else last["id"]
            )
            return


def default_max_tokens_for(model: str) -> int:
    """The `max_tokens` langchain-anthropic sends for `model` when none is set.

    >>> default_max_tokens_for("claude-sonnet-4-5"), default_max_tokens_for("claude-3-opus")
    (64000, 4096)
    """
    return MAX_OUTPUT_TOKENS.get(model, FALLBACK_MAX_TOKENS)


#: chatplex's tool_choice keywords as the Messages API's tool_choice types.
_TOOL_CHOICE_TYPES = {None: "auto", "auto": "auto", "required": "any", "none": "none"}


class AnthropicAdapter(Adapter):
    """The Anthropic Messages API.

    >>> adapter = AnthropicAdapter(api_key="sk-ant-...", default_max_tokens=1024)
    >>> adapter
    AnthropicAdapter(base_url='https://api.anthropic.com', anthropic_version='2026-10-21')

    The key comes from `api_key=` or `ANTHROPIC_API_KEY`, the base URL from `base_url=`,
    `ANTHROPIC_BASE_URL` (`base_variables=`: the variables read, the first set;
    `ChatAnthropic`'s: LangChain's `ANTHROPIC_API_URL`, then it) or the public API. A
    missing key is an error at construction, except for a non-public base URL (a local
    mock or proxy), where no key header is sent.

    `ANTHROPIC_API_KEY` goes only to api.anthropic.com and to a base URL that comes from
    the environment too (`ANTHROPIC_BASE_URL`); a `base_url=` written in code for another
    server gets no environment key, only an explicit `api_key=` (`base.environment_key`:
    the same policy as every provider's).

    Credentials in the base URL are taken out of it here and kept as `Secret`s
    (`base.BaseURL`): a query credential (`?key=`, `?code=`, `?sig=`...) is sent with each
    request and shown masked everywhere else (`base_url` included); user info
    (`https://user:password@host`) is sent as `Authorization: Basic ...` in place of the
    key's `Authorization: Bearer ...`, as the SDK's httpx does.
    """

    base_url: str

    provider: str = _PROVIDER
    #: What its users catch: langchain-anthropic's classes and the anthropic SDK's
    #: (`except anthropic.RateLimitError`).
    error_families = ERROR_FAMILIES
    #: Structured output as langchain-anthropic asks it: no JSON mode ("json_mode" is
    #: "json_schema"), no `strict=` (its schema outputs are constrained), partial values
    #: streamed; the tool unforced on the models that refuse a forced choice (its
    #: `_supports_forced_tool_choice`).
    structured = StructuredProfile(
        json_mode="json_schema",
        strict_refused=True,
        partials=True,
        unforced_models=("claude-fable-5-1", "claude-opus-5-5", "claude-sonnet-5-5"),
    )
    #: A bound empty tool list goes as `tools: []`, as langchain-anthropic sends it.
    empty_tool_list_sent: bool = True
    #: And a tool choice beside it, as langchain-anthropic sends it (`tool_fields`).
    keeps_choice_without_tools = True
    #: Whether its replies show the beta models' fields (set by its partner record's
    #: `for_call`, `partner.py`).
    _beta_replies = False
    #: Whether a request without betas raises where it holds a beta client's field, as
    #: langchain-anthropic's does (`betas.check_plain_call`; set by its drop-in).
    _plain_calls_checked = False
    #: The betas its drop-in was given (None: none), which its token counts send.
    _count_betas: tuple[str, ...] | None = None

    def builtin_tool(self, tool: Mapping[str, Any]) -> dict[str, Any] | None:
        """Anthropic's built-in tools (web search, code execution, text editor...), sent
        as given (`request.builtin_tool`)."""
        return builtin_tool(tool)

    def parallel_tool_calls_body(self, parallel: bool, tool_choice: str | None) -> dict[str, Any]:
        """`disable_parallel_tool_use` inside the `tool_choice` object, as
        langchain-anthropic sends it (`{"type": "auto"}` when no choice was bound)."""
        kind = _TOOL_CHOICE_TYPES.get(tool_choice)
        choice = {"type": kind} if kind else {"type": "tool", "name": tool_choice}
        return {"tool_choice": {**choice, "disable_parallel_tool_use": not parallel}}

    def structured_output_settings(
        self, spec: Any, given: Any, method: str, strict: bool | None
    ) -> dict[str, Any] | None:
        """`output_config.format` for "json_schema", as langchain-anthropic sends it (its
        schema: `adapters.output_formats.anthropic_json_schema`); None otherwise."""
        if method != "json_schema":
            return None
        fmt = {"type": "json_schema", "schema": anthropic_json_schema(spec, given)}
        return {"output_config": {"format": fmt}}

    def __init__(
        self,
        *,
        api_key: str | Secret | None = None,
        base_url: str | Secret | None = None,
        base_variables: Sequence[str] | None = None,
        anthropic_version: str = ANTHROPIC_VERSION,
        default_headers: Mapping[str, str] | None = None,
        default_max_tokens: int | None = None,
        secret_headers: Sequence[str] = (),
        extra_block_types: Sequence[str] = (),
        effort_set: bool = False,
        later_systems: bool = False,
        reuse_last_container: bool = False,
    ) -> None:
        # The arguments are rebound first, so that no local of this frame (what a
        # traceback rendered with locals shows) holds a key or a credential in clear.
        api_key = as_secret(api_key)
        url = _HOME.take_url(base_url)
        del base_url
        link = _HOME.connect(api_key, url, "/v1/messages", variables=base_variables)
        where = link.where
        self._url, self._secret_url = where.url, where.secret_url
        count_path = "/v1/messages/count_tokens"
        count = _HOME.connect(api_key, url, count_path, variables=base_variables).where
        self._count_url, self._secret_count_url = count.url, count.secret_url
        #: The base URL, credentials in its query masked (`secret_base_url`: to send).
        self.base_url = where.base_url
        self.secret_base_url = where.secret_base_url
        self._key = link.key or Secret("")
        self._withheld = link.withheld
        if not self._key and where.host == _ANTHROPIC_HOST:
            raise MissingKeyError.of(
                "Anthropic",
                ("ANTHROPIC_API_KEY",),
                empty_given=api_key is not None,
                adapter_class=type(self),
            )
        if default_max_tokens is not None and default_max_tokens < 1:
            raise ValueError(f"default_max_tokens must be >= 1, got {default_max_tokens}")
        self.anthropic_version = anthropic_version
        self.default_max_tokens = default_max_tokens
        #: Whether the model sets a reasoning effort (langchain-anthropic's
        #: `reasoning_effort`): its calls then think adaptively where the model does.
        self.effort_set = effort_set
        #: Whether a system message after the conversation started is read as
        #: langchain-anthropic reads it (in place or hoisted, `later_systems`), not refused.
        self.later_systems = later_systems
        #: Whether a call without a container id runs in the one the last reply among
        #: its messages named (langchain-anthropic's `reuse_last_container`).
        self.reuse_last_container = reuse_last_container
        self._secret_names = secret_header_names(secret_headers)
        self.block_types = BLOCK_TYPES.plus(_API_ONLY_BLOCKS).plus(extra_block_types)
        # Header names are case-insensitive: lower-case them so defaults can override ours.
        # Credentials among them are kept as `Secret`s, revealed only into each request.
        extra: dict[str, Any] = {}
        if where.basic_auth:  # user info: sent as httpx would, unless a header replaces it
            extra["authorization"] = where.basic_auth
        check_headers(default_headers, "default_headers")
        # (held as merged: a header carrying the key, sent as `x-api-key`, is one too)
        merged = merged_headers(extra, default_headers, lower=True)
        self._extra_headers = hold_secrets(merged, self._secret_names, (self._key,))
        self._key_digest = link.key_digest

    def __repr__(self) -> str:
        # Never raises, even on an instance whose __init__ failed part-way (tracebacks
        # with locals show it); never shows a key, nor one in the base URL's query.
        return adapter_repr(self, "AnthropicAdapter", anthropic_version="anthropic_version")

    def build_request(
        self, messages: Sequence[BaseMessage], settings: CallSettings, *, stream: bool
    ) -> HTTPRequest:
        """Validate and translate one call; raises ValueError/TypeError before any I/O."""
        if not settings.model:
            raise ValueError("a model name is required")
        # (an assistant turn of no blocks is left out, or sent last, as an empty one)
        check_messages(messages, provider=_PROVIDER, block_types=self.block_types, empty_reply=True)
        max_tokens = settings.max_tokens
        if max_tokens is None:
            max_tokens = self.default_max_tokens or default_max_tokens_for(settings.model)
        elif max_tokens < 0:
            raise ValueError(f"max_tokens must be >= 0, got {max_tokens}")
        later = Later(later_mode(True, settings.model), settings.model)
        system, turns = to_wire_messages(messages, later=later if self.later_systems else None)
        body: dict[str, Any] = {"model": settings.model, "max_tokens": max_tokens}
        if system is not None:
            body["system"] = system
        body["messages"] = turns
        body.update(sampling_fields(settings))
        # (a choice given without tools is sent: Anthropic's answer to it is its own)
        beside = self.keeps_choice_without_tools
        body.update(tool_fields(settings, self.empty_tool_list_sent, beside))
        if stream:
            body["stream"] = True
        effort = self.effort_set
        if settings.extra_body:
            body.update(settings.extra_body)
            effort = _effort_in_output_config(body) or effort
        check_model_rules(body)  # (the newest models' rules, before any request)
        if effort and "thinking" not in body and settings.model in ADAPTIVE_THINKING_MODELS:
            body["thinking"] = dict(ADAPTIVE_THINKING)  # as langchain-anthropic defaults it
        if self.reuse_last_container:
            _reuse_last_container(body, messages)
        headers: dict[str, Any] = {
            "anthropic-version": self.anthropic_version,
            "content-type": "application/json",
        }
        if self._key:  # as the anthropic SDK (2.x) sends it: `Authorization: Bearer <key>`
            headers["authorization"] = Secret(f"Bearer {self._key.get()}")
        headers.update(self._extra_headers)
        # A tool type or body field in beta is refused without its beta: named as
        # langchain-anthropic does, after a call's `betas` (over the model's) or the model's.
        name = next((k for k in headers if k.lower() == "anthropic-beta"), "anthropic-beta")
        given = headers.get(name)
        if body.get("betas") is not None:
            given = ",".join(str(beta) for beta in body["betas"])
        elif self._plain_calls_checked:
            check_plain_call(body)  # (the drop-in's: a beta field without betas)
        betas = with_request_betas(given, body)
        _move_header_parameters(body, headers)
        if betas is not None:
            headers[name] = betas
        return self._post(body, headers)

    def _post(self, body: dict[str, Any], headers: dict[str, Any]) -> HTTPRequest:
        """The request of a Messages `body`, its `headers` held (credentials as `Secret`s,
        revealed only into the request); a subclass may send it elsewhere."""
        return post_json(self._url, body, headers, self._secret_names, self._secret_url)

    def count_tokens_request(
        self, chat: HTTPRequest, kwargs: Mapping[str, Any], betas: Sequence[str] | None
    ) -> HTTPRequest:
        """The token count of the messages and tools of `chat` (a request this adapter
        built, unsent), as langchain-anthropic asks it (`count_tokens.py`); `betas`: the
        model's (None: none set)."""
        return count_request(
            chat, kwargs, betas=betas, url=self._count_url, secret_url=self._secret_count_url
        )

    def parse_response(self, body: bytes, headers: Mapping[str, str]) -> AIMessage:
        """The reply of a non-streaming call as an `AIMessage` (with the beta models'
        fields, where langchain-anthropic's would show them: its partner record's
        `for_call`)."""
        reply = self._parse_message(body, headers)
        if self._beta_replies:
            with_beta_fields(reply.response_metadata)
        return reply

    def _parse_message(self, body: bytes, headers: Mapping[str, str]) -> AIMessage:
        try:
            data = json.loads(body)
        except ValueError as exc:
            # A cut-off or proxy-mangled body: worth another attempt.
            raise APIError(
                f"Anthropic reply is not JSON ({exc}): {_snippet(body)}",
                provider=_PROVIDER,
                retryable=True,
            ) from exc
        if not isinstance(data, dict):  # whole JSON, the server's answer: not retried
            raise APIError(
                f"Anthropic reply is not a JSON object: {_snippet(body)}",
                provider=_PROVIDER,
            )
        if data.get("type") == "error":
            err = self.map_error(200, body, headers)
            # Status 200 says nothing; the error type says whether waiting helps.
            err.retryable = err.retryable or err.error_type in _RETRYABLE_STREAM_ERRORS
            raise err
        require_reply_key(data, "content", "Anthropic Messages", body)
        content, tool_calls = _parse_content(data.get("content"))
        usage = data.get("usage")
        lazy = _lazy_reply_metadata(data, usage)
        if lazy is None:  # a reply with fields chatplex does not model: built now
            return AIMessage(
                content=content,
                id=data.get("id"),
                tool_calls=tool_calls,
                usage_metadata=_usage(usage) if usage else None,
                response_metadata=_sdk_metadata(
                    {
                        **_start_metadata(data),
                        **_stop_metadata(data.get("stop_reason"), data.get("stop_sequence")),
                    }
                ),
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
            # the page's text as sent (stripped), as the SDK's `body`; the message's runs
            # its whitespace together
            body=data if data is not None else snippet(body),
        )

    def budget_key(self, model: str) -> tuple[str, ...]:
        """(provider, base_url, key digest or "", model): never the key itself (nor one in
        the base URL's query: masked there, and counted in the digest)."""
        return (_PROVIDER, self.base_url, self._key_digest, model)

    def batch_api_for(self, model: str, limits: Limits | None = None) -> AnthropicBatches:
        """Anthropic's Message Batches API, as `submit_batch` asks it."""
        from .batch import AnthropicBatches  # loaded with the first batch, not with the adapter

        return AnthropicBatches(self, limits) if limits else AnthropicBatches(self)


def _effort_in_output_config(body: dict[str, Any]) -> bool:
    """A call's `effort` / `reasoning_effort` (langchain-anthropic's call keywords, not
    Messages fields) moved into `output_config.effort`, over the model's, as
    langchain-anthropic moves them (`effort` winning, as its alias does); whether the
    call set one."""
    effort, reasoning_effort = body.pop("effort", None), body.pop("reasoning_effort", None)
    chosen = effort if effort is not None else reasoning_effort
    if chosen:
        body["output_config"] = {**(body.get("output_config") or {}), "effort": chosen}
    return bool(chosen)


def _sdk_metadata(meta: dict[str, Any]) -> dict[str, Any]:
    """A reply's metadata as the anthropic SDK's model dumps it: its usage's and its
    own fields a reply leaves out there as None (after the rest, as the lazy build)."""
    if isinstance(meta.get("usage"), dict):
        meta["usage"] = sdk_usage(meta["usage"])
    for key in SDK_MESSAGE_FIELDS:
        meta.setdefault(key, None)
    return meta


def _move_header_parameters(body: dict[str, Any], headers: dict[str, Any]) -> None:
    """The parameters the anthropic SDK sends as headers out of `body`, into `headers`
    (a call's over the model's); `betas` leaves the body too (its header is written
    with the betas the request needs)."""
    body.pop("betas", None)
    for param, header in HEADER_PARAMETERS:
        value = body.pop(param, None)
        if value is not None:
            headers[header] = str(value)
