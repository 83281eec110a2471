"""chatplex/dropins.py: the table of drop-in names and the modules that define them."""

from __future__ import annotations

import importlib

import pytest

from chatplex import dropins
from chatplex.chat.partner_record import PartnerClass


@pytest.mark.parametrize("name", sorted(dropins.DROP_IN_MODULES))
def test_each_name_is_defined_under_that_name_in_its_module(name: str) -> None:
    """Its module names it: the record of the partner class of that name (decision 013)."""
    found = getattr(importlib.import_module(dropins.DROP_IN_MODULES[name]), name)
    assert isinstance(found, PartnerClass) and found.build is not None
    if found.partner_class is None:
        # (a class of no partner package, chatplex's own name: ChatHyperbolic's record)
        assert found.namespace is None  # (not serialized)
    else:
        assert found.partner_class.rpartition(":")[2] == name
