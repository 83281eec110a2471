"""bench/bench_sse.py runs end to end (small sizes) and writes its JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "bench" / "bench_sse.py"


def test_bench_sse_quick_run(tmp_path: Path) -> None:
    out_file = tmp_path / "sse.json"
    out = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--out", str(out_file)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "| one 256 KiB line, 100-byte reads |" in out.stdout
    result = json.loads(out_file.read_text())
    assert {row["scenario"] for row in result["rows"]} >= {"one 64 KiB line, 100-byte reads"}
