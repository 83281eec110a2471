"""The partner class's fields, read on the drop-in: `llm.openai_api_key`,
`llm.openai_api_base`, `llm.request_timeout`, `llm.max_tokens` (langchain-anthropic's
per-model default)... as the partner class built with the same keywords holds them.

A field's value is found, in turn, in

1. the keywords the model was built with, under the field's name or any of its
   spellings (`PartnerFields.aliases`), as the partner's validators leave them (an int
   temperature as a float, `PartnerFields.written`'s rules); a key as a `SecretStr`;
2. what the partner fills in from the model (`PartnerFields.filled`, `.resolved`:
   read from the engine);
3. the environment, for its credentials (`PartnerFields.secrets`) and the other fields it
   reads from a variable (`PartnerFields.environment`);
4. its defaults: those it writes (`PartnerFields.defaults`), the falsy ones it does not
   (`PartnerFields.unwritten`), else the engine's parameter of that name (the engines
   take the partner's constructor, with its defaults).

A name none of these knows is not the partner's field (`ABSENT`). The partner's form is
its engine's `partner_record.fields`, declared beside the engine, serialized by LangChain or
not (`PartnerFields.serialized`): this module names no partner; `PartnerFields.set_only_by`
names the fields that share an alias with another (langchain-openai's subclasses:
`api_key=` sets `openai_api_key`).

>>> from chatplex.providers.openai.dropin import ChatOpenAI
>>> partner_value(ChatOpenAI, "openai_api_key", {"api_key": Secret("sk-1")}, {})
SecretStr('**********')
>>> partner_value(ChatOpenAI, "frequency_penalty", {}, {}), partner_value(ChatOpenAI, "x", {}, {})
(None, <absent>)
"""

from __future__ import annotations

import copy
import functools
import inspect
from collections.abc import Callable
from collections.abc import Collection
from collections.abc import Hashable
from collections.abc import Mapping
from operator import attrgetter
from typing import Any
from typing import Final
from typing import cast

from langchain_core.language_models import BaseChatModel
from pydantic import SecretStr
from pydantic import SerializationInfo
from pydantic import TypeAdapter

from ..chat.dropin import LANGCHAIN_ALIASES
from ..chat.dropin import TAIL
from ..chat.dropin import UNSET
from ..chat.langchain_hooks import DropInEngine
from ..chat.params import PartnerTypeError
from ..chat.params import SettingRefused
from ..chat.partner_form import PartnerFields
from ..chat.partner_warnings import say_lifted
from ..errors import MissingKeyError
from ..secret import Secret
from ..secret import masked_headers
from ..secret import secret_values
from ..secret.urls import redact_url
from .remembered import Remembered
from .traits import missing_key_error
from .traits import partner_calls
from .traits import partner_traits

__all__ = [
    "ABSENT",
    "FieldReads",
    "built_as_partner",
    "engine_as_partner",
    "configured_field",
    "held_keywords",
    "lift_model_kwargs",
    "partner_default",
    "partner_dump",
    "partner_environment",
    "partner_fields_set",
    "partner_value",
    "reading_form",
    "settle_as_partner",
    "split_model_kwargs",
]


class _Absent:
    def __repr__(self) -> str:
        return "<absent>"


#: chatplex's own settings every engine takes: no partner's field (but these two).
_CHATPLEX_OWN = frozenset(TAIL) - {"timeout", "max_retries"}

#: Not a field of the partner class.
ABSENT: Final = _Absent()

#: A value's types that nothing changes in place (`FieldReads` keeps only these).
_UNCHANGING: Final = frozenset({type(None), bool, int, float, str, SecretStr, _Absent})

_UNREAD: Final = object()


