"""bench/bench_bulk.py runs end to end (tiny sizes) and its checks hold."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "bench" / "bench_bulk.py"


def test_bench_bulk_quick_run(tmp_path: Path) -> None:
    out_file = tmp_path / "bulk.json"
    done = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--out", str(out_file)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "| rows | peak RSS (MiB) |" in done.stdout and ": OK" in done.stdout
    result = json.loads(out_file.read_text())
    kill = result["kill"]
    assert kill["ok"] and kill["lines"] == kill["unique_ids"] == kill["expected"]
    assert kill["requests"] <= kill["expected"] + result["settings"]["window"]
    assert [row["rows"] for row in result["rss"]] == [100]
