"""OpenAI-compatible providers by name: one declared profile each over the Chat
Completions adapter (`providers/openai/adapter.py`), not a copy of it; the profiles are
data, in `spec.py`.

A profile says what differs from OpenAI: the provider's default base URL, the
environment variables of its key and base URL (LangChain's names), its official host
(where the environment's key may go), the parameters it rejects (a clear error naming
the provider, before any request) or names otherwise, and the reply fields it adds that
chatplex keeps. Everything else -- messages, tools, streams, usage, reasoning text
(`reasoning_content` from DeepSeek, `reasoning` from Groq and OpenRouter: both read by
the OpenAI adapter) -- is the OpenAI adapter's. Mistral's reasoning comes inside
`content`, as `thinking` parts of a list, kept there as langchain-mistralai keeps them
(its reply style's `content_parts`) and read into `content_blocks` as that package's
translator reads them (`blocks.py`, registered when this module or `dropin.py` loads);
how its partner package writes the history back is its profile's `turns` (`turns.py`),
and its structured output's shape `json_schema_shape` (`structured.py`).

>>> PROFILES["groq"].base_url
'https://api.groq.com/openai/v1'
>>> adapter = preset_adapter_class("groq")(api_key="gsk-example")
>>> adapter.preset, adapter.provider, adapter.base_url
('groq', 'openai', 'https://api.groq.com/openai/v1')

`provider` stays "openai": it names the wire API (what structured output, error classes,
batches and the mock server dispatch on); `preset` names the provider.

The environment's key follows chatplex's one policy (`base.environment_key`): it goes to
the provider's official host, and to a base URL that comes from the environment too
(`GROQ_API_BASE`...), never to a `base_url=` written in code for another host. Local
servers (vLLM, LM Studio and the like) have no official host: they get a key only from
`api_key=`.
"""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Mapping
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from typing import Generic
from typing import Self
from typing import TypeVar
from typing import overload
from urllib.parse import urlsplit

from ...adapters.connection import adapter_repr
from ...adapters.headers import header_value
from ...adapters.keys import as_secret
from ...adapters.keys import holds_environment_key
from ...adapters.keys import withheld_key_note
from ...adapters.request_types import CallSettings
from ...adapters.request_types import HTTPRequest
from ...adapters.structured_profile import StructuredProfile
from ...adapters.structured_profile import with_disabled_params
from ...adapters.tools import BESIDE_FIELDS
from ...adapters.validate import check_headers
from ...errors import APIError
from ...errors import MissingKeyError
from ...messages import AIMessage
from ...messages import BaseMessage
from ...sdk_error_families import ErrorFamily
from ...secret import Secret
from ...secret import merged_headers
from ...secret.urls import hold_url
from ...secret.urls import shown_url
from ...secret.urls import take_url_credentials
from ...secret.urls import url_joined
from ...secret.urls import url_with_query
from ..openai.adapter import OpenAIAdapter
from ..openai.response import parse_reply
from ..openai.stream import OpenAIStreamParser
from ..openai.tokens import TIKTOKEN_COUNTS
from ..openai.tokens import TiktokenCounts
from .affinity import with_affinity
from .blocks import register_parts_blocks
from .call_ids import with_call_ids
from .errors import error_families
from .file_parts import with_file_url_parts
from .kept_fields import KeepingStreamParser
from .kept_fields import kept_fields
from .missing_key import keyless_key
from .partner_tables import SDK_REQUEST_OPTIONS
from .profile import Profile
from .spec import PROFILES
from .style import StyledStreamParser
from .style import style_reply
from .turns import styled_turns
from .turns import unsendable_dropped

if TYPE_CHECKING:
    from ...adapters.batch_api import Limits
    from ..openai.batch import OpenAIBatches

__all__ = [
    "CompatibleAdapter",
    "OpenRouterAdapter",
    "preset_adapter_class",
]

_Value = TypeVar("_Value")


