"""The environment's tracing switches read as LangChain reads them: a variable at a time
(`variable`), and what counts as on (`truthy`). A leaf: the package and its sender both
read it."""

from __future__ import annotations

import os
from collections.abc import Mapping

__all__ = ["truthy", "variable"]


def truthy(value: str | None) -> bool:
    return (value or "").strip().lower() in ("1", "true", "yes", "on")


def variable(environ: Mapping[str, str] | None, name: str) -> str | None:
    """`environ[name]` (None: the process's environment), read in place: a frame that
    held `os.environ` would show every key in it to a traceback's locals."""
    return (os.environ if environ is None else environ).get(name)
