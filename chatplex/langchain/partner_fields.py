"""A drop-in's constructor as its partner class's: the partner's "before" validators
on the keywords given (`settle_as_partner`: fields lifted out of `model_kwargs`,
required fields, None refused where its field's type has none, its candidate count;
LangSmith's gateway: `through_gateway`),
and the engine built from them, refused and speaking as the partner
(`engine_as_partner`: its error classes and words, retries, reading of replies). The
partner's form is its record's `fields` (`chat/partner_record.py`: a name's module names
its record); this module names no partner."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from typing import Any
from typing import Final

from langchain_core.language_models import BaseChatModel
from pydantic import SecretStr
from pydantic import TypeAdapter

from ..chat import ChatModel
from ..chat.langsmith_gateway import resolve
from ..chat.params import PartnerTypeError
from ..chat.params import SettingRefused
from ..chat.partner_form import PartnerFields
from ..chat.partner_record import PartnerClass
from ..chat.partner_warnings import refuse_given_twice
from ..chat.partner_warnings import say_lifted
from ..errors import MissingKeyError
from ..sdk_errors import load_partner_sdks
from .settings_fields import LANGCHAIN_ALIASES
from .traits import missing_key_error
from .traits import partner_calls
from .traits import partner_traits

__all__ = [
    "ABSENT",
    "built_as_partner",
    "engine_as_partner",
    "lift_model_kwargs",
    "settle_as_partner",
    "split_model_kwargs",
    "through_gateway",
]


class _Absent:
    def __repr__(self) -> str:
        return "<absent>"


#: Not a field of the partner class.
ABSENT: Final = _Absent()


def settle_as_partner(record: PartnerClass, values: dict[str, Any]) -> None:
    """What the partner class's validators do to the constructor's keywords `values` before
    anything is built: its fields lifted out of `model_kwargs`, the aliases it drops
    (`PartnerFields.aliases_dropped`), a keyword it keeps in a dict field given there
    too (`PartnerFields.kept_twice`), a field it requires refused when missing
    (`PartnerFields.required`) and None refused for a field it types without None
    (`PartnerFields.annotations`: its model's name, where the drop-in would take either
    as not given and call its default model), its candidate count read as its int field
    reads it (`n` among `PartnerFields.dumped`) and checked
    (`PartnerFields.checks_candidates`, its words)."""
    lift_model_kwargs(record, values)
    form = record.fields
    if form is None:
        return
    for alias in form.aliases_dropped:
        values.pop(alias, None)
    for keyword, holder in form.kept_in.items():  # (given twice: as its validator settles it)
        given, held = values.get(keyword, ABSENT), values.get(holder)
        within = held.get(keyword, ABSENT) if isinstance(held, Mapping) else ABSENT
        if given in (ABSENT, None) or within is ABSENT or within == given:
            continue  # (a copy of a model gives its own again: None, or the same value)
        if form.kept_twice == "raises":
            refuse_given_twice((keyword,), held)
        if keyword not in BaseChatModel.model_fields:  # (LangChain's `metadata` stays)
            del values[keyword]
    missing = sorted(form.required - {form.name(k) for k in values})
    if missing:
        raise ValueError(f"{missing[0]}: field required")
    given = {form.name(k) for k, v in values.items() if v is not None}
    for keyword in [k for k, v in values.items() if v is None]:
        kind = form.annotations.get(form.name(keyword))
        # (a plain class has no None in it; another spelling given a value is the field's)
        if isinstance(kind, type) and form.name(keyword) not in given:
            raise ValueError(f"{keyword}: input should be a valid {kind.__name__}, not None")
    for keyword, value in values.items() if form.ranges else ():
        bounds = form.ranges.get(form.name(keyword))
        if bounds is not None and bounds.refuses(value):
            raise ValueError(bounds.words)
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


def built_as_partner(record: PartnerClass, keywords: dict[str, Any]) -> ChatModel:
    """The model built (`PartnerClass.build`) from the constructor's settled `keywords`,
    refused as its partner class refuses them: a value of the wrong type (chatplex's TypeError) as a
    ValueError, which pydantic raises as its ValidationError, as the partner's field
    validation does (a script's `except ValidationError` catches it); a missing key
    as its partner's error (`missing_key_error`). A name it does not take stays a
    TypeError."""
    assert record.build is not None  # (every drop-in's record builds its model)
    try:
        return record.build(_as_held_by_partner(record, keywords))
    except MissingKeyError as err:
        partner = missing_key_error(err)
        if partner is None:
            raise  # a ValueError, as its partner's: pydantic's ValidationError
        raise partner from None  # its partner's class and words, no ValueError
    except (SettingRefused, PartnerTypeError):
        raise  # a name it does not take; its partner's own TypeError
    except TypeError as err:
        raise ValueError(str(err)) from None  # (pydantic shows the words, not a chain)


def engine_as_partner(record: PartnerClass, keywords: dict[str, Any]) -> ChatModel:
    """The model `built_as_partner`, then speaking as its partner under LangChain's
    name: its error words, its retries and failures, its bound tool lists
    (`PartnerCalls`), its reading of replies (`PartnerTraits.partner_reading`)."""
    engine = built_as_partner(record, keywords)
    engine.partner_words = True
    if engine.adapter is not None:  # its errors' SDK: loaded now, not past a deadline
        load_partner_sdks(engine.adapter.error_families)
    calls = partner_calls(engine.adapter)
    kept = record.partner_class is not None  # (its bound tool lists: as its class's)
    hooks = record.hooks
    own = hooks.messages_count
    counts = own.count if own is not None and own.counts(engine) else None
    engine.partner_calls = dataclasses.replace(
        calls,
        keeps_bound_tool_lists=kept,
        tools_to_bind=hooks.tools_to_bind,
        messages_count=counts,
        finish_binding=hooks.finish_binding,
    )
    reading = partner_traits(engine.adapter).partner_reading
    if engine.adapter is not None and reading is not None:
        engine.adapter = reading(engine.adapter)
    return engine


def _as_held_by_partner(record: PartnerClass, keywords: dict[str, Any]) -> dict[str, Any]:
    """`keywords` with an int timeout as the float its partner holds (unless its form
    types that field otherwise: `PartnerFields.floats` without it): its SDK client is
    built from that value, and a Stainless SDK writes it in its
    `x-stainless-read-timeout` header (`5.0`), where a call's goes to the SDK as given
    (`5`)."""
    form = record.fields
    if form is not None and form.name("timeout") not in form.floats:
        return keywords
    timeouts = {k for k, v in LANGCHAIN_ALIASES.items() if v == "timeout"} | {"timeout"}
    return {k: float(v) if type(v) is int and k in timeouts else v for k, v in keywords.items()}


def lift_model_kwargs(record: PartnerClass, values: dict[str, Any]) -> None:
    """The partner class's own fields given inside `model_kwargs`, taken out as those
    fields (in `values`, the constructor's keywords; the dict given is not changed), with
    langchain-core's warning, where that class does so
    (`PartnerClass.lifts_model_kwargs`). A keyword also given inside
    `model_kwargs` is a ValueError there, as in langchain-core's `build_model_kwargs`."""
    fields, rest = split_model_kwargs(record, values.get("model_kwargs"))
    outer = record.lifts_model_kwargs
    if not fields or outer is None:
        return
    refuse_given_twice(values, values["model_kwargs"])
    say_lifted(set(fields), outer=outer)
    values["model_kwargs"] = rest
    values.update(fields)


def split_model_kwargs(record: PartnerClass, extra: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """`extra` (a `model_kwargs`) split into the partner class's own fields (those it
    dumps, its SDK clients, LangChain's; under any of their names) and the rest, where
    that class lifts its fields out (`PartnerClass.lifts_model_kwargs`); no
    fields where it does not, or `extra` is no mapping."""
    form = record.fields
    if record.lifts_model_kwargs is None or form is None:
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


def through_gateway(form: PartnerFields | None, values: dict[str, Any]) -> None:
    """LangChain's gateway helper as the partner's "before" validator runs it (its form's
    `langsmith_gateway`), on the constructor's values (its fields under their names): the
    base URL and key resolved (`langsmith_gateway.resolve`) written back, the URL always
    (None too), the key where one was found; pydantic then counts them set, as it counts
    the partner's."""
    route = form.langsmith_gateway if form is not None else None
    if route is None or not route.applies(values):
        return
    given = values.get(route.key_field)
    resolved = resolve(route, values.get(route.base_field), given)
    values[route.base_field] = resolved.base_url
    if resolved.from_gateway and not any(
        values.get(name) is not None or os.environ.get(name) for name in route.routed_unless
    ):
        values.update(route.when_routed)
    if resolved.api_key is not None:  # (one found is a Secret: held as the partner's)
        values[route.key_field] = (
            resolved.api_key if given is not None else SecretStr(resolved.api_key.get())
        )
