"""`Secret`: a credential that never shows itself (repr, str); and the one rule for what
counts as a credential where one can hide in plain text: a header, URL query parameter
or setting whose name contains key, token, secret, auth, signature, password or
credential (`is_credential_name`), or whose value carries the model's own key
(`is_credential_value`), and the known gateway headers (`SECRET_HEADERS`).

The bottom layer: adapters hold their API keys in `Secret`, configuration profiles keep
keys read from files and the environment in it until a model is built, and every layer
that shows headers or URLs (reprs, logs, errors) masks them with the helpers below.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from collections.abc import Collection
from collections.abc import Iterable
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any
from typing import overload

if TYPE_CHECKING:
    import re

__all__ = [
    "MASK",
    "CREDENTIAL_WORDS",
    "SECRET_HEADERS",
    "MaskedHeaders",
    "Secret",
    "URLCredentials",
    "held_keys",
    "hold_headers",
    "hold_keys",
    "hold_url",
    "hold_urls",
    "is_credential_name",
    "is_credential_value",
    "is_secret_header",
    "is_secret_name",
    "joined_held",
    "masked_headers",
    "masked_settings",
    "merged_headers",
    "path_joined",
    "query_with",
    "with_userinfo",
    "is_secret_query",
    "mask_headers",
    "redact_url",
    "redact_urls_in",
    "scrub_text",
    "secret_values",
    "shown_url",
    "take_url_credentials",
    "url_joined",
    "url_with_query",
]

#: What a masked value is replaced with (valid in a URL query, unlike "[secret]").
MASK = "***"

#: Headers that carry credentials, as the providers and gateways name them.
SECRET_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "x-api-key",
        "api-key",
        "x-goog-api-key",
        "ocp-apim-subscription-key",
        "cookie",
        "set-cookie",
    }
)
#: The one rule for names (headers, URL query parameters, settings): a name containing
#: one of these words (case-insensitive) carries a credential: `x-api-key-2`,
#: `helicone-auth`, `x-portkey-virtual-key`, `client_secret`, `X-Amz-Signature`...
CREDENTIAL_WORDS = (
    "key",
    "token",
    "secret",
    "auth",
    "signature",
    "password",
    "passwd",
    "credential",
)
#: Short words that count only as a whole part of a name (`sig`, not `design`), and
#: names that count only whole: Azure Functions' `code` (a `country_code` is none).
_CREDENTIAL_PARTS = ("sig", "pwd", "cookie")
_CREDENTIAL_WHOLE = ("code",)
_CREDENTIAL_NAME = (
    rf"{'|'.join(CREDENTIAL_WORDS)}"
    rf"|(^|[-_.])({'|'.join(_CREDENTIAL_PARTS)})([-_.]|$)"
    rf"|^({'|'.join(_CREDENTIAL_WHOLE)})$"
)
#: Pieces of names that hold one of those words and carry no credential, taken out
#: before the rule reads a name: a count of tokens (`max_tokens`,
#: `x-ratelimit-remaining-tokens`), a tokenizer's model (`tiktoken_model_name`), a
#: function or names (`custom_get_token_ids`, `secret_headers`, `keywords`,
#: langchain-aws' `provider_stop_reason_key_map`), a profile's name, OpenAI's
#: `prompt_cache_key` (a routing hint).
_NOT_CREDENTIAL = (
    r"tokens|token_ids|token_count|tokenizer|tiktoken|keyword|key_name|key_map"
    r"|secret_headers|credentials_profile_name|prompt_cache_key"
)
#: A setting naming a URL (`authorization_url`, `tokenizer_url`): what it may hold is
#: masked by the URL rule (`redact_url`), not as a whole.
_URL_NAME = r"[-_](url|uri)$"
#: A key shorter than this counts only as a whole value, not inside one: a 1-letter
#: test key would mask every value holding that letter and protect nothing.
_MIN_KEY = 6
#: Values that are a credential whatever their header's name: an authorization scheme's.
_CREDENTIAL_VALUE = r"^\s*(bearer|basic|digest|token)\s+\S"
# name=value pairs of URL queries inside free text (log lines, exception messages).
_QUERY_PAIR = r"([?&;])([^=&#\s?;\"'<>]+)=([^&#\s;\"'<>]*)"


@functools.cache
def _pattern(source: str) -> re.Pattern[str]:
    # Compiled on first use, not at import: `import chatplex` stays fast.
    import re

    return re.compile(source, re.IGNORECASE)


class Secret:
    """An API key that never shows itself: repr/str are masked, `get()` reveals it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("Secret", self._value))

    def __bool__(self) -> bool:
        return bool(self._value)

    # Immutable: a copy is the same value. `copy.deepcopy` of a model holding one works.
    def __copy__(self) -> Secret:
        return self

    def __deepcopy__(self, memo: dict[int, Any]) -> Secret:
        return self

    # A model pickles with its key, as LangChain's (a pydantic `SecretStr`) does: what
    # multiprocessing and a process pool hand a model across with. The bytes hold the
    # key in clear: chatplex never pickles into its own files (docs/concepts.md).
    def __reduce__(self) -> tuple[type[Secret], tuple[str]]:
        return (Secret, (self._value,))


