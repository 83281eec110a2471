"""The sync lean connection: a non-stream request of the shared sync client sent on
chatplex's own keep-alive HTTP/1.1 connections over blocking sockets, not through
httpx's send path (httpcore's pool, h11).

Why. On a reply in small HTTP chunks, h11's events and httpcore's and httpx's per-chunk
wrappers were ~90 % of `invoke`'s client CPU: 5.3x a raw aiohttp client on an 8 MB reply
in 64-byte chunks (bench/README.md, "Issue 64: the client floor"). The async lean
connection's parser (`_h1`, no I/O) over a blocking socket reads the same reply at ~1.1x.

One plan, two shells: the request is the one the async lean connection writes (its
eligibility `_lean.lean_request_ok`, its bytes `_lean.wire_bytes`), parsed by the same
`_h1.ResponseParser`; only the I/O differs. What stays as the shared sync client has it:

- every wait (connect, TLS, write, each read) is cut off at the active call's bound
  (`_clamp.bounded`), as the shared client's sockets are, so a trickling server still
  ends at the call's deadline;
- errors are the httpx exceptions httpcore raises for the same failures, in its words:
  the OS's for a connection that could not be made or broke (`ConnectError`,
  `ReadError`), "timed out", "Server disconnected without sending a response.", h11's
  words for a body cut off; other bytes no HTTP/1.1 parser accepts are a
  `RemoteProtocolError` in `_h1`'s words (h11's differ);
- the pool's limits: `max_connections` slots (their wait bounded by the pool timeout,
  `httpx.PoolTimeout`), at most `max_keepalive_connections` idle, dropped after
  `keepalive_expiry`; the client's SSL context (its verify settings);
- a pooled connection the server closed (readable while idle) is never written to, and
  a request is sent once (as httpcore: the engine's retry policy decides).

Streams stay on httpx's path, which takes its slots from the same pool (`share_slots`):
`max_connections` bounds the shared client's requests on both paths together.
"""

from __future__ import annotations

import select
import socket
import threading
import time
from collections.abc import Iterator
from typing import TYPE_CHECKING

import httpx

from ..core.interrupt import ConsumerGone
from ..core.interrupt import Interrupter
from ..core.interrupt import current_interrupter
from ._clamp import bounded
from ._h1 import ParseError
from ._h1 import ResponseParser
from ._interrupt import shut_down
from ._lean import lean_request_ok
from ._lean import wire_bytes

if TYPE_CHECKING:
    import ssl

__all__ = ["SyncBody", "SyncPool", "share_slots"]

#: Bytes asked of each read (httpcore's `READ_NUM_BYTES`).
_READ = 64 * 1024
#: httpcore's words for a server that hung up before the reply's head.
_NO_REPLY = "Server disconnected without sending a response."
#: The text of an error for a wait that found the call's bound passed (`_clamp`'s).
_BOUND = "the call's bound was reached"

_Key = tuple[str, str, int]
#: select.poll where there is one (not on Windows): select.select fails past fd 1024.
_POLL = hasattr(select, "poll")


class _Connection:
    """One TCP (or TLS) socket: one request at a time, its reply parsed as read."""

    __slots__ = ("idle_since", "key", "parser", "sock")

    def __init__(self, sock: socket.socket, key: _Key) -> None:
        self.sock = sock
        self.key = key
        self.parser = ResponseParser()
        self.idle_since = 0.0


