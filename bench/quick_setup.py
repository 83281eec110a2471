"""A `--quick` worker's setup (imports, clients built) kept away from the garbage
collector.

LangChain's, the partner packages' and the SDKs' imports make hundreds of thousands of
objects: young collections promote them, full collections walk them again and again, and
the interpreter's teardown walks them once more, ~40 % of such a worker's CPU. A smoke
test checks the harness, not the numbers: its worker sets up with the collector off,
freezes what that made (no later collection walks it) and runs the measured calls
under a live collector. A measuring worker (not `--quick`) keeps the collector as is.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def setup_untracked(quick: bool) -> Iterator[None]:
    """With `quick`: the collector off for the duration, then what was made frozen and
    the collector back on (as it was). Without: nothing changes."""
    if not quick or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        gc.enable()
