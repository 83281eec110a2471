"""Which wire answers which path: the mock server's registry of wires (private).

Every `MockWire` named in the `__all__` of a `_mock_wire_<name>.py` module of this
package is a route, so a new wire is one new module here and nothing else. `WIRES` is
searched in order and the first wire whose `match` accepts the path (without its query)
answers it: the general wires (`MockWire.general`: Chat Completions' "any path ending in
`/chat/completions`", the Responses API's "any path ending in `/responses`") come last,
after the specific ones (Azure's `/openai/deployments/.../chat/completions`, a preset's
own prefix); the specific ones claim disjoint paths, taken in module-name order.
"""

from __future__ import annotations

import importlib
import pkgutil
from types import ModuleType

from ._mock_wire import MockWire

__all__ = ["WIRES", "wire_for"]

_PREFIX = "_mock_wire_"


def _wire_modules() -> list[ModuleType]:
    package = importlib.import_module(__package__ or "chatplex.testing")
    names = sorted(m.name for m in pkgutil.iter_modules(package.__path__))
    return [
        importlib.import_module(f".{n}", package.__name__) for n in names if n.startswith(_PREFIX)
    ]


def _declared(module: ModuleType) -> list[MockWire]:
    values = (getattr(module, name) for name in getattr(module, "__all__", ()))
    return [value for value in values if isinstance(value, MockWire)]


#: Specific before general; one entry per wire.
WIRES: list[MockWire] = sorted(
    (wire for module in _wire_modules() for wire in _declared(module)),
    key=lambda wire: wire.general,
)


def wire_for(path: str) -> MockWire | None:
    """The first wire in `WIRES` that answers `path` (no query), or None."""
    return next((wire for wire in WIRES if wire.match(path)), None)
