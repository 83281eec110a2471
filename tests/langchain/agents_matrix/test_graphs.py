"""A LangGraph `StateGraph` whose node calls the wire's model, streamed with
`stream_mode="messages"` (sync and async), `"updates"` and `"values"`, and its
`astream_events` (the chat-model events from inside the node), on every wire: the
partner package's class and chatplex's, compared (`_kit.py`)."""

from __future__ import annotations

from typing import Any

import pytest

from chatplex.testing import MockServer

from ._cells import FIELD_DIFFERENCES
from ._cells import REASONS
from ._cells import family_test
from ._cells import field_gap_cells
from ._cells import without_field
from ._kit import WIRES
from ._kit import Run
from ._kit import arun
from ._kit import run_cell
from .test_agents import agent_two_turns
from .test_agents import token

graph_module = pytest.importorskip("langgraph.graph")
runnables = pytest.importorskip("langchain_core.runnables")

pytestmark = pytest.mark.xdist_group("agents_matrix_graphs")

ASK = {"messages": [("user", "Say hello to my friend")]}


def _graph(model: Any) -> Any:
    def call_model(state: Any) -> dict[str, Any]:
        return {"messages": [model.invoke(state["messages"])]}

    async def acall_model(state: Any) -> dict[str, Any]:
        return {"messages": [await model.ainvoke(state["messages"])]}

    graph = graph_module.StateGraph(graph_module.MessagesState)
    graph.add_node("model", runnables.RunnableLambda(call_model, afunc=acall_model))
    graph.add_edge(graph_module.START, "model")
    return graph.compile()


def stream_messages(run: Run) -> Any:
    return [token(c, m) for c, m in _graph(run.make()).stream(ASK, stream_mode="messages")]


def stream_messages_async(run: Run) -> Any:
    async def body() -> Any:
        graph = _graph(run.make())
        return [token(c, m) async for c, m in graph.astream(ASK, stream_mode="messages")]

    return arun(body)


def stream_updates(run: Run) -> Any:
    return list(_graph(run.make()).stream(ASK, stream_mode="updates"))


def stream_values(run: Run) -> Any:
    return list(_graph(run.make()).stream(ASK, stream_mode="values"))


def astream_events(run: Run) -> Any:
    """The chat model's events heard through the graph: their order and names, each
    stream chunk's token, the end's output."""

    async def body() -> Any:
        out = []
        async for event in _graph(run.make()).astream_events(ASK, version="v2"):
            kind = event["event"]
            if not kind.startswith("on_chat_model"):
                continue
            data = event["data"]
            seen: dict[str, Any] = {"event": kind, "name": event["name"]}
            if "chunk" in data:
                seen["token"] = token(data["chunk"], event.get("metadata", {}))
            if "output" in data:
                seen["output"] = data["output"]
            out.append(seen)
        return out

    return arun(body)


SCENARIOS = {
    "stream_messages": stream_messages,
    "stream_messages_async": stream_messages_async,
    "stream_updates": stream_updates,
    "stream_values": stream_values,
    "astream_events": astream_events,
}


test_graph = family_test(SCENARIOS)


@pytest.mark.parametrize(("wire", "path"), field_gap_cells())
def test_field_gap(server: MockServer, wire: str, path: str) -> None:
    """A `FIELD_GAPS` or `FIELD_DIFFERENCES` row, judged with the field left in on a plain
    `stream_mode="values"` run (a tool call's block: the two-turn agent): a gap fails
    (xfail) while it differs; a kept difference differs in that field alone, and
    LangChain's outcome still shows its reason."""
    scenario = agent_two_turns if path.startswith("content") else stream_values
    theirs, ours = run_cell(scenario, WIRES[wire], server)
    kept = FIELD_DIFFERENCES.get((wire, path))
    if kept is None:
        assert ours == theirs
        return
    assert kept.reason in REASONS, f"{kept.reason!r} is not a reason of the closed set"
    assert kept.check(theirs), f"LangChain gave {theirs!r}, which no longer shows: {kept.shows}"
    assert ours != theirs, "the difference is gone: the row leaves FIELD_DIFFERENCES"
    assert without_field(ours, path) == without_field(theirs, path)
