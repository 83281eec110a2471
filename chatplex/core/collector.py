"""The garbage collector while a batch runs (decision 015): its young threshold raised,
and the objects the process holds at the batch's start frozen out of its way.

CPython collects its youngest generation every 700 net container allocations (2,000 from
3.13). A batch keeps its calls' objects alive across awaits (64 in flight; LangChain's
`RunnableSequence.abatch` holds each step's outputs until the next step), so young
collections promote them, and the full collections that the promotions set off walk the
whole heap, every imported module's objects included, to free nothing. The first batch
to start raises the young threshold to 10,000 and calls `gc.freeze()`: what existed
before it (modules, classes, the previous step's outputs) is left out of every
collection until `gc.unfreeze()` gives it back, after the last batch. A drop-in's
`prompt | model | parser` abatch spent a third of its CPU in those full collections.

The collector is one per process, and so is this setting: the last batch to end puts
back the threshold it found, unless something set another meanwhile (that one stays).
What the first batch froze is thawed by the first collection that comes `THAW_AFTER`
seconds after the last batch ends (a `gc.callbacks` entry), so that a chain's next steps
still find it frozen (a batch starting meanwhile keeps it so). A thaw matters only to
the collections after it, so the first of them makes it: no timer thread (after an
`abatch`, one that a fork on Python 3.12+ would warn about).
A process that froze objects itself (a server before it forks) keeps them as they are:
no freeze, no thaw. Nothing changes where the collector is disabled; a threshold already
as high stays. `CHATPLEX_GC_THRESHOLD` sets the value (0: leave the collector alone).
What is given up: cyclic garbage waits for 10,000 allocations, a few dozen calls,
instead of 700; a cycle among objects older than the first batch waits until a
collection after the batches pause for `THAW_AFTER` seconds. Objects made after it are
never frozen, so what waits is bounded by the heap the first batch found. A freeze the
process makes while chatplex's is in force is thawed with it (CPython thaws all or
nothing).
"""

from __future__ import annotations

import gc
import os
import threading
import time
from contextlib import AbstractContextManager
from typing import Any

__all__ = ["BATCH_YOUNG_THRESHOLD", "batching", "wanted_threshold"]

#: The young threshold while a batch runs (`CHATPLEX_GC_THRESHOLD` overrides it).
BATCH_YOUNG_THRESHOLD = 10_000
_VARIABLE = "CHATPLEX_GC_THRESHOLD"

_lock = threading.Lock()
_running = 0  # batches running now, in every thread and event loop
_raised: tuple[int, int] | None = None  # (the threshold found, the one set) while raised
_frozen = False  # whether this module's `gc.freeze()` is in force
_foreign = False  # whether the process froze objects of its own: left alone for good
#: Seconds after the last batch ends before a collection thaws what it froze: the steps
#: of a chain after a batch (LangChain's parser over every input) still find it frozen,
#: and a batch starting meanwhile keeps it so.
THAW_AFTER = 10.0


_thaw_at = 0.0  # when a collection may thaw (`_now()`): `THAW_AFTER` after the last end
_now = time.monotonic  # (tests put in a clock of their own)


class _Batch:
    """`with batching():` (a class, not `@contextmanager`: that writes a new traceback
    onto the error a batch raises, which an exception taking no attribute refuses)."""

    __slots__ = ()

    def __enter__(self) -> None:
        _start(wanted_threshold())

    def __exit__(self, *raised: object) -> None:
        _end()


_BATCH = _Batch()


def batching() -> AbstractContextManager[None]:
    """The young threshold raised and older objects frozen for the duration (see the
    module docstring); batches may nest and overlap, in threads and event loops alike."""
    return _BATCH


def wanted_threshold() -> int:
    """The young threshold a batch asks for: `CHATPLEX_GC_THRESHOLD`, else
    `BATCH_YOUNG_THRESHOLD` (0: none); ValueError naming the variable for a bad value."""
    value = os.environ.get(_VARIABLE)
    if value is None or not value.strip():
        return BATCH_YOUNG_THRESHOLD
    try:
        wanted = int(value)
    except ValueError:
        wanted = -1
    if wanted < 0:
        raise ValueError(f"{_VARIABLE} must be a whole number >= 0 (0: off), got {value!r}")
    return wanted


def _start(wanted: int) -> None:
    global _running, _raised
    with _lock:
        _running += 1
        if _running > 1:
            return
        if not wanted or not gc.isenabled():
            return
        young, *older = gc.get_threshold()
        if young < wanted:
            _raised = (young, wanted)
            gc.set_threshold(wanted, *older)
        _freeze()


def _freeze() -> None:
    """Every object tracked so far moved out of the collections' way (`gc.freeze()`),
    unless the process froze some of its own (a server that freezes before forking
    keeps what it chose: no freeze, no thaw, from then on). `gc.get_freeze_count()`
    walks what is frozen: it is asked only while nothing of ours is, where it is 0 at
    once, or counts a foreign freeze once."""
    global _frozen, _foreign
    if _frozen or _foreign:
        return
    if gc.get_freeze_count():
        _foreign = True
        return
    gc.freeze()
    _frozen = True


def _end() -> None:
    global _running
    with _lock:
        # (Not below 0: a forked child that goes on with its parent's batch ends it too.)
        _running = max(_running - 1, 0)
        if not _running:
            _put_back()
            _thaw_later()


def _put_back() -> None:
    """The threshold found, back where it was raised (else something set its own
    meanwhile: that one stays)."""
    global _raised
    if _raised is None:
        return
    found, raised = _raised
    _raised = None
    young, *older = gc.get_threshold()
    if young == raised:
        gc.set_threshold(found, *older)


def _thaw_later() -> None:
    """Thawed by the first collection `THAW_AFTER` seconds from now (`_on_collection`);
    batches that end meanwhile move the moment on."""
    global _thaw_at
    if _frozen:
        _thaw_at = _now() + THAW_AFTER
        # Left there once added: removing it while a collection calls the list would skip
        # the entry after it. Looked for at each end, in case the list was cleared.
        if _on_collection not in gc.callbacks:
            gc.callbacks.append(_on_collection)


def _on_collection(phase: str, info: Any) -> None:
    """A `gc.callbacks` entry, there from the first batch's end on: after a collection, what
    was frozen is thawed where no batch runs and the moment has come. It runs in whatever
    thread allocated: the lock is only tried (that thread may hold it already), and a
    collection that finds it taken leaves the thaw to the next one."""
    if not _frozen or phase != "stop" or _now() < _thaw_at:
        return
    if not _lock.acquire(blocking=False):
        return
    try:
        if not _running and _now() >= _thaw_at:
            _thaw()
    finally:
        _lock.release()


def _thaw() -> None:
    """What `_freeze` froze, collected again (`gc.unfreeze()`: CPython thaws all that is
    frozen, a freeze made meanwhile too)."""
    global _frozen
    if _frozen:
        _frozen = False
        gc.unfreeze()


def _after_fork_in_child() -> None:
    """A forked child runs none of its parent's batches: the threshold they raised goes
    back (unless something set another), what they froze is thawed now, and the lock,
    which another thread may have held at fork time, is made anew."""
    global _lock, _running
    _lock = threading.Lock()
    _running = 0
    _put_back()
    _thaw()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
