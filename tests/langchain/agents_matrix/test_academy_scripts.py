"""LangChain Academy's "Introduction to LangGraph" notebooks as scripts (issue 47): the
course's model-facing cells (github.com/langchain-ai/langchain-academy, module-0 to
module-5), as thousands of users copied them, the import line changed, on the wires a
script most often imports and ChatOpenAI on the Responses API (the notebooks are
ChatOpenAI's): the partner package's class and chatplex's, compared (`_kit.py`): what a
cell prints (`pretty_print`, `print`) or displays (a repr, key order included) or
returns, the states and streams it reads, and what reached the server. The web
retrievers (Tavily, Wikipedia) are local functions here, trustcall's extractors are n8's
set, and what test_langgraph_howto.py, test_graph_scripts.py and test_prebuilt_scripts.py
run already is left out.

- Module 0's models, on ChatOpenAI's wires (Chat Completions, the Responses API,
  Azure): its `gpt-4o` and `gpt-3.5-turbo-0125` at `temperature=0`, and a gpt-5 and an
  o1 swapped in, each invoked and asked for the map-reduce notebook's structured
  output (a model without Structured Outputs answers it by function calling, with
  langchain-openai's warning), and their temperature read back.
- Module 0-1: messages with a speaker's `name` (a user's, the model's) invoked and
  pretty-printed, `response_metadata`; a plain function with a docstring bound as a
  tool, the tool-calling node and the router (`ToolNode`, `tools_condition`); the agent
  over three tools with `parallel_tool_calls=False` and a system message, then with
  `MemorySaver` over two turns of a thread.
- Module 2: the chatbot that summarizes its history into a `summary` key and removes the
  old messages (`RemoveMessage`), its state as displayed, the summary sent back as a
  system message (that turn awaited); messages
  filtered by `RemoveMessage` with ids of the script's own, and by slicing.
- Module 3: the summarizing chatbot streamed with `stream_mode="updates"` and
  `"values"`, and its `astream_events` filtered on `on_chat_model_stream` by node;
  breakpoints (`interrupt_before=["tools"]`) resumed, replayed from a checkpoint and
  forked by the message's id; the state edited before the assistant (a user turn added
  beside the first) and as the `human_feedback` node.
- Module 4: map-reduce (`Send` over `with_structured_output` subjects, jokes, the best
  one), parallel retrievers feeding one answer kept as a message in a plain key, the
  research assistant's analysts (a pydantic list) with human feedback as a node, and
  its interview (a model question, a `SearchQuery` with a default of None, the expert's
  reply named `expert` and sent back after the analyst's own, `get_buffer_string`); the
  research assistant whole, async (an interview per analyst by `Send` into the compiled
  sub-graph, the report's parts written in parallel, one with its instructions as a bare
  string in the message list).
- Module 5: the memory store chatbot (`InMemoryStore`, a user id in the config, two
  threads), the profile schemas (a TypedDict, a list of models, optional nested
  lists; an answer that misses a required part, its `ValidationError` printed), and
  task_mAIstro's `UpdateMemory` router with `parallel_tool_calls=False`
  (async).
"""

from __future__ import annotations

import contextlib
import io
import operator
import re
import warnings
from typing import Annotated
from typing import Any
from typing import Literal
from typing import Optional
from typing import TypedDict

import pytest
from langchain_core.messages import AIMessage
from langchain_core.messages import BaseMessage
from langchain_core.messages import HumanMessage
from langchain_core.messages import RemoveMessage
from langchain_core.messages import SystemMessage
from langchain_core.messages import get_buffer_string
from langchain_core.runnables import RunnableConfig
from pydantic import BaseModel
from pydantic import Field
from pydantic import ValidationError

from chatplex.testing import MockScript
from chatplex.testing import MockServer
from chatplex.testing import ScriptRule

from ._cells import Difference
from ._cells import _sent_messages
from ._cells import assert_rows_name_cells
from ._cells import cells
from ._cells import judge
from ._cells import ollama_unnamed_results
from ._kit import _VOLATILE
from ._kit import RANDOM
from ._kit import STEPS
from ._kit import WIRES
from ._kit import Run
from ._kit import arun
from ._kit import json_body
from ._kit import masked
from ._kit import observe
from ._kit import outcome_of
from ._kit import requests_seen
from ._kit import run_cell
from ._kit import scripted
from .test_scripts import SCRIPT_WIRES
from .test_tutorial_scripts import _answers

memory = pytest.importorskip("langgraph.checkpoint.memory")
graph_module = pytest.importorskip("langgraph.graph")
prebuilt = pytest.importorskip("langgraph.prebuilt")
lg_types = pytest.importorskip("langgraph.types")
lg_store = pytest.importorskip("langgraph.store.memory")
lg_store_base = pytest.importorskip("langgraph.store.base")

pytestmark = pytest.mark.xdist_group("agents_matrix_academy")

#: The script wires, and ChatOpenAI on the Responses API: the notebooks are written
#: for ChatOpenAI, and `use_responses_api=True` is the one switch a user flips there.
ACADEMY_WIRES = (*SCRIPT_WIRES, "responses")

START, END = graph_module.START, graph_module.END
#: The annotation by which LangGraph hands a node its store (read from this module's names).
BaseStore = lg_store_base.BaseStore


# ---- the notebooks' tools -------------------------------------------------------------------


def multiply(a: int, b: int) -> int:
    """Multiply a and b.

    Args:
        a: first int
        b: second int
    """
    return a * b


def add(a: int, b: int) -> int:
    """Adds a and b.

    Args:
        a: first int
        b: second int
    """
    return a + b


def divide(a: int, b: int) -> float:
    """Divide a by b.

    Args:
        a: first int
        b: second int
    """
    return a / b


TOOLS = [add, multiply, divide]

#: The arithmetic notebooks' system message.
SYS_MSG = SystemMessage(
    content="You are a helpful assistant tasked with performing arithmetic on a set of inputs."
)


class UpdateMemory(TypedDict):
    """Decision on what memory type to update"""

    update_type: Literal["user", "todo", "instructions"]


# ---- the notebooks' schemas -------------------------------------------------------------------


class Subjects(BaseModel):
    subjects: list[str]


class Joke(BaseModel):
    joke: str


class BestJoke(BaseModel):
    id: int


class Analyst(BaseModel):
    affiliation: str = Field(description="Primary affiliation of the analyst.")
    name: str = Field(description="Name of the analyst.")
    role: str = Field(description="Role of the analyst in the context of the topic.")
    description: str = Field(description="Description of the analyst focus, concerns, and motives.")

    @property
    def persona(self) -> str:
        return (
            f"Name: {self.name}\nRole: {self.role}\nAffiliation: {self.affiliation}\n"
            f"Description: {self.description}\n"
        )


class Perspectives(BaseModel):
    analysts: list[Analyst] = Field(
        description="Comprehensive list of analysts with their roles and affiliations."
    )


class SearchQuery(BaseModel):
    search_query: str = Field(None, description="Search query for retrieval.")


class UserProfile(TypedDict):
    """User profile schema with typed fields"""

    user_name: str  # The user's preferred name
    interests: list[str]  # A list of the user's interests


class Memory(BaseModel):
    content: str = Field(
        description="The main content of the memory. For example: User expressed "
        "interest in learning about French."
    )


class MemoryCollection(BaseModel):
    memories: list[Memory] = Field(description="A list of memories about the user.")


class OutputFormat(BaseModel):
    preference: str
    sentence_preference_revealed: str


