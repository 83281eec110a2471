"""bench/bench_merge.py runs end to end (tiny sizes) and writes its JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "bench" / "bench_merge.py"


def test_bench_merge_quick_run(tmp_path: Path) -> None:
    out_file = tmp_path / "merge.json"
    out = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--out", str(out_file)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "| tool_args |" in out.stdout and "| parallel |" in out.stdout
    result = json.loads(out_file.read_text(encoding="utf-8"))
    ways = {(r["library"], r["way"]) for r in result["merge"]}
    assert ("chatplex", "merge_chunks") in ways and ("chatplex", "sum loop + read") in ways
    assert {r["library"] for r in result["partial_json"]} >= {"chatplex"}
    assert {r["library"] for r in result["partial_json_prefixes"]} >= {"chatplex", "pydantic_core"}
