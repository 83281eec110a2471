"""chatplex/dropins.py: the table of drop-in names and the modules that define them."""

from __future__ import annotations

import importlib

import pytest

from chatplex import dropins
from chatplex.chat.partner_record import PartnerClass


@pytest.mark.parametrize("name", sorted(dropins.DROP_IN_MODULES))
def test_each_name_is_defined_under_that_name_in_its_module(name: str) -> None:
    """Its module names it: the record of the partner class of that name (decision 013,
    slice 4), or, for a name not moved yet, its engine class."""
    found = getattr(importlib.import_module(dropins.DROP_IN_MODULES[name]), name)
    if isinstance(found, PartnerClass) and found.partner_class is None:
        # (a class of no partner package, chatplex's own name: ChatHyperbolic's record)
        assert found.build is not None and found.namespace is None  # (not serialized)
    elif isinstance(found, PartnerClass):
        assert found.partner_class.rpartition(":")[2] == name
    else:
        assert found.__name__ == name
