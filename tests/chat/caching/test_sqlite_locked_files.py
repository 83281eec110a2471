"""A SQLite reply cache (chatplex/chat/caching/sqlite.py) whose file is locked by another process,
corrupt, truncated, a folder or read-only: each call is a miss (or its reply is not
stored) within the call's deadline, the event loop keeps running, and the failure is
logged once per cache and kind, without a traceback. The rest of the cache's tests:
test_sqlite.py."""

from __future__ import annotations

import asyncio
import json
import logging
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from chatplex import AIMessage
from chatplex import SQLiteCache
from chatplex.chat.caching import inflight
from chatplex.testing import MockServer
from tests._calls import ask
from tests.chat.caching._cachelog import cache_warnings

from ..conftest import make
from ..conftest import parity

pytestmark = pytest.mark.usefixtures("clean_cache")


#: Holds an exclusive lock on a SQLite file until killed (at most 60 s). "rollback": the
#: file is in rollback-journal mode, so even reads wait; "wal": chatplex's own WAL file,
#: where reads go on and writes wait.
HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
if sys.argv[2] == "rollback":
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.execute("CREATE TABLE IF NOT EXISTS other (x)")
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(60)
"""
#: A call's deadline, and what it may take beyond it: only a real stall crosses it.
DEADLINE = 3.0
MARGIN = 4.0


@contextmanager
def locked_by_another_process(path: Path, journal: str) -> Iterator[subprocess.Popen[str]]:
    if journal == "wal":
        SQLiteCache(path).close()  # chatplex's file, in WAL mode
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path), journal], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        yield holder
    finally:
        holder.kill()
        holder.wait(30)
        if holder.stdout is not None:
            holder.stdout.close()


async def ticking(gaps: list[float], stop: asyncio.Event) -> None:
    """Notes the time between its wake-ups: a blocked event loop shows as a long gap."""
    last = time.monotonic()
    while not stop.is_set():
        await asyncio.sleep(0.02)
        now = time.monotonic()
        gaps.append(now - last)
        last = now


@pytest.mark.parametrize("journal", ["wal", "rollback"])
@parity
async def test_a_cache_locked_by_another_process_is_a_miss_within_the_deadline(
    mock: MockServer, sync: bool, journal: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "locked.db"
    caplog.set_level(logging.WARNING, logger="chatplex.cache")
    with locked_by_another_process(path, journal) as holder:
        model = make(mock, cache=SQLiteCache(path, timeout=30))  # a deadline cuts 30 s short
        gaps: list[float] = []
        stop = asyncio.Event()
        ticker = asyncio.create_task(ticking(gaps, stop))
        slowest = 0.0
        for i in range(50):
            started = time.monotonic()
            text, config = f"q{i % 5}", {"timeout": DEADLINE}
            if sync:  # on a thread of its own, as a sync caller runs (not on the loop's)
                reply = await asyncio.to_thread(model.invoke, text, config)
            else:
                reply = await model.ainvoke(text, config)
            slowest = max(slowest, time.monotonic() - started)
            assert reply.text == f"Echo: q{i % 5}"
            assert "cached" not in reply.response_metadata  # from the server
        for _ in range(5):  # streams too
            started = time.monotonic()
            if sync:
                chunks = await asyncio.to_thread(lambda: list(model.stream("s", config)))
            else:
                chunks = [chunk async for chunk in model.astream("s", config)]
            slowest = max(slowest, time.monotonic() - started)
            assert "".join(chunk.text for chunk in chunks) == "Echo: s"
        stop.set()
        await ticker
        assert holder.poll() is None  # the lock was held all along
    assert slowest < DEADLINE + MARGIN
    assert mock.stats.requests == 55
    assert max(gaps) < 1.5  # the loop kept running: no pause near the lock's length
    assert len(cache_warnings(caplog, "is locked")) == 1
    assert len(cache_warnings(caplog)) == 1
    # The lock gone, the cache works again: stored, then a hit.
    await ask(model, sync, "after")
    assert (await ask(model, sync, "after")).response_metadata["cached"] is True


async def test_an_async_call_waits_for_a_lock_without_blocking_its_loop(
    mock: MockServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """No deadline: the async call waits up to the cache's timeout, but on the loop, which
    keeps running; a sync call made on the loop's thread waits only LOOP_THREAD_WAIT."""
    path = tmp_path / "locked.db"
    with locked_by_another_process(path, "rollback"):
        cache = SQLiteCache(path, timeout=2.0)
        model = make(mock, cache=cache)
        gaps: list[float] = []
        stop = asyncio.Event()
        ticker = asyncio.create_task(ticking(gaps, stop))
        await asyncio.sleep(0.1)
        started = time.monotonic()
        assert (await model.ainvoke("no deadline")).text == "Echo: no deadline"
        waited = time.monotonic() - started
        started = time.monotonic()
        assert SQLiteCache(path, timeout=2.0).lookup("k") is None  # sync, on the loop's thread
        blocked = time.monotonic() - started
        stop.set()
        await ticker
    assert 2.0 <= waited < 2.0 + MARGIN  # the cache's timeout, waited in full...
    assert max(gaps) < 1.5  # ...while the loop ran
    assert blocked < 1.0  # a 2 s timeout, cut to the loop-thread cap
    assert len(cache_warnings(caplog, "is locked")) == 2  # once for each of the two caches


