"""The side-by-side suites' one fixture: each suite module gets its own scripted server
on 127.0.0.1 (kit: `_sidebyside.py`), started once for its scripts."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import scripted_server


@pytest.fixture(scope="module")
def server() -> Iterator[ScriptedServer]:
    with scripted_server() as running:
        yield running
