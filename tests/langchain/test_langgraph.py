"""ChatChatplex inside LangGraph: a StateGraph tool loop (ToolNode + tools_condition) and
the prebuilt ReAct agent, sync and async, streaming tokens, on both wires."""

from __future__ import annotations

from typing import Any

import pytest
from _lckit import base_url
from langchain_core.messages import AIMessage
from langchain_core.messages import AIMessageChunk
from langchain_core.messages import ToolMessage
from langchain_core.runnables import RunnableLambda
from langchain_core.tools import tool
from langgraph.graph import START
from langgraph.graph import MessagesState
from langgraph.graph import StateGraph
from langgraph.prebuilt import ToolNode
from langgraph.prebuilt import tools_condition
from langgraph.warnings import LangGraphDeprecatedSinceV10

from chatplex.langchain import ChatChatplex

PROVIDERS = ["openai", "anthropic"]
QUESTION = "What is the weather in San Francisco, CA?"


@tool
def get_weather(location: str) -> str:
    """The weather at a location."""
    return f"It is sunny in {location}."


def agent_graph(llm: ChatChatplex) -> Any:
    model = llm.bind_tools([get_weather])

    def call_model(state: MessagesState) -> dict[str, Any]:
        return {"messages": [model.invoke(state["messages"])]}

    async def acall_model(state: MessagesState) -> dict[str, Any]:
        return {"messages": [await model.ainvoke(state["messages"])]}

    graph = StateGraph(MessagesState)
    graph.add_node("agent", RunnableLambda(call_model, afunc=acall_model))
    graph.add_node("tools", ToolNode([get_weather]))
    graph.add_edge(START, "agent")
    graph.add_conditional_edges("agent", tools_condition)
    graph.add_edge("tools", "agent")
    return graph.compile()


def check_trace(messages: list[Any]) -> None:
    kinds = [type(m).__name__ for m in messages]
    assert kinds == ["HumanMessage", "AIMessage", "ToolMessage", "AIMessage"], kinds
    call = messages[1].tool_calls[0]
    assert (call["name"], call["args"]) == ("get_weather", {"location": "San Francisco, CA"})
    assert isinstance(messages[2], ToolMessage) and messages[2].tool_call_id == call["id"]
    assert messages[2].content == "It is sunny in San Francisco, CA."
    final = messages[3]
    assert isinstance(final, AIMessage) and not final.tool_calls and final.content


def llm(provider: str) -> ChatChatplex:
    return ChatChatplex(model=f"{provider}:m", base_url=base_url(provider), api_key="mock-key")


@pytest.mark.parametrize("provider", PROVIDERS)
@pytest.mark.parametrize("sync", [True, False])
async def test_state_graph_tool_loop(provider: str, sync: bool) -> None:
    graph = agent_graph(llm(provider))
    state = {"messages": [("user", QUESTION)]}
    out = graph.invoke(state) if sync else await graph.ainvoke(state)
    check_trace(out["messages"])


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_tokens_stream_out_of_the_graph(provider: str) -> None:
    graph = agent_graph(llm(provider))
    tokens: list[str] = []
    async for message, _meta in graph.astream(
        {"messages": [("user", QUESTION)]}, stream_mode="messages"
    ):
        # `.text`: with tools offered, Anthropic text streams as indexed text blocks (as
        # LangChain's ChatAnthropic streams it), OpenAI's as strings.
        if isinstance(message, AIMessageChunk):
            tokens.append(message.text)
    assert len([t for t in tokens if t]) > 3  # the final answer, piece by piece
    assert "".join(tokens).startswith("Echo: What is the weather")


@pytest.mark.parametrize("provider", PROVIDERS)
def test_prebuilt_react_agent(provider: str) -> None:
    from langgraph.prebuilt import create_react_agent

    # LangGraph 1.x points to langchain.agents.create_agent (another package) and warns;
    # the prebuilt agent still works, which is what this checks.
    with pytest.warns(LangGraphDeprecatedSinceV10, match="create_react_agent"):
        agent = create_react_agent(llm(provider), [get_weather])
    check_trace(agent.invoke({"messages": [("user", QUESTION)]})["messages"])
