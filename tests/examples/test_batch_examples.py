"""The Batch API examples run against the embedded mock server and print what they say."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _run(name: str) -> str:
    drop = ("CHATPLEX_", "OPENAI_", "ANTHROPIC_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / f"{name}.py")],
        cwd=EXAMPLES,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.mark.parametrize("name", ["tiered_batch", "batch_chain"])
def test_runs_on_the_mock_server(name: str) -> None:
    out = _run(name)
    assert "embedded mock server on http://127.0.0.1:" in out
    if name == "tiered_batch":
        lines = [line for line in out.splitlines() if line.startswith("[")][1:]
        assert [line[:6] for line in lines] == [
            "[high]",
            "[low ]",
            "[low ]",
            "[high]",
            "[low ]",
            "[low ]",
        ]
        assert all(line.endswith(line.split("'")[1]) for line in lines)  # each its own answer
        assert "succeeded 4" in out
    else:
        assert out.count("Echo: One-word sentiment of this review:") == 4
        assert "collected again from the handle: True" in out
