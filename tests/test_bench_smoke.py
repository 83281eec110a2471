"""The benchmark harness still runs: `bench/run.py --quick` against chatplex only.

No peers (their venv is `make bench`'s business) and tiny counts, so it takes seconds;
the numbers are not checked, only that every measurement ran and the report is whole.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests._script_module import script_module

ROOT = Path(__file__).resolve().parent.parent


def test_bench_quick_runs_chatplex_end_to_end(tmp_path: Path) -> None:
    out = tmp_path / "results.json"
    done = subprocess.run(
        [
            sys.executable,
            str(ROOT / "bench" / "run.py"),
            "--quick",
            "--no-peers",
            "--out",
            str(out),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(out.read_text())
    summary = report["summary"]
    for client in ("chatplex-openai", "chatplex-anthropic"):
        assert summary[f"abatch/{client}"]["cpu_us_per_request"] > 0
        assert summary[f"abatch/{client}"]["requests_per_s"] > 0
        assert summary[f"stream/{client}"]["cpu_us_per_chunk"] > 0
        assert summary[f"batch/{client}"]["cpu_us_per_request"] > 0
    assert summary["import/chatplex"]["import_ms"] > 0
    assert summary["rss/chatplex-openai"]["peak_rss_mb"] > 0
    assert "| chatplex-openai |" in done.stdout
    assert "import chatplex <= 150 ms" in report["markdown"]
    # The chart's sweep (chatplex only here) and the import ratio to asyncio.
    for level in report["plan"]["sweep_levels"]:
        point = summary[f"sweep/chatplex-openai/{level}"]
        assert point["cpu_us_per_request"] > 0 and point["peak_rss_mb"] > 0
    assert summary["import_ratio/chatplex"]["ratio"] > 0
    assert summary["import_ratio/chatplex"]["first_model_ms"] > 0
    assert "| chatplex-openai | " in report["markdown"].split("Sweep (the chart)")[1]
    peers_python = ROOT / "bench" / ".peers-venv" / "bin" / "python"
    if peers_python.exists():  # made by `make bench`; matplotlib lives there only
        png = tmp_path / "chart.png"
        drawn = subprocess.run(
            [str(peers_python), str(ROOT / "bench" / "chart.py"), str(out), str(png)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert drawn.returncode == 0, drawn.stderr[-2000:]
        assert png.read_bytes().startswith(b"\x89PNG")


def test_the_raw_anthropic_client_sends_the_sdks_api_version() -> None:
    from chatplex.providers.anthropic.adapter import ANTHROPIC_VERSION

    clients = script_module("bench_clients", ROOT / "bench" / "clients.py")
    assert clients.headers("anthropic")["anthropic-version"] == ANTHROPIC_VERSION
