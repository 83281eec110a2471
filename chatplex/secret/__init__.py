"""`Secret`: a credential that never shows itself (repr, str); and the one rule for what
counts as a credential where one can hide in plain text: a header, URL query parameter
or setting whose name contains key, token, secret, auth, signature, password or
credential (`is_credential_name`), or whose value carries the model's own key
(`is_credential_value`), and the known gateway headers (`SECRET_HEADERS`).

The bottom layer: adapters hold their API keys in `Secret`, configuration profiles keep
keys read from files and the environment in it until a model is built, and every layer
that shows headers (reprs, logs, errors) masks them with the helpers below. Where a
credential hides in a URL (user info, a query value) is `urls.py`'s; a call's keyword
arguments held as they arrive and its settings masked as shown are `arguments.py`'s.
"""

from __future__ import annotations

import functools
from collections.abc import Collection
from collections.abc import Iterable
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any

if TYPE_CHECKING:
    import re

__all__ = [
    "MASK",
    "CREDENTIAL_WORDS",
    "SECRET_HEADERS",
    "MaskedHeaders",
    "Secret",
    "held_keys",
    "hold_headers",
    "is_credential_name",
    "is_credential_value",
    "is_secret_header",
    "is_secret_name",
    "masked_headers",
    "merged_headers",
    "mask_headers",
    "scrub_text",
    "secret_values",
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
#: `prompt_cache_key` (a routing hint) and Fireworks' `prompt_cache_isolation_key`.
_NOT_CREDENTIAL = (
    r"tokens|token_ids|token_count|tokenizer|tiktoken|keyword|key_name|key_map"
    r"|secret_headers|credentials_profile_name|prompt_cache_(isolation_)?key"
    # (opaque tokens a reply shows, sent back: Anthropic's, Gemini's)
    r"|fallback_credit_token|continuation_?token"
)
#: A setting naming a URL (`authorization_url`, `tokenizer_url`): what it may hold is
#: masked by the URL rule (`redact_url`), not as a whole.
_URL_NAME = r"[-_](url|uri)$"
#: A key shorter than this counts only as a whole value, not inside one: a 1-letter
#: test key would mask every value holding that letter and protect nothing.
_MIN_KEY = 6
#: Values that are a credential whatever their header's name: an authorization scheme's.
_CREDENTIAL_VALUE = r"^\s*(bearer|basic|digest|token)\s+\S"


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
