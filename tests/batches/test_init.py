"""chatplex.batches' names load on first use; `import chatplex` loads none of them."""

from __future__ import annotations

import pytest

import chatplex.batches as batches
from tests._fresh import fresh_python


def test_every_exported_name_resolves() -> None:
    for name in batches.__all__:
        assert getattr(batches, name) is not None
    assert set(batches.__all__) <= set(dir(batches))


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute"):
        batches.nothing  # noqa: B018


def test_import_chatplex_loads_nothing_of_batches() -> None:
    code = "import sys, chatplex; print(any(m.startswith('chatplex.batches') for m in sys.modules))"
    out = fresh_python(code)
    assert out.stdout.strip() == "False"
