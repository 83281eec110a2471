"""The drop-ins for LangChain's OpenAI-compatible chat models: `ChatGroq`,
`ChatDeepSeek`, `ChatXAI`, `ChatMistralAI`, `ChatFireworks`, `ChatTogether`,
`ChatPerplexity`, `ChatCerebras`, `ChatOpenRouter`, `ChatSambaNova`, `ChatNebius` (each
a class of its langchain-<provider> package) and `ChatHyperbolic` (no partner class),
each its class as a record (`PartnerClass`) made from its preset's row in `spec.py` (its
`DROPINS` row: `RECORDS`, and this module's attribute of its class name):
`chatplex.langchain.<Name>` makes its LangChain chat model from it.

A script written for the partner class ports by changing its import line: its
constructor takes the parameters they share (`model` / `model_name`, `temperature`,
`max_tokens`, `stop` / `stop_sequences`, `timeout` / `request_timeout`, `api_key`,
`base_url`, ...), its row's own (`DropIn`): its spellings of the key and base URL
(`groq_api_key`, `mistral_api_key`, `endpoint`, ...), the body parameters LangChain names
as fields (`reasoning_format`, `random_seed`, `search_mode`, ...), LangChain's defaults,
and the settings chatplex refuses, with the reason; plus chatplex's own (`rate_limit`,
`retry_policy`, `max_retry_after`, `extra_headers`, `stream_idle_timeout`,
`max_response_bytes`, `http_client`, `http_async_client`). Any other keyword must be a
Chat Completions parameter, else a TypeError naming the closest known name. The model
(`build`) is a plain `ChatModel` on the preset's adapter (`adapter.py`), named as its
class in events, logs and callbacks.

Deliberate differences from each partner package are listed, with why, in
tests/partners/compatible. `ChatMistralAI` retries as langchain-mistralai does under its
LangChain name (a refused connection or a timeout, never a 429 or a 5xx); a class whose
partner is langchain-openai's `BaseChatOpenAI` counts tokens with tiktoken, sends `stop`
as given and bounds an async stream's chunks as there (`openai/base_chat_openai.py`).

>>> model = ChatGroq.build({"model": "llama-3.3-70b-versatile", "groq_api_key": "gsk-e"})
>>> model.get_name(), model.model, model.temperature
('ChatGroq', 'llama-3.3-70b-versatile', 0.7)
"""

from __future__ import annotations

import dataclasses
import functools
import warnings
from collections.abc import Callable
from typing import TYPE_CHECKING
from typing import Any

from ...adapters.extra_body_layer import call_model as layered_call_model
from ...chat.binding import merge_body
from ...chat.binding import merged_last
from ...chat.dropin import TAIL
from ...chat.dropin import UNSET
from ...chat.dropin import check_refused
from ...chat.dropin import pick
from ...chat.dropin import timeout_in_seconds
from ...chat.model import ChatModel
from ...chat.params import api_parameters
from ...chat.params import check_api_parameters
from ...chat.partner_record import PartnerClass
from ...chat.partner_record import PartnerHooks
from ...chat.partner_record import StreamTokens
from ...chat.partner_record import TokenTold
from ...chat.partner_record import settled_as_held
from ...chat.partner_record import told_with_logprobs
from ...chat.partner_warnings import say_moved
from ...chat.proxied import field_proxied
from ...chat.settings import CALL_SETTINGS
from ...specs import spec
from ..openai import base_chat_openai
from ..openai.base_chat_openai import BaseChatOpenAIData
from ..openai.base_chat_openai import held_stop
from ..openai.base_chat_openai import with_data
from ..openai.chunk_bound import stream_chunk_timeout
from ..openai.sdk_account import sdk_account
from .blocks import register_parts_blocks
from .dropin_record import declared_value
from .dropin_record import preset_record
from .preset import DropIn
from .preset_dropin import SHARED_NAMES
from .preset_dropin import aliases
from .preset_dropin import declared_names
from .preset_dropin import form_of
from .preset_dropin import move_to_model_kwargs
from .preset_dropin import report_asked
from .preset_dropin import responses_settings
from .preset_dropin import said_by_fields
from .preset_dropin import settled_temperature
from .preset_dropin import sorted_keywords
from .preset_dropin import structured_method
from .preset_dropin import unnamed_parameters
from .spec import DROPINS
from .spec import SPECS
from .style import reasoning_blocks

