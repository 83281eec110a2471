"""`warns_nothing`: a block that fails on any warning, as `simplefilter("error")`, but a
ResourceWarning. `beta_warning_ignored`: a block that calls a langchain-core function in
beta.

The collector reports an earlier test's unclosed socket inside whatever block runs then
(a drop-in's "no warning" test failed on one from a partner's client): the project shows
ResourceWarnings (pyproject's `filterwarnings`), and the tests that own a leak assert it
(tests/_leaks.py).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["beta_warning_ignored", "warns_nothing"]


@contextmanager
def warns_nothing() -> Iterator[None]:
    """Every warning the block gives is raised, but a ResourceWarning, which is shown."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        warnings.simplefilter("always", ResourceWarning)
        yield


@contextmanager
def beta_warning_ignored() -> Iterator[None]:
    """langchain-core's LangChainBetaWarning ignored in the block. A function in beta
    (`load`, `loads`) warns once a process, so in a side-by-side script whichever side
    called it first would meet it, and the tests' error filter refuse it: the partner's
    side when it runs live, chatplex's when the partner's is replayed."""
    from langchain_core._api import LangChainBetaWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", LangChainBetaWarning)
        yield
