"""Shared by the LangChain tests: one scripted mock server for the session.

The directory needs the LangChain pieces of the dev group (`pip install -e . --group dev`,
which `make test` runs); without them its tests are not collected.
"""

from __future__ import annotations

import gc
import importlib.util
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

import pytest
from _lckit import STANDARD_SCRIPT
from _lckit import set_server

from chatplex.testing import MockServer
from tests._tls import one_default_tls_context  # noqa: F401  (autouse: this folder's clients)

if importlib.util.find_spec("langchain_tests") is None:  # pragma: no cover
    collect_ignore_glob = ["test_*.py"]

#: Standard tests that fetch files from the internet at test time (the embedded mock
#: server cannot stand in: the test itself downloads). Listed with reasons in the README.
NEEDS_INTERNET = {
    "test_image_inputs": "downloads an image from raw.githubusercontent.com",
    "test_image_tool_message": "downloads an image from raw.githubusercontent.com",
}


@pytest.fixture(scope="session", autouse=True)
def standard_server() -> Iterator[MockServer]:
    with MockServer(script=STANDARD_SCRIPT) as server:
        set_server(server)
        yield server
        set_server(None)


def _process_wide(set_llm_cache: Callable[[Any], None], cache: Any) -> Iterator[Any]:
    set_llm_cache(cache)
    yield cache
    set_llm_cache(None)


@pytest.fixture
def chatplex_llm_cache() -> Iterator[Any]:
    """chatplex's process-wide reply cache (`chatplex.set_llm_cache`), an empty
    InMemoryCache for the test, unset after it."""
    import chatplex

    yield from _process_wide(chatplex.set_llm_cache, chatplex.InMemoryCache())


@pytest.fixture
def langchain_llm_cache() -> Iterator[Any]:
    """LangChain's process-wide cache (`langchain_core.globals.set_llm_cache`), an empty
    InMemoryCache for the test, unset after it."""
    from langchain_core.caches import InMemoryCache
    from langchain_core.globals import set_llm_cache

    yield from _process_wide(set_llm_cache, InMemoryCache())


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Marked here, not by overriding the test: langchain-tests forbids overrides that are
    # not xfails (test_no_overrides_DO_NOT_OVERRIDE).
    for item in items:
        name = getattr(item, "originalname", item.name)
        if name in NEEDS_INTERNET and "tests/langchain" in str(item.path):
            item.add_marker(pytest.mark.skip(reason=f"needs the internet: {NEEDS_INTERNET[name]}"))


def pytest_collection_finish(session: pytest.Session) -> None:
    # Importing LangChain, LangGraph and the standard suites adds ~100k long-lived objects
    # to the test process, which makes each full garbage collection ~40 % longer (0.2 s ->
    # 0.28 s here): longer than the 0.25 s read timeouts of chatplex's reliability tests,
    # which then see spurious timeouts. Frozen, the objects that exist once collection is
    # done (modules, classes, test functions: they live for the whole run anyway) are left
    # out of every collection, so pauses are no longer than without LangChain. Collection
    # ran its young collections only (tests/conftest.py): what it dropped since the last
    # of them is reclaimed here; what it dropped older (up to ~20k objects, ~2 MB: pytest's
    # items made again) is frozen with the rest, a full collection over the ~2M objects
    # costing ~1.2 s of CPU a worker.
    gc.collect(1)
    gc.freeze()
