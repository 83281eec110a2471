"""Fixtures for the http layer tests (helpers live in `_httpkit`)."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from _httpkit import FakeAdapter
from _httpkit import LocalServer

import chatplex
import chatplex.http


@pytest.fixture(autouse=True)
def _fresh_pool() -> Iterator[None]:
    """Each test starts and ends without shared clients and with default settings.

    `chatplex.close()` also closes the async client that an earlier test's sync `batch`
    left on the portal loop, so these tests do not depend on which tests ran before.
    """
    chatplex.close()
    yield
    chatplex.close()
    chatplex.http.configure_pool(chatplex.http.PoolSettings())


@pytest.fixture(scope="session")
def server() -> Iterator[LocalServer]:
    srv = LocalServer()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05})
    thread.daemon = True
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    thread.join(5)


@pytest.fixture
def local(server: LocalServer) -> FakeAdapter:
    return FakeAdapter(server.url)
