"""Sync sockets that never wait past the bound of the call using them.

httpx's sync timeouts apply to each socket operation alone, so a server sending one byte
a second keeps a read "alive" forever. The shared sync client's connection pool gets a
network backend (`bound_client`) whose every connect, read and write clamps its socket
timeout to the time left before the active call's `until()`; the driver names that call
in `active` (per thread) before each blocking step. So every wait -- connecting, waiting
for headers, each read of a trickled body -- ends at the call's bound, within the
socket's own timer precision, at the cost of one clock read per socket operation.
Inside a drop-in's sync batch (`core.interrupt.interrupting`), each read is also cut by
the batch's Ctrl-C, the wait for a reply's head included.

A client of your own is not wrapped: there the engine's check after every read holds
instead (the call ends at most one read past its bound).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import TYPE_CHECKING
from typing import Any

from ..core.interrupt import current_interrupter
from ._interrupt import read_cut_by

if TYPE_CHECKING:
    import ssl

    import httpx

    from ._engine import Call

__all__ = ["active", "bound_client", "bounded"]


class _Active(threading.local):
    call: Call | None = None


#: The call whose bound this thread's socket operations honour (None: no clamping).
active = _Active()


def bound_client(client: httpx.Client) -> httpx.Client:
    """`client` with its connection pools' network backends wrapped (and any proxy
    mounts'); a pool of an unexpected shape is left alone (the engine's check holds)."""
    transports = [client._transport, *client._mounts.values()]  # noqa: SLF001
    for transport in transports:
        pool = getattr(transport, "_pool", None)
        backend = getattr(pool, "_network_backend", None)
        if backend is not None and not isinstance(backend, _BoundedBackend):
            pool._network_backend = _BoundedBackend(backend)  # type: ignore[union-attr]
    return client


def bounded(timeout: float | None) -> float | None:
    """`timeout`, cut to the time left before the active call's bound; 0.0 once the
    bound has passed (the sync lean connection's sockets: `_lean_sync`)."""
    call = active.call
    if call is None:
        return timeout
    left = call.until() - call.clock()
    if left <= 0:
        return 0.0
    return left if timeout is None or left < timeout else timeout


def _clamped(timeout: float | None, kind: str) -> float | None:
    """`timeout`, cut to the time left before the active call's bound."""
    call = active.call
    if call is None:
        return timeout
    left = call.until() - call.clock()
    if left <= 0:
        import httpcore

        error: type[Exception] = getattr(httpcore, kind)
        raise error("the call's bound was reached")
    return left if timeout is None or left < timeout else timeout


class _BoundedBackend:
    """An httpcore sync network backend whose streams clamp their timeouts."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> _BoundedStream:
        timeout = _clamped(timeout, "ConnectTimeout")
        stream = self._inner.connect_tcp(host, port, timeout, local_address, socket_options)
        return _BoundedStream(stream)

    def connect_unix_socket(
        self, path: str, timeout: float | None = None, socket_options: Iterable[Any] | None = None
    ) -> _BoundedStream:
        timeout = _clamped(timeout, "ConnectTimeout")
        return _BoundedStream(self._inner.connect_unix_socket(path, timeout, socket_options))

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


class _BoundedStream:
    """An httpcore sync network stream whose reads and writes clamp their timeouts."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        timeout = _clamped(timeout, "ReadTimeout")
        interrupter = current_interrupter()
        if interrupter is not None:  # a drop-in's sync batch: Ctrl-C ends the wait
            return read_cut_by(interrupter, self._inner, max_bytes, timeout)
        data: bytes = self._inner.read(max_bytes, timeout)
        return data

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, _clamped(timeout, "WriteTimeout"))

    def close(self) -> None:
        self._inner.close()

    def start_tls(
        self,
        ssl_context: ssl.SSLContext,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> _BoundedStream:
        timeout = _clamped(timeout, "ConnectTimeout")
        return _BoundedStream(self._inner.start_tls(ssl_context, server_hostname, timeout))

    def get_extra_info(self, info: str) -> Any:
        return self._inner.get_extra_info(info)
