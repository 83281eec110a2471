"""A bench script of bench/ run end to end on its smallest sizes (`--quick`), as the
bench smoke tests run it."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[1] / "bench"


def quick_run(
    script: str, tmp_path: Path | None, *more: str, timeout: int = 120
) -> tuple[str, Any]:
    """bench/`script` run with `--quick` (and `more`), writing its JSON into `tmp_path`
    (None: it writes none): what it printed, and the JSON; AssertionError with what it
    said on stderr where it failed."""
    out_file = None if tmp_path is None else tmp_path / f"{Path(script).stem}.json"
    out = ["--out", str(out_file)] if out_file else []
    done = subprocess.run(
        [sys.executable, str(BENCH / script), "--quick", *more, *out],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout, out_file and json.loads(out_file.read_text(encoding="utf-8"))


def require(*modules: str) -> None:
    """Skip the test unless every one of `modules` is installed: looked up, not imported
    (the bench imports them in its own processes; an import here would only add its
    cost to the test's process)."""
    missing = []
    for module in modules:
        try:
            found = importlib.util.find_spec(module) is not None
        except ModuleNotFoundError:  # its parent package is missing
            found = False
        if not found:
            missing.append(module)
    if missing:
        pytest.skip(f"not installed: {', '.join(missing)}")
