"""A call's keyword arguments and settings: held as they arrive (`hold_keys`: each key a
`Secret`, each URL carrying a credential held, headers masking the keys given beside
them; `hold_urls`), and masked as shown (`masked_settings`: the one rule of
`chatplex.secret`, and the URL rule of `urls.py`).
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Collection
from collections.abc import Iterable
from collections.abc import Mapping
from typing import Any

from . import MASK
from . import Keys
from . import Secret
from . import is_credential_value
from . import is_secret_header
from . import masked_headers
from . import secret_values
from .urls import hold_url
from .urls import redact_url

__all__ = ["hold_keys", "hold_urls", "masked_settings", "shown_text"]


def hold_keys(arguments: dict[str, Any], is_key: Callable[[str], bool]) -> None:
    """In place, in a call's own keyword dict: every str argument `is_key` names a
    credential (`api_key`, `aws_secret_access_key`...) made a `Secret`, and every URL
    carrying one held (`hold_url`). A constructor's first statement, so that none of
    its frame's locals holds one in clear from there on. Headers (a mapping of strings
    under a name with "header" in it) are held in a `MaskedHeaders` masking the keys
    given beside them: they are sent as given, and shown masked."""
    for name in arguments:
        value = arguments[name]
        arguments[name] = Secret(value) if isinstance(value, str) and is_key(name) else value
        arguments[name] = hold_url(arguments[name])
    keys = secret_values(arguments.values())
    for name, value in arguments.items():
        if "header" in name and isinstance(value, Mapping) and _all_text(value.values()):
            arguments[name] = masked_headers(value, keys)


def _all_text(values: Iterable[Any]) -> bool:
    return all(isinstance(value, str) for value in values)


def hold_urls(arguments: dict[str, Any]) -> None:
    """Every argument in `arguments` (a call's own keyword dict) that is a URL carrying
    a credential made a `Secret` in place (`hold_url`), whatever its name (`base_url`,
    `openai_api_base`, `endpoint`, `azure_endpoint`...)."""
    for name in arguments:
        arguments[name] = hold_url(arguments[name])


def masked_settings(
    value: Any, name: str = "", extra: Collection[str] = frozenset(), keys: Keys = ()
) -> Any:
    """Settings as they may be shown: a value under a credential's name (`secret_headers`
    the settings list count too) or carrying one of `keys` (the model's own) is `MASK`,
    nested mappings alike, and URLs lose their credentials (`redact_url`).

    >>> masked_settings({"default_headers": {"x-gw": "k-1", "x-api-key-2": "k-2"}}, keys=["k-1"])
    {'default_headers': {'x-gw': '***', 'x-api-key-2': '***'}}
    """
    if name and is_secret_header(name, extra):
        return MASK
    if is_credential_value(value, keys):
        return MASK
    if isinstance(value, Mapping):
        names = value.get("secret_headers")
        if isinstance(names, str):
            names = (names,)
        if isinstance(names, (list, tuple, set, frozenset)):
            extra = {*extra, *(str(n).lower() for n in names)}
        keys = {*keys, *getattr(value, "secret_values", ())}
        return {k: masked_settings(v, str(k), extra, keys) for k, v in value.items()}
    if isinstance(value, str) and "://" in value:
        return redact_url(value)
    return value


def shown_text(value: str | Secret, name: str = "") -> tuple[str, Secret | None]:
    """A text setting as it may be shown (`masked_settings`: a URL without its user info
    or query key), and, where that hid something, the value held (a `Secret`); read here,
    so no caller's frame holds a held value in clear.

    >>> shown_text("http://u:k-1@gw.invalid/v1", "base_url")[0]
    'http://***@gw.invalid/v1'
    >>> shown_text("http://gw.invalid/v1", "base_url")
    ('http://gw.invalid/v1', None)
    """
    clear = value.get() if isinstance(value, Secret) else value
    shown = masked_settings(clear, name)
    if shown == clear:
        return clear, None
    return shown, value if isinstance(value, Secret) else Secret(clear)
