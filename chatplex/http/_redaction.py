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
  credential-looking query values (`api-key=`, `key=`, `sig=`, `access_token=`...).

Which headers are credentials: `chatplex.secret.is_secret_header`, plus the names an
adapter marks (`secret_headers=`), carried on the request under `SECRET_HEADERS_KEY`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator

import httpx

from ..secret import mask_headers, redact_url, redact_urls_in

__all__ = [
    "SECRET_HEADERS_KEY",
    "install_log_redaction",
    "safe_request",
    "safe_response",
    "scrub",
]

#: Request extension holding the extra secret header names (a frozenset of lower-case
#: names) of an adapter's `HTTPRequest.secret_headers`. Transports ignore unknown keys.
SECRET_HEADERS_KEY = "chatplex.secret_headers"
_KEPT_RESPONSE_EXTENSIONS = ("http_version", "reason_phrase")


class _NoBody(httpx.SyncByteStream, httpx.AsyncByteStream):
    """The body of a copy made before the body was read: empty, holding no connection."""

    def __iter__(self) -> Iterator[bytes]:
        return iter(())

    async def __aiter__(self) -> AsyncIterator[bytes]:
        return
        yield  # an async generator that yields nothing


def safe_request(request: httpx.Request) -> httpx.Request:
    """A copy of `request` for display: credential headers and URL query values masked;
    method, body and timeouts kept."""
    extra = request.extensions.get(SECRET_HEADERS_KEY, ())
    try:
        content = request.content
    except httpx.RequestNotRead:  # a streaming body (chatplex never sends one)
        content = b""
    extensions = {}
    if "timeout" in request.extensions:
        extensions["timeout"] = request.extensions["timeout"]
    return httpx.Request(
        request.method,
        redact_url(str(request.url)),
        headers=mask_headers(request.headers.multi_items(), extra),
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
    copy = httpx.Response(
        response.status_code,
        headers=mask_headers(response.headers.multi_items(), extra),
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
    copy._content = content
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


class _RedactURLs(logging.Filter):
    """Masks credential-looking query values in the records of the logger it is on."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a bad record is the logging module's to report
            return True
        redacted = redact_urls_in(message)
        if redacted != message:
            record.msg, record.args = redacted, None
        return True


_filter = _RedactURLs("chatplex")


def install_log_redaction(logger_names: tuple[str, ...] = ("httpx",)) -> None:
    """Put the URL-masking filter on these loggers (idempotent). httpx logs each request's
    method and full URL at INFO ("HTTP Request: POST https://...?api-key=..."); a logger's
    filters see its own records whatever handlers the application configured."""
    for name in logger_names:
        logger = logging.getLogger(name)
        if _filter not in logger.filters:
            logger.addFilter(_filter)