if TYPE_CHECKING:
    from ...adapters.base import Adapter

__all__ = [
    "RECORDS",
    "ChatCerebras",
    "ChatDeepSeek",
    "ChatFireworks",
    "ChatGroq",
    "ChatMistralAI",
    "ChatOpenRouter",
    "ChatPerplexity",
    "ChatTogether",
    "ChatXAI",
    "build",
    "owner_of",
    "preset_record_of",
]

# Importing `ChatMistralAI` makes its replies' `content_blocks` langchain-mistralai's, as
# importing that package registers its translator.
register_parts_blocks()

#: Those of the shared parameters a preset's row gives a default of its own when not given.
_PRESET_DEFAULTED = ("temperature", "max_tokens", "max_retries")

#: The named parameters a `model_kwargs` entry can stand for, where the class leaves it
#: there (no `lifts_model_kwargs`; or `top_p`, where it has no such field): the entry is
#: that setting's value, which a call's own replaces.
_CALL_REPLACES = ("top_p", "temperature", "max_tokens", "stop")


def _as_setting(name: str, value: Any) -> bool:
    """Whether `value`, held in `model_kwargs` under `name`, is of the setting's type:
    a number (`max_tokens`: an int), a list of strings (`stop`)."""
    if isinstance(value, bool):
        return False
    if name == "stop":
        return isinstance(value, list) and all(isinstance(v, str) for v in value)
    return isinstance(value, int) or (name != "max_tokens" and isinstance(value, float))


#: LangChain's spellings every preset's class takes of the shared parameters.
_SPELLINGS = {"model_name": "model", "stop_sequences": "stop", "request_timeout": "timeout"}
#: The shared parameters (`SHARED_NAMES` without their spellings and `model`), each
#: one's value where not given (the temperature: its row's, `UNSET`).
_SHARED = {
    **dict.fromkeys(("temperature",), UNSET),
    **dict.fromkeys(
        ("max_tokens", "top_p", "stop", "n", "timeout", "max_retries", "api_key", "base_url")
    ),
    **dict.fromkeys(("default_headers", "default_query", "stream_usage", "model_kwargs")),
    "streaming": False,
    "extra_body": None,
}


def _spec_class(row: DropIn) -> str | None:
    return next(
        (s.langchain_class for s in SPECS if s.name == row.provider and s.langchain_class), None
    )


def owner_of(row: DropIn) -> str:
    """Its LangChain class's name: its partner class's, else its spec's
    `langchain_class` (ChatHyperbolic's, which has no partner class)."""
    if row.partner_class is not None:
        return row.partner_class.rpartition(":")[2]
    return _spec_class(row) or row.provider


