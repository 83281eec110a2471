"""bench/bench_gemini.py runs end to end (a few requests) and writes its JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "bench" / "bench_gemini.py"


def test_bench_gemini_quick_run(tmp_path: Path) -> None:
    pytest.importorskip("google.genai")
    out_file = tmp_path / "gemini.json"
    out = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--out", str(out_file)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "| chatplex |" in out.stdout and "| google-genai |" in out.stdout
    rows = json.loads(out_file.read_text())["rows"]
    assert {row["client"] for row in rows} == {"chatplex", "google-genai"}
    assert all(row["invoke_cpu_ms"] > 0 and row["stream_chunk_cpu_us"] > 0 for row in rows)
