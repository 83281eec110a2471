"""A mock server that keeps the path and JSON body of each request it answers, for the
tests that read what was sent: `SENT`, emptied before each test of a module that imports
the fixtures "server" (`recording_server`) and `clear_sent`."""

from __future__ import annotations

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
