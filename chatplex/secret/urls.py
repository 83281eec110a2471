"""Where a credential hides in a URL: user info (`user:password@`) and query values named
like a credential (`api-key=`, `sig=`, `code=`: `is_secret_query`, the one rule of
`chatplex.secret`). A URL is masked where it is shown (`redact_url`, `redact_urls_in`,
`shown_url`), held as a `Secret` from the first frame handed it (`hold_url`), taken apart
only by `take_url_credentials`, and joined with paths and queries without its
credentials coming out in clear (`url_joined`, `path_joined`, `joined_held`...).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any
from typing import overload

from . import MASK
from . import Secret
from . import _pattern
from . import is_credential_name

if TYPE_CHECKING:
    import re

__all__ = [
    "URLCredentials",
    "encoded_query",
    "hold_url",
    "is_secret_query",
    "joined_held",
    "path_joined",
    "query_added",
    "query_with",
    "redact_url",
    "redact_urls_in",
    "shown_url",
    "take_url_credentials",
    "url_joined",
    "url_with_query",
    "with_userinfo",
]

# name=value pairs of URL queries inside free text (log lines, exception messages).
_QUERY_PAIR = r"([?&;])([^=&#\s?;\"'<>]+)=([^&#\s;\"'<>]*)"
# A URL's user info inside free text: `scheme://` and what precedes the host's `@`.
_USERINFO = r"(\b[A-Za-z][A-Za-z0-9+.-]*://)[^/?#@\s\"'<>]+@"


def is_secret_query(name: str) -> bool:
    """Whether a URL query parameter is named like a credential (`api-key`, `sig`...).

    >>> is_secret_query("api-key"), is_secret_query("code"), is_secret_query("api-version")
    (True, True, False)
    """
    from urllib.parse import unquote

    return is_credential_name(unquote(name))


@functools.lru_cache(maxsize=256)  # adapters ask for the same few base URLs per call
def redact_url(url: str) -> str:
    """`url` with credential-looking query values and any user info masked.

    >>> redact_url("https://gw.example/v1?api-version=2&api-key=sk-1")
    'https://gw.example/v1?api-version=2&api-key=***'
    >>> redact_url("https://me:pw@gw.example/v1")
    'https://***@gw.example/v1'
    """
    from urllib.parse import urlsplit
    from urllib.parse import urlunsplit

    try:
        parts = urlsplit(url)
    except ValueError:  # not a URL we can parse: mask every query-looking pair
        return redact_urls_in(url)
    netloc = parts.netloc
    if "@" in netloc:  # user info: a password, or a key passed as the user name
        netloc = f"{MASK}@{netloc.rpartition('@')[2]}"
    query = parts.query
    if query:
        query = "&".join(_redact_pair(pair) for pair in query.split("&"))
    if netloc == parts.netloc and query == parts.query:
        return url
    return urlunsplit((parts.scheme, netloc, parts.path, query, parts.fragment))


def redact_urls_in(text: str) -> str:
    """`text` with the user info and credential-looking query values of any URL in it
    masked, as `redact_url` masks one.

    >>> redact_urls_in('POST https://gw.example/v1?key=sk-1&alt=sse "HTTP/1.1 200 OK"')
    'POST https://gw.example/v1?key=***&alt=sse "HTTP/1.1 200 OK"'
    >>> redact_urls_in("refused at http://me:pw@gw.example/runs: HTTP 401")
    'refused at http://***@gw.example/runs: HTTP 401'
    """
    if "@" in text:
        text = _pattern(_USERINFO).sub(rf"\1{MASK}@", text)
    if "=" not in text:
        return text
    return _pattern(_QUERY_PAIR).sub(_redact_match, text)


def _redact_pair(pair: str) -> str:
    name, eq, _value = pair.partition("=")
    return f"{name}={MASK}" if eq and is_secret_query(name) else pair


def _redact_match(match: re.Match[str]) -> str:
    sep, name, value = match.groups()
    return f"{sep}{name}={MASK if is_secret_query(name) else value}"


class URLCredentials:
    """A URL split at construction into what may be shown and the credentials it held.

    - `shown`: no user info, credential-looking query values replaced by `MASK`; safe for
      reprs, logs, errors, serialization and cache keys.
    - `secret`: the URL to send (without user info) as a `Secret`, when its query held a
      credential; None when `shown` is the URL to send.
    - `userinfo`: `(user, password)` from `user:password@` (percent-decoded) as a
      `Secret` holding "user:password", or None. httpx would send it as Basic auth.

    >>> parts = take_url_credentials("https://me:pw@gw.example/v1?api-version=2&code=c1")
    >>> parts.shown, parts.secret, parts.userinfo
    ('https://gw.example/v1?api-version=2&code=***', Secret('**********'), Secret('**********'))
    >>> parts.secret.get(), parts.userinfo.get()
    ('https://gw.example/v1?api-version=2&code=c1', 'me:pw')
    """

    __slots__ = ("secret", "shown", "userinfo")

    def __init__(self, shown: str, secret: Secret | None, userinfo: Secret | None) -> None:
        self.shown = shown
        self.secret = secret
        self.userinfo = userinfo

    def __repr__(self) -> str:
        return f"URLCredentials({self.shown!r})"

    def url(self) -> str:
        """The URL to send: the secret one if there is one, else `shown`."""
        return self.secret.get() if self.secret is not None else self.shown


def take_url_credentials(url: str | Secret) -> URLCredentials:
    """Split `url` into what may be shown and its credentials (see `URLCredentials`). A
    string that is not a URL comes back as it is, masked (the caller's check refuses it).
    A URL already held as a `Secret` (`hold_url`) is revealed here, and only here.
    """
    from urllib.parse import unquote
    from urllib.parse import urlsplit
    from urllib.parse import urlunsplit

    if isinstance(url, Secret):
        url = url.get()
    try:
        parts = urlsplit(url)
    except ValueError:
        return URLCredentials(redact_urls_in(url), None, None)
    netloc, userinfo = parts.netloc, None
    if "@" in netloc:
        info, _, netloc = netloc.rpartition("@")
        user, _, password = info.partition(":")
        userinfo = Secret(f"{unquote(user)}:{unquote(password)}")
    bare = urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    shown = redact_url(bare)
    return URLCredentials(shown, Secret(bare) if shown != bare else None, userinfo)


def hold_url(value: Any) -> Any:
    """`value` as a `Secret` when it is a URL carrying a credential (user info, or a query
    value named like one: `take_url_credentials`), else as it is. The first frame that
    is handed a base URL calls this before anything else, so that no frame from there
    to the adapter (`take_url_credentials` takes a held URL apart) holds the credential
    in clear: a traceback rendered with locals, Sentry or rich would show it.

    >>> hold_url("http://user:pw@gw.example/v1"), hold_url("http://gw.example/v1")
    (Secret('**********'), 'http://gw.example/v1')
    >>> hold_url("https://fn.example/api?code=c1").get()
    'https://fn.example/api?code=c1'
    """
    if not isinstance(value, str) or "://" not in value or ("@" not in value and "=" not in value):
        return value
    parts = take_url_credentials(value)
    return Secret(value) if parts.userinfo is not None or parts.secret is not None else value


def url_joined(url: str | Secret, path: str) -> str | Secret:
    """`url`'s path without its trailing slashes, then `path`, then its query; a URL held
    as a `Secret` stays held (what an adapter appends to a base URL it is given).

    >>> url_joined("http://gw.example/", "/v1"), url_joined(Secret("http://u:p@gw/"), "/v1")
    ('http://gw.example/v1', Secret('**********'))
    >>> url_joined("http://gw.example/api/?tenant=t1", "/openai/v1")
    'http://gw.example/api/openai/v1?tenant=t1'
    """
    text = url.get() if isinstance(url, Secret) else url
    base, mark, query = text.partition("?")
    joined = base.rstrip("/") + path + mark + query
    return Secret(joined) if isinstance(url, Secret) else joined


@overload
def path_joined(url: str, path: str) -> str: ...
@overload
def path_joined(url: Secret, path: str) -> Secret: ...
def path_joined(url: str | Secret, path: str) -> str | Secret:
    """`path` (with its own query, if any) appended to the path of `url`, whose query
    comes after it; a URL held as a `Secret` stays held (a Batch API call's URL).

    >>> path_joined("http://gw.example/v1/?api-key=k-1", "/batches?limit=2")
    'http://gw.example/v1/batches?limit=2&api-key=k-1'
    """
    clear = url.get() if isinstance(url, Secret) else url
    base, _, query = clear.partition("?")
    more, _, more_query = path.partition("?")
    joined_query = "&".join(q for q in (more_query, query) if q)
    joined = base.rstrip("/") + more + (f"?{joined_query}" if joined_query else "")
    return Secret(joined) if isinstance(url, Secret) else joined


def url_with_query(url: str | Secret, query: Mapping[str, Any]) -> str | Secret:
    """`url` with `query`'s parameters added to its query; a URL held as a `Secret`
    stays held.

    >>> url_with_query("http://gw.example/v1?a=1", {"api-version": "2"})
    'http://gw.example/v1?a=1&api-version=2'
    """
    from urllib.parse import parse_qsl
    from urllib.parse import urlencode
    from urllib.parse import urlsplit
    from urllib.parse import urlunsplit

    clear = url.get() if isinstance(url, Secret) else url
    parts = urlsplit(clear)
    pairs = [
        *parse_qsl(parts.query, keep_blank_values=True),
        *((k, str(v)) for k, v in query.items()),
    ]
    joined = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(pairs), parts.fragment))
    return Secret(joined) if isinstance(url, Secret) else joined


def query_added(
    url: str, secret_url: Secret | None, query: Mapping[str, Any]
) -> tuple[str, Secret | None]:
    """A request's URL pair (`url`, the one shown; `secret_url`, the one sent when it holds
    a credential) with a call's `query` added as the Stainless SDKs add an `extra_query`:
    a name already in the URL replaced, None left out, booleans as `true`/`false`, lists
    as `name[]=`, mappings as `name[key]=`. A value named like a credential is masked in
    the URL shown and makes the one sent a `Secret`.

    >>> query_added("https://gw.example/v1/chat?a=1", None, {"a": 2, "on": True, "x": None})
    ('https://gw.example/v1/chat?a=2&on=true', None)
    >>> shown, sent = query_added("https://gw.example/v1/chat", None, {"sig": "s1"})
    >>> shown, sent.get()
    ('https://gw.example/v1/chat?sig=***', 'https://gw.example/v1/chat?sig=s1')
    """
    held = secret_url.get() if secret_url is not None else url
    sent = _with_pairs(held, query)
    shown = redact_url(_with_pairs(url, query))
    return shown, (Secret(sent) if secret_url is not None or sent != shown else None)


def _with_pairs(url: str, query: Mapping[str, Any]) -> str:
    from urllib.parse import parse_qsl
    from urllib.parse import urlencode

    base, _, old = url.partition("?")
    names = {str(name) for name in query}
    kept = [
        (name, value)
        for name, value in parse_qsl(old, keep_blank_values=True)
        if name.partition("[")[0] not in names
    ]
    pairs = [*kept, *_flattened(query, "")]
    return f"{base}?{urlencode(pairs, safe='*')}" if pairs else base


def encoded_query(query: Mapping[str, Any]) -> str:
    """`query` as the Stainless SDKs encode a `default_query` or an `extra_query`
    (`query_added`), without the "?".

    >>> encoded_query({"tenant": "t 1", "on": True, "ids": [1, 2], "gone": None})
    'tenant=t+1&on=true&ids%5B%5D=1&ids%5B%5D=2'
    """
    from urllib.parse import urlencode

    return urlencode(_flattened(query, ""), safe="*")


def _flattened(values: Mapping[str, Any], prefix: str) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for name, value in values.items():
        key = f"{prefix}[{name}]" if prefix else str(name)
        if value is None:
            continue
        if isinstance(value, Mapping):
            pairs += _flattened(value, key)
        elif isinstance(value, (list, tuple)):
            pairs += [(f"{key}[]", _text(item)) for item in value if item is not None]
        else:
            pairs.append((key, _text(value)))
    return pairs


def _text(value: Any) -> str:
    return ("true" if value else "false") if isinstance(value, bool) else str(value)


def joined_held(*pieces: str | Secret) -> str | Secret:
    """The pieces of a URL joined; a `Secret` when any piece is one (revealed only here).

    >>> joined_held("http://gw.example/v1", Secret("?code=c1"))
    Secret('**********')
    """
    text = "".join(piece.get() if isinstance(piece, Secret) else piece for piece in pieces)
    return Secret(text) if any(isinstance(piece, Secret) for piece in pieces) else text


def query_with(url: URLCredentials, extra: str) -> Secret:
    """The query of a URL taken apart (`take_url_credentials`), `extra` ("name=value")
    appended, as "?query" ("" for none), held: it may carry a credential."""
    from urllib.parse import urlsplit

    joined = "&".join(q for q in (urlsplit(url.url()).query, extra) if q)
    return Secret(f"?{joined}" if joined else "")


def with_userinfo(url: str, userinfo: Secret | None) -> str | Secret:
    """`url` with the user info taken out of it (`URLCredentials.userinfo`) put back,
    held; `url` itself when there was none."""
    if userinfo is None:
        return url
    from urllib.parse import quote

    scheme, sep, rest = url.partition("://")
    user, _, password = userinfo.get().partition(":")
    return Secret(f"{scheme}{sep}{quote(user, safe='')}:{quote(password, safe='')}@{rest}")


def shown_url(url: str | Secret) -> str:
    """What may be shown of `url`, held or not: no user info, credential query values
    masked (`take_url_credentials(url).shown`); its host is the URL's own.

    >>> shown_url(Secret("http://u:p@gw.example/v1?key=k"))
    'http://gw.example/v1?key=***'
    """
    return take_url_credentials(url).shown
