"""The shared async client's transport: httpx's interface on top, aiohttp's pool underneath.

Why. httpx's default async pool (httpcore) scans every pooled connection on each request
(`_assign_requests_to_connections`: `is_idle`, `has_expired`, anyio `get_extra_info`), so
its client CPU grows with the number in flight: ~5 ms per request at 64 in flight on the
reference machine, against ~0.2 ms for aiohttp, whose connector pops an idle connection
off a per-host list. chatplex's main job is many concurrent calls, so the shared async
client keeps `httpx.AsyncClient` (users, retries and tests see httpx requests, responses
and exceptions) but sends through aiohttp. See bench/README.md for the measurements.

Mocking stays honest. A plain `respx.mock` patches httpcore's connection pools, and
pytest-httpx patches `httpx.AsyncHTTPTransport`; aiohttp would bypass both. So each
request first checks whether httpx's async send path is patched (`_mocking`, shared with
the test plugin's no-network guard; a few attribute reads) and if so goes through a
regular `httpx.AsyncHTTPTransport` built with the same settings, which the mock
intercepts. Clients created before the mock started are covered too.

Semantics kept from httpx's transport: the pool limit (`max_connections`) with its `pool`
timeout (`httpx.PoolTimeout`), `connect` and `read` timeouts per request (the read
timeout applies to every socket read, so it is also a stream's idle timeout), the exact
request headers httpx built (aiohttp adds none of its own), bodies passed through still
encoded (httpx decodes `content-encoding`), no cookies or redirects at this level, and
aiohttp's errors raised as the httpx exceptions httpcore would raise (with no aiohttp
exception left in their chain: those carry the request headers). Differences: there
is no `write` timeout (request bodies are small JSON), and idle connections are capped by
`keepalive_expiry`, not by `max_keepalive_connections`.

Two ways in. `handle_async_request` is httpx's: any `httpx.AsyncClient` built on this
transport (a user's, or the shared one on its httpx path) gets `httpx.Response`s through
it. `open` is the direct path's (`_direct.send_direct`): when chatplex owns the client,
its attempt driver skips `AsyncClient.send` and reads aiohttp's response itself; both go
through `open`, so the pool, timeouts, error mapping and slot accounting
(`connections_in_use`) are the same either way. A third, `open_lean`, is the direct
path's for a non-stream request (`lean_ok`): chatplex's own keep-alive connections
(`_lean`), with the same slots, connect and pool timeouts, SSL context and httpx errors.

aiohttp is imported when the first request is sent, not when chatplex is imported.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import TYPE_CHECKING
from typing import Any

import httpx

from ._headers import response_headers
from ._headers import wire_headers
from ._lean import lean_request_ok
from ._mocking import http_is_mocked
from ._redaction import clear_url
from ._redaction import without_query

if TYPE_CHECKING:
    import ssl

    import aiohttp

    from ._lean import LeanBody
    from ._lean import Pool

__all__ = [
    "AioHTTPTransport",
    "ResponseCookies",
    "env_proxy_mounts",
    "lean_extensions",
    "mock_is_active",
    "response_body",
    "response_extensions",
]

_HTTP_VERSIONS = {(1, 1): b"HTTP/1.1", (1, 0): b"HTTP/1.0"}
# Header lines of LLM responses can be long (e.g. rate-limit policies); httpcore accepts
# far more than aiohttp's 8 KiB default, so match it closely.
_MAX_HEADER_FIELD = 64 * 1024
#: The headers aiohttp adds when a request lacks them (its defaults, and a body's type):
#: `open` names the missing ones to skip, so exactly the headers httpx built are sent.
_AUTO_HEADERS = frozenset({"accept", "accept-encoding", "user-agent", "content-type"})


def mock_is_active() -> bool:
    """True while a mocking library patches httpx's async send path (respx, pytest-httpx;
    see `_mocking`): requests then go through httpx's own transport, which the mock sees."""
    return http_is_mocked(is_async=True)


def busy_connections(pool: Any) -> int:
    """How many of an httpcore pool's connections are connecting or carrying a request.
    One that connected but never sent (httpcore's NEW state, what a request cancelled
    between its connect and its send leaves) is not: the pool hands it to the next
    request, as an idle one."""
    return sum(1 for c in pool.connections if not (c.is_idle() or c.is_closed() or _unused(c)))


def _unused(connection: Any) -> bool:
    inner = getattr(connection, "_connection", None)  # None while connecting
    return inner is not None and getattr(inner, "_request_count", None) == 0


