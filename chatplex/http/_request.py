"""What one attempt needs around the wire: body bytes, headers, timeouts and the deadline.

Deadlines are `time.monotonic()` values. A request sent with a deadline has each of its
httpx timeouts clamped to the time left, and async waits are additionally bounded by an
asyncio timeout, so the call ends with `DeadlineExceededError` close to the deadline.
"""

from __future__ import annotations

import asyncio
import functools
import json
import logging
import math
import time
import weakref
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Mapping
from typing import TYPE_CHECKING
from typing import Any
from typing import TypeVar

from ..adapters.header_values import check_raw_headers
from ..errors import DeadlineExceededError
from ..secret import MaskedHeaders
from ..version import USER_AGENT
from ._redaction import SECRET_HEADERS_KEY
from ._redaction import SECRET_KEYS_KEY
from ._redaction import install_log_redaction
from ._redaction import secret_url

if TYPE_CHECKING:
    import httpx
    from httpx._client import UseClientDefault

    from ..adapters.request_types import HTTPRequest

__all__ = [
    "build_request",
    "deadline_passed",
    "encode_json",
    "log_response",
    "reclamp",
    "remaining",
    "request_timeout",
    "wait_limit",
    "within",
]

T = TypeVar("T")

_log = logging.getLogger("chatplex.http")
# httpx logs full URLs at INFO: mask credential-looking query values (api-key=...) there.
install_log_redaction()

# One encoder, built once: json.dumps() with non-default options builds a new one per call.
# allow_nan=False: NaN/Infinity are not JSON and every provider rejects them; fail before
# any I/O with a ValueError instead of a 400.
_ENCODER = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"), allow_nan=False)

#: A timeout firing this close to the deadline is the deadline's doing (timers may wake a
#: hair early; a genuine timeout this near the deadline would miss it anyway).
_DEADLINE_SLACK = 0.005


def encode_json(payload: Mapping[str, Any]) -> bytes:
    """Compact UTF-8 JSON, serialised once per request.

    >>> encode_json({"text": "héllo", "n": [1, 2]})
    b'{"text":"h\\xc3\\xa9llo","n":[1,2]}'
    """
    obj = payload if isinstance(payload, dict) else dict(payload)
    text = _ENCODER.encode(obj)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        # Adapters check message text (naming the message); this names anything else
        # (tool schemas, provider extras) by its place in the body, not its JSON offset.
        raise ValueError(_unencodable(obj, "body") or "request body is not valid UTF-8") from None


