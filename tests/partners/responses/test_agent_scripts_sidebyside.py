"""Scripts on the Responses API that combine what users combine, side by side with
langchain-openai's ChatOpenAI against one scripted server: a streamed tool-calling agent
whose model reasons (summaries), `use_previous_response_id` across a LangGraph
checkpointer, and logprobs streamed."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.adapters._responses_fixtures import call_item
from tests.adapters._responses_fixtures import events_of
from tests.adapters._responses_fixtures import message_item
from tests.adapters._responses_fixtures import reasoning_item
from tests.adapters._responses_fixtures import response
from tests.adapters._responses_fixtures import sse_of
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import observe
from tests.partners.openai._both import scripts_test

pytest.importorskip("langchain_openai")
pytest.importorskip("langgraph")


def _answered(seen: Seen) -> Reply:
    """A call of `get_weather` (after a reasoning summary) until a tool's output comes
    back, then the answer; streamed where asked."""
    given = json.dumps(seen.body.get("input"))
    if "function_call_output" in given:
        body = response([message_item("It is sunny in Paris.", msg_id="msg_2")], id="resp_2")
    else:
        reasoning = reasoning_item("**Weather** I should look it up.", encrypted_content="gAAA")
        body = response([reasoning, call_item("get_weather", '{"city": "Paris"}')])
    if seen.body.get("stream"):
        return Reply(200, [sse_of(events_of(body))], content_type="text/event-stream")
    return Reply(200, [json.dumps(body).encode()])


def _model(cls: Any, url: str, **more: Any) -> Any:
    return cls(
        model="o4-mini",
        api_key="sk-k",
        base_url=url + "/v1",
        max_retries=0,
        use_responses_api=True,
        reasoning={"effort": "low", "summary": "auto"},
        **more,
    )


def _get_weather() -> Any:
    from langchain_core.tools import tool

    @tool
    def get_weather(city: str) -> str:
        """The weather in a city."""
        return f"sunny in {city}"

    return get_weather


def agent_streamed_messages(cls: Any, url: str) -> Any:
    """create_agent streamed in "messages" mode: each token chunk's content and the
    node it came from, then the final state's messages."""
    from langchain.agents import create_agent

    agent = create_agent(_model(cls, url, streaming=True), tools=[_get_weather()])
    pieces = []
    for chunk, meta in agent.stream(
        {"messages": [("user", "Weather in Paris?")]}, stream_mode="messages"
    ):
        pieces.append([type(chunk).__name__, meta.get("langgraph_node"), observe(chunk.content)])
    final = agent.invoke({"messages": [("user", "Weather in Paris?")]})
    return {"pieces": pieces, "final": [observe(m) for m in final["messages"]]}


def agent_stream_updates(cls: Any, url: str) -> Any:
    """create_agent streamed in "updates" mode (each node's new messages), output
    version v1 (standard content blocks: reasoning, tool calls, text)."""
    from langchain.agents import create_agent

    model = _model(cls, url, streaming=True, output_version="v1")
    agent = create_agent(model, tools=[_get_weather()])
    updates = []
    for update in agent.stream({"messages": [("user", "Weather in Paris?")]}):
        for node, state in update.items():
            updates.append([node, [observe(m) for m in (state or {}).get("messages", [])]])
    return updates


def agent_astream_events(cls: Any, url: str) -> Any:
    """astream_events v2 of the agent: the chat model events, each with the chunk's
    content blocks (reasoning summaries among them)."""
    import asyncio

    from langchain.agents import create_agent

    agent = create_agent(_model(cls, url), tools=[_get_weather()])

    async def main() -> Any:
        seen = []
        async for event in agent.astream_events(
            {"messages": [("user", "Weather in Paris?")]}, version="v2"
        ):
            if event["event"].startswith("on_chat_model"):
                data = event["data"]
                shown = data.get("chunk") or data.get("output")
                seen.append([event["event"], observe(getattr(shown, "content", None))])
        return seen

    return asyncio.run(main())


def previous_response_id_checkpointed(cls: Any, url: str) -> Any:
    """A LangGraph graph with a checkpointer, the model on `use_previous_response_id`:
    two turns on one thread; the second's request carries the first's response id and
    only the new input."""
    from langgraph.checkpoint.memory import InMemorySaver
    from langgraph.graph import START
    from langgraph.graph import MessagesState
    from langgraph.graph import StateGraph

    model = _model(cls, url, use_previous_response_id=True)

    def call(state: MessagesState) -> Any:
        return {"messages": [model.invoke(state["messages"])]}

    graph = StateGraph(MessagesState)
    graph.add_node("model", call)
    graph.add_edge(START, "model")
    app = graph.compile(checkpointer=InMemorySaver())
    config = {"configurable": {"thread_id": "t1"}}
    first = app.invoke({"messages": [("user", "Weather in Paris?")]}, config)
    second = app.invoke({"messages": [("user", "And tomorrow?")]}, config)
    return [observe(m) for m in (*first["messages"], *second["messages"])]


SCRIPTS = {
    "agent_streamed_messages": agent_streamed_messages,
    "agent_stream_updates": agent_stream_updates,
    "agent_astream_events": agent_astream_events,
    "previous_response_id_checkpointed": previous_response_id_checkpointed,
}

test_same_as_langchain_openai = scripts_test(SCRIPTS, _answered)