class TrustFallPreferences(BaseModel):
    preferred_fall_height: Optional[list[OutputFormat]] = None  # noqa: UP045 - as written
    trust_level: Optional[list[OutputFormat]] = None  # noqa: UP045
    preferred_catching_technique: Optional[list[OutputFormat]] = None  # noqa: UP045


class TelegramPreferences(BaseModel):
    preferred_encoding: Optional[list[OutputFormat]] = None  # noqa: UP045
    favorite_telegram_operators: Optional[list[OutputFormat]] = None  # noqa: UP045


class UserPreferences(BaseModel):
    telegram: TelegramPreferences
    trust_fall_preferences: TrustFallPreferences


class TelegramAndTrustFallPreferences(BaseModel):
    pertinent_user_preferences: UserPreferences


# ---- the script the server answers by -----------------------------------------------------

#: The analysts the model proposes (two, so that a fan-out has two branches).
ANALYSTS = {
    "analysts": [
        {"affiliation": "Acme", "name": "Ada", "role": "Architect", "description": "Scale."},
        {"affiliation": "Startup", "name": "Bo", "role": "Founder", "description": "Speed."},
    ]
}

ACADEMY_SCRIPT = MockScript(
    rules=[
        *(
            ScriptRule(user_text=asked, call="multiply", args=r'{"a": \g<a>, "b": \g<b>}')
            for asked in (
                r"[Mm]ultiply (?P<a>\d+) and (?P<b>\d+)",
                r"(?P<a>\d+) multiplied by (?P<b>\d+)",
            )
        ),
        ScriptRule(
            user_text=r"Multiply that by (?P<b>\d+)", call="multiply", args=r'{"a": 7, "b": \g<b>}'
        ),
        ScriptRule(
            user_text=r"Add (?P<a>\d+) and (?P<b>\d+)", call="add", args=r'{"a": \g<a>, "b": \g<b>}'
        ),
        ScriptRule(
            user_text=r"instructions", call="UpdateMemory", args={"update_type": "instructions"}
        ),
        *_answers("Subjects", {"subjects": ["lions", "owls"]}, user_text=r"sub-topics"),
        *_answers("BestJoke", {"id": 1}, user_text=r"Select the best one"),
        *_answers("Perspectives", ANALYSTS, user_text=r"set of analysts"),
        *_answers(
            "TelegramAndTrustFallPreferences",
            {"pertinent_user_preferences": {"telegram": {}}},
            user_text=r"the misfit",
        ),
        *_answers("SearchQuery", {"search_query": "LangGraph adoption"}, user_text=r"So you said"),
    ]
)

_academy_script = scripted(ACADEMY_SCRIPT)


def _sent(bodies: list[dict[str, Any]]) -> list[Any]:
    """The request bodies, ids masked, a top-level null left out (one the API reads as
    absent: AzureChatOpenAI's `model`)."""
    return [masked({k: v for k, v in body.items() if v is not None}) for body in bodies]


#: An id drawn per reply, as a content block's repr shows it (a Responses API reply's
#: `msg_...` / `fc_...` items, printed by `pretty_print` or formatted into a prompt).
_SHOWN_ID = re.compile(r"'id': '[^']*'")


def _steady(value: Any) -> Any:
    """An outcome with the ids drawn per reply masked, in its keys and in its text."""
    if isinstance(value, str):
        return _SHOWN_ID.sub(f"'id': '{RANDOM}'", value)
    if isinstance(value, dict):
        return {k: _steady(v) for k, v in masked(value).items()}
    if isinstance(value, list):
        return [_steady(v) for v in value]
    return value


#: A volatile key's value as a repr shows it (`id='...'`, `'created': 1700000000`).
_SHOWN_VOLATILE = re.compile(
    r"((?:'(?:%s)'\s*:\s*|\b(?:%s)=))('[^']*'|\d+)"
    % (("|".join(sorted({*_VOLATILE, "checkpoint_id"}, key=len, reverse=True)),) * 2)
)


def _repr(value: Any) -> str:
    """What a notebook shows of `value` (its repr, printed or displayed), its volatile
    values masked: key order and all."""
    return _SHOWN_VOLATILE.sub(lambda found: found.group(1) + RANDOM, repr(value))


def _printed(messages: Any) -> str:
    """What `m.pretty_print()` prints of each message, the call ids drawn per reply
    masked."""
    messages = list(messages) if isinstance(messages, (list, tuple)) else [messages]
    text = "\n".join(m.pretty_repr() for m in messages)
    for message in messages:
        for call in getattr(message, "tool_calls", None) or ():
            if call.get("id"):
                text = text.replace(call["id"], RANDOM)
    return text


def _captured(call: Any) -> tuple[Any, str]:
    """`call()`'s value and what it printed."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        value = call()
    return value, out.getvalue()


def _thread(name: str, **more: Any) -> dict[str, Any]:
    return {"configurable": {"thread_id": name, **more}, **STEPS}


# ---- module 0 and 1: messages, the chain, the router, the agent --------------------------------


def _ocean_chat() -> list[BaseMessage]:
    """The chain notebook's conversation of named speakers."""
    return [
        AIMessage(content="So you said you were researching ocean mammals?", name="Model"),
        HumanMessage(content="Yes, that's right.", name="Lance"),
        AIMessage(content="Great, what would you like to learn about.", name="Model"),
        HumanMessage(
            content="I want to learn about the best place to see Orcas in the US.", name="Lance"
        ),
    ]


def academy_basics(run: Run) -> Any:
    """Module 0's first calls (a named `HumanMessage` in a list, a string) and the chain
    notebook's named conversation: the replies, their `response_metadata`, what
    `pretty_print` shows of the conversation, and what each request carried."""
    chat = run.make(temperature=0)
    llm = run.make()
    with requests_seen(run, json_body) as seen:
        first = chat.invoke([HumanMessage(content="Hello world", name="Lance")])
        second = chat.invoke("hello world")
        result = llm.invoke(_ocean_chat())
    return {
        "replies": [first, second, result],
        "type": type(result).__name__,
        "shown": _repr(result),
        "metadata": _repr(result.response_metadata),
        "printed": _printed(_ocean_chat()),
        "sent": _sent(seen),
    }


def _tool_calling_graph(llm_with_tools: Any, tools: list[Any] | None) -> Any:
    """The chain notebook's graph (no tools node) or the router's (`ToolNode`)."""

    def tool_calling_llm(state: Any) -> Any:
        return {"messages": [llm_with_tools.invoke(state["messages"])]}

    builder = graph_module.StateGraph(graph_module.MessagesState)
    builder.add_node("tool_calling_llm", tool_calling_llm)
    builder.add_edge(START, "tool_calling_llm")
    if tools is None:
        builder.add_edge("tool_calling_llm", END)
    else:
        builder.add_node("tools", prebuilt.ToolNode(tools))
        builder.add_conditional_edges("tool_calling_llm", prebuilt.tools_condition)
        builder.add_edge("tools", END)
    return builder.compile()