class SyncBody(httpx.SyncByteStream):
    """The reply to one request on a lean connection: its head, read by `SyncPool.send`,
    and its body, read as iterated. Closing it releases the slot and, if the reply was
    not read to its end, closes the connection."""

    __slots__ = (
        "_connection",
        "_first",
        "_interrupter",
        "_keep",
        "_pool",
        "_read_timeout",
        "head",
        "request",
    )

    def __init__(
        self,
        pool: SyncPool,
        connection: _Connection,
        request: httpx.Request,
        keep: bool,
    ) -> None:
        self._pool: SyncPool | None = pool  # None once the slot is released
        self._connection: _Connection | None = connection  # None once the reply is in
        self._keep = keep
        self._read_timeout: float | None = request.extensions.get("timeout", {}).get("read")
        self._first = b""  # body bytes read with the head
        self.request = request
        self.head: tuple[int, bytes, bytes, list[tuple[bytes, bytes]]] | None = None
        self._interrupter: Interrupter | None = None

    def watched_by(self, interrupter: Interrupter) -> None:
        """Its reads cut short by `interrupter.stop()` (the caller's Ctrl-C, see
        `core.interrupt`) until its reply is in; ConsumerGone if it was stopped already."""
        if not interrupter.register(self):
            raise ConsumerGone
        self._interrupter = interrupter

    def abort(self) -> None:
        """From another thread: end the read blocked on this reply's socket at once."""
        connection = self._connection
        if connection is not None:
            shut_down(connection.sock)

    def _let_go(self) -> None:
        interrupter, self._interrupter = self._interrupter, None
        if interrupter is not None:
            interrupter.unregister(self)

    def read_head(self) -> None:
        while self.head is None:
            self._first += self._receive()

    def __iter__(self) -> Iterator[bytes]:
        first, self._first = self._first, b""
        if first:
            yield first
        while self._connection is not None:
            data = self._receive()
            if data:
                yield data

    def close(self) -> None:
        self._let_go()
        connection, self._connection = self._connection, None
        if connection is not None:  # the reply was not read to its end
            connection.sock.close()
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.release()

    def _receive(self) -> bytes:
        """One read: the body bytes it brought (b"" for none yet)."""
        connection = self._connection
        assert connection is not None
        parser = connection.parser
        left = bounded(self._read_timeout)
        error: httpx.TransportError | None = None
        if left is not None and left <= 0:
            error = httpx.ReadTimeout(_BOUND, request=self.request)
        else:
            try:
                sock = connection.sock
                sock.settimeout(left)
                data = sock.recv(_READ)
            except TimeoutError as exc:  # socket.timeout
                error = httpx.ReadTimeout(str(exc), request=self.request)
            except OSError as exc:
                error = httpx.ReadError(str(exc), request=self.request)
        if error is None:
            try:
                if data:
                    parser.feed(data)
                else:
                    parser.feed_eof()
            except ParseError as exc:
                error = httpx.RemoteProtocolError(
                    _cut_words(parser, exc, data), request=self.request
                )
        if error is not None:
            # Raised outside the except blocks: no OS or parser error as its context.
            self._connection = None
            connection.sock.close()
            raise error
        if self.head is None:
            self.head = parser.head
        parts = parser.body
        if parts:
            parser.body = []
            # One object per read, however many chunks it held.
            data = parts[0] if len(parts) == 1 else b"".join(parts)
        else:
            data = b""
        if parser.done:
            self._let_go()  # (before the connection may go back to the pool)
            self._connection = None  # the connection is no longer this reply's
            pool = self._pool
            if parser.reusable and self._keep and pool is not None:
                pool.put(connection)
            else:
                connection.sock.close()
        return data


