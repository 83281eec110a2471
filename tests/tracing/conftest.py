"""Fixtures of the tracing suites: one mock server a module, which the traced models call."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from chatplex.testing import MockServer


@pytest.fixture(scope="module")
def mock() -> Iterator[MockServer]:
    with MockServer() as server:
        yield server
