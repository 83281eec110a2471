"""One scripted mock server per module of the matrix, and an environment that reaches
nothing but it: no AWS setting of the machine, Perplexity's base URL (its class takes
none) pointed at the server. The partner side of a cell is replayed from its recording
where `_recorded.py` allows, and a test that fails so runs again live."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from chatplex.testing import MockServer
from tests._aws import isolate_aws
from tests._replayed import rerun_live_on_failure

from ._kit import SCRIPT
from ._kit import close_pools
from ._recorded import PARTNERS


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[MockServer]:
    patch = pytest.MonkeyPatch()
    aws = Path(tmp_path_factory.mktemp("aws"))
    isolate_aws(patch, aws)
    with MockServer(script=SCRIPT) as running:
        patch.setenv("PERPLEXITY_BASE_URL", running.url)
        try:
            yield running
        finally:
            patch.undo()
            close_pools()


@pytest.fixture(scope="module", autouse=True)
def fewer_full_collections() -> Iterator[None]:
    """No automatic full garbage collection while a module of the matrix runs (one every
    1000 collections of the middle generation: about two in the whole matrix). The
    younger collections run as ever, and so do the full ones the modules ask for: their
    own `gc.collect()`s and `_kit._Freezer`'s before each freeze (~75 in the matrix);
    garbage that outlives the younger ones waits for the next of those. Each automatic
    full collection walked all of the worker's heap that is not frozen (the partner
    packages' caches), and grew with it: at the former 1 in 100, ~12 automatic ones took
    ~4 s of the matrix's ~170 s of CPU in one process; now ~0.1 s, the asked-for ones
    ~1 s more (more garbage to reclaim), peak memory ~90 MB more."""
    young, middle, old = gc.get_threshold()
    gc.set_threshold(young, middle, max(old, 1000))
    try:
        yield
    finally:
        gc.set_threshold(young, middle, old)


#: A test that fails with a replayed partner side runs again with both sides live.
pytest_runtest_call = rerun_live_on_failure(PARTNERS)


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Recordings written (`make record-matrix`); the modules whose partner side ran
    live for want of a recording of their key, handed to the terminal summary."""
    PARTNERS.hand_over(session)