class AioHTTPTransport(httpx.AsyncBaseTransport):
    """An `httpx.AsyncBaseTransport` over one `aiohttp.ClientSession` (made on first use,
    on the running loop; the transport belongs to that loop, like its client).

    >>> client = httpx.AsyncClient(transport=AioHTTPTransport())  # doctest: +SKIP
    """

    def __init__(
        self,
        *,
        verify: ssl.SSLContext | bool = True,
        limits: httpx.Limits | None = None,
        trust_env: bool = True,
    ) -> None:
        limits = limits if limits is not None else httpx.Limits()
        if isinstance(verify, bool):
            verify = httpx.create_ssl_context(verify=verify, trust_env=trust_env)
        self._ssl_context = verify
        self._limits = limits
        # What a mocked request goes through. Also exposes httpx's pool (`_pool`) with
        # the same limits and SSL context, as the default transport would.
        self._fallback = httpx.AsyncHTTPTransport(verify=verify, limits=limits, trust_env=trust_env)
        self._pool = self._fallback._pool
        self._session: aiohttp.ClientSession | None = None
        self._slots: asyncio.Semaphore | None = None
        self._timeouts: dict[tuple[float | None, float | None], aiohttp.ClientTimeout] = {}
        self._in_flight = 0
        self._closed = False
        #: Requests sent on the direct path (`_direct.send_direct`): a diagnostic.
        self.direct_sends = 0
        #: The lean connections' idle pool (`_lean`), made on first use.
        self._lean: Pool | None = None
        #: Origins (scheme, host, port) whose server answered HTTP/1.0 on a lean
        #: connection: their requests go through aiohttp from then on.
        self._lean_off: set[tuple[str, str, int | None]] = set()
        #: Requests sent on lean connections: a diagnostic.
        self.lean_sends = 0

    def connections_in_use(self) -> int:
        """Requests holding a connection: sent, or with an unclosed response."""
        return self._in_flight + busy_connections(self._pool)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if http_is_mocked(is_async=True):
            return await self._fallback.handle_async_request(request)
        response = await self.open(request)
        return httpx.Response(
            status_code=response.status,
            headers=response_headers(response),
            stream=_ResponseBody(response, self, request),
            extensions=response_extensions(response),
        )

    async def open(
        self, request: httpx.Request, *, reads_bounded: bool = False
    ) -> aiohttp.ClientResponse:
        """Send `request` through aiohttp: its response, headers in, holding a slot of
        the pool until its body (`response_body`) is closed. No mock check: callers
        make it (`handle_async_request`, or the direct path's `direct_transport`).

        `reads_bounded`: the caller bounds every wait for the server itself, never later
        than the request's read timeout (the direct path's attempt watch, `_watch`), so
        aiohttp's per-read timer -- re-armed on every socket read, a timer handle and a
        heap push each -- is not armed."""
        if self._closed:
            raise RuntimeError("the transport is closed")
        session = self._session if self._session is not None else self._open()
        timeouts: dict[str, float | None] = request.extensions.get("timeout", {})
        await self._acquire(timeouts.get("pool"), request)
        self._in_flight += 1
        try:
            headers = wire_headers(request.headers)
            try:
                body = request.content
            except httpx.RequestNotRead:
                # A streaming body (chatplex never sends one): send it whole, with a
                # Content-Length (aiohttp's) instead of httpx's chunked framing header.
                body = await request.aread()
                headers = [(k, v) for k, v in headers if k.lower() != "transfer-encoding"]
            import aiohttp

            # What aiohttp would add to a request lacking it: named for this one only
            # (a session-wide skip list costs aiohttp a merge on every request).
            missing = _AUTO_HEADERS.difference([name for name, _ in headers])
            error: httpx.RequestError | None = None
            try:
                response = await session.request(
                    request.method,
                    _url(request.url),
                    headers=headers,
                    data=body or None,
                    allow_redirects=False,
                    timeout=self._timeout(
                        timeouts.get("connect"), None if reads_bounded else timeouts.get("read")
                    ),
                    server_hostname=request.extensions.get("sni_hostname"),
                    skip_auto_headers=missing or None,
                )
            except aiohttp.ClientError as exc:
                error = _httpx_error(exc, request, self._ssl_context)
            if error is not None:
                raise error  # outside the except block: see _httpx_error
        except BaseException as exc:
            self._release()
            # A cancellation passes through aiohttp's frames, whose locals hold the URL
            # (a key in its query) and the headers (the API key), as does `headers` here:
            # it leaves with neither (a traceback that starts at this frame, cleared).
            headers = body = None  # type: ignore[assignment]
            raise exc.with_traceback(None)  # noqa: B904 - the same exception, re-raised
        return response

    def lean_ok(self, request: httpx.Request) -> bool:
        """Whether `request` may go on a lean connection (`_lean`) rather than through
        aiohttp (`open`): one a lean connection writes as it is (`lean_request_ok`), to
        an origin that has not answered HTTP/1.0."""
        if self._lean_off and _origin(request.url) in self._lean_off:
            return False
        return lean_request_ok(request)

    async def open_lean(self, request: httpx.Request) -> LeanBody:
        """Send `request` (`lean_ok`) on a lean connection: the reply, head in, holding
        a slot of the pool until the returned body is closed."""
        if self._closed:
            raise RuntimeError("the transport is closed")
        pool = self._lean
        if pool is None:
            from ._lean import Pool

            if self._session is None:
                self._open()  # the slots (and aiohttp's session, for streams)
            pool = self._lean = Pool(self._ssl_context, self._limits.keepalive_expiry)
        timeouts: dict[str, float | None] = request.extensions.get("timeout", {})
        await self._acquire(timeouts.get("pool"), request)
        self._in_flight += 1
        try:
            keep = "close" not in request.headers.get("connection", "").lower()
            body = await pool.send(request, timeouts.get("connect"), self._release, keep=keep)
        except BaseException as exc:
            self._release()
            raise exc.with_traceback(None)  # noqa: B904 - as `open`: no locals shown
        self.lean_sends += 1
        head = body.head
        assert head is not None
        if head[2] != b"HTTP/1.1":
            self._lean_off.add(_origin(request.url))  # an HTTP/1.0 peer: aiohttp from now
        return body

    async def aclose(self) -> None:
        self._closed = True
        pool, self._lean = self._lean, None
        if pool is not None:
            pool.close()
        session, self._session = self._session, None
        if session is not None:
            await session.close()
        await self._fallback.aclose()

    # --- internals -----------------------------------------------------------------------

    def _open(self) -> aiohttp.ClientSession:
        import aiohttp

        connector = aiohttp.TCPConnector(
            limit=0,  # the pool limit is ours (self._slots): it raises httpx.PoolTimeout
            limit_per_host=0,
            keepalive_timeout=self._limits.keepalive_expiry,
            ssl=self._ssl_context,
        )
        self._session = aiohttp.ClientSession(
            connector=connector,
            cookie_jar=aiohttp.DummyCookieJar(),  # cookies are httpx's business
            auto_decompress=False,  # httpx decodes content-encoding
            trust_env=False,  # proxies are mounted as httpx transports (env_proxy_mounts)
            timeout=aiohttp.ClientTimeout(total=None),
            max_line_size=_MAX_HEADER_FIELD,
            max_field_size=_MAX_HEADER_FIELD,
        )
        limit = self._limits.max_connections
        self._slots = asyncio.Semaphore(limit) if limit else None
        return self._session

    async def _acquire(self, pool_timeout: float | None, request: httpx.Request) -> None:
        slots = self._slots
        if slots is None:
            return
        if not slots.locked():
            await slots.acquire()  # a free slot: no wait, so no timer to arm
            return
        # Not asyncio.wait_for: up to 3.11 it returns a slot granted in the same loop step
        # as a cancellation instead of raising, so a cancelled request would still go out.
        try:
            async with asyncio.timeout(pool_timeout):
                await slots.acquire()  # cancelled once granted, it passes the slot on
        except TimeoutError:
            raise httpx.PoolTimeout("no free connection in time", request=request) from None

    def _release(self) -> None:
        self._in_flight -= 1
        if self._slots is not None:
            self._slots.release()

    def _timeout(self, connect: float | None, read: float | None) -> aiohttp.ClientTimeout:
        # ClientTimeout is immutable; requests mostly share the client's timeouts.
        key = (connect, read)
        timeout = self._timeouts.get(key)
        if timeout is None:
            import aiohttp

            # `connect`, not `sock_connect`: like httpcore's connect timeout it bounds the
            # whole new connection (DNS, TCP, TLS); `sock_connect` leaves DNS unbounded.
            # Reused pooled connections skip that timer entirely.
            timeout = aiohttp.ClientTimeout(total=None, connect=connect, sock_read=read)
            if len(self._timeouts) > 64:  # deadlines make every value distinct
                self._timeouts.clear()
            self._timeouts[key] = timeout
        return timeout


