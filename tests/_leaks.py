"""Leak checks that judge only their own block (used by tests/http and tests/reliability).

The project shows ResourceWarnings instead of failing on them (pyproject's
`filterwarnings`): one is raised when the garbage collector reclaims a socket, inside
whatever test runs then. The tests that assert "no leak" use this instead.

`no_resource_warnings` collects garbage twice a block, and a full collection walks every
object the worker holds: by the time a pytest worker reaches these suites it may hold
~650k (the libraries imported, what earlier tests left), ~0.4 s a collection unloaded and
seconds with a core pegged -- most of the bounds and cancellation suites' time.
`frozen_heap` puts those objects out of the collector's sight for a module (or a loop),
as tests/langchain/conftest.py does for what collection loaded: the collections then
walk only what was made since.
"""

from __future__ import annotations

import asyncio
import functools
import gc
import operator
import socket
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["frozen_heap", "no_resource_warnings"]


@contextmanager
def no_resource_warnings() -> Iterator[None]:
    """Fail if the block leaked a socket/transport (GC forced at its end).

    Only the block's own leaks count. An earlier test on this worker may have left an
    unclosed transport in a reference cycle; collected inside the block, it would be
    reported here (CI saw exactly that). So garbage is collected first, quietly, and every
    socket and transport alive before the block is held until the block is judged, so none
    of them can be reclaimed (and reported) inside it.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()
    earlier = [o for o in gc.get_objects() if isinstance(o, (asyncio.BaseTransport, socket.socket))]
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            yield
            gc.collect()
        leaks = [w for w in caught if issubclass(w.category, ResourceWarning)]
        assert not leaks, [str(w.message) for w in leaks]
    finally:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            del earlier


#: Made, and tracked by the collector, as this module loads: every `gc.freeze()` since
#: takes it out of the collector's generations until a `gc.unfreeze()`.
_FREEZE_MARK: list[object] = []


def _freeze_in_force(unfrozen: list[object]) -> bool:
    """Whether a freeze is in force, `unfrozen` being `gc.get_objects()`.

    `gc.get_freeze_count()` alone answers, but counts the frozen objects one by one:
    ~70 ms a call once a worker has frozen ~600k (tests/langchain/conftest.py's freeze).
    The mark missing from `unfrozen` (a walk of the objects the collection just walked)
    says a freeze since this module loaded is in force; the count is asked only when it
    is there, when it is zero unless a freeze came before this module loaded.
    """
    if not any(map(functools.partial(operator.is_, _FREEZE_MARK), unfrozen)):
        return True
    return gc.get_freeze_count() > 0


@contextmanager
def frozen_heap() -> Iterator[None]:
    """Every object alive as the block starts is left out of garbage collections until it
    ends, so that a `gc.collect()` inside costs what was made since, not the whole heap.

    What the block makes and drops is collected as ever, and warns in the block: a socket
    or transport it leaks is still caught by `no_resource_warnings`. Not seen: one kept
    alive only by an object from before the block that became garbage inside it.
    Garbage is collected first (quietly: not this block's), and the sockets and transports
    alive then are held until the block ends, so none of them is reclaimed (and reported)
    inside it, as `no_resource_warnings` holds its own.

    CPython can only unfreeze everything: a freeze already in force (tests/langchain's,
    for the whole session) is not undone at the end, so this one then lasts as long.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)
        gc.collect()
    unfrozen = gc.get_objects()
    earlier = [o for o in unfrozen if isinstance(o, (asyncio.BaseTransport, socket.socket))]
    already = _freeze_in_force(unfrozen)
    del unfrozen
    gc.freeze()
    try:
        yield
    finally:
        if not already:
            gc.unfreeze()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            del earlier
