"""bench/bench_floor.py runs end to end on its cheap rows (tiny counts) and writes its
JSON: its rows call the other bench scripts' functions, which change under it (the
reader row once broke that way and no test saw it). The traced row's workers are
bench_tracing's, smoke-tested there."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "bench" / "bench_floor.py"


def test_bench_floor_quick_run(tmp_path: Path) -> None:
    out_file = tmp_path / "floor.json"
    out = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--rows", "abatch,import,reader"]
        + ["--out", str(out_file)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "| abatch CPU/request, openai wire |" in out.stdout
    assert "MB in 64-byte chunks, `invoke`" in out.stdout
    result = json.loads(out_file.read_text(encoding="utf-8"))
    assert set(result["reader"]["ratio"]) == {"invoke", "ainvoke", "h1-socket"}
    assert result["import"]["ratio"]["cpu"] > 0 and result["abatch"]["ratio"]["openai"] > 0