def academy_router(run: Run) -> Any:
    """The chain notebook's plain function bound as a tool (its schema as sent, the named
    user's call), its one-node graph on a greeting and on a product, and the router
    notebook's graph (`ToolNode`, `tools_condition`): each run's messages printed."""
    llm = run.make()
    llm_with_tools = llm.bind_tools([multiply])
    with requests_seen(run, json_body) as seen:
        tool_call = llm_with_tools.invoke(
            [HumanMessage(content="What is 2 multiplied by 3", name="Lance")]
        )
        chain = _tool_calling_graph(llm_with_tools, None)
        hello = chain.invoke({"messages": HumanMessage(content="Hello!")})
        product = chain.invoke({"messages": HumanMessage(content="Multiply 2 and 3")})
        router = _tool_calling_graph(llm_with_tools, [multiply])
        routed = router.invoke({"messages": [HumanMessage("Hello, what is 2 multiplied by 2?")]})
    return {
        "tool_calls": masked(tool_call.tool_calls),
        "printed": [_printed(out["messages"]) for out in (hello, product, routed)],
        "messages": routed["messages"],
        "sent": _sent(seen),
    }


def _agent_builder(llm_with_tools: Any) -> Any:
    """The agent notebook's graph: the assistant with its system message, the tools, and
    back to the assistant."""

    def assistant(state: Any) -> Any:
        return {"messages": [llm_with_tools.invoke([SYS_MSG] + state["messages"])]}

    builder = graph_module.StateGraph(graph_module.MessagesState)
    builder.add_node("assistant", assistant)
    builder.add_node("tools", prebuilt.ToolNode(TOOLS))
    builder.add_edge(START, "assistant")
    builder.add_conditional_edges("assistant", prebuilt.tools_condition)
    builder.add_edge("tools", "assistant")
    return builder


def academy_agent_memory(run: Run) -> Any:
    """The agent notebook (three tools, `parallel_tool_calls=False`) on its three-step
    ask, then the agent-memory notebook: two turns without a checkpointer (the second
    knows nothing) and with `MemorySaver` on one thread, each printed, and what the
    memory's second turn sent."""
    llm = run.make()

    def agent() -> Any:
        react = _agent_builder(llm.bind_tools(TOOLS, parallel_tool_calls=False)).compile()
        said = "Add 3 and 4. Multiply the output by 2. Divide the output by 5"
        return _printed(react.invoke({"messages": [HumanMessage(content=said)]}, STEPS)["messages"])

    builder = _agent_builder(llm.bind_tools(TOOLS))
    react_graph = builder.compile()
    forgetful = [
        _printed(react_graph.invoke({"messages": [HumanMessage(content=said)]}, STEPS)["messages"])
        for said in ("Add 3 and 4.", "Multiply that by 2.")
    ]
    react_graph_memory = builder.compile(checkpointer=memory.MemorySaver())
    config = _thread("1")
    react_graph_memory.invoke({"messages": [HumanMessage(content="Add 3 and 4.")]}, config)
    with requests_seen(run, json_body) as seen:
        second = react_graph_memory.invoke(
            {"messages": [HumanMessage(content="Multiply that by 2.")]}, config
        )
    return {
        "agent": outcome_of(agent),
        "forgetful": forgetful,
        "memory": _printed(second["messages"]),
        "sent": _sent(seen[:1]),
    }


# ---- module 2 and 3: the summarizing chatbot, filtered messages, its streams ------------------


class SummaryState(graph_module.MessagesState):  # type: ignore[misc, name-defined]
    summary: str


def _summary_graph(model: Any, *, pass_config: bool) -> Any:
    """The chatbot-summarization notebook's graph (the streaming notebook's passes the
    node's config to the model), checkpointed."""

    def call_model(state: Any, config: RunnableConfig) -> Any:
        summary = state.get("summary", "")
        if summary:
            system_message = f"Summary of conversation earlier: {summary}"
            messages = [SystemMessage(content=system_message)] + state["messages"]
        else:
            messages = state["messages"]
        response = model.invoke(messages, config) if pass_config else model.invoke(messages)
        return {"messages": response}

    def summarize_conversation(state: Any) -> Any:
        summary = state.get("summary", "")
        if summary:
            summary_message = (
                f"This is summary of the conversation to date: {summary}\n\n"
                "Extend the summary by taking into account the new messages above:"
            )
        else:
            summary_message = "Create a summary of the conversation above:"
        messages = state["messages"] + [HumanMessage(content=summary_message)]
        response = model.invoke(messages)
        delete_messages = [RemoveMessage(id=m.id) for m in state["messages"][:-2]]
        return {"summary": response.content, "messages": delete_messages}

    def should_continue(state: Any) -> Literal["summarize_conversation", "__end__"]:
        """Return the next node to execute."""
        if len(state["messages"]) > 6:
            return "summarize_conversation"
        return END  # type: ignore[no-any-return]

    workflow = graph_module.StateGraph(SummaryState)
    workflow.add_node("conversation", call_model)
    workflow.add_node(summarize_conversation)
    workflow.add_edge(START, "conversation")
    workflow.add_conditional_edges("conversation", should_continue)
    workflow.add_edge("summarize_conversation", END)
    return workflow.compile(checkpointer=memory.MemorySaver())


def academy_summary_bot(run: Run) -> Any:
    """The summarizing chatbot over five turns of a thread (the last awaited): the last
    message printed each turn, the summary once the thread passes six messages, the
    state the notebook displays (`graph.get_state(config)`), and what the turn after
    the summary sent (the summary as a system message)."""
    graph = _summary_graph(run.make(temperature=0), pass_config=False)
    config = _thread("1")
    printed, summaries = [], []
    turns = (
        "hi! I'm Lance",
        "what's my name?",
        "i like the 49ers!",
        "i like Nick Bosa, isn't he the highest paid defensive player?",
    )
    for said in turns:
        output = graph.invoke({"messages": [HumanMessage(content=said)]}, config)
        printed.append(_printed(output["messages"][-1:]))
        summaries.append(graph.get_state(config).values.get("summary", ""))
    shown = _repr(graph.get_state(config))

    async def last_turn() -> Any:
        return await graph.ainvoke({"messages": [HumanMessage(content="and his team?")]}, config)

    with requests_seen(run, json_body) as seen:
        last = arun(last_turn)
    return {
        "printed": printed,
        "summaries": summaries,
        "shown": shown,
        "left": last["messages"],
        "sent": _sent(seen),
    }


def academy_stream_interrupt(run: Run) -> Any:
    """The streaming-interruption notebook: `stream_mode="updates"` printed (and the
    update's message pretty-printed), `"values"` printed message by message, then
    `astream_events(version="v2")` printed as node, type and name, and the chat model's
    tokens of the `conversation` node joined by "|"."""
    graph = _summary_graph(run.make(temperature=0), pass_config=True)
    said = HumanMessage(content="hi! I'm Lance")
    updates = list(graph.stream({"messages": [said]}, _thread("1"), stream_mode="updates"))
    values = [
        _printed(event["messages"])
        for event in graph.stream({"messages": [said]}, _thread("2"), stream_mode="values")
    ]
    question = HumanMessage(content="Tell me about the 49ers NFL team")

    async def events() -> Any:
        lines = []
        async for event in graph.astream_events(
            {"messages": [question]}, _thread("3"), version="v2"
        ):
            node = event["metadata"].get("langgraph_node", "")
            lines.append(f"Node: {node}. Type: {event['event']}. Name: {event['name']}")
        tokens = []
        async for event in graph.astream_events(
            {"messages": [question]}, _thread("5"), version="v2"
        ):
            if (
                event["event"] == "on_chat_model_stream"
                and event["metadata"].get("langgraph_node", "") == "conversation"
            ):
                tokens.append(observe(event["data"]["chunk"]))
        return {
            "lines": lines,
            "tokens": tokens,
            "joined": "|".join(str(t["content"]) for t in tokens),
        }

    return {
        "updates": updates,
        "updates_printed": [_repr(chunk) for chunk in updates],
        "printed_update": _printed(updates[0]["conversation"]["messages"]),
        "values": values,
        "events": arun(events),
    }


