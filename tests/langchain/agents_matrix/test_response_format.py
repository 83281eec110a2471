"""`create_agent(response_format=...)` under each strategy (`ToolStrategy`,
`ProviderStrategy`, the automatic choice from a bare schema), alone and with a tool, sync
and async, on every wire: the partner package's class and chatplex's, compared
(`_kit.py`)."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import BaseModel

from ._cells import family_test
from ._kit import STEPS
from ._kit import Run
from ._kit import arun
from ._kit import get_weather

agents = pytest.importorskip("langchain.agents")
structured = pytest.importorskip("langchain.agents.structured_output")


pytestmark = pytest.mark.xdist_group("agents_matrix_response_format")


class Forecast(BaseModel):
    """A forecast for a city."""

    city: str
    degrees: int


ASK = "Give me a forecast for Paris."


def _outcome(state: dict[str, Any]) -> dict[str, Any]:
    return {"structured_response": state.get("structured_response"), "messages": state["messages"]}


def _with(response_format: Any) -> Any:
    def scenario(run: Run) -> Any:
        agent = agents.create_agent(run.make(), tools=[], response_format=response_format)
        return _outcome(agent.invoke({"messages": [("user", ASK)]}, STEPS))

    return scenario


def auto_strategy_async(run: Run) -> Any:
    async def body() -> Any:
        agent = agents.create_agent(run.make(), tools=[], response_format=Forecast)
        return _outcome(await agent.ainvoke({"messages": [("user", ASK)]}, STEPS))

    return arun(body)


def response_format_with_tools(run: Run) -> Any:
    """A tool call first, then the structured answer (ToolStrategy: both are tools)."""
    agent = agents.create_agent(
        run.make(), tools=[get_weather], response_format=structured.ToolStrategy(Forecast)
    )
    return _outcome(agent.invoke({"messages": [("user", "What is the weather in Paris?")]}, STEPS))


SCENARIOS = {
    "tool_strategy": _with(structured.ToolStrategy(Forecast)),
    "provider_strategy": _with(structured.ProviderStrategy(Forecast)),
    "auto_strategy": _with(Forecast),
    "auto_strategy_async": auto_strategy_async,
    "response_format_with_tools": response_format_with_tools,
}


test_response_format = family_test(SCENARIOS)
