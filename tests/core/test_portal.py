"""The portal (`core/portal.py`): one private event loop on a daemon thread that sync code
hands async work to, with the caller's context, and cancels when the caller leaves."""

from __future__ import annotations

import asyncio
import contextvars
import threading
from collections.abc import AsyncIterator

import pytest

from chatplex.core.portal import iter_sync
from chatplex.core.portal import on_portal
from chatplex.core.portal import run_on_portal
from chatplex.core.portal import run_sync

VAR: contextvars.ContextVar[str] = contextvars.ContextVar("portal_test", default="unset")


async def where() -> tuple[int, bool, str]:
    return threading.get_ident(), on_portal(), VAR.get()


def test_run_sync_runs_on_one_other_thread_with_the_callers_context() -> None:
    VAR.set("caller")
    first = run_sync(where())
    second = run_sync(where())
    assert first == second  # the same loop thread, every time
    thread, portal, value = first
    assert thread != threading.get_ident() and portal and value == "caller"
    assert not on_portal()


def test_run_sync_raises_what_the_coroutine_raised() -> None:
    async def fail() -> None:
        raise KeyError("boom")

    with pytest.raises(KeyError, match="boom"):
        run_sync(fail())


def test_run_sync_from_the_portal_itself_is_refused() -> None:
    async def nested() -> str:
        inner = asyncio.sleep(0)
        try:
            run_sync(inner)
        except RuntimeError as exc:
            inner.close()
            return str(exc)
        return "no error"

    assert "would deadlock" in run_sync(nested())


def test_iter_sync_yields_as_the_items_come() -> None:
    VAR.set("iterating")

    async def items() -> AsyncIterator[tuple[int, str]]:
        for i in range(3):
            yield i, VAR.get()

    assert list(iter_sync(items)) == [(0, "iterating"), (1, "iterating"), (2, "iterating")]


def test_iter_sync_raises_the_error_in_the_caller() -> None:
    async def items() -> AsyncIterator[int]:
        yield 1
        raise ValueError("midway")

    got: list[int] = []
    with pytest.raises(ValueError, match="midway"):
        for item in iter_sync(items):
            got.append(item)
    assert got == [1]


def test_closing_iter_sync_early_stops_the_async_side_before_returning() -> None:
    stopped = threading.Event()

    async def items() -> AsyncIterator[int]:
        try:
            yield 1
            await asyncio.Event().wait()  # forever
            yield 2
        finally:
            stopped.set()

    running = iter_sync(items)
    assert next(running) == 1
    running.close()
    assert stopped.is_set()  # cancelled and finished by the time close() returned


def test_iter_sync_from_the_portal_itself_is_refused() -> None:
    async def nested() -> str:
        async def items() -> AsyncIterator[int]:
            yield 1

        try:
            next(iter_sync(items))
        except RuntimeError as exc:
            return str(exc)
        return "no error"

    assert "would deadlock" in run_sync(nested())


def test_run_on_portal_runs_there_or_not_at_all() -> None:
    run_sync(where())  # the portal is running
    thread, portal, _ = run_on_portal(where(), timeout=30) or (0, False, "")
    assert portal and thread != threading.get_ident()

    async def from_the_portal() -> object:
        return run_on_portal(where(), timeout=30)  # on its own thread: closed, not run

    assert run_sync(from_the_portal()) is None
