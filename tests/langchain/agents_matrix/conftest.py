"""One scripted mock server per module of the matrix, and an environment that reaches
nothing but it: no AWS setting of the machine, Perplexity's base URL (its class takes
none) pointed at the server."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from chatplex.testing import MockServer
from tests._aws import isolate_aws

from ._kit import SCRIPT
from ._kit import close_pools


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
    """A full garbage collection once every 100 collections of the middle generation,
    not 10, while a module of the matrix runs. The younger collections run as ever, and
    so do the modules' own `gc.collect()`s; garbage that outlives the younger ones waits
    longer. Each automatic full collection walked all of the worker's heap that is not
    frozen (the partner packages' caches: ~40 ms a time). The whole matrix in one process: 196 full
    collections, 7.4 s of its ~150 s of CPU; now 86, 4.5 s."""
    young, middle, old = gc.get_threshold()
    gc.set_threshold(young, middle, max(old, 100))
    try:
        yield
    finally:
        gc.set_threshold(young, middle, old)
