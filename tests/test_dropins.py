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


@pytest.mark.parametrize("name", sorted(dropins.NOT_DROPPED_IN))
def test_a_class_without_a_drop_in_is_an_import_error_naming_its_partner(name: str) -> None:
    """A script ported by its import line learns which package has the class."""
    partner = dropins.NOT_DROPPED_IN[name]
    assert name not in dropins.DROP_IN_MODULES
    with pytest.raises(ImportError, match=rf"from {partner} import {name}"):
        exec(f"from chatplex.langchain import {name}", {})
