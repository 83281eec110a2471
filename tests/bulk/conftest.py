"""Shared by the bulk tests: a mock server, input files, and the CLI in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
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


def start_cli(*args: str, cwd: Path, **popen: Any) -> subprocess.Popen[bytes]:
    return subprocess.Popen(cli_command(*args), cwd=cwd, env=cli_env(), **popen)


def run_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        cli_command(*args), cwd=cwd, env=cli_env(), capture_output=True, text=True, timeout=120
    )