class _ResponseBody(httpx.AsyncByteStream):
    """The body as it arrives; closing it hands the connection back (or drops it when
    the body was not read to the end)."""

    __slots__ = ("_open", "_request", "_response", "_transport")

    def __init__(
        self, response: aiohttp.ClientResponse, transport: AioHTTPTransport, request: httpx.Request
    ) -> None:
        self._response = response
        self._transport = transport
        self._request = request
        self._open = True

    async def __aiter__(self) -> AsyncIterator[bytes]:
        import aiohttp

        content = self._response.content
        read = content.readany
        while True:
            try:
                chunk = await read()
            except aiohttp.ClientError as exc:
                error = _httpx_error(exc, self._request)
                break
            if not chunk:
                return
            yield chunk
        held = _still_buffered(content)
        if held:  # what the server sent before it hung up is the caller's, then the error
            yield held
        raise error  # outside the except block: see _httpx_error

    async def aclose(self) -> None:
        if self._open:
            self._open = False
            self._response.release()
            self._transport._release()


def _still_buffered(content: Any) -> bytes:
    """The body bytes aiohttp holds after the connection failed. Its reads raise the
    failure before the bytes it already has (`StreamReader.readany`): a piece the server
    sent just before it hung up, read after the hang-up was seen (a busy loop reads
    late), was dropped. Its own drain is private; no public read returns them."""
    try:
        return bytes(content._read_nowait(-1))
    except Exception:  # noqa: BLE001 - another aiohttp, or its read timer: nothing held
        return b""