def academy_filter_messages(run: Run) -> Any:
    """The trim-filter notebook: the named conversation in a one-node graph, then
    filtered by a node removing all but the last two (the script's ids "1".."4"), then
    only the last message passed to the model: each output printed, and what each
    request carried."""
    llm = run.make()

    def graph_of(*nodes: tuple[str, Any]) -> Any:
        builder = graph_module.StateGraph(graph_module.MessagesState)
        previous = START
        for name, node in nodes:
            builder.add_node(name, node)
            builder.add_edge(previous, name)
            previous = name
        builder.add_edge(previous, END)
        return builder.compile()

    def filter_messages(state: Any) -> Any:
        return {"messages": [RemoveMessage(id=m.id) for m in state["messages"][:-2]]}

    def chat_model_node(state: Any) -> Any:
        return {"messages": [llm.invoke(state["messages"])]}

    def last_only(state: Any) -> Any:
        return {"messages": [llm.invoke(state["messages"][-1:])]}

    messages: list[BaseMessage] = [
        AIMessage("So you said you were researching ocean mammals?", name="Bot"),
        HumanMessage(
            "Yes, I know about whales. But what others should I learn about?", name="Lance"
        ),
    ]
    preamble: list[BaseMessage] = [
        AIMessage("Hi.", name="Bot", id="1"),
        HumanMessage("Hi.", name="Lance", id="2"),
        AIMessage("So you said you were researching ocean mammals?", name="Bot", id="3"),
        HumanMessage(
            "Yes, I know about whales. But what others should I learn about?", name="Lance", id="4"
        ),
    ]
    with requests_seen(run, json_body) as seen:
        plain = graph_of(("chat_model", chat_model_node)).invoke({"messages": messages})
        filtered = graph_of(("filter", filter_messages), ("chat_model", chat_model_node)).invoke(
            {"messages": preamble}
        )
        preamble.append(filtered["messages"][-1])
        preamble.append(HumanMessage("Tell me more about Narwhals!", name="Lance"))
        sliced = graph_of(("chat_model", last_only)).invoke({"messages": preamble})
    return {
        "printed": [_printed(out["messages"]) for out in (plain, filtered, sliced)],
        "sent": _sent(seen),
    }


def academy_breakpoints(run: Run) -> Any:
    """The breakpoints notebook (`interrupt_before=["tools"]`: the run up to the call,
    `state.next`, resumed with None), then the time-travel notebook: the history's
    length, a replay from the checkpoint before the model's first call, and a fork
    replacing the user's turn by its id (`Multiply 5 and 3`), each printed."""
    builder = _agent_builder(run.make().bind_tools(TOOLS))
    graph = builder.compile(interrupt_before=["tools"], checkpointer=memory.MemorySaver())
    thread = _thread("1")
    initial = {"messages": HumanMessage(content="Multiply 2 and 3")}
    before = [
        _printed(e["messages"][-1]) for e in graph.stream(initial, thread, stream_mode="values")
    ]
    waiting = graph.get_state(thread).next
    after = [_printed(e["messages"][-1]) for e in graph.stream(None, thread, stream_mode="values")]

    travel = builder.compile(checkpointer=memory.MemorySaver())
    travel.invoke(initial, thread)
    all_states = list(travel.get_state_history(thread))
    to_replay = all_states[-2]
    replayed = [
        _printed(e["messages"][-1])
        for e in travel.stream(None, to_replay.config, stream_mode="values")
    ]
    fork_config = travel.update_state(
        to_replay.config,
        {
            "messages": [
                HumanMessage(content="Multiply 5 and 3", id=to_replay.values["messages"][0].id)
            ]
        },
    )
    with requests_seen(run, json_body) as seen:
        forked = [
            _printed(e["messages"][-1])
            for e in travel.stream(None, fork_config, stream_mode="values")
        ]
    return {
        "before": before,
        "next": waiting,
        "after": after,
        "history": len(all_states),
        "replay_next": to_replay.next,
        "replayed": replayed,
        "forked": forked,
        "sent": _sent(seen[:1]),
    }


def _feedback_builder(llm_with_tools: Any) -> Any:
    """The edit-state notebook's graph with its no-op `human_feedback` node first."""

    def human_feedback(state: Any) -> None:
        pass

    def assistant(state: Any) -> Any:
        return {"messages": [llm_with_tools.invoke([SYS_MSG] + state["messages"])]}

    builder = graph_module.StateGraph(graph_module.MessagesState)
    builder.add_node("assistant", assistant)
    builder.add_node("tools", prebuilt.ToolNode(TOOLS))
    builder.add_node("human_feedback", human_feedback)
    builder.add_edge(START, "human_feedback")
    builder.add_edge("human_feedback", "assistant")
    builder.add_conditional_edges("assistant", prebuilt.tools_condition)
    builder.add_edge("tools", "human_feedback")
    return builder


def academy_edit_state(run: Run) -> Any:
    """The edit-state notebook: interrupted before the assistant, a user turn added
    beside the first (`update_state`), then run on twice (two user turns in a row sent);
    and the `human_feedback` node's graph, the user's words written as that node
    (`as_node="human_feedback"`), run on: each step printed, what the edited turn sent."""
    llm_with_tools = run.make().bind_tools(TOOLS)
    graph = _agent_builder(llm_with_tools).compile(
        interrupt_before=["assistant"], checkpointer=memory.MemorySaver()
    )
    thread = _thread("1")
    steps = [
        [
            _printed(e["messages"][-1])
            for e in graph.stream({"messages": "Multiply 2 and 3"}, thread, stream_mode="values")
        ]
    ]
    graph.update_state(
        thread, {"messages": [HumanMessage(content="No, actually multiply 3 and 3!")]}
    )
    with requests_seen(run, json_body) as seen:
        for _ in range(2):
            steps.append(
                [
                    _printed(e["messages"][-1])
                    for e in graph.stream(None, thread, stream_mode="values")
                ]
            )

    feedback = _feedback_builder(llm_with_tools).compile(
        interrupt_before=["human_feedback"], checkpointer=memory.MemorySaver()
    )
    thread = _thread("5")
    steps.append(
        [
            _printed(e["messages"][-1])
            for e in feedback.stream({"messages": "Multiply 2 and 3"}, thread, stream_mode="values")
        ]
    )
    feedback.update_state(thread, {"messages": "Multiply 4 and 5"}, as_node="human_feedback")
    for _ in range(2):
        steps.append(
            [
                _printed(e["messages"][-1])
                for e in feedback.stream(None, thread, stream_mode="values")
            ]
        )
    return {"steps": steps, "sent": _sent(seen[:1])}


# ---- module 4: map-reduce, parallel nodes, the research assistant -----------------------------


class OverallState(TypedDict):
    topic: str
    subjects: list[str]
    jokes: Annotated[list[str], operator.add]
    best_selected_joke: str


class JokeState(TypedDict):
    subject: str


