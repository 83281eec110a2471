"""A drop-in's constructor as its partner class's: the partner's "before" validators
on the keywords given (`settle_as_partner`: fields lifted out of `model_kwargs`,
required fields, None refused where its field's type has none, its candidate count),
and the engine built from them, refused and speaking as the partner
(`engine_as_partner`: its error classes and words, retries, reading of replies). The
partner's form is its record's `fields` (`chat/partner_record.py`: a name's module names
its record, or its engine class does: `engine_record`); this module names no partner."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any
from typing import Final

from langchain_core.language_models import BaseChatModel
from pydantic import TypeAdapter

from ..chat import ChatModel
from ..chat.dropin import LANGCHAIN_ALIASES
from ..chat.langchain_hooks import DropInEngine
from ..chat.params import PartnerTypeError
from ..chat.params import SettingRefused
from ..chat.partner_form import PartnerFields
from ..chat.partner_record import PartnerClass
from ..chat.partner_record import PartnerHooks
from ..chat.partner_warnings import say_lifted
from ..errors import MissingKeyError
from .traits import missing_key_error
from .traits import partner_calls
from .traits import partner_traits

__all__ = [
    "ABSENT",
    "built_as_partner",
    "engine_as_partner",
    "engine_record",
    "lift_model_kwargs",
    "reading_form",
    "record_of",
    "settle_as_partner",
    "split_model_kwargs",
]


class _Absent:
    def __repr__(self) -> str:
        return "<absent>"


#: Not a field of the partner class.
ABSENT: Final = _Absent()


def record_of(found: PartnerClass | type[DropInEngine]) -> PartnerClass:
    """The record of what a drop-in's module names: the record itself, or an engine
    class's (`engine_record`)."""
    return found if isinstance(found, PartnerClass) else engine_record(found)


_ENGINE_RECORDS: dict[type[DropInEngine], PartnerClass] = {}


def engine_record(engine_type: type[DropInEngine]) -> PartnerClass:
    """An engine class's record (`partner_record`) with the engine as its `build` and
    its `langchain_*` methods as its hooks: the one place a name not moved off its
    engine yet differs (decision 013, slice 4; slice 5 deletes it with the engines)."""
    record = _ENGINE_RECORDS.get(engine_type)
    if record is None:
        record = _ENGINE_RECORDS[engine_type] = dataclasses.replace(
            engine_type.partner_record,
            build=lambda keywords: engine_type(**keywords),
            hooks=PartnerHooks(
                settings=engine_type.langchain_settings,
                rebuilt_settings=engine_type.langchain_rebuilt_settings,
                disable_streaming=_engine_disable_streaming,
                num_tokens=_engine_num_tokens,
                tools_to_bind=_engine_tools_to_bind,
                call_model=_engine_call_model,
                counts_messages=_engine_counts_messages,
                num_tokens_from_messages=_engine_num_tokens_from_messages,
                counts_coerced=engine_type.langchain_counts_coerced,
                profile_names=_engine_profile_names,
                profile=_engine_profile,
                unforced_reply_raises=_engine_unforced_reply_raises,
                token_ids=_engine_token_ids,
            ),
        )
    return record


def _engine_disable_streaming(model: ChatModel, given: bool | str | None) -> bool | str | None:
    return model.langchain_disable_streaming(given) if isinstance(model, DropInEngine) else given


def _engine_num_tokens(model: ChatModel, text: str) -> int | None:
    return model.langchain_num_tokens(text) if isinstance(model, DropInEngine) else None


def _engine_tools_to_bind(
    model: ChatModel, tools: Sequence[Any], tool_choice: Any
) -> tuple[Sequence[Any], Any]:
    return model._tools_to_bind(tools, tool_choice)


def _engine_call_model(model: ChatModel, keywords: Mapping[str, Any]) -> ChatModel:
    return model.langchain_call_engine(keywords) if isinstance(model, DropInEngine) else model


def _engine_profile_names(model: ChatModel) -> tuple[str, ...]:
    return model.langchain_profile_names() if isinstance(model, DropInEngine) else (model.model,)


def _engine_token_ids(model: ChatModel, text: str) -> list[int] | None:
    return model.langchain_token_ids(text) if isinstance(model, DropInEngine) else None


def _engine_profile(model: ChatModel, profile: dict[str, Any]) -> dict[str, Any] | None:
    return model.langchain_profile(profile) if isinstance(model, DropInEngine) else profile or None


def _engine_counts_messages(model: ChatModel) -> bool:
    return isinstance(model, DropInEngine) and model.langchain_counts_messages()


def _engine_num_tokens_from_messages(
    model: ChatModel, messages: list[Any], tools: Sequence[Any] | None, keywords: dict[str, Any]
) -> int | None:
    if not isinstance(model, DropInEngine):
        return None
    return model.langchain_num_tokens_from_messages(messages, tools, keywords)


def _engine_unforced_reply_raises(model: ChatModel) -> bool:
    return not isinstance(model, DropInEngine) or model.langchain_unforced_reply_raises()


def settle_as_partner(record: PartnerClass, values: dict[str, Any]) -> None:
    """What the partner class's validators do to the constructor's keywords `values`
    before anything is built: its fields lifted out of `model_kwargs`, a field it
    requires refused when missing (`PartnerFields.required`) and None refused for a
    field it types without None (`PartnerFields.annotations`: its model's name, where
    the drop-in would take either as not given and call its default model), its
    candidate count read as its int field reads it (`n` among `PartnerFields.dumped`)
    and checked (`PartnerFields.checks_candidates`, its words)."""
    lift_model_kwargs(record, values)
    form = record.fields
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


def built_as_partner(record: PartnerClass, keywords: dict[str, Any]) -> ChatModel:
    """The model built (`PartnerClass.build`) from the constructor's settled `keywords`,
    refused as its partner class refuses them: a value of the wrong type (chatplex's TypeError) as a
    ValueError, which pydantic raises as its ValidationError, as the partner's field
    validation does (a script's `except ValidationError` catches it); a missing key
    as its partner's error (`missing_key_error`). A name it does not take stays a
    TypeError."""
    assert record.build is not None  # (every drop-in's: its own, or its engine's)
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
    calls = partner_calls(engine.adapter)
    kept = record.partner_class is not None  # (its bound tool lists: as its class's)
    engine.partner_calls = dataclasses.replace(calls, keeps_bound_tool_lists=kept)
    hooks = record.hooks
    if not isinstance(engine, DropInEngine):  # (built from its record: its hooks)
        counts = hooks.num_tokens_from_messages if hooks.counts_messages(engine) else None
        engine.partner_calls = dataclasses.replace(
            engine.partner_calls,
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
    twice = next((name for name in values if name in fields or name in rest), None)
    if twice is not None:
        raise ValueError(f"Found {twice} supplied twice.")
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


def reading_form(found: PartnerClass | type[DropInEngine]) -> PartnerFields | None:
    """The partner's fields as its record declares them (serialized by LangChain or
    not: `PartnerFields.serialized`); None: none declared."""
    return record_of(found).fields
