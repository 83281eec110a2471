"""bench/bench_events.py runs end to end (tiny counts, chatplex only)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "bench" / "bench_events.py"


def test_bench_events_quick_run() -> None:
    out = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--no-peers"],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "| chatplex |" in out.stdout
    assert "chatplex astream_events / chatplex astream:" in out.stdout
