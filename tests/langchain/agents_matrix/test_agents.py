"""`langchain.agents.create_agent` with a tool and a checkpointer (InMemorySaver), two
turns on one thread, sync, async, and streamed (`stream_mode="messages"`), on every wire:
the partner package's class and chatplex's, compared (`_kit.py`)."""

from __future__ import annotations

import re
import warnings
from typing import Any

import pytest

from ._cells import family_test
from ._kit import THREAD
from ._kit import TURNS
from ._kit import Run
from ._kit import arun
from ._kit import get_weather
from ._kit import masked
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


def agent_stream_events_v3(run: Run) -> Any:
    """The first turn's `stream_events(version="v3")`: each protocol event as given but
    its timestamp, ids and checkpoint namespaces drawn per run (LangGraph gives the
    messages channel the chat model's own events)."""
    from langchain_core._api.beta_decorator import LangChainBetaWarning

    agent = _agent(run)
    with warnings.catch_warnings():  # (LangGraph's v3 protocol: beta)
        warnings.simplefilter("ignore", LangChainBetaWarning)
        said = {"messages": [("user", TURNS[0])]}
        events = list(agent.stream_events(said, THREAD, version="v3"))
    return [_steady({**e, "params": _untimed(e["params"])}) for e in events]


def agent_astream_events_v3(run: Run) -> Any:
    """`agent_stream_events_v3` awaited (`astream_events(version="v3")`)."""
    from langchain_core._api.beta_decorator import LangChainBetaWarning

    async def body() -> Any:
        agent = _agent(run)
        with warnings.catch_warnings():  # (LangGraph's v3 protocol: beta)
            warnings.simplefilter("ignore", LangChainBetaWarning)
            said = {"messages": [("user", TURNS[0])]}
            return [e async for e in await agent.astream_events(said, THREAD, version="v3")]

    events = arun(body)
    return [_steady({**e, "params": _untimed(e["params"])}) for e in events]


def _untimed(params: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in params.items() if k != "timestamp"}


_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _steady(value: Any) -> Any:
    """`value` with what a run draws afresh masked: its volatile keys (`masked`), the
    UUIDs in a checkpoint namespace."""
    value = masked(value)
    if isinstance(value, dict):
        return {
            k: _UUID.sub("<uuid>", v) if k.endswith("checkpoint_ns") else _steady(v)
            for k, v in value.items()
        }
    if isinstance(value, list):
        return [_steady(v) for v in value]
    return value


SCENARIOS = {
    "agent_two_turns": agent_two_turns,
    "agent_two_turns_async": agent_two_turns_async,
    "agent_stream_messages": agent_stream_messages,
    "agent_stream_events_v3": agent_stream_events_v3,
    "agent_astream_events_v3": agent_astream_events_v3,
}


test_agent = family_test(SCENARIOS)