def build(row: DropIn, keywords: dict[str, Any]) -> ChatModel:
    """The preset's class's constructor: its model from its fields as held
    (`PartnerClass.build`), as the row says (`preset_dropin.py`): a plain `ChatModel`
    on the preset's adapter, refused before any request as its class refuses."""
    from ...adapters import adapter_class
    from ...adapters.keys import as_secret
    from ...chat.partner_record import partner_model
    from ...chat.partner_record import take_request_options
    from ...chat.partner_record import take_settings
    from ...secret import is_secret_name
    from ...secret.arguments import hold_keys
    from .spec import PROFILES

    owner, params = owner_of(row), dict(keywords)
    hold_keys(params, is_secret_name)
    for alias, target in {**_SPELLINGS, **aliases(row)}.items():
        if alias in params:
            value = pick(owner, **{target: params.get(target), alias: params.pop(alias)})
            if value is not None:
                params[target] = value
    if "api_key" in params:
        params["api_key"] = as_secret(params["api_key"])
    model = params.pop("model", None)
    counted_name = chunk_bound = None
    if row.counts_with_tiktoken:  # its class's fields (langchain-openai's)
        counted_name = params.pop("tiktoken_model_name", None)
        given_bound = params.pop("stream_chunk_timeout", UNSET)
        chunk_bound = stream_chunk_timeout(given_bound, was_given=given_bound is not UNSET)
    # ... and this one, read by its adapter (set below)
    headers_kept = row.keeps_response_headers and params.pop("include_response_headers", False)
    move_to_model_kwargs(row, params)
    record = preset_record_of(row.provider)
    unnamed_names = _unnamed(row)
    unnamed = [k for k in params if k in unnamed_names]
    for name in unnamed:  # sent as any API parameter is; shown in model_kwargs
        say_moved(name, row.moves)
    if row.stream_usage_moved is not None and "stream_usage" in params:
        # LangChain's warning, its class having no such field. "unsent": its class
        # sends it in the body (langchain-mistralai's, which Mistral refuses: 422);
        # "taken": its class hands it to its SDK, which raises (see `DropIn`).
        say_moved("stream_usage", row.moves)
        if row.stream_usage_moved == "unsent":
            del params["stream_usage"]
    given = {name: params.pop(name, default) for name, default in _SHARED.items()}
    settings = take_settings(params)
    if row.proxy is not None:  # its calls through its proxy, as its clients go
        name, variable = row.proxy
        settings.update(field_proxied(name, variable, params.pop(name, None), settings))
    declared = spec(row.provider)  # (what names a model of no name: its LangChain class)
    if settings.get("name") is None and (declared and declared.langchain_class) != owner:
        settings["name"] = owner  # (its events' and errors' name, as its class's)
    if row.timeout_objects:
        given, settings = dict(timeout_in_seconds(given)), dict(timeout_in_seconds(settings))
    responses = responses_settings(row, owner, params, given["model_kwargs"], model)
    profile = PROFILES[row.provider]
    kept = sorted_keywords(
        row,
        owner,
        check_refused(owner, "common", params),
        known=(api_parameters("openai") or frozenset()) | unnamed_names,
        held=lambda name: declared_value(record, name),
    )
    body, adapter_settings, api_params = kept.body, kept.adapter_settings, kept.api_params
    for key in (*body, *api_params, *(k for k in unnamed if params[k] is not None)):
        if key in profile.rejects:
            raise ValueError(
                f"{owner}: {profile.title} does not accept {key!r}: {profile.rejects[key]}"
            )
    # (an empty name is refused when the model is built, never replaced by the default)
    name_of_model = model if model is not None else row.default_model
    if name_of_model is None:
        raise TypeError(f"{owner} needs model=...")
    stream_usage = given["stream_usage"]
    include_usage = row.stream_usage if stream_usage is None else bool(stream_usage)
    api_key, key_variables = given["api_key"], None
    if api_key is not None and not api_key and row.empty_key_variable:
        api_key, key_variables = None, (row.empty_key_variable,)  # (its SDK reads it)
    adapter = adapter_class(row.provider)(
        api_key=api_key,
        base_url=given["base_url"],
        default_query=given["default_query"],
        default_headers=given["default_headers"],
        include_usage=include_usage,
        sent_nulls=row.body_nulls,
        # (its base URL field, where given or its variable set, is `base_url`)
        base_variables=row.unset_base_variables,
        key_variables=key_variables,
        **(sdk_account() if row.sends_openai_account else {}),
        **adapter_settings,
    )
    adapter.disabled_params = kept.disabled
    adapters: list[Any] = [adapter]  # (each holds its BaseChatOpenAI data, below)
    if responses.settings is not None:
        from .responses import PresetResponsesAdapter

        # Its class's Responses requests go where its Chat Completions go, alike (a
        # call's `max_tokens` beside the model's: its partner record, `partner.py`).
        adapter = PresetResponsesAdapter(
            connection=adapter, use_previous_response_id=responses.previous_response_id
        )
        adapters.append(adapter)
        if responses.output_version == "v0":
            from ..openai.responses_adapter import replies_v03

            replies_v03(adapter)
        names = (*SHARED_NAMES, *declared_names(row), *TAIL)
        check_api_parameters(adapter.provider, api_params, settings=names, owner=owner)
        api_params.update(responses.settings)
    adapter.responses_by_fields = responses.by_fields  # (its form reads it)
    if headers_kept:
        adapter.keeps_response_headers = True
    model_kwargs = dict(given["model_kwargs"] or {})
    # Its SDK's request options, not body fields: headers and the URL's query, under the
    # call's; an `extra_body` (its class's, where it has no such field), as the
    # constructor's.
    options = profile.sdk_request_options
    before: dict[str, Any] = {}
    if options:
        model_kwargs, before = take_request_options(model_kwargs, settings)
    held_body = model_kwargs.pop("extra_body", None) if options else None
    report_asked(adapter, {**body, **api_params, **model_kwargs}, name_of_model)
    for name in _CALL_REPLACES:
        # Sent over the field's value; a call's own replaces it (its class's payload is
        # `{**model_kwargs, **a call's keywords}`). A value of another type is sent as
        # given, from the body, as there.
        if _as_setting(name, model_kwargs.get(name)):
            given[name] = model_kwargs.pop(name)
    n = given["n"]
    if n is not None and (n != 1 or row.sends_n_of_one or "n" in row.body_defaults):
        api_params["n"] = n
    named = {"top_p": given["top_p"], "n": n}  # defaults a named parameter given replaces
    for key, value in row.body_defaults.items():
        if key not in api_params and key not in body and named.get(key) is None:
            # A default the API names is a setting a call's own replaces (Mistral's
            # top_p 1 under invoke(..., top_p=0.9)); the others go in the body.
            (api_params if key in CALL_SETTINGS else body)[key] = value
    temperature, max_tokens, retries = (given[k] for k in _PRESET_DEFAULTED)
    if temperature is UNSET:
        temperature = row.temperature
    elif record.fields is not None and not settled_as_held():  # as its partner holds it
        temperature = record.fields.typed("temperature", temperature)
    # (the constructor's `[]` held only where its class sends it: `held_stop`)
    given["stop"] = held_stop(given["stop"], row.empty_stop_sent)
    handed = {k: given[k] for k in ("top_p", "stop", "streaming") if given[k] is not None}
    built = partner_model(
        record,
        adapter,
        name_of_model,
        {
            **settings,
            **handed,
            "temperature": temperature,
            "max_tokens": row.max_tokens if max_tokens is None else max_tokens,
            "timeout": given["timeout"] or row.timeout,
            "max_retries": row.max_retries if retries is None else retries,
            # LangChain sends model_kwargs as they are, in the body: top_p there too.
            "extra_body": {**body, **model_kwargs},
            "stream_usage": include_usage,
            **api_params,
        },
    )
    built.sdk_headers = said_by_fields(built.sdk_headers, kept.sdk_headers)
    extra_body = given["extra_body"] if held_body is None else held_body
    # Its class's BaseChatOpenAI ways (`openai/base_chat_openai.py`): its counted name, its
    # async stream's chunk bound, its empty `stop` lists.
    data = BaseChatOpenAIData(
        counted_name=counted_name or name_of_model,
        stream_chunk_timeout=chunk_bound,
        empty_stop_sent=row.empty_stop_sent,
    )
    for made in adapters:
        with_data(made, data)
    if profile.sdk_request_options:  # (merged last by its SDK, under a call's own)
        return merged_last(built, extra_body, adapters, before)
    merge_body(built, "extra_body", extra_body)
    return built