class _ProfileField(Generic[_Value]):
    """An adapter member that is its profile's field of the same name, read at each
    access (a call's copy may carry another profile); where the profile leaves it None,
    the OpenAI adapter's (langchain-openai's way). Documented on `Profile`."""

    def __set_name__(self, owner: type, name: str) -> None:
        self._name = name

    @overload
    def __get__(self, adapter: None, owner: type) -> Self: ...
    @overload
    def __get__(self, adapter: CompatibleAdapter, owner: type) -> _Value: ...
    def __get__(self, adapter: CompatibleAdapter | None, owner: type) -> Self | _Value:
        if adapter is None:
            return self
        value: _Value = getattr(adapter.profile, self._name)
        return getattr(super(CompatibleAdapter, adapter), self._name) if value is None else value

    def __set__(self, adapter: CompatibleAdapter, value: _Value) -> None:
        raise AttributeError(f"{self._name} is the profile's: set it there")


class CompatibleAdapter(OpenAIAdapter):
    """The Chat Completions adapter for one profile (`profile`, set by each subclass).

    Settings: `api_key` (else the profile's key variables, as `environment_key`
    allows), `base_url` (else its base variables, else its default), `default_headers`,
    `include_usage`, `secret_headers`, `extra_block_types`, as `OpenAIAdapter`'s;
    `sent_nulls`, body fields sent as null when the request sets none; `default_query`,
    parameters added to the query of the base URL it chose; `base_variables` and
    `key_variables`, a drop-in's: those its partner's SDK reads (None: the profile's);
    `organization` and `project`, sent as `OpenAI-Organization` / `OpenAI-Project` (a
    drop-in's whose partner's openai client reads them from the environment).
    """

    profile: Profile
    #: langchain-openai's `disabled_params` its drop-in was given: the structured output
    #: parameters its partner leaves out (`structured`); None: none.
    disabled_params: Mapping[str, Any] | None = None
    #: Whether its errors are its SDK's classes alone, none of its partner package's
    #: (the adapter of a stream its partner lets them through on: `partner.py`).
    sdk_errors_alone = False

    def __init__(
        self,
        *,
        api_key: str | Secret | None = None,
        base_url: str | Secret | None = None,
        default_headers: Mapping[str, str] | None = None,
        include_usage: bool = True,
        secret_headers: Sequence[str] = (),
        extra_block_types: Sequence[str] = (),
        sent_nulls: Sequence[str] = (),
        default_query: Mapping[str, Any] | None = None,
        base_variables: Sequence[str] | None = None,
        key_variables: Sequence[str] | None = None,
        organization: str | None = None,
        project: str | None = None,
    ) -> None:
        base_url = hold_url(base_url)  # rebound first: no local holds a credential in clear
        api_key = as_secret(api_key)
        profile = self.profile
        given = base_url is not None
        # (a drop-in's: those its partner's SDK reads; None: the profile's)
        read = profile.base_variables if base_variables is None else tuple(base_variables)
        chosen = base_url or hold_url(_first_set(read))
        if chosen is not None and not isinstance(chosen, (str, Secret)):
            raise TypeError(f"base_url must be a str, got {type(chosen).__name__}")
        # A given base URL is the SDK's: its path follows (the default has it already).
        url = url_joined(chosen, profile.sdk_path) if chosen else profile.base_url
        if default_query:  # on every request, wherever the URL came from (the SDKs' way)
            url = url_with_query(url, default_query)
        host = (urlsplit(shown_url(url)).hostname or "").lower()
        official = profile.official_host
        held = given and host != official and holds_environment_key()
        empty_given = api_key is not None  # (refused below, an empty key reads no variable)
        variables = tuple(key_variables or profile.key_variables)
        if api_key is None and official and not held:
            api_key = _environment_key(variables)
        # No key at all (the URL's user:password@ is one: httpx's Basic auth replaces the
        # header, as under the partner's client): the partner's keyless header, if any.
        if not api_key and host != official and take_url_credentials(url).userinfo is None:
            api_key = keyless_key(profile.name)  # (to its own host: refused below)
        if not api_key and official and host == official:
            raise MissingKeyError.of(
                profile.title,
                variables,
                empty_given=empty_given,
                adapter_class=type(self),
            )
        # An empty Secret: the OpenAI adapter then reads no OPENAI_API_KEY for this server.
        super().__init__(
            api_key=api_key or Secret(""),
            base_url=url,
            organization=organization,
            project=project,
            default_headers=default_headers,
            include_usage=include_usage and profile.stream_options,
            secret_headers=secret_headers,
            extra_block_types=(*extra_block_types, *_returned_block_types(profile)),
        )
        #: Body fields sent as null when the request sets none (a drop-in's partner
        #: sends its unset fields so: `DropIn.body_nulls`).
        self.sent_nulls = tuple(sent_nulls)
        self._withheld = ""
        if not api_key and official and profile.key_variables:
            base_note = " or ".join(profile.base_variables) or "the environment"
            self._withheld = withheld_key_note(profile.key_variables[0], base_note, official)

    @property
    def error_families(self) -> tuple[ErrorFamily, ...]:  # type: ignore[override]
        """What its users catch: the classes its partner package raises (langchain-openai's
        and openai's for ChatXAI and ChatDeepSeek, `groq.RateLimitError` for ChatGroq;
        `errors.error_families`)."""
        return error_families(self.profile.sdk, alone=self.sdk_errors_alone)

    def map_error(self, status: int, body: bytes, headers: Mapping[str, str]) -> APIError:
        """The OpenAI adapter's error, its `body` the SDK's (the `error` object for the
        openai SDK's users)."""
        err = super().map_error(status, body, headers)
        inner = err.body.get("error") if isinstance(err.body, dict) else None
        if self.profile.error_body_inner and isinstance(inner, dict):
            err.whole_body = err.body  # type: ignore[attr-defined] # the SDK's message shows it
            err.body = inner
        return err

    dropped_input_blocks = _ProfileField[frozenset[str]]()

    assistant_text_blocks = _ProfileField[bool]()

    empty_tool_list_sent = _ProfileField[bool]()

    keeps_choice_without_tools = _ProfileField[bool]()

    @property
    def sent_tool_extras(self) -> tuple[str, ...]:  # type: ignore[override]
        """The profile's: a tool's defer_loading and async beside its function where
        its partner binds them so."""
        return BESIDE_FIELDS if self.profile.passes_tool_extras else ()

    lone_text_as_string = _ProfileField[bool]()

    text_extras_roles = _ProfileField[frozenset[str]]()

    rebuilt_text_roles = _ProfileField[frozenset[str]]()

    tool_text_keys = _ProfileField[frozenset[str]]()

    developer_role_sent = _ProfileField[bool]()

    function_calls_sent = _ProfileField[bool]()

    idless_calls_sent = _ProfileField[bool]()

    content_part_keys = _ProfileField[frozenset[str] | None]()

    @property
    def structured(self) -> StructuredProfile:  # type: ignore[override]
        """The profile's: its default method, its refusal of tools (with its reason), its
        forced tool's choice and settings, and whether a raw reply carries
        `additional_kwargs["parsed"]` (its style's: langchain-openai's subclasses do,
        the others not); less what its drop-in's `disabled_params` disable
        (`with_disabled_params`)."""
        return with_disabled_params(_structured(self.profile), self.disabled_params)

    def structured_output_settings(
        self, spec: Any, given: Any, method: str, strict: bool | None
    ) -> dict[str, Any]:
        """The `response_format` its partner package binds for `with_structured_output`
        (the profile's `json_schema_shape`, see `compatible/structured.py`)."""
        from .structured import response_format

        return response_format(self.profile.json_schema_shape, spec, given, method, strict)

    batch_api = _ProfileField[bool]()

    def batch_api_for(self, model: str, limits: Limits | None = None) -> OpenAIBatches:
        """OpenAI's Batch API at the preset's base URL, or a ValueError naming the preset
        when its profile says it has none (before anything is written)."""
        if not self.profile.batch_api:
            raise ValueError(
                f"provider {self.preset!r} has no OpenAI-shaped Batch API; call it in real time"
            )
        return super().batch_api_for(model, limits)

    @property
    def price_provider(self) -> str:  # type: ignore[override]
        """The name a reply is priced under when its URL's host does not pick a price
        list ((`chat.accounting.cost`)): the preset's, never OpenAI's."""
        return self.profile.name

    @property
    def preset(self) -> str:
        """The provider's name (LangChain's), e.g. "groq"."""
        return self.profile.name

    def __repr__(self) -> str:
        return adapter_repr(self, api_key="_api_key")

    def build_request(
        self, messages: list[BaseMessage], settings: CallSettings, *, stream: bool
    ) -> HTTPRequest:
        """The OpenAI adapter's request, with the profile's refusals and renames applied
        (a ValueError naming the provider before any request)."""
        profile = self.profile
        turns = profile.turns
        if turns is not None and (turns.joined_text or turns.text_parts_only):
            messages = unsendable_dropped(messages, self.block_types.allows, turns)
        request = super().build_request(messages, settings, stream=stream)
        body = dict(request.json)
        for name, reason in profile.rejects.items():
            if name in body:
                raise ValueError(
                    f"{profile.title} ({profile.name}) does not accept {name!r}: {reason}"
                )
        for ours, theirs in profile.renames.items():
            if ours in body:
                value = body.pop(ours)
                body.setdefault(theirs, value)  # the provider's own name, if given, wins
        choice = body.get("tool_choice")
        if isinstance(choice, str) and choice in profile.tool_choices:
            body["tool_choice"] = profile.tool_choices[choice]
        if profile.turns is not None and isinstance(body.get("messages"), list):
            body["messages"] = styled_turns(messages, body["messages"], profile.turns)
        for name in self.sent_nulls:
            body.setdefault(name, None)
        if not profile.says_stream_false and body.get("stream") is False:
            del body["stream"]
        dropped = profile.stop_dropped
        if dropped is not None and body.get("stop") is not None and dropped.drops(settings.model):
            del body["stop"]
        if profile.tool_call_id_pattern and isinstance(body.get("messages"), list):
            body["messages"] = with_call_ids(body["messages"], profile.tool_call_id_pattern)
        if profile.file_url_parts and isinstance(body.get("messages"), list):
            body["messages"] = with_file_url_parts(body["messages"])
        if body != request.json:
            request = dataclasses.replace(request, json=body)
        return request

    def with_call_headers(self, request: HTTPRequest, headers: Mapping[str, str]) -> HTTPRequest:
        """The headers, and the profile's session affinity (read now: the caller's
        context) unless they name its header, as its partner sends neither then."""
        request = super().with_call_headers(request, headers)
        affinity = self.profile.session_affinity
        if affinity is None or any(k.lower() == affinity.header.lower() for k in headers):
            return request
        return with_affinity(request, affinity)

    def body_field(self, name: str) -> str:
        """The profile's name for the field (`Profile.renames`), else `name`."""
        return self.profile.renames.get(name, name)

    @property
    def call_body_fields(self) -> frozenset[str]:
        """The body fields of its drop-in's own settings (`DropIn.body`) and those its
        class moves into `model_kwargs` (`DropIn.moved`), which its partner class also
        takes per call, and every body field its partner's SDK
        `create()` names (`Profile.sdk_keywords` but its request options: the groq SDK's
        `include_reasoning`, `search_settings`...), as its partner hands that function
        every call keyword."""
        from .spec import DROPINS  # the rows import this module

        dropin = DROPINS.get(self.profile.name)
        own = frozenset() if dropin is None else frozenset((*dropin.body.values(), *dropin.moved))
        sdk = self.profile.sdk_keywords or frozenset()
        return own | (sdk - SDK_REQUEST_OPTIONS)

    @property
    def token_counts(self) -> TiktokenCounts | None:  # type: ignore[override]
        """langchain-openai's counts where the preset's LangChain class extends it (its
        `DropIn` row's `counts_with_tiktoken`, read by its drop-in too); else none."""
        from .spec import DROPINS  # the rows import this module

        dropin = DROPINS.get(self.profile.name)
        return TIKTOKEN_COUNTS if dropin is not None and dropin.counts_with_tiktoken else None

    def parse_response(self, body: bytes, headers: Mapping[str, str]) -> AIMessage:
        """The OpenAI adapter's reply, with the profile's kept fields in its
        `additional_kwargs` (and thinking parts read as reasoning, for a profile that
        declares them)."""
        if self.profile.thinking_parts:
            message = parse_reply(body, headers, thinking_parts=True)
        else:
            message = super().parse_response(body, headers)
        if self.profile.style is not None:
            message = style_reply(message, _json_object(body), self.profile.style)
        if self.profile.kept_fields:
            try:
                data = json.loads(body)
            except ValueError:  # the parent already accepted it; be safe anyway
                return message
            kept = kept_fields(data, self.profile.kept_fields)
            # Empty ones left out, as langchain-perplexity leaves them out of a reply.
            message.additional_kwargs.update((k, v) for k, v in kept.items() if v)
        return message

    def stream_parser(self, headers: Mapping[str, str]) -> OpenAIStreamParser:
        """A fresh parser for one stream; reads thinking parts when the profile declares
        them; keeps the profile's fields (from the first event that carries them) when it
        has any."""
        # With the reply's id and raw usage, which a style reads (unlike OpenAI's own).
        style = self.profile.style
        parser = OpenAIStreamParser(
            header_value(headers, "x-request-id"),
            thinking_parts=self.profile.thinking_parts,
            sdk_events=self.reads_sdk_events,
            tiers_apart=style is None or style.tiers_apart,
            headers=self.kept_headers(headers),
        )
        if style is not None:
            parser = StyledStreamParser(parser, style)
        if not self.profile.kept_fields:
            return parser
        return KeepingStreamParser(
            parser,
            self.profile.kept_fields,
            self.profile.stream_null_fields,
            named=self.profile.stream_named_fields,
            set_only=self.profile.stream_set_fields,
            each=self.profile.kept_on_each_chunk,
            models=self.profile.kept_models,
        )


