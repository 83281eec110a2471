"""Example scripts started side by side: most of an example's time is spent waiting on
the mock server's latency, so a module's scripts run together, not one after another.

A module using this starts its scripts in a module fixture and marks itself with an
`xdist_group`, so that under pytest-xdist its tests share one worker and each script runs
once (a worker of its own would start every script again).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import IO

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def example_env(**extra: str) -> dict[str, str]:
    """No configured model or key: the examples fall back to the embedded mock server."""
    drop = ("CHATPLEX_", "OPENAI_", "ANTHROPIC_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    return {**env, **extra}


def example_command(name: str) -> list[str]:
    return [sys.executable, str(EXAMPLES / f"{name}.py")]


class SideBySide:
    """Commands started at once (output to files, so none waits on a full pipe);
    `result(key)` waits for one; `close()` kills what still runs and reaps everything."""

    def __init__(
        self,
        commands: dict[str, tuple[list[str], dict[str, str]]],
        *,
        cwd: Path | None = None,
        timeout: float = 120,
    ) -> None:
        self._deadline = time.monotonic() + timeout
        self._started: dict[str, tuple[subprocess.Popen[bytes], IO[bytes], IO[bytes]]] = {}
        self._done: dict[str, subprocess.CompletedProcess[str]] = {}
        try:
            for key, (command, env) in commands.items():
                # closed by close(), once the script is reaped
                out, err = tempfile.TemporaryFile(), tempfile.TemporaryFile()  # noqa: SIM115
                process = subprocess.Popen(command, cwd=cwd, env=env, stdout=out, stderr=err)
                self._started[key] = (process, out, err)
        except BaseException:
            self.close()
            raise

    def result(self, key: str) -> subprocess.CompletedProcess[str]:
        if key not in self._done:
            process, out, err = self._started[key]
            process.wait(timeout=max(1.0, self._deadline - time.monotonic()))
            self._done[key] = subprocess.CompletedProcess(
                process.args, process.returncode, _read(out), _read(err)
            )
        return self._done[key]

    def close(self) -> None:
        for process, out, err in self._started.values():
            if process.poll() is None:
                process.kill()
            process.wait(timeout=30)
            out.close()
            err.close()


def _read(file: IO[bytes]) -> str:
    file.seek(0)
    return file.read().decode("utf-8", errors="replace")
