"""`adapters/keys.py`: an adapter's key under the key policy, and its secret headers."""

from __future__ import annotations

import doctest

import pytest

from chatplex.adapters import keys
from chatplex.adapters.keys import environment_key


def test_of_several_key_variables_the_first_set_goes_where_the_policy_allows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CHATPLEX_HOLD_ENVIRONMENT_KEY", "1")  # chatplex's policy, an option
    monkeypatch.delenv("FIRST_KEY", raising=False)
    monkeypatch.setenv("SECOND_KEY", "k-2")
    names = ("FIRST_KEY", "SECOND_KEY")
    official = {"host": "api.example", "official_host": "api.example"}
    found = environment_key(names, base_url_given=True, **official)
    assert found is not None and found.get() == "k-2"
    monkeypatch.setenv("FIRST_KEY", "k-1")
    found = environment_key(names, base_url_given=False, **official)
    assert found is not None and found.get() == "k-1"
    elsewhere = {"host": "gw.example", "official_host": "api.example"}
    assert environment_key(names, base_url_given=True, **elsewhere) is None
    monkeypatch.delenv("FIRST_KEY")
    monkeypatch.delenv("SECOND_KEY")
    assert environment_key(names, base_url_given=False, **official) is None


def test_docstring_examples() -> None:
    failures, tried = doctest.testmod(keys)
    assert failures == 0 and tried > 0
