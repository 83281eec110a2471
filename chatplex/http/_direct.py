"""The direct path: a request of chatplex's own shared async client handed straight to aiohttp.

Why. `httpx.AsyncClient.send` wraps every request in machinery a shared chatplex client
never uses -- the auth flow (a generator per request), the redirect loop, a
`BoundAsyncStream` around the body, httpx's `Response` with its decoder stack per read --
and that cost as much CPU per request as aiohttp's whole request (bench/README.md). When
chatplex owns the client, the attempt driver (`_drivers.adrive`) sends through the
transport's aiohttp session itself (`send_direct`) and reads the body off aiohttp's
stream, one async generator deep. A non-stream request, read whole, goes on the
transport's lean connections instead (`_lean`: chatplex's own keep-alive HTTP/1.1, no
aiohttp session), when the transport can send it there (`lean_ok`).

What stays the same, so nothing a user or a test sees changes: the request is the
`httpx.Request` the client built (same bytes, same headers, the same timeouts in its
extensions: pool and connect applied by the transport as before; the per-read one by the
driver's attempt watch, `_watch`, which already bounds every wait at `call.until()`, never
later than the read timeout, so aiohttp's per-read timer is not armed); the client's
event hooks run as `send` runs them (the chatplex pytest plugin's no-network guard and
cassette recorder, chatplex.ray's row tally), and may replace the response's stream; the
response is an `httpx.Response` (`DirectResponse`, a subclass: the engine, errors and
redaction read it as any other); cookies a server sets still reach the client's jar;
httpx's INFO log line is still written; aiohttp's errors are still raised as httpx's.

When the direct path is not taken (`direct_transport` says None), the request goes through
`AsyncClient.send` exactly as before: a client a user passed in, any mock of httpx's send
path (respx, pytest-httpx: `mock_is_active`, checked per request), an environment proxy
that routes the URL, or credentials in the URL or on the client (httpx's auth flow). A
`content-encoding`d reply stays on the direct path but is a plain `httpx.Response`, whose
reads go through httpx's decoders (gzip, br...), as on httpx's path.

The sync driver's shell (`send_lean_sync`) is the same plan for the shared sync client:
a non-stream request goes on its lean connections (`_lean_sync`) when `sync_lean_pool`
says it may, on the same conditions (the client's own default transport, no proxy
routing the URL, no auth, no mock of httpx's sync path), with the same hooks, cookies,
log line and `DirectResponse`.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from collections.abc import Iterator
from typing import TYPE_CHECKING
from typing import TypeVar

import httpx

from ._headers import headers_from_raw
from ._headers import response_headers
from ._mocking import http_is_mocked
from ._pool import sync_lean_pool as _shared_lean_pool
from ._transport import AioHTTPTransport
from ._transport import lean_extensions
from ._transport import mock_is_active
from ._transport import response_body
from ._transport import response_extensions

if TYPE_CHECKING:
    from ._lean_sync import SyncPool

_Stream = TypeVar("_Stream", httpx.AsyncByteStream, httpx.SyncByteStream)

__all__ = [
    "DirectResponse",
    "direct_transport",
    "send_direct",
    "send_lean_sync",
    "sync_lean_pool",
]

# httpx's own logger and line: users who turned it on keep seeing their requests.
_httpx_log = logging.getLogger("httpx")


def direct_transport(http: httpx.AsyncClient, request: httpx.Request) -> AioHTTPTransport | None:
    """The aiohttp transport `request` may be sent through directly, or None when only
    `http.send` does what the request needs (see the module docstring). A few attribute
    reads: it runs before every attempt, so a mock started mid-call is seen."""
    transport = http._transport
    if type(transport) is not AioHTTPTransport or http.is_closed:
        return None  # (a closed client: httpx's send raises its own error)
    if http._mounts and http._transport_for_url(request.url) is not transport:
        return None  # an environment proxy routes this URL (NO_PROXY hosts stay direct)
    if http._auth is not None or request.url.userinfo:
        return None  # httpx's auth flow adds the Authorization header
    if mock_is_active():
        return None  # the mock patches httpx's path: it must see the request
    return transport


def sync_lean_pool(http: httpx.Client, request: httpx.Request) -> SyncPool | None:
    """The lean connections (`_lean_sync`) the shared sync client `http` may send
    `request` on, or None when only `http.send` does what the request needs: the
    conditions of `direct_transport`, for httpx's sync path. Run before every attempt."""
    pool = _shared_lean_pool(http)
    if pool is None or http.is_closed:
        return None
    transport = http._transport
    if type(transport) is not httpx.HTTPTransport:
        return None  # a transport put there by hand (a mock's)
    if http._mounts and http._transport_for_url(request.url) is not transport:
        return None  # an environment proxy routes this URL
    if http._auth is not None or request.url.userinfo:
        return None  # httpx's auth flow adds the Authorization header
    if http_is_mocked(is_async=False):
        return None  # the mock patches httpx's path: it must see the request
    return pool if pool.usable(request) else None


def send_lean_sync(http: httpx.Client, pool: SyncPool, request: httpx.Request) -> httpx.Response:
    """`http.send(request, stream=True)` on the shared sync client's lean connections
    (`sync_lean_pool`): its hooks, cookies and log line as `send_direct`'s."""
    hooks = http._event_hooks
    for hook in hooks["request"]:
        hook(request)
    body = pool.send(request)  # the head is in
    head = body.head
    assert head is not None
    response: httpx.Response | None = None
    try:
        response = _response(
            http, request, head[0], headers_from_raw(head[3]), body, lean_extensions(head)
        )
        for hook in hooks["response"]:
            hook(response)
    except BaseException:
        (body if response is None else response).close()
        raise
    return response


