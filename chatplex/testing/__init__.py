"""What users' own CI needs to test code built on chatplex without a network.

Names are imported lazily (module-level ``__getattr__``), so ``import chatplex.testing``
stays cheap and ``python -m chatplex.testing.mock_server`` does not import itself twice.

>>> from chatplex.testing import MockServer   # doctest: +SKIP
>>> with MockServer() as srv:                  # doctest: +SKIP
...     base_url = srv.openai_base_url
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .mock_server import MockRequest, MockServer, MockSettings, MockStats

__all__ = ["MockRequest", "MockServer", "MockSettings", "MockStats"]

# public name -> submodule defining it
_LAZY = {
    "MockRequest": "mock_server",
    "MockServer": "mock_server",
    "MockSettings": "mock_server",
    "MockStats": "mock_server",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
