"""bench/bench_gemini.py runs end to end (a few requests) and writes its JSON."""

from __future__ import annotations

from pathlib import Path

from tests._bench import quick_run
from tests._bench import require


def test_bench_gemini_quick_run(tmp_path: Path) -> None:
    require("google.genai")
    stdout, written = quick_run("bench_gemini.py", tmp_path)
    assert "| chatplex |" in stdout and "| google-genai |" in stdout
    rows = written["rows"]
    assert {row["client"] for row in rows} == {"chatplex", "google-genai"}
    assert all(row["invoke_cpu_ms"] > 0 and row["stream_chunk_cpu_us"] > 0 for row in rows)