#: A model's keys, held or not: a value carrying one is masked (`is_credential_value`).
Keys = Collection[str | Secret]


class MaskedHeaders(dict[str, str]):
    """Headers whose repr masks credentials (known names, names like a credential,
    `secret_names`, and values carrying one of `secret_values`: the model's keys), so
    headers shown anywhere show no key.

    >>> MaskedHeaders({"x-api-key": "sk-1", "accept": "*/*"})
    {'x-api-key': '***', 'accept': '*/*'}
    """

    secret_names: frozenset[str] = frozenset()
    secret_values: frozenset[str | Secret] = frozenset()

    def __repr__(self) -> str:
        return repr(dict(mask_headers(self.items(), self.secret_names, self.secret_values)))

    def credential_names(self) -> frozenset[str]:
        """The (lower-case) names of the headers it masks: what a request built from it
        marks secret (`HTTPRequest.secret_headers`), for its copies on errors."""
        names, keys = self.secret_names, self.secret_values
        return frozenset(k.lower() for k, v in self.items() if _is_credential(k, v, names, keys))


def masked_headers(headers: Mapping[str, Any], keys: Keys = ()) -> MaskedHeaders:
    """`headers` in a `MaskedHeaders` that also masks values carrying one of `keys` (what
    it was marked with before kept)."""
    return merged_headers(headers, keys=keys)


def merged_headers(
    *parts: Mapping[str, Any] | None, keys: Keys = (), lower: bool = False
) -> MaskedHeaders:
    """The header mappings `parts` merged (later ones win; names lower-cased with
    `lower`) in a `MaskedHeaders` masking what any of them marked, and values carrying
    one of `keys`: a copy that shows no more than its parts did."""
    out = MaskedHeaders()
    names: set[str] = set()
    values: set[str | Secret] = set(keys)
    for part in parts:
        if not part:
            continue
        out.update({k.lower(): v for k, v in part.items()} if lower else part)
        names.update(getattr(part, "secret_names", ()))
        values.update(getattr(part, "secret_values", ()))
    out.secret_names, out.secret_values = frozenset(names), frozenset(values)
    return out


@functools.lru_cache(maxsize=1024)  # asked of the same few names on every request
def is_credential_name(name: str) -> bool:
    """The one rule: whether a header, URL query parameter or setting of this name
    carries a credential (`CREDENTIAL_WORDS` anywhere in it, case-insensitive).

    >>> is_credential_name("x-api-key-2"), is_credential_name("Helicone-Auth")
    (True, True)
    >>> is_credential_name("max_tokens"), is_credential_name("x-ratelimit-remaining-tokens")
    (False, False)
    """
    if _pattern(_URL_NAME).search(name):  # a URL: its credentials are the URL rule's
        return False
    left = _pattern(_NOT_CREDENTIAL).sub("/", name)
    return _pattern(_CREDENTIAL_NAME).search(left) is not None


def is_credential_value(value: object, keys: Keys = ()) -> bool:
    """Whether a value carries a credential whatever its name: one of `keys` (the
    model's own, held or not) is in it, or it is an authorization scheme's (`Bearer ...`)."""
    if not isinstance(value, str) or not value:
        return False
    for key in keys:
        clear = _clear(key)
        if clear and (value == clear or (len(clear) >= _MIN_KEY and clear in value)):
            return True
    return _pattern(_CREDENTIAL_VALUE).search(value) is not None


def _clear(key: str | Secret) -> str:
    return key.get() if isinstance(key, Secret) else key


