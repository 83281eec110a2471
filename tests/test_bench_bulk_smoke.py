"""bench/bench_bulk.py runs end to end (tiny sizes) and its checks hold."""

from __future__ import annotations

from pathlib import Path

from tests._bench import quick_run


def test_bench_bulk_quick_run(tmp_path: Path) -> None:
    stdout, result = quick_run("bench_bulk.py", tmp_path, timeout=180)
    assert "| rows | peak RSS (MiB) |" in stdout and ": OK" in stdout
    kill = result["kill"]
    assert kill["ok"] and kill["lines"] == kill["unique_ids"] == kill["expected"]
    assert kill["requests"] <= kill["expected"] + result["settings"]["window"]
    assert [row["rows"] for row in result["rss"]] == [100]
