"""`langchain.agents.create_agent` with a tool and a checkpointer (InMemorySaver), two
turns on one thread, sync, async, and streamed (`stream_mode="messages"`), on every wire:
the partner package's class and chatplex's, compared (`_kit.py`)."""

from __future__ import annotations

from typing import Any

import pytest

from ._cells import family_test
from ._kit import THREAD
from ._kit import TURNS
from ._kit import Run
from ._kit import arun
from ._kit import get_weather
from ._kit import text_of

agents = pytest.importorskip("langchain.agents")
memory = pytest.importorskip("langgraph.checkpoint.memory")


pytestmark = pytest.mark.xdist_group("agents_matrix_agents")


def _agent(run: Run) -> Any:
    return agents.create_agent(run.make(), tools=[get_weather], checkpointer=memory.InMemorySaver())


def agent_two_turns(run: Run) -> Any:
    agent = _agent(run)
    first = agent.invoke({"messages": [("user", TURNS[0])]}, THREAD)
    second = agent.invoke({"messages": [("user", TURNS[1])]}, THREAD)
    return {"first": len(first["messages"]), "messages": second["messages"]}


def agent_two_turns_async(run: Run) -> Any:
    async def body() -> Any:
        agent = _agent(run)
        first = await agent.ainvoke({"messages": [("user", TURNS[0])]}, THREAD)
        second = await agent.ainvoke({"messages": [("user", TURNS[1])]}, THREAD)
        return {"first": len(first["messages"]), "messages": second["messages"]}

    return arun(body)


def token(chunk: Any, metadata: dict[str, Any]) -> dict[str, Any]:
    """What a `stream_mode="messages"` piece shows a user: its node, text, tool-call
    pieces, position and usage."""
    return {
        "node": metadata.get("langgraph_node"),
        "type": type(chunk).__name__,
        "text": text_of(chunk.content),
        "tool_call_chunks": [
            {k: c.get(k) for k in ("name", "args", "index")}
            for c in getattr(chunk, "tool_call_chunks", None) or ()
        ],
        "chunk_position": getattr(chunk, "chunk_position", None),
        "usage_metadata": getattr(chunk, "usage_metadata", None),
    }


def agent_stream_messages(run: Run) -> Any:
    agent = _agent(run)
    pieces = [
        token(chunk, metadata)
        for chunk, metadata in agent.stream(
            {"messages": [("user", TURNS[0])]}, THREAD, stream_mode="messages"
        )
    ]
    return {"tokens": pieces, "messages": agent.get_state(THREAD).values["messages"]}


SCENARIOS = {
    "agent_two_turns": agent_two_turns,
    "agent_two_turns_async": agent_two_turns_async,
    "agent_stream_messages": agent_stream_messages,
}


test_agent = family_test(SCENARIOS)