class FieldReads(Remembered):
    """The partner's field values of one built model, each read once: a drop-in's
    settings change only by building it again (decision 001: `partner_given` and its
    engine replaced), so a value read from the same two objects stays the value. Only
    values nothing changes in place are kept (a dict is read again, a new one each time,
    as before). No part of the model's state: never compared, a copy starts empty."""

    __slots__ = ("given", "engine", "_values")

    def __init__(self, given: dict[str, Any] | None = None, engine: object = None) -> None:
        #: What the model was built from (`partner_given`) and the engine built (held:
        #: their ids stay theirs while these are kept).
        self.given, self.engine = given, engine
        self._values: dict[Hashable, Any] = {}

    @staticmethod
    def of(model: Any) -> FieldReads:
        """The reads of a drop-in `model`, kept in its pydantic private attributes (as
        `_field_reads`), new where those kept were another build's (its `partner_given`
        and `chatplex_model` replaced); none kept until it is built (`_built`: its
        validators still set the fields it shows)."""
        given, engine = model.__dict__.get("partner_given"), model.__dict__.get("chatplex_model")
        private: dict[str, Any] | None = getattr(model, "__pydantic_private__", None)
        if private is None or not private.get("_built"):
            return FieldReads(given, engine)
        reads: FieldReads | None = private.get("_field_reads")
        if reads is None or reads.given is not given or reads.engine is not engine:
            reads = private["_field_reads"] = FieldReads(given, engine)
        return reads

    def read(self, key: Hashable, read: Callable[[], Any]) -> Any:
        """The value read under `key` (a field's name, or a form of it): kept, else
        `read()`."""
        value = self._values.get(key, _UNREAD)
        if value is _UNREAD:
            value = read()
            if type(value) in _UNCHANGING:
                self._values[key] = value
        return value

    def __repr__(self) -> str:
        return f"FieldReads({len(self._values)} kept)"  # (values, masked or not, not shown)


def partner_value(
    engine_type: type[DropInEngine],
    name: str,
    given: Mapping[str, Any],
    environ: Mapping[str, Any],
    engine: object = None,
) -> Any:
    """The value of the partner's field `name` on a drop-in of `engine_type` built from
    `given` (its keywords, credentials as `Secret`s) in `environ` (its variables, as
    `partner_environment` keeps them), `engine` the model built (None: the fields it
    fills are not known); `ABSENT` if not a field."""
    form = reading_form(engine_type)
    if form is None:
        return ABSENT
    if name in form.set_only_by:
        keyword = form.set_only_by[name]
        return _as_held(form, name, keyword, given[keyword]) if given.get(keyword) else None
    kept = {k: v for k in form.kept_of.get(name, ()) if (v := given.get(k)) is not None}
    completed = form.completed.get(name)
    held = attrgetter(completed)(engine) if completed and engine is not None else None
    if isinstance(held, Mapping):
        return {**held, **{k: _revealed(v) for k, v in kept.items()}}
    if held is not None:
        return held
    if kept:  # after what was given for the field itself, as the partner adds them
        return {**(given.get(name) or {}), **{k: _revealed(v) for k, v in kept.items()}}
    spellings = [name, *form.aliases_of.get(name, ())]
    for keyword in spellings:
        if given.get(keyword) is not None:
            return _as_held(form, name, keyword, given[keyword])
    if name in form.fallbacks:
        named = {form.name(k) for k, v in given.items() if v is not None}
        return form.fallen_back(named, environ).get(name)
    if name in form.filled and engine is not None:
        return attrgetter(form.filled[name])(engine)
    resolved = form.resolved.get(name)
    if resolved is not None and engine is not None:
        value = attrgetter(resolved)(engine)
        if value is not None:
            return value
    variable = form.secrets.get(name) or form.environment.get(name)
    found = environ.get(variable) if variable is not None else None
    if found:
        return SecretStr(_revealed(found)) if name in form.secrets else _revealed(found)
    if name in form.secrets:
        return None
    if name in form.defaults or name in form.unwritten:
        return copy.deepcopy({**form.defaults, **form.unwritten}[name])
    if variable is not None:
        return None
    return _parameter_default(engine_type, spellings)


def partner_default(engine_type: type[DropInEngine], name: str) -> Any:
    """The default of the partner's field `name` on a drop-in of `engine_type` (`ABSENT`:
    not a field), read once per class: one object for every model, to compare a value
    with, never to change."""
    return _default(cast(type, engine_type), name)


@functools.cache
def _default(engine_type: type, name: str) -> Any:
    return partner_value(engine_type, name, {}, {})