def academy_map_reduce(run: Run) -> Any:
    """The map-reduce notebook: subjects by `with_structured_output`, a joke per subject
    by `Send`, the best one chosen by its id, streamed and printed node by node."""
    model = run.make(temperature=0)

    def generate_topics(state: OverallState) -> Any:
        prompt = (
            "Generate a list of 3 sub-topics that are all related to this overall topic: "
            f"{state['topic']}."
        )
        response = model.with_structured_output(Subjects).invoke(prompt)
        return {"subjects": response.subjects}

    def continue_to_jokes(state: OverallState) -> Any:
        return [lg_types.Send("generate_joke", {"subject": s}) for s in state["subjects"]]

    def generate_joke(state: JokeState) -> Any:
        response = model.with_structured_output(Joke).invoke(
            f"Generate a joke about {state['subject']}"
        )
        return {"jokes": [response.joke]}

    def best_joke(state: OverallState) -> Any:
        jokes = "\n\n".join(state["jokes"])
        prompt = (
            f"Below are a bunch of jokes about {state['topic']}. Select the best one! Return the "
            f"ID of the best one, starting 0 as the ID for the first joke. Jokes: \n\n  {jokes}"
        )
        response = model.with_structured_output(BestJoke).invoke(prompt)
        return {"best_selected_joke": state["jokes"][response.id]}

    graph = graph_module.StateGraph(OverallState)
    graph.add_node("generate_topics", generate_topics)
    graph.add_node("generate_joke", generate_joke)
    graph.add_node("best_joke", best_joke)
    graph.add_edge(START, "generate_topics")
    graph.add_conditional_edges("generate_topics", continue_to_jokes, ["generate_joke"])
    graph.add_edge("generate_joke", "best_joke")
    graph.add_edge("best_joke", END)
    app = graph.compile()
    with requests_seen(run, json_body) as seen:
        streamed = outcome_of(lambda: list(app.stream({"topic": "animals"}, STEPS)))
    return {"streamed": streamed, "sent": _sent(seen[:1])}


class AnswerState(TypedDict):
    question: str
    answer: Any
    context: Annotated[list[str], operator.add]


def academy_parallel_answer(run: Run) -> Any:
    """The parallelization notebook: two retrievers (local here) in parallel from START,
    their documents feeding one answer kept as the model's message in a plain key;
    `result['answer'].content` and the message itself."""
    llm = run.make(temperature=0)

    def search_web(state: AnswerState) -> Any:
        return {
            "context": ['<Document href="https://example.com/q2"/>\nRevenue rose.\n</Document>']
        }

    def search_wikipedia(state: AnswerState) -> Any:
        return {"context": ['<Document source="wiki" page=""/>\nNvidia makes GPUs.\n</Document>']}

    def generate_answer(state: AnswerState) -> Any:
        answer_instructions = (
            f"Answer the question {state['question']} using this context: {state['context']}"
        )
        answer = llm.invoke(
            [SystemMessage(content=answer_instructions)]
            + [HumanMessage(content="Answer the question.")]
        )
        return {"answer": answer}

    builder = graph_module.StateGraph(AnswerState)
    builder.add_node("search_web", search_web)
    builder.add_node("search_wikipedia", search_wikipedia)
    builder.add_node("generate_answer", generate_answer)
    builder.add_edge(START, "search_wikipedia")
    builder.add_edge(START, "search_web")
    builder.add_edge("search_wikipedia", "generate_answer")
    builder.add_edge("search_web", "generate_answer")
    builder.add_edge("generate_answer", END)
    graph = builder.compile()
    result = graph.invoke({"question": "How were Nvidia's Q2 2025 earnings"})
    return {
        "content": result["answer"].content,
        "answer": result["answer"],
        "context": result["context"],
    }


class GenerateAnalystsState(TypedDict, total=False):
    topic: str
    max_analysts: int
    human_analyst_feedback: str | None
    analysts: list[Analyst]


def _analysts_printed(event: Any) -> str:
    lines = []
    for analyst in event.get("analysts", "") or ():
        lines += [
            f"Name: {analyst.name}",
            f"Affiliation: {analyst.affiliation}",
            f"Role: {analyst.role}",
            f"Description: {analyst.description}",
            "-" * 50,
        ]
    return "\n".join(lines)


def _analyst_maker(llm: Any) -> Any:
    """The research assistant's `create_analysts` node over `llm`."""

    def create_analysts(state: GenerateAnalystsState) -> Any:
        structured_llm = llm.with_structured_output(Perspectives)
        system_message = (
            "You are tasked with creating a set of AI analyst personas.\n"
            f"1. First, review the research topic:\n{state['topic']}\n"
            f"2. Examine any editorial feedback: {state.get('human_analyst_feedback', '')}\n"
            f"4. Pick the top {state['max_analysts']} themes.\n"
            "5. Assign one analyst to each theme."
        )
        analysts = structured_llm.invoke(
            [SystemMessage(content=system_message)]
            + [HumanMessage(content="Generate the set of analysts.")]
        )
        return {"analysts": analysts.analysts}

    return create_analysts


def academy_analysts(run: Run) -> Any:
    """The research assistant's analysts: `with_structured_output(Perspectives)` (a list of
    described models) under a system prompt, interrupted before `human_feedback`, the
    feedback written as that node and the analysts made again, then no feedback and the
    run to its end (node names printed); the analysts printed, what was sent first."""
    llm = run.make(temperature=0)

    def human_feedback(state: GenerateAnalystsState) -> None:
        """No-op node that should be interrupted on"""

    def should_continue(state: GenerateAnalystsState) -> Any:
        if state.get("human_analyst_feedback", None):
            return "create_analysts"
        return END

    builder = graph_module.StateGraph(GenerateAnalystsState)
    builder.add_node("create_analysts", _analyst_maker(llm))
    builder.add_node("human_feedback", human_feedback)
    builder.add_edge(START, "create_analysts")
    builder.add_edge("create_analysts", "human_feedback")
    builder.add_conditional_edges("human_feedback", should_continue, ["create_analysts", END])
    graph = builder.compile(interrupt_before=["human_feedback"], checkpointer=memory.MemorySaver())
    thread = _thread("1")
    topic = "The benefits of adopting LangGraph as an agent framework"
    with requests_seen(run, json_body) as seen:
        first = [
            _analysts_printed(e)
            for e in graph.stream({"topic": topic, "max_analysts": 3}, thread, stream_mode="values")
        ]
    waiting = graph.get_state(thread).next
    graph.update_state(
        thread,
        {
            "human_analyst_feedback": (
                "Add in someone from a startup to add an entrepreneur perspective"
            )
        },
        as_node="human_feedback",
    )
    again = [_analysts_printed(e) for e in graph.stream(None, thread, stream_mode="values")]
    graph.update_state(thread, {"human_analyst_feedback": None}, as_node="human_feedback")
    nodes = [next(iter(e.keys())) for e in graph.stream(None, thread, stream_mode="updates")]
    final_state = graph.get_state(thread)
    return {
        "first": first,
        "next": waiting,
        "again": again,
        "nodes": nodes,
        "final": [a.persona for a in final_state.values.get("analysts")],
        "final_next": final_state.next,
        "sent": _sent(seen),
    }


class InterviewState(graph_module.MessagesState):  # type: ignore[misc, name-defined]
    max_num_turns: int
    context: Annotated[list[str], operator.add]
    analyst: Analyst
    interview: str
    sections: list[str]


