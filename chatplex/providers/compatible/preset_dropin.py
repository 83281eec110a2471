"""What a preset's LangChain class does with its constructor's keywords, as functions of
its `DropIn` row (`spec.DROPINS`): the names it takes (`declared_names`, `aliases`,
`unnamed_parameters`), the keywords it moves into `model_kwargs` (`move_to_model_kwargs`),
where each other keyword goes or why it is refused (`sorted_keywords`), its Responses API
switch (`responses_settings`), what its replies report as asked (`report_asked`), its
temperature of 0 (`settled_temperature`), its `with_structured_output` methods
(`structured_method`). One row's data decides each; no preset is named here.

>>> from .spec import DROPINS
>>> aliases(DROPINS["mistralai"])["endpoint"], structured_method(DROPINS["deepseek"], "json_schema")
('base_url', 'function_calling')
"""

from __future__ import annotations

import dataclasses
import warnings
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any

from ...chat.params import SettingRefused
from ...chat.params import api_parameters
from ...chat.params import unknown_keyword
from ...chat.partner_record import model_as_sent
from ...chat.partner_warnings import refuse_given_twice
from ...chat.partner_warnings import say_moved
from ..openai.choices import check_responses_only
from ..openai.choices import wants_responses_api
from ..openai.chunk_bound import CHUNK_BOUND_READ
from .partner_tables import SDK_REQUEST_OPTIONS
from .preset import DropIn

if TYPE_CHECKING:
    from ...chat.partner_form import PartnerFields
    from ...chat.sdk_agents import PartnerHeaders

__all__ = [
    "RESPONSES_SETTINGS",
    "SHARED_NAMES",
    "Responses",
    "Sorted",
    "aliases",
    "declared_names",
    "form_of",
    "move_to_model_kwargs",
    "refuse_responses",
    "report_asked",
    "responses_settings",
    "said_by_fields",
    "settled_temperature",
    "sorted_keywords",
    "structured_method",
    "unnamed_parameters",
]