def settle_as_partner(engine_type: type[DropInEngine], values: dict[str, Any]) -> None:
    """What the partner class's validators do to the constructor's keywords `values`
    before anything is built: its fields lifted out of `model_kwargs`, a field it
    requires refused when missing (`PartnerFields.required`) and None refused for a
    field it types without None (`PartnerFields.annotations`: its model's name, where
    the drop-in would take either as not given and call its default model), its
    candidate count read as its int field reads it (`n` among `PartnerFields.dumped`)
    and checked (`PartnerFields.checks_candidates`, its words)."""
    lift_model_kwargs(engine_type, values)
    form = reading_form(engine_type)
    if form is None:
        return
    missing = sorted(form.required - {form.name(k) for k in values})
    if missing:
        raise ValueError(f"{missing[0]}: field required")
    given = {form.name(k) for k, v in values.items() if v is not None}
    for keyword in [k for k, v in values.items() if v is None]:
        kind = form.annotations.get(form.name(keyword))
        # (a plain class has no None in it; another spelling given a value is the field's)
        if isinstance(kind, type) and form.name(keyword) not in given:
            raise ValueError(f"{keyword}: input should be a valid {kind.__name__}, not None")
    n = values.get("n")
    if n is not None and form.name("n") in form.dumped:
        # (its field is an int: pydantic's reading of one, "2" taken, "two" refused)
        n = values["n"] = TypeAdapter(int).validate_python(n)
    if not form.checks_candidates or not isinstance(n, int):
        return
    if n < 1:
        raise ValueError("n must be at least 1.")
    if n > 1 and values.get("streaming"):
        raise ValueError("n must be 1 when streaming.")


def built_as_partner(engine_type: type[DropInEngine], keywords: dict[str, Any]) -> DropInEngine:
    """The engine built from the constructor's settled `keywords`, refused as its
    partner class refuses them: a value of the wrong type (chatplex's TypeError) as a
    ValueError, which pydantic raises as its ValidationError, as the partner's field
    validation does (a script's `except ValidationError` catches it); a missing key
    as its partner's error (`missing_key_error`). A name it does not take stays a
    TypeError."""
    try:
        return engine_type(**_as_held_by_partner(engine_type, keywords))
    except MissingKeyError as err:
        partner = missing_key_error(err)
        if partner is None:
            raise  # a ValueError, as its partner's: pydantic's ValidationError
        raise partner from None  # its partner's class and words, no ValueError
    except (SettingRefused, PartnerTypeError):
        raise  # a name it does not take; its partner's own TypeError
    except TypeError as err:
        raise ValueError(str(err)) from None  # (pydantic shows the words, not a chain)


def engine_as_partner(engine_type: type[DropInEngine], keywords: dict[str, Any]) -> DropInEngine:
    """The engine `built_as_partner`, then speaking as its partner under LangChain's
    name: its error words, its retries and failures (`PartnerCalls`), its reading of
    replies (`PartnerTraits.partner_reading`)."""
    engine = built_as_partner(engine_type, keywords)
    engine.partner_words = True
    engine.partner_calls = partner_calls(engine.adapter)
    reading = partner_traits(engine.adapter).partner_reading
    if engine.adapter is not None and reading is not None:
        engine.adapter = reading(engine.adapter)
    return engine


def _as_held_by_partner(
    engine_type: type[DropInEngine], keywords: dict[str, Any]
) -> dict[str, Any]:
    """`keywords` with an int timeout as the float its partner holds (unless its form
    types that field otherwise: `PartnerFields.floats` without it): its SDK client is
    built from that value, and a Stainless SDK writes it in its
    `x-stainless-read-timeout` header (`5.0`), where a call's goes to the SDK as given
    (`5`)."""
    form = reading_form(engine_type)
    if form is not None and form.name("timeout") not in form.floats:
        return keywords
    timeouts = {k for k, v in LANGCHAIN_ALIASES.items() if v == "timeout"} | {"timeout"}
    return {k: float(v) if type(v) is int and k in timeouts else v for k, v in keywords.items()}


