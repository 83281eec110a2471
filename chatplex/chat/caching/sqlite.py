"""`SQLiteCache`: a reply cache in one SQLite file (WAL), shared by the processes of one
machine; a locked, corrupt or read-only file is a miss, never a failed or stalled call
(what each failure is: `faults.py`)."""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Callable
from collections.abc import Iterator
from typing import TYPE_CHECKING
from typing import Any

from .base import BaseCache
from .entries import FORMAT_VERSION
from .faults import LOCKED
from .faults import LOOP_THREAD_WAIT
from .faults import describe
from .faults import is_locked
from .faults import lock_wait_ends
from .faults import on_loop_thread
from .faults import pauses
from .faults import warn_once

if TYPE_CHECKING:
    import sqlite3

__all__ = ["SQLiteCache"]


_SELECT = "SELECT value FROM chatplex_cache WHERE key = ?"
_INSERT = "INSERT OR REPLACE INTO chatplex_cache (key, value, created) VALUES (?, ?, ?)"
_MISS: Any = object()  # an operation that could not be done (said once, in the log)
#: Failures after which the connection is dropped: the next use reopens the file, which
#: may have been replaced or repaired meanwhile.
_REOPEN_AFTER = frozenset({"corrupt", "cannot be opened", "disk I/O error"})


def _why(exc: Exception, path: str) -> str:
    if _dangling(path):
        return (
            f"it is a symbolic link to {os.readlink(path)!r}, which does not exist "
            "(a cache never creates a link's target: make the file, or name another path)"
        )
    if os.path.isdir(path):
        return "it is a folder"
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        return f"its folder {folder!r} does not exist"
    return str(exc)


def _dangling(path: str) -> bool:
    """A symbolic link whose target does not exist (SQLite would create the target)."""
    return os.path.islink(path) and not os.path.exists(path)


class _Tries:
    """The tries of one statement (`SQLiteCache._run`): iterating gives the pause to take
    before each new try (the caller sleeps, or awaits, it); `result` is then the row, or
    `_MISS` when it could not be done."""

    __slots__ = ("_attempt", "result")

    def __init__(self, attempt: Callable[[], tuple[Any, float | None]]) -> None:
        self._attempt = attempt
        self.result: Any = _MISS

    def __iter__(self) -> Iterator[float]:
        while True:
            self.result, pause = self._attempt()
            if pause is None:
                return
            yield pause


