"""What the http layer hands out or writes down shows no credential.

- Errors keep `safe_response(response)`: a copy whose request and response headers have
  credential values replaced (not just hidden in a repr: the copy holds no key at all)
  and whose URL has credential-looking query values masked. The live request, with the
  real headers, is not reachable from an error.
- The httpx exception an error is chained to is `scrub`bed: its traceback (frames below
  hold the live request and, deeper, the raw header bytes), its own cause and context
  (aiohttp's exceptions carry the request headers in `request_info`) are dropped and its
  request replaced by the safe copy. Its message, the useful part, stays.
- httpx logs every request's full URL at INFO; a filter on the "httpx" logger masks
  credential-looking query values (`api-key=`, `key=`, `sig=`, `access_token=`...), and
  on httpcore's loggers the values of credential-named headers in its DEBUG traces.
- A credential in the URL's query (`?code=`, `?key=`, `?sig=`...) is taken out of the base
  URL when the adapter is built (`chatplex.secret.urls.take_url_credentials`) and put back only
  into the httpx request, as a `MaskedURL`: its str and repr (so the request's repr, and
  httpx's own log line) show it masked, while httpx's transports read the raw parts. No
  local of chatplex's or httpx's frames shows the URL in clear; aiohttp's frames (which
  do) are cut from an exception that passes them (a cancellation).
- Provider error text is `scrub_secrets`ed: the exact credential values the request
  carried (its credential headers, the token inside `Bearer ...` / `Basic ...`, the
  URL's credential query values) are replaced by `***` in the error's message, args,
  body, error type and code, and in the body of its response copy -- before the error
  reaches a log, an event, a retry callback or a saved row.

Which headers are credentials: `chatplex.secret.is_secret_header`, plus the names an
adapter marks (`secret_headers=`), carried on the request under `SECRET_HEADERS_KEY`,
and any header carrying one of the keys its headers were marked with
(`MaskedHeaders.secret_values`: a call's `extra_headers` given the model's key), carried
under `SECRET_KEYS_KEY`.
"""

from __future__ import annotations

import base64
import binascii
import functools
import logging
import re
from collections.abc import AsyncIterator
from collections.abc import Iterator
from typing import Any

import httpx

from ..secret import MASK
from ..secret import Secret
from ..secret import is_credential_value
from ..secret import is_secret_header
from ..secret import mask_headers
from ..secret import scrub_text
from ..secret.urls import is_secret_query
from ..secret.urls import redact_url
from ..secret.urls import redact_urls_in

__all__ = [
    "SECRET_HEADERS_KEY",
    "SECRET_KEYS_KEY",
    "MaskedURL",
    "clear_url",
    "install_log_redaction",
    "request_secrets",
    "safe_request",
    "safe_response",
    "scrub",
    "scrub_secrets",
    "secret_url",
    "without_query",
]

#: Request extension holding the extra secret header names (a frozenset of lower-case
#: names) of an adapter's `HTTPRequest.secret_headers`. Transports ignore unknown keys.
SECRET_HEADERS_KEY = "chatplex.secret_headers"
#: Request extension holding the keys (`Secret`s) a header value carrying one is masked
#: for: its `MaskedHeaders.secret_values`, read only when a copy is shown.
SECRET_KEYS_KEY = "chatplex.secret_keys"
_KEPT_RESPONSE_EXTENSIONS = ("http_version", "reason_phrase")


#: Credential values shorter than this are not scrubbed from error text: replacing a
#: 3-letter "key" everywhere would garble the message and protect nothing.
_MIN_SCRUBBED = 6
_AUTH_SCHEMES = ("bearer", "basic", "token", "key", "apikey")


class MaskedURL(httpx.URL):
    """An `httpx.URL` whose str and repr mask credential query values. The parts httpx's
    transports read to send it (`raw_path`, `query`, `params`...) are the real ones, and
    it equals the clear URL (so mocks matching on it still match). `clear_url(url)`
    gives the string to send where a client needs one (aiohttp)."""

    def __str__(self) -> str:
        return redact_url(httpx.URL.__str__(self))

    def __repr__(self) -> str:
        return f"URL({str(self)!r})"

    def __eq__(self, other: object) -> bool:
        if isinstance(other, httpx.URL):
            return httpx.URL.__str__(self) == httpx.URL.__str__(other)
        if isinstance(other, str):
            return httpx.URL.__str__(self) == httpx.URL.__str__(httpx.URL(other))
        return False

    def __hash__(self) -> int:
        return hash(httpx.URL.__str__(self))


