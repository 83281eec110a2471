"""A budget shared by every process of one machine, with no server: a 4 KiB file mapped
into memory and locked with `fcntl.flock` for each admission and release.

Why this and not SQLite: both need no server and survive a crash, but a permit (acquire
and release) costs ~9 us here against ~17 us for the same two SQLite WAL `BEGIN
IMMEDIATE` transactions even with `synchronous=OFF` (bench/bench_scale.py measures both),
and the limiter's whole state is five numbers and a count: no schema to migrate.

A process that dies holding in-flight slots does not leak them: every process counts its
slots in a row of its own (pid, count); when the cap is reached, the rows of processes
that no longer exist are reaped. The kernel drops a dead process's `flock` by itself.
Waiters poll: one per process (and event loop) at a time, at its computed time or every
POLL s when only a release can make room; the others queue in the process in arrival
order. There is no cross-process queue: arrival order is not kept across processes.

>>> budget = machine_budget(("openai", "https://api.openai.com/v1", "d1g3st", "m"),
...                         RateLimit(600))  # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import hashlib
import math
import mmap
import os
import struct
import tempfile
import threading
import time
import weakref
from collections.abc import Awaitable, Callable, Iterator, Mapping
from pathlib import Path

from ..errors import DeadlineExceededError
from ._budget_shared import SharedPermit
from ._ratelimit import MAX_PAUSE, RateLimit
from ._schedule import Schedule, admit, schedule_fields, settle

__all__ = ["POLL", "MachineBudget", "budget_dir", "machine_budget"]

POLL = 0.005  #: seconds between polls of a waiter that only a release can admit
LOCK_WAIT = 5.0  #: the longest (s) a process waits for the file lock before giving up
_MAGIC = b"CPXB"
_NUMBERS = schedule_fields()  # the Schedule's floats, in the order the file keeps them
_VERSION = 2  # 2: the pace's learned state is shared too (1: five numbers)
_HEADER = struct.Struct(f"<4sI{len(_NUMBERS)}dq")  # magic, version, the numbers, in flight
_ROW = struct.Struct("<iI")  # pid, its slots in flight
_ROWS = 480  # processes that can hold slots at once
_SIZE = _HEADER.size + _ROWS * _ROW.size


def budget_dir() -> Path:
    """Where machine budgets live: $CHATPLEX_BUDGET_DIR, else a per-user temp directory."""
    home = os.environ.get("CHATPLEX_BUDGET_DIR")
    if home:
        return Path(home)
    return Path(tempfile.gettempdir()) / f"chatplex-budgets-{os.getuid()}"


def budget_file(key: tuple[str, ...]) -> Path:
    """The file of `key`'s budget, named by a digest of the key (it names no secret)."""
    digest = hashlib.sha256("\0".join(key).encode()).hexdigest()[:32]
    return budget_dir() / f"{digest}.budget"


