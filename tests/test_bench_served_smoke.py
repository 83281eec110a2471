"""bench/bench_served.py runs end to end (tiny sizes, over a MockServer on 127.0.0.1)
and writes its JSON."""

from __future__ import annotations

from pathlib import Path

from tests._bench import quick_run
from tests._bench import require


def test_bench_served_quick_run(tmp_path: Path) -> None:
    require("boto3", "google.genai")
    stdout, written = quick_run("bench_served.py", tmp_path, timeout=300)
    assert "| bedrock | boto3 |" in stdout and "| gemini | google-genai |" in stdout
    rows = written["rows"]
    measured = {(row["wire"], row["client"], row["mode"]) for row in rows}
    for wire, sdk in (("bedrock", "boto3"), ("gemini", "google-genai")):
        for client in ("chatplex", sdk):
            assert {(wire, client, "invoke"), (wire, client, "stream")} <= measured
    assert all(row["cpu_us"] > 0 for row in rows)