class OpenRouterAdapter(CompatibleAdapter):
    """OpenRouter, with its app attribution headers (openrouter.ai/docs/app-attribution):
    `app_url` → `HTTP-Referer`, `app_title` → `X-Title`, `app_categories` →
    `X-OpenRouter-Categories`; None, from `OPENROUTER_APP_URL` / `OPENROUTER_APP_TITLE`
    (langchain-openrouter's variables); empty, not sent. Nothing is sent when neither is
    set (the drop-in `ChatOpenRouter` hands it LangChain's defaults, attributing calls to
    LangChain as langchain-openrouter does)."""

    profile = PROFILES["openrouter"]

    def __init__(
        self,
        *,
        api_key: str | Secret | None = None,
        base_url: str | Secret | None = None,
        default_headers: Mapping[str, str] | None = None,
        include_usage: bool = True,
        secret_headers: Sequence[str] = (),
        extra_block_types: Sequence[str] = (),
        sent_nulls: Sequence[str] = (),
        app_url: str | Secret | None = None,
        app_title: str | None = None,
        app_categories: Sequence[str] | None = None,
        default_query: Mapping[str, Any] | None = None,
        base_variables: Sequence[str] | None = None,
        key_variables: Sequence[str] | None = None,
    ) -> None:
        # Rebound first: no local holds a credential in clear.
        base_url, api_key = hold_url(base_url), as_secret(api_key)
        if isinstance(app_url, Secret):  # held as a URL with a credential-like query
            app_url = app_url.get()  # a referer, sent as given (not where calls go)
        attribution = {
            "HTTP-Referer": os.environ.get("OPENROUTER_APP_URL") if app_url is None else app_url,
            "X-Title": os.environ.get("OPENROUTER_APP_TITLE") if app_title is None else app_title,
            "X-OpenRouter-Categories": ",".join(app_categories) if app_categories else None,
        }
        headers = {k: v for k, v in attribution.items() if v}
        check_headers(default_headers, "default_headers")  # (before merging them)
        super().__init__(
            api_key=api_key,
            base_url=base_url,
            default_headers=merged_headers(headers, default_headers),
            include_usage=include_usage,
            secret_headers=secret_headers,
            extra_block_types=extra_block_types,
            sent_nulls=sent_nulls,
            default_query=default_query,
            base_variables=base_variables,
            key_variables=key_variables,
        )


