"""The object a dotted name names (`resolve`), for the tests that check the names the
docs and the architecture map write: the reference pages' `::: name` directives
(tests/examples/test_docs_reference.py) and ARCHITECTURE.md's (tests/test_architecture_map.py)."""

from __future__ import annotations

import importlib
from typing import Any


def resolve(dotted: str) -> Any:
    """The longest module prefix of `dotted` that imports, then the rest as attributes
    (ModuleNotFoundError where no prefix is a module, AttributeError where an attribute
    is missing)."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            value: Any = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        for name in parts[cut:]:
            value = getattr(value, name)
        return value
    raise ModuleNotFoundError(dotted)
