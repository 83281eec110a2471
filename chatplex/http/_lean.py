"""The lean connection: a non-stream request of the direct path sent on chatplex's own
keep-alive HTTP/1.1 connections instead of aiohttp's session.

Why. For a JSON POST whose reply is read whole, aiohttp's per-request machinery
(`ClientSession._request`, its `ClientRequest` / `ClientResponse` objects, timers,
connector bookkeeping and a writer task) was about half of chatplex's client CPU per
request; an `asyncio.Protocol` per connection that writes the request in one call and
parses the reply as it arrives (`_h1.ResponseParser`, no I/O) costs a fraction of it
(bench/README.md, "The lean connection"). Streams stay on aiohttp.

What stays the same: the bytes on the wire (`_h1.request_head`: the request line and
httpx's headers as aiohttp writes them), the transport's pool slots (`max_connections`,
the pool timeout), its SSL context (so its verify settings), its connect timeout
(bounding DNS, TCP and TLS together), idle connections dropped after
`keepalive_expiry`, and errors raised as the httpx exceptions the aiohttp path raises,
with the same texts where aiohttp's come from the system (connect failures, resets).
No read timer: the direct path's attempt watch bounds every wait (`_direct`).

A pooled connection the server has closed is never written to (found closed when taken
from the pool, it is dropped and another taken). A request is sent once: a POST whose
connection fails after it was written is not sent again here (aiohttp does not either;
the engine's retry policy decides), as the server may have acted on it.

`Pool` holds the idle connections of one transport, per origin; the transport's slot
(taken by the caller) is released when the reply's body is closed (`LeanBody.aclose`).
"""

from __future__ import annotations

import asyncio
import os
import socket
import ssl
from collections.abc import AsyncIterator
from collections.abc import Callable
from typing import Any

import httpx

from ._h1 import ParseError
from ._h1 import ResponseParser
from ._h1 import request_head
from ._headers import wire_header_lines

__all__ = [
    "AIOHTTP_CLASS",
    "HTTPCORE_WORDS",
    "HTTPX_CLASS",
    "OS_ERROR",
    "SSL_CONTEXT",
    "LeanBody",
    "Pool",
    "as_aiohttp_connector_error",
    "connect_failure_text",
    "connect_failure_words",
    "lean_request_ok",
    "wire_bytes",
]

#: The attribute of an httpx error raised by chatplex's async client that holds what
#: httpx's own async client (httpcore over anyio) says of the same failure, where its
#: words differ from the ones given here (aiohttp's): a drop-in whose partner lets httpx
#: errors through words the error as them (`sdk_error_families.httpx_words`). Every httpx error
#: the async client raises has it (None where the words agree).
HTTPCORE_WORDS = "httpcore_words"
#: The attribute of an httpx error raised by chatplex's async client over aiohttp that
#: holds the class of aiohttp's exception it stands for (a class: none of its URL or
#: headers), for the drop-ins whose partner's async client is aiohttp
#: (`sdk_error_families.aiohttp_families`).
AIOHTTP_CLASS = "aiohttp_class"
#: The attribute of the async bound's own timeout (no httpx error under it) naming the
#: httpx class httpx's own async client raises for the same wait ("ReadTimeout"), for the
#: drop-ins whose partner's async client is httpx (`sdk_error_families.httpx_transport_
#: class`). A name: an SDK's httpx may be another module with the same classes.
HTTPX_CLASS = "httpx_class"
#: The attributes of an httpx error raised by chatplex's async client for a connection
#: that could not be made, what aiohttp's `ClientConnectorError` is made of besides the
#: URL: the OS error met (its class, errno and words; no traceback, whose frames hold
#: the request) and the SSL context the client connects with. aiohttp's words for the
#: failure are built from them (`sdk_error_families.aiohttp_families`).
OS_ERROR = "os_error"
SSL_CONTEXT = "ssl_context"

#: aiohttp's defaults for connecting to a host with several addresses.
_HAPPY_EYEBALLS_DELAY = 0.25
_INTERLEAVE = 1
#: aiohttp's lookup flags (its ThreadedResolver).
_AI_ADDRCONFIG = socket.AI_ADDRCONFIG & getattr(socket, "AI_MASK", ~0)


