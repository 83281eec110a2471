"""A LangGraph tool-calling agent whose model is chatplex underneath (`ChatChatplex`).

The graph is LangGraph's usual loop: the model answers or asks for a tool, `ToolNode`
runs it, the model answers with the result. Only the model line is chatplex's, so a
LangGraph project keeps its graph and gets chatplex's pooled HTTP, retries, rate limiter
and typed errors.

    python examples/langgraph_agent.py                                  # mock server
    CHATPLEX_MODEL=anthropic:claude-haiku-4-5 python examples/langgraph_agent.py

Without CHATPLEX_MODEL it runs against the embedded mock server in scripted mode: a rule
makes the "model" call get_weather when asked about the weather, and answer once the
tool has run. Needs LangGraph: pip install langgraph 'chatplex[langchain]'.
"""

from __future__ import annotations

import asyncio
import os
import sys
from contextlib import ExitStack
from typing import Any

try:
    from langchain_core.messages import AIMessageChunk
    from langchain_core.tools import tool
    from langgraph.graph import START
    from langgraph.graph import MessagesState
    from langgraph.graph import StateGraph
    from langgraph.prebuilt import ToolNode
    from langgraph.prebuilt import tools_condition
except ImportError as exc:  # an optional extra: say what is missing, and stop cleanly
    print(
        f"langgraph_agent: skipped ({exc.name} is not installed); "
        "pip install langgraph 'chatplex[langchain]'"
    )
    sys.exit(0)

from chatplex.langchain import ChatChatplex
from chatplex.testing import MockScript
from chatplex.testing import MockServer
from chatplex.testing import ScriptRule

QUESTION = "What is the weather in Paris?"

# What the scripted mock answers: a get_weather call for a weather question, then (after
# the tool result) an answer. Anything else is echoed.
SCRIPT = MockScript(
    rules=[
        ScriptRule(
            user_text=r"weather in (?P<city>[^?]+)", call="get_weather", args={"city": r"\g<city>"}
        ),
        ScriptRule(
            user_text=r"weather in (?P<city>[^?]+)",
            after_tool_result=True,
            reply=r"get_weather says it is sunny and 21 °C in \g<city>.",
        ),
    ]
)


@tool
def get_weather(city: str) -> str:
    """The current weather in a city."""
    return f"sunny, 21 °C in {city}"


def build_agent(llm: ChatChatplex) -> Any:
    model = llm.bind_tools([get_weather])

    async def agent(state: MessagesState) -> dict[str, Any]:
        return {"messages": [await model.ainvoke(state["messages"])]}

    graph = StateGraph(MessagesState)
    graph.add_node("agent", agent)
    graph.add_node("tools", ToolNode([get_weather]))
    graph.add_edge(START, "agent")
    graph.add_conditional_edges("agent", tools_condition)  # tool calls? run them : end
    graph.add_edge("tools", "agent")
    return graph.compile()


async def run(llm: ChatChatplex) -> None:
    agent = build_agent(llm)
    result = await agent.ainvoke({"messages": [("user", QUESTION)]})
    for message in result["messages"]:
        calls = getattr(message, "tool_calls", None)
        shown = f"calls {calls[0]['name']}({calls[0]['args']})" if calls else message.content
        print(f"  {message.type:>5}: {shown}")
    # The same graph, streaming the model's tokens as they arrive.
    print("  streamed:", end=" ", flush=True)
    async for chunk, _meta in agent.astream(
        {"messages": [("user", QUESTION)]}, stream_mode="messages"
    ):
        if isinstance(chunk, AIMessageChunk) and isinstance(chunk.content, str):
            print(chunk.content, end="", flush=True)
    print()


def main() -> None:
    with ExitStack() as stack:
        configured = os.environ.get("CHATPLEX_MODEL")
        if configured:
            print(f"[model {configured} from CHATPLEX_MODEL]")
            llm = ChatChatplex()  # the model and its key come from the environment
        else:
            server = stack.enter_context(MockServer(script=SCRIPT))
            print(f"[no CHATPLEX_MODEL set: embedded mock server on {server.url}]")
            llm = ChatChatplex(
                model="openai:gpt-4o-mini", base_url=server.openai_base_url, api_key="mock-key"
            )
        print(f"LangGraph agent on ChatChatplex ({llm.model}):")
        asyncio.run(run(llm))


if __name__ == "__main__":
    main()
