"""`make demo` runs examples/quickstart.py: it must keep working over HTTP with no key."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "quickstart.py"


def test_quickstart_runs_every_step_on_both_wire_protocols() -> None:
    env = {k: v for k, v in os.environ.items() if k != "CHATPLEX_MODEL"}
    done = subprocess.run(
        [sys.executable, str(SCRIPT)], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "embedded mock server on http://127.0.0.1:" in out
    for wire in ("OpenAI Chat Completions wire", "Anthropic Messages wire"):
        section = out.split(f"== {wire}")[1].split("\n== ")[0]
        assert "invoke      -> 'Echo: Say hello to a new chatplex user.'" in section
        assert section.count("Echo: Write candidate #") == 5
        # Streamed pieces arrive one by one, each with its own elapsed time.
        streamed = [line for line in section.splitlines() if line.strip().startswith("+")]
        assert len(streamed) >= 5
        assert "abatch x20  ->" in section