def _returned_block_types(profile: Profile) -> tuple[str, ...]:
    """Block types a history may hand back because the provider sent them (Mistral's
    `thinking` parts, sent back as they came: `TurnStyle.assistant_parts`; a Groq
    compound model's server tool blocks in a v1 turn, left out or sent as its partner
    sends them)."""
    turns = profile.turns
    if turns is None:
        return ()
    thinking = ("thinking",) if turns.assistant_parts else ()
    server = ("server_tool_call", "server_tool_result") if turns.v1_server_calls_dropped else ()
    return (*thinking, *server)


def _json_object(body: bytes) -> dict[str, Any]:
    try:
        data = json.loads(body)
    except ValueError:  # the OpenAI reader accepted it already; be safe anyway
        return {}
    return data if isinstance(data, dict) else {}


def _first_set(variables: tuple[str, ...]) -> str | None:
    return next((os.environ[v] for v in variables if os.environ.get(v)), None)


def _environment_key(variables: tuple[str, ...]) -> Secret | None:
    value = _first_set(variables)
    return Secret(value) if value else None


_CLASSES: dict[str, type[CompatibleAdapter]] = {}

register_parts_blocks()  # as its partner package registers its translator on import


def preset_adapter_class(name: str) -> type[CompatibleAdapter]:
    """The adapter class of profile `name` (one subclass per profile, made once, so
    `adapter_parameters` and `type(adapter).__name__` work as for any adapter)."""
    cls = _CLASSES.get(name)
    if cls is None:
        profile = PROFILES[name]  # KeyError for an unknown name
        if name == "openrouter":
            _CLASSES[name] = OpenRouterAdapter
            return OpenRouterAdapter
        cls = type(_class_name(name), (CompatibleAdapter,), {"profile": profile})
        cls.__module__ = __name__
        cls.__doc__ = f"The Chat Completions adapter for {profile.title} ({profile.base_url})."
        _CLASSES[name] = cls
    return cls


def _class_name(name: str) -> str:
    return "".join(part.capitalize() for part in name.split("_")) + "Adapter"


def __getattr__(attribute: str) -> type[CompatibleAdapter]:
    # "GroqAdapter" and the like, as `adapters.BUILTIN_ADAPTERS` names them.
    for name in PROFILES:
        if _class_name(name) == attribute:
            return preset_adapter_class(name)
    raise AttributeError(f"module {__name__!r} has no attribute {attribute!r}")


def _structured(profile: Profile) -> StructuredProfile:
    """A preset's structured-output facts, read from its profile (the rest the Chat
    Completions wire's)."""
    refused = profile.structured_tools_refused
    if refused is not None:
        refused = f"{profile.title} takes no tools for structured output ({refused})"
    style = profile.style
    return StructuredProfile(
        method=profile.structured_output_method,
        tools_refused=refused,
        tool_choice=profile.structured_tool_choice,
        forced_tool_settings=profile.forced_tool_settings,
        single_call_models=None if profile.forced_single_call else frozenset(),
        parsed_key=style.parsed_key if style is not None else True,
    )
