"""Shared by the bulk tests: a mock server, input files, and the CLI in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from chatplex.testing import MockServer


@pytest.fixture
def server() -> Iterator[MockServer]:
    with MockServer() as srv:
        yield srv


def write_jsonl(path: Path, count: int, *, start: int = 0) -> Path:
    with path.open("w", encoding="utf-8") as file:
        for index in range(start, start + count):
            file.write(json.dumps({"id": f"r{index}", "text": f"row {index}"}) + "\n")
    return path


def rows_in_and_out(folder: Path, count: int) -> tuple[Path, Path]:
    """A run's two files in `folder`: `in.jsonl` of `count` rows, and `out.jsonl` (not yet made)."""
    return write_jsonl(folder / "in.jsonl", count), folder / "out.jsonl"


def read_output(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def cli_env() -> dict[str, str]:
    """The environment of a CLI subprocess: a mock key, no CHATPLEX_* from the caller."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHATPLEX_")}
    env["OPENAI_API_KEY"] = "sk-mock-test-key-1234"
    env["PYTHONUNBUFFERED"] = "1"
    return env


def cli_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "chatplex", "run", *args]


@contextmanager
def started_cli(*args: str, cwd: Path, **popen: Any) -> Iterator[subprocess.Popen[bytes]]:
    """The CLI running in the background; killed (if a check failed before it ended),
    reaped and its pipes closed when the block ends, so no failure leaves it running."""
    with subprocess.Popen(cli_command(*args), cwd=cwd, env=cli_env(), **popen) as process:
        try:
            yield process
        finally:
            if process.poll() is None:
                process.kill()
            process.wait(timeout=30)  # then Popen's exit closes the pipes


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cli_command(*args), cwd=cwd, env=cli_env(), capture_output=True, text=True, timeout=120
    )