def response_body(
    response: aiohttp.ClientResponse, transport: AioHTTPTransport, request: httpx.Request
) -> httpx.AsyncByteStream:
    """The body of a response `transport.open()` returned, as httpx reads bodies."""
    return _ResponseBody(response, transport, request)


def response_extensions(response: aiohttp.ClientResponse) -> dict[str, bytes]:
    """The httpx response extensions httpcore would set (version, reason phrase)."""
    return {
        "http_version": _http_version(response.version),
        "reason_phrase": (response.reason or "").encode("ascii", "replace"),
    }


def lean_extensions(head: tuple[int, bytes, bytes, list[tuple[bytes, bytes]]]) -> dict[str, bytes]:
    """`response_extensions` of a lean connection's reply head, as aiohttp's would be."""
    reason = head[1]
    if not reason.isascii():  # aiohttp decodes it as UTF-8; httpcore's is ASCII
        reason = reason.decode("utf-8", "replace").encode("ascii", "replace")
    return {"http_version": head[2], "reason_phrase": reason}


def _origin(url: httpx.URL) -> tuple[str, str, int | None]:
    return (url.scheme, url.host, url.port)


def _http_version(version: tuple[int, int] | None) -> bytes:
    return _HTTP_VERSIONS.get((version[0], version[1]), b"HTTP/1.1") if version else b"HTTP/1.1"


#: id(httpx URL) -> (that URL, its yarl URL): the adapters' URLs are parsed once each
#: (`_request._parsed_url`), so the same few objects come back call after call.
_yarl_urls: dict[int, tuple[httpx.URL, Any]] = {}


def _url(url: httpx.URL) -> Any:
    """httpx's URL is already percent-encoded: tell yarl not to re-quote it. (`clear_url`:
    a `MaskedURL`'s str masks the query credential the server needs.) Kept per URL object
    (its string is rebuilt on every str()), except URLs with a query: some carry a key."""
    known = _yarl_urls.get(id(url))
    if known is not None and known[0] is url:  # the same object: not a reused id
        return known[1]
    from yarl import URL

    made = URL(clear_url(url), encoded=True)
    if not url.query:
        if len(_yarl_urls) >= 64:
            _yarl_urls.clear()  # many distinct URL objects: start over rather than grow
        _yarl_urls[id(url)] = (url, made)
    return made