def _unencodable(value: Any, path: str) -> str | None:
    """Where in the body a str holds a character UTF-8 cannot encode (a lone surrogate)."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as exc:
            return (
                f"request {path} has a character that cannot be sent as UTF-8 at position "
                f"{exc.start} ({value[exc.start]!r}, a lone surrogate); fix or drop it"
            )
        return None
    if isinstance(value, Mapping):
        for key, item in value.items():
            found = _unencodable(key, f"{path} key {key!r}") or _unencodable(
                item, f"{path}[{key!r}]"
            )
            if found:
                return found
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            found = _unencodable(item, f"{path}[{i}]")
            if found:
                return found
    return None


def build_request(
    client: httpx.Client | httpx.AsyncClient,
    request: HTTPRequest,
    *,
    timeout: httpx.Timeout | float | None,
    idle_timeout: float | None = None,
    deadline: float | None = None,
) -> httpx.Request:
    """The httpx request for an adapter's `HTTPRequest` (raises DeadlineExceededError if
    the deadline already passed, InvalidHeaderError for a header no request may carry:
    nothing is sent then)."""
    secret_names = request.secret_headers
    url = _url(request.url)
    content = request.content if request.content is not None else encode_json(request.json)
    per_request = request_timeout(client, timeout, idle_timeout=idle_timeout, deadline=deadline)
    # Extra credential header names, and the keys a header value may carry (a call's
    # `extra_headers`), for whatever shows this request later (errors).
    keys = request.headers.secret_values if isinstance(request.headers, MaskedHeaders) else None
    extensions: dict[str, Any] | None = None
    if secret_names or keys:
        extensions = {SECRET_HEADERS_KEY: secret_names or frozenset()}
        if keys:
            extensions[SECRET_KEYS_KEY] = keys
    # Keyed by the adapter's own headers: what _with_defaults adds to them depends only
    # on them and on the client's headers, which the key holds too.
    key = _template_key(client, request.url, url, request.headers)
    built = _built_again(client, key, request.method, url, content, per_request, extensions)
    if built is None:
        headers = _with_defaults(client, request.headers)
        built = client.build_request(
            request.method,
            url,
            content=content,
            headers=headers,
            timeout=per_request,
            extensions=extensions,
        )
        # Every path builds here, and a template is kept only of headers checked here.
        check_raw_headers(built.headers.raw)
        _remember_headers(client, key, built, headers)
    if request.secret_url is not None:  # a credential in the query: a URL that masks it
        built.url = secret_url(request.secret_url)
    return built


def _with_defaults(
    client: httpx.Client | httpx.AsyncClient, given: Mapping[str, str]
) -> dict[str, str]:
    """The adapter's headers plus the two chatplex adds when they are missing."""
    headers = dict(given)
    names = {name.lower() for name in headers}
    # We send bytes, so httpx will not add a content type the way json= would.
    if "content-type" not in names:
        headers["content-type"] = "application/json"
    # Say who is calling (servers and gateways log it), unless the adapter's
    # default_headers, the call's extra_headers or your own client already say it.
    if "user-agent" not in names and _default_agent(client):
        headers["user-agent"] = USER_AGENT
    return headers


# --- the same request, built again cheaply ---------------------------------------------
# `AsyncClient.build_request` costs ~20 us a request (merging the client's headers into
# ours, then `Request` parsing and re-copying them twice); an adapter sends the same
# headers to the same URL call after call. So the first request of each (client, URL,
# headers) is built by httpx, and its final headers -- Host first, the client's and ours
# merged, Content-Length last -- are kept as a template: later requests copy them and set
# their own Content-Length (~3 us). Same method, URL, headers (names, case, order),
# body and extensions as httpx's; tests/http/test_request.py compares them.
# Only plain httpx clients with no cookies, no default query params and a URL parsed
# once (no query: `_url`) take it; anything else is built by httpx every time.
# A template is kept the second time its key is seen: headers that change per call (a
# signature, an invocation id) would otherwise fill the table with templates never used
# again, and start it over under the templates other models reuse.
#: client -> {(url, our headers, the client's headers): template}; a few per client.
_templates: weakref.WeakKeyDictionary[Any, dict[tuple[Any, ...], httpx.Headers]] = (
    weakref.WeakKeyDictionary()
)
#: client -> the keys seen once, not yet kept as templates.
_seen_once: weakref.WeakKeyDictionary[Any, set[tuple[Any, ...]]] = weakref.WeakKeyDictionary()
_TEMPLATES_PER_CLIENT = 32


def _template_key(
    client: httpx.Client | httpx.AsyncClient,
    given: Any,
    url: Any,
    headers: Mapping[str, str],
) -> tuple[Any, ...] | None:
    """The template's key, or None when the request must be built by httpx. `given` is
    the adapter's URL: its string (hashed once, cached by str) stands for `url`, the
    `httpx.URL` parsed from it, whose hash and == rebuild and re-parse the string."""
    import httpx

    if type(client) not in (httpx.AsyncClient, httpx.Client) or "build_request" in vars(client):
        return None  # a subclass or a patched client builds its own way
    if not isinstance(url, httpx.URL) or client.params or client.cookies:
        return None  # query params or a Cookie header would be merged per request
    if not all(type(v) is str for v in headers.values()):
        return None
    return (
        given if type(given) is str else url,
        tuple(headers.items()),
        tuple(client.headers._list),
    )


