"""examples/langgraph_agent.py runs its LangGraph agent on the scripted mock server, and
without LangGraph installed it says what to install and exits cleanly."""

from __future__ import annotations

from ._scripts import SideBySide
from .conftest import SCRIPTS_GROUP

pytestmark = SCRIPTS_GROUP  # the script runs side by side with the folder's others


def test_the_agent_calls_the_tool_and_answers(scripts: SideBySide) -> None:
    out = scripts.result("langgraph_agent")
    assert out.returncode == 0, out.stderr
    assert out.stderr == ""
    assert "[no CHATPLEX_MODEL set: embedded mock server on http://127.0.0.1:" in out.stdout
    assert "     ai: calls get_weather({'city': 'Paris'})" in out.stdout
    assert "   tool: sunny, 21 °C in Paris" in out.stdout
    assert "     ai: get_weather says it is sunny and 21 °C in Paris." in out.stdout
    assert "  streamed: get_weather says it is sunny and 21 °C in Paris." in out.stdout


def test_without_langgraph_it_says_what_to_install(scripts: SideBySide) -> None:
    out = scripts.result("langgraph_agent without langgraph")
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == (
        "langgraph_agent: skipped (langgraph is not installed); "
        "pip install langgraph 'chatplex[langchain]'"
    )
