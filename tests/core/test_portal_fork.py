"""After fork, a child starts with a clean portal loop and clean pools; the parent keeps
its own. Sync `batch` runs on the portal loop's thread, which does not survive fork(): a
child that reused the parent's loop object waited forever for a thread that is not there
(multiprocessing with fork, gunicorn --preload, Celery prefork)."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections.abc import Iterator
from typing import Any

import pytest

import chatplex
from chatplex import ChatModel
from chatplex.core import portal
from chatplex.testing import MockServer
from tests._calls import mock_model

pytestmark = [
    pytest.mark.skipif(not hasattr(os, "register_at_fork"), reason="fork only"),
    # Python 3.12+ warns that forking a process with threads may deadlock the child:
    # that hazard is exactly what this file tests chatplex against.
    pytest.mark.filterwarnings("ignore:.*fork.*:DeprecationWarning"),
]

#: Generous: a child normally answers in well under a second. Past this the test fails
#: (and terminates the children) instead of hanging the suite.
JOIN_TIMEOUT = 60.0
PROVIDERS = ("openai", "anthropic")


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer() as srv:
        yield srv
    chatplex.close()


def make_model(server: MockServer, provider: str) -> ChatModel:
    return mock_model(server, provider, api_key="sk-fork-test", max_retries=0)


def child(model: ChatModel, number: int, results: Any) -> None:
    """In the child: sync batch (the portal) and async abatch (a loop of its own)."""
    try:
        sync = [m.text for m in model.batch([f"child {number} a", f"child {number} b"])]
        aio = [m.text for m in asyncio.run(model.abatch([f"child {number} c"]))]
        results.put((number, "ok", sync + aio))
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which fails
        results.put((number, "error", repr(exc)))


def run_children(model: ChatModel, count: int) -> dict[int, tuple[str, Any]]:
    ctx = multiprocessing.get_context("fork")
    results = ctx.Queue()
    procs = [ctx.Process(target=child, args=(model, n, results)) for n in range(count)]
    for proc in procs:
        proc.start()
    got: dict[int, tuple[str, Any]] = {}
    try:
        for _ in procs:
            number, status, value = results.get(timeout=JOIN_TIMEOUT)
            got[number] = (status, value)
    except Exception as exc:  # queue.Empty: a child hung
        pytest.fail(f"a forked child did not finish within {JOIN_TIMEOUT} s: {exc!r}")
    finally:
        if len(got) < len(procs):  # failed already: stop the rest at once
            for proc in procs:
                proc.terminate()  # SIGTERM
        for proc in procs:
            proc.join(JOIN_TIMEOUT)
        results.close()
        results.join_thread()
    return got


@pytest.mark.parametrize("provider", PROVIDERS)
def test_forked_children_batch_and_abatch_after_the_parent_used_batch(
    server: MockServer, provider: str
) -> None:
    model = make_model(server, provider)
    assert [m.text for m in model.batch(["parent a", "parent b"])] == [
        "Echo: parent a",
        "Echo: parent b",
    ]
    parent_thread = portal._thread
    assert parent_thread is not None and parent_thread.is_alive()

    got = run_children(model, 3)

    assert got == {
        n: ("ok", [f"Echo: child {n} a", f"Echo: child {n} b", f"Echo: child {n} c"])
        for n in range(3)
    }
    # The parent is untouched: the same portal thread, and its pool still works.
    assert portal._thread is parent_thread and parent_thread.is_alive()
    assert [m.text for m in model.batch(["parent again"])] == ["Echo: parent again"]


def test_a_child_forked_while_the_portal_lock_is_held_does_not_deadlock(
    server: MockServer,
) -> None:
    # Another thread may hold the portal's lock at the moment of fork: the child must
    # not inherit a lock that nobody will ever release.
    model = make_model(server, "openai")
    model.batch(["warm up"])
    with portal._lock:
        got = run_children(model, 1)
    assert got == {0: ("ok", ["Echo: child 0 a", "Echo: child 0 b", "Echo: child 0 c"])}


def test_a_child_starts_with_fresh_rate_limit_budgets(server: MockServer) -> None:
    # A parent's budget may be locked by another thread, or have waiters queued that
    # only the parent's threads and loops would ever serve: the child must not inherit it.
    from chatplex.http import get_budget

    model = make_model(server, "openai").bind(rate_limit={"requests_per_minute": 60_000})
    model.batch(["warm up"])
    assert model.adapter is not None and model.rate_limit is not None
    budget = get_budget(model.adapter.budget_key(model.model), model.rate_limit)
    with budget._lock:
        got = run_children(model, 1)
    assert got == {0: ("ok", ["Echo: child 0 a", "Echo: child 0 b", "Echo: child 0 c"])}
