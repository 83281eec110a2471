"""The suite's guard against any connection leaving the machine (hooked in by
tests/conftest.py): a socket connecting to an address that is not loopback is refused
(`OSError`, as an unreachable network would be) and recorded, and the test (or fixture)
that did it fails at its teardown, even when the code under test swallowed the error.

So no test can reach a public provider host, whatever spelling of an endpoint, base URL
or region sent it there, and whichever client sent it (chatplex's, a LangChain partner
package's, an SDK's): the per-wire suites in tests/partners rely on it. Unix sockets and
127.0.0.0/8, ::1 are allowed; a name is checked after resolution (the address the socket
connects to).
"""

from __future__ import annotations

import errno
import ipaddress
import socket
import threading
from typing import Any

__all__ = ["NetGuard"]


def _is_loopback(address: Any) -> bool:
    host = address[0] if isinstance(address, tuple) else address
    try:
        return ipaddress.ip_address(str(host).split("%")[0]).is_loopback
    except ValueError:
        return str(host) == "localhost"


class NetGuard:
    """Patches `socket.socket.connect` / `connect_ex` while installed."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._seen: list[str] = []
        self._saved: tuple[Any, Any] | None = None

    def install(self) -> None:
        if self._saved is not None:
            return
        connect, connect_ex = socket.socket.connect, socket.socket.connect_ex
        self._saved = (connect, connect_ex)
        guard = self

        def guarded_connect(sock: socket.socket, address: Any) -> None:
            guard._check(sock, address)
            return connect(sock, address)

        def guarded_connect_ex(sock: socket.socket, address: Any) -> int:
            guard._check(sock, address)
            return connect_ex(sock, address)

        socket.socket.connect = guarded_connect  # type: ignore[method-assign]
        socket.socket.connect_ex = guarded_connect_ex  # type: ignore[method-assign]

    def uninstall(self) -> None:
        if self._saved is not None:
            socket.socket.connect, socket.socket.connect_ex = self._saved  # type: ignore[method-assign]
            self._saved = None

    def _check(self, sock: socket.socket, address: Any) -> None:
        if sock.family not in (socket.AF_INET, socket.AF_INET6) or _is_loopback(address):
            return
        with self._lock:
            self._seen.append(f"{address!r}")
        raise OSError(errno.ENETUNREACH, f"the test suite allows no connection to {address!r}")

    def take(self) -> list[str]:
        """The refused connections since the last call."""
        with self._lock:
            seen, self._seen = self._seen, []
        return seen
