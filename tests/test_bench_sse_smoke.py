"""bench/bench_sse.py runs end to end (small sizes) and writes its JSON."""

from __future__ import annotations

from pathlib import Path

from tests._bench import quick_run


def test_bench_sse_quick_run(tmp_path: Path) -> None:
    stdout, result = quick_run("bench_sse.py", tmp_path)
    assert "| one 256 KiB line, 100-byte reads |" in stdout
    assert {row["scenario"] for row in result["rows"]} >= {"one 64 KiB line, 100-byte reads"}
