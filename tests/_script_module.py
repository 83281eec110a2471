"""A script that is no package's module (bench/, examples/, .ci/) loaded as a module, for
a test to call its functions."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType


def script_module(name: str, path: Path) -> ModuleType:
    """The script at `path`, run once as the module `name` (not put in sys.modules)."""
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
