"""LangChain's machinery around ChatOllama, side by side with langchain-ollama: a
reasoning (`reasoning=True`) agent's message stream and event stream, an agent with a
response format, a LangGraph graph (ToolNode, a checkpointer, two turns on one thread),
a message history, and per-call options a callback handler sees. Each script runs with
both classes against one scripted `/api/chat` server; what it returns and what it sent
are compared (tool results' `tool_name` aside: the suite's kept difference).
"""

from __future__ import annotations

import asyncio
import warnings
from collections.abc import Callable
from typing import Any

import pytest

from tests.partners._machinery import Weather
from tests.partners._machinery import get_weather
from tests.partners._machinery import shown
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import assert_same
from tests.partners._sidebyside import run_row
from tests.partners.ollama.test_ollama_sidebyside import _comparable_request
from tests.partners.ollama.test_ollama_sidebyside import _comparable_result
from tests.partners.ollama.test_ollama_sidebyside import _named_tool_results
from tests.partners.ollama.test_ollama_sidebyside import ollama_replies

langchain_ollama = pytest.importorskip("langchain_ollama")
pytest.importorskip("langchain.agents")
callbacks = pytest.importorskip("langchain_core.callbacks")

from chatplex.langchain import ChatOllama as OurChatOllama  # noqa: E402

CALL = [{"function": {"name": "get_weather", "arguments": {"city": "Oslo"}}}]


def _after_tool(first: Any, then: Any) -> Callable[[Seen], Reply]:
    """`first` until the last message is a tool result, then `then`."""

    def answer(seen: Seen) -> Reply:
        messages = (seen.body or {}).get("messages") or [{}]
        return then(seen) if messages[-1].get("role") == "tool" else first(seen)

    return answer


THINKING_AGENT = _after_tool(
    ollama_replies("", thinking="I should call the tool.", tool_calls=CALL),
    ollama_replies("It is sunny.", thinking="Now I answer."),
)


def reasoning_agent_stream(cls: Any, url: str) -> Any:
    from langchain.agents import create_agent

    agent = create_agent(cls(model="qwen3", base_url=url, reasoning=True), tools=[get_weather])
    given = {"messages": [{"role": "user", "content": "Weather in Oslo?"}]}
    out = []
    for mode, chunk in agent.stream(given, stream_mode=["messages", "updates"]):
        if mode == "messages":
            message, meta = chunk
            pieces = [(c["name"], c["args"]) for c in getattr(message, "tool_call_chunks", [])]
            out.append((message.content, message.additional_kwargs, pieces, sorted(meta)))
        else:
            out.append(sorted(chunk))
    return out


def reasoning_agent_events(cls: Any, url: str) -> Any:
    from langchain.agents import create_agent

    agent = create_agent(cls(model="qwen3", base_url=url, reasoning=True), tools=[get_weather])

    async def run() -> list[Any]:
        given = {"messages": [{"role": "user", "content": "Weather in Oslo?"}]}
        out = []
        async for event in agent.astream_events(given, version="v2"):
            if event["event"] in ("on_chat_model_stream", "on_chat_model_end"):
                data = event["data"]
                piece = data.get("chunk") or data.get("output")
                out.append((event["event"], event["name"], shown([piece])))
        return out

    return asyncio.run(run())


def response_format(cls: Any, url: str) -> Any:
    from langchain.agents import create_agent

    agent = create_agent(
        cls(model="llama3.2", base_url=url), [get_weather], response_format=Weather
    )
    result = agent.invoke({"messages": [{"role": "user", "content": "Weather?"}]})
    return {"messages": shown(result["messages"]), "out": result["structured_response"]}