def lift_model_kwargs(engine_type: type[DropInEngine], values: dict[str, Any]) -> None:
    """The partner class's own fields given inside `model_kwargs`, taken out as those
    fields (in `values`, the constructor's keywords; the dict given is not changed), with
    langchain-core's warning, where that class does so
    (`PartnerClass.lifts_model_kwargs`). A keyword also given inside
    `model_kwargs` is a ValueError there, as in langchain-core's `build_model_kwargs`."""
    fields, rest = split_model_kwargs(engine_type, values.get("model_kwargs"))
    outer = engine_type.partner_record.lifts_model_kwargs
    if not fields or outer is None:
        return
    twice = next((name for name in values if name in fields or name in rest), None)
    if twice is not None:
        raise ValueError(f"Found {twice} supplied twice.")
    say_lifted(set(fields), outer=outer)
    values["model_kwargs"] = rest
    values.update(fields)


def split_model_kwargs(
    engine_type: type[DropInEngine], extra: Any
) -> tuple[dict[str, Any], dict[str, Any]]:
    """`extra` (a `model_kwargs`) split into the partner class's own fields (those it
    dumps, its SDK clients, LangChain's; under any of their names) and the rest, where
    that class lifts its fields out (`PartnerClass.lifts_model_kwargs`); no
    fields where it does not, or `extra` is no mapping."""
    form = reading_form(engine_type)
    if engine_type.partner_record.lifts_model_kwargs is None or form is None:
        return {}, {}
    if not isinstance(extra, Mapping):
        return {}, {}
    fields: dict[str, Any] = {}
    rest: dict[str, Any] = {}
    for name, value in extra.items():
        own = (
            form.name(name) in form.dumped
            or name in form.clients
            or name in BaseChatModel.model_fields
        )
        (fields if own else rest)[name] = value
    return fields, rest


def configured_field(
    form: PartnerFields | None, key: str, field: Any, own: Collection[str]
) -> tuple[str, Any]:
    """`configurable_fields(key=field)` on a drop-in as on its partner: the drop-in's
    field (of `own`) that the partner's field `key` is (langchain-aws' `model_id`, which
    it writes `model` under; `key` itself where the drop-in has it or none is), and
    `field` with the partner field's type where `field` names none (its `annotations`):
    LangChain's spec takes the class's field's.

    >>> from langchain_core.runnables import ConfigurableField
    >>> form = PartnerFields(aliases={"model": "model_id"}, annotations={"model_id": str})
    >>> own = {"model", "temperature"}
    >>> configured_field(form, "model_id", ConfigurableField(id="m"), own)[0]
    'model'
    >>> configured_field(form, "model_id", ConfigurableField(id="m"), own)[1].annotation
    <class 'str'>
    >>> configured_field(form, "temperature", ConfigurableField(id="t"), own)[1].annotation
    """
    if form is None:
        return key, field
    name = key
    if key not in own:
        name = next((o for o in own if form.name(o) == key), key)
    annotation = form.annotations.get(form.name(key))
    if annotation is not None and getattr(field, "annotation", True) is None:
        field = field._replace(annotation=annotation)  # (LangChain's field: a NamedTuple)
    return name, field


def partner_dump(
    form: PartnerFields,
    read: Callable[[str], Any],
    info: SerializationInfo,
    *,
    given: Collection[str],
    default: Callable[[str], Any],
) -> dict[str, Any]:
    """The partner's `model_dump()` (its `dumped` keys, in its order), each value
    `read(key)`, with the dump's choices of `info`: `include` / `exclude` (top-level
    keys), `exclude_none`, `exclude_unset` (unset: a key not `given`, as
    `partner_fields_set` has them), `exclude_defaults` (a value equal to `default(key)`),
    `by_alias` (a key under its `dump_aliases` alias). Keys stay `SecretStr`s: the
    serializer writes them masked ('**********') in JSON, as the partner's; an int in
    one of its `floats` is written there as a float, as its field's type writes it."""
    include, exclude = info.include, info.exclude
    out = {}
    for key in form.dumped:
        if (include is not None and key not in include) or (exclude and key in exclude):
            continue
        if info.exclude_unset and key not in given:
            continue
        value = read(key)
        if (info.exclude_none and value is None) or (
            info.exclude_defaults and value == default(key)
        ):
            continue
        if info.mode_is_json() and key in form.floats:
            value = _as_float(value)  # its field's type writes an int as a float
        out[form.dump_aliases.get(key, key) if info.by_alias else key] = value
    return out


