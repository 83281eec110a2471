"""Shared by the LangChain tests: one scripted mock server for the session.

The directory needs the LangChain pieces of the dev extra (`pip install -e '.[dev]'`,
which `make test` runs); without them its tests are not collected.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterator

import pytest
from _lckit import STANDARD_SCRIPT, set_server

from chatplex.testing import MockServer

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


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Marked here, not by overriding the test: langchain-tests forbids overrides that are
    # not xfails (test_no_overrides_DO_NOT_OVERRIDE).
    for item in items:
        name = getattr(item, "originalname", item.name)
        if name in NEEDS_INTERNET and "tests/langchain" in str(item.path):
            item.add_marker(pytest.mark.skip(reason=f"needs the internet: {NEEDS_INTERNET[name]}"))
