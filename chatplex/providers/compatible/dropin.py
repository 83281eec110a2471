"""The drop-ins for LangChain's OpenAI-compatible chat models: `ChatGroq`,
`ChatDeepSeek`, `ChatXAI`, `ChatMistralAI`, `ChatFireworks`, `ChatTogether`,
`ChatPerplexity`, `ChatCerebras`, `ChatOpenRouter` (each a class of its
langchain-<provider> package), over the presets of `adapter.py`, each declared as data
in `spec.py` (its `PRESETS` row): a preset declared there without a class below gets one made
from its row (`preset_dropin_class`, and this module's attribute of its class name).

One constructor (`PresetChatModel`) takes the parameters they share (`model` /
`model_name`, `temperature`, `max_tokens`, `stop` / `stop_sequences`, `timeout` /
`request_timeout`, `api_key`, `base_url`, ...); each class declares the rest
(`DropIn`): its own spellings of the key and base URL (`groq_api_key`,
`mistral_api_key`, `endpoint`, ...), the body parameters LangChain names as fields
(`reasoning_format`, `random_seed`, `search_mode`, ...), LangChain's defaults, and the
settings chatplex refuses, with the reason. Any other keyword must be a Chat Completions
parameter, else a TypeError naming the closest known name.

>>> model = ChatGroq(model="llama-3.3-70b-versatile", groq_api_key="gsk-example")
>>> model.get_name(), model.model, model.temperature
('ChatGroq', 'llama-3.3-70b-versatile', 0.7)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from typing import ClassVar

from ...chat.binding import merge_body
from ...chat.dropin import UNSET
from ...chat.dropin import check_refused
from ...chat.dropin import constructor_names
from ...chat.dropin import dropin
from ...chat.dropin import spellings
from ...chat.dropin_fields import CLIENT_FIELDS
from ...chat.dropin_fields import take_params
from ...chat.dropin_fields import with_defaults
from ...chat.langchain_hooks import settled_as_held
from ...chat.model import ChatModel
from ...chat.params import api_parameters
from ...chat.params import check_api_parameters
from ...chat.partner_warnings import say_moved
from ...chat.settings import CALL_SETTINGS
from ..openai.choices import refuse_langsmith_gateway
from ..openai.chunk_bound import stream_chunk_timeout
from ..openai.dropin import TiktokenCounted
from ..openai.extra_body_layer import ExtraBodyLayer
from ..openai.stop_dropin import EmptyStop
from .blocks import register_parts_blocks
from .dropin_record import declared_value
from .dropin_record import preset_record
from .preset import DropIn
from .preset_dropin import aliases
from .preset_dropin import declared_names
from .preset_dropin import form_of
from .preset_dropin import kept_tool_choice
from .preset_dropin import move_to_model_kwargs
from .preset_dropin import report_asked
from .preset_dropin import responses_settings
from .preset_dropin import settled_temperature
from .preset_dropin import sorted_keywords
from .preset_dropin import structured_method
from .preset_dropin import unnamed_parameters
from .spec import DROPINS
from .spec import SPECS

__all__ = [
    "DROP_INS",
    "ChatCerebras",
    "ChatDeepSeek",
    "ChatFireworks",
    "ChatGroq",
    "ChatMistralAI",
    "ChatOpenRouter",
    "ChatPerplexity",
    "ChatTogether",
    "ChatXAI",
    "PresetChatModel",
    "preset_dropin_class",
]

# Importing `ChatMistralAI` makes its replies' `content_blocks` langchain-mistralai's, as
# importing that package registers its translator.
register_parts_blocks()


#: The parameters every preset's class takes (its temperature: its LangChain default).
_FIELDS = with_defaults(CLIENT_FIELDS, temperature=UNSET)
#: Those a preset's row gives a default of its own when not given.
_PRESET_DEFAULTED = ("temperature", "max_tokens", "max_retries")


@dropin(fields=_FIELDS, aliases=spellings("model_name", "stop_sequences", "request_timeout"))
class PresetChatModel(TiktokenCounted):
    """The shared constructor of the OpenAI-compatible drop-ins (see the module doc).
    A subclass names its preset (`provider=`, see `__init_subclass__`); chatplex's own
    settings (`chat.dropin.TAIL`) are taken by every one."""

    dropin: ClassVar[DropIn]
    #: The API parameters its LangChain class names nowhere (`_unnamed_parameters`): its
    #: validator moves them into `model_kwargs`, with its warning: shown there, warned,
    #: and sent as any API parameter is (renamed where its wire names it otherwise).
    unnamed_parameters: ClassVar[frozenset[str]] = frozenset()
    #: True where its Responses API fields alone send it there (`_responses_settings`).
    responses_by_fields: bool | None = None
    #: langchain-openai's `use_previous_response_id`, for its Responses adapter.
    previous_response_id: bool = False
    #: langchain-openai's `output_version` ("v0": its Responses replies in the v0.3 shape).
    output_version: str | None = None
    #: The constructor's `extra_body`, which a call's own replaces where its partner hands
    #: it to an SDK (`extra_body_layer.py`; langchain-mistralai posts it as a field).

    def __init_subclass__(cls, provider: str | None = None, **kwargs: Any) -> None:
        """A preset's class names its preset (`class ChatGroq(PresetChatModel,
        provider="groq")`): its `dropin` is that preset's `DROPINS` row, its signature
        names what the row declares, and it is the preset's class in `DROP_INS`."""
        super().__init_subclass__(**kwargs)
        if provider is None:
            return  # a subclass of a preset's class (a user's): its base's row
        row = cls.dropin = DROPINS[provider]  # KeyError for a preset without a drop-in
        dropin(cls, declared=declared_names(row), aliases=aliases(row))
        cls.unnamed_parameters = unnamed_parameters(row, constructor_names(cls))
        cls.partner_record = preset_record(row, form_of(row, cls.unnamed_parameters))
        DROP_INS[provider] = cls

    @classmethod
    def langchain_settings(cls, settings: dict[str, Any]) -> dict[str, Any]:
        # Its temperature of 0 as its class's validator leaves it (langchain-groq: 1e-8).
        return settled_temperature(cls.partner_record.fields, settings)

    def __init__(self, model: str | None = None, **params: Any) -> None:
        from ...adapters import adapter_class
        from .spec import PROFILES

        spec = self.dropin
        if spec.counts_with_tiktoken:  # its class's fields (langchain-openai's)
            self.tiktoken_model_name = params.pop("tiktoken_model_name", None)
            chunk_bound = params.pop("stream_chunk_timeout", UNSET)
            self.stream_chunk_timeout = stream_chunk_timeout(
                chunk_bound, was_given=chunk_bound is not UNSET
            )
        # ... and this one, read by its adapter (set below)
        headers_kept = spec.keeps_response_headers and params.pop("include_response_headers", False)
        move_to_model_kwargs(spec, params)
        unnamed = [k for k in params if k in self.unnamed_parameters]
        for name in unnamed:  # sent as any API parameter is; shown in model_kwargs
            say_moved(name, spec.moves)
        if spec.stream_usage_moved is not None and "stream_usage" in params:
            # LangChain's warning, its class having no such field. "unsent": its class
            # sends it in the body (langchain-mistralai's, which Mistral refuses: 422);
            # "taken": its class hands it to its SDK, which raises (see `DropIn`).
            say_moved("stream_usage", spec.moves)
            if spec.stream_usage_moved == "unsent":
                del params["stream_usage"]
        taken = take_params(self, params, _FIELDS, timeout_objects=spec.timeout_objects)
        owner, given = taken.owner, taken.given
        responses = responses_settings(
            spec, owner, taken.api_params, taken.given["model_kwargs"], model
        )
        self.output_version = responses.output_version
        self.previous_response_id = responses.previous_response_id
        self.responses_by_fields = responses.by_fields
        profile = PROFILES[spec.provider]
        known = (api_parameters("openai") or frozenset()) | self.unnamed_parameters
        record = self.partner_record
        kept = sorted_keywords(
            spec,
            owner,
            check_refused(owner, "common", taken.api_params),
            known=known,
            held=lambda name: declared_value(record, name),
        )
        body, adapter_settings, api_params = kept.body, kept.adapter_settings, kept.api_params
        for key in (*body, *api_params, *unnamed):
            if key in profile.rejects:
                raise ValueError(
                    f"{owner}: {profile.title} does not accept {key!r}: {profile.rejects[key]}"
                )
        if spec.routes_langsmith_gateway:  # (its class's own base URL variable first)
            refuse_langsmith_gateway(owner, given["base_url"], profile.base_variables[0])
        name_of_model = model or spec.default_model
        if not name_of_model:
            raise TypeError(f"{owner} needs model=...")
        stream_usage = given["stream_usage"]
        include_usage = spec.stream_usage if stream_usage is None else bool(stream_usage)
        adapter = adapter_class(spec.provider)(
            api_key=given["api_key"],
            base_url=given["base_url"],
            default_query=given["default_query"],
            default_headers=given["default_headers"],
            include_usage=include_usage,
            sent_nulls=spec.body_nulls,
            **adapter_settings,
        )
        adapter.disabled_params = kept.disabled
        if responses.settings is not None:
            from .responses import PresetResponsesAdapter

            # Its class's Responses requests go where its Chat Completions go, alike (a
            # call's `max_tokens` beside the model's: its partner record, `partner.py`).
            adapter = PresetResponsesAdapter(
                connection=adapter, use_previous_response_id=self.previous_response_id
            )
            if self.output_version == "v0":
                from ..openai.responses_adapter import replies_v03

                replies_v03(adapter)
            check_api_parameters(
                adapter.provider, api_params, settings=constructor_names(type(self)), owner=owner
            )
            api_params.update(responses.settings)
        if headers_kept:
            adapter.keeps_response_headers = True
        model_kwargs = dict(given["model_kwargs"] or {})
        # Its SDK's request option, not a body field: headers, under the call's.
        held_headers = (
            model_kwargs.pop("extra_headers", None) if profile.sdk_request_options else None
        )
        held_headers = held_headers or {}
        headers = {**held_headers, **(taken.tail.settings.get("extra_headers") or {})}
        report_asked(adapter, {**body, **api_params, **model_kwargs}, name_of_model)
        n = given["n"]
        if n is not None and (n != 1 or spec.sends_n_of_one or "n" in spec.body_defaults):
            api_params["n"] = n
        named = {"top_p": given["top_p"], "n": n}  # defaults a named parameter given replaces
        for key, value in spec.body_defaults.items():
            if key not in api_params and key not in body and named.get(key) is None:
                # A default the API names is a setting a call's own replaces (Mistral's
                # top_p 1 under invoke(..., top_p=0.9)); the others go in the body.
                (api_params if key in CALL_SETTINGS else body)[key] = value
        taken.api_params = api_params
        temperature, max_tokens, retries = (given[k] for k in _PRESET_DEFAULTED)
        held = self.partner_record.fields  # (None: a preset LangChain has no class for)
        if temperature is UNSET:
            temperature = spec.temperature
        elif held is not None and not settled_as_held():  # as its partner holds it (0: 1e-8)
            temperature = held.typed("temperature", temperature)
        taken.settle(
            self,
            adapter,
            name_of_model,
            temperature=temperature,
            max_tokens=spec.max_tokens if max_tokens is None else max_tokens,
            timeout=given["timeout"] or spec.timeout,
            max_retries=spec.max_retries if retries is None else retries,
            # LangChain sends model_kwargs as they are, in the body: top_p there too.
            model_kwargs=None,
            extra_body={**body, **model_kwargs},
            stream_usage=include_usage,
            **({"extra_headers": headers} if headers else {}),
        )
        extra_body = given["extra_body"]
        if profile.sdk_request_options:  # (its SDK's `extra_body`, merged over the body)
            self._extra_body_layer = ExtraBodyLayer.over(self.extra_body, extra_body)
        merge_body(self, "extra_body", extra_body)

    def _structured_target(self, method: str | None, schema: Any) -> tuple[ChatModel, str | None]:
        """`with_structured_output` with the methods its LangChain class answers
        otherwise (ChatDeepSeek: `json_schema` by function calling)."""
        return self, structured_method(self.dropin, method)

    def _finish_binding(
        self, clone: ChatModel, tools: Sequence[Any], tool_choice: Any
    ) -> ChatModel:
        """`bind_tools`: a tool_choice keyword its profile keeps (`kept_tool_choices`:
        Mistral's "any") is sent as given, as its LangChain class sends it, not as Chat
        Completions' "required"."""
        return kept_tool_choice(self, clone, tool_choice)

    @property
    def model_name(self) -> str:
        """LangChain's name for `model`."""
        return self.model

    @property
    def counts_with_tiktoken(self) -> bool:
        return self.dropin.counts_with_tiktoken

    @property
    def empty_stop_sent(self) -> EmptyStop:
        return self.dropin.empty_stop_sent


#: Provider name → its drop-in class: each class below as it is defined, the data-only
#: ones when first asked (`preset_dropin_class`).
DROP_INS: dict[str, type[PresetChatModel]] = {}


class ChatGroq(PresetChatModel, provider="groq"):
    """langchain-groq's `ChatGroq` (temperature 0.7 unless given, as there)."""


class ChatDeepSeek(PresetChatModel, provider="deepseek"):
    """langchain-deepseek's `ChatDeepSeek` (`api_base` is its base URL)."""


class ChatXAI(PresetChatModel, provider="xai"):
    """langchain-xai's `ChatXAI` (model grok-4 unless given, as there)."""


class ChatMistralAI(PresetChatModel, provider="mistralai"):
    """langchain-mistralai's `ChatMistralAI`: `endpoint` is its base URL, `random_seed`
    its seed, `safe_mode` its `safe_prompt`; temperature 0.7, top_p 1, 5 retries and a
    120 s timeout unless given, as there. Under this LangChain name its retries are
    langchain-mistralai's: a refused connection or a timeout, never a 429 or a 5xx
    (`retry_policy=chatplex.http.retry_policy(max_retries=2)` gives chatplex's)."""


class ChatFireworks(PresetChatModel, provider="fireworks"):
    """langchain-fireworks' `ChatFireworks`."""


class ChatTogether(PresetChatModel, provider="together"):
    """langchain-together's `ChatTogether` (its default model unless given, as there)."""


class ChatPerplexity(PresetChatModel, provider="perplexity"):
    """langchain-perplexity's `ChatPerplexity` over Chat Completions: its search
    parameters are sent when set; citations and search results come back in
    `response_metadata`; structured output uses `response_format` (no tools)."""


class ChatCerebras(PresetChatModel, provider="cerebras"):
    """langchain-cerebras' `ChatCerebras`."""


class ChatOpenRouter(PresetChatModel, provider="openrouter"):
    """langchain-openrouter's `ChatOpenRouter`: `openrouter_provider` goes as the body's
    `provider`; `app_url` / `app_title` / `app_categories` as attribution headers, as
    there: unset, from `OPENROUTER_APP_URL` / `OPENROUTER_APP_TITLE`, else LangChain's
    own (`https://docs.langchain.com`, `LangChain`); None or empty: not sent."""


def preset_dropin_class(provider: str) -> type[PresetChatModel]:
    """The drop-in class of a declared preset (`spec.DROPINS`): the one defined above,
    or, for a preset declared only as data, a `PresetChatModel` subclass made once and
    named as its spec's LangChain class."""
    cls = DROP_INS.get(provider)
    if cls is None:
        name = next(
            (s.langchain_class for s in SPECS if s.name == provider and s.langchain_class), None
        )
        namespace = {
            "__module__": __name__,
            "__doc__": f"The drop-in for LangChain's `{name}` (declared in spec.py).",
        }
        cls = type(name or provider, (PresetChatModel,), namespace, provider=provider)
    return cls


def __getattr__(attribute: str) -> type[PresetChatModel]:
    # A preset declared only in spec.py, by its LangChain class name (`ChatFoo`).
    for declared in SPECS:
        if declared.langchain_class == attribute and declared.name in DROPINS:
            return preset_dropin_class(declared.name)
    raise AttributeError(f"module {__name__!r} has no attribute {attribute!r}")
