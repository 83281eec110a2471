"""An adapter's key and its secret headers: the `api_key=` argument as a `Secret`, the
environment's key under chatplex's key policy (`environment_key`,
`CHATPLEX_HOLD_ENVIRONMENT_KEY`), the digest naming whose rate-limit budget a call
spends, and headers held with their credentials as `Secret`s until sent. Pure, no I/O."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Collection
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from ..secret import MaskedHeaders
from ..secret import Secret
from ..secret import hold_headers
from ..secret.urls import redact_url
from .base_url import BaseURL
from .header_values import check_header

__all__ = [
    "HOLD_KEY_VARIABLE",
    "as_secret",
    "environment_key",
    "hold_secrets",
    "holds_environment_key",
    "key_digest",
    "reveal",
    "secret_header_names",
    "withheld_key_note",
]


def as_secret(key: str | Secret | None) -> Secret | None:
    """An `api_key=` argument as a `Secret` (None stays None; "" is an empty, falsy one)."""
    if key is None or isinstance(key, Secret):
        return key
    if not isinstance(key, str):
        raise TypeError(f"api_key must be a str or a Secret, got {type(key).__name__}")
    return Secret(key)


#: The environment variable that turns on chatplex's key policy (`holds_environment_key`).
HOLD_KEY_VARIABLE = "CHATPLEX_HOLD_ENVIRONMENT_KEY"


def holds_environment_key() -> bool:
    """Whether chatplex keeps an environment key back from a base URL written in code
    (`CHATPLEX_HOLD_ENVIRONMENT_KEY=1`; off by default, as every SDK and LangChain
    partner package sends it)."""
    return os.environ.get(HOLD_KEY_VARIABLE, "").strip().lower() in {"1", "true", "yes", "on"}


def environment_key(
    variable: str | Sequence[str], *, base_url_given: bool, host: str, official_host: str
) -> Secret | None:
    """The provider's environment key (`OPENAI_API_KEY`, `ANTHROPIC_API_KEY`; of several
    variables, the first one set), if the policy lets it go where this adapter sends.

    By default it goes wherever the adapter sends, as the SDKs and LangChain's partner
    packages send it (a LiteLLM or vLLM proxy given in code gets `OPENAI_API_KEY`). With
    `CHATPLEX_HOLD_ENVIRONMENT_KEY=1` (`holds_environment_key`), chatplex's own policy:

    - an explicit `api_key=` is always sent (the caller does not ask for this then);
    - the environment key goes to the provider's own API host (`official_host`), and to
      a base URL that also comes from the environment (`OPENAI_BASE_URL`,
      `ANTHROPIC_BASE_URL`, or LangChain's `OPENAI_API_BASE` / `ANTHROPIC_API_URL`):
      the environment set up both, so it means them together;
    - to a base URL written in code or a configuration profile for any other host
      (a gateway, a local server, a mock) it is not sent: a real key never reaches a
      server it was not meant for. Pass `api_key=` there (a profile: `api_key =
      "env:OPENAI_API_KEY"`) to send one.
    """
    if base_url_given and host != official_host and holds_environment_key():
        return None
    for name in (variable,) if isinstance(variable, str) else variable:
        value = os.environ.get(name)
        if value:
            return Secret(value)
    return None


def withheld_key_note(variable: str, base_variable: str, official_host: str) -> str:
    """What a 401 adds when `environment_key` kept the environment's key back ("" when
    there is no such key, or the policy keeps none back): why no key was sent, and what
    to do."""
    if not os.environ.get(variable) or not holds_environment_key():
        return ""
    return (
        f" (no API key was sent: {variable} goes only to {official_host} or to a base URL "
        f"from {base_variable} under {HOLD_KEY_VARIABLE}; pass api_key= to send a key to "
        "this base_url)"
    )


def secret_header_names(names: Iterable[str] | str | None) -> frozenset[str]:
    """An adapter's `secret_headers=` setting as lower-case names (a lone str is one name)."""
    if not names:
        return frozenset()
    if isinstance(names, str):
        names = (names,)
    out = set()
    for name in names:
        if not isinstance(name, str) or not name:
            raise TypeError(f"secret_headers must be header names (str), got {name!r}")
        out.add(name.lower())
    return frozenset(out)


def key_digest(key: Secret | None, base_url: str | BaseURL) -> str:
    """A short digest naming whose rate-limit budget a call spends: of the API key, and of
    a credential in the base URL (query or user info) if any; "" when there is neither.

    >>> key_digest(None, "http://localhost:11434/v1")
    ''
    """
    parts = [key.get()] if key else []
    if isinstance(base_url, BaseURL):
        if base_url.credentials():
            parts.append(base_url.credentials())
    elif redact_url(base_url) != base_url:
        parts.append(base_url)
    if not parts:
        return ""
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def hold_secrets(
    headers: Mapping[str, Any], secret_names: frozenset[str], keys: Collection[str | Secret] = ()
) -> dict[str, Any]:
    """Headers as an adapter keeps them: credential values wrapped in `Secret` (names and
    order unchanged; `secret.hold_headers`' rule), so no raw key sits in a plain
    attribute. `reveal` undoes it. A value no header may hold (a key with its file's
    newline) raises `InvalidHeaderError` here, when the adapter is built."""
    held = hold_headers(headers, secret_names, keys)
    for name, value in held.items():
        check_header(name, value)
    return held


def reveal(headers: Mapping[str, Any], secret_names: frozenset[str]) -> MaskedHeaders:
    """The headers to send, from `hold_secrets`' form, in a dict whose repr masks them."""
    # (held ones are masked whatever their name: a header carrying the model's key)
    held = frozenset(name.lower() for name, value in headers.items() if isinstance(value, Secret))
    out = MaskedHeaders(
        (name, value.get() if isinstance(value, Secret) else value)
        for name, value in headers.items()
    )
    if secret_names or held:
        out.secret_names = secret_names | held
    return out
