"""chatplex/dropins.py: the table of drop-in names and their engines' modules."""

from __future__ import annotations

import importlib

import pytest

from chatplex import dropins


@pytest.mark.parametrize("name", sorted(dropins.DROP_IN_MODULES))
def test_each_name_is_a_class_of_that_name_in_its_module(name: str) -> None:
    engine = getattr(importlib.import_module(dropins.DROP_IN_MODULES[name]), name)
    assert engine.__name__ == name