async def send_direct(
    http: httpx.AsyncClient,
    transport: AioHTTPTransport,
    request: httpx.Request,
    *,
    whole: bool = False,
) -> httpx.Response:
    """`http.send(request, stream=True)` without httpx's per-request machinery. For
    the async driver only: its attempt watch bounds the reads (see the module doc).
    `whole`: the reply will be read whole (a non-stream call): sent on a lean connection
    (`_lean`) when the transport can (`lean_ok`), else through aiohttp."""
    hooks = http._event_hooks
    for hook in hooks["request"]:
        await hook(request)  # e.g. the no-network guard: may refuse before any I/O
    # (The request's bytes are made where they are written, in no frame that waits:
    # a cancellation's traceback shows the locals of the frames it passes.)
    lean = whole and transport.lean_ok(request)
    body: httpx.AsyncByteStream
    if lean:
        reply = await transport.open_lean(request)
        head = reply.head
        assert head is not None
        status, headers, extensions = head[0], headers_from_raw(head[3]), lean_extensions(head)
        body = reply
    else:
        # Every wait of the attempt is bounded by its watch (`_watch`, armed by the driver
        # at `call.until()`: the read timeout, or a stream's idle timeout, restarted by
        # content only): aiohttp's own per-read timer would only repeat it, at a cost on
        # every read.
        raw = await transport.open(request, reads_bounded=True)
        body = response_body(raw, transport, request)  # closing it frees the pool slot
        status, extensions = raw.status, response_extensions(raw)
    transport.direct_sends += 1
    response: httpx.Response | None = None
    try:
        if not lean:
            headers = response_headers(raw)
        response = _response(http, request, status, headers, body, extensions)
        for hook in hooks["response"]:
            await hook(response)  # the cassette recorder tees `response.stream`
    except BaseException:
        # As httpx's send: a failing hook closes the response (any tee a hook put in).
        await (body.aclose() if response is None else response.aclose())
        raise
    return response


def _response(
    http: httpx.Client | httpx.AsyncClient,
    request: httpx.Request,
    status: int,
    headers: httpx.Headers,
    body: httpx.AsyncByteStream | httpx.SyncByteStream,
    extensions: dict[str, bytes],
) -> httpx.Response:
    """The response to `request` as httpx's send makes it, its cookies taken into the
    client's jar and httpx's log line written."""
    response: httpx.Response
    if "content-encoding" in headers:
        # gzip, br...: httpx's decoders, as on httpx's path (rare for LLM APIs).
        response = httpx.Response(
            status, headers=headers, stream=body, request=request, extensions=extensions
        )
    else:
        response = DirectResponse(status, headers, body, request, extensions)
    http.cookies.extract_cookies(response)
    if _httpx_log.isEnabledFor(logging.INFO):
        _httpx_log.info(
            'HTTP Request: %s %s "%s %d %s"',
            request.method,
            request.url,
            response.http_version,
            response.status_code,
            response.reason_phrase,
        )
    return response


class DirectResponse(httpx.Response):
    """An `httpx.Response` read straight off aiohttp or a lean connection (`_lean`,
    `_lean_sync`): its bytes are the body as sent (no `content-encoding` here: such
    replies get a plain `httpx.Response`), one generator deep. Built without
    `httpx.Response.__init__`'s copies; everything the attempt engine, the error mapping
    and redaction read is set.
    """

    def __init__(
        self,
        status: int,
        headers: httpx.Headers,
        body: httpx.AsyncByteStream | httpx.SyncByteStream,
        request: httpx.Request,
        extensions: dict[str, bytes],
    ) -> None:
        # Not super().__init__(): it would copy the headers and the extensions again.
        self.status_code = status
        self.headers = headers
        self._request = request
        self.next_request = None
        self.extensions = extensions
        self.history = []
        self.is_closed = False
        self.is_stream_consumed = False
        self.default_encoding = "utf-8"
        self.stream = body
        self._num_bytes_downloaded = 0

    def _body(self, kind: type[_Stream]) -> _Stream:
        """The body stream, which is of `kind` (async or sync) for the call that reads it."""
        stream = self.stream
        assert isinstance(stream, kind)
        return stream

    def aiter_bytes(self, chunk_size: int | None = None) -> AsyncIterator[bytes]:
        """The body's reads as they arrive (`chunk_size` re-chunks, as httpx's does)."""
        if chunk_size is not None:
            return super().aiter_bytes(chunk_size)
        self.is_stream_consumed = True
        return self._body(httpx.AsyncByteStream).__aiter__()

    async def aclose(self) -> None:
        if not self.is_closed:
            self.is_closed = True
            await self._body(httpx.AsyncByteStream).aclose()

    def iter_bytes(self, chunk_size: int | None = None) -> Iterator[bytes]:
        """The body's reads as they arrive (`chunk_size` re-chunks, as httpx's does)."""
        if chunk_size is not None:
            return super().iter_bytes(chunk_size)
        self.is_stream_consumed = True
        return self._body(httpx.SyncByteStream).__iter__()

    def close(self) -> None:
        if not self.is_closed:
            self.is_closed = True
            self._body(httpx.SyncByteStream).close()
