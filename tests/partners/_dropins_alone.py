"""Scripts that import chatplex's drop-ins alone (`import chatplex.langchain`, no partner
package, no SDK), each in an interpreter of its own: forked from one that has made that
import and nothing else (tests/_zygote.py, `public_names=False`), so what a script then
finds in `sys.modules` beyond it, the script loaded, as in a fresh `python -c` whose first
line is that import. The import (~2 s of CPU) is paid once per worker, not per script.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from tests._zygote import ROOT
from tests._zygote import Zygote

#: What every script here starts with, loaded before the fork.
PRELOADED = ("chatplex.langchain",)


class DropInsAlone:
    """The zygote that has imported `chatplex.langchain`: `run` scripts, `close` it."""

    def __init__(self, folder: Path) -> None:
        self._zygote = Zygote(folder, dict(os.environ), PRELOADED, public_names=False)

    def run(
        self, code: str, *args: str, env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        """`python -c code args...` in this checkout's folder, run to its end, its
        environment `env` in full (the test's own where not given, as a new interpreter
        started now would have); an AssertionError with its stderr where it failed."""
        environment = dict(os.environ if env is None else env)
        # Read on use (a model's settings, a key), never by the import made before the fork.
        preamble = (
            f"import os, sys\nsys.argv[1:] = {list(args)!r}\n"
            f"os.environ.clear()\nos.environ.update({environment!r})\n"
        )
        done = self._zygote.run(preamble + code, ROOT, timeout=120)
        assert done.returncode == 0, done.stderr
        return done

    def close(self) -> None:
        self._zygote.close()
