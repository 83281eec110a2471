"""A budget shared by every process of one machine, with no server: a small file mapped
into memory and locked with `fcntl.flock` for each admission and release.

Why this and not SQLite: both need no server and survive a crash, but a permit (acquire
and release) costs ~9 us here against ~17 us for the same two SQLite WAL `BEGIN
IMMEDIATE` transactions even with `synchronous=OFF` (bench/bench_scale.py measures both),
and the limiter's whole state is five numbers and a count: no schema to migrate.

Where the files live (`budget_dir`): a directory of the user's own, never a guessable
shared path another user could create first -- `$XDG_RUNTIME_DIR/chatplex/budgets` when
that is the user's, else `~/.cache/chatplex/budgets` (`$XDG_CACHE_HOME` honoured), or
`$CHATPLEX_BUDGET_DIR`. The directory is made 0700 and refused (`PermissionError` naming
it and why) unless owned by the user with no group/other write; a file is opened
`O_NOFOLLOW` relative to that directory, made 0600, and refused unless a regular file of
the user's: a planted symlink or directory is never written through.

A process that dies holding in-flight slots does not leak them: every process counts its
slots in a row of its own (pid, count, start time); when the cap is reached, the rows of
processes that are gone -- exited, or killed and not yet reaped (a zombie), or whose pid
now names a newer process -- are freed. The kernel drops a dead process's `flock` by
itself; a live holder that stopped (SIGSTOP, a debugger) keeps it, so a lock wait is
bounded by the call's deadline and by LOCK_WAIT, and its error names the holder's pid
(each holder writes its pid in the file: an `flock` has no owner to ask for, and
`F_OFD_GETLK` reports none either; process-owned `F_SETLK` locks would, but two handles
of one process would not exclude each other and any close would drop them). A release
that cannot get the lock within RELEASE_WAIT is owed, settled by the process's next
lock, rather than stalling the caller or failing a call that has its answer.
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
import threading
import time
import weakref
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import DeadlineExceededError
from ..errors import LockTimeoutError
from ._budget_files import budget_dir
from ._budget_files import describe_pid
from ._budget_files import is_gone
from ._budget_files import open_budget_file
from ._budget_files import process_start
from ._budget_shared import Outcome
from ._budget_shared import RateLimit
from ._budget_shared import SharedPermit
from ._budget_shared import pacing_clock
from ._schedule import MAX_PAUSE
from ._schedule import Schedule
from ._schedule import admit
from ._schedule import schedule_fields
from ._schedule import settle

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from ._budget_shared import PacingClock

__all__ = ["POLL", "MachineBudget", "machine_budget"]

POLL = 0.005  #: seconds between polls of a waiter that only a release can admit
LOCK_WAIT = 5.0  #: the longest (s) a process waits for the file lock before giving up
RELEASE_WAIT = 0.05  #: the longest (s) a release waits for the lock before owing it
_LOCK_PAUSE = 0.0001, 0.005  #: first and longest pause (s) between tries of a taken lock
_MAGIC = b"CPXB"
_NUMBERS = schedule_fields()  # the Schedule's floats, in the order the file keeps them
#: 2: the pace's learned state is shared, rows keep their process's start, the lock
#: holder's pid follows the rows (1: five numbers, rows of pid and slots).
_VERSION = 5  # 5: the count of cuts in vain keeps its successes, start and share (4: grew it)
_HEADER = struct.Struct(f"<4sI{len(_NUMBERS)}dq")  # magic, version, the numbers, in flight
_ROW = struct.Struct("<iIQ")  # pid, its slots in flight, its start (process_start)
_ROWS = 480  # processes that can hold slots at once
_HOLDER = struct.Struct("<i")  # the pid holding the file lock (0: none), after the rows
_HOLDER_AT = _HEADER.size + _ROWS * _ROW.size
_SIZE = _HOLDER_AT + _HOLDER.size

#: A release not yet settled: the permit and what its answer said (see `_release`).
Owed = tuple[SharedPermit, Outcome]


def budget_file(key: tuple[str, ...]) -> Path:
    """The file of `key`'s budget, named by a digest of the key (it names no secret)."""
    digest = hashlib.sha256("\0".join(key).encode()).hexdigest()[:32]
    return budget_dir() / f"{digest}.budget"


