"""bench/bench_langchain.py runs end to end (tiny counts) and writes its JSON."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from tests._bench import quick_run

# find_spec, not importorskip: the bench imports LangChain in its own processes only.
if importlib.util.find_spec("langchain_openai") is None:  # pragma: no cover
    pytest.skip("pip install -e . --group dev (langchain-openai)", allow_module_level=True)


def test_bench_langchain_quick_run(tmp_path: Path) -> None:
    stdout, results = quick_run("bench_langchain.py", tmp_path, timeout=180)
    for client in ("dropin", "chatchatplex", "langchain-openai", "chatplex", "langchain-floor"):
        assert f"| {client} |" in stdout
    assert "ChatChatplex ÷ langchain-openai's ChatOpenAI:" in stdout
    assert "chatplex.langchain.ChatOpenAI (the drop-in)" in stdout
    modes = {"abatch", "astream", "astream_model"}  # astream_model: the model alone, no chain
    assert set(results["summary"]["chatchatplex_vs_chatopenai"]) == modes
    assert set(results["summary"]["dropin_vs_chatopenai"]) == modes
    assert set(results["summary"]["floor_vs_chatopenai"]) == modes  # LangChain's own floor
    assert len(results["runs"]["chatchatplex/abatch"]) == 1
    assert len(results["runs"]["dropin/abatch"]) == 1