def _built_again(
    client: httpx.Client | httpx.AsyncClient,
    key: tuple[Any, ...] | None,
    method: str,
    url: Any,
    content: bytes,
    timeout: httpx.Timeout | UseClientDefault,
    extensions: dict[str, Any] | None,
) -> httpx.Request | None:
    """The request `client.build_request` would build, from a template; None: no template.

    Set field by field, not through `httpx.Request.__init__` (~5 us of copies and
    re-parsing): the same method, URL (immutable: shared), headers (the template's plus
    Content-Length, with its already-known header encoding), extensions and body -- read,
    as `Request(content=...)` leaves it -- as httpx's own."""
    if key is None:
        return None
    templates = _templates.get(client)
    template = templates.get(key) if templates is not None else None
    if template is None:
        return None
    import httpx

    # As build_request: the timeout joins the extensions after any given ones.
    chosen = client.timeout if timeout is httpx.USE_CLIENT_DEFAULT else timeout
    assert isinstance(chosen, httpx.Timeout)  # request_timeout returns one of the two
    headers = httpx.Headers.__new__(httpx.Headers)
    length = str(len(content)).encode("ascii")
    headers._list = [*template._list, (b"Content-Length", b"content-length", length)]
    headers._encoding = template._encoding  # set by _remember_headers: ascii is the norm
    built = httpx.Request.__new__(httpx.Request)
    built.method = method.upper()
    built.url = url
    built.headers = headers
    built.extensions = (
        {**extensions, "timeout": chosen.as_dict()} if extensions else {"timeout": chosen.as_dict()}
    )
    built.stream = httpx.ByteStream(content)
    built._content = content  # what `Request.read()` sets
    return built


def _remember_headers(
    client: httpx.Client | httpx.AsyncClient,
    key: tuple[Any, ...] | None,
    built: httpx.Request,
    headers: dict[str, str],
) -> None:
    """Keep `built`'s headers as the template of its (client, URL, headers), if they are
    what a template rebuilds (httpx added Content-Length last: it was not ours) and the
    key was seen before."""
    if key is None:
        return
    seen = _seen_once.setdefault(client, set())
    if key not in seen:
        if len(seen) >= _TEMPLATES_PER_CLIENT:
            seen.clear()
        seen.add(key)
        return
    seen.discard(key)
    raw = built.headers.raw
    if (
        not raw
        or raw[-1][0] != b"Content-Length"
        or any(k.lower() == "content-length" for k in headers)
    ):
        return
    import httpx

    templates = _templates.setdefault(client, {})
    if len(templates) >= _TEMPLATES_PER_CLIENT:
        templates.clear()  # rotating keys or URLs: start over rather than grow
    template = httpx.Headers(raw[:-1])
    # Found once here rather than by every request's first header read (a decode pass
    # over all headers); Content-Length's digits fit any of httpx's encodings.
    template.encoding  # noqa: B018 - the property caches what it finds
    templates[key] = template


def _default_agent(client: httpx.Client | httpx.AsyncClient) -> bool:
    """Whether the client sends httpx's own User-Agent (not one its owner chose)."""
    # The client's own header list, read directly: httpx's get() encodes the name and
    # decodes every value; the first User-Agent decides, as in get()'s joined value.
    for _, name, value in client.headers._list:
        if name == b"user-agent":
            return value.startswith(b"python-httpx/")
    return True


def _url(url: str | httpx.URL) -> str | httpx.URL:
    """httpx re-parses a URL string on every request (~10 us of ~350); an adapter sends to
    one or two fixed URLs and `httpx.URL` is immutable, so each is parsed once. URLs with
    a query are left alone: some providers put the API key there, and no cache holds one."""
    if isinstance(url, str) and "?" not in url:
        return _parsed_url(url)
    return url