class MachineBudget:
    """A budget whose numbers are in a file every process of the machine maps.

    `limit` is this process's configured limits (each sharer paces by its own; give them
    the same). `clock`/`sleep`/`asleep`: a `PacingClock`, injectable for tests (the clock
    one all sharers read).
    """

    counts_tokens: bool

    def __init__(
        self,
        limit: RateLimit,
        path: Path,
        *,
        key: tuple[str, ...] = (),
        **clocks: Unpack[PacingClock],
    ) -> None:
        self.key = key
        self.path = path
        self.limit = limit
        self.counts_tokens = bool(limit.tokens_per_minute)
        #: As `Budget.max_pause` (the longest pause, and the longest spacing of this
        #: process's admissions under a learned pace): models lower it to their
        #: `max_retry_after`.
        self.max_pause = MAX_PAUSE
        self._clock, self._sleep, self._asleep = pacing_clock(clocks)
        self._lock = threading.Lock()  # flock is per open file: threads take turns here
        self._head = threading.Lock()  # the sync waiter polling the file (see acquire)
        self._aheads: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Lock] = (
            weakref.WeakKeyDictionary()
        )  # the same, one per event loop
        self._pid = -1
        self._started = 0  # this process's start time, recorded in its row
        self._row = -1  # this process's row, found on its first admission
        self._holding: int | None = None  # the thread holding the file lock now
        #: Releases not yet settled: the file lock was not free within RELEASE_WAIT.
        self._owed: list[Owed] = []
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
        """The async `acquire`; a cancelled waiter holds nothing. A file lock held by
        another process is waited for without blocking the event loop."""
        step = await self._atry(tokens, deadline)
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
        except TimeoutError:
            raise DeadlineExceededError(
                "the deadline passed while waiting in the rate limiter"
            ) from None
        try:
            while True:
                step = await self._atry(tokens, deadline)
                if isinstance(step, SharedPermit):
                    return step
                await self._asleep(step)
        finally:
            head.release()

    def _left(self, deadline: float) -> float:
        return max(0.0, deadline - self._clock())

    def _try(self, tokens: int, deadline: float | None) -> SharedPermit | float:
        with self._locked(deadline) as view:
            now = self._clock()
            schedule, in_flight = _read(view)
            if schedule.is_stale(now):
                schedule = Schedule.fresh(now)
            limit, bounds = self.limit, {"max_pause": self.max_pause}
            wait = admit(schedule, limit, now=now, tokens=tokens, in_flight=in_flight, **bounds)
            if wait == math.inf:  # at the cap: maybe dead processes hold some of it
                in_flight = _reap(view, in_flight)
                wait = admit(schedule, limit, now=now, tokens=tokens, in_flight=in_flight, **bounds)
            if wait <= 0.0:
                in_flight += 1
                self._count(view, +1)
            _write(view, schedule, in_flight)
        if wait <= 0.0:
            return SharedPermit(self._release, tokens, now)
        if deadline is not None and now + (0.0 if wait == math.inf else wait) >= deadline:
            raise DeadlineExceededError("the deadline passed while waiting in the rate limiter")
        step = POLL if wait == math.inf else wait
        return step if deadline is None else min(step, max(0.0, deadline - now))

    async def _atry(self, tokens: int, deadline: float | None) -> SharedPermit | float:
        """`_try` once the file lock is held, waiting for it with `asyncio.sleep` (real
        time: the holder's progress is real) instead of blocking the loop."""
        bound: tuple[float, bool] | None = None
        pause = _LOCK_PAUSE[0]
        while True:
            if self._lock.acquire(blocking=False):  # never wait on a thread in a loop
                try:
                    if self._take_file_lock():
                        try:
                            self._begin()
                            return self._try(tokens, deadline)  # _locked: already held
                        finally:
                            self._end()
                finally:
                    self._lock.release()
            if bound is None:
                bound = self._lock_bound(deadline)
            left = bound[0] - time.monotonic()
            if left <= 0:
                raise self._stuck(bound[1])
            await asyncio.sleep(min(pause, left))
            pause = min(pause * 2, _LOCK_PAUSE[1])

    def _settle(self, owed: Owed) -> None:
        """Teach the shared schedule what one release reported, and free its slot."""
        permit, answer = owed
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
                answer,
                now=now,
                admitted_at=permit.admitted_at,
                tokens=permit.tokens,
                max_pause=self.max_pause,
                in_flight=in_flight,
            )
            _write(view, schedule, in_flight)

    # ---- the file -------------------------------------------------------------------------

    @contextlib.contextmanager
    def _locked(self, deadline: float | None = None) -> Iterator[mmap.mmap]:
        """The mapped file, locked: waited for at most until `deadline` (a value of
        `clock`) and LOCK_WAIT, then DeadlineExceededError / LockTimeoutError naming the
        holder (a stopped process keeps its lock; a dead one's is dropped by the kernel)."""
        if self._holding == threading.get_ident():  # inside a step that holds it
            assert self._map is not None
            yield self._map
            return
        bound: tuple[float, bool] | None = None  # computed only when a lock is busy
        if not self._lock.acquire(blocking=False):
            bound = self._lock_bound(deadline)
            if not self._lock.acquire(timeout=max(0.0, bound[0] - time.monotonic())):
                raise self._stuck(bound[1])  # a thread of ours waits on the holder too
        try:
            if not self._take_file_lock():
                bound = bound or self._lock_bound(deadline)
                if not self._take_file_lock_by(bound[0]):
                    raise self._stuck(bound[1])
            try:
                yield self._begin()
            finally:
                self._end()
        finally:
            self._lock.release()

    def _take_file_lock_by(self, give_up: float) -> bool:
        """`_take_file_lock`, retried with growing pauses until `give_up` (monotonic)."""
        pause = _LOCK_PAUSE[0]
        while not self._take_file_lock():
            left = give_up - time.monotonic()
            if left <= 0:
                return False
            time.sleep(min(pause, left))
            pause = min(pause * 2, _LOCK_PAUSE[1])
        return True

    def _begin(self) -> mmap.mmap:
        """With the file lock just taken (and `_lock`): mark this thread as its holder
        (nested `_locked` calls reuse it) and settle what releases left owed."""
        self._holding = threading.get_ident()
        while self._owed:
            self._settle(self._owed.pop(0))
        assert self._map is not None
        return self._map

    def _end(self) -> None:
        self._holding = None
        self._drop_file_lock()

    def _release(self, permit: SharedPermit, answer: Outcome) -> None:
        """A permit's release: settled at once when the file lock comes within
        RELEASE_WAIT, else owed and settled by this process's next lock -- so a stopped
        lock holder neither holds the caller (and its event loop) 5 s nor fails a call
        that has its answer. The slot stays counted until then."""
        owed: Owed = (permit, answer)
        if self._lock.acquire(timeout=RELEASE_WAIT):
            try:
                if self._take_file_lock() or self._take_file_lock_by(
                    time.monotonic() + RELEASE_WAIT
                ):
                    try:
                        self._begin()
                        self._settle(owed)
                    finally:
                        self._end()
                    return
            finally:
                self._lock.release()
        self._owed.append(owed)  # (list.append is atomic: no lock needed)

    def _lock_bound(self, deadline: float | None) -> tuple[float, bool]:
        """When (time.monotonic) to stop waiting for the file lock, and whether that is
        the call's deadline rather than LOCK_WAIT."""
        wait, by_deadline = LOCK_WAIT, False
        if deadline is not None:
            left = max(0.0, deadline - self._clock())
            if left < wait:
                wait, by_deadline = left, True
        return time.monotonic() + wait, by_deadline

    def _take_file_lock(self) -> bool:
        """Take the file lock if it is free (the caller holds `_lock`), recording this
        process as its holder; False if another process holds it."""
        if self._pid != os.getpid():  # first use, or a forked child: its own open file
            self._open()
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        try:
            if self._map is None:  # the first lock of this open file: size it, map it
                if os.fstat(self._fd).st_size < _SIZE:
                    os.ftruncate(self._fd, _SIZE)  # zeros: read as a fresh schedule
                self._map = mmap.mmap(self._fd, _SIZE)
            _HOLDER.pack_into(self._map, _HOLDER_AT, self._pid)
        except BaseException:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            raise
        return True

    def _drop_file_lock(self) -> None:
        if self._map is not None:
            _HOLDER.pack_into(self._map, _HOLDER_AT, 0)
        fcntl.flock(self._fd, fcntl.LOCK_UN)

    def _stuck(self, by_deadline: bool) -> Exception:
        """The error of a lock wait given up: who holds the lock, and which file."""
        try:
            (holder,) = _HOLDER.unpack(os.pread(self._fd, _HOLDER.size, _HOLDER_AT))
        except (OSError, struct.error):
            holder = 0
        who = describe_pid(holder)
        if by_deadline:
            return DeadlineExceededError(
                f"the deadline passed while waiting for the lock of the machine rate-limit "
                f"budget file {self.path}, held by {who}"
            )
        return LockTimeoutError(
            f"the lock of the machine rate-limit budget file {self.path} has been held "
            f"over {LOCK_WAIT} s by {who}; a stopped process keeps it until it runs again "
            "(kill -CONT or end it)",
            path=str(self.path),
            holder=holder,
        )

    def _open(self) -> None:
        """Open the file (its directory and the file checked: `open_budget_file`); it is
        sized and mapped under its first lock."""
        if self._map is not None and self._pid != os.getpid():
            self._map.close()  # a forked child: the parent's mapping is not its lock
            os.close(self._fd)
        fd = open_budget_file(self.path)
        self._fd, self._map, self._pid, self._row = fd, None, os.getpid(), -1
        self._owed = []  # a forked child owes nothing of its parent's
        self._started = process_start(self._pid)

    def _count(self, view: mmap.mmap, delta: int) -> bool:
        """Add `delta` to this process's slots; False if it had none to give back (its
        row was reaped, so the total no longer counts them)."""
        pid = self._pid
        row = self._row
        if row < 0 or _ROW.unpack_from(view, _offset(row))[0] != pid:
            row = self._row = _find_row(view, pid, self._started)
        if row < 0:
            return False
        held = _ROW.unpack_from(view, _offset(row))[1]
        if held + delta < 0:
            return False
        _ROW.pack_into(view, _offset(row), pid, held + delta, self._started)
        return True

    def close(self) -> None:
        """Unmap the file (the budget reopens it on its next use), after settling the
        releases still owed if the lock comes within LOCK_WAIT."""
        if self._owed and self._pid == os.getpid():
            with contextlib.suppress(TimeoutError), self._locked():
                pass  # taking the lock settles them
        with self._lock:
            if self._pid == os.getpid():
                if self._map is not None:
                    self._map.close()
                os.close(self._fd)
            self._map, self._fd, self._pid = None, -1, -1


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


def _find_row(view: mmap.mmap, pid: int, started: int) -> int:
    """This pid's row, else a free one claimed for it (-1: none free)."""
    free = -1
    for row in range(_ROWS):
        owner, held, since = _ROW.unpack_from(view, _offset(row))
        if owner == pid and (not since or not started or since == started):
            return row
        if free < 0 and (owner == 0 or (held == 0 and is_gone(owner, since))):
            free = row  # (a row of an earlier process with our pid and slots: _reap's)
    if free >= 0:
        _ROW.pack_into(view, _offset(free), pid, 0, started)
    return free


def _reap(view: mmap.mmap, in_flight: int) -> int:
    """Free the slots of processes that are gone (exited, zombies, their pid reused); the
    new count in flight."""
    for row in range(_ROWS):
        owner, held, since = _ROW.unpack_from(view, _offset(row))
        if owner and held and is_gone(owner, since):
            _ROW.pack_into(view, _offset(row), 0, 0, 0)
            in_flight -= held
    return max(0, in_flight)


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
