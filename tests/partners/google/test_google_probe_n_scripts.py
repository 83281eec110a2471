"""ChatGoogleGenerativeAI side by side in agents and graphs that combine features: a
thinking agent whose signed function call is streamed as messages and whose thread,
kept by a checkpointer, is asked again (the signatures replayed); two calls in one turn,
the second unsigned as Gemini sends them, their state dumped and loaded back before it
is sent again; a Send fan-out of thinking calls, invoked and streamed, its usage summed by
a callback. Compared as the suite of `test_google_sidebyside.py` compares its scripts."""

from __future__ import annotations

import operator
from typing import Annotated
from typing import Any
from typing import TypedDict

from tests._warns import beta_warning_ignored
from tests.partners._sidebyside import add
from tests.partners._sidebyside import mul
from tests.partners.google._scripts import THINKING_USAGE
from tests.partners.google._scripts import THOUGHT
from tests.partners.google._suites import gemini_suite
from tests.partners.google.test_google_agent_scripts import tool_turns
from tests.partners.google.test_google_sidebyside import gemini_replies
from tests.partners.google.test_google_sidebyside import model

#: A thought, then a call of `add` carrying the thought's signature.
SIGNED_THOUGHT_CALL = [
    {"text": "Use add.", "thought": True},
    {"functionCall": {"name": "add", "args": {"a": 1, "b": 2}}, "thoughtSignature": "c2lnMQ=="},
]

#: Two calls in one turn: Gemini signs the first alone.
TWO_CALLS = [
    {"functionCall": {"name": "add", "args": {"a": 1, "b": 2}}, "thoughtSignature": "c2lnMg=="},
    {"functionCall": {"name": "mul", "args": {"a": 2, "b": 3}}},
]


def signed_agent_streamed_twice(cls: Any, url: str) -> Any:
    """Turn one streamed as messages (each piece's content, tool call chunks, usage and
    node), turn two invoked on the same thread: the final state."""
    from langchain.agents import create_agent
    from langgraph.checkpoint.memory import InMemorySaver

    chat = model(cls, url, thinking_budget=512, include_thoughts=True)
    agent = create_agent(chat, tools=[add], checkpointer=InMemorySaver())
    config = {"configurable": {"thread_id": "t"}}
    pieces = [
        [
            type(piece).__name__,
            piece.content,
            [{**c, "id": bool(c["id"])} for c in getattr(piece, "tool_call_chunks", [])],
            getattr(piece, "usage_metadata", None),
            meta.get("langgraph_node"),
        ]
        for piece, meta in agent.stream(
            {"messages": [("user", "1+2?")]}, config, stream_mode="messages"
        )
    ]
    again = agent.invoke({"messages": [("user", "And again?")]}, config)
    return [pieces, again["messages"]]


def two_calls_state_reloaded(cls: Any, url: str) -> Any:
    """Two calls in one turn run by the agent; its checkpoint's messages dumped with
    dumpd and loaded back, then sent again to the bound model."""
    from langchain.agents import create_agent
    from langchain_core.load import dumpd
    from langchain_core.load import load
    from langgraph.checkpoint.memory import InMemorySaver

    chat = model(cls, url, include_thoughts=True)
    agent = create_agent(chat, tools=[add, mul], checkpointer=InMemorySaver())
    config = {"configurable": {"thread_id": "t"}}
    agent.invoke({"messages": [("user", "1+2 and 2*3?")]}, config)
    messages = agent.get_state(config).values["messages"]
    with beta_warning_ignored():
        back = [load(dumpd(m), allowed_objects="messages") for m in messages]
    return [back, chat.bind_tools([add, mul]).invoke([*back, ("user", "Sure?")])]


class _Fan(TypedDict):
    asks: list[Any]
    answers: Annotated[list[Any], operator.add]


def fanned_out_usage(cls: Any, url: str) -> Any:
    """A Send fan-out of a thinking model, two branches invoked and two streamed: each
    answer's usage, and the sums get_usage_metadata_callback keeps."""
    from langchain_core.callbacks import get_usage_metadata_callback
    from langgraph.graph import END
    from langgraph.graph import START
    from langgraph.graph import StateGraph
    from langgraph.types import Send

    chat = model(cls, url, thinking_budget=512, include_thoughts=True)

    def ask(state: dict[str, Any]) -> dict[str, Any]:
        if state["stream"]:
            message = None
            for piece in chat.stream(state["q"]):
                message = piece if message is None else message + piece
        else:
            message = chat.invoke(state["q"])
        return {"answers": [[state["q"], state["stream"], message]]}

    graph = StateGraph(_Fan)
    graph.add_node("ask", ask)
    graph.add_conditional_edges(START, lambda s: [Send("ask", a) for a in s["asks"]], ["ask"])
    graph.add_edge("ask", END)
    asks = [{"q": q, "stream": s} for q in ("a?", "b?") for s in (False, True)]
    with get_usage_metadata_callback() as totals:
        result = graph.compile().invoke({"asks": asks, "answers": []})
    return [sorted(result["answers"], key=lambda a: (a[0], a[1])), totals.usage_metadata]


def recorded_agent(cls: Any, url: str) -> Any:
    """A thinking agent (streaming) watched by a handler recording each model start's
    serialized kwargs, invocation params, ls_ metadata and messages, each token's chunk
    and each end's llm_output."""
    from langchain.agents import create_agent
    from langchain_core.callbacks import BaseCallbackHandler

    class Recorder(BaseCallbackHandler):
        def __init__(self) -> None:
            self.seen: list[Any] = []

        def on_chat_model_start(self, serialized: Any, messages: Any, **kw: Any) -> None:
            meta = {k: v for k, v in (kw.get("metadata") or {}).items() if k.startswith("ls_")}
            self.seen.append(
                [
                    "start",
                    sorted(serialized.get("kwargs") or {}),
                    sorted(kw),
                    kw.get("invocation_params"),
                    meta,
                    messages,
                ]
            )

        def on_llm_new_token(self, token: str, *, chunk: Any = None, **kw: Any) -> None:
            self.seen.append(["token", token, type(chunk).__name__, chunk.generation_info])

        def on_llm_end(self, response: Any, **kw: Any) -> None:
            self.seen.append(["end", response.llm_output, response.generations[0][0].text])

    recorder = Recorder()
    chat = model(cls, url, thinking_budget=512, include_thoughts=True, streaming=True)
    agent = create_agent(chat, tools=[add], system_prompt="Be brief.")
    agent.invoke({"messages": [("user", "1+2?")]}, {"callbacks": [recorder]})
    return recorder.seen


SCRIPTS = {
    "recorded_agent": (
        tool_turns(
            gemini_replies(SIGNED_THOUGHT_CALL, usage=THINKING_USAGE),
            gemini_replies(THOUGHT, usage=THINKING_USAGE),
        ),
        recorded_agent,
    ),
    "signed_agent_streamed_twice": (
        tool_turns(
            gemini_replies(SIGNED_THOUGHT_CALL, usage=THINKING_USAGE),
            gemini_replies(THOUGHT, usage=THINKING_USAGE),
        ),
        signed_agent_streamed_twice,
    ),
    "two_calls_state_reloaded": (
        tool_turns(gemini_replies(TWO_CALLS), gemini_replies(THOUGHT)),
        two_calls_state_reloaded,
    ),
    "fanned_out_usage": (gemini_replies(THOUGHT, usage=THINKING_USAGE), fanned_out_usage),
}

SUITE = gemini_suite(SCRIPTS)
test_probe_n_scripts_same_as_langchain_google_genai = SUITE.same_test()
