"""Turning what went wrong on the wire into chatplex's typed errors.

Messages name the host only: never headers (they carry API keys) and never the full URL
(some providers take the key as a query parameter). What the server said (its message,
body, error type) is kept, with every credential of the request it echoed back masked
(`_redaction.scrub_secrets`), before the error goes anywhere. An error keeps a safe copy of the
response (`_redaction.safe_response`: credential headers masked, no connection), never
the live one, and the httpx exception it is chained to is scrubbed of the request's
headers, its own traceback and its foreign causes (`_redaction.scrub`).
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from collections.abc import Mapping
from typing import TYPE_CHECKING

from ..adapters.reading import worth_retrying
from ..errors import APIConnectionError
from ..errors import APIError
from ..errors import APITimeoutError
from ..errors import ChatplexError
from ..errors import DeadlineExceededError
from ..errors import StreamError
from ..errors import StreamIdleTimeoutError
from ..errors import UnexpectedContentTypeError
from ..errors import status_error
from ..messages import AIMessageChunk
from ..messages import merge_cut_short
from ..secret.urls import redact_urls_in
from ..specs import ProviderSpec
from ..specs import spec
from ._redaction import safe_response
from ._redaction import scrub
from ._redaction import scrub_secrets
from ._request import deadline_passed

if TYPE_CHECKING:
    import httpx

    from ..adapters.base import Adapter

__all__ = [
    "annotate",
    "malformed_body",
    "request_failure",
    "request_id_from",
    "retry_after_from",
    "status_failure",
    "stream_failure",
    "unexpected_content_type",
]

_TIMEOUT_KIND = {
    "ConnectTimeout": "connect",
    "ReadTimeout": "read",
    "WriteTimeout": "write",
    "PoolTimeout": "pool (waiting for a free connection)",
}


#: What an adapter no spec declares reads: the generic headers alone.
_UNDECLARED = ProviderSpec("", "")


def _declared(adapter: Adapter) -> ProviderSpec:
    """The spec of the provider name `adapter` answers for (a preset's or Azure's own,
    not its wire's): the reply headers it declares."""
    return spec(adapter.registry_name or adapter.preset or adapter.provider) or _UNDECLARED


def request_id_from(headers: Mapping[str, str], adapter: Adapter) -> str | None:
    """The provider's request id: in the header `adapter`'s spec declares
    (`ProviderSpec.request_id_header`), else in the de facto `x-request-id` (a gateway's
    id in front of the provider still finds the request in its logs)."""
    declared = _declared(adapter).request_id_header
    return (headers.get(declared) if declared else None) or headers.get("x-request-id")


def retry_after_from(
    headers: Mapping[str, str], millis: str | None = None, *, now: float | None = None
) -> float | None:
    """Seconds the server asks us to wait: the header of milliseconds `millis` names,
    where the wire declares one (`ProviderSpec.retry_after_ms_header`), else the standard
    `retry-after` (seconds or an HTTP date). Not capped: that is the retry policy's call.

    >>> retry_after_from({"retry-after": "2.5"})
    2.5
    >>> retry_after_from({"retry-after-ms": "250", "retry-after": "1"}, "retry-after-ms")
    0.25
    """
    raw_ms = headers.get(millis) if millis else None
    if raw_ms is not None:
        try:
            return max(0.0, float(raw_ms) / 1000.0)
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if raw is None:
        return None
    try:
        return max(0.0, float(raw))
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime  # rare: only for HTTP-date values

    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))


def annotate(err: APIError, adapter: Adapter, response: httpx.Response) -> APIError:
    """Fill in what an adapter-built error may lack: provider, response (a safe copy),
    request id; and mask any credential of the request the server echoed back in it."""
    if err.provider is None:
        err.provider = adapter.provider
    if err.response is None:
        err.response = safe_response(response)
    if err.request_id is None:
        err.request_id = request_id_from(response.headers, adapter)
    scrub_secrets(err, _request_of(response))
    return err


def _request_of(response: httpx.Response) -> httpx.Request | None:
    try:
        return response.request
    except RuntimeError:  # a response built by hand, without a request
        return None


def status_failure(adapter: Adapter, response: httpx.Response, body: bytes) -> APIError:
    """The typed error for an error status: the adapter's `map_error`, annotated."""
    status = response.status_code
    headers = response.headers
    try:
        err = adapter.map_error(status, body, headers)
    except Exception as exc:
        # An adapter must cope with any body (proxies answer with HTML), but if it fails
        # the caller should still get the status-based error, not the adapter's bug.
        err = status_error(
            provider=adapter.provider,
            status=status,
            message=f"HTTP {status} from {response.request.url.host}",
            headers=headers,
        )
        err.__cause__ = exc
    annotate(err, adapter, response)
    if err.status is None:
        err.status = status
    if err.retry_after is None:
        err.retry_after = retry_after_from(headers, _declared(adapter).retry_after_ms_header)
    return err