class MachineBudget:
    """A budget whose numbers are in a file every process of the machine maps.

    `limit` is this process's configured limits (each sharer paces by its own; give them
    the same). `clock`/`sleep`/`asleep` are injectable for tests; the clock must be one
    all sharers read (the default, `time.monotonic`, is system-wide on Linux).
    """

    counts_tokens: bool

    def __init__(
        self,
        limit: RateLimit,
        path: Path,
        *,
        key: tuple[str, ...] = (),
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], object] = time.sleep,
        asleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        self.key = key
        self.path = path
        self.limit = limit
        self.counts_tokens = bool(limit.tokens_per_minute)
        #: As `Budget.max_pause`: models lower it to their `max_retry_after`.
        self.max_pause = MAX_PAUSE
        self._clock, self._sleep, self._asleep = clock, sleep, asleep
        self._lock = threading.Lock()  # flock is per open file: threads take turns here
        self._head = threading.Lock()  # the sync waiter polling the file (see acquire)
        self._aheads: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )  # the same, one per event loop
        self._pid = -1
        self._row = -1  # this process's row, found on its first admission
        self._map: mmap.mmap | None = None
        self._fd = -1

    def __repr__(self) -> str:
        return f"MachineBudget({self.limit!r}, path={str(self.path)!r})"

    def set_limit(self, limit: RateLimit) -> None:
        self.limit = limit
        self.counts_tokens = bool(limit.tokens_per_minute)

    @property
    def in_flight(self) -> int:
        """Permits out in every process (dead processes' included until reaped)."""
        with self._locked() as view:
            return _read(view)[1]

    # ---- admission ----------------------------------------------------------------------

    def acquire(self, tokens: int, *, deadline: float | None = None) -> SharedPermit:
        """Block until a request of `tokens` may be sent; DeadlineExceededError, holding
        nothing, if that cannot happen before `deadline` (a value of `clock`)."""
        step = self._try(tokens, deadline)
        if isinstance(step, SharedPermit):
            return step
        # One waiter of this process polls the file at a time, the others queue here in
        # arrival order (without it, N waiters would all wake to take one permit).
        if not self._head.acquire(timeout=-1 if deadline is None else self._left(deadline)):
            raise DeadlineExceededError("the deadline passed while waiting in the rate limiter")
        try:
            while True:
                step = self._try(tokens, deadline)
                if isinstance(step, SharedPermit):
                    return step
                self._sleep(step)
        finally:
            self._head.release()

    async def aacquire(self, tokens: int, *, deadline: float | None = None) -> SharedPermit:
        """The async `acquire`; a cancelled waiter holds nothing."""
        step = self._try(tokens, deadline)
        if isinstance(step, SharedPermit):
            return step
        loop = asyncio.get_running_loop()
        head = self._aheads.get(loop)
        if head is None:
            head = self._aheads[loop] = asyncio.Lock()
        try:
            await asyncio.wait_for(
                head.acquire(), None if deadline is None else self._left(deadline)
            )
        except asyncio.TimeoutError:
            raise DeadlineExceededError(
                "the deadline passed while waiting in the rate limiter"
            ) from None
        try:
            while True:
                step = self._try(tokens, deadline)
                if isinstance(step, SharedPermit):
                    return step
                await self._asleep(step)
        finally:
            head.release()

    def _left(self, deadline: float) -> float:
        return max(0.0, deadline - self._clock())

    def _try(self, tokens: int, deadline: float | None) -> SharedPermit | float:
        with self._locked() as view:
            now = self._clock()
            schedule, in_flight = _read(view)
            if schedule.is_stale(now):
                schedule = Schedule.fresh(now)
            limit = self.limit
            wait = admit(schedule, limit, now=now, tokens=tokens, in_flight=in_flight)
            if wait == math.inf:  # at the cap: maybe dead processes hold some of it
                in_flight = _reap(view, in_flight)
                wait = admit(schedule, limit, now=now, tokens=tokens, in_flight=in_flight)
            if wait <= 0.0:
                in_flight += 1
                self._count(view, +1)
            _write(view, schedule, in_flight)
        if wait <= 0.0:
            return SharedPermit(self._settle, tokens, now)
        if deadline is not None and now + (0.0 if wait == math.inf else wait) >= deadline:
            raise DeadlineExceededError("the deadline passed while waiting in the rate limiter")
        step = POLL if wait == math.inf else wait
        return step if deadline is None else min(step, max(0.0, deadline - now))

    def _settle(
        self,
        permit: SharedPermit,
        used: int | None,
        status: int | None,
        ra: float | None,
        headers: Mapping[str, str] | None,
    ) -> None:
        with self._locked() as view:
            now = self._clock()
            schedule, in_flight = _read(view)
            if schedule.is_stale(now):
                schedule = Schedule.fresh(now)
            if self._count(view, -1):
                in_flight = max(0, in_flight - 1)
            settle(
                schedule,
                self.limit,
                now=now,
                admitted_at=permit.admitted_at,
                tokens=permit.tokens,
                used=used,
                status=status,
                retry_after=ra,
                max_pause=self.max_pause,
                headers=headers,
                in_flight=in_flight,
            )
            _write(view, schedule, in_flight)

    # ---- the file -------------------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self) -> Iterator[mmap.mmap]:
        with self._lock:
            if self._pid != os.getpid():  # first use, or a forked child: its own open file
                self._open()
            assert self._map is not None
            _flock(self._fd)
            try:
                yield self._map
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)

    def _open(self) -> None:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            _flock(fd)
            try:
                if os.fstat(fd).st_size < _SIZE:
                    os.ftruncate(fd, _SIZE)  # zeros: read as a fresh schedule
                view = mmap.mmap(fd, _SIZE)
            finally:
                fcntl.flock(fd, fcntl.LOCK_UN)
        except BaseException:
            os.close(fd)
            raise
        self._fd, self._map, self._pid, self._row = fd, view, os.getpid(), -1

    def _count(self, view: mmap.mmap, delta: int) -> bool:
        """Add `delta` to this process's slots; False if it had none to give back (its
        row was reaped, so the total no longer counts them)."""
        pid = self._pid
        row = self._row
        if row < 0 or _ROW.unpack_from(view, _offset(row))[0] != pid:
            row = self._row = _find_row(view, pid)
        if row < 0:
            return False
        held = _ROW.unpack_from(view, _offset(row))[1]
        if held + delta < 0:
            return False
        _ROW.pack_into(view, _offset(row), pid, held + delta)
        return True

    def close(self) -> None:
        """Unmap the file (the budget reopens it on its next use)."""
        with self._lock:
            if self._map is not None and self._pid == os.getpid():
                self._map.close()
                os.close(self._fd)
            self._map, self._fd, self._pid = None, -1, -1


