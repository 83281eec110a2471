"""A drop-in as LangChain writes and reports it, as its partner class does: `dumpd`'s form
(`to_json`: LangChain's own settings and the partner's kwargs, under the partner's id;
`lc_secrets`), `model_dump()`'s (the partner's keys in its order, credentials masked),
and the params LangChain's cache key and callbacks read (identifying, default and
invocation params), all read from the partner's field values.

`DropInChatModel`'s methods call these, which read it through `AsPartner`
(`dropin_model.py` imports this module, so it is not imported here).
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from operator import is_
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar
from typing import Protocol
from typing import cast

from langchain_core.language_models import BaseChatModel
from langchain_core.load.serializable import to_json_not_implemented
from pydantic import SerializationInfo

from ..chat.partner_form import IdentifyingParams
from ..chat.partner_form import serialized_form
from ..secret import MASK
from ..secret import Secret
from ..secret import is_secret_name
from ..secret import scrub_text
from .dropin_settings import CHATPLEX_OWN
from .dropin_settings import LANGCHAIN_SIDE
from .model import ChatChatplex
from .partner_fields import ABSENT
from .partner_fields import partner_default
from .partner_fields import partner_dump
from .partner_fields import partner_fields_set
from .partner_fields import reading_form
from .trace_params import PLAIN_TYPES
from .trace_params import langchain_dict

if TYPE_CHECKING:
    from ..chat.langchain_hooks import DropInEngine

__all__ = [
    "CHATPLEX_FIELDS",
    "AsPartner",
    "default_params",
    "identifying_params",
    "invocation_params",
    "json_form",
    "model_dump",
    "secrets",
]

#: ChatChatplex's fields that are not LangChain's own (`model`, `max_retries`, ...).
CHATPLEX_FIELDS = frozenset(ChatChatplex.model_fields) - frozenset(BaseChatModel.model_fields)


class AsPartner(Protocol):
    """A drop-in as its partner's forms read it (`dropin_model.DropInChatModel`)."""

    _engine: ClassVar[type[DropInEngine]]

    @property
    def partner_kwargs(self) -> dict[str, Any]: ...
    @property
    def partner_given(self) -> dict[str, Any]: ...
    @property
    def chatplex_model(self) -> Any: ...
    @property
    def model_fields_set(self) -> set[str]: ...
    @property
    def _wire(self) -> str: ...
    @property
    def _identifying_params(self) -> dict[str, Any]: ...

    def _partner_value(self, name: str) -> Any: ...
    def _partner_default(self, name: str) -> Any: ...
    def _dumped_value(self, name: str) -> Any: ...
    def _keys(self) -> frozenset[Secret]: ...
    def _langchain_invocation_params(
        self, identifying: dict[str, Any], stop: list[str] | None, kwargs: dict[str, Any]
    ) -> dict[str, Any]: ...
    @property
    def _llm_type(self) -> str: ...


def model_dump(
    model: AsPartner, own: Callable[[], dict[str, Any]], info: SerializationInfo
) -> dict[str, Any]:
    """`model_dump()` / `model_dump_json()` as the partner class's: its keys, in its
    order, each the value read as its attribute (`llm.openai_api_key`...), which is the
    partner's for the same construction (credentials masked: `_dumped_value`); `own()`,
    ChatChatplex's own dump, where the partner's keys are not declared
    (`PartnerFields.dumped`)."""
    form = reading_form(model._engine)
    if form is None or not form.dumped:
        return own()
    given = model.__dict__.get("partner_given") or {}
    keywords, environ = given.get("keywords", {}), given.get("environ", {})
    set_here = partner_fields_set(form, keywords, environ, model.chatplex_model)
    set_here |= model.model_fields_set & LANGCHAIN_SIDE
    json_mode = info.mode_is_json()

    def read(name: str) -> Any:
        # An SDK client the partner dumps (`PartnerFields.clients`) is dumped, but written
        # None in JSON, where the partner's dump raises (a kept difference).
        if json_mode and name in form.clients:
            return None
        value = model._dumped_value(name)
        # A function masked for its name (a token provider) is no credential: held as the
        # partner holds it (its JSON dump raises there, and here).
        return _function_masked(model, name, value) or value

    return partner_dump(form, read, info, given=set_here, default=model._partner_default)


def identifying_params(
    model: AsPartner, langchain_own: Callable[[], dict[str, Any]]
) -> dict[str, Any]:
    """The partner class's identifying params, read from its fields as the model's
    serialized form writes them (credentials masked there) and LangChain's own
    (`streaming`); `langchain_own()` where the partner reports LangChain's."""
    form = reading_form(model._engine)
    reported = True if form is None else form.identifying
    if isinstance(reported, bool):
        return langchain_own() if reported else {}
    return reported.of(partner_values(model), model.chatplex_model)


