"""An environment without the variables a client reads, for the tests that set what
they read themselves."""

from __future__ import annotations

from typing import Any

import pytest


def without_variables(*names: str, name: str) -> Any:
    """An autouse fixture called `name` (a module, or a conftest, binds it to that name):
    each test runs with none of `names` in its environment."""

    @pytest.fixture(autouse=True, name=name)
    def fixture(monkeypatch: pytest.MonkeyPatch) -> None:
        for variable in names:
            monkeypatch.delenv(variable, raising=False)

    return fixture
