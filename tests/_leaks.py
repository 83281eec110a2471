"""Leak checks that judge only their own block (used by tests/http and tests/reliability).

The project shows ResourceWarnings instead of failing on them (pyproject's
`filterwarnings`): one is raised when the garbage collector reclaims a socket, inside
whatever test runs then. The tests that assert "no leak" use this instead.
"""

from __future__ import annotations

import asyncio
import gc
import socket
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["no_resource_warnings"]


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