def default_params(model: AsPartner) -> dict[str, Any]:
    """The partner class's default request parameters, where it has them
    (`PartnerFields.default_params`); else the AttributeError the partner raises."""
    form = reading_form(model._engine)
    if form is None or form.default_params is None:
        raise AttributeError(f"{type(model).__name__!r} object has no attribute '_default_params'")
    # (with the fields it keeps other keywords in as it holds them: `kept_in`)
    kept = {name: model._partner_value(name) for name in set(form.kept_in.values())}
    values, engine = {**partner_values(model), **kept}, model.chatplex_model
    if isinstance(form.default_params, IdentifyingParams):
        return form.default_params.of(values, engine)
    # Its identifying params but the keys they put before these (declared so only
    # where those are declared: `tests/chat/test_partner_form.py` checks it).
    reported = cast("IdentifyingParams", form.identifying).of(values, engine)
    return {k: v for k, v in reported.items() if k not in form.default_params}


def invocation_params(
    model: AsPartner,
    stop: list[str] | None,
    kwargs: dict[str, Any],
    *,
    own_identifying: bool,
    langchain_own: Callable[[], dict[str, Any]],
) -> dict[str, Any]:
    """The partner class's invocation params (what callbacks get): LangChain's, with the
    keys the partner adds around them; `langchain_own()` where the partner reports
    LangChain's. `own_identifying`: the class reports the drop-in's identifying params
    (a subclass reporting its own is read for them)."""
    form = reading_form(model._engine)
    if form is None or isinstance(form.identifying, bool):
        return langchain_own()
    read = _identified(model, form.identifying)
    values, reported = read["values"], read["reported"]
    # A call with no stop and no keywords (nearly every one): the same params each time.
    plain = own_identifying and stop is None and not kwargs and langchain_dict(type(model))
    if plain and read.get("type") == (llm_type := model._llm_type):
        return dict(read["params"])
    # (LangChain's params start from `_identifying_params`, which are these where a
    # subclass does not report its own: read once, for both.)
    identifying = reported if own_identifying else model._identifying_params
    params = model._langchain_invocation_params(identifying, stop, kwargs)
    engine = model.chatplex_model
    params = {**form.identifying.invoked(values, engine, params, reported), **kwargs}
    if plain:
        read["type"], read["params"] = llm_type, dict(params)
    return params


def _identified(model: AsPartner, identifying: IdentifyingParams) -> dict[str, Any]:
    """The partner's field values (`partner_values`, "values") and the identifying
    params they report ("reported"; "params": a plain call's invocation params, once
    read), remembered while the keywords given, the engine and the LangChain settings
    those params read (plain values) are the same objects: LangChain asks for them at
    every request, through `_get_invocation_params`."""
    held = model.__dict__
    given, engine = held.get("partner_given"), held.get("chatplex_model")
    side = tuple(map(held.get, _side_read(identifying)))  # (`map`: at every request)
    private = cast("Any", model).__pydantic_private__
    memo = None if private is None else private.get("_identified_memo")
    if (
        memo is not None
        and memo[0] is given
        and memo[1] is engine
        and len(memo[2]) == len(side)
        and all(map(is_, memo[2], side))
    ):
        return cast("dict[str, Any]", memo[3])
    values = partner_values(model)
    read = {"values": values, "reported": identifying.of(values, engine)}
    if private is not None and all(type(value) in PLAIN_TYPES for value in side):
        private["_identified_memo"] = (given, engine, side, read)
    return read


#: `_side_read`'s answers, by the forms' ids (each held: module-level forms).
_SIDE_READ: dict[int, tuple[IdentifyingParams, tuple[str, ...]]] = {}


def _side_read(identifying: IdentifyingParams) -> tuple[str, ...]:
    """LangChain's own settings that `identifying` reads (ChatOpenAI's: `streaming`)."""
    known = _SIDE_READ.get(id(identifying))
    if known is None or known[0] is not identifying:
        known = (identifying, tuple(sorted(identifying.fields & LANGCHAIN_SIDE)))
        _SIDE_READ[id(identifying)] = known
    return known[1]


def partner_values(model: AsPartner) -> dict[str, Any]:
    """The partner's field values: as the model's serialized form writes them
    (credentials masked there), and LangChain's own (`streaming`)."""
    # (pydantic keeps its fields' values in the instance's `__dict__`: read there,
    # a lookup by `getattr` only for a name that is not a field of this class.)
    held = model.__dict__
    langchain_side = {
        name: held[name] if name in held else getattr(model, name, None) for name in LANGCHAIN_SIDE
    }
    form = reading_form(model._engine)
    if form is None or form.serialized:
        return {**langchain_side, **model.partner_kwargs}
    # A form LangChain does not serialize: written here, as the partner would hold it.
    given = model.partner_given
    keywords = {k: v for k, v in given.get("keywords", {}).items() if k not in CHATPLEX_OWN}
    environ = given.get("environ", {})
    return {**langchain_side, **form.written(keywords, environ, engine=model.chatplex_model)}


