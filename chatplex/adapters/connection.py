"""An adapter's connection, written once for every wire: the headers its requests carry
(JSON, the key or the base URL's user info, the caller's `default_headers` replacing any
of them whatever their case), the POST of a JSON body, and a repr that never raises nor
shows a key. Pure, as the rest of the kit.

>>> from chatplex.secret import Secret
>>> where = BaseURL.parse("https://gw.example/v1", "/chat/completions")
>>> headers = with_default_headers(json_headers(Secret("k-1"), where), {"X-Team": "a"})
>>> sorted(headers), headers["Authorization"]
(['Authorization', 'X-Team', 'content-type'], Secret('**********'))
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..secret import Secret, redact_url
from .base import BaseURL, HTTPRequest, reveal
from .validate import check_headers

__all__ = ["adapter_repr", "json_headers", "post_json", "set_header", "with_default_headers"]


def set_header(headers: dict[str, Any], name: str, value: Any) -> None:
    """`headers[name] = value`, any header of that name spelled otherwise removed first
    (names are case-insensitive: a caller's header replaces ours, never doubles it)."""
    for existing in [k for k in headers if k.lower() == name.lower()]:
        del headers[existing]
    headers[name] = value


def with_default_headers(
    headers: dict[str, Any], default_headers: Mapping[str, str] | None
) -> dict[str, Any]:
    """`headers` with the caller's `default_headers=` set over them (`set_header`), after
    `check_headers` refused any no request can carry (at construction, before any call)."""
    check_headers(default_headers, "default_headers")
    for name, value in (default_headers or {}).items():
        set_header(headers, name, value)
    return headers


def json_headers(
    key: Secret | None, where: BaseURL, *, key_header: str | None = None
) -> dict[str, Any]:
    """`content-type: application/json` and the credential: the key as `Authorization:
    Bearer <key>` (with `key_header`, as that header's whole value: an
    `x-api-key`-style header), else the base URL's user info as `Authorization: Basic ...`, else
    none. Credentials stay `Secret`s (`hold_secrets` / `reveal`)."""
    headers: dict[str, Any] = {"content-type": "application/json"}
    if key and key_header is not None:
        headers[key_header] = key
    elif key:
        headers["Authorization"] = Secret(f"Bearer {key.get()}")
    elif where.basic_auth:
        headers["Authorization"] = where.basic_auth
    return headers


def post_json(
    url: str,
    body: Mapping[str, Any],
    headers: Mapping[str, Any],
    secret_names: frozenset[str],
    secret_url: Secret | None = None,
) -> HTTPRequest:
    """The POST of `body` to `url` with the adapter's held headers revealed (`reveal`);
    `secret_url`, when the base URL's query held a credential, is the URL sent."""
    return HTTPRequest(
        method="POST",
        url=url,
        headers=reveal(headers, secret_names),
        json=body,
        secret_headers=secret_names,
        secret_url=secret_url,
    )


def adapter_repr(adapter: object, name: str | None = None, /, **shown: str) -> str:
    """`Name(base_url='...', field=value, ...)`: the base URL with its query's credentials
    masked, then each field of `shown` read from the attribute it names (a key is held as
    a `Secret`, whose repr masks it). Never raises, even for an adapter whose `__init__`
    failed part-way (tracebacks rendered with locals show it); `name` defaults to the
    class's.

    >>> class Wire:
    ...     base_url = "https://gw.example/v1?code=c-1"
    >>> adapter_repr(Wire(), api_key="_api_key")
    "Wire(base_url='https://gw.example/v1?code=***', api_key=None)"
    """
    base_url = getattr(adapter, "base_url", None)
    fields = [f"base_url={base_url and redact_url(base_url)!r}"]
    fields += [f"{field}={getattr(adapter, attr, None)!r}" for field, attr in shown.items()]
    return f"{name or type(adapter).__name__}({', '.join(fields)})"