class SyncPool:
    """The lean connections of the shared sync client: idle ones per origin (scheme,
    host, port), its slots, its SSL context. Thread-safe."""

    def __init__(self, ssl_context: ssl.SSLContext, limits: httpx.Limits) -> None:
        self._ssl_context = ssl_context
        self._expiry = limits.keepalive_expiry
        self._keep_idle = limits.max_keepalive_connections
        limit = limits.max_connections
        self._slots = threading.BoundedSemaphore(limit) if limit else None
        self._lock = threading.Lock()
        self._idle: dict[_Key, list[_Connection]] = {}
        self._idle_count = 0
        self._closed = False
        #: Origins whose server answered HTTP/1.0: httpx's path from then on.
        self._off: set[_Key] = set()
        #: Requests holding a slot (sent, or with an unclosed body): a diagnostic.
        self.in_use = 0
        #: Requests sent here: a diagnostic.
        self.sends = 0

    def usable(self, request: httpx.Request) -> bool:
        """Whether `request` may be sent here (`_lean.lean_request_ok`, to an origin
        that has not answered HTTP/1.0)."""
        if self._closed or not lean_request_ok(request):
            return False
        return not self._off or _key(request.url) not in self._off

    def send(self, request: httpx.Request) -> SyncBody:
        """Write `request` (`usable`) on a pooled or new connection; return once the
        reply's head is in, holding a slot until the returned body is closed."""
        timeouts: dict[str, float | None] = request.extensions.get("timeout", {})
        interrupter = current_interrupter()
        if interrupter is not None:
            interrupter.check()  # the caller is gone: no new request (a retry's)
        self._acquire(timeouts.get("pool"), request)
        body: SyncBody | None = None
        try:
            key = _key(request.url)
            connection = self._take(key)
            if connection is None:
                connection = self._connect(request, key, timeouts.get("connect"))
            connection.parser.start()
            keep = "close" not in request.headers.get("connection", "").lower()
            body = SyncBody(self, connection, request, keep)
            if interrupter is not None:
                body.watched_by(interrupter)
            self._write(connection, request, timeouts.get("write"))
            body.read_head()
        except BaseException as exc:
            if body is not None:
                body.close()  # the connection dropped, never reused mid-reply; the slot
            else:
                self.release()
            # A traceback from this frame on: the frames below hold the request.
            raise exc.with_traceback(None)  # noqa: B904 - the same exception, re-raised
        self.sends += 1
        head = body.head
        assert head is not None
        if head[2] != b"HTTP/1.1":
            self._off.add(key)
        return body

    def put(self, connection: _Connection) -> None:
        """A connection whose reply is complete, ready for another request."""
        with self._lock:
            keep = self._keep_idle
            expiry = self._expiry
            if (
                self._closed
                or (expiry is not None and expiry <= 0)
                or (keep is not None and self._idle_count >= keep)
            ):
                connection.sock.close()
                return
            connection.idle_since = time.monotonic()
            self._idle.setdefault(connection.key, []).append(connection)
            self._idle_count += 1

    def release(self) -> None:
        with self._lock:
            self.in_use -= 1
        self.give_slot()

    def close(self) -> None:
        """Close the idle connections; those in use close when their reply is done."""
        with self._lock:
            self._closed = True
            idle, self._idle = self._idle, {}
            self._idle_count = 0
        for connections in idle.values():
            for connection in connections:
                connection.sock.close()

    # --- internals -----------------------------------------------------------------------

    def _acquire(self, pool_timeout: float | None, request: httpx.Request) -> None:
        self.take_slot(pool_timeout, request)
        with self._lock:
            self.in_use += 1

    def take_slot(self, pool_timeout: float | None, request: httpx.Request) -> None:
        """One of the `max_connections` slots, waiting at most `pool_timeout`."""
        slots = self._slots
        if slots is not None and not slots.acquire(timeout=pool_timeout):
            raise httpx.PoolTimeout("", request=request)  # httpcore's has no words

    def give_slot(self) -> None:
        if self._slots is not None:
            self._slots.release()

    def _take(self, key: _Key) -> _Connection | None:
        expiry = self._expiry
        while True:
            with self._lock:
                idle = self._idle.get(key)
                if not idle:
                    return None
                connection = idle.pop()
                self._idle_count -= 1
            expired = expiry is not None and time.monotonic() - connection.idle_since > expiry
            if expired or _readable(connection.sock):
                connection.sock.close()  # closed by the server while idle, or too old
                continue
            return connection

    def _connect(self, request: httpx.Request, key: _Key, timeout: float | None) -> _Connection:
        """TCP and TLS, as httpcore's sync backend connects: `socket.create_connection`
        (addresses in turn), TCP_NODELAY, the SSL context's handshake."""
        scheme, host, port = key
        error: httpx.TransportError | None = None
        sock = None
        try:
            left = bounded(timeout)
            if left is not None and left <= 0:
                raise TimeoutError(_BOUND)
            sock = socket.create_connection((host, port), left)
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            if scheme == "https":
                left = bounded(timeout)
                if left is not None and left <= 0:
                    raise TimeoutError(_BOUND)
                sock.settimeout(left)
                sock = self._ssl_context.wrap_socket(sock, server_hostname=host)
        except TimeoutError as exc:
            error = httpx.ConnectTimeout(str(exc), request=request)
        except OSError as exc:  # refused, DNS, TLS (ssl.SSLError is an OSError)
            error = httpx.ConnectError(str(exc), request=request)
        if error is not None:
            if sock is not None:
                sock.close()
            raise error  # outside the except blocks: no OS error as its context
        assert sock is not None
        return _Connection(sock, key)

    def _write(
        self, connection: _Connection, request: httpx.Request, timeout: float | None
    ) -> None:
        left = bounded(timeout)
        if left is not None and left <= 0:
            raise httpx.WriteTimeout(_BOUND, request=request)
        error: httpx.TransportError | None = None
        try:
            sock = connection.sock
            sock.settimeout(left)
            sock.sendall(wire_bytes(request))  # no local holds them (secrets)
        except TimeoutError as exc:
            error = httpx.WriteTimeout(str(exc), request=request)
        except OSError:
            # As httpcore: a server may close the request early and still answer (an
            # error reply): read what it sent; a reset shows on that read.
            pass
        if error is not None:
            raise error