def json_form(model: AsPartner, serialized: Any) -> Any:
    """LangChain's serialized form (`serialized`, LangChain's own `to_json()`) as the
    partner class writes it: LangChain's own settings as every chat model writes them,
    the engine's as the partner's fields (`partner_kwargs`); without a serialized form
    declared, the keywords as given. Where LangChain does not serialize the partner,
    its `not_implemented` form, named by the partner's module path."""
    engine = model._engine
    record = engine.partner_record
    if serialized.get("type") == "not_implemented" and record.namespace is not None:
        serialized["id"] = [*record.namespace, type(model).__name__]
    form = serialized_form(record.fields)
    if form is None or serialized.get("type") != "constructor":
        return serialized
    kwargs = cast("dict[str, Any]", serialized["kwargs"])
    langchain_side = {k: v for k, v in kwargs.items() if k in LANGCHAIN_SIDE}
    # LangChain writes a field that differs from its default: `streaming` by the
    # partner's (langchain-google-genai's None: a given False is written there).
    for name in LANGCHAIN_SIDE & CHATPLEX_FIELDS:
        default = partner_default(engine, name)
        if default is not ABSENT:
            langchain_side.pop(name, None)
            if getattr(model, name) != default:
                langchain_side[name] = getattr(model, name)
    kwargs = {**langchain_side, **model.partner_kwargs}
    for name, value in kwargs.items():
        if (function := _function_masked(model, name, value)) is not None:
            kwargs[name] = _function_written(function, model._keys())
    serialized["kwargs"] = kwargs
    return serialized


def _function_masked(model: AsPartner, name: str, value: Any) -> Any:
    """The function the partner's field `name` holds where its written `value` was
    masked for the field's name (`azure_ad_token_provider`: a function, no credential);
    None otherwise."""
    if not (isinstance(value, str) and value == MASK):
        return None
    held = model._partner_value(name)
    return held if callable(held) and not isinstance(held, type) else None


def _function_written(function: Any, keys: frozenset[Secret]) -> Any:
    """A function as the partner's dump writes it: langchain-core's `not_implemented`
    form of any object it cannot serialize (its module, name and repr), made by `dumpd`
    from what this gives, with a key of the model's own in the repr (a `partial` bound to
    one) masked. It is never called: no token is written."""
    form = to_json_not_implemented(function)
    if form["repr"] is None or not form["id"]:
        return function
    shown = scrub_text(form["repr"], [key.get() for key in keys])
    return _Unserializable(form["id"], shown) if shown != form["repr"] else function


class _Unserializable:
    """What langchain-core writes as `{"type": "not_implemented", "id": id, "repr": shown}`
    (read by its `to_json_not_implemented`: a `__name__` and `__module__`, and `repr`)."""

    def __init__(self, id_: list[str], shown: str) -> None:
        self.__module__, self.__name__ = ".".join(id_[:-1]), id_[-1]
        self._shown = shown

    def __repr__(self) -> str:
        return self._shown


def attributes(model: AsPartner) -> dict[str, Any]:
    """The partner class's `lc_attributes` (`PartnerFields.attributes`), read from the
    partner's fields as the model holds them; none declared: LangChain's (none)."""
    form = reading_form(model._engine)
    if form is None:
        return {}
    found = {name: model._partner_value(name) for name in form.attributes}
    held = {name: value for name, value in found.items() if value is not ABSENT and value}
    return {**held, **{name: model._partner_value(name) for name in form.attributes_always}}


def secrets(model: AsPartner) -> dict[str, str]:
    """The partner class's `lc_secrets`, where its fields declare them (its fields, not
    their aliases: `openai_api_key`, never `api_key`), serialized by LangChain or not;
    else every credential the constructor takes, by the environment variable `load`
    reads it from, `api_key` only where it is no alias of a `<provider>_api_key` (then
    the provider's variable)."""
    form = model._engine.partner_record.fields
    if form is not None and form.secrets:
        return dict(form.secrets)
    names = [n for n in inspect.signature(type(model)).parameters if is_secret_name(n)]
    if any(n.endswith("_api_key") for n in names):
        names = [n for n in names if n != "api_key"]
    label = getattr(model.chatplex_model, "provider_label", None) or model._wire
    return {n: f"{label.upper()}_API_KEY" if n == "api_key" else n.upper() for n in names}
