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

import dataclasses
import warnings
from collections.abc import Mapping
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
from ...chat.dropin_fields import DropinParams
from ...chat.dropin_fields import take_params
from ...chat.dropin_fields import with_defaults
from ...chat.langchain_hooks import settled_as_held
from ...chat.model import ChatModel
from ...chat.params import SettingRefused
from ...chat.params import api_parameters
from ...chat.params import check_api_parameters
from ...chat.params import unknown_keyword
from ...chat.partner_warnings import say_moved
from ...chat.settings import CALL_SETTINGS
from ..openai.choices import check_responses_only
from ..openai.choices import refuse_langsmith_gateway
from ..openai.choices import wants_responses_api
from ..openai.chunk_bound import CHUNK_BOUND_READ
from ..openai.chunk_bound import stream_chunk_timeout
from ..openai.dropin import TiktokenCounted
from ..openai.extra_body_layer import ExtraBodyLayer
from ..openai.stop_dropin import EmptyStop
from .blocks import register_parts_blocks
from .dropin_record import declared_value
from .dropin_record import preset_record
from .partner_tables import SDK_REQUEST_OPTIONS
from .preset import DropIn
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
        _declare(cls)
        cls.unnamed_parameters = _unnamed_parameters(cls)
        cls.partner_record = preset_record(row, _form_of(row, cls.unnamed_parameters))
        DROP_INS[provider] = cls

    @classmethod
    def langchain_settings(cls, settings: dict[str, Any]) -> dict[str, Any]:
        # Its temperature of 0 as its class's validator leaves it (langchain-groq: 1e-8).
        form, temperature = cls.partner_record.fields, settings.get("temperature")
        if form is None or temperature != 0 or temperature is False or not form.zero_temperature:
            return settings
        return {**settings, "temperature": form.typed("temperature", temperature)}

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
        _move_to_model_kwargs(spec, params)
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
        responses = _responses_settings(self, owner, taken, model)
        profile = PROFILES[spec.provider]
        body: dict[str, Any] = {}
        adapter_settings: dict[str, Any] = {}
        api_params: dict[str, Any] = {}
        known = (api_parameters("openai") or frozenset()) | self.unnamed_parameters
        aliases = _aliases(spec)
        disabled = None
        for key, value in check_refused(owner, "common", taken.api_params).items():
            if key in spec.unused:
                continue  # held as its class holds it (`DropIn.unused`), never sent
            if key == "disabled_params" and spec.reads_disabled_params:
                disabled = value
            elif key in spec.body:
                if value is not None and value is not False:
                    body[spec.body[key]] = value
            elif key in spec.adapter_settings:
                adapter_settings[key] = value
            elif key in spec.ignored:
                if value:  # its class warns of a given one only, as it validates
                    warnings.warn(spec.ignored[key], DeprecationWarning, stacklevel=3)
            elif key in spec.refused:
                # (what its class's field reads where none is given, its variable's
                # value among them: held, as there; langchain-groq's GROQ_PROXY)
                if value is not None and value != declared_value(self.partner_record, key):
                    raise SettingRefused(
                        f"{owner}({key}=...) is not supported: {spec.refused[key]}"
                    )
            elif key in known:
                if value is not None:  # LangChain's "unset"
                    api_params[key] = value
            else:
                names = [*_SHARED_NAMES, *aliases, *spec.body, *spec.adapter_settings]
                hint = (
                    f"; it is neither a parameter of {owner} nor of the Chat Completions API. "
                    "Send parameters newer than chatplex with model_kwargs={...}"
                )
                raise unknown_keyword(owner, key, [*names, *known], hint)
        for key in spec.adapter_settings:  # held as its class holds them (None: unsent)
            given_or_held = adapter_settings.get(key, declared_value(self.partner_record, key))
            adapter_settings[key] = "" if given_or_held is None else given_or_held
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
        adapter.disabled_params = disabled
        if responses is not None:
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
            api_params.update(responses)
        if headers_kept:
            adapter.keeps_response_headers = True
        model_kwargs = dict(given["model_kwargs"] or {})
        # Its SDK's request option, not a body field: headers, under the call's.
        held_headers = (
            model_kwargs.pop("extra_headers", None) if profile.sdk_request_options else None
        )
        held_headers = held_headers or {}
        headers = {**held_headers, **(taken.tail.settings.get("extra_headers") or {})}
        _report_asked(adapter, {**body, **api_params, **model_kwargs}, name_of_model)
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
        if method is not None:
            method = self.dropin.structured_methods.get(method, method)
        return self, method

    def _finish_binding(
        self, clone: ChatModel, tools: Sequence[Any], tool_choice: Any
    ) -> ChatModel:
        """`bind_tools`: a tool_choice keyword its profile keeps (`kept_tool_choices`:
        Mistral's "any") is sent as given, as its LangChain class sends it, not as Chat
        Completions' "required"."""
        from .adapter import CompatibleAdapter  # loaded already: the model was built on it

        adapter = self.adapter
        kept = adapter.profile.kept_tool_choices if isinstance(adapter, CompatibleAdapter) else ()
        if not kept:
            return clone
        # An earlier binding's kept keyword goes: this binding's choice decides.
        body = {k: v for k, v in clone.extra_body.items() if not (k == "tool_choice" and v in kept)}
        if isinstance(tool_choice, str) and tool_choice in kept:
            body["tool_choice"] = tool_choice
        clone.extra_body = body
        return clone

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


