"""bench/bench_served.py runs end to end (tiny sizes, over a MockServer on 127.0.0.1)
and writes its JSON."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "bench" / "bench_served.py"


def test_bench_served_quick_run(tmp_path: Path) -> None:
    pytest.importorskip("boto3")
    pytest.importorskip("google.genai")
    out_file = tmp_path / "served.json"
    out = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--out", str(out_file)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    assert "| bedrock | boto3 |" in out.stdout and "| gemini | google-genai |" in out.stdout
    rows = json.loads(out_file.read_text())["rows"]
    measured = {(row["wire"], row["client"], row["mode"]) for row in rows}
    for wire, sdk in (("bedrock", "boto3"), ("gemini", "google-genai")):
        for client in ("chatplex", sdk):
            assert {(wire, client, "invoke"), (wire, client, "stream")} <= measured
    assert all(row["cpu_us"] > 0 for row in rows)
