"""Each module a worker imports compiled by one worker of the run, not by each at once.

An installer may leave the installed packages uncompiled (uv does, by default): on a fresh
venv, the pytest-xdist workers all imported the same modules at collection and each
compiled every one of them, at the same time. Installed in each worker
(tests/conftest.py), a module with no bytecode yet is compiled under a lock on its
folder: the first worker there compiles it and writes the pyc, the others wait for it
and read that pyc, as they read any other. Only what a worker imports is compiled; a
module with bytecode already (the case of every import once a run has made it) takes no
lock: one `stat` more.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import machinery
from importlib.util import cache_from_source
from types import CodeType
from typing import Any

_LOADER = machinery.SourceFileLoader
_GET_CODE = _LOADER.get_code


def install() -> None:
    """Compile each module once across the processes that install this (idempotent)."""

    def get_code(self: Any, fullname: str) -> CodeType | None:
        source = self.get_filename(fullname)
        if os.path.exists(cache_from_source(source)):  # (stale: made again, unlocked)
            return _GET_CODE(self, fullname)
        with folder_lock(os.path.dirname(source)):
            return _GET_CODE(self, fullname)  # made by another meanwhile: read

    _LOADER.get_code = get_code  # type: ignore[method-assign]


def uninstall() -> None:
    _LOADER.get_code = _GET_CODE  # type: ignore[method-assign]


@contextmanager
def folder_lock(folder: str) -> Iterator[None]:
    """An exclusive lock on `folder` between processes (flock: released when the
    descriptor is closed, or its process ends)."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)
