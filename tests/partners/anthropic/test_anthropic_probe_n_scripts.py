"""ChatAnthropic side by side in agents that combine features: a thinking agent (a
redacted block among its thoughts) streamed as messages and updates asynchronously, its
thread kept by a checkpointer and asked again, so each turn's thinking goes back signed;
the same on LangChain's v1 blocks with the state dumped and loaded back; a thinking agent
streamed through astream_events with two tool calls in one turn. Each runs with both
classes against one scripted Messages server; what it returns and sends is compared."""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Iterator
from typing import Any

import pytest

from tests._warns import beta_warning_ignored
from tests.partners._sidebyside import add
from tests.partners._sidebyside import mul
from tests.partners.anthropic.test_anthropic_agent_scripts import FINAL
from tests.partners.anthropic.test_anthropic_agent_scripts import tool_turns
from tests.partners.anthropic.test_anthropic_sidebyside import ADD_CALL
from tests.partners.anthropic.test_anthropic_sidebyside import KEY
from tests.partners.anthropic.test_anthropic_sidebyside import MODEL
from tests.partners.anthropic.test_anthropic_sidebyside import THINKING
from tests.partners.anthropic.test_anthropic_sidebyside import anthropic_suite
from tests.partners.anthropic.test_anthropic_sidebyside import streamed

REDACTED = {"type": "redacted_thinking", "data": "ZW5jcnlwdGVk"}
MUL_CALL = {"type": "tool_use", "id": "toolu_02", "name": "mul", "input": {"a": 2, "b": 3}}
LATER = {"type": "thinking", "thinking": "Sum it up.", "signature": "sig-02"}


def _thinking_model(cls: Any, url: str, **more: Any) -> Any:
    thinking = {"type": "enabled", "budget_tokens": 1024}
    return cls(model=MODEL, api_key=KEY, base_url=url, thinking=thinking, max_tokens=2048, **more)


def _piece(piece: Any) -> list[Any]:
    return [
        type(piece).__name__,
        piece.content,
        [{**c, "id": bool(c.get("id"))} for c in getattr(piece, "tool_call_chunks", [])],
        getattr(piece, "usage_metadata", None),
        sorted(piece.response_metadata),
    ]


def thinking_thread_astreamed(cls: Any, url: str) -> Any:
    """Turn one astreamed as messages and updates, turn two ainvoked on the thread."""
    from langchain.agents import create_agent
    from langgraph.checkpoint.memory import InMemorySaver

    agent = create_agent(_thinking_model(cls, url), tools=[add], checkpointer=InMemorySaver())
    config = {"configurable": {"thread_id": "t"}}

    async def run() -> Any:
        out: list[Any] = []
        async for mode, data in agent.astream(
            {"messages": [("user", "1+2?")]}, config, stream_mode=["messages", "updates"]
        ):
            if mode == "messages":
                out.append([mode, *_piece(data[0]), data[1].get("langgraph_node")])
            else:
                out.append([mode, data])
        again = await agent.ainvoke({"messages": [("user", "Once more?")]}, config)
        return [out, again["messages"]]

    return asyncio.run(run())


def v1_thread_reloaded(cls: Any, url: str) -> Any:
    """An agent on v1 blocks: its checkpoint's messages dumped and loaded back, then a
    new turn sent with them to the model bound to the tool."""
    from langchain.agents import create_agent
    from langchain_core.load import dumpd
    from langchain_core.load import load
    from langgraph.checkpoint.memory import InMemorySaver

    chat = _thinking_model(cls, url, output_version="v1")
    agent = create_agent(chat, tools=[add], checkpointer=InMemorySaver())
    config = {"configurable": {"thread_id": "t"}}
    agent.invoke({"messages": [("user", "1+2?")]}, config)
    with beta_warning_ignored():
        back = [
            load(dumpd(m), allowed_objects="messages")
            for m in agent.get_state(config).values["messages"]
        ]
    return [back, chat.bind_tools([add]).invoke([*back, ("user", "Sure?")])]


def two_calls_events(cls: Any, url: str) -> Any:
    """A thinking agent calling two tools in one turn, through astream_events v2: each
    model event's chunk or output and each tool's start and end."""
    from langchain.agents import create_agent

    agent = create_agent(_thinking_model(cls, url, streaming=True), tools=[add, mul])

    async def run() -> Any:
        out: list[Any] = []
        tools: list[Any] = []
        async for ev in agent.astream_events(
            {"messages": [("user", "1+2 and 2*3?")]}, version="v2"
        ):
            data = ev["data"]
            if ev["event"] in ("on_chat_model_stream", "on_chat_model_end"):
                out.append([ev["event"], *_piece(data.get("chunk") or data["output"])])
            elif ev["event"] in ("on_tool_start", "on_tool_end"):
                tools.append([ev["event"], ev["name"], data.get("input")])
        # The two tools run side by side: their events come in either order.
        return [out, sorted(tools, key=repr)]

    return asyncio.run(run())


SCRIPTS = {
    "thinking_thread_astreamed": (
        tool_turns(streamed(THINKING, REDACTED, ADD_CALL, stop="tool_use"), streamed(LATER, FINAL)),
        thinking_thread_astreamed,
    ),
    "v1_thread_reloaded": (
        tool_turns(streamed(THINKING, REDACTED, ADD_CALL, stop="tool_use"), streamed(LATER, FINAL)),
        v1_thread_reloaded,
    ),
    "two_calls_events": (
        tool_turns(streamed(THINKING, ADD_CALL, MUL_CALL, stop="tool_use"), streamed(LATER, FINAL)),
        two_calls_events,
    ),
}


@pytest.fixture(autouse=True)
def _fresh_async_client() -> Iterator[None]:
    """langchain-anthropic caches one async HTTP client per process: its pooled
    connections belong to the loop of the `asyncio.run` that opened them, and the next
    script's loop meets them closed (its SDK then retries: one request more). Each
    script starts with none cached, as a script run on its own does."""
    cached = importlib.import_module("langchain_anthropic._client_utils")
    cached._get_default_async_httpx_client.cache_clear()
    yield
    cached._get_default_async_httpx_client.cache_clear()


SUITE = anthropic_suite(SCRIPTS)
test_probe_n_scripts_same_as_langchain_anthropic = SUITE.same_test()
