"""Fixtures of the fault-injection suite: one mock server on 127.0.0.1 for the session and
a fresh, reproducible fault plan per test (helpers live in `_faultkit`)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from _faultkit import FaultPlan

import chatplex.http
from chatplex.core.portal import run_sync
from chatplex.http import _ratelimit as ratelimit
from chatplex.testing import MockServer


@pytest.fixture(scope="session")
def mock() -> Iterator[MockServer]:
    with MockServer() as server:
        yield server


@pytest.fixture
def plan(mock: MockServer) -> Iterator[FaultPlan]:
    """A fresh fault plan on the server, zeroed counters, and fresh rate-limit budgets:
    every model has one now, and what one test's faults taught it (a pause, a pace
    discovered from 429s) must not slow the next test down."""
    ratelimit._budgets.clear()
    fresh = FaultPlan()
    mock.settings.fault_plan = fresh
    mock.reset_stats()
    yield fresh
    mock.settings.fault_plan = None


@pytest.fixture(scope="module", autouse=True)
def _no_shared_clients_left() -> Iterator[None]:
    """Close the shared clients a module opened -- the sync one and, from sync `batch`, the
    portal loop's async one -- so later tests may still reconfigure the pool."""
    yield
    run_sync(chatplex.http.aclose())