@functools.lru_cache(maxsize=64)
def _parsed_url(url: str) -> httpx.URL:
    import httpx

    return httpx.URL(url)


def request_timeout(
    client: httpx.Client | httpx.AsyncClient,
    timeout: httpx.Timeout | float | None,
    *,
    idle_timeout: float | None = None,
    deadline: float | None = None,
) -> httpx.Timeout | UseClientDefault:
    """The timeouts of one request.

    `timeout=None` means the client's own timeouts. `idle_timeout` replaces the read
    timeout: httpx applies it to every socket read, which is exactly "no bytes for that
    long". A deadline clamps all four to the time left.
    """
    import httpx

    if timeout is None and idle_timeout is None and deadline is None:
        return httpx.USE_CLIENT_DEFAULT  # the common case allocates nothing
    if timeout is None:
        base = client.timeout
    elif isinstance(timeout, httpx.Timeout):
        base = timeout
    else:
        base = httpx.Timeout(timeout)
    connect, read, write, pool = base.connect, base.read, base.write, base.pool
    if idle_timeout is not None:
        read = idle_timeout
    if deadline is not None:
        left = remaining(deadline)
        connect, read, write, pool = (
            left if value is None else min(value, left) for value in (connect, read, write, pool)
        )
    return httpx.Timeout(connect=connect, read=read, write=write, pool=pool)


def wait_limit(
    http: httpx.Client | httpx.AsyncClient,
    timeout: httpx.Timeout | float | None,
    idle_timeout: float | None,
) -> float:
    """How long one wait for the server may last: the idle timeout if given (streams),
    else the read timeout -- `timeout`'s, or the client's -- as a bound on the whole body."""
    import httpx

    if idle_timeout is not None:
        return float(idle_timeout)
    if timeout is None:
        read = http.timeout.read
    elif isinstance(timeout, httpx.Timeout):
        read = timeout.read
    else:
        read = timeout
    return math.inf if read is None else float(read)


def reclamp(
    http: httpx.Client | httpx.AsyncClient,
    req: httpx.Request,
    timeout: httpx.Timeout | float | None,
    deadline: float,
    idle_timeout: float | None = None,
) -> None:
    """Before a retry: the same request (same bytes), its timeouts clamped to the time
    now left before the deadline (DeadlineExceededError if none is)."""
    import httpx

    clamped = request_timeout(http, timeout, idle_timeout=idle_timeout, deadline=deadline)
    if isinstance(clamped, httpx.Timeout):
        req.extensions["timeout"] = clamped.as_dict()


def remaining(deadline: float) -> float:
    """Seconds left before `deadline`; DeadlineExceededError if none are."""
    left = deadline - time.monotonic()
    if left <= 0:
        raise DeadlineExceededError("the call's deadline passed before the request was sent")
    return left


def deadline_passed(deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() >= deadline - _DEADLINE_SLACK


async def within(start: Callable[[], Awaitable[T]], deadline: float) -> T:
    """Await `start()`, cancelling it and raising DeadlineExceededError at the deadline.

    Takes a callable so that nothing is started (no coroutine left un-awaited) when the
    deadline has already passed.
    """
    left = remaining(deadline)
    scope = asyncio.timeout(left)
    try:
        async with scope:
            return await start()
    except TimeoutError:
        # (a partner's timeout class may be a TimeoutError: only our scope's expiry counts)
        if scope.expired():
            raise DeadlineExceededError("the call's deadline passed") from None
        raise


def log_response(response: httpx.Response, size: int | None) -> None:
    """One DEBUG line per response: method, host, path, status, body size (None for a
    stream). Never headers (keys) and never the query (some providers take the key
    there). Free when DEBUG is off."""
    if _log.isEnabledFor(logging.DEBUG):
        url = response.request.url
        what = "(stream)" if size is None else f"({size} bytes)"
        _log.debug(
            "%s %s%s -> %d %s",
            response.request.method,
            url.host,
            url.path,
            response.status_code,
            what,
        )