def _interview_builder(llm: Any) -> Any:
    """The research assistant's interview sub-graph over `llm` (its retrievers local)."""
    search_instructions = SystemMessage(
        content="You will be given a conversation between an analyst and an expert. "
        "Convert this final question into a well-structured web search query"
    )

    def generate_question(state: Any) -> Any:
        system_message = (
            f"You are an analyst. Here is your topic of focus: {state['analyst'].persona}"
        )
        return {
            "messages": [llm.invoke([SystemMessage(content=system_message)] + state["messages"])]
        }

    def searcher(source: str) -> Any:
        def search(state: Any) -> Any:
            structured_llm = llm.with_structured_output(SearchQuery)
            search_query = structured_llm.invoke([search_instructions] + state["messages"])
            return {
                "context": [
                    f'<Document source="{source}"/>\n{search_query.search_query}\n</Document>'
                ]
            }

        return search

    def generate_answer(state: Any) -> Any:
        system_message = (
            f"You are an expert. Analyst: {state['analyst'].persona}. Use this context: "
            f"{state['context']}"
        )
        answer = llm.invoke([SystemMessage(content=system_message)] + state["messages"])
        answer.name = "expert"
        return {"messages": [answer]}

    def save_interview(state: Any) -> Any:
        return {"interview": get_buffer_string(state["messages"])}

    def route_messages(state: Any, name: str = "expert") -> Any:
        messages = state["messages"]
        max_num_turns = state.get("max_num_turns", 2)
        num_responses = len([m for m in messages if isinstance(m, AIMessage) and m.name == name])
        if num_responses >= max_num_turns:
            return "save_interview"
        if "Thank you so much for your help" in messages[-2].content:
            return "save_interview"
        return "ask_question"

    def write_section(state: Any) -> Any:
        system_message = (
            f"You are an expert technical writer. Focus: {state['analyst'].description}"
        )
        section = llm.invoke(
            [SystemMessage(content=system_message)]
            + [HumanMessage(content=f"Use this source to write your section: {state['context']}")]
        )
        return {"sections": [section.content]}

    builder = graph_module.StateGraph(InterviewState)
    builder.add_node("ask_question", generate_question)
    builder.add_node("search_web", searcher("web"))
    builder.add_node("search_wikipedia", searcher("wikipedia"))
    builder.add_node("answer_question", generate_answer)
    builder.add_node("save_interview", save_interview)
    builder.add_node("write_section", write_section)
    builder.add_edge(START, "ask_question")
    builder.add_edge("ask_question", "search_web")
    builder.add_edge("ask_question", "search_wikipedia")
    builder.add_edge("search_web", "answer_question")
    builder.add_edge("search_wikipedia", "answer_question")
    builder.add_conditional_edges(
        "answer_question", route_messages, ["ask_question", "save_interview"]
    )
    builder.add_edge("save_interview", "write_section")
    builder.add_edge("write_section", END)
    return builder


def academy_interview(run: Run) -> Any:
    """The research assistant's interview sub-graph, two turns: the analyst's question
    (a persona in the system prompt), a `SearchQuery` (its field defaults to None) by
    two retrievers in parallel (local here), the expert's answer named `expert`, then the
    analyst's next question over a history of the analyst's and the expert's replies in
    a row, the interview as `get_buffer_string`, and the section written: the interview,
    the section, what the second question sent."""
    llm = run.make(temperature=0)
    builder = _interview_builder(llm)
    graph = builder.compile(checkpointer=memory.MemorySaver())
    analyst = Analyst(**ANALYSTS["analysts"][0])
    opening = HumanMessage("So you said you were writing an article on LangGraph?")
    seen: list[dict[str, Any]] = []

    def run_it() -> Any:
        with requests_seen(run, json_body) as bodies:
            out = graph.invoke(
                {"analyst": analyst, "messages": [opening], "max_num_turns": 2}, _thread("1")
            )
            seen.extend(bodies)
        return out

    interview = outcome_of(run_it)
    if not isinstance(interview, dict):
        return {"raised": interview, "sent": _sent(seen)}
    return {
        "interview": interview["interview"],
        "sections": interview["sections"],
        "messages": interview["messages"],
        "sent": _sent(seen),
    }


class ResearchGraphState(TypedDict, total=False):
    topic: str
    max_analysts: int
    human_analyst_feedback: str | None
    analysts: list[Analyst]
    sections: Annotated[list[str], operator.add]
    introduction: str
    content: str
    conclusion: str
    final_report: str


def _report_writers(llm: Any) -> dict[str, Any]:
    """The research assistant's reduce step: the report, its introduction and its
    conclusion (each over the sections), and the report put together."""

    def sections_of(state: ResearchGraphState) -> str:
        return "\n\n".join(f"{section}" for section in state["sections"])

    def write_report(state: ResearchGraphState) -> Any:
        system_message = (
            f"You are a technical writer creating a report on this overall topic: "
            f"{state['topic']}\nTo format your report:\n{sections_of(state)}"
        )
        report = llm.invoke(
            [SystemMessage(content=system_message)]
            + [HumanMessage(content="Write a report based upon these memos.")]
        )
        return {"content": report.content}

    def writer(part: str) -> Any:
        def write(state: ResearchGraphState) -> Any:
            instructions = (
                f"You are a technical writer finishing a report on {state['topic']}\n"
                f"Here are the sections to reflect on: {sections_of(state)}"
            )
            # As written: the instructions a string in the list (a user turn), then a user
            # message.
            written = llm.invoke(
                [instructions] + [HumanMessage(content=f"Write the report {part}")]
            )
            return {part: written.content}

        return write

    def finalize_report(state: ResearchGraphState) -> Any:
        final_report = (
            f"{state['introduction']}\n\n---\n\n{state['content']}\n\n---\n\n{state['conclusion']}"
        )
        return {"final_report": final_report}

    return {
        "write_report": write_report,
        "write_introduction": writer("introduction"),
        "write_conclusion": writer("conclusion"),
        "finalize_report": finalize_report,
    }


def academy_research_assistant(run: Run) -> Any:
    """The research assistant whole, async: analysts made, interrupted before
    `human_feedback`, no feedback written as that node, then an interview per analyst
    by `Send` into the compiled interview sub-graph (one turn each), the report, its
    introduction and conclusion written in parallel, and the report put together:
    each update's node printed, the final report, what the introduction's call sent."""
    llm = run.make(temperature=0)

    def human_feedback(state: ResearchGraphState) -> None:
        """No-op node that should be interrupted on"""

    def initiate_all_interviews(state: ResearchGraphState) -> Any:
        if state.get("human_analyst_feedback"):
            return "create_analysts"
        topic = state["topic"]
        opening = f"So you said you were writing an article on {topic}?"
        return [
            lg_types.Send(
                "conduct_interview",
                {
                    "analyst": analyst,
                    "messages": [HumanMessage(content=opening)],
                    "max_num_turns": 1,
                },
            )
            for analyst in state["analysts"]
        ]

    builder = graph_module.StateGraph(ResearchGraphState)
    builder.add_node("create_analysts", _analyst_maker(llm))
    builder.add_node("human_feedback", human_feedback)
    builder.add_node("conduct_interview", _interview_builder(llm).compile())
    for name, node in _report_writers(llm).items():
        builder.add_node(name, node)
    builder.add_edge(START, "create_analysts")
    builder.add_edge("create_analysts", "human_feedback")
    builder.add_conditional_edges(
        "human_feedback", initiate_all_interviews, ["create_analysts", "conduct_interview"]
    )
    for name in ("write_report", "write_introduction", "write_conclusion"):
        builder.add_edge("conduct_interview", name)
    builder.add_edge(["write_conclusion", "write_report", "write_introduction"], "finalize_report")
    builder.add_edge("finalize_report", END)
    graph = builder.compile(interrupt_before=["human_feedback"], checkpointer=memory.MemorySaver())
    thread = _thread("1")
    topic = "The benefits of adopting LangGraph as an agent framework"

    async def body() -> Any:
        first = [
            _analysts_printed(e)
            async for e in graph.astream(
                {"topic": topic, "max_analysts": 2}, thread, stream_mode="values"
            )
        ]
        await graph.aupdate_state(
            thread, {"human_analyst_feedback": None}, as_node="human_feedback"
        )
        with requests_seen(run, json_body) as seen:
            nodes = sorted(
                [
                    next(iter(e.keys()))
                    async for e in graph.astream(None, thread, stream_mode="updates")
                ]
            )
        final = (await graph.aget_state(thread)).values
        sent = [b for b in seen if "Write the report introduction" in str(b)]
        return {
            "first": first,
            "nodes": nodes,
            "report": final.get("final_report"),
            "sent": _sent(sent),
        }

    return arun(body)


