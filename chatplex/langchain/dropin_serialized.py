"""What a drop-in writes of itself beyond its fields, as its partner class does:
`lc_attributes` and `lc_secrets` (`dumpd` writes a reference to a secret, never the key),
and a function its field holds (a token provider) as `dumpd` writes any object it cannot
serialize, with a key of the model's own in its repr masked.
"""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar
from typing import Protocol

from langchain_core.load.serializable import to_json_not_implemented

from ..secret import Secret
from ..secret import is_secret_name
from ..secret import scrub_text
from .partner_fields import ABSENT

if TYPE_CHECKING:
    from ..chat.partner_record import PartnerClass

__all__ = ["AsPartner", "attributes", "function_written", "secrets"]


class AsPartner(Protocol):
    """A drop-in as these read it (`dropin_model.DropInChatModel`)."""

    _record: ClassVar[PartnerClass]

    @property
    def chatplex_model(self) -> Any: ...
    @property
    def _wire(self) -> str: ...

    def _partner_value(self, name: str) -> Any: ...


def function_written(function: Any, keys: frozenset[Secret]) -> Any:
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
    form = model._record.fields
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
    form = model._record.fields
    if form is not None and form.lc_secrets is not None:
        return dict(form.lc_secrets)
    if form is not None and form.secrets:
        return dict(form.secrets)
    names = [n for n in inspect.signature(type(model)).parameters if is_secret_name(n)]
    if any(n.endswith("_api_key") for n in names):
        names = [n for n in names if n != "api_key"]
    label = getattr(model.chatplex_model, "provider_label", None) or model._wire
    return {n: f"{label.upper()}_API_KEY" if n == "api_key" else n.upper() for n in names}
