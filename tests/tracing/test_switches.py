"""`tracing/switches.py`: what counts as on, and a variable read from a mapping or the
process's environment."""

from __future__ import annotations

import pytest

from chatplex import tracing
from chatplex.tracing.switches import truthy
from chatplex.tracing.switches import variable


@pytest.mark.parametrize("value", ["true", "1", "TRUE", " yes ", "on"])
def test_truthy(value: str) -> None:
    assert truthy(value)
    assert tracing.truthy is truthy  # (the package's name for it)


@pytest.mark.parametrize("value", [None, "", "false", "0", "no"])
def test_not_truthy(value: str | None) -> None:
    assert not truthy(value)


def test_a_variable_of_a_mapping_given_else_of_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CHATPLEX_SWITCH_PROBE", "from-env")
    assert variable(None, "CHATPLEX_SWITCH_PROBE") == "from-env"
    assert variable({"CHATPLEX_SWITCH_PROBE": "given"}, "CHATPLEX_SWITCH_PROBE") == "given"
    assert variable({}, "CHATPLEX_SWITCH_PROBE") is None  # (a mapping given: it alone)