def test_clear_and_len_raise_on_a_locked_file(tmp_path: Path) -> None:
    path = tmp_path / "locked.db"
    with locked_by_another_process(path, "rollback"):
        cache = SQLiteCache(path, timeout=0.1)
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            cache.clear()
        with pytest.raises(sqlite3.OperationalError, match="locked"):
            len(cache)
    with pytest.raises(ValueError, match="timeout"):
        SQLiteCache(path, timeout=-1)


def garbage(path: Path) -> str:
    path.write_bytes(os.urandom(16384))
    return "is corrupt"


def truncated(path: Path) -> str:
    cache = SQLiteCache(path)
    for i in range(300):
        cache.update(f"k{i}", "v" * 500)
    cache.close()
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    os.truncate(path, path.stat().st_size // 3)
    for side in ("-wal", "-shm"):
        Path(f"{path}{side}").unlink(missing_ok=True)
    return "is corrupt"


@pytest.mark.parametrize("damage", [garbage, truncated])
@parity
async def test_a_damaged_cache_file_is_a_miss_said_once(
    mock: MockServer, sync: bool, damage: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "replies.db"
    phrase = damage(path)
    caplog.set_level(logging.WARNING, logger="chatplex.cache")
    model = make(mock, cache=SQLiteCache(path))  # no error: the calls go on without it
    for i in range(20):
        reply = await ask(model, sync, f"q{i % 2}", config={"timeout": DEADLINE})
        assert reply.text == f"Echo: q{i % 2}" and "cached" not in reply.response_metadata
    assert mock.stats.requests == 20
    assert len(cache_warnings(caplog, phrase)) == 1
    assert len(cache_warnings(caplog)) == 1


def test_a_path_that_cannot_hold_the_file_is_an_error_at_construction(tmp_path: Path) -> None:
    (tmp_path / "a-folder.db").mkdir()
    with pytest.raises(sqlite3.OperationalError, match="a-folder.db.*it is a folder"):
        SQLiteCache(tmp_path / "a-folder.db")
    with pytest.raises(sqlite3.OperationalError, match="its folder .*no-such-dir.* does not exist"):
        SQLiteCache(tmp_path / "no-such-dir" / "c.db")


@parity
async def test_a_folder_where_the_file_was_is_a_miss_said_once(
    mock: MockServer, sync: bool, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "replies.db"
    cache = SQLiteCache(path)
    model = make(mock, cache=cache)
    await ask(model, sync, "before")
    cache.close()  # the next use reopens the path, a folder by then
    for side in ("", "-wal", "-shm"):
        Path(f"{path}{side}").unlink(missing_ok=True)
    path.mkdir()
    caplog.set_level(logging.WARNING, logger="chatplex.cache")
    for _ in range(20):
        reply = await ask(model, sync, "before", config={"timeout": DEADLINE})
        assert "cached" not in reply.response_metadata
    assert mock.stats.requests == 21
    assert len(cache_warnings(caplog, "cannot be opened")) == 1
    assert len(cache_warnings(caplog)) == 1
    path.rmdir()  # gone: the cache makes a new file and works again
    await ask(model, sync, "again")
    assert (await ask(model, sync, "again")).response_metadata["cached"] is True


def test_a_cache_file_damaged_after_it_opened_is_a_miss_said_once(
    mock: MockServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "replies.db"
    cache = SQLiteCache(path)
    model = make(mock, cache=cache)
    model.invoke("before")
    cache.close()  # the next use reopens the file, which is garbage by then
    for side in ("", "-wal", "-shm"):
        Path(f"{path}{side}").unlink(missing_ok=True)
    garbage(path)
    caplog.set_level(logging.WARNING, logger="chatplex.cache")
    for _ in range(10):
        assert "cached" not in model.invoke("before").response_metadata
    assert len(cache_warnings(caplog, "is corrupt")) == 1
    path.unlink()  # repaired (gone): the cache makes a new file and works again
    model.invoke("again")
    assert model.invoke("again").response_metadata["cached"] is True


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def read_only_run(path: str) -> dict[str, Any]:
    """Lookups, stores and calls on a cache file this process may not write."""
    handler = Collect()
    records = handler.records
    logging.getLogger("chatplex.cache").addHandler(handler)
    try:
        cache = SQLiteCache(path)
        sent: list[str] = []

        def call() -> AIMessage:
            sent.append("x")
            return AIMessage("fresh")

        async def acall() -> AIMessage:
            return call()

        out: dict[str, Any] = {"hit": cache.lookup("k")}
        for i in range(20):
            cache.update(f"new{i}", "v")
            inflight.cached_call(
                inflight.Entry(cache, f"call{i}", time.monotonic() + DEADLINE), call
            )
            asyncio.run(inflight.acached_call(inflight.Entry(cache, f"acall{i}", None), acall))
        out["stored"] = cache.lookup("new0")
        out["sent"] = len(sent)
        out["warnings"] = [r.getMessage() for r in records if r.levelno >= logging.WARNING]
        out["tracebacks"] = sum(bool(r.exc_info) for r in records if r.levelno >= logging.WARNING)
        return out
    finally:
        logging.getLogger("chatplex.cache").removeHandler(handler)


def as_another_user(run: Any, path: Path, folder_writable: bool) -> dict[str, Any]:
    """`run(path)` in a forked child that became user `nobody` (root ignores file modes),
    the folder writable by it or not: the result comes back as JSON through a pipe."""
    path.parent.chmod(0o777 if folder_writable else 0o755)
    read_end, write_end = os.pipe()
    with warnings.catch_warnings():  # 3.12+: fork with threads about (the mock server's)
        warnings.simplefilter("ignore", DeprecationWarning)
        pid = os.fork()
    if pid == 0:  # the child: no pytest, no exceptions out of here
        try:
            os.setuid(65534)
            report = json.dumps(run(str(path)))
        except BaseException as exc:
            report = json.dumps({"error": repr(exc)})
        os.write(write_end, report.encode())
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    os.waitpid(pid, 0)
    result: dict[str, Any] = json.loads(data)
    assert "error" not in result, result
    return result


@pytest.mark.parametrize("folder_writable", [True, False], ids=["folder-rw", "folder-ro"])
def test_a_read_only_cache_file_serves_hits_and_drops_stores_said_once(
    tmp_path: Path, folder_writable: bool
) -> None:
    # As root, in a folder of /tmp that user nobody can reach (pytest's is root's only).
    folder = Path(tempfile.mkdtemp()) if os.geteuid() == 0 else tmp_path / "shared"
    folder.mkdir(exist_ok=True)
    try:
        check_read_only(folder, folder_writable)
    finally:
        if os.geteuid() == 0:
            shutil.rmtree(folder)


def check_read_only(folder: Path, folder_writable: bool) -> None:
    path = folder / "replies.db"
    cache = SQLiteCache(path)
    cache.update("k", "stored before")
    cache.close()
    for side in ("-wal", "-shm"):
        assert not Path(f"{path}{side}").exists()  # the last close checkpointed the WAL
    path.chmod(0o444)
    if os.geteuid() == 0:  # root writes any file: a user who may not does the work
        out = as_another_user(read_only_run, path, folder_writable)
    else:
        if not folder_writable:
            folder.chmod(0o555)
        try:
            out = read_only_run(str(path))
        finally:
            folder.chmod(0o755)
    assert out["hit"] == "stored before"  # hits are still read
    assert out["stored"] is None and out["sent"] == 40  # stores dropped, calls answered
    assert len(out["warnings"]) == 1 and "is read-only" in out["warnings"][0]
    assert out["tracebacks"] == 0


def test_a_dangling_symlink_is_not_followed_and_its_target_not_made(tmp_path: Path) -> None:
    link, target = tmp_path / "replies.db", tmp_path / "elsewhere" / "made.db"
    (tmp_path / "elsewhere").mkdir()
    link.symlink_to(target)
    with pytest.raises(sqlite3.OperationalError, match="replies.db.*symbolic link to .*made.db"):
        SQLiteCache(link)
    assert sorted(p.name for p in (tmp_path / "elsewhere").iterdir()) == []  # nothing made
    target.touch()  # a link to a file that exists is a path like any other
    cache = SQLiteCache(link)
    cache.update("k", "v")
    cache.close()
    assert link.is_symlink() and target.stat().st_size > 0


@parity
async def test_a_link_left_dangling_after_it_opened_is_a_miss_and_makes_nothing(
    mock: MockServer, sync: bool, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    link, target = tmp_path / "replies.db", tmp_path / "real.db"
    target.touch()
    link.symlink_to(target)
    cache = SQLiteCache(link)
    model = make(mock, cache=cache)
    await ask(model, sync, "before")
    cache.close()  # the next use reopens the path: its target is gone by then
    for side in ("", "-wal", "-shm"):
        Path(f"{target}{side}").unlink(missing_ok=True)
    caplog.set_level(logging.WARNING, logger="chatplex.cache")
    reply = await ask(model, sync, "before", config={"timeout": DEADLINE})
    assert "cached" not in reply.response_metadata
    assert len(cache_warnings(caplog, "cannot be opened")) == 1
    assert not target.exists()
