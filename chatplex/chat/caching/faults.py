"""What a reply cache that fails does: it is a miss, said once.

A cache only saves calls, so it never fails one: a lookup that cannot be answered is a
miss, a store that cannot be written is dropped, and nothing is raised to the caller.
Each cache reports each kind of failure (locked, corrupt, read-only, cannot be opened,
or the exception's class for other backends) once per process, as one WARNING on the
`chatplex.cache` logger -- one line, no traceback (DEBUG has it). A logger, not
`warnings.warn`: a locked or damaged file is a condition of the machine, not a misuse of
the API to fix in code; it goes where the application's logs go, and a warnings filter
set to "error" cannot turn it into an exception that fails the call.

Waiting for a lock (`lock_wait_ends`, `pauses`): SQLite is asked never to wait itself
(busy timeout 0); chatplex retries between short pauses -- `time.sleep` on a thread,
`asyncio.sleep` on an event loop, so a locked file never blocks a loop -- until the
cache's `timeout`, half the time left before the call's deadline (the call needs the
rest) or, for a sync call made on a loop's thread, `LOOP_THREAD_WAIT`, whichever comes
first.
"""

from __future__ import annotations

import logging
import sys
import threading
import time
import weakref
from collections.abc import Iterator
from typing import Any

__all__ = [
    "LOCKED",
    "LOOP_THREAD_WAIT",
    "describe",
    "is_locked",
    "lock_wait_ends",
    "log",
    "on_loop_thread",
    "pauses",
    "warn_once",
]

#: Where failing caches are reported.
log = logging.getLogger("chatplex.cache")

#: The longest a sync call made on a running event loop's thread waits for a lock (s).
LOOP_THREAD_WAIT = 0.02
#: Pauses between attempts on a locked file (s), as SQLite's own busy handler spaces
#: them; the last one repeats, so a released lock is seen within 50 ms.
_PAUSES = (0.001, 0.002, 0.005, 0.01, 0.02, 0.05)

# SQLite's primary result codes (`sqlite3.Error.sqlite_errorcode & 0xFF`) by kind.
LOCKED = "locked"
_KINDS = {
    5: LOCKED,  # SQLITE_BUSY: another connection holds the lock
    6: LOCKED,  # SQLITE_LOCKED: a conflict inside one connection's shared cache
    8: "read-only",  # SQLITE_READONLY
    10: "disk I/O error",  # SQLITE_IOERR
    11: "corrupt",  # SQLITE_CORRUPT
    13: "full",  # SQLITE_FULL
    14: "cannot be opened",  # SQLITE_CANTOPEN: a directory, a missing folder, no access
    26: "corrupt",  # SQLITE_NOTADB: not an SQLite file
}
#: What a kind means for the calls, in the warning.
_EFFECT = {
    LOCKED: "another process holds its lock; calls that cannot wait for it are misses "
    "and their replies are not stored",
    "read-only": "replies are not stored (hits are still read where the file is readable)",
}
_EFFECT_DEFAULT = "calls are misses and replies are not stored while it is so"


def describe(exc: BaseException) -> str:
    """The kind of failure `exc` is: one of `_KINDS`' values for an SQLite error (by its
    result code, else by its message, also when SQLAlchemy wraps it), else the
    exception's class name."""
    code = getattr(exc, "sqlite_errorcode", None)  # Python >= 3.11
    if isinstance(code, int) and (code & 0xFF) in _KINDS:
        return _KINDS[code & 0xFF]
    text = str(exc).lower()
    if not (_is_sqlite_error(exc) or "sqlite" in text):  # SQLAlchemy: "(sqlite3.Op...) ..."
        return type(exc).__name__
    for needle, kind in (
        ("locked", LOCKED),
        ("readonly", "read-only"),
        ("not a database", "corrupt"),
        ("malformed", "corrupt"),
        ("unable to open", "cannot be opened"),
        ("disk i/o", "disk I/O error"),
    ):
        if needle in text:
            return kind
    return type(exc).__name__


def _is_sqlite_error(exc: BaseException) -> bool:
    sqlite3 = sys.modules.get("sqlite3")
    return sqlite3 is not None and isinstance(exc, sqlite3.Error)


def is_locked(exc: BaseException) -> bool:
    """Whether `exc` says another connection holds the lock (worth waiting for)."""
    return describe(exc) == LOCKED


# ---- once per cache and kind ------------------------------------------------------------

_warned: weakref.WeakKeyDictionary[Any, set[str]] = weakref.WeakKeyDictionary()
_warned_by_id: dict[int, set[str]] = {}  # caches that take no weak reference
_warned_lock = threading.Lock()


def warn_once(cache: object, kind: str, exc: BaseException | None, where: str) -> bool:
    """Log that `cache` failed with `kind` (`where`: what it was doing), unless it was
    said already for this cache and kind; True when logged now."""
    with _warned_lock:
        try:
            seen = _warned.setdefault(cache, set())
        except TypeError:
            seen = _warned_by_id.setdefault(id(cache), set())
        if kind in seen:
            first = False
        else:
            seen.add(kind)
            first = True
    if first:
        effect = _EFFECT.get(kind, _EFFECT_DEFAULT)
        error = f"{type(exc).__name__}: {exc}; " if exc is not None else ""
        log.warning(
            "reply cache %r %s (%sseen while %s): %s. Calls go on without it; this is "
            "logged once per cache and kind of failure.",
            cache,
            _kind_phrase(kind),
            error,
            where,
            effect,
        )
    if exc is not None and log.isEnabledFor(logging.DEBUG):
        log.debug("reply cache %r failed while %s", cache, where, exc_info=exc)
    return first


def _kind_phrase(kind: str) -> str:
    if kind in (LOCKED, "read-only", "corrupt", "full"):
        return f"is {kind}"
    if kind == "cannot be opened":
        return kind
    return "failed"  # the exception's class follows


# ---- waiting for a lock -----------------------------------------------------------------


def lock_wait_ends(timeout: float, deadline: float | None, cap: float | None = None) -> float:
    """The `time.monotonic()` instant after which an operation stops waiting for a lock:
    `timeout` from now, but never past half the time left before the call's `deadline`
    (monotonic; the call itself needs the rest) nor `cap` from now."""
    now = time.monotonic()
    wait = timeout if cap is None else min(timeout, cap)
    if deadline is not None:
        wait = min(wait, (deadline - now) / 2)
    return now + max(0.0, wait)


def pauses(end: float) -> Iterator[float]:
    """The pauses to take between attempts until `end` (monotonic); each is cut to the
    time left, and none comes once it is reached."""
    step = 0
    while True:
        left = end - time.monotonic()
        if left <= 0:
            return
        yield min(_PAUSES[min(step, len(_PAUSES) - 1)], left)
        step += 1


def on_loop_thread() -> bool:
    """Whether an event loop runs on this thread (a sync call made inside async code)."""
    events = sys.modules.get("asyncio.events")  # asyncio not imported: no loop runs
    return events is not None and events._get_running_loop() is not None