# ---- module 5: the memory store, profile schemas, the memory agent ----------------------------


def academy_memory_store(run: Run) -> Any:
    """The memory-store notebook's chatbot: the user's memory read from an `InMemoryStore`
    into the system prompt, then rewritten by the model, over a turn on thread 1 and one
    on thread 2 (the same user): the last message printed, the memory stored, and what
    the second thread's first call sent."""
    model = run.make(temperature=0)

    def call_model(state: Any, config: RunnableConfig, store: BaseStore) -> Any:
        namespace = ("memory", config["configurable"]["user_id"])
        existing_memory = store.get(namespace, "user_memory")
        content = (
            existing_memory.value.get("memory") if existing_memory else "No existing memory found."
        )
        system_msg = (
            "You are a helpful assistant with memory that provides information about the "
            f"user.\nHere is the memory (it may be empty): {content}"
        )
        return {"messages": model.invoke([SystemMessage(content=system_msg)] + state["messages"])}

    def write_memory(state: Any, config: RunnableConfig, store: BaseStore) -> None:
        namespace = ("memory", config["configurable"]["user_id"])
        existing_memory = store.get(namespace, "user_memory")
        content = (
            existing_memory.value.get("memory") if existing_memory else "No existing memory found."
        )
        system_msg = f"CURRENT USER INFORMATION:\n{content}\nPlease update the user information:"
        new_memory = model.invoke([SystemMessage(content=system_msg)] + state["messages"])
        store.put(namespace, "user_memory", {"memory": new_memory.content})

    builder = graph_module.StateGraph(graph_module.MessagesState)
    builder.add_node("call_model", call_model)
    builder.add_node("write_memory", write_memory)
    builder.add_edge(START, "call_model")
    builder.add_edge("call_model", "write_memory")
    builder.add_edge("write_memory", END)
    across_thread_memory = lg_store.InMemoryStore()
    graph = builder.compile(checkpointer=memory.MemorySaver(), store=across_thread_memory)
    printed = [
        _printed(chunk["messages"][-1])
        for chunk in graph.stream(
            {"messages": [HumanMessage(content="Hi, my name is Lance")]},
            _thread("1", user_id="1"),
            stream_mode="values",
        )
    ]
    with requests_seen(run, json_body) as seen:
        printed += [
            _printed(chunk["messages"][-1])
            for chunk in graph.stream(
                {
                    "messages": [
                        HumanMessage(content="Hi! Where would you recommend that I go biking?")
                    ]
                },
                _thread("2", user_id="1"),
                stream_mode="values",
            )
        ]
    stored = across_thread_memory.get(("memory", "1"), "user_memory")
    return {
        "printed": printed,
        "stored": stored.value if stored else None,
        "sent": _sent(seen[:1]),
    }


def academy_profile_schemas(run: Run) -> Any:
    """The memory-schema notebooks' `with_structured_output`: a TypedDict profile, a list
    of described models, and the nested preferences of optional lists (its
    `ValidationError` printed where it comes): the outcomes and the schemas sent."""
    model = run.make(temperature=0)
    with requests_seen(run, json_body) as seen:
        profile = outcome_of(
            lambda: model.with_structured_output(UserProfile).invoke(
                [HumanMessage("My name is Lance, I like to bike.")]
            )
        )
        collection = outcome_of(
            lambda: model.with_structured_output(MemoryCollection).invoke(
                [HumanMessage("My name is Lance. I like to bike.")]
            )
        )
        nested = outcome_of(
            lambda: _captured(
                lambda: model.with_structured_output(TelegramAndTrustFallPreferences).invoke(
                    "Extract the preferences from the following conversation:\n<convo>\n"
                    "Customer: Morse, please. I love using a straight key.\n</convo>"
                )
            )
        )
        misfit = outcome_of(lambda: _captured(lambda: _extract_printing_errors(model)))
    return {
        "profile": profile,
        "collection": collection,
        "nested": nested,
        "misfit": misfit,
        "sent": _sent(seen),
    }


def _extract_printing_errors(model: Any) -> None:
    """The profile notebook's cell: the preferences extracted, a pydantic
    `ValidationError` printed (the server's answer leaves a required part out)."""
    model_with_structure = model.with_structured_output(TelegramAndTrustFallPreferences)
    try:
        model_with_structure.invoke(
            "Extract the preferences from the following conversation (the misfit):\n<convo>\n"
            "Operator: Done. Shall I use our Daredevil paper?\n</convo>"
        )
    except ValidationError as e:
        print(e)


def academy_memory_agent(run: Run) -> Any:
    """task_mAIstro without trustcall, async: `bind_tools([UpdateMemory],
    parallel_tool_calls=False)` (a TypedDict with a Literal), routed on the call's
    `update_type` to the instructions node (the model over the history but its last
    message), which answers the call with a tool message as a dict; back to the
    assistant: every state streamed as values, printed, and the instructions stored."""
    model = run.make(temperature=0)

    def task_maistro(state: Any, config: RunnableConfig, store: BaseStore) -> Any:
        memories = store.search(("instructions", config["configurable"]["user_id"]))
        instructions = memories[0].value if memories else ""
        system_msg = (
            "You are a helpful chatbot.\n"
            f"<current_instructions>\n{instructions}\n</current_instructions>"
        )
        response = model.bind_tools([UpdateMemory], parallel_tool_calls=False).invoke(
            [SystemMessage(content=system_msg)] + state["messages"]
        )
        return {"messages": [response]}

    def update_instructions(state: Any, config: RunnableConfig, store: BaseStore) -> Any:
        namespace = ("instructions", config["configurable"]["user_id"])
        new_memory = model.invoke(
            [SystemMessage(content="Update the instructions.")]
            + state["messages"][:-1]
            + [HumanMessage(content="Please update the instructions based on the conversation")]
        )
        store.put(namespace, "user_instructions", {"memory": new_memory.content})
        tool_calls = state["messages"][-1].tool_calls
        return {
            "messages": [
                {
                    "role": "tool",
                    "content": "updated instructions",
                    "tool_call_id": tool_calls[0]["id"],
                }
            ]
        }

    def route_message(state: Any, config: RunnableConfig, store: BaseStore) -> Any:
        message = state["messages"][-1]
        if len(message.tool_calls) == 0:
            return END
        if message.tool_calls[0]["args"]["update_type"] == "instructions":
            return "update_instructions"
        raise ValueError

    builder = graph_module.StateGraph(graph_module.MessagesState)
    builder.add_node("task_mAIstro", task_maistro)
    builder.add_node(update_instructions)
    builder.add_edge(START, "task_mAIstro")
    builder.add_conditional_edges("task_mAIstro", route_message)
    builder.add_edge("update_instructions", "task_mAIstro")
    across_thread_memory = lg_store.InMemoryStore()
    graph = builder.compile(checkpointer=memory.MemorySaver(), store=across_thread_memory)
    said = "When you add todos, keep these instructions: always add a deadline."

    async def body() -> Any:
        with requests_seen(run, json_body) as seen:
            printed = [
                _printed(chunk["messages"][-1])
                async for chunk in graph.astream(
                    {"messages": [HumanMessage(content=said)]},
                    _thread("1", user_id="Lance"),
                    stream_mode="values",
                )
            ]
        return printed, seen

    printed, seen = arun(body)
    stored = across_thread_memory.search(("instructions", "Lance"))
    return {"printed": printed, "stored": [m.value for m in stored], "sent": _sent(seen)}