def _constructor_names(row: DropIn) -> tuple[str, ...]:
    """The names its class's constructor takes (its record's signature's, but LangChain's
    own): the shared parameters, those its row declares, chatplex's own settings."""
    return (*SHARED_NAMES, *declared_names(row), *TAIL)


#: Provider name -> the API parameters its class names nowhere (`unnamed_parameters`).
_UNNAMED: dict[str, frozenset[str]] = {}


def _unnamed(row: DropIn) -> frozenset[str]:
    """The API parameters its class names nowhere (`unnamed_parameters`), its validator
    moving them into `model_kwargs` with its warning."""
    unnamed = _UNNAMED.get(row.provider)
    if unnamed is None:
        unnamed = _UNNAMED[row.provider] = unnamed_parameters(row, _constructor_names(row))
    return unnamed


def _settled(provider: str, settings: dict[str, Any]) -> dict[str, Any]:
    """Its class's validators on the constructor's keywords: a temperature of 0 as it
    holds it (langchain-groq: 1e-8)."""
    return settled_temperature(preset_record_of(provider).fields, settings)


def _structured_target(
    row: DropIn, model: ChatModel, method: str | None, schema: Any
) -> tuple[ChatModel, str | None]:
    """`with_structured_output` with the methods its class answers otherwise (ChatDeepSeek:
    `json_schema` by function calling), with its warning where it gives one."""
    said = row.structured_method_warnings.get(method) if method is not None else None
    if said is not None:
        warnings.warn(said, UserWarning, stacklevel=3)
    return model, structured_method(row, method)


