"""bench/bench_tracing.py runs end to end (tiny counts) and its checks hold."""

from __future__ import annotations

from pathlib import Path

from tests._bench import quick_run


def test_bench_tracing_quick_run(tmp_path: Path) -> None:
    stdout, result = quick_run("bench_tracing.py", tmp_path, timeout=300)
    assert "| workload | off | LangSmith on | OTel on |" in stdout
    # Off loads neither library; LangSmith's runs go through chatplex's own sender (no
    # `langsmith` import); OTel loads its SDK.
    assert result["loaded"]["off"] == []
    assert result["loaded"]["langsmith"] == []
    assert result["loaded"]["otel"] == ["opentelemetry"]
    cpu = result["cpu_us_per_request"]
    assert set(cpu) == {"invoke", "chain", "stream", "langchain-chain"}
    assert all(v > 0 for row in cpu.values() for v in row.values())
    # The calls' own thread's share, per workload and mode measured.
    caller = result["caller_cpu_us_per_request"]
    assert {w: set(row) for w, row in caller.items()} == {w: set(row) for w, row in cpu.items()}
    assert all(v > 0 for row in caller.values() for v in row.values())
    # Every row of every traced `chatplex run` reached the fake LangSmith endpoint.
    rows = result["settings"]["rows"]
    assert result["bulk_traced_runs"] == [rows] * result["settings"]["repeat"]
    assert result["bulk_wall_ratio"] > 0 and result["hook_check_ns"] >= 0
