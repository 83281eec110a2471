"""A drop-in's repr as its partner class's, where the partner's repr fields are declared
(`PartnerFields.shown`): the same fields, in its order, each where LangChain's repr
shows it. It is also what `dumpd` writes of a class LangChain does not serialize (its
`repr`), so a script's saved form of the drop-in is the partner's.

LangChain's repr (`Serializable.__repr_args__`) shows a field whose value differs from
its default, a default made by a factory counting as None (`model_kwargs={}` is shown).

>>> from chatplex.chat.partner_form import PartnerFields
>>> form = PartnerFields(shown=("name", "model", "model_kwargs", "top_p"),
...                      shown_unless_none=frozenset({"model_kwargs"}))
>>> values = {"model": "m", "model_kwargs": {}, "top_p": None}
>>> list(partner_repr_args(form, {"name": "n"}, {"name"}, values.get, {"model": "x"}.get))
[('name', 'n'), ('model', 'm'), ('model_kwargs', {})]
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Collection
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from typing import Any

from langchain_core.load.serializable import try_neq_default
from pydantic import BaseModel

from ..chat.partner_form import PartnerFields
from .partner_fields import ABSENT

__all__ = ["langchain_repr_args", "partner_repr_args"]


def langchain_repr_args(
    model: BaseModel, names: Iterable[str], fields: Collection[str]
) -> dict[str, Any]:
    """LangChain's repr arguments (`Serializable.__repr_args__`) of the fields `names`
    that are among `fields`: pydantic's (a field held and shown in a repr) where the
    value differs from its default (`try_neq_default`), reading no other field."""
    held = model.__dict__
    return {
        name: held[name]
        for name in names
        if name in fields
        and name in held
        and type(model).model_fields[name].repr
        and try_neq_default(held[name], name, model)
    }


def partner_repr_args(
    form: PartnerFields,
    own: Mapping[str, Any],
    own_fields: Collection[str],
    value: Callable[[str], Any],
    default: Callable[[str], Any],
) -> Iterator[tuple[str, Any]]:
    """The partner's repr arguments: its `shown` fields in order, those of `own_fields`
    (LangChain's own, which the drop-in's repr shows as every chat model does) as `own`
    shows them, each other one `value(name)` where it differs from `default(name)`
    (None for a default made by a factory); a value `ABSENT` is not shown."""
    for name in form.shown:
        if name in own_fields:
            if name in own:
                yield name, own[name]
            continue
        held = value(name)
        if held is ABSENT:
            continue
        # (A field its validators fill in, `fallbacks`, has None for its default.)
        unless_none = name in form.shown_unless_none or name in form.fallbacks
        if _differs(held, None if unless_none else default(name)):
            yield name, held


def _differs(value: Any, default: Any) -> bool:
    """LangChain's comparison (`try_neq_default`): a value whose `!=` does not answer a
    bool is shown."""
    try:
        return bool(default != value)
    except Exception:  # noqa: BLE001 - as LangChain: shown
        return True
