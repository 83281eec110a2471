"""A mock server that keeps the path and JSON body of each request it answers, for the
tests that read what was sent: `SENT`, emptied before each test of a module that imports
the fixtures "server" (`recording_server`) and `clear_sent`; or, for one block,
`sent_bodies`."""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import pytest

from chatplex.testing import MockRequest
from chatplex.testing import MockServer

SENT: list[tuple[str, dict[str, Any]]] = []


def _record(request: MockRequest) -> None:
    SENT.append((request.path, dict(request.json or {})))


@pytest.fixture(scope="module", name="server")
def recording_server() -> Iterator[MockServer]:
    with MockServer(fault_plan=_record) as srv:
        yield srv


@pytest.fixture(autouse=True)
def clear_sent() -> None:
    SENT.clear()


@contextlib.contextmanager
def sent_bodies() -> Iterator[tuple[MockServer, list[Any]]]:
    """A mock server for the block, and the JSON bodies of the requests it answered, in
    the order they came."""
    bodies: list[Any] = []
    with MockServer(fault_plan=lambda request: bodies.append(request.json) and None) as server:
        yield server, bodies
