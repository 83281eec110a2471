"""bench/bench_merge.py runs end to end (tiny sizes) and writes its JSON."""

from __future__ import annotations

from pathlib import Path

from tests._bench import quick_run


def test_bench_merge_quick_run(tmp_path: Path) -> None:
    stdout, result = quick_run("bench_merge.py", tmp_path)
    assert "| tool_args |" in stdout and "| parallel |" in stdout
    ways = {(r["library"], r["way"]) for r in result["merge"]}
    assert ("chatplex", "merge_chunks") in ways and ("chatplex", "sum loop + read") in ways
    assert {r["library"] for r in result["partial_json"]} >= {"chatplex"}
    assert {r["library"] for r in result["partial_json_prefixes"]} >= {"chatplex", "pydantic_core"}