def _httpx_error(
    exc: Exception, request: httpx.Request, ssl_context: ssl.SSLContext | None = None
) -> httpx.RequestError:
    """aiohttp's exception as the httpx one httpcore raises for the same failure (a
    connection that could not be made also holds what aiohttp's exception is made of,
    `ssl_context` the one the transport connects with: `_lean.as_aiohttp_connector_error`).

    Raise it outside the `except` block that caught `exc`: raised inside, it would keep
    `exc` as its `__context__` (`from None` only hides it from tracebacks), and aiohttp's
    exceptions show the full URL in their str and the request headers -- API keys -- in
    their `request_info`. httpcore's exceptions show neither.
    """
    import aiohttp

    kind: type[httpx.RequestError]
    if isinstance(exc, aiohttp.ConnectionTimeoutError):
        kind = httpx.ConnectTimeout
    elif isinstance(exc, aiohttp.ServerTimeoutError):  # SocketTimeoutError: sock_read
        kind = httpx.ReadTimeout
    elif isinstance(exc, aiohttp.ClientConnectorError):  # DNS, refused, TLS handshake
        kind = httpx.ConnectError
    elif isinstance(exc, (aiohttp.NonHttpUrlClientError, aiohttp.InvalidURL)):
        kind = httpx.UnsupportedProtocol
    elif isinstance(
        exc,
        (aiohttp.ServerDisconnectedError, aiohttp.ClientPayloadError, aiohttp.ClientResponseError),
    ):
        kind = httpx.RemoteProtocolError  # cut off mid-message, or not valid HTTP
    elif isinstance(exc, aiohttp.ClientOSError):
        kind = httpx.ReadError
    else:
        kind = httpx.TransportError
    from ._lean import AIOHTTP_CLASS
    from ._lean import HTTPCORE_WORDS

    error = kind(_safe_text(exc, request), request=request)
    setattr(error, HTTPCORE_WORDS, _httpcore_words(exc))
    setattr(error, AIOHTTP_CLASS, type(exc))
    if isinstance(exc, aiohttp.ClientConnectorError) and not isinstance(
        exc, aiohttp.ClientSSLError
    ):
        from ._lean import as_aiohttp_connector_error

        as_aiohttp_connector_error(error, exc.os_error, ssl_context)
    return error


#: h11's words (through httpcore) for a chunked body the server stopped sending.
_CHUNKED_CUT = (
    "peer closed connection without sending complete message body (incomplete chunked read)"
)


def _httpcore_words(exc: Exception) -> str | None:
    """What httpx's own async client says of the failure aiohttp raised `exc` for, where
    it words it otherwise (`HTTPCORE_WORDS`): a refused connection, a chunked body cut
    off (h11's words); None for the rest."""
    import aiohttp
    from aiohttp import http_exceptions

    from ._lean import connect_failure_words

    if isinstance(exc, aiohttp.ClientConnectorError) and not isinstance(
        exc, aiohttp.ClientSSLError
    ):
        return connect_failure_words(exc.os_error)
    if isinstance(exc, aiohttp.ClientPayloadError) and isinstance(
        exc.__cause__, http_exceptions.TransferEncodingError
    ):
        return _CHUNKED_CUT
    return None


def _safe_text(exc: Exception, request: httpx.Request) -> str:
    """What went wrong, without the URL's query (some APIs take the key there)."""
    import aiohttp

    if isinstance(exc, aiohttp.ClientConnectorError):
        # Its str ("Cannot connect to host h:p ssl:default [...]") says ssl:default even
        # for http://; the caller names the URL, this says why.
        from ._lean import connect_failure_text

        return connect_failure_text(_os_error(exc))
    # ClientResponseError's str appends `url=...`; its `message` is the reason alone.
    text = exc.message if isinstance(exc, aiohttp.ClientResponseError) else str(exc)
    return without_query(text, request.url) or type(exc).__name__


def _os_error(exc: Any) -> OSError:
    """The OS error of aiohttp's connector error `exc`; for a certificate error, which
    holds none before aiohttp 3.14 (its `os_error` raises AttributeError), the
    certificate error, as 3.14 holds it."""
    try:
        found: OSError = exc.os_error
    except AttributeError:
        cause = getattr(exc, "certificate_error", None)
        found = cause if isinstance(cause, OSError) else OSError()
    return found


class ResponseCookies(httpx.Cookies):
    """`httpx.Cookies` that skip the cookie jar for responses setting no cookie.

    httpx hands every response to `extract_cookies`, which builds urllib and email
    compatibility objects (~15 us) before the jar even looks for `Set-Cookie`; LLM APIs
    rarely set one. Same cookies either way, as the jar reads only these two headers.
    """

    def extract_cookies(self, response: httpx.Response) -> None:
        headers = response.headers
        if "set-cookie" in headers or "set-cookie2" in headers:
            super().extract_cookies(response)


def env_proxy_mounts(
    *, verify: ssl.SSLContext, limits: httpx.Limits, trust_env: bool
) -> dict[str, httpx.AsyncBaseTransport | None]:
    """The proxy routes httpx would mount from HTTP(S)_PROXY / ALL_PROXY / NO_PROXY.

    httpx only reads the environment's proxies when a client has no explicit transport;
    a client with ours gets them through `mounts=` instead: proxied URLs go through
    httpx's own proxy transport, NO_PROXY hosts (None) through ours.
    """
    if not trust_env:
        return {}
    from httpx._utils import get_environment_proxies  # the same rules httpx applies

    return {
        pattern: None
        if url is None
        else httpx.AsyncHTTPTransport(verify=verify, limits=limits, trust_env=trust_env, proxy=url)
        for pattern, url in get_environment_proxies().items()
    }
