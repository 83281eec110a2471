"""A failing reply cache (chatplex/chat/caching/faults.py): failures are sorted into kinds,
each said once per cache and kind without a traceback, and waits for a lock end by the
cache's timeout, the call's deadline and the loop-thread cap. The caches and calls that
use this: test_sqlite.py, test_sqlite_locked_files.py, test_inflight.py,
test_langchain_cache.py."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
import time
from pathlib import Path

import pytest

from chatplex.chat.caching.faults import LOCKED
from chatplex.chat.caching.faults import LOOP_THREAD_WAIT
from chatplex.chat.caching.faults import describe
from chatplex.chat.caching.faults import is_locked
from chatplex.chat.caching.faults import lock_wait_ends
from chatplex.chat.caching.faults import on_loop_thread
from chatplex.chat.caching.faults import pauses
from chatplex.chat.caching.faults import warn_once


def sqlite_error(path: Path, sql: str = "SELECT 1 FROM sqlite_master") -> sqlite3.Error:
    try:
        sqlite3.connect(path).execute(sql)
    except sqlite3.Error as exc:
        return exc
    raise AssertionError(f"{path} opened")


def test_sqlite_failures_are_sorted_into_kinds(tmp_path: Path) -> None:
    (tmp_path / "garbage.db").write_bytes(b"not a database at all" * 300)
    assert describe(sqlite_error(tmp_path / "garbage.db")) == "corrupt"
    (tmp_path / "folder.db").mkdir()
    assert describe(sqlite_error(tmp_path / "folder.db")) == "cannot be opened"
    assert describe(sqlite_error(tmp_path / "no" / "such" / "x.db")) == "cannot be opened"
    # Without a result code (an error made by hand, or a backend's own): by the message.
    assert describe(sqlite3.OperationalError("database is locked")) == LOCKED
    assert describe(sqlite3.OperationalError("attempt to write a readonly database")) == (
        "read-only"
    )
    assert describe(sqlite3.DatabaseError("database disk image is malformed")) == "corrupt"
    assert describe(ConnectionError("redis is down")) == "ConnectionError"
    wrapped = RuntimeError("(sqlite3.OperationalError) database is locked")  # SQLAlchemy's
    assert describe(wrapped) == LOCKED
    assert is_locked(sqlite3.OperationalError("database table is locked"))
    assert not is_locked(ValueError("locked out of nothing"))  # the message is not SQLite's


def test_a_real_lock_is_sorted_as_locked(tmp_path: Path) -> None:
    path = tmp_path / "held.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("CREATE TABLE t(x)")
    holder.execute("BEGIN EXCLUSIVE")
    try:
        other = sqlite3.connect(path, timeout=0, isolation_level=None)
        with pytest.raises(sqlite3.OperationalError) as caught:
            other.execute("INSERT INTO t VALUES (1)")
        assert describe(caught.value) == LOCKED and is_locked(caught.value)
        other.close()
    finally:
        holder.execute("ROLLBACK")
        holder.close()


class Store:
    def __repr__(self) -> str:
        return "Store()"


class Slotted:
    __slots__ = ()  # no weak reference to it


def test_each_cache_and_kind_is_said_once_without_a_traceback(
    caplog: pytest.LogCaptureFixture,
) -> None:
    first, second, slotted = Store(), Store(), Slotted()
    error = sqlite3.OperationalError("database is locked")
    with caplog.at_level(logging.WARNING, logger="chatplex.cache"):
        said = [warn_once(first, LOCKED, error, "storing a reply") for _ in range(50)]
        said.append(warn_once(first, "corrupt", None, "looking a reply up"))
        said.append(warn_once(second, LOCKED, error, "storing a reply"))
        said += [warn_once(slotted, "TimeoutError", None, "looking a reply up") for _ in range(3)]
    assert said == [True] + [False] * 49 + [True, True, True, False, False]
    records = [r for r in caplog.records if r.name == "chatplex.cache"]
    assert len(records) == 4
    assert all(r.levelno == logging.WARNING and r.exc_info is None for r in records)
    text = records[0].getMessage()
    assert "Store()" in text and "is locked" in text and "database is locked" in text
    assert "storing a reply" in text and "once per cache" in text


def test_the_traceback_is_there_at_debug(caplog: pytest.LogCaptureFixture) -> None:
    cache = Store()
    with caplog.at_level(logging.DEBUG, logger="chatplex.cache"):
        try:
            raise ValueError("odd value")
        except ValueError as exc:
            warn_once(cache, describe(exc), exc, "storing a reply")
            warn_once(cache, describe(exc), exc, "storing a reply")
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    debug = [r for r in caplog.records if r.levelno == logging.DEBUG]
    assert len(warnings) == 1 and "failed" in warnings[0].getMessage()
    assert len(debug) == 2 and all(r.exc_info for r in debug)


def test_a_wait_ends_by_the_timeout_the_deadline_and_the_cap() -> None:
    start = time.monotonic()
    end = lock_wait_ends(5.0, None)
    assert start + 5.0 <= end <= time.monotonic() + 5.0
    deadline = time.monotonic() + 10.0
    before = time.monotonic()
    halfway = lock_wait_ends(60.0, deadline)  # half the time left: the call needs the rest
    assert (before + deadline) / 2 <= halfway <= (time.monotonic() + deadline) / 2
    assert lock_wait_ends(5.0, None, cap=0.02) <= time.monotonic() + 0.02
    assert lock_wait_ends(5.0, start - 1) <= time.monotonic()  # a passed deadline: no wait
    assert lock_wait_ends(0.0, None) <= time.monotonic()


def test_pauses_grow_and_stop_at_the_end() -> None:
    assert list(pauses(time.monotonic() - 1)) == []
    waits = pauses(time.monotonic() + 60)
    first = [next(waits) for _ in range(8)]
    assert first[:6] == [0.001, 0.002, 0.005, 0.01, 0.02, 0.05]
    assert first[6:] == [0.05, 0.05]  # the last one repeats: a release is seen soon
    end = time.monotonic() + 0.1
    waits = pauses(end)
    while True:
        left = end - time.monotonic()
        pause = next(waits, None)
        if pause is None:
            break
        assert pause <= left  # cut to the time left
        time.sleep(pause)
    assert time.monotonic() >= end  # waited the whole time, then stopped


async def test_a_sync_call_knows_it_runs_on_a_loops_thread() -> None:
    assert on_loop_thread()
    assert not await asyncio.to_thread(on_loop_thread)
    assert LOOP_THREAD_WAIT <= 0.05  # a sync call made on a loop blocks it only that long
