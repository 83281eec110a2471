"""bench/bench_ollama.py runs end to end (small sizes) and writes its JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "bench" / "bench_ollama.py"


def test_bench_ollama_quick_run(tmp_path: Path) -> None:
    out_file = tmp_path / "ollama.json"
    out = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--out", str(out_file)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "| client | invoke CPU µs/request | stream CPU µs/chunk |" in out.stdout
    result = json.loads(out_file.read_text())
    measured = {(row["client"], row["mode"]) for row in result["rows"]}
    assert {("chatplex", "invoke"), ("chatplex", "stream")} <= measured
    assert all(row["cpu_us"] > 0 for row in result["rows"])
