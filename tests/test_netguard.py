"""The suite's network guard itself: loopback passes, anything else is refused and
reported to the test that tried."""

from __future__ import annotations

import socket
import threading

import pytest

from tests._netguard import NetGuard


def test_loopback_passes_and_a_public_address_is_refused_and_recorded() -> None:
    guard = NetGuard()
    guard.install()
    try:
        server = socket.create_server(("127.0.0.1", 0))
        port = server.getsockname()[1]
        accepted = threading.Thread(target=lambda: server.accept()[0].close())
        accepted.start()
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass
        accepted.join(5)
        server.close()
        assert guard.take() == []
        probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        with probe, pytest.raises(OSError, match="allows no connection"):
            probe.connect(("203.0.113.7", 443))  # TEST-NET-3: refused before any packet
        assert guard.take() == ["('203.0.113.7', 443)"]
        assert guard.take() == []  # taken once
    finally:
        guard.uninstall()


def test_the_suite_runs_with_it_installed() -> None:
    probe = socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    with probe, pytest.raises(OSError, match="allows no connection"):
        probe.connect_ex(("2001:db8::1", 443, 0, 0))
    import tests.conftest as conftest

    assert conftest._NETWORK.take() == ["('2001:db8::1', 443, 0, 0)"]  # else this test fails