def secret_url(secret: Secret) -> MaskedURL:
    """The httpx URL of an adapter's `HTTPRequest.secret_url`: built here, in a frame
    that returns at once, so the clear string is no local of a frame that waits."""
    return MaskedURL(secret.get())


def clear_url(url: httpx.URL) -> str:
    """The URL as a string to send (a `MaskedURL`'s str is masked)."""
    return httpx.URL.__str__(url)


def without_query(text: str, url: httpx.URL) -> str:
    """`text` with `url`'s query, wherever it appears, replaced by `...` (some APIs take
    the key there): what a transport's error text may show of the URL."""
    query = url.query
    if query:
        text = text.replace(query.decode("ascii", "replace"), "...")
    return text


def request_secrets(request: httpx.Request) -> list[str]:
    """The credential values `request` carries, to scrub from what a server says back:
    credential header values, the token of `Bearer <token>` (and the user and password of
    `Basic`), and the values of credential-like query parameters."""
    extra = request.extensions.get(SECRET_HEADERS_KEY, ())
    keys = request.extensions.get(SECRET_KEYS_KEY, ())
    found: set[str] = set()
    for name, value in request.headers.multi_items():
        if not is_secret_header(name, extra) and not (keys and is_credential_value(value, keys)):
            continue
        found.add(value)
        scheme, _, token = value.strip().partition(" ")
        token = token.strip()
        if token and scheme.lower() in _AUTH_SCHEMES:
            found.add(token)
            if scheme.lower() == "basic":
                found.update(_basic_parts(token))
    try:
        params = request.url.params.multi_items()
    except Exception:  # noqa: BLE001 - an odd query: nothing to take from it
        params = []
    found.update(value for name, value in params if is_secret_query(name))
    return [value for value in found if len(value) >= _MIN_SCRUBBED]


def _basic_parts(token: str) -> list[str]:
    try:
        decoded = base64.b64decode(token, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError, ValueError):
        return []
    user, _, password = decoded.partition(":")
    return [decoded, user, password]


def _scrubbed(value: Any, secrets: list[str], depth: int = 0) -> Any:
    """`value` (text, bytes, or JSON-like containers of them) with `secrets` masked."""
    if isinstance(value, str):
        return scrub_text(value, secrets)
    if isinstance(value, bytes):
        if not any(s.encode() in value for s in secrets):
            return value
        return scrub_text(value.decode("utf-8", "replace"), secrets).encode()
    if depth > 32:  # deeper than any error body: leave it (and do not recurse forever)
        return value
    if isinstance(value, dict):
        return {
            _scrubbed(k, secrets, depth + 1): _scrubbed(v, secrets, depth + 1)
            for k, v in value.items()
        }
    if isinstance(value, list) or type(value) is tuple:
        return type(value)(_scrubbed(v, secrets, depth + 1) for v in value)
    return value


def scrub_secrets(err: BaseException, request: httpx.Request | None) -> BaseException:
    """Mask in `err` (in place; returned) every credential `request` carried that a
    server echoed back: in the args and the text, bytes and JSON-like attributes (message,
    body, error type, code...) of the error and of the exceptions it is chained to (a
    JSON error keeps the whole document in `doc`), and in its response copy's body."""
    if request is None:
        return err
    secrets = request_secrets(request)
    if not secrets:
        return err
    exc: BaseException | None = err
    for _ in range(8):  # the chain chatplex builds is 2-3 long; never loop on a cycle
        if exc is None:
            break
        exc.args = tuple(_scrubbed(arg, secrets) for arg in exc.args)
        state = getattr(exc, "__dict__", {})
        for name, value in state.items():
            if isinstance(value, (str, bytes, dict, list)) or type(value) is tuple:
                state[name] = _scrubbed(value, secrets)
        response = state.get("response")
        if isinstance(response, httpx.Response) and getattr(response, "_content", None):
            response._content = _scrubbed(response._content, secrets)
        exc = exc.__cause__ or exc.__context__
    return err


class _NoBody(httpx.SyncByteStream, httpx.AsyncByteStream):
    """The body of a copy made before the body was read: empty, holding no connection."""

    def __iter__(self) -> Iterator[bytes]:
        return iter(())

    async def __aiter__(self) -> AsyncIterator[bytes]:
        return
        yield  # an async generator that yields nothing