def _responses_settings(
    engine: PresetChatModel, owner: str, taken: DropinParams, model: str | None
) -> dict[str, Any] | None:
    """Where the preset's class goes over the Responses API as langchain-openai's
    BaseChatOpenAI decides (`wants_responses_api`) and its provider serves it
    (`DropIn.responses_api`): that API's settings given, taken out of `taken`'s API
    parameters; else None (Chat Completions)."""
    if not engine.dropin.responses_api:
        # `reasoning` and `use_responses_api` are unknown keywords there, or refused
        _refuse_responses(engine.dropin.responses_refused, owner, taken.api_params)
        return None
    params = taken.api_params
    use = params.pop("use_responses_api", None)
    # langchain-openai's switches beside the fields: the v1 Responses output, the previous
    # reply's id sent in place of the turns it answered (`engine.previous_response_id`).
    version = engine.output_version = params.pop("output_version", None)
    previous = engine.previous_response_id = params.pop("use_previous_response_id", False)
    given = {name: params.pop(name, None) for name in _RESPONSES_SETTINGS}
    if given["include"] is not None:
        given["include"] = list(given["include"])
    body = {**(taken.given["model_kwargs"] or {}), **params, **given}
    responses = wants_responses_api(
        use, version, use_previous_response_id=previous, body=body, model=model
    )
    check_responses_only(owner, responses, {k: v for k, v in given.items() if v is not None})
    # Its partner's validator sets `use_responses_api` where its fields alone choose
    # that API (read back through `completed`, `_form_of`).
    by_fields = wants_responses_api(None, version, use_previous_response_id=previous, body=given)
    engine.responses_by_fields = (use is None and by_fields) or None
    return {k: v for k, v in given.items() if v is not None} if responses else None


def _refuse_responses(why: str | None, owner: str, params: dict[str, Any]) -> None:
    """Where its class cannot go over the Responses API (`DropIn.responses_refused`):
    that API's fields taken out of `params`, a SettingRefused for one that chooses it
    (or one sent beside `use_responses_api=False`, which its class's Chat Completions
    request cannot take); None and False do nothing, as there."""
    if why is None:
        return
    use = params.pop("use_responses_api", None)
    previous = params.pop("use_previous_response_id", False)
    given = {name: params.pop(name, None) for name in _RESPONSES_SETTINGS}
    wanted = wants_responses_api(use, None, use_previous_response_id=previous, body=given)
    chosen = [name for name, value in given.items() if value is not None]
    if wanted and not chosen:
        chosen = ["use_responses_api" if use else "use_previous_response_id"]
    if chosen:
        raise SettingRefused(f"{owner}({chosen[0]}=...) is not supported: {why}")


def _report_asked(adapter: Any, asked: Mapping[str, Any], model: str) -> None:
    """langchain-groq reports the `service_tier` asked for (not its default) in
    `response_metadata` when the reply names none, and the `reasoning_effort` asked
    for; langchain-groq, -fireworks and -mistralai report the `model` they were made
    with as its `model_name` (`ReplyStyle.model_asked_in`): this model's adapter reports
    what its constructor asked for. (A tier given per call is sent, but the reply names
    the constructor's when the server names none.)"""
    from .adapter import CompatibleAdapter  # loaded already: the model was built on it

    if not isinstance(adapter, CompatibleAdapter):
        return
    style = adapter.profile.style
    if style is None:
        return
    tier, effort = asked.get("service_tier"), asked.get("reasoning_effort")
    if style.service_tier is None or not isinstance(tier, str):
        tier = style.service_tier
    if "reasoning_effort" not in style.reply_keys or not isinstance(effort, str):
        effort = style.reasoning_effort
    named = model if style.model_asked_in else style.asked_model
    if (tier, effort, named) != (style.service_tier, style.reasoning_effort, style.asked_model):
        style = dataclasses.replace(
            style, service_tier=tier, reasoning_effort=effort, asked_model=named
        )
        adapter.profile = dataclasses.replace(adapter.profile, style=style)


_SHARED_NAMES = (
    "model",
    "model_name",
    "temperature",
    "max_tokens",
    "top_p",
    "stop",
    "stop_sequences",
    "n",
    "timeout",
    "request_timeout",
    "max_retries",
    "api_key",
    "base_url",
    "default_headers",
    "default_query",
    "streaming",
    "stream_usage",
    "model_kwargs",
    "extra_body",
)