def _told_content(field: Callable[[str], Any], adapter: Adapter, piece: Any) -> TokenTold:
    """The piece's content as the token, and the piece (langchain-mistralai's `_stream`)."""
    return piece.message.content, {"chunk": piece}


#: What a preset's partner `_stream` tells each token's hook (`PartnerHooks.stream_tokens`):
#: BaseChatOpenAI's (each piece's text, the piece, its log probabilities over Chat
#: Completions) but where this table says otherwise.
_CHAT_OPENAI_TOKENS = StreamTokens(base_chat_openai.told_by_api)
_TOKENS_TOLD = {
    # (its pieces' messages keep their generation_info's keys: made from it)
    "groq": StreamTokens(told_with_logprobs, metadata_keeps=True),
    "mistralai": StreamTokens(_told_content),
    "perplexity": StreamTokens(),
}


#: Its class's ways (`PartnerHooks`) every preset shares: its BaseChatOpenAI ways, which
#: do nothing where its row counts no tokens with tiktoken (`base_chat_openai.py`).
_SHARED_HOOKS = PartnerHooks(
    token_ids=base_chat_openai.token_ids,
    call_model=layered_call_model,
    messages_count=base_chat_openai.MESSAGES_COUNT,
)


def _record(row: DropIn) -> PartnerClass:
    """Its class's record: its row's facts, form and declared fields (`preset_record`), its
    model built by `build` and its ways (`PartnerHooks`) from its row."""
    return preset_record(
        row,
        form_of(row, _unnamed(row)),
        build=functools.partial(build, row),
        hooks=dataclasses.replace(
            _SHARED_HOOKS,
            settings=functools.partial(_settled, row.provider),
            structured_target=functools.partial(_structured_target, row),
            generated=reasoning_blocks if row.generate_reasoning_blocks else None,
            stream_tokens=_TOKENS_TOLD.get(row.provider, _CHAT_OPENAI_TOKENS),
        ),
    )


#: Provider name -> its class's record (`preset_record_of`), made when first asked.
RECORDS: dict[str, PartnerClass] = {}


def preset_record_of(provider: str) -> PartnerClass:
    """The record of the class of a declared preset (`spec.DROPINS`), made once from its
    row: its attribute here by its class name."""
    record = RECORDS.get(provider)
    if record is None:
        record = RECORDS[provider] = _record(DROPINS[provider])
    return record


ChatGroq = preset_record_of("groq")
ChatDeepSeek = preset_record_of("deepseek")
ChatXAI = preset_record_of("xai")
ChatMistralAI = preset_record_of("mistralai")
ChatFireworks = preset_record_of("fireworks")
ChatTogether = preset_record_of("together")
ChatPerplexity = preset_record_of("perplexity")
ChatCerebras = preset_record_of("cerebras")
ChatOpenRouter = preset_record_of("openrouter")


def __getattr__(attribute: str) -> PartnerClass:
    # A preset declared only in spec.py, by its LangChain class name (`ChatFoo`).
    for declared in SPECS:
        if declared.langchain_class == attribute and declared.name in DROPINS:
            return preset_record_of(declared.name)
    raise AttributeError(f"module {__name__!r} has no attribute {attribute!r}")
