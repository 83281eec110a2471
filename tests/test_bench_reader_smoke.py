"""bench/bench_reader.py runs end to end (a tiny reply) and writes its JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[1] / "bench" / "bench_reader.py"


def test_bench_reader_quick_run(tmp_path: Path) -> None:
    out_file = tmp_path / "reader.json"
    out = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--out", str(out_file)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "| burst | invoke |" in out.stdout and "| trickle | aiohttp |" in out.stdout
    rows = json.loads(out_file.read_text(encoding="utf-8"))["rows"]
    assert {(r["pacing"], r["client"]) for r in rows} == {
        (pacing, client)
        for pacing in ("burst", "trickle")
        for client in ("invoke", "ainvoke", "aiohttp", "h1-socket")
    }
