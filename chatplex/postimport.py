"""Run a function once a given module has been imported, whoever imports it and when;
import a package's names on their first use (`lazy_names`, `lazy_package`).

chatplex meets LangChain's objects without importing LangChain (so `import chatplex` stays
fast and LangChain stays optional), yet some of that meeting needs LangChain's classes:
chatplex's `Runnable` is registered with LangChain's, and chatplex's messages answer
`isinstance` checks against LangChain's message classes. `when_imported` makes that
independent of import order: if the module is loaded already the function runs now;
otherwise a finder on `sys.meta_path` wraps that one module's loader, runs the function
right after the module's code has executed, and takes itself off `sys.meta_path` once
nothing is left to wait for. Until then it costs one set lookup per new import.

>>> import sys
>>> seen = []
>>> when_imported("json", lambda module: seen.append(module.__name__))
>>> seen
['json']
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from contextlib import suppress
from types import ModuleType

# Not `typing`'s: `import chatplex` loads this module, and typing is most of that cost.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = ["lazy_dir", "lazy_names", "lazy_package", "when_imported"]

Callback = Callable[[ModuleType], None]

#: module name -> the functions waiting for it. No lock: each step is one dict or list
#: operation (atomic in CPython), and removing the finder twice is tolerated.
_waiting: dict[str, list[Callback]] = {}


def when_imported(module_name: str, callback: Callback) -> None:
    """Call `callback(module)` once `module_name` is imported: now if it already is, else
    right after its code has run (on the importing thread). Each registration runs once.

    An exception in `callback` propagates to the import that triggered it (a bug in
    chatplex's glue should be seen, not swallowed)."""
    module = sys.modules.get(module_name)
    if module is None:
        _waiting.setdefault(module_name, []).append(callback)
        if _FINDER not in sys.meta_path:
            sys.meta_path.insert(0, _FINDER)
        return
    callback(module)


def lazy_names(package: str, homes: Mapping[str, str]) -> Callable[[str], Any]:
    """A module `__getattr__` (PEP 562) for `package`: each name of `homes` is taken
    from its module (a path relative to `package`, as `importlib.import_module` reads
    it) on first access, then kept in the package, so later lookups skip the hook.

    >>> __getattr__ = lazy_names(__name__, {"send": "._send"})  # doctest: +SKIP
    """

    def __getattr__(name: str) -> Any:
        home = homes.get(name)
        if home is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(home, package), name)
        setattr(sys.modules[package], name, value)
        return value

    return __getattr__


def lazy_dir(package: str) -> Callable[[], list[str]]:
    """A module `__dir__` for a package with `lazy_names`: the names it holds and the
    ones it exports (`__all__`), loaded or not."""

    def __dir__() -> list[str]:
        module = sys.modules[package]
        return sorted(set(vars(module)) | set(module.__all__))

    return __dir__


def lazy_package(
    package: str, homes: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """A package's `__getattr__` and `__dir__` for names loaded on first use: `homes`'
    names from their modules (`lazy_names`), listed by `dir()` loaded or not (`lazy_dir`).

    >>> __getattr__, __dir__ = lazy_package(__name__, {"send": "._send"})  # doctest: +SKIP
    """
    return lazy_names(package, homes), lazy_dir(package)


def _fire(module: ModuleType) -> None:
    callbacks = _waiting.pop(module.__name__, [])
    if not _waiting:
        with suppress(ValueError):  # another thread's import took it off first
            sys.meta_path.remove(_FINDER)
    for callback in callbacks:
        callback(module)


class _LoaderWithHook:
    """Delegates to the module's real loader; runs the waiting callbacks after
    `exec_module`. Other attributes (`get_source`, `is_package`...) are the loader's."""

    def __init__(self, loader: Any) -> None:
        self._loader = loader

    def __getattr__(self, name: str) -> Any:
        return getattr(self._loader, name)

    def create_module(self, spec: Any) -> ModuleType | None:
        create = getattr(self._loader, "create_module", None)
        return create(spec) if create is not None else None

    def exec_module(self, module: ModuleType) -> None:
        self._loader.exec_module(module)
        module.__loader__ = self._loader  # the hook leaves no trace on the module
        _fire(module)


class _Finder:
    """A `sys.meta_path` finder that only ever answers for the modules waited for:
    it asks the finders after it for the real spec and wraps that spec's loader."""

    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> Any:
        if fullname not in _waiting:
            return None
        for finder in sys.meta_path:
            if finder is self:
                continue
            find_spec = getattr(finder, "find_spec", None)
            spec = find_spec(fullname, path, target) if find_spec is not None else None
            if spec is not None:
                break
        else:
            return None
        if spec.loader is not None and hasattr(spec.loader, "exec_module"):
            spec.loader = _LoaderWithHook(spec.loader)
        return spec


_FINDER = _Finder()
