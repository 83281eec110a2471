"""The suite's guard against leaked child processes (hooked in by tests/conftest.py).

Every `subprocess.Popen` started by the suite's own code (tests, fixtures, chatplex) must
be waited for, and its pipes closed, by the time its owner is torn down: the test that
started it, or the fixture whose setup started it. A child left behind outlives its test:
at some later garbage collection, inside whichever test runs then, `Popen.__del__` warns
"subprocess N is still running" and its pipes warn "unclosed file" (CI saw both).

The check cannot flake: `returncode` is set only by the owner's own wait(), poll() or
communicate(), and a pipe is closed or not, whatever the machine's speed. It costs a
frame walk per Popen and a look at the few Popens of each test. What it finds is killed,
reaped and closed, then reported as an error of that test's teardown.

Not tracked: children of third-party code (Ray starts and stops its own), os.fork() and
multiprocessing (their own objects reap them; the tests that fork reap by waitpid).
"""

from __future__ import annotations

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
#: Popens started from files under these folders are tracked (not Ray's, not pip's...).
OURS = tuple(str(ROOT / name) + "/" for name in ("tests", "chatplex", "examples", "bench"))
_SUBPROCESS_FILE = subprocess.__file__
#: Generous: a killed child is gone at once; only a hang reaches it.
REAP_TIMEOUT_S = 30


@dataclass
class Started:
    popen: subprocess.Popen[Any]
    owner: object  # the test item or the fixture definition that started it
    where: str  # file:line of the call that started it


class ChildGuard:
    """Records each Popen with its owner; `check(owner)` tidies and reports the loose."""

    def __init__(self) -> None:
        self.started: list[Started] = []
        self._owners: list[object] = []  # innermost last: a test, then fixtures being set up
        self._original_init: Any = None

    def install(self) -> None:
        original = subprocess.Popen.__init__
        guard = self

        def init(popen: subprocess.Popen[Any], *args: Any, **kwargs: Any) -> None:
            original(popen, *args, **kwargs)  # raised: no child, nothing to track
            where = _our_caller()
            if where is not None:
                owner = guard._owners[-1] if guard._owners else None
                guard.started.append(Started(popen, owner, where))

        self._original_init = original
        subprocess.Popen.__init__ = init  # type: ignore[method-assign, assignment]

    def uninstall(self) -> None:
        if self._original_init is not None:
            subprocess.Popen.__init__ = self._original_init  # type: ignore[method-assign]

    def enter(self, owner: object) -> None:
        self._owners.append(owner)

    def leave(self, owner: object) -> None:
        if self._owners and self._owners[-1] is owner:
            self._owners.pop()

    def check(self, owner: object | None) -> list[str]:
        """The loose ends of `owner`'s children (all of them when None), each tidied."""
        mine = [s for s in self.started if owner is None or s.owner is owner]
        self.started = [s for s in self.started if s not in mine]
        return [problem for s in mine if (problem := _tidy(s))]


def _our_caller() -> str | None:
    """file:line of the first caller outside the subprocess module, if it is ours."""
    frame = sys._getframe(2)
    while frame is not None and frame.f_code.co_filename == _SUBPROCESS_FILE:
        frame = frame.f_back  # type: ignore[assignment]
    if frame is None or not frame.f_code.co_filename.startswith(OURS):
        return None
    return f"{Path(frame.f_code.co_filename).relative_to(ROOT)}:{frame.f_lineno}"


def _tidy(started: Started) -> str:
    """Kill, reap and close what was left; say what it was ("" when nothing)."""
    popen = started.popen
    loose = []
    if popen.returncode is None:  # the owner never saw it end: running, or a zombie
        loose.append("never waited for")
        if popen.poll() is None:
            popen.kill()
        popen.wait(REAP_TIMEOUT_S)
    pipes = [name for name in ("stdin", "stdout", "stderr") if _is_open(getattr(popen, name))]
    if pipes:
        loose.append(f"{'/'.join(pipes)} left open")
        for name in pipes:
            getattr(popen, name).close()
    if not loose:
        return ""
    return f"child pid {popen.pid} started at {started.where}: {', '.join(loose)}"


def _is_open(pipe: Any) -> bool:
    return pipe is not None and not pipe.closed