#: The Responses API settings langchain-openai's BaseChatOpenAI names as fields, taken by
#: a preset that serves that API (`DropIn.responses_api`; beside `use_responses_api`).
_RESPONSES_SETTINGS = ("reasoning", "include", "truncation", "context_management")
#: ... and its switches to that API.
_RESPONSES_SWITCHES = ("use_responses_api", "output_version", "use_previous_response_id")

#: Every class's other name for a shared parameter, as langchain-openai's ChatOpenAI names
#: it, unless its row says its class moves it (`DropIn.moved`).
_COMMON_ALIASES = {"max_completion_tokens": "max_tokens"}

#: The fields a BaseChatOpenAI preset's class takes beside the API's (langchain-openai's).
_BASE_CHAT_OPENAI_OWN = ("tiktoken_model_name", "stream_chunk_timeout")


def _unnamed_parameters(cls: type[PresetChatModel]) -> frozenset[str]:
    """The API parameters its class names nowhere (no field, no other spelling): the Chat
    Completions API's, and those its partner's SDK `create()` takes (`Profile.sdk_keywords`:
    the groq SDK's `include_reasoning`...)."""
    from .spec import PROFILES

    sdk = PROFILES[cls.dropin.provider].sdk_keywords or frozenset()
    known = (api_parameters("openai") or frozenset()) | (sdk - SDK_REQUEST_OPTIONS)
    return known - set(constructor_names(cls))


def _move_to_model_kwargs(spec: DropIn, params: dict[str, Any]) -> None:
    """The keywords its LangChain class has no field for (`DropIn.moved`) put in
    `model_kwargs`, with that class's warning, as its validator (`build_extra`) does:
    sent in the body as given, shown in `model_kwargs`."""
    for name in spec.moved:
        if name not in params:
            continue
        held = dict(params.get("model_kwargs") or {})
        if name in held:
            raise ValueError(f"Found {name} supplied twice.")  # its validator's words
        say_moved(name, spec.moves)
        held[name] = params.pop(name)
        params["model_kwargs"] = held


def _form_of(row: DropIn, unnamed: frozenset[str]) -> Mapping[str, Any]:
    """Its class's form (`DropIn.partner_fields`) as the drop-in reads it: the keywords
    it moves into `model_kwargs` (`moved`, a `stream_usage_moved`, the API parameters
    it names nowhere) read there, and a BaseChatOpenAI's `stream_chunk_timeout` as the
    engine holds it."""
    form = row.partner_fields
    if form and row.counts_with_tiktoken:
        form = {**form, "filled": {**form.get("filled", {}), **CHUNK_BOUND_READ["filled"]}}
        for key in ("excluded", "floats"):
            form[key] = frozenset(form.get(key, ())) | CHUNK_BOUND_READ[key]
    if form and row.responses_api:  # as langchain-openai's validator completes it
        form = {**form, "completed": {"use_responses_api": "responses_by_fields"}}
    moved = (*row.moved, *(("stream_usage",) if row.stream_usage_moved else ()), *sorted(unnamed))
    if not form or not moved:
        return form
    return {**form, "kept_in": {**form.get("kept_in", {}), **dict.fromkeys(moved, "model_kwargs")}}


def _aliases(row: DropIn) -> dict[str, str]:
    """Its class's other names for shared parameters: its own, and langchain-openai's
    `max_completion_tokens` unless its class moves that to `model_kwargs`."""
    common = {k: v for k, v in _COMMON_ALIASES.items() if k not in row.moved}
    return {**common, **row.aliases}


def _declare(cls: type[PresetChatModel]) -> None:
    """The class's signature also names what its row declares: its spellings of shared
    parameters, the body fields, adapter settings and API parameters its LangChain
    class names, those it takes and ignores with that class's warning, and those it
    holds unread (`DropIn.unused`, `reads_disabled_params`)."""
    row = cls.dropin
    aliases = _aliases(row)
    base_fields = _BASE_CHAT_OPENAI_OWN if row.counts_with_tiktoken else ()
    headers = ("include_response_headers",) if row.keeps_response_headers else ()
    responses: tuple[str, ...] = ()
    if row.responses_api:
        responses = (*_RESPONSES_SWITCHES, *_RESPONSES_SETTINGS)
    elif row.responses_refused is not None:  # (`output_version`: every class takes it)
        responses = ("use_responses_api", "use_previous_response_id", *_RESPONSES_SETTINGS)
    declared = [
        *aliases,
        *row.body,
        *row.adapter_settings,
        *row.api_fields,
        *row.ignored,
        *sorted(row.unused),
        *(("disabled_params",) if row.reads_disabled_params else ()),
        *base_fields,
        *headers,
        *responses,
    ]
    dropin(cls, declared=declared, aliases=aliases)


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
