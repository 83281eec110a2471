"""bench/bench_langchain.py runs end to end (tiny counts) and writes its JSON."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

# find_spec, not importorskip: the bench imports LangChain in its own processes only.
if importlib.util.find_spec("langchain_openai") is None:  # pragma: no cover
    pytest.skip("pip install -e . --group dev (langchain-openai)", allow_module_level=True)

SCRIPT = Path(__file__).resolve().parents[1] / "bench" / "bench_langchain.py"


def test_bench_langchain_quick_run(tmp_path: Path) -> None:
    out_file = tmp_path / "results.json"
    out = subprocess.run(
        [sys.executable, str(SCRIPT), "--quick", "--out", str(out_file)],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert out.returncode == 0, out.stderr
    for client in ("dropin", "chatchatplex", "langchain-openai", "chatplex", "langchain-floor"):
        assert f"| {client} |" in out.stdout
    assert "ChatChatplex ÷ langchain-openai's ChatOpenAI:" in out.stdout
    assert "chatplex.langchain.ChatOpenAI (the drop-in, a LangChain chat model)" in out.stdout
    results = json.loads(out_file.read_text())
    modes = {"abatch", "astream", "astream_model"}  # astream_model: the model alone, no chain
    assert set(results["summary"]["chatchatplex_vs_chatopenai"]) == modes
    assert set(results["summary"]["dropin_vs_chatopenai"]) == modes
    assert set(results["summary"]["floor_vs_chatopenai"]) == modes  # LangChain's own floor
    assert len(results["runs"]["chatchatplex/abatch"]) == 1
    assert len(results["runs"]["dropin/abatch"]) == 1
