"""What a drop-in class takes of its engine's settings beside its fields: LangChain's
settings the engines take too (`SHARED_SETTINGS`), the keywords LangChain's side keeps
(`LANGCHAIN_SIDE`), its engine's parameters, a script's subclass's own fields, and the
keywords held as the engine sends them where a `model_kwargs` assigned names a field
(`sent_over_fields`). The class that reads them is `field_store.FieldStoreChatModel`."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any

from langchain_core.language_models import BaseChatModel
from pydantic import BaseModel

from ..chat.partner_record import PartnerClass
from .partner_fields import split_model_kwargs

if TYPE_CHECKING:
    from .chat_protocol import EngineClass

#: LangChain's settings that the engines take too, where they declare them (`profile`:
#: langchain-aws's reasoning-effort levels are the profile's).
SHARED_SETTINGS = frozenset({"output_version", "profile"})

#: Keywords LangChain's side keeps: `BaseChatModel`'s fields, and `streaming` (LangChain
#: streams on `invoke` with it, and callbacks see each token).
LANGCHAIN_SIDE = frozenset(BaseChatModel.model_fields) | {"streaming"}


def serializable(record: PartnerClass) -> bool:
    """Whether LangChain serializes the partner class: it names one
    (`PartnerClass.namespace`) and its form is not declared read-only (there the namespace
    is the partner's module path, which its `not_implemented` form writes)."""
    return record.namespace is not None and (record.fields is None or record.fields.serialized)


def with_settings(
    cls: type[EngineClass], keywords: Mapping[str, Any], settings: Mapping[str, Any]
) -> dict[str, Any]:
    """The keywords a model was built with, each of `settings` replacing what was given
    under any spelling of it (`model_name` replaces `model`)."""
    form = cls._record.fields
    field = form.name if form is not None else str
    changed = {field(name) for name in settings}
    return {**{k: v for k, v in keywords.items() if field(k) not in changed}, **settings}


def sent_over_fields(cls: type[EngineClass], keywords: dict[str, Any]) -> dict[str, Any]:
    """The keywords a model holds as its engine sends them, where its partner's fields
    inside `model_kwargs` were assigned, not given to the constructor (the partner's
    validator did not lift them): sent over the fields they name, as the partner's
    request merges `model_kwargs` last, while the fields read as given. A name of
    LangChain's own settings (`metadata`: Anthropic's request field too) stays in
    `model_kwargs`, sent in the body as the partner's request sends it."""
    fields, rest = split_model_kwargs(cls._record, keywords.get("model_kwargs"))
    for name in fields.keys() & LANGCHAIN_SIDE:
        rest[name] = fields.pop(name)
    if not fields:
        return keywords if not rest else {**keywords, "model_kwargs": rest}
    return with_settings(cls, keywords, {**fields, "model_kwargs": rest})


@functools.cache
def engine_parameters(cls: type[Any]) -> frozenset[str]:
    """A drop-in class's record's fields and the settings its build reads (read once:
    each setting assigned asks)."""
    record: PartnerClass = cls._record
    return frozenset(f.name for f in record.declared) | record.built_from_settings


@functools.cache
def subclass_fields(cls: type[BaseModel], made: type[BaseModel]) -> frozenset[str]:
    """The fields a script's subclass of a drop-in declares (`class Mine(ChatOpenAI):
    suffix: str = "!"`): pydantic's, as on a subclass of the partner, not the engine's
    (`made`: the drop-ins' base, whose subclass holding a `_record` is the drop-in)."""
    own = next((k for k in cls.__mro__ if "_record" in vars(k) and issubclass(k, made)), cls)
    return frozenset(cls.model_fields) - frozenset(own.model_fields)
