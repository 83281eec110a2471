"""The garbage collector's young threshold, raised while a batch runs (decision 015).

CPython collects its youngest generation every 700 net container allocations (2,000 from
3.13). A batch keeps its calls' objects alive across awaits (64 in flight; LangChain's
`RunnableSequence.abatch` holds each step's outputs until the next step), so young
collections promote them, and the full collections that the promotions set off walk the
whole heap, every imported module's objects included, to free nothing: 13 % of a
drop-in's `abatch` CPU, 1 % with the young threshold at 10,000 (bench/README.md, "The
garbage collector in a batch").

The collector is one per process, and so is this setting: the first batch to start raises
the threshold, the last to end puts back the value it found, unless something set another
meanwhile (that one stays). Nothing changes where the collector is disabled or its young
threshold is already as high. `CHATPLEX_GC_THRESHOLD` sets the value (0: leave the
collector alone). What is given up: cyclic garbage waits for 10,000 allocations, a few
dozen calls, instead of 700, before it is freed.
"""

from __future__ import annotations

import gc
import os
import threading
from contextlib import AbstractContextManager

__all__ = ["BATCH_YOUNG_THRESHOLD", "batching", "wanted_threshold"]

#: The young threshold while a batch runs (`CHATPLEX_GC_THRESHOLD` overrides it).
BATCH_YOUNG_THRESHOLD = 10_000
_VARIABLE = "CHATPLEX_GC_THRESHOLD"

_lock = threading.Lock()
_running = 0  # batches running now, in every thread and event loop
_raised: tuple[int, int] | None = None  # (the threshold found, the one set) while raised


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
    """The young threshold raised for the duration (see the module docstring); batches
    may nest and overlap, in threads and event loops alike."""
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
        young, *older = gc.get_threshold()
        if wanted and gc.isenabled() and young < wanted:
            _raised = (young, wanted)
            gc.set_threshold(wanted, *older)


def _end() -> None:
    global _running
    with _lock:
        # (Not below 0: a forked child that goes on with its parent's batch ends it too.)
        _running = max(_running - 1, 0)
        if not _running:
            _put_back()


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


def _after_fork_in_child() -> None:
    """A forked child runs none of its parent's batches: the threshold they raised goes
    back (unless something set another), and the lock, which another thread may have
    held at fork time, is made anew."""
    global _lock, _running
    _lock = threading.Lock()
    _running = 0
    _put_back()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