class SQLiteCache(BaseCache):
    """A cache in one SQLite file: table `chatplex_cache(key TEXT PRIMARY KEY, value TEXT,
    created REAL)` (`PRAGMA user_version` = `FORMAT_VERSION`), WAL journal, so several
    processes on one machine can read and write it at once. Readable with the `sqlite3`
    CLI or module; values are JSON.

    Never fails nor stalls a call: when another process holds the file's lock, an
    operation waits up to `timeout` s (at most half the time left before the call's
    deadline), retrying between short pauses -- on an event loop with `asyncio.sleep`,
    so the loop keeps running -- then gives up: a miss, or a reply not stored; after a
    wait given up, that operation tries once without waiting until it succeeds again. A
    locked, corrupt or read-only file (also at construction) is logged once per kind on
    `chatplex.cache` and the calls go on without it (`chat/caching/faults.py`); a
    read-only file still serves its hits. A path that cannot hold the file (a folder, a
    missing folder, a symbolic link to nothing: never followed, its target never made)
    raises at construction, a bad setting; one that becomes so later is
    a miss, logged once. `clear()` and `len()` raise instead.

    Picklable (it reopens the file in the other process), and reopened after a fork.

    Args:
        path: the SQLite file (made if missing).
        timeout: the longest an operation waits for another process's lock, in s.

    Raises:
        ValueError: a negative or non-numeric `timeout`, or a path that cannot hold
            the file.

    Examples:
        >>> import os, tempfile
        >>> from chatplex import init_chat_model
        >>> from chatplex.testing import MockServer
        >>> cache = SQLiteCache(os.path.join(tempfile.mkdtemp(), "replies.db"))
        >>> with MockServer() as server:
        ...     model = init_chat_model(
        ...         "openai:gpt-4o-mini",
        ...         base_url=server.openai_base_url,
        ...         api_key="sk-test",
        ...         cache=cache,
        ...     )
        ...     replies = [model.invoke("hi").text, model.invoke("hi").text]
        ...     sent = server.stats.requests
        >>> replies, sent, len(cache)  # the second call is a hit: one request sent
        (['Echo: hi', 'Echo: hi'], 1, 1)
    """

    def __init__(
        self,
        database_path: str | os.PathLike[str] = ".langchain.db",
        *,
        timeout: float = 1.0,
        path: str | os.PathLike[str] | None = None,
    ) -> None:
        # `database_path` and its default are LangChain's (`SQLiteCache(database_path=...)`);
        # `path` is chatplex's earlier name for it.
        if path is not None:
            if database_path != ".langchain.db" and os.fspath(database_path) != os.fspath(path):
                raise TypeError("SQLiteCache got database_path= and path=: pass one of them")
            database_path = path
        if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or timeout < 0:
            raise ValueError(f"timeout must be a number of seconds >= 0, got {timeout!r}")
        self.path = os.fspath(database_path)
        self.timeout = float(timeout)
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        self._pid = 0
        # Statements whose last wait for the lock was in vain: they try once, without
        # waiting, until one succeeds (in WAL, reads go on while writes are locked out).
        self._locked_out: set[str] = set()
        try:  # a bad file is said now, not on the first call; a lock is waited for then
            with self._lock:
                self._connect()
        except Exception as exc:
            if describe(exc) == "cannot be opened":  # a wrong path: an error, before any call
                raise type(exc)(
                    f"cannot open {self.path!r} as a reply cache: {_why(exc, self.path)}"
                ) from None
            if not is_locked(exc):
                self._failed(exc, "opening it")

    def _connect(self) -> sqlite3.Connection:
        conn = self._conn
        if conn is not None and self._pid == os.getpid():
            return conn
        import sqlite3

        if _dangling(self.path):  # never followed: SQLite would create what it points to
            raise sqlite3.OperationalError(f"unable to open database file {self.path!r}")
        # timeout=0: SQLite never waits for a lock itself (it would block the thread,
        # an event loop's too); `_run` / `_arun` wait between attempts instead.
        conn = sqlite3.connect(self.path, timeout=0, isolation_level=None, check_same_thread=False)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")  # WAL: durable at checkpoints, never torn
            conn.execute(
                "CREATE TABLE IF NOT EXISTS chatplex_cache ("
                "key TEXT PRIMARY KEY, value TEXT NOT NULL, created REAL NOT NULL)"
            )
            if conn.execute("PRAGMA user_version").fetchone()[0] != FORMAT_VERSION:
                conn.execute(f"PRAGMA user_version = {FORMAT_VERSION}")
        except BaseException as exc:
            conn.close()  # half set up: the next attempt starts again
            if not (isinstance(exc, sqlite3.Error) and describe(exc) == "read-only"):
                raise
            # A read-only file in a folder we cannot write to (no -shm beside it): its
            # hits can still be read; the stores fail (said once, as read-only).
            conn = self._read_only(sqlite3, exc)
        self._conn, self._pid = conn, os.getpid()
        return conn

    def _read_only(self, module: Any, exc: BaseException) -> sqlite3.Connection:
        from pathlib import Path

        uri = Path(os.path.abspath(self.path)).as_uri()
        # mode=ro reads a WAL file only where its -shm can be made; immutable=1 reads it
        # without one (a change by its owner meanwhile reads as corrupt: a miss).
        for query in ("?mode=ro", "?mode=ro&immutable=1"):
            conn: sqlite3.Connection = module.connect(
                uri + query, uri=True, timeout=0, check_same_thread=False
            )
            conn.isolation_level = None
            try:
                conn.execute("SELECT 1 FROM chatplex_cache LIMIT 1")
            except module.Error:
                conn.close()
                continue
            warn_once(self, describe(exc), exc, "opening it")  # stores will fail: said now
            return conn
        raise exc  # the first failure is the one to report

    def _once(self, sql: str, params: tuple[Any, ...], fetch: bool) -> Any:
        """One attempt, never waiting: the first row (`fetch`) or None; raises on failure."""
        with self._lock:
            cursor = self._connect().execute(sql, params)
            return cursor.fetchone() if fetch else None

    def _run(
        self, sql: str, params: tuple[Any, ...], fetch: bool, deadline: float | None, where: str
    ) -> Any:
        """`_once`, retried while the file is locked; `_MISS` when it could not be done."""
        tries = self._tries(sql, params, fetch, deadline, where, sleeps=True)
        for pause in tries:
            time.sleep(pause)
        return tries.result

    async def _arun(
        self, sql: str, params: tuple[Any, ...], fetch: bool, deadline: float | None, where: str
    ) -> Any:
        """`_run` on an event loop: the pauses yield to it."""
        import asyncio

        tries = self._tries(sql, params, fetch, deadline, where, sleeps=False)
        for pause in tries:
            await asyncio.sleep(pause)
        return tries.result

    def _tries(
        self,
        sql: str,
        params: tuple[Any, ...],
        fetch: bool,
        deadline: float | None,
        where: str,
        sleeps: bool,
    ) -> _Tries:
        waits = self._lock_waits(sql, deadline, sleeps)
        return _Tries(lambda: self._attempt(sql, params, fetch, where, waits))

    def _attempt(
        self,
        sql: str,
        params: tuple[Any, ...],
        fetch: bool,
        where: str,
        waits: Iterator[float],
    ) -> tuple[Any, float | None]:
        """One try of `_run`: (its result, None) when done, (None, the pause to take)
        when the file is locked and there is time to try again."""
        try:
            row = self._once(sql, params, fetch)
        except Exception as exc:
            if not is_locked(exc):
                return self._failed(exc, where), None
            pause = next(waits, None)
            if pause is None:
                return self._gave_up(sql, exc, where), None
            return None, pause
        if self._locked_out:
            self._locked_out.discard(sql)
        return row, None

    def _lock_waits(self, sql: str, deadline: float | None, sleeps: bool) -> Iterator[float]:
        """The pauses between tries on a locked file, timed from the first lock met (a
        generator: nothing is computed until then). `sleeps`: the pauses block the
        thread; on an event loop's thread they must be short."""
        cap = LOOP_THREAD_WAIT if sleeps and on_loop_thread() else None
        yield from pauses(self._wait_ends(sql, deadline, cap))

    def _wait_ends(self, sql: str, deadline: float | None, cap: float | None) -> float:
        if sql in self._locked_out:  # waited in vain lately: try once, do not wait again
            return time.monotonic()
        return lock_wait_ends(self.timeout, deadline, cap)

    def _gave_up(self, sql: str, exc: Exception, where: str) -> Any:
        self._locked_out.add(sql)
        if sql == _SELECT:  # reads locked out: writes are too
            self._locked_out.add(_INSERT)
        warn_once(self, LOCKED, exc, where)
        return _MISS

    def _failed(self, exc: Exception, where: str) -> Any:
        kind = describe(exc)
        warn_once(self, kind, exc, where)
        if kind in _REOPEN_AFTER:
            self._drop_connection()
        return _MISS

    def _drop_connection(self) -> None:
        with self._lock:
            conn, self._conn = self._conn, None
            if conn is not None and self._pid == os.getpid():
                with contextlib.suppress(Exception):
                    conn.close()

    def lookup(self, key: str) -> str | None:
        return self.lookup_within(key, None)

    def update(self, key: str, value: str) -> None:
        self.update_within(key, value, None)

    def lookup_within(self, key: str, deadline: float | None) -> str | None:
        row = self._run(_SELECT, (key,), True, deadline, "looking a reply up")
        return None if row is None or row is _MISS else str(row[0])

    def update_within(self, key: str, value: str, deadline: float | None) -> None:
        self._run(_INSERT, (key, value, time.time()), False, deadline, "storing a reply")

    async def alookup_within(self, key: str, deadline: float | None) -> str | None:
        row = await self._arun(_SELECT, (key,), True, deadline, "looking a reply up")
        return None if row is None or row is _MISS else str(row[0])

    async def aupdate_within(self, key: str, value: str, deadline: float | None) -> None:
        await self._arun(_INSERT, (key, value, time.time()), False, deadline, "storing a reply")

    def _strict(self, sql: str) -> Any:
        """Run `sql` (waiting up to `timeout` for the lock); a failure raises."""
        waits = pauses(lock_wait_ends(self.timeout, None))
        while True:
            try:
                return self._once(sql, (), True)
            except Exception as exc:
                pause = next(waits, None) if is_locked(exc) else None
                if pause is None:
                    raise
                time.sleep(pause)

    def clear(self) -> None:
        self._strict("DELETE FROM chatplex_cache")

    def __len__(self) -> int:
        return int(self._strict("SELECT count(*) FROM chatplex_cache")[0])

    def close(self) -> None:
        """Close this process's connection (the next use reopens it)."""
        self._drop_connection()

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.path,), {"timeout": self.timeout})

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.timeout = state["timeout"]

    def __repr__(self) -> str:
        return f"SQLiteCache({self.path!r})"
