"""Where an adapter sends: its base URL checked at construction (`endpoint_url`) and
taken apart (`BaseURL`), so that no credential in it (user info, `?key=`...) is kept,
shown or sent other than as a `Secret`; `take_base_url`, the base URL from the
arguments, the environment or the wire's default. Pure, no I/O."""

from __future__ import annotations

import base64
import os
from dataclasses import dataclass
from urllib.parse import urlsplit
from urllib.parse import urlunsplit

from ..secret import Secret
from ..secret.urls import URLCredentials
from ..secret.urls import redact_url
from ..secret.urls import take_url_credentials

__all__ = ["BaseURL", "endpoint_url", "take_base_url"]


def endpoint_url(base_url: str, path: str) -> str:
    """`path` appended to the path of `base_url`, whose query is kept (Azure-style
    `?api-version=...`) and fragment dropped.

    Checked at construction, so a bad URL fails there and not at the first call: the
    scheme must be http or https and a host present. A URL with user info is refused
    (`BaseURL` takes it out first, as a Basic auth credential). Errors show the URL with
    credential-looking query values masked.

    >>> endpoint_url("https://x.example/openai/deployments/d?api-version=1", "/chat/completions")
    'https://x.example/openai/deployments/d/chat/completions?api-version=1'

    A base URL that already ends with the path's first segment does not repeat it (the
    Anthropic SDK's base URL has no `/v1`; many proxies document one):

    >>> endpoint_url("https://proxy.example/anthropic/v1/", "/v1/messages")
    'https://proxy.example/anthropic/v1/messages'
    """
    if not isinstance(base_url, str):
        raise TypeError(f"base_url must be a str, got {type(base_url).__name__}")
    try:
        parts = urlsplit(base_url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError as exc:
        raise ValueError(f"base_url is not a valid URL ({exc}): {redact_url(base_url)!r}") from None
    if "@" in parts.netloc:
        raise ValueError(
            "base_url must not contain user:password@; "
            "pass credentials as api_key= or default_headers="
        )
    if parts.scheme.lower() not in ("http", "https") or not host:
        # Checked now, not at the first call. The URL is shown with any key in it masked.
        hint = "" if "://" in base_url else f" (did you mean 'https://{base_url}'?)"
        raise ValueError(
            "base_url must be an http:// or https:// URL with a host, got "
            f"{redact_url(base_url)!r}{hint}"
        )
    base_path = parts.path.rstrip("/")
    first = path[: path.find("/", 1)] if path.count("/") > 1 else ""
    if first and base_path.endswith(first):
        # "https://proxy/v1" + "/v1/messages": the version given twice would be a 404.
        base_path = base_path[: -len(first)]
    return urlunsplit((parts.scheme, parts.netloc, base_path + path, parts.query, ""))


@dataclass(frozen=True, slots=True)
class BaseURL:
    """An adapter's base URL, taken apart at construction so that no credential in it is
    kept, shown or sent other than as a `Secret`:

    - `base_url` / `url`: the base URL (no trailing "/") and the endpoint, with no user
      info and credential-looking query values (`?code=`, `?key=`, `?sig=`...) masked:
      what reprs, errors, serialization, cache keys and budget keys see.
    - `secret_url` / `secret_base_url`: the same two with the query's credentials, as
      `Secret`s, when the query had any (else None): the http layer sends `secret_url`.
    - `basic_auth`: the value of an `Authorization: Basic ...` header for `user:password@`
      (what httpx would send for it), as a `Secret`; None without user info.

    >>> where = BaseURL.parse("https://u:pw@gw.example/v1?code=c-1", "/chat/completions")
    >>> where.url, where.secret_url.get(), where.basic_auth.get()
    ('https://gw.example/v1/chat/completions?code=***', \
'https://gw.example/v1/chat/completions?code=c-1', 'Basic dTpwdw==')
    """

    base_url: str
    url: str
    host: str
    secret_url: Secret | None
    secret_base_url: Secret | None
    basic_auth: Secret | None

    @classmethod
    def parse(cls, base_url: str | Secret | URLCredentials, path: str) -> BaseURL:
        """Check `base_url` (see `endpoint_url`) and take it apart; raises ValueError or
        TypeError naming what is wrong, never showing a credential. (Callers take the
        credentials out first, `take_url_credentials`, so that none of their frame's
        locals holds one if this raises.)"""
        if isinstance(base_url, URLCredentials):
            parts = base_url
        elif isinstance(base_url, (str, Secret)):
            parts = take_url_credentials(base_url)
        else:
            raise TypeError(f"base_url must be a str, got {type(base_url).__name__}")
        del base_url  # from here on, no local of this frame holds a clear credential
        url = endpoint_url(parts.shown, path)  # first: refuses bad URLs (masked)
        secret = parts.secret
        basic = None
        if parts.userinfo is not None:
            basic = Secret("Basic " + base64.b64encode(parts.userinfo.get().encode()).decode())
        return cls(
            base_url=parts.shown.rstrip("/"),
            url=url,
            host=urlsplit(url).hostname or "",
            secret_url=Secret(endpoint_url(secret.get(), path)) if secret else None,
            secret_base_url=Secret(secret.get().rstrip("/")) if secret else None,
            basic_auth=basic,
        )

    def credentials(self) -> str:
        """The credentials of the URL as one string, for `key_digest` ("" if none)."""
        return "\n".join(s.get() for s in (self.secret_url, self.basic_auth) if s is not None)


def take_base_url(base_url: str | Secret | None, variable: str, default: str) -> URLCredentials:
    """The base URL an adapter uses (`base_url`, else the environment's `variable`, else
    `default`), its credentials already taken out (see `take_url_credentials`; a URL
    held as a `Secret` is taken apart there)."""
    url = base_url or os.environ.get(variable) or default
    if not isinstance(url, (str, Secret)):
        raise TypeError(f"base_url must be a str, got {type(url).__name__}")
    return take_url_credentials(url)