def safe_request(request: httpx.Request) -> httpx.Request:
    """A copy of `request` for display: credential headers and URL query values masked,
    and a credential repeated anywhere else (a `default_headers` value, the body) too;
    method, body and timeouts kept."""
    extra = request.extensions.get(SECRET_HEADERS_KEY, ())
    try:
        content = request.content
    except httpx.RequestNotRead:  # a streaming body (chatplex never sends one)
        content = b""
    headers = mask_headers(request.headers.multi_items(), extra)
    secrets = request_secrets(request)
    if secrets:
        headers = [(name, scrub_text(value, secrets)) for name, value in headers]
        content = _scrubbed(content, secrets)
    extensions = {}
    if "timeout" in request.extensions:
        extensions["timeout"] = request.extensions["timeout"]
    return httpx.Request(
        request.method,
        redact_url(str(request.url)),
        headers=httpx.Headers(headers, encoding=request.headers.encoding),
        content=content,
        extensions=extensions,
    )


def safe_response(response: httpx.Response) -> httpx.Response:
    """A copy of `response` that can be kept on an error: status, masked headers, the
    body if it was read, and `safe_request` of its request. Holds no connection."""
    try:
        request: httpx.Request | None = response.request
    except RuntimeError:  # a response built by hand, without a request
        request = None
    extra = request.extensions.get(SECRET_HEADERS_KEY, ()) if request is not None else ()
    secrets = request_secrets(request) if request is not None else []
    headers = mask_headers(response.headers.multi_items(), extra)
    if secrets:  # a server that echoed a credential back in a header does not get it kept
        headers = [(name, scrub_text(value, secrets)) for name, value in headers]
    copy = httpx.Response(
        response.status_code,
        # In the encoding the values were decoded with: a server's UTF-8 header value
        # (httpx's own guess) would not encode back as ASCII, httpx's default.
        headers=httpx.Headers(headers, encoding=response.headers.encoding),
        stream=_NoBody(),
        request=safe_request(request) if request is not None else None,
        extensions={
            k: response.extensions[k] for k in _KEPT_RESPONSE_EXTENSIONS if k in response.extensions
        },
    )
    try:
        content = response.content
    except httpx.ResponseNotRead:
        return copy
    # The body is already decoded: set it as read rather than let the copy decode it a
    # second time per its content-encoding header (httpx keeps a read body in `_content`).
    # A server that echoed a credential back does not get it kept here.
    copy._content = _scrubbed(content, secrets) if secrets else content
    return copy


def scrub(exc: BaseException) -> BaseException:
    """Make an httpx exception safe to chain to a chatplex error (in place; returned)."""
    exc.__traceback__ = None
    exc.__cause__ = None
    exc.__context__ = None
    exc.__suppress_context__ = True
    if isinstance(exc, httpx.RequestError):
        try:
            request = exc.request
        except RuntimeError:  # raised without a request
            pass
        else:
            exc.request = safe_request(request)
    if exc.args and isinstance(exc.args[0], str):
        exc.args = (redact_urls_in(exc.args[0]), *exc.args[1:])
    return exc


@functools.cache
def _header_pair() -> re.Pattern[str]:
    """httpcore's DEBUG trace of response headers: `(b'name', b'value')` pairs (compiled
    on first use, not at import)."""
    return re.compile(r"\(b'([^'\\]+)', b'((?:[^'\\]|\\.)*)'\)")


class _RedactURLs(logging.Filter):
    """Masks credential-looking query values in the records of the logger it is on, and
    in httpcore's trace of response headers the values of credential-named headers (a
    server that echoes `x-api-key` back) and of an authorization scheme's (`Bearer ...`
    echoed under any name)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad record is the logging module's to report
            return True
        redacted = redact_urls_in(message)
        if "b'" in redacted:
            redacted = _header_pair().sub(_mask_header_pair, redacted)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


def _mask_header_pair(match: re.Match[str]) -> str:
    # By its name, or its value: a server echoing `Authorization` under a name of its own
    name, value = match.groups()
    secret = is_secret_header(name) or is_credential_value(value)
    return f"(b'{name}', b'{MASK}')" if secret else match.group(0)


_filter = _RedactURLs("chatplex")
#: httpx's request line (INFO), and httpcore's traces (DEBUG), which show response
#: headers. A logger's filter sees only its own records: httpcore's modules by name.
_LOGGERS = ("httpx", "httpcore.http11", "httpcore.http2", "httpcore.connection", "httpcore.proxy")


def install_log_redaction(logger_names: tuple[str, ...] = _LOGGERS) -> None:
    """Put the masking filter on these loggers (idempotent). httpx logs each request's
    method and full URL at INFO ("HTTP Request: POST https://...?api-key=..."); a logger's
    filters see its own records whatever handlers the application configured."""
    for name in logger_names:
        logger = logging.getLogger(name)
        if _filter not in logger.filters:
            logger.addFilter(_filter)