class _Connection(asyncio.Protocol):
    """One TCP (or TLS) connection: one request at a time, its reply parsed as read."""

    __slots__ = ("closed", "exchange", "idle_since", "keep", "key", "parser", "pool", "transport")

    def __init__(self, pool: Pool, key: tuple[str, str, int]) -> None:
        self.pool = pool
        self.transport: asyncio.Transport | None = None
        self.parser = ResponseParser()
        self.exchange: LeanBody | None = None
        self.closed = False
        self.idle_since = 0.0
        self.key = key
        #: The request in progress allows reuse (it did not say `Connection: close`).
        self.keep = True

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self.transport = transport

    def data_received(self, data: bytes) -> None:
        exchange = self.exchange
        if exchange is None:  # bytes nobody asked for on an idle connection
            self.close()
            return
        parser = self.parser
        try:
            parser.feed(data)
        except ParseError as exc:
            self.exchange = None
            exchange.fail(httpx.RemoteProtocolError(str(exc), request=exchange.request))
            self.close()
            return
        exchange.received(parser)
        if parser.done:
            self.exchange = None
            if parser.reusable and self.keep:
                self.pool.put(self)
            else:
                self.close()

    def eof_received(self) -> bool | None:
        return None  # close the transport: connection_lost follows

    def connection_lost(self, exc: Exception | None) -> None:
        self.closed = True
        exchange, self.exchange = self.exchange, None
        if exchange is None:
            return
        parser = self.parser
        try:
            parser.feed_eof()
        except ParseError as error:
            request = exchange.request
            if parser.head is None and isinstance(exc, OSError):
                # A reset before the reply's head: aiohttp's ClientOSError, a ReadError.
                reset = httpx.ReadError(str(OSError(*exc.args)), request=request)
                exchange.fail(_as_aiohttp(reset, "ClientOSError"))
            elif not parser.started:
                text = "Server disconnected"
                closed = httpx.RemoteProtocolError(text, request=request)
                exchange.fail(_as_aiohttp(closed, "ServerDisconnectedError"))
            else:  # aiohttp's ServerDisconnectedError or ClientPayloadError
                exchange.fail(httpx.RemoteProtocolError(str(error), request=request))
            return
        exchange.received(parser)  # a body that ran to the end of the connection

    def close(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.close()

    def abort(self) -> None:
        self.closed = True
        if self.transport is not None:
            self.transport.abort()


class LeanBody(httpx.AsyncByteStream):
    """The reply to one request: its head (a future the sender awaits) and its body as
    read, handed to httpx as the response's stream. Closing it releases the caller's
    slot (`release`) and, if the reply was not read to its end, drops the connection."""

    __slots__ = (
        "_connection",
        "_error",
        "_parts",
        "_release",
        "_waiter",
        "done",
        "head",
        "request",
    )

    def __init__(
        self,
        request: httpx.Request,
        connection: _Connection,
        waiter: asyncio.Future[None],
        release: Callable[[], None],
    ) -> None:
        self.request = request
        self._connection: _Connection | None = connection
        self._waiter: asyncio.Future[None] | None = waiter
        self._release: Callable[[], None] | None = release
        self._parts: list[bytes] = []
        self._error: httpx.TransportError | None = None
        self.head: tuple[int, bytes, bytes, list[tuple[bytes, bytes]]] | None = None
        self.done = False

    # --- called by the connection --------------------------------------------------------

    def received(self, parser: ResponseParser) -> None:
        body = parser.body
        if body:
            # One object per network read, however many chunks it held: a reply in
            # 1-byte chunks would otherwise wait here as an object per byte.
            self._parts.append(body[0] if len(body) == 1 else b"".join(body))
            parser.body = []
        if parser.done:
            self.done = True
            self._connection = None  # the connection is no longer this reply's
        if self.head is None:
            self.head = parser.head
            if self.head is None:
                return  # the head is not complete yet
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    def fail(self, error: httpx.TransportError) -> None:
        if not hasattr(error, HTTPCORE_WORDS):  # marks it as the async client's
            setattr(error, HTTPCORE_WORDS, None)
        self._error = error
        self._connection = None
        waiter = self._waiter
        if waiter is not None and not waiter.done():
            waiter.set_result(None)

    # --- read by the caller --------------------------------------------------------------

    async def wait(self) -> None:
        """Until more of the reply (or its failure) is in."""
        waiter = self._waiter
        if waiter is None:
            waiter = self._waiter = asyncio.get_running_loop().create_future()
        elif waiter.done():  # something came in since the caller looked: look again
            self._waiter = None
            return
        try:
            await waiter
        finally:
            self._waiter = None

    def raise_failure(self) -> None:
        error = self._error
        if error is not None:
            raise error

    async def __aiter__(self) -> AsyncIterator[bytes]:
        while True:
            parts = self._parts
            if parts:
                self._parts = []
                for part in parts:
                    yield part
                continue
            if self._error is not None:
                raise self._error
            if self.done:
                return
            await self.wait()

    async def aclose(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:  # the reply was not read to its end
            connection.exchange = None
            connection.abort()
        release, self._release = self._release, None
        if release is not None:
            release()
        if connection is not None:
            # One loop turn: asyncio closes the aborted socket in a callback, which a
            # caller's loop ending right after this (a cancelled batch) would never run.
            await asyncio.sleep(0)


class Pool:
    """Idle connections of one transport, per origin (scheme, host, port), with the
    transport's SSL context and keep-alive expiry."""

    def __init__(self, ssl_context: ssl.SSLContext, keepalive_expiry: float | None) -> None:
        self._ssl_context = ssl_context
        self._expiry = keepalive_expiry
        self._idle: dict[tuple[str, str, int], list[_Connection]] = {}
        self._sweeper: asyncio.TimerHandle | None = None
        self._closed = False

    def put(self, connection: _Connection) -> None:
        """A connection whose reply is complete, ready for another request."""
        if self._closed or self._expiry is not None and self._expiry <= 0:
            connection.close()
            return
        loop = asyncio.get_running_loop()
        connection.idle_since = loop.time()
        self._idle.setdefault(connection.key, []).append(connection)
        if self._sweeper is None and self._expiry is not None:
            self._sweeper = loop.call_later(self._expiry, self._sweep)

    async def send(
        self,
        request: httpx.Request,
        connect_timeout: float | None,
        release: Callable[[], None],
        *,
        keep: bool = True,
    ) -> LeanBody:
        """Write `request` on a pooled or new connection for its origin; return once the
        reply's head is in. `release` is the caller's slot: the returned body releases it
        when closed; on an error raised here the caller does. `keep`: the connection may
        be reused after the reply (the request did not say `Connection: close`)."""
        url = request.url
        scheme = url.scheme
        port = url.port or (443 if scheme == "https" else 80)
        key = (scheme, url.host, port)
        connection = self._take(key)
        if connection is None:
            connection = await self._connect(request, key, connect_timeout)
        loop = asyncio.get_running_loop()
        body = LeanBody(request, connection, loop.create_future(), release)
        connection.parser.start(no_body=request.method == "HEAD")
        connection.keep = keep
        connection.exchange = body
        if connection.closed:  # a new connection the server closed before any request
            closed = httpx.RemoteProtocolError("Server disconnected", request=request)
            body.fail(_as_aiohttp(closed, "ServerDisconnectedError"))
        else:
            assert connection.transport is not None
            connection.transport.write(wire_bytes(request))  # no local holds them (secrets)
        try:
            while body.head is None:
                body.raise_failure()
                await body.wait()
        except BaseException:
            # Cancelled (the attempt's watch, a caller) or failed: the connection is
            # dropped, never reused mid-reply; the caller releases the slot.
            body._release = None
            await body.aclose()
            raise
        return body

    def close(self) -> None:
        """Close the idle connections; those in use close when their reply is done."""
        self._closed = True
        idle, self._idle = self._idle, {}
        for connections in idle.values():
            for connection in connections:
                connection.close()
        if self._sweeper is not None:
            self._sweeper.cancel()
            self._sweeper = None

    # --- internals -----------------------------------------------------------------------

    def _take(self, key: tuple[str, str, int]) -> _Connection | None:
        idle = self._idle.get(key)
        if not idle:
            return None
        expiry = self._expiry
        now = asyncio.get_running_loop().time() if expiry is not None else 0.0
        while idle:
            connection = idle.pop()
            transport = connection.transport
            if connection.closed or transport is None or transport.is_closing():
                continue  # closed by the server while idle: never written to
            if expiry is not None and now - connection.idle_since > expiry:
                connection.close()
                continue
            return connection
        return None

    def _sweep(self) -> None:
        """Close connections idle longer than the expiry (as aiohttp's connector does)."""
        self._sweeper = None
        expiry = self._expiry
        assert expiry is not None
        loop = asyncio.get_running_loop()
        now = loop.time()
        for key, idle in list(self._idle.items()):
            kept = []
            for connection in idle:
                if connection.closed:
                    continue
                if now - connection.idle_since > expiry:
                    connection.close()
                else:
                    kept.append(connection)
            if kept:
                self._idle[key] = kept
            else:
                del self._idle[key]
        if self._idle:
            self._sweeper = loop.call_later(expiry, self._sweep)

    async def _connect(
        self, request: httpx.Request, key: tuple[str, str, int], timeout: float | None
    ) -> _Connection:
        scheme, host, port = key
        loop = asyncio.get_running_loop()
        tls: Any = self._ssl_context if scheme == "https" else None
        error: httpx.TransportError | None = None
        try:
            async with asyncio.timeout(timeout):
                connection = await self._connect_within(loop, key, tls)
        except TimeoutError:
            text = f"Connection timeout to host {_shown_url(request)}"
            error = httpx.ConnectTimeout(text, request=request)
        except OSError as exc:  # refused, DNS, TLS (ssl.SSLError is an OSError)
            # The text the aiohttp path gives (`_transport._safe_text`).
            error = httpx.ConnectError(connect_failure_text(exc), request=request)
            setattr(error, HTTPCORE_WORDS, connect_failure_words(exc))
            if not isinstance(exc, ssl.SSLError):  # aiohttp's TLS errors read otherwise
                as_aiohttp_connector_error(error, exc, self._ssl_context)
        except asyncio.CancelledError:
            await asyncio.sleep(0)  # as in `LeanBody.aclose`: a half-made socket closed now
            raise
        if error is not None:
            await asyncio.sleep(0)  # idem
            raise error  # outside the except block: no OS error in its context
        return connection

    async def _connect_within(
        self, loop: asyncio.AbstractEventLoop, key: tuple[str, str, int], tls: Any
    ) -> _Connection:
        """DNS, TCP (happy eyeballs over the addresses, as aiohttp connects) and TLS.

        Not `loop.create_connection(host, port, happy_eyeballs_delay=...)`: asyncio's
        own race (`staggered_race`) can leave a connected socket unclosed when the
        connect is cancelled (up to Python 3.12); aiohappyeyeballs, aiohttp's, closes it.
        """
        import aiohappyeyeballs

        _, host, port = key
        try:  # an IP address: no lookup (and no executor thread)
            infos = socket.getaddrinfo(
                host, port, type=socket.SOCK_STREAM, flags=socket.AI_NUMERICHOST
            )
        except socket.gaierror:
            infos = await loop.getaddrinfo(
                host, port, type=socket.SOCK_STREAM, flags=_AI_ADDRCONFIG
            )
        sock = await aiohappyeyeballs.start_connection(
            infos,
            happy_eyeballs_delay=_HAPPY_EYEBALLS_DELAY,
            interleave=_INTERLEAVE,
            loop=loop,
        )
        try:
            _, connection = await loop.create_connection(
                lambda: _Connection(self, key),
                sock=sock,
                ssl=tls,
                server_hostname=host.rstrip(".") if tls is not None else None,  # as aiohttp
            )
        except BaseException:
            sock.close()
            raise
        return connection


def connect_failure_text(cause: OSError) -> str:
    """Why a connection could not be made, as httpcore says it: the OS's words for an
    errno (refused, unreachable, DNS), and for TLS the SSL library's reason (an
    `ssl.SSLError`'s errno is the library's error code, not the OS's: its strerror read
    "Operation not permitted" for a certificate that failed verification)."""
    if isinstance(cause, ssl.SSLError):
        return str(cause) or "TLS handshake failed"
    return os.strerror(cause.errno) if cause.errno else str(cause) or "cannot connect"


def connect_failure_words(cause: OSError) -> str | None:
    """What httpx's async client says of a connection that could not be made: anyio's
    "All connection attempts failed" when every address refused it (or was unreachable);
    None (the OS's or the SSL library's words, as here) for a failed lookup or TLS."""
    if isinstance(cause, (ssl.SSLError, socket.gaierror)):
        return None
    return "All connection attempts failed"


def _as_aiohttp(error: httpx.TransportError, name: str) -> httpx.TransportError:
    """`error` marked as aiohttp's exception `name` raised for the same failure
    (`AIOHTTP_CLASS`), as chatplex's aiohttp transport marks its errors."""
    import aiohttp

    # (aiohttp before 3.11 has no ClientConnectorDNSError: a failed lookup raised its base)
    found = getattr(aiohttp, name, None) or aiohttp.ClientConnectorError
    setattr(error, AIOHTTP_CLASS, found)
    return error


def as_aiohttp_connector_error(
    error: httpx.TransportError, cause: OSError, ssl_context: ssl.SSLContext | None
) -> None:
    """Marks `error`, a connection that could not be made for `cause`, as aiohttp's
    connector raises it (`AIOHTTP_CLASS`, `OS_ERROR`, `SSL_CONTEXT`): a failed lookup is
    its `ClientConnectorDNSError`, any other OS error its `ClientConnectorError` (the
    same happy-eyeballs connect and lookup flags as aiohttp's give the same OS error).
    Not for a TLS failure: aiohttp words its certificate errors otherwise."""
    if not hasattr(error, AIOHTTP_CLASS):
        dns = isinstance(cause, socket.gaierror)
        _as_aiohttp(error, "ClientConnectorDNSError" if dns else "ClientConnectorError")
    try:
        bare = type(cause)(cause.errno, cause.strerror)
    except Exception:  # noqa: BLE001 - a subclass built otherwise: its errno and words
        bare = OSError(cause.errno, cause.strerror)
    setattr(error, OS_ERROR, bare)
    setattr(error, SSL_CONTEXT, ssl_context)


def lean_request_ok(request: httpx.Request) -> bool:
    """Whether `request` may be written as it is on a lean connection, async or sync
    (`_lean_sync`): a POST of a body already read, with httpx's Host and Content-Length
    and no Transfer-Encoding (else aiohttp, or h11, would add or fix a header: their
    bytes, not ours), over http(s) without a custom SNI name."""
    url = request.url
    if request.method != "POST" or url.scheme not in ("http", "https"):
        return False
    if "sni_hostname" in request.extensions:
        return False
    try:
        size = len(request.content)
    except httpx.RequestNotRead:
        return False
    length = host = None
    for _, name, value in request.headers._list:
        if name == b"content-length":
            length = value
        elif name == b"host":
            host = value
        elif name == b"transfer-encoding":
            return False
    return host is not None and length == b"%d" % size


def wire_bytes(request: httpx.Request) -> bytes:
    """The whole request as aiohttp writes it: the request line, httpx's headers
    (`_headers.wire_header_lines`), the body."""
    head = request_head(
        request.method.encode("ascii"), request.url.raw_path, wire_header_lines(request.headers)
    )
    return head + request.content


def _shown_url(request: httpx.Request) -> str:
    """The URL as aiohttp's connect-timeout text shows it, its query masked."""
    from ._redaction import clear_url
    from ._redaction import without_query

    return without_query(clear_url(request.url), request.url)
