"""bench/bench_pace.py runs end to end (--quick, chatplex on one wire) and writes its
JSON. No timing is asserted: the figures are the bench's, on a quiet machine."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "bench" / "bench_pace.py"


def test_bench_pace_quick_run(tmp_path: Path) -> None:
    out_file = tmp_path / "pace.json"
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
    }
    out = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--clients", "chatplex", "--wires", "openai"]
        + ["--scenarios", "sporadic,burst", "--out", str(out_file)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        env=env,
    )
    assert out.returncode == 0, out.stderr
    assert "| openai | 64 | chatplex |" in out.stdout
    result = json.loads(out_file.read_text())
    assert [row["client"] for row in result["sporadic"]] == ["chatplex"]
    sporadic = result["sporadic"][0]
    assert sporadic["attempts"] > 64  # the seeded faults hit some of the 64 first attempts
    assert sporadic["failed"] == 0  # every faulted request retried to success
    assert result["burst"][0]["healthy_rps"] > 0
