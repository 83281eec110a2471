"""`Secret` (`secret.py`): a credential that never shows itself."""

from __future__ import annotations

import pickle

import pytest

from chatplex.secret import Secret

KEY = "sk-SENTINEL-0123456789"


def test_get_reveals_the_value() -> None:
    assert Secret(KEY).get() == KEY


def test_repr_str_and_formatting_are_masked() -> None:
    secret = Secret(KEY)
    shown = [
        repr(secret),
        str(secret),
        f"{secret}",
        f"{secret!r}",
        repr([secret]),
        repr({"k": secret}),
    ]
    assert all(KEY not in text for text in shown)
    assert repr(secret) == str(secret) == "Secret('**********')"


def test_equal_by_value_and_hashable() -> None:
    assert Secret(KEY) == Secret(KEY)
    assert Secret(KEY) != Secret("other")
    assert Secret(KEY) != KEY  # never equal to the plain string
    assert len({Secret(KEY), Secret(KEY), Secret("other")}) == 2


def test_truthiness_follows_the_value() -> None:
    assert Secret(KEY)
    assert not Secret("")


def test_not_picklable() -> None:
    with pytest.raises(TypeError, match="not picklable"):
        pickle.dumps(Secret(KEY))
