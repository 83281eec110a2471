"""bench/bench_collector.py runs end to end (tiny counts) and writes its JSON."""

from __future__ import annotations

from pathlib import Path

from tests._bench import quick_run
from tests._bench import require


def test_bench_collector_quick_run(tmp_path: Path) -> None:
    require("langchain_openai")
    stdout, results = quick_run("bench_collector.py", tmp_path, timeout=300)
    assert "| dropin, chain | raised |" in stdout and "| dropin, chain | cpython |" in stdout
    rows = results["results"]
    assert {
        "dropin/model/raised",
        "chatplex/chain/cpython",
        "langchain-openai/chain/cpython",
    } <= set(rows)
    assert "langchain-floor/model/raised" not in rows  # no chatplex batch: one setting
    assert all(row["cpu_us"] > 0 and len(row["collections"]) == 3 for row in rows.values())
