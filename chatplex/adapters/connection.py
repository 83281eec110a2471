"""An adapter's connection, written once for every wire: where it sends and with which
key (`ProviderHome.connect`: the base URL and the key from the arguments or the
environment, under `environment_key`'s policy), the headers its requests carry (JSON,
the key or the base URL's user info, the caller's `default_headers` replacing any of
them whatever their case), the POST of a JSON body, and a repr that never raises nor
shows a key. Pure, as the rest of the kit.

>>> from chatplex.secret import Secret
>>> where = BaseURL.parse("https://gw.example/v1", "/chat/completions")
>>> headers = with_default_headers(json_headers(Secret("k-1"), where), {"X-Team": "a"})
>>> sorted(headers), headers["Authorization"]
(['Authorization', 'X-Team', 'content-type'], Secret('**********'))
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..secret import Secret
from ..secret import held_keys
from ..secret.urls import URLCredentials
from ..secret.urls import redact_url
from ..secret.urls import take_url_credentials
from ..secret.urls import url_with_query
from .base_url import BaseURL
from .base_url import take_base_url
from .keys import environment_key
from .keys import hold_secrets
from .keys import key_digest
from .keys import reveal
from .keys import withheld_key_note
from .request_types import HTTPRequest
from .validate import check_headers

__all__ = [
    "Connection",
    "ProviderHome",
    "adapter_repr",
    "held_headers",
    "json_headers",
    "post_json",
    "set_header",
    "with_default_headers",
]


@dataclass(frozen=True, slots=True)
class Connection:
    """Where an adapter sends (`where`) and with which key (None: none), and what a 401
    adds when the environment's key was kept back (`withheld`, "" otherwise)."""

    where: BaseURL
    key: Secret | None
    withheld: str

    @property
    def key_digest(self) -> str:
        """Whose rate-limit budget its calls spend (`key_digest`: never the key itself)."""
        return key_digest(self.key, self.where)

    def json_headers(self, *, key_header: str | None = None) -> dict[str, Any]:
        """Its requests' JSON and credential headers (`json_headers`)."""
        return json_headers(self.key, self.where, key_header=key_header)


@dataclass(frozen=True, slots=True)
class ProviderHome:
    """A provider's own API: its host and default base URL, and the environment variables
    of its key (the first one set is read) and of its base URL. The environment's key
    goes wherever the connection sends, as the SDKs send it; under chatplex's option
    (`CHATPLEX_HOLD_ENVIRONMENT_KEY=1`) only there, or to a base URL from `base_variable`
    (`environment_key`).

    >>> home = ProviderHome("api.example", "https://api.example", ("EXAMPLE_KEY",), "EXAMPLE_URL")
    >>> link = home.connect(None, home.take_url("http://localhost:8000"), "/v1/chat")
    >>> link.where.url, link.key, link.key_digest
    ('http://localhost:8000/v1/chat', None, '')
    """

    host: str
    default_base_url: str
    key_variables: tuple[str, ...]
    base_variable: str

    @staticmethod
    def take_url(base_url: str | Secret | None) -> URLCredentials | None:
        """A `base_url=` argument with its credentials taken out (`take_url_credentials`),
        for `connect`; None when none was given. An adapter rebinds its argument to this
        first, so that no local of its frame holds a credential in clear when a later
        check raises (tracebacks rendered with locals show them). A URL `init_chat_model`
        or a drop-in already held as a `Secret` (`secret.urls.hold_url`) is taken apart here."""
        if base_url is None:
            return None
        if not isinstance(base_url, (str, Secret)):
            raise TypeError(f"base_url must be a str, got {type(base_url).__name__}")
        return take_url_credentials(base_url)

    def connect(
        self,
        api_key: Secret | None,
        base_url: URLCredentials | None,
        path: str,
        *,
        query: Mapping[str, Any] | None = None,
        variables: Sequence[str] | None = None,
    ) -> Connection:
        """An adapter's connection to this API or a server in its place: the base URL is
        `base_url` (`take_url`'s form: None when not given), else the first of `variables`
        set (None: `base_variable`; an environment's base URL gets the environment's key
        as `base_variable`'s does), else `default_base_url`, with `query` added to its
        query once it is chosen (a client's `default_query`: on every request, after
        `path`); taken apart by `BaseURL.parse`, `path` its endpoint. The key is
        `api_key` (`as_secret`'s form: an explicit "" sends none), else the environment's
        where `environment_key` lets it go.

        >>> home = ProviderHome("api.example", "https://api.example/v1", ("K",), "NO_SUCH_URL")
        >>> home.connect(None, None, "/chat", query={"tenant": "t1"}).where.url
        'https://api.example/v1/chat?tenant=t1'
        """
        given = base_url is not None
        if base_url is None or not base_url.shown:
            named = variables or (self.base_variable,)
            variable = next((v for v in named if os.environ.get(v)), self.base_variable)
            base_url = take_base_url(None, variable, self.default_base_url)
        if query:
            base_url = _with_query(base_url, query)
        where = BaseURL.parse(base_url, path)
        if api_key is None:
            api_key = environment_key(
                self.key_variables, base_url_given=given, host=where.host, official_host=self.host
            )
        key = api_key or None
        return Connection(where, key, "" if key else self.withheld_note())

    def withheld_note(self) -> str:
        """What a 401 adds when the environment's key was kept back ("" when none is
        set): the note of the first key variable that is set."""
        for variable in self.key_variables:
            note = withheld_key_note(variable, self.base_variable, self.host)
            if note:
                return note
        return ""


def _with_query(base_url: URLCredentials, query: Mapping[str, Any]) -> URLCredentials:
    """`base_url` with `query`'s parameters added to its query (`url_with_query`), its
    credentials held as they were."""
    if not isinstance(query, Mapping):
        raise TypeError(f"default_query must be a mapping, got {type(query).__name__}")
    joined = take_url_credentials(url_with_query(Secret(base_url.url()), query))
    return URLCredentials(joined.shown, joined.secret, base_url.userinfo)


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


def held_headers(
    headers: dict[str, Any],
    default_headers: Mapping[str, str] | None,
    secret_names: frozenset[str],
) -> dict[str, Any]:
    """The headers an adapter keeps: `headers` with the caller's `default_headers=` over
    them (`with_default_headers`), credentials held as `Secret`s (`hold_secrets`: a
    header named like one, or carrying the key `headers` holds)."""
    check_headers(default_headers, "default_headers")
    # Held before they are merged: no frame from here on holds a credential in clear.
    held = hold_secrets(default_headers or {}, secret_names, held_keys(headers.values()))
    for name, value in held.items():
        set_header(headers, name, value)
    return hold_secrets(headers, secret_names)


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
    revealed = reveal(headers, secret_names)
    return HTTPRequest(
        method="POST",
        url=url,
        headers=revealed,
        json=body,
        secret_headers=revealed.secret_names,  # (and those held: one carrying the key)
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
