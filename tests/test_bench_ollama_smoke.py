"""bench/bench_ollama.py runs end to end (small sizes) and writes its JSON."""

from __future__ import annotations

from pathlib import Path

from tests._bench import quick_run


def test_bench_ollama_quick_run(tmp_path: Path) -> None:
    stdout, result = quick_run("bench_ollama.py", tmp_path, timeout=300)
    assert "| client | invoke CPU µs/request | stream CPU µs/chunk |" in stdout
    measured = {(row["client"], row["mode"]) for row in result["rows"]}
    assert {("chatplex", "invoke"), ("chatplex", "stream")} <= measured
    assert all(row["cpu_us"] > 0 for row in result["rows"])
