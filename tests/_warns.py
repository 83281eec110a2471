"""`warns_nothing`: a block that fails on any warning, as `simplefilter("error")`, but a
ResourceWarning.

The collector reports an earlier test's unclosed socket inside whatever block runs then
(a drop-in's "no warning" test failed on one from a partner's client): the project shows
ResourceWarnings (pyproject's `filterwarnings`), and the tests that own a leak assert it
(tests/_leaks.py).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["warns_nothing"]


@contextmanager
def warns_nothing() -> Iterator[None]:
    """Every warning the block gives is raised, but a ResourceWarning, which is shown."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("always", ResourceWarning)
        yield
