"""examples/langgraph_agent.py runs its LangGraph agent on the scripted mock server, and
without LangGraph installed it says what to install and exits cleanly."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).resolve().parents[2] / "examples" / "langgraph_agent.py"


def run(extra_env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    drop = ("CHATPLEX_", "OPENAI_", "ANTHROPIC_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    return subprocess.run(
        [sys.executable, str(SCRIPT)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**env, "PYTHONWARNINGS": "error", **extra_env},
        check=False,
    )


def test_the_agent_calls_the_tool_and_answers() -> None:
    out = run({})
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""
    assert "[no CHATPLEX_MODEL set: embedded mock server on http://127.0.0.1:" in out.stdout
    assert "     ai: calls get_weather({'city': 'Paris'})" in out.stdout
    assert "   tool: sunny, 21 °C in Paris" in out.stdout
    assert "     ai: get_weather says it is sunny and 21 °C in Paris." in out.stdout
    assert "  streamed: get_weather says it is sunny and 21 °C in Paris." in out.stdout


def test_without_langgraph_it_says_what_to_install(tmp_path: Path) -> None:
    # A `langgraph` package that fails to import stands in for a missing one.
    fake = tmp_path / "langgraph"
    fake.mkdir()
    (fake / "__init__.py").write_text("raise ImportError('no langgraph here', name='langgraph')\n")
    out = run({"PYTHONPATH": str(tmp_path)})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == (
        "langgraph_agent: skipped (langgraph is not installed); "
        "pip install langgraph 'chatplex[langchain]'"
    )