def secret_values(values: Iterable[Any]) -> frozenset[Secret]:
    """The `Secret`s among `values` (a call's keywords): the keys a header or setting
    carrying one of them is masked for (`is_credential_value`). A held URL is no key:
    its credentials are masked by the URL rule."""
    return frozenset(v for v in values if isinstance(v, Secret) and v and "://" not in v.get())


def is_secret_name(name: str) -> bool:
    """Whether a setting of this name holds a credential (`api_key`, `*_token`, ...):
    `is_credential_name`."""
    return is_credential_name(name)


def is_secret_header(name: str, extra: Collection[str] = ()) -> bool:
    """Whether a header may carry a credential: a known name, one named like a credential,
    or one of `extra` (lower-case names the user marked secret).

    >>> is_secret_header("X-API-Key"), is_secret_header("x-my-token")
    (True, True)
    >>> is_secret_header("x-ratelimit-remaining-tokens"), is_secret_header("x-trace", ["x-trace"])
    (False, True)
    """
    lower = name.lower()
    return lower in SECRET_HEADERS or lower in extra or is_credential_name(lower)


def mask_headers(
    items: Iterable[tuple[str, str]], extra: Collection[str] = (), keys: Keys = ()
) -> list[tuple[str, str]]:
    """Header pairs with the values of credential headers replaced by `MASK`: named like
    one (`is_secret_header`), or a value carrying one (`is_credential_value`).

    >>> mask_headers([("x-api-key", "sk-1"), ("accept", "*/*"), ("x-gw", "k-1")], keys=["k-1"])
    [('x-api-key', '***'), ('accept', '*/*'), ('x-gw', '***')]
    """
    return [
        (k, MASK if is_secret_header(k, extra) or is_credential_value(v, keys) else v)
        for k, v in items
    ]


def held_keys(values: Iterable[Any]) -> frozenset[Secret]:
    """The keys among `values` (headers as an adapter holds them), held: each `Secret`,
    and the token after its authorization scheme (`Bearer <key>`)."""
    found: set[Secret] = set()
    for value in values:
        if isinstance(value, Secret) and value:
            found.add(value)
            clear = value.get()
            token = clear.strip().partition(" ")[2].strip()
            if token and _pattern(_CREDENTIAL_VALUE).search(clear) is not None:
                found.add(Secret(token))
    return frozenset(found)


def hold_headers(
    headers: Mapping[str, Any], extra: Collection[str] = (), keys: Keys = ()
) -> dict[str, Any]:
    """Headers as they are kept: each value the masking rule names a credential's
    (`mask_headers`: by its name, or carrying one of `keys`, the ones `headers` marks or
    holds as `Secret`s) wrapped in a `Secret`; names and order unchanged."""
    keys = {
        *keys,
        *getattr(headers, "secret_values", ()),
        *held_keys(headers.values()),
    }
    return {
        name: Secret(value) if _is_credential(name, value, extra, keys) else value
        for name, value in headers.items()
    }


def _is_credential(name: str, value: Any, extra: Collection[str], keys: Keys) -> bool:
    if not isinstance(value, str):
        return False
    return is_secret_header(name, extra) or is_credential_value(value, keys)


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
    """`text` with the credential-looking query values of any URL in it masked.

    >>> redact_urls_in('POST https://gw.example/v1?key=sk-1&alt=sse "HTTP/1.1 200 OK"')
    'POST https://gw.example/v1?key=***&alt=sse "HTTP/1.1 200 OK"'
    """
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


def url_joined(url: str | Secret, path: str) -> str | Secret:
    """`url` without its trailing slashes, then `path`; a URL held as a `Secret` stays
    held (what an adapter appends to a base URL it is given).

    >>> url_joined("http://gw.example/", "/v1"), url_joined(Secret("http://u:p@gw/"), "/v1")
    ('http://gw.example/v1', Secret('**********'))
    """
    if isinstance(url, Secret):
        return Secret(url.get().rstrip("/") + path)
    return url.rstrip("/") + path


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


def scrub_text(text: str, secrets: Collection[str]) -> str:
    """`text` with every occurrence of each of `secrets` replaced by `MASK` (longest
    first, so a key is not half-masked by a secret that is a piece of it).

    >>> scrub_text("Invalid key sk-123456 for sk-123456789", ["sk-123456", "sk-123456789"])
    'Invalid key *** for ***'
    """
    for secret in sorted(secrets, key=len, reverse=True):
        if secret and secret in text:
            text = text.replace(secret, MASK)
    return text