def graph_two_turns(cls: Any, url: str) -> Any:
    from langgraph.checkpoint.memory import InMemorySaver
    from langgraph.graph import START
    from langgraph.graph import MessagesState
    from langgraph.graph import StateGraph
    from langgraph.prebuilt import ToolNode
    from langgraph.prebuilt import tools_condition

    model = cls(model="llama3.2", base_url=url).bind_tools([get_weather])
    graph = StateGraph(MessagesState)
    graph.add_node("agent", lambda state: {"messages": [model.invoke(state["messages"])]})
    graph.add_node("tools", ToolNode([get_weather]))
    graph.add_edge(START, "agent")
    graph.add_conditional_edges("agent", tools_condition)
    graph.add_edge("tools", "agent")
    app = graph.compile(checkpointer=InMemorySaver())
    config = {"configurable": {"thread_id": "1"}}
    app.invoke({"messages": [("user", "Weather in Oslo?")]}, config)
    messages = app.invoke({"messages": [("user", "And now?")]}, config)["messages"]
    ids = [c["id"] for m in messages for c in getattr(m, "tool_calls", None) or []]
    answered = [m.tool_call_id for m in messages if m.type == "tool"]
    return {"messages": shown(messages), "distinct_ids": len(set(ids)), "paired": ids == answered}


def options_seen(cls: Any, url: str) -> Any:
    seen: list[Any] = []

    class Handler(callbacks.BaseCallbackHandler):
        def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
            seen.append((kwargs.get("invocation_params"), kwargs.get("metadata")))

    model = cls(model="llama3.2", base_url=url, keep_alive="10m", num_ctx=8192, seed=7)
    model.invoke("hi", config={"callbacks": [Handler()]})
    model.invoke("hi", config={"callbacks": [Handler()]}, options={"num_ctx": 4096})
    list(model.stream("hi", config={"callbacks": [Handler()]}, keep_alive="1m"))
    return seen


def message_history(cls: Any, url: str) -> Any:
    from langchain_core.chat_history import InMemoryChatMessageHistory
    from langchain_core.prompts import ChatPromptTemplate
    from langchain_core.prompts import MessagesPlaceholder
    from langchain_core.runnables.history import RunnableWithMessageHistory

    store: dict[str, Any] = {}
    prompt = ChatPromptTemplate.from_messages(
        [("system", "Be brief."), MessagesPlaceholder("history"), ("human", "{q}")]
    )
    # (their deprecations, in favour of LangGraph's: the history's is given at its first
    # call, once per process, so whichever side runs first would meet it)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        chain = RunnableWithMessageHistory(
            prompt | cls(model="llama3.2", base_url=url),
            lambda session: store.setdefault(session, InMemoryChatMessageHistory()),
            input_messages_key="q",
            history_messages_key="history",
        )
        config = {"configurable": {"session_id": "a"}}
        chain.invoke({"q": "hi"}, config=config)
        list(chain.stream({"q": "again"}, config=config))
    return [(type(m).__name__, m.content) for m in store["a"].messages]


STRUCTURED = ollama_replies(
    "", tool_calls=[{"function": {"name": "Weather", "arguments": {"city": "Oslo", "sunny": True}}}]
)
SCRIPTS: dict[str, tuple[Callable[[Seen], Reply], Callable[[Any, str], Any]]] = {
    "reasoning_agent_stream": (THINKING_AGENT, reasoning_agent_stream),
    "reasoning_agent_events": (THINKING_AGENT, reasoning_agent_events),
    "response_format": (
        _after_tool(ollama_replies("", tool_calls=CALL), STRUCTURED),
        response_format,
    ),
    "graph_two_turns": (
        _after_tool(ollama_replies("", tool_calls=CALL), ollama_replies("It is sunny.")),
        graph_two_turns,
    ),
    "options_seen": (ollama_replies("Hello."), options_seen),
    "message_history": (ollama_replies("Hello."), message_history),
}


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_same_as_langchain_ollama(name: str, server: ScriptedServer) -> None:
    reading = {"result": _comparable_result, "request": _comparable_request, "collect": True}
    outcome = run_row(server, SCRIPTS[name], langchain_ollama.ChatOllama, OurChatOllama, **reading)
    assert_same(_named_tool_results(outcome))