def share_slots(client: httpx.Client, pool: SyncPool) -> None:
    """`client`'s own transport (httpx's path: streams, and what may not go lean) takes
    a slot of `pool` for each request, given back when its response is closed, so the
    pool's `max_connections` bounds both paths together. The class's `handle_request`
    is looked up on every request: a mock patching it later (pytest-httpx) still
    answers."""
    transport = client._transport
    if type(transport) is not httpx.HTTPTransport:
        return  # a transport put there by hand
    assert isinstance(transport, httpx.HTTPTransport)
    kind = httpx.HTTPTransport

    def handle_request(request: httpx.Request) -> httpx.Response:
        pool.take_slot(request.extensions.get("timeout", {}).get("pool"), request)
        try:
            response = kind.handle_request(transport, request)
        except BaseException:
            pool.give_slot()
            raise
        if response.is_closed:  # a mock's reply made whole: no close is left to come
            pool.give_slot()
            return response
        response.stream = _SlotHeld(response.stream, pool)
        return response

    transport.handle_request = handle_request  # type: ignore[method-assign]


class _SlotHeld(httpx.SyncByteStream):
    """A response body of httpx's path that gives its slot back when closed."""

    __slots__ = ("_inner", "_pool")

    def __init__(self, inner: httpx.SyncByteStream | httpx.AsyncByteStream, pool: SyncPool):
        self._inner = inner
        self._pool: SyncPool | None = pool

    def __iter__(self) -> Iterator[bytes]:
        inner = self._inner
        assert isinstance(inner, httpx.SyncByteStream)
        return iter(inner)  # the body's own iterator: nothing added per read

    def close(self) -> None:
        pool, self._pool = self._pool, None
        try:
            inner = self._inner
            assert isinstance(inner, httpx.SyncByteStream)
            inner.close()
        finally:
            if pool is not None:
                pool.give_slot()


def _key(url: httpx.URL) -> _Key:
    scheme = url.scheme
    return (scheme, url.raw_host.decode("ascii"), url.port or (443 if scheme == "https" else 80))


def _readable(sock: socket.socket) -> bool:
    """Whether an idle socket has something to read: the server closed it (or sent
    bytes nobody asked for): not to be written to (httpcore's `is_socket_readable`)."""
    try:
        fd = sock.fileno()
        if fd < 0:
            return True
        if _POLL:
            poller = select.poll()
            poller.register(fd, select.POLLIN)
            return bool(poller.poll(0))
        return bool(select.select([fd], [], [], 0)[0])
    except (OSError, ValueError):
        return True


def _cut_words(parser: ResponseParser, error: ParseError, data: bytes) -> str:
    """What httpx's sync client says of a reply that broke off or did not parse: its
    (httpcore's and h11's) words for the end of the connection, `_h1`'s otherwise."""
    if data:
        return str(error)
    if parser.head is None:
        return _NO_REPLY
    length = parser.length_read()
    if length is not None:
        return (
            "peer closed connection without sending complete message body "
            f"(received {length[0]} bytes, expected {length[1]})"
        )
    return "peer closed connection without sending complete message body (incomplete chunked read)"
