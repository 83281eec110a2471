"""A fresh interpreter, for the checks of what a first import loads: nothing is preloaded
in it (unlike `_zygote`'s children), so what it finds in `sys.modules` the code loaded."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def fresh_python(
    code: str, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -c code args...` run to its end in a new interpreter (with `env` as its
    environment and `cwd` its folder, where given; its output as text); an AssertionError
    with its stderr where it failed."""
    command = [sys.executable, "-c", code, *args]
    out = subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd, timeout=120)
    assert out.returncode == 0, out.stderr
    return out
