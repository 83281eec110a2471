"""bench/bench_collector.py runs end to end (tiny counts) and writes its JSON.

Three of its processes, not all twelve (each imports LangChain, ~4 s of a loaded run):
a chatplex client with both settings and one with no chatplex batch, hence one setting.
"""

from __future__ import annotations

from pathlib import Path

from tests._bench import quick_run
from tests._bench import require


def test_bench_collector_quick_run(tmp_path: Path) -> None:
    require("langchain_openai")
    stdout, results = quick_run(
        "bench_collector.py",
        tmp_path,
        "--clients",
        "dropin,langchain-floor",
        "--shapes",
        "model",
        timeout=300,
    )
    assert "| dropin, model | raised |" in stdout and "| dropin, model | cpython |" in stdout
    rows = results["results"]
    # no chatplex batch in the floor's client: it runs with one setting
    assert set(rows) == {
        "dropin/model/raised",
        "dropin/model/cpython",
        "langchain-floor/model/cpython",
    }
    assert all(row["cpu_us"] > 0 and len(row["collections"]) == 3 for row in rows.values())
