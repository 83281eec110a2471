"""How a field of a field-store drop-in (`field_store.py`) is declared and what it holds.

`declared_fields` gives pydantic the partner's fields as the partner declares them (their
annotations, defaults, environment variables, aliases, exclusions). A value given to
one is held as the partner holds it, never showing a key: a key as pydantic's
`SecretStr`, a text with credentials in it (a URL's user info) masked and kept apart
for the engine, headers in a `MaskedHeaders`, one field given under its name and its
alias taken once. `snapshot` and `changeable` keep what a field holds as it was, so a
value changed in place is seen as changed.

>>> from chatplex.chat.partner_record import PartnerField
>>> annotations, fields = declared_fields((PartnerField("preamble", str | None),), ())
>>> annotations["preamble"], fields["preamble"].default
(str | None, None)
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Iterable
from collections.abc import Mapping
from typing import Annotated
from typing import Any

from langchain_core.utils import from_env
from langchain_core.utils import secret_from_env
from pydantic import AliasChoices
from pydantic import Field
from pydantic import SecretStr
from pydantic import ValidatorFunctionWrapHandler
from pydantic import WrapValidator

from ..chat.dropin import pick
from ..chat.params import SettingRefused
from ..chat.partner_record import REQUIRED
from ..chat.partner_record import PartnerField
from ..secret import MaskedHeaders
from ..secret import Secret
from ..secret import masked_headers
from ..secret.arguments import shown_text

__all__ = [
    "args_of",
    "changeable",
    "declared_fields",
    "held",
    "held_headers",
    "is_function",
    "is_secret",
    "one_of",
    "snapshot",
]


def declared_fields(
    declared: Iterable[PartnerField], lazy: Iterable[str]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The partner's fields as pydantic declares them (annotations, `FieldInfo`s), but
    those of `lazy` (its SDK clients: built on first read, no field)."""
    skipped = set(lazy)
    annotations: dict[str, Any] = {}
    fields: dict[str, Any] = {}
    for field in declared:
        if field.name in skipped:
            continue
        # (headers held as pydantic validates them: never a plain dict showing a key)
        annotations[field.name] = Annotated[field.annotation, WrapValidator(_kept_masked)]
        fields[field.name] = _field_info(field)
    return annotations, fields


def one_of(owner: str, name: str, value: Any, alias: str, other: Any) -> Any:
    """A field given under its name and its alias: the value, where both are the same (a
    SettingRefused, as the engine's, where not; a key's value never shown)."""
    if not (isinstance(value, (Secret, SecretStr)) or isinstance(other, (Secret, SecretStr))):
        return pick(owner, **{name: value, alias: other})
    if _revealed(value) != _revealed(other):
        raise SettingRefused(f"{owner} got {name}= and {alias}=: pass one of them")
    return value


def _revealed(value: Any) -> Any:
    reveal = getattr(value, "get_secret_value", None) or getattr(value, "get", None)
    return reveal() if callable(reveal) else value


def _field_info(field: PartnerField) -> Any:  # (a `FieldInfo`: pydantic types `Field` Any)
    options: dict[str, Any] = {"exclude": True} if field.excluded else {}
    if field.alias is not None:  # (taken by either name; dumped by_alias as its alias)
        options["validation_alias"] = AliasChoices(field.name, field.alias)
        options["serialization_alias"] = field.alias
    fallback: Any = field.default_value()
    if isinstance(fallback, SecretStr):  # (secret_from_env takes a str default)
        fallback = fallback.get_secret_value()
    textual = isinstance(fallback, str | None)  # (from_env takes one; else the engine reads
    if field.env and textual:  # the variable, its field `filled` from it)
        read = secret_from_env if is_secret(field.annotation) else from_env
        return Field(default_factory=read(list(field.env), default=fallback), **options)
    if field.env:  # (made by a factory, as the partner's: LangChain's repr shows it)
        return Field(default_factory=functools.partial(copy.copy, fallback), **options)
    if field.factory is not None:
        return Field(default_factory=field.factory, **options)
    if field.default is REQUIRED:
        return Field(**options)
    return Field(default=field.default, **options)


def is_function(value: Any) -> bool:  # (a token provider: not a credential)
    return callable(value) and not isinstance(value, type)


def is_secret(annotation: Any) -> bool:
    return annotation is SecretStr or SecretStr in args_of(annotation)


def args_of(annotation: Any) -> tuple[Any, ...]:
    return getattr(annotation, "__args__", ())


def held(annotation: Any, name: str, value: Any, unmasked: dict[str, Any]) -> Any:
    """A value as its field holds it: a key (a `str`, a `Secret`) as the `SecretStr`
    pydantic makes of one given to the constructor (pydantic validates no assignment);
    a text with credentials in it (a URL's user info) masked, the value held kept in
    `unmasked` for the engine: never shown in clear, where the partner shows it."""
    if is_secret(annotation):
        if isinstance(value, Secret):
            return SecretStr(value.get())
        return SecretStr(value) if isinstance(value, str) else value
    if not isinstance(value, (str, Secret)):
        return value
    shown, clear = shown_text(value, name)
    if clear is None:
        unmasked.pop(name, None)
    else:
        unmasked[name] = (shown, clear)
    return shown


def _kept_masked(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    """Headers held masked (`_collect_settings`) kept so: pydantic would copy them into
    a plain dict, whose repr shows a key. Validated all the same: a mapping of strings
    the field reads as other values (`{"min": "3"}` as floats) is held as it reads it."""
    validated = handler(value)
    return value if isinstance(value, MaskedHeaders) and validated == value else validated


def held_headers(value: Any, keys: frozenset[Secret]) -> Any:
    """Headers (a mapping of strings) held in a `MaskedHeaders`, whose repr masks a
    credential header and one carrying a key of `keys`; any other value as it is."""
    if isinstance(value, dict) and value and all(isinstance(v, str) for v in value.values()):
        return masked_headers(value, keys)
    return value


def snapshot(keywords: Mapping[str, Any]) -> dict[str, Any]:
    """`keywords` as compared later: a copy of each mapping, list and set (one changed in
    place is seen as changed); any other value itself (a copy of an object compared by
    identity, google-auth's credentials, is never equal to it: the engine was built again
    at each assignment and `model_copy`, losing a `chatplex_model` given to the copy)."""
    return {k: copy.copy(v) if _can_change(v) else v for k, v in keywords.items()}


def changeable(values: Mapping[str, Any]) -> dict[str, Any]:
    """The items of `values` that can change in place: mappings, lists and sets."""
    return {k: v for k, v in values.items() if _can_change(v)}


#: The types most fields hold, which never change in place: answered without asking
#: `Mapping` (an abstract class's check, slow, for each of a model's sixty fields).
_UNCHANGING = frozenset({type(None), bool, int, float, str, SecretStr, Secret})
#: What can change in place (a `dict` first: a `Mapping`, answered at once).
_CHANGING = (dict, list, set, Mapping)


def _can_change(value: Any) -> bool:
    """Whether `value` can change in place: a mapping, list or set."""
    return type(value) not in _UNCHANGING and isinstance(value, _CHANGING)