def partner_fields_set(
    form: PartnerFields,
    keywords: Collection[str],
    environ: Mapping[str, Any],
    engine: object = None,
) -> set[str]:
    """The partner's `model_fields_set` built with `keywords` (given, None too) in
    `environ` (as `partner_environment` keeps it): the fields given, under their field
    names, those another field's alias sets too (`set_only_by`: pydantic sets both),
    those its validators assign (`assigned`), the `fallbacks` they fill and those they
    completed on `engine`, the model built (`completed`).

    >>> form = PartnerFields(aliases={"model": "model_name"}, assigned=frozenset({"extra"}))
    >>> sorted(partner_fields_set(form, ["model"], {}))
    ['extra', 'model_name']
    """
    named = {form.name(k) for k in keywords}
    shared = {field for field, keyword in form.set_only_by.items() if keyword in keywords}
    filled = {k for k in form.fallen_back(named, environ) if not form.fallbacks[k].factory}
    completed = {
        name
        for name, attr in form.completed.items()
        if engine is not None and attrgetter(attr)(engine) is not None
    }
    return named | shared | form.assigned | filled | completed


def _as_float(value: Any) -> Any:
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else value


def reading_form(engine_type: type[DropInEngine]) -> PartnerFields | None:
    """The partner's fields as the engine declares them (serialized by LangChain or
    not: `PartnerFields.serialized`); None: none declared."""
    return engine_type.partner_record.fields


def partner_environment(
    engine_type: type[DropInEngine], environ: Mapping[str, str]
) -> dict[str, Any]:
    """The variables of `environ` the partner reads its fields from (at construction,
    as the partner does), credentials held as `Secret`s."""
    form = reading_form(engine_type)
    if form is None:
        return {}
    secret = set(form.secrets.values())
    variables = secret | set(form.environment.values())
    for fallback in form.fallbacks.values():
        variables |= {v for v in (*fallback.variables, *fallback.unless) if v.isupper()}
    return {
        v: Secret(environ[v]) if v in secret else environ[v]
        for v in sorted(variables)
        if environ.get(v)
    }


def held_keywords(keywords: Mapping[str, Any]) -> dict[str, Any]:
    """The keywords a model was built with, kept to read its fields from: headers (a
    mapping of strings) held in a `MaskedHeaders`, whose repr masks credentials (keys
    are `Secret`s already, and a header carrying one is masked too)."""
    keys = secret_values(keywords.values())
    return {k: _held(v, keys) for k, v in keywords.items()}


def _held(value: Any, keys: frozenset[Secret]) -> Any:
    if isinstance(value, dict) and value and all(isinstance(v, str) for v in value.values()):
        return masked_headers(value, keys)  # (a header carrying the model's key: masked)
    return value


def _revealed(value: Any) -> Any:
    return value.get() if isinstance(value, Secret) else value


def _as_held(form: PartnerFields, name: str, keyword: str, value: Any) -> Any:
    """A given value as the partner's field holds it: its validators' rules, a key as a
    `SecretStr` (masked in any repr), a URL holding a credential redacted (chatplex
    shows none)."""
    if isinstance(value, Secret) and "://" in value.get():
        return redact_url(value.get())
    if name in form.secrets or isinstance(value, Secret):
        return SecretStr(_revealed(value))
    written = form.written({keyword: value}, {}, defaults=False)
    return written.get(name, form.typed(name, value))  # (typed too where never written)


def _parameter_default(engine_type: type[DropInEngine], spellings: list[str]) -> Any:
    """The default of the engine's constructor parameter of one of these names (not
    chatplex's own settings every engine takes)."""
    parameters = _parameters(cast(type, engine_type))
    for keyword in spellings:
        parameter = parameters.get(keyword)
        if parameter is not None and keyword not in _CHATPLEX_OWN:
            default = parameter.default
            if default is UNSET:  # the engine applies the partner's: its value is it
                return ABSENT
            return None if default is inspect.Parameter.empty else copy.deepcopy(default)
    return ABSENT


@functools.cache
def _parameters(engine_type: type) -> Mapping[str, inspect.Parameter]:
    """The engine's constructor parameters, read once per class: a drop-in's repr reads
    a default per field, and `inspect.signature` of a generated constructor costs ~0.1 ms."""
    return inspect.signature(engine_type).parameters