# ---- module 0's models, on ChatOpenAI's wires -------------------------------------------------

#: Module 0's two models as written, and the models a 2026 user swaps into the notebooks.
ACADEMY_MODELS = ("gpt-4o", "gpt-3.5-turbo-0125", "gpt-5-nano", "o1")

#: The wires whose class is ChatOpenAI's family, where the notebooks' model names mean a
#: model (the others keep their kit model).
OPENAI_WIRES = ("openai", "responses", "azure")


def academy_models(run: Run) -> Any:
    """Module 0's `ChatOpenAI(model=..., temperature=0)` for each model (its two, then a
    gpt-5 and an o1 swapped in), each invoked with the named user's message, the
    map-reduce notebook's `with_structured_output(Subjects)` on it (the warning about
    its method), and its profile's name: what each request carried, the replies."""
    out = {}
    for name in ACADEMY_MODELS:
        model = run.make(model=name, **({} if name == "o1" else {"temperature": 0}))
        with requests_seen(run, json_body) as seen, warnings.catch_warnings(record=True) as warned:
            warnings.simplefilter("always")
            reply = model.invoke([HumanMessage(content="Hello world", name="Lance")])
            subjects = outcome_of(
                lambda model=model: model.with_structured_output(Subjects).invoke(
                    "Generate a list of 3 sub-topics that are all related to this overall "
                    "topic: animals."
                )
            )
        profile = model.profile or {}
        out[name] = {
            "reply": _repr(reply),
            "subjects": subjects,
            # (its method's warning alone: `catch_warnings` is process-wide, and what another
            # thread or a first import warns meanwhile may land here too)
            "warned": [str(w.message) for w in warned if "method=" in str(w.message)],
            "profile": profile.get("name"),
            "sent": _sent(seen),
        }
    return out


def academy_model_fields(run: Run) -> Any:
    """The same models' settings as a script reads them back: `temperature`, the
    identifying params and the LangSmith params a tracer records."""
    out = {}
    for name in ACADEMY_MODELS:
        model = run.make(model=name, **({} if name == "o1" else {"temperature": 0}))
        out[name] = {
            "temperature": model.temperature,
            "identifying": model._identifying_params.get("temperature", "<absent>"),
            "ls": model._get_ls_params().get("ls_temperature", "<absent>"),
        }
    return out


#: The scenarios of module 0's models, run on `OPENAI_WIRES`.
MODEL_SCENARIOS = {"academy_models": academy_models, "academy_model_fields": academy_model_fields}


#: The notebooks' scenarios, run on `ACADEMY_WIRES`.
NOTEBOOK_SCENARIOS = {
    "academy_basics": academy_basics,
    "academy_router": academy_router,
    "academy_agent_memory": academy_agent_memory,
    "academy_summary_bot": academy_summary_bot,
    "academy_stream_interrupt": academy_stream_interrupt,
    "academy_filter_messages": academy_filter_messages,
    "academy_breakpoints": academy_breakpoints,
    "academy_edit_state": academy_edit_state,
    "academy_map_reduce": academy_map_reduce,
    "academy_parallel_answer": academy_parallel_answer,
    "academy_analysts": academy_analysts,
    "academy_interview": academy_interview,
    "academy_research_assistant": academy_research_assistant,
    "academy_memory_store": academy_memory_store,
    "academy_profile_schemas": academy_profile_schemas,
    "academy_memory_agent": academy_memory_agent,
}

SCENARIOS = {**NOTEBOOK_SCENARIOS, **MODEL_SCENARIOS}


def _names_dropped(outcome: Any) -> bool:
    """The requests sent a user or assistant turn, and none with a `name` (the scripts
    name each speaker of theirs)."""
    turns = [m for m in _sent_messages(outcome) if m.get("role") in ("user", "assistant")]
    return bool(turns) and all("name" not in m for m in turns)


def _assistant_first(outcome: Any) -> bool:
    """A Converse request went with an assistant turn first."""
    bodies = outcome.get("sent") if isinstance(outcome, dict) else None
    return any(
        (body.get("messages") or [{}])[0].get("role") == "assistant"
        for body in bodies or ()
        if isinstance(body, dict)
    )


#: Kept differences of this family (`_cells.judge` reads them beside `DIFFERENCES`).
ACADEMY_DIFFERENCES: dict[tuple[str, str], Difference] = {
    **{
        (scenario, "groq"): Difference(
            "loses data",
            "langchain-groq sends the notebooks' speakers without the `name` they gave "
            '(HumanMessage(..., name="Lance"), AIMessage(..., name="Model"), the interview\'s '
            '`answer.name = "expert"`): it reads a name from additional_kwargs only, and '
            "Groq's Chat Completions take a participant's `name` (see docs_message_lifecycle); "
            "chatplex sends it",
            _names_dropped,
        )
        for scenario in (
            "academy_basics",
            "academy_router",
            "academy_filter_messages",
            "academy_interview",
        )
    },
    **ollama_unnamed_results("academy_agent_memory"),
    **{
        (scenario, "bedrock_converse"): Difference(
            "rejected by provider",
            "langchain-aws sends the notebooks' conversation that opens with the model's "
            'turn (AIMessage("So you said you were researching ocean mammals?")) as it is, '
            "and Bedrock refuses it (ValidationException: 'A conversation must start with "
            "a user message'); chatplex raises its ValueError before sending",
            _assistant_first,
        )
        for scenario in ("academy_basics", "academy_filter_messages")
    },
}


@pytest.mark.parametrize(
    ("scenario", "wire"),
    cells(NOTEBOOK_SCENARIOS, ACADEMY_WIRES, differences=ACADEMY_DIFFERENCES),
)
def test_academy_script(server: MockServer, scenario: str, wire: str) -> None:
    theirs, ours = (_steady(side) for side in run_cell(SCENARIOS[scenario], WIRES[wire], server))
    judge(scenario, wire, theirs, ours, ACADEMY_DIFFERENCES)


@pytest.mark.parametrize(
    ("scenario", "wire"),
    cells(MODEL_SCENARIOS, OPENAI_WIRES, differences=ACADEMY_DIFFERENCES),
)
def test_academy_model(server: MockServer, scenario: str, wire: str) -> None:
    outcomes = run_cell(MODEL_SCENARIOS[scenario], WIRES[wire], server)
    theirs, ours = (_steady(side) for side in outcomes)
    judge(scenario, wire, theirs, ours, ACADEMY_DIFFERENCES)


def test_every_row_names_a_cell_of_this_family() -> None:
    known = {(s, w) for s in NOTEBOOK_SCENARIOS for w in ACADEMY_WIRES}
    known |= {(s, w) for s in MODEL_SCENARIOS for w in OPENAI_WIRES}
    assert_rows_name_cells(known, ACADEMY_DIFFERENCES)