def _flock(fd: int) -> None:
    """Take the file lock, waiting at most LOCK_WAIT (a holder stopped, not dead, would
    otherwise hold every sharer forever; a dead holder's lock is dropped by the kernel)."""
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        return
    except BlockingIOError:
        pass
    give_up = time.monotonic() + LOCK_WAIT
    pause = 0.0001
    while True:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            return
        except BlockingIOError:
            if time.monotonic() >= give_up:
                raise TimeoutError(
                    f"a machine rate-limit budget's file lock was held over {LOCK_WAIT} s"
                ) from None
            time.sleep(pause)
            pause = min(pause * 2, 0.005)


def _offset(row: int) -> int:
    return _HEADER.size + row * _ROW.size


def _read(view: mmap.mmap) -> tuple[Schedule, int]:
    magic, version, *numbers, in_flight = _HEADER.unpack_from(view, 0)
    if magic != _MAGIC or version != _VERSION:
        return Schedule.fresh(-math.inf), 0  # a new file; is_stale() is false, max() wins
    return Schedule(**dict(zip(_NUMBERS, numbers, strict=True))), in_flight


def _write(view: mmap.mmap, s: Schedule, in_flight: int) -> None:
    numbers = [getattr(s, name) for name in _NUMBERS]
    _HEADER.pack_into(view, 0, _MAGIC, _VERSION, *numbers, in_flight)


def _find_row(view: mmap.mmap, pid: int) -> int:
    """This pid's row, else a free one claimed for it (-1: none free)."""
    free = -1
    for row in range(_ROWS):
        owner, held = _ROW.unpack_from(view, _offset(row))
        if owner == pid:
            return row
        if free < 0 and (owner == 0 or (held == 0 and not _alive(owner))):
            free = row
    if free >= 0:
        _ROW.pack_into(view, _offset(free), pid, 0)
    return free


def _reap(view: mmap.mmap, in_flight: int) -> int:
    """Free the slots of processes that are gone; the new count in flight."""
    for row in range(_ROWS):
        owner, held = _ROW.unpack_from(view, _offset(row))
        if owner and held and not _alive(owner):
            _ROW.pack_into(view, _offset(row), 0, 0)
            in_flight -= held
    return max(0, in_flight)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's process: alive
        return True
    return True


_budgets: dict[tuple[str, ...], MachineBudget] = {}
_budgets_lock = threading.Lock()


def machine_budget(key: tuple[str, ...], limit: RateLimit) -> MachineBudget:
    """This process's handle on the machine-wide budget of `key`, made on first use; a
    different `limit` replaces the handle's from its next admission on."""
    with _budgets_lock:
        budget = _budgets.get(key)
        if budget is None:
            budget = _budgets[key] = MachineBudget(limit, budget_file(key), key=key)
    if budget.limit != limit:
        budget.set_limit(limit)
    return budget
