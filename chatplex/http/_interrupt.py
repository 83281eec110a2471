"""A sync client whose open responses a sync event stream's consumer can cut short.

The socket half of `chatplex.core.interrupt`: each response the wrapped client opens is
registered with the `Interrupter`, whose `stop()` shuts its socket down, so a read
blocked in the producer thread returns at once.
"""

from __future__ import annotations

import contextlib
import functools
import socket
from collections.abc import Iterator
from typing import TYPE_CHECKING
from typing import Any
from typing import cast

from ..core.interrupt import ConsumerGone
from ..core.interrupt import Interrupter

if TYPE_CHECKING:
    import httpx

__all__ = ["interruptible_client", "read_cut_by", "shut_down"]


def shut_down(sock: socket.socket) -> None:
    """End, from another thread, the read blocked on `sock`: socket.socket's own
    shutdown, also for an SSLSocket (whose own would drop the TLS object the reading
    thread is using); the reader sees EOF."""
    with contextlib.suppress(OSError):
        socket.socket.shutdown(sock, socket.SHUT_RDWR)


def read_cut_by(
    interrupter: Interrupter, stream: Any, max_bytes: int, timeout: float | None
) -> bytes:
    """`stream.read(...)` (an httpcore network stream of the shared sync client) that
    `interrupter.stop()` ends: the wait for a reply's head too, which no response is
    there yet to track."""
    sock = stream.get_extra_info("socket")
    if not isinstance(sock, socket.socket):
        data: bytes = stream.read(max_bytes, timeout)
        return data
    cut = _Cut(sock)
    if not interrupter.register(cut):
        raise ConsumerGone
    try:
        data = stream.read(max_bytes, timeout)
    finally:
        interrupter.unregister(cut)  # (after this, its socket is never shut down)
    return data


class _Cut:
    __slots__ = ("_sock",)

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock

    def abort(self) -> None:
        shut_down(self._sock)


def interruptible_client(client: httpx.Client, interrupter: Interrupter) -> httpx.Client:
    """`client`, with the responses it opens tracked (so `interrupter.stop()` cuts them)."""
    return cast("httpx.Client", _TrackingClient(client, interrupter))


class _TrackingClient:
    """A sync httpx client whose `send` registers each response with the interrupter;
    everything else is the wrapped client's."""

    def __init__(self, client: httpx.Client, interrupter: Interrupter) -> None:
        self._client = client
        self._interrupter = interrupter

    def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        self._interrupter.check()
        response = self._client.send(request, **kwargs)
        _track(response, self._interrupter)
        return response

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


def _track(response: httpx.Response, interrupter: Interrupter) -> None:
    import httpx

    network = response.extensions.get("network_stream")
    sock = network.get_extra_info("socket") if network is not None else None
    if isinstance(sock, socket.socket) and isinstance(response.stream, httpx.SyncByteStream):
        body = _body_class()(response.stream, sock, interrupter)
        response.stream = cast("httpx.SyncByteStream", body)
        if interrupter.register(body):
            return
    elif not interrupter.stopped:
        # No socket to shut down (a mock transport: respx, httpx.MockTransport): nothing
        # can block on it, so it is read as it is, untracked.
        return
    response.close()  # stopped while the request was on its way: do not read it
    raise ConsumerGone


class _Body:
    """A response body whose socket another thread may shut down while it is read.

    Closing unregisters it first (under the interrupter's lock), so a socket is only ever
    shut down while its connection still belongs to this response. (Used as a subclass
    of `httpx.SyncByteStream`, made on first use: importing this module stays cheap.)"""

    def __init__(self, inner: Any, sock: socket.socket, interrupter: Interrupter) -> None:
        self._inner = inner
        self._sock = sock
        self._interrupter = interrupter

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._inner)

    def abort(self) -> None:
        shut_down(self._sock)

    def close(self) -> None:
        self._interrupter.unregister(self)
        self._inner.close()


@functools.cache
def _body_class() -> type[_Body]:
    import httpx

    return type("_Body", (_Body, httpx.SyncByteStream), {})