#: The parameters every preset's class takes under these names (its row's `aliases`
#: give its other spellings of them).
SHARED_NAMES = (
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
RESPONSES_SETTINGS = ("reasoning", "include", "truncation", "context_management")
#: ... and its switches to that API.
_RESPONSES_SWITCHES = ("use_responses_api", "output_version", "use_previous_response_id")

#: Every class's other name for a shared parameter, as langchain-openai's ChatOpenAI names
#: it, unless its row says its class moves it (`DropIn.moved`).
_COMMON_ALIASES = {"max_completion_tokens": "max_tokens"}

#: The fields a BaseChatOpenAI preset's class takes beside the API's (langchain-openai's).
_BASE_CHAT_OPENAI_OWN = ("tiktoken_model_name", "stream_chunk_timeout")


def aliases(row: DropIn) -> dict[str, str]:
    """Its class's other names for shared parameters: its own, and langchain-openai's
    `max_completion_tokens` unless its class moves that to `model_kwargs`."""
    common = {k: v for k, v in _COMMON_ALIASES.items() if k not in row.moved}
    return {**common, **row.aliases}


def declared_names(row: DropIn) -> list[str]:
    """The names its class takes beside the shared parameters: its spellings of them,
    the body fields, adapter settings and API parameters it names, those it takes and
    ignores with its warning, those it holds unread (`DropIn.unused`,
    `reads_disabled_params`), a BaseChatOpenAI's own and its Responses API fields."""
    base_fields = _BASE_CHAT_OPENAI_OWN if row.counts_with_tiktoken else ()
    headers = ("include_response_headers",) if row.keeps_response_headers else ()
    responses: tuple[str, ...] = ()
    if row.responses_api:
        responses = (*_RESPONSES_SWITCHES, *RESPONSES_SETTINGS)
    elif row.responses_refused is not None:  # (`output_version`: every class takes it)
        responses = ("use_responses_api", "use_previous_response_id", *RESPONSES_SETTINGS)
    return [
        *aliases(row),
        *row.body,
        *row.adapter_settings,
        *row.sdk_header_fields,
        *row.api_fields,
        *row.ignored,
        *sorted(row.unused),
        *(("disabled_params",) if row.reads_disabled_params else ()),
        *base_fields,
        *headers,
        *responses,
    ]


def unnamed_parameters(row: DropIn, names: Iterable[str]) -> frozenset[str]:
    """The API parameters its class names nowhere (`names`: its constructor's): the Chat
    Completions API's, and those its partner's SDK `create()` takes (`Profile.sdk_keywords`:
    the groq SDK's `include_reasoning`...). Its validator moves them into `model_kwargs`,
    with its warning: shown there, warned, and sent as any API parameter is."""
    from .spec import PROFILES

    sdk = PROFILES[row.provider].sdk_keywords or frozenset()
    known = (api_parameters("openai") or frozenset()) | (sdk - SDK_REQUEST_OPTIONS)
    return known - set(names)


def move_to_model_kwargs(row: DropIn, params: dict[str, Any]) -> None:
    """The keywords its LangChain class has no field for (`DropIn.moved`) put in
    `model_kwargs`, with that class's warning, as its validator (`build_extra`) does:
    sent in the body as given, shown in `model_kwargs`."""
    for name in row.moved:
        if name not in params:
            continue
        held = dict(params.get("model_kwargs") or {})
        refuse_given_twice((name,), held)
        say_moved(name, row.moves)
        held[name] = params.pop(name)
        params["model_kwargs"] = held


def form_of(row: DropIn, unnamed: frozenset[str]) -> Mapping[str, Any]:
    """Its class's form (`DropIn.partner_fields`) as the drop-in reads it: the keywords
    it moves into `model_kwargs` (`moved`, a `stream_usage_moved`, the API parameters
    it names nowhere) read there, and a BaseChatOpenAI's `stream_chunk_timeout` and
    `use_responses_api` as its model's adapter holds them."""
    form = row.partner_fields
    if form and row.counts_with_tiktoken:  # (its bound as its model's adapter holds it)
        form = {**form, "filled": {**form.get("filled", {}), **CHUNK_BOUND_READ["filled"]}}
        for key in ("excluded", "floats"):
            form[key] = frozenset(form.get(key, ())) | CHUNK_BOUND_READ[key]
    if form and row.responses_api:  # as langchain-openai's validator completes it
        form = {**form, "completed": {"use_responses_api": "adapter.responses_by_fields"}}
    moved = (*row.moved, *(("stream_usage",) if row.stream_usage_moved else ()), *sorted(unnamed))
    if not form or not moved:
        return form
    return {**form, "kept_in": {**form.get("kept_in", {}), **dict.fromkeys(moved, "model_kwargs")}}


def settled_temperature(form: PartnerFields | None, settings: dict[str, Any]) -> dict[str, Any]:
    """The constructor's keywords with a temperature of 0 as its class's validator leaves
    it (langchain-groq: 1e-8; `PartnerFields.zero_temperature`), else as given."""
    temperature = settings.get("temperature")
    if form is None or temperature != 0 or temperature is False or not form.zero_temperature:
        return settings
    return {**settings, "temperature": form.typed("temperature", temperature)}


@dataclasses.dataclass(frozen=True, slots=True)
class Sorted:
    """Where a construction's other keywords go (`sorted_keywords`)."""

    #: Its fields sent as body fields, under the body's names.
    body: dict[str, Any]
    #: Its adapter's settings (given, else held as its class holds them; None: "").
    adapter_settings: dict[str, Any]
    #: The API parameters given (not None).
    api_params: dict[str, Any]
    #: langchain-openai's `disabled_params`, where its class reads it.
    disabled: Any = None
    #: Its SDK's headers its fields say (`DropIn.sdk_header_fields`): header -> value
    #: (given, else held as its class holds it).
    sdk_headers: dict[str, Any] = dataclasses.field(default_factory=dict)


def sorted_keywords(
    row: DropIn,
    owner: str,
    keywords: Mapping[str, Any],
    *,
    known: frozenset[str],
    held: Callable[[str], Any],
) -> Sorted:
    """Each keyword left (`keywords`: past chatplex's refusals) sent as its class sends
    it: a body field, an adapter setting, one of its SDK's headers, an API parameter
    (`known`), held unread, or warned of and ignored; a setting chatplex refuses a
    SettingRefused unless at the value its class holds where none is given
    (`held(name)`); any other a TypeError naming the closest known name. An SDK
    header whose field is not given says the value held."""
    body: dict[str, Any] = {}
    adapter_settings: dict[str, Any] = {}
    api_params: dict[str, Any] = {}
    sdk_headers: dict[str, Any] = {}
    disabled = None
    for key, value in keywords.items():
        if key in row.unused:
            continue  # held as its class holds it (`DropIn.unused`), never sent
        if key == "disabled_params" and row.reads_disabled_params:
            disabled = value
        elif key in row.body:
            sent = bool(value) if key in row.body_if_true else value is not None
            if sent:
                body[row.body[key]] = model_as_sent(value)
        elif key in row.adapter_settings:
            adapter_settings[key] = value
        elif key in row.sdk_header_fields:
            sdk_headers[row.sdk_header_fields[key]] = value
        elif key in row.ignored:
            if value:  # its class warns of a given one only, as it validates
                warnings.warn(row.ignored[key], DeprecationWarning, stacklevel=4)
        elif key in row.refused:
            # (what its class's field reads where none is given, its variable's value
            # among them: held, as there; langchain-groq's GROQ_PROXY)
            if value is not None and value != held(key):
                raise SettingRefused(f"{owner}({key}=...) is not supported: {row.refused[key]}")
        elif key in known:
            if value is not None:  # LangChain's "unset"
                api_params[key] = model_as_sent(value)
        else:
            names = [*SHARED_NAMES, *aliases(row), *row.body, *row.adapter_settings]
            names += row.sdk_header_fields
            hint = (
                f"; it is neither a parameter of {owner} nor of the Chat Completions API. "
                "Send parameters newer than chatplex with model_kwargs={...}"
            )
            raise unknown_keyword(owner, key, [*names, *known], hint)
    for key in row.adapter_settings:  # held as its class holds them (None: unsent)
        given_or_held = adapter_settings[key] if key in adapter_settings else held(key)
        adapter_settings[key] = "" if given_or_held is None else given_or_held
    for key, header in row.sdk_header_fields.items():
        if header not in sdk_headers:
            sdk_headers[header] = held(key)
    return Sorted(body, adapter_settings, api_params, disabled, sdk_headers)


@dataclasses.dataclass(frozen=True, slots=True)
class Responses:
    """A construction's Responses API switch (`responses_settings`)."""

    #: That API's settings given, where its requests go there; None: Chat Completions.
    settings: dict[str, Any] | None
    #: langchain-openai's `output_version` ("v0": its Responses replies in the v0.3
    #: shape) and `use_previous_response_id`.
    output_version: str | None = None
    previous_response_id: bool = False
    #: True where its Responses API fields alone send it there (its validator sets
    #: `use_responses_api` then); else None.
    by_fields: bool | None = None


def responses_settings(
    row: DropIn,
    owner: str,
    params: dict[str, Any],
    model_kwargs: Mapping[str, Any] | None,
    model: str | None,
) -> Responses:
    """Where the preset's class goes over the Responses API as langchain-openai's
    BaseChatOpenAI decides (`wants_responses_api`) and its provider serves it
    (`DropIn.responses_api`): that API's settings given, taken out of the API
    parameters `params`; else a `Responses` of no settings (Chat Completions)."""
    if not row.responses_api:
        # `reasoning` and `use_responses_api` are unknown keywords there, or refused
        refuse_responses(row.responses_refused, owner, params)
        return Responses(None)
    use = params.pop("use_responses_api", None)
    # langchain-openai's switches beside the fields: the v1 Responses output, the previous
    # reply's id sent in place of the turns it answered.
    version = params.pop("output_version", None)
    previous = params.pop("use_previous_response_id", False)
    given = {name: params.pop(name, None) for name in RESPONSES_SETTINGS}
    if given["include"] is not None:
        given["include"] = list(given["include"])
    body = {**(model_kwargs or {}), **params, **given}
    responses = wants_responses_api(
        use, version, use_previous_response_id=previous, body=body, model=model
    )
    check_responses_only(owner, responses, {k: v for k, v in given.items() if v is not None})
    # Its partner's validator sets `use_responses_api` where its fields alone choose
    # that API (read back through `completed`, `form_of`).
    by_fields = wants_responses_api(None, version, use_previous_response_id=previous, body=given)
    settings = {k: v for k, v in given.items() if v is not None} if responses else None
    return Responses(settings, version, previous, (use is None and by_fields) or None)


def refuse_responses(why: str | None, owner: str, params: dict[str, Any]) -> None:
    """Where its class cannot go over the Responses API (`DropIn.responses_refused`):
    that API's fields taken out of `params`, a SettingRefused for one that chooses it
    (or one sent beside `use_responses_api=False`, which its class's Chat Completions
    request cannot take); None and False do nothing, as there."""
    if why is None:
        return
    use = params.pop("use_responses_api", None)
    previous = params.pop("use_previous_response_id", False)
    given = {name: params.pop(name, None) for name in RESPONSES_SETTINGS}
    wanted = wants_responses_api(use, None, use_previous_response_id=previous, body=given)
    chosen = [name for name, value in given.items() if value is not None]
    if wanted and not chosen:
        chosen = ["use_responses_api" if use else "use_previous_response_id"]
    if chosen:
        raise SettingRefused(f"{owner}({chosen[0]}=...) is not supported: {why}")


def said_by_fields(
    headers: PartnerHeaders | None, values: Mapping[str, Any]
) -> PartnerHeaders | None:
    """Its partner SDK's `headers` with those its fields say (`Sorted.sdk_headers`) set to
    their values, in their places; a None value leaves that header out, as a Stainless
    SDK omits one whose option is None.

    >>> from ...chat.sdk_agents import SdkForms
    >>> from ...chat.sdk_agents import sdk_headers
    >>> forms = SdkForms("X/1", (("X-Source", "lib"), ("X-Other", "o")))
    >>> said = said_by_fields(sdk_headers(forms), {"X-Source": "mine"})
    >>> list(said.sync.items())[1:], said_by_fields(said, {"X-Source": None}).aio["X-Other"]
    ([('X-Source', 'mine'), ('X-Other', 'o')], 'o')
    """
    if headers is None or not values:
        return headers

    def said(sent: Mapping[str, str]) -> dict[str, str]:
        out = dict(sent)
        for name, value in values.items():
            if value is None:
                out.pop(name, None)
            else:
                out[name] = value
        return out

    return dataclasses.replace(headers, sync=said(headers.sync), aio=said(headers.aio))


def report_asked(adapter: Any, asked: Mapping[str, Any], model: str) -> None:
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


def structured_method(row: DropIn, method: str | None) -> str | None:
    """The `with_structured_output` method its class answers `method` with
    (`DropIn.structured_methods`: ChatDeepSeek's `json_schema` by function calling)."""
    return method if method is None else row.structured_methods.get(method, method)