def malformed_body(adapter: Adapter, response: httpx.Response, exc: Exception) -> APIError:
    """A success status whose body the adapter could not parse (truncated, HTML...).

    A plain `APIError` with the real status. Retryable only when the body is not whole
    JSON (a proxy or a cut-off body, which a second attempt usually gets past); a reply
    the server sent whole with a field of the wrong type would come back the same, and
    each attempt is billed: never retried (`adapters.reading.worth_retrying`).
    """
    err = APIError(
        f"malformed response body from {response.request.url.host}: {exc}",
        provider=adapter.provider,
        status=response.status_code,
        request_id=request_id_from(response.headers, adapter),
        response=safe_response(response),
        retryable=worth_retrying(exc, response.content),
    )
    scrub_secrets(err, response.request)  # the parser's message may quote the body
    return err


def request_failure(
    exc: httpx.RequestError,
    provider: str,
    host: str,
    *,
    deadline: float | None = None,
    idle_timeout: float | None = None,
) -> ChatplexError:
    """The typed error for an httpx failure before a response arrived. `host`: where the
    request went, as the message should name it (`destination(url)`: scheme, host, port
    and path, so a wrong port or path is visible).

    `exc` is scrubbed in place (see the module docstring): callers chain it (`from exc`).
    """
    import httpx

    scrub(exc)
    if isinstance(exc, httpx.TimeoutException):
        if deadline_passed(deadline):
            return DeadlineExceededError(f"the call's deadline passed waiting for {host}")
        kind = _TIMEOUT_KIND.get(type(exc).__name__, "request")
        if idle_timeout is not None and isinstance(exc, httpx.ReadTimeout):
            return StreamIdleTimeoutError(
                f"{host} sent nothing for {idle_timeout:g} s", provider=provider
            )
        return APITimeoutError(f"{kind} timeout talking to {host}", provider=provider)
    # A URL chatplex cannot send to, or a request httpx refuses to write, fails the same
    # way every time: not worth a retry.
    retryable = not isinstance(exc, (httpx.UnsupportedProtocol, httpx.LocalProtocolError))
    return APIConnectionError(
        f"connection to {host} failed: {_describe(exc)}", provider=provider, retryable=retryable
    )


def stream_failure(
    exc: httpx.RequestError,
    adapter: Adapter,
    response: httpx.Response,
    received: Iterable[AIMessageChunk],
    *,
    deadline: float | None = None,
) -> ChatplexError:
    """The typed error for an httpx failure while reading a stream's body (`exc` is
    scrubbed in place, as in `request_failure`)."""
    import httpx

    scrub(exc)
    host, provider = response.request.url.host, adapter.provider
    if isinstance(exc, httpx.TimeoutException):
        if deadline_passed(deadline):
            return DeadlineExceededError(f"the call's deadline passed streaming from {host}")
        read = response.request.extensions.get("timeout", {}).get("read")
        idle = f"{read:g} s" if isinstance(read, (int, float)) else "too long"
        err: APIError = StreamIdleTimeoutError(
            f"{host} sent nothing for {idle}", provider=provider, response=safe_response(response)
        )
    else:
        err = StreamError(
            f"stream from {host} broke off: {_describe(exc)}",
            partial=merge_cut_short(received),
            provider=provider,
            response=safe_response(response),
            retryable=True,
        )
    err.request_id = request_id_from(response.headers, adapter)
    scrub_secrets(err, response.request)
    return err


#: Bodies any stream request may get with a success status: server-sent events, or a
#: JSON reply (a server that ignored `stream`, or an error payload; read whole by the
#: stream path). A wire's own framing adds what it reads (`FrameDecoder.media_types`).
_STREAMABLE = ("text/event-stream", "application/json")


def unexpected_content_type(
    adapter: Adapter, response: httpx.Response, framed: tuple[str, ...] = ()
) -> APIError | None:
    """The error for a success reply to a stream request whose body is neither events
    nor JSON (an HTML page from a proxy or a misconfigured base URL, plain text...), or
    None when the body can be read. `framed`: the content types the stream's framing
    reads besides (`FrameDecoder.media_types`: NDJSON lines, AWS event-stream messages).
    No content type at all is given the benefit of the doubt (some servers omit it on
    event streams).

    Pure: the stream path calls it once the status is known to be a success, before
    decoding, and raises what it returns.
    """
    raw = response.headers.get("content-type", "")
    media = raw.split(";", 1)[0].strip().lower()
    if not media or media in _STREAMABLE or media in framed or media.endswith("+json"):
        return None
    host = response.request.url.host
    return UnexpectedContentTypeError(
        f"expected a stream (text/event-stream or another event framing) from {host}, but the "
        f"reply is {media!r}: a proxy's or login page, or a base_url that points at a web "
        "page rather than the API",
        content_type=raw,
        provider=adapter.provider,
        status=response.status_code,
        request_id=request_id_from(response.headers, adapter),
        response=safe_response(response),
        retryable=False,
    )


def destination(url: httpx.URL) -> str:
    """`url` as an error names it: scheme, host, port (always) and path, never the query
    or user info (credentials travel there)."""
    port = url.port or (443 if url.scheme == "https" else 80)
    return f"{url.scheme}://{url.host}:{port}{url.path}"


def _describe(exc: Exception) -> str:
    text = redact_urls_in(str(exc))
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__
