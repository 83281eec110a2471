"""The LangChain docs' "Advanced usage" pages as scripts (issue 47): multi-agent systems,
human-in-the-loop, runtime and context engineering, guardrails, long-term memory and
retrieval inside an agent, as a user copies them from docs.langchain.com (OSS Python,
LangChain v1 and LangGraph), the import line changed, on the wires a script most often
imports: the partner package's class and chatplex's, compared (`_kit.py`): what the
snippet prints, returns or streams (the metadata of each streamed piece included) and,
where the page is about it, what reached the server. What test_docs_scripts.py,
test_tutorial_scripts.py, test_agent_tools.py, test_prebuilt_scripts.py,
test_graph_scripts.py and test_middleware_scripts.py run already is left out.

- Multi-agent: agents as nodes of a graph handing off with
  `Command(goto=..., graph=Command.PARENT)` (the transfer's messages carried), streamed
  with `subgraphs=True` and `stream_mode="messages"` (each piece's namespace, node and
  `lc_agent_name`); a named sub-agent called as a tool, its pieces told apart by
  `lc_agent_name`, and, async, a sub-agent tool returning `Command(update=...)` with its
  own `ToolMessage`, and one answering by a `response_format` (its structured answer
  streamed); a sequential workflow of two named agents, streamed as updates and
  messages at once (async); the router page's classifier (`with_structured_output` of a
  list) sending the question to an agent per source in parallel (`Send`), then
  synthesizing, alone and wrapped as a conversational agent's tool.
- Human-in-the-loop: a call rejected with a message (async); two calls of one reply,
  one approved and one rejected, with a per-tool description and allowed decisions; a
  sub-agent's call interrupting its supervisor, resumed from the top.
- Context: `@wrap_model_call` adding the uploaded files to the messages, filtering the
  tools by the run's context and asking a `response_format` per call (what each
  request carried); long-term memory (`InMemoryStore`) written and read by
  `ToolRuntime` tools across two threads.
- Guardrails: a `@before_agent(can_jump_to=["end"])` keyword filter, an
  `@after_agent` judge model answering through `with_structured_output` (a class-based
  middleware, sync and async).
- Retrieval: `create_retriever_tool` over an `InMemoryVectorStore` of
  `DeterministicFakeEmbedding`, the agent streamed async as values.
"""

from __future__ import annotations

import json
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated
from typing import Any
from typing import Literal
from typing import NotRequired

import pytest
from langchain_core.documents import Document
from langchain_core.embeddings import DeterministicFakeEmbedding
from langchain_core.messages import AIMessage
from langchain_core.messages import ToolMessage
from langchain_core.tools import tool
from langchain_core.tools.retriever import create_retriever_tool
from langchain_core.vectorstores import InMemoryVectorStore
from pydantic import BaseModel
from pydantic import Field
from typing_extensions import TypedDict

from chatplex.testing import MockScript
from chatplex.testing import ScriptRule

from ._cells import Difference
from ._cells import _sent_messages
from ._cells import family_test
from ._cells import ollama_unnamed_results
from ._cells import raises
from ._kit import STEPS
from ._kit import Run
from ._kit import arun
from ._kit import ask
from ._kit import call_on
from ._kit import get_weather
from ._kit import masked
from ._kit import observe
from ._kit import outcome_of
from ._kit import scripted
from .test_agents import token
from .test_model_api import _requests
from .test_scripts import SCRIPT_WIRES
from .test_tutorial_scripts import _answers
from .test_tutorial_scripts import _bodies
from .test_tutorial_scripts import _says

agents = pytest.importorskip("langchain.agents")
middleware = pytest.importorskip("langchain.agents.middleware")
lc_tools = pytest.importorskip("langchain.tools")
memory = pytest.importorskip("langgraph.checkpoint.memory")
graph_module = pytest.importorskip("langgraph.graph")
lg_types = pytest.importorskip("langgraph.types")
lg_store = pytest.importorskip("langgraph.store.memory")

pytestmark = pytest.mark.xdist_group("agents_matrix_multiagent")

#: The user's words in the handoff scenario, and the support agent's answer.
BROKEN = "My laptop screen is broken, can you help?"
FIXED = "Support here: a technician will replace the screen."

#: What the router page's classifier is asked.
ROUTER_ASK = "Classify the query into the sources to ask"

#: A request the judge model of the guardrails page gets.
JUDGE_ASK = "Evaluate if this response is safe and appropriate"

MULTI_SCRIPT = MockScript(
    rules=[
        # Handoffs: sales hands a broken laptop to support, which answers.
        ScriptRule(user_text=r"\bbroken\b", call="transfer_to_support", args={}),
        ScriptRule(user_text=r"\bbroken\b", after_tool_result=True, reply=FIXED),
        # Sub-agents called as tools: the supervisor asks the forecaster about the city
        # asked about; the sub-agent then calls get_weather.
        call_on(
            r"[Aa]sk the forecaster about (?P<place>\w+)",
            "ask_forecaster",
            {"query": r"What is the weather in \g<place>?"},
        ),
        # Two calls in one reply, for the reviewed pair.
        ScriptRule(
            user_text=r"weather in Paris and mail Bob",
            call="get_weather",
            args={"location": "Paris"},
            also=[
                {
                    "call": "send_email",
                    "args": {"to": "bob@example.com", "subject": "Paris", "body": "Sunny."},
                }
            ],
        ),
        call_on(r"weather in (?P<place>[^?.]+)", "get_weather", {"location": r"\g<place>"}),
        # Context engineering: the uploaded file's city looked up by the read-only tool.
        ScriptRule(
            user_text=r"A trip to (?P<place>\w+)",
            call="read_forecast",
            args={"city": r"\g<place>"},
            when=lambda r: "Forecast for" not in json.dumps(r.body),  # once, the file told
        ),
        # Long-term memory: the user's name saved, then read back on another thread.
        call_on(
            r"My name is (?P<name>[\w ]+)",
            "save_user_info",
            {"user_info": {"name": r"\g<name>", "language": "English"}},
        ),
        ScriptRule(user_text=r"look up my info", call="get_user_info", args={}),
        # Retrieval: the question searched in the notes.
        call_on(
            r"[Ww]hat do the notes say about (?P<topic>\w+)",
            "search_notes",
            {"query": r"\g<topic>"},
        ),
        # The guardrails page's judge: the reply found unsafe when it mentions Rome.
        *_answers(
            "SafetyVerdict",
            {"safe": False, "reason": "It names a city."},
            when=_says(JUDGE_ASK, "Rome"),
        ),
        *_answers("SafetyVerdict", {"safe": True, "reason": "Harmless."}, when=_says(JUDGE_ASK)),
        # The router: the question split between the two sources.
        *_answers(
            "ClassificationResult",
            {
                "classifications": [
                    {"source": "weather", "query": "What is the weather in Lima?"},
                    {"source": "notes", "query": "What do the notes say about Lima?"},
                ]
            },
            when=_says(ROUTER_ASK),
        ),
        call_on(
            r"[Pp]lan my trip to (?P<place>\w+)", "search_docs", {"query": r"Trip to \g<place>"}
        ),
        # A sub-agent's structured answer, once its tool ran.
        *_answers("WeatherReport", {"city": "Oslo", "sky": "sunny"}, after_tool_result=True),
        # Context engineering: a detailed answer when the request asks for it.
        *_answers("DetailedAnswer", {"summary": "Sunny", "details": "Clear skies all day."}),
    ]
)

_multi_script = scripted(MULTI_SCRIPT)


#: A UUID, as LangGraph draws task ids in namespaces and checkpoint names.
_UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _unrandom(value: Any) -> Any:
    """`value` with every UUID in its strings masked, and its volatile keys."""
    if isinstance(value, str):
        return _UUID.sub("<uuid>", value)
    if isinstance(value, dict):
        return {k: _unrandom(v) for k, v in masked(value).items()}
    if isinstance(value, (list, tuple)):
        return [_unrandom(v) for v in value]
    return value


def _piece(namespace: Any, chunk: Any, metadata: dict[str, Any]) -> dict[str, Any]:
    """A `stream_mode="messages"` piece under `subgraphs=True`: its namespace, what a
    user sees of the token, and the whole metadata (drawn ids masked)."""
    return {
        "namespace": _unrandom(list(namespace)),
        "token": token(chunk, metadata),
        "metadata": _unrandom(dict(metadata)),
    }


# ---- multi-agent: handoffs between agents as nodes ----------------------------------------


class MultiAgentState(agents.AgentState):  # type: ignore[misc]
    active_agent: NotRequired[str]


def _handoff(goto: str, said: str) -> Callable[..., Any]:
    """The handoffs page's transfer tool to `goto`: the last AI message and the
    transfer's ToolMessage carried into the parent graph."""

    def transfer(runtime: lc_tools.ToolRuntime) -> lg_types.Command:
        last_ai_message = next(
            m for m in reversed(runtime.state["messages"]) if isinstance(m, AIMessage)
        )
        transfer_message = ToolMessage(content=said, tool_call_id=runtime.tool_call_id)
        return lg_types.Command(
            goto=goto,
            update={"active_agent": goto, "messages": [last_ai_message, transfer_message]},
            graph=lg_types.Command.PARENT,
        )

    transfer.__name__ = f"transfer_to_{goto.removesuffix('_agent')}"
    transfer.__doc__ = f"Transfer to the {goto.replace('_', ' ')}."
    return tool(transfer)  # type: ignore[no-any-return]


def _handoff_graph(run: Run) -> Any:
    """The handoffs page's sales and support agents as nodes of one graph."""
    sales_agent = agents.create_agent(
        run.make(),
        tools=[_handoff("support_agent", "Transferred to support agent from sales agent")],
        system_prompt="You are a sales agent. Help with sales inquiries.",
        name="sales_agent",
    )
    support_agent = agents.create_agent(
        run.make(),
        tools=[_handoff("sales_agent", "Transferred to sales agent from support agent")],
        system_prompt="You are a support agent. Help with technical issues.",
        name="support_agent",
    )

    def call_sales_agent(state: MultiAgentState) -> Any:
        return sales_agent.invoke(state)

    def call_support_agent(state: MultiAgentState) -> Any:
        return support_agent.invoke(state)

    def route_after_agent(
        state: MultiAgentState,
    ) -> Literal["sales_agent", "support_agent", "__end__"]:
        last = state["messages"][-1] if state["messages"] else None
        if isinstance(last, AIMessage) and not last.tool_calls:
            return "__end__"
        return state.get("active_agent", "sales_agent")  # type: ignore[return-value]

    def route_initial(state: MultiAgentState) -> Literal["sales_agent", "support_agent"]:
        return state.get("active_agent") or "sales_agent"  # type: ignore[return-value]

    builder = graph_module.StateGraph(MultiAgentState)
    builder.add_node("sales_agent", call_sales_agent)
    builder.add_node("support_agent", call_support_agent)
    builder.add_conditional_edges(
        graph_module.START, route_initial, ["sales_agent", "support_agent"]
    )
    for node in ("sales_agent", "support_agent"):
        builder.add_conditional_edges(
            node, route_after_agent, ["sales_agent", "support_agent", graph_module.END]
        )
    return builder.compile()


def handoff_agents_streamed(run: Run) -> Any:
    """Sales hands the user to support (`Command(goto="support_agent",
    graph=Command.PARENT)`): the graph streamed with `subgraphs=True` and
    `stream_mode="messages"` (each piece's namespace, token and metadata, `lc_agent_name`
    included), then invoked: the end state and what each request carried."""
    graph = _handoff_graph(run)
    pieces = [
        _piece(namespace, *piece)
        for namespace, piece in graph.stream(
            ask(BROKEN), STEPS, stream_mode="messages", subgraphs=True
        )
    ]
    with _requests(run) as seen:
        state = graph.invoke(ask(BROKEN), STEPS)
    return {"pieces": pieces, "state": state, "sent": _bodies(seen)}


# ---- multi-agent: sub-agents called as tools ------------------------------------------------


def _forecaster(run: Run) -> Any:
    return agents.create_agent(
        run.make(),
        tools=[get_weather],
        system_prompt="You are a forecaster. Answer with the weather.",
        name="forecaster",
    )


def named_subagent_streamed(run: Run) -> Any:
    """The subagents page: a supervisor whose tool invokes a named sub-agent
    (`create_agent(..., name="forecaster")`), streamed with `subgraphs=True` and
    `stream_mode="messages"` and printed as the page prints it (who speaks, by
    `lc_agent_name`), every piece's metadata compared."""
    forecaster = _forecaster(run)

    @tool
    def ask_forecaster(query: str) -> str:
        """Ask the forecaster about the weather."""
        result = forecaster.invoke({"messages": [{"role": "user", "content": query}]}, STEPS)
        return str(result["messages"][-1].text)

    supervisor = agents.create_agent(
        run.make(), tools=[ask_forecaster], name="supervisor", system_prompt="You delegate."
    )
    printed, pieces = [], []
    with _requests(run) as seen:
        for namespace, (chunk, metadata) in supervisor.stream(
            ask("Please ask the forecaster about Oslo."),
            STEPS,
            stream_mode="messages",
            subgraphs=True,
        ):
            pieces.append(_piece(namespace, chunk, metadata))
            if chunk.text:
                printed.append(f"[{metadata.get('lc_agent_name')}] {chunk.text}")
    return {"printed": printed, "pieces": pieces, "sent": _bodies(seen)}


class ForecastState(agents.AgentState):  # type: ignore[misc]
    last_forecast: NotRequired[str]


def subagent_command_async(run: Run) -> Any:
    """The subagents page's "customize what the sub-agent returns": an async tool
    (`ToolRuntime`) awaiting the sub-agent and returning `Command(update=...)` with its
    own `ToolMessage` and a state key; the supervisor `astream`ed with `subgraphs=True`
    over `["messages", "updates"]`, then its end state."""
    forecaster = _forecaster(run)

    @tool
    async def ask_forecaster(query: str, runtime: lc_tools.ToolRuntime) -> lg_types.Command:
        """Ask the forecaster about the weather."""
        result = await forecaster.ainvoke({"messages": [{"role": "user", "content": query}]})
        said = result["messages"][-1].text
        return lg_types.Command(
            update={
                "last_forecast": said,
                "messages": [ToolMessage(content=said, tool_call_id=runtime.tool_call_id)],
            }
        )

    supervisor = agents.create_agent(
        run.make(), tools=[ask_forecaster], state_schema=ForecastState, name="supervisor"
    )

    async def body() -> Any:
        out = []
        async for namespace, mode, piece in supervisor.astream(
            ask("Ask the forecaster about Lima."),
            STEPS,
            stream_mode=["messages", "updates"],
            subgraphs=True,
        ):
            if mode == "messages":
                out.append(_piece(namespace, *piece))
            else:
                out.append({"namespace": _unrandom(list(namespace)), "update": observe(piece)})
        state = await supervisor.ainvoke(ask("Ask the forecaster about Lima."), STEPS)
        return {"streamed": out, "state": state}

    return arun(body)


class WeatherReport(BaseModel):
    """A weather report."""

    city: str
    sky: str


def structured_subagent_async(run: Run) -> Any:
    """The subagents page's sub-agent with a `response_format` (the automatic strategy:
    the provider's structured output where the model's profile has it, else a tool),
    its `structured_response` handed back by an async tool; the supervisor `astream`ed
    with `subgraphs=True` and `stream_mode="messages"` (the structured answer's pieces
    among them), then what each request asked for."""
    reporter = agents.create_agent(
        run.make(), tools=[get_weather], response_format=WeatherReport, name="reporter"
    )

    @tool
    async def ask_forecaster(query: str) -> str:
        """Ask the forecaster about the weather."""
        result = await reporter.ainvoke({"messages": [{"role": "user", "content": query}]})
        return str(result["structured_response"].model_dump_json())

    supervisor = agents.create_agent(run.make(), tools=[ask_forecaster], name="supervisor")

    async def body() -> Any:
        with _requests(run) as seen:
            pieces = [
                _piece(namespace, *piece)
                async for namespace, piece in supervisor.astream(
                    ask("Ask the forecaster about Oslo."),
                    STEPS,
                    stream_mode="messages",
                    subgraphs=True,
                )
            ]
        return {"pieces": pieces, "sent": _bodies(seen)}

    return arun(body)


def workflow_agents_async(run: Run) -> Any:
    """The custom-workflow page: two named agents run one after the other as nodes of a
    `StateGraph` (a researcher with the weather tool, then a writer), `astream`ed with
    `subgraphs=True` over `["updates", "messages"]`."""
    researcher = agents.create_agent(
        run.make(), tools=[get_weather], system_prompt="You research.", name="researcher"
    )
    writer = agents.create_agent(run.make(), system_prompt="You write it up.", name="writer")
    builder = graph_module.StateGraph(agents.AgentState)
    builder.add_node("research", researcher)
    builder.add_node("write", writer)
    builder.add_edge(graph_module.START, "research")
    builder.add_edge("research", "write")
    builder.add_edge("write", graph_module.END)
    workflow = builder.compile()

    async def body() -> Any:
        out = []
        with _requests(run) as seen:
            async for namespace, mode, piece in workflow.astream(
                ask("What is the weather in Quito?"),
                STEPS,
                stream_mode=["updates", "messages"],
                subgraphs=True,
            ):
                if mode == "messages":
                    out.append(_piece(namespace, *piece))
                else:
                    update = observe(piece)
                    out.append({"namespace": _unrandom(list(namespace)), "update": update})
        return {"streamed": out, "sent": _bodies(seen)}

    return arun(body)


class Classification(BaseModel):
    source: Literal["weather", "notes"]
    query: str


class ClassificationResult(BaseModel):
    """The sources to ask, each with its own query."""

    classifications: list[Classification]


class RouterState(TypedDict):
    query: str
    classifications: list[dict[str, str]]
    results: Annotated[list[dict[str, str]], operator.add]
    final_answer: str


class AgentInput(TypedDict):
    query: str
    source: str


@tool
def search_notes(query: str) -> str:
    """Search the travel notes."""
    return f"Notes on {query}: pack a raincoat."


def _router(run: Run) -> Any:
    """The router page's knowledge router: a classifier (`with_structured_output` of a
    list of sources), an agent per source run in parallel (`Send`), a synthesis."""
    model = run.make()
    by_source = {
        "weather": agents.create_agent(model, tools=[get_weather], name="weather_agent"),
        "notes": agents.create_agent(model, tools=[search_notes], name="notes_agent"),
    }

    def classify(state: RouterState) -> dict[str, Any]:
        result = model.with_structured_output(ClassificationResult).invoke(
            [
                {"role": "system", "content": f"{ROUTER_ASK}: weather or notes."},
                {"role": "user", "content": state["query"]},
            ]
        )
        return {"classifications": [c.model_dump() for c in result.classifications]}

    def route(state: RouterState) -> list[Any]:
        return [
            lg_types.Send(c["source"], {"query": c["query"], "source": c["source"]})
            for c in state["classifications"]
        ]

    def agent_node(source: str) -> Callable[[AgentInput], dict[str, Any]]:
        def node(state: AgentInput) -> dict[str, Any]:
            said = by_source[source].invoke({"messages": [("user", state["query"])]}, STEPS)
            return {"results": [{"source": source, "result": said["messages"][-1].text}]}

        return node

    def synthesize(state: RouterState) -> dict[str, Any]:
        found = "\n".join(
            f"{r['source']}: {r['result']}"
            for r in sorted(state["results"], key=lambda r: r["source"])
        )
        reply = model.invoke(
            [
                {"role": "system", "content": f"Answer from these results:\n{found}"},
                {"role": "user", "content": state["query"]},
            ]
        )
        return {"final_answer": reply.text}

    builder = graph_module.StateGraph(RouterState)
    builder.add_node("classify", classify)
    builder.add_node("weather", agent_node("weather"))
    builder.add_node("notes", agent_node("notes"))
    builder.add_node("synthesize", synthesize)
    builder.add_edge(graph_module.START, "classify")
    builder.add_conditional_edges("classify", route, ["weather", "notes"])
    builder.add_edge("weather", "synthesize")
    builder.add_edge("notes", "synthesize")
    builder.add_edge("synthesize", graph_module.END)
    return builder.compile()


def router_fan_out(run: Run) -> Any:
    """The router page, stateless (the workflow streamed as updates, each agent's
    result in them) and stateful (the router wrapped as a conversational agent's
    `search_docs` tool): the updates, the router's answer and the agent's end state."""
    workflow = _router(run)
    updates = [
        json.dumps(observe(step), sort_keys=True)
        for step in workflow.stream({"query": "Trip to Lima", "results": []}, STEPS)
    ]

    @tool
    def search_docs(query: str) -> str:
        """Search across the travel sources."""
        result = workflow.invoke({"query": query, "results": []}, STEPS)
        return str(result["final_answer"])

    conversational_agent = agents.create_agent(
        run.make(),
        tools=[search_docs],
        system_prompt="You are a helpful assistant. Use search_docs to answer questions.",
    )
    state = conversational_agent.invoke(ask("Please plan my trip to Lima."), STEPS)
    return {"updates": sorted(updates), "state": state}


# ---- human in the loop --------------------------------------------------------------------------


@tool
def send_email(to: str, subject: str, body: str) -> str:
    """Send an email."""
    return f"Email sent to {to}: {subject}"


def _thread(name: str) -> dict[str, Any]:
    return {"configurable": {"thread_id": name}, **STEPS}


def rejected_with_message_async(run: Run) -> Any:
    """The human-in-the-loop page: a call interrupted (`ainvoke`), then rejected with a
    message (`{"type": "reject", "message": ...}`) and resumed: the interrupt's value,
    the end state and the request the rejection reached the model in."""
    agent = agents.create_agent(
        run.make(),
        tools=[get_weather],
        middleware=[
            middleware.HumanInTheLoopMiddleware(
                interrupt_on={"get_weather": {"allowed_decisions": ["approve", "reject"]}},
                description_prefix="Tool execution pending approval",
            )
        ],
        checkpointer=memory.InMemorySaver(),
    )
    config = _thread("rejected")
    reject = {"type": "reject", "message": "Do not look up Paris, the user is in Rome."}

    async def body() -> Any:
        first = await agent.ainvoke(ask("What is the weather in Paris?"), config)
        with _requests(run) as seen:
            resumed = await agent.ainvoke(lg_types.Command(resume={"decisions": [reject]}), config)
        return {
            "interrupts": masked([i.value for i in first["__interrupt__"]]),
            "state": resumed,
            "sent": _bodies(seen),
        }

    return arun(body)


def _email_description(tool_call: Any, state: Any, runtime: Any) -> str:
    return f"Email to {tool_call['args']['to']}: {tool_call['args']['subject']}"


def _interrupts_shown(update: dict[str, Any]) -> Any:
    """An update as plain data, its interrupts as their values (their ids are drawn)."""
    if "__interrupt__" in update:
        return {"__interrupt__": masked([i.value for i in update["__interrupt__"]])}
    return observe(update)


def reviewed_pair(run: Run) -> Any:
    """Two calls in one reply, both reviewed (`interrupt_on` with `allowed_decisions`
    and a callable description): the interrupt streamed as updates, the weather call
    approved and the email rejected, the resumed run streamed as updates."""
    agent = agents.create_agent(
        run.make(),
        tools=[get_weather, send_email],
        middleware=[
            middleware.HumanInTheLoopMiddleware(
                interrupt_on={
                    "get_weather": True,
                    "send_email": {
                        "allowed_decisions": ["approve", "edit", "reject"],
                        "description": _email_description,
                    },
                }
            )
        ],
        checkpointer=memory.InMemorySaver(),
    )
    config = _thread("pair")
    first = [
        _interrupts_shown(step)
        for step in agent.stream(
            ask("What is the weather in Paris and mail Bob about it"), config, stream_mode="updates"
        )
    ]
    decisions = [{"type": "approve"}, {"type": "reject", "message": "No emails today."}]
    resumed = [
        observe(step)
        for step in agent.stream(
            lg_types.Command(resume={"decisions": decisions}), config, stream_mode="updates"
        )
    ]
    return {"first": first, "resumed": resumed, "state": agent.get_state(config).values}


def subagent_interrupted(run: Run) -> Any:
    """A sub-agent with `HumanInTheLoopMiddleware` called by a supervisor's tool: its
    call interrupts the whole run (the supervisor's checkpointer), which is resumed with
    an approval: the interrupt, the state's pending tasks and the end state."""
    forecaster = agents.create_agent(
        run.make(),
        tools=[get_weather],
        middleware=[middleware.HumanInTheLoopMiddleware(interrupt_on={"get_weather": True})],
        name="forecaster",
    )

    @tool
    def ask_forecaster(query: str) -> str:
        """Ask the forecaster about the weather."""
        result = forecaster.invoke({"messages": [{"role": "user", "content": query}]})
        return str(result["messages"][-1].text)

    supervisor = agents.create_agent(
        run.make(), tools=[ask_forecaster], checkpointer=memory.InMemorySaver(), name="boss"
    )
    config = _thread("sub")
    first = supervisor.invoke(ask("Ask the forecaster about Oslo."), config)
    snapshot = supervisor.get_state(config)
    with _requests(run) as seen:
        resumed = supervisor.invoke(
            lg_types.Command(resume={"decisions": [{"type": "approve"}]}), config
        )
    return {
        "interrupts": masked([i.value for i in first.get("__interrupt__", ())]),
        "next": snapshot.next,
        "state": resumed,
        "sent": _bodies(seen),
    }


# ---- context engineering ---------------------------------------------------------------------


@dataclass
class Context:
    user_id: str
    user_role: str = "viewer"


class FileState(agents.AgentState):  # type: ignore[misc]
    uploaded_files: NotRequired[list[dict[str, str]]]


@tool
def read_forecast(city: str) -> str:
    """Read the forecast of a city."""
    return f"Forecast for {city}: sunny."


@tool
def delete_forecast(city: str) -> str:
    """Delete the forecast of a city."""
    return f"Deleted the forecast for {city}."


class DetailedAnswer(BaseModel):
    """A detailed answer."""

    summary: str = Field(description="One line")
    details: str = Field(description="The details")


@middleware.wrap_model_call
def inject_file_context(request: Any, handler: Callable[[Any], Any]) -> Any:
    """The context page's file context: the uploaded files described in a user turn."""
    uploaded_files = request.state.get("uploaded_files", [])
    if uploaded_files:
        described = "\n".join(f"- {f['name']}: {f['summary']}" for f in uploaded_files)
        file_context = f"Files you have access to in this conversation:\n{described}"
        request = request.override(
            messages=[*request.messages, {"role": "user", "content": file_context}]
        )
    return handler(request)


@middleware.wrap_model_call
def tools_by_role(request: Any, handler: Callable[[Any], Any]) -> Any:
    """The context page's tools by the user's role: viewers get read-only tools."""
    if request.runtime.context.user_role == "viewer":
        request = request.override(tools=[t for t in request.tools if t.name.startswith("read_")])
    return handler(request)


@middleware.wrap_model_call
def detailed_when_long(request: Any, handler: Callable[[Any], Any]) -> Any:
    """The context page's response format per call: a detailed answer once the
    conversation has grown."""
    if len(request.messages) > 2:
        request = request.override(response_format=DetailedAnswer)
    return handler(request)


def context_edits_request(run: Run) -> Any:
    """`@wrap_model_call` middleware editing each call: the uploaded files added to the
    messages, the tools filtered by the context's role, a `response_format` asked once
    the conversation grew: the end state (its structured answer) and what each request
    carried."""
    agent = agents.create_agent(
        run.make(),
        tools=[read_forecast, delete_forecast, get_weather],
        state_schema=FileState,
        context_schema=Context,
        middleware=[inject_file_context, tools_by_role, detailed_when_long],
    )
    files = [{"name": "trip.md", "summary": "A trip to Porto"}]
    with _requests(run) as seen:
        state = agent.invoke(
            {**ask("What is the weather in Porto?"), "uploaded_files": files},
            STEPS,
            context=Context(user_id="u1", user_role="viewer"),
        )
    offered = [_tool_names(body) for body in seen]
    return {"state": state, "offered": offered, "sent": _bodies(seen)}


def _tool_names(body: dict[str, Any]) -> list[str]:
    """The tool names a request offered, whatever the wire's shape for a tool."""
    text = json.dumps(body.get("tools") or body.get("toolConfig") or [])
    return [n for n in ("read_forecast", "delete_forecast", "get_weather") if n in text]


class UserInfo(TypedDict):
    name: str
    language: str


@tool
def save_user_info(user_info: UserInfo, runtime: lc_tools.ToolRuntime[Context]) -> str:
    """Save user info."""
    runtime.store.put(("users",), runtime.context.user_id, dict(user_info))
    return "Successfully saved user info."


@tool
def get_user_info(runtime: lc_tools.ToolRuntime[Context]) -> str:
    """Look up user info."""
    found = runtime.store.get(("users",), runtime.context.user_id)
    return str(found.value) if found else "Unknown user"


def long_term_memory(run: Run) -> Any:
    """The long-term memory page: a tool saving the user's info to an `InMemoryStore`
    (nested arguments), another reading it on a second thread (sync, then async): the
    states and what the store holds."""
    store = lg_store.InMemoryStore()
    agent = agents.create_agent(
        run.make(),
        tools=[save_user_info, get_user_info],
        store=store,
        context_schema=Context,
        checkpointer=memory.InMemorySaver(),
    )
    context = Context(user_id="user_123")
    saved = agent.invoke(ask("My name is John Smith"), _thread("one"), context=context)

    async def body() -> Any:
        return await agent.ainvoke(ask("Please look up my info."), _thread("two"), context=context)

    item = store.get(("users",), "user_123")
    return {"saved": saved, "read": arun(body), "stored": item.value if item else None}


# ---- guardrails ------------------------------------------------------------------------------


@middleware.before_agent(can_jump_to=["end"])
def content_filter(state: Any, runtime: Any) -> dict[str, Any] | None:
    """The guardrails page's deterministic filter: a banned word ends the run."""
    first = state["messages"][0]
    if any(word in str(first.content).lower() for word in ("hack", "exploit")):
        return {
            "messages": [{"role": "assistant", "content": "I cannot process that request."}],
            "jump_to": "end",
        }
    return None


class SafetyVerdict(BaseModel):
    """Whether a reply is safe."""

    safe: bool
    reason: str


class SafetyGuardrail(middleware.AgentMiddleware):  # type: ignore[misc]
    """The guardrails page's model-based guard after the agent: a judge model reads the
    last reply through `with_structured_output` and replaces an unsafe one."""

    def __init__(self, judge_model: Any) -> None:
        super().__init__()
        self.judge = judge_model.with_structured_output(SafetyVerdict)

    def _ask(self, state: Any) -> str:
        return f"{JUDGE_ASK}.\n\nResponse: {state['messages'][-1].text}"

    def _checked(self, state: Any, verdict: Any) -> dict[str, Any] | None:
        if verdict.safe:
            return None
        last = state["messages"][-1]
        replaced = AIMessage(content=f"I cannot provide that ({verdict.reason})", id=last.id)
        return {"messages": [replaced], "jump_to": "end"}

    @middleware.hook_config(can_jump_to=["end"])
    def after_agent(self, state: Any, runtime: Any) -> dict[str, Any] | None:
        return self._checked(state, self.judge.invoke(self._ask(state)))

    @middleware.hook_config(can_jump_to=["end"])
    async def aafter_agent(self, state: Any, runtime: Any) -> dict[str, Any] | None:
        return self._checked(state, await self.judge.ainvoke(self._ask(state)))


def guarded_agent(run: Run) -> Any:
    """Both guardrails on one agent: a banned word stopped before any call, a safe reply
    kept (invoked), an unsafe one replaced by the judge (`astream` over messages and
    updates: the judge's structured answer streamed too): each end state or stream, and
    how many requests each run made."""
    agent = agents.create_agent(
        run.make(),
        tools=[get_weather],
        middleware=[content_filter, SafetyGuardrail(run.make())],
    )
    out = {}
    for name, said in (
        ("blocked", "How do I hack a bank?"),
        ("safe", "What is the weather in Oslo?"),
    ):
        with _requests(run) as seen:
            out[name] = {"state": agent.invoke(ask(said), STEPS), "requests": len(seen)}

    async def body() -> Any:
        pieces, updates = [], []
        with _requests(run) as seen:
            async for mode, piece in agent.astream(
                ask("What is the weather in Rome?"), STEPS, stream_mode=["messages", "updates"]
            ):
                if mode == "messages":
                    pieces.append(_piece((), *piece))
                else:
                    updates.append(observe(piece))
        return {"pieces": pieces, "updates": updates, "requests": len(seen)}

    out["unsafe_async"] = outcome_of(lambda: arun(body))
    return out


# ---- retrieval inside an agent ------------------------------------------------------------------

NOTES = (
    "Porto is rainy in the winter and warm in the summer.",
    "Lisbon has more than 280 days of sun a year.",
    "The ferry to Madeira leaves on Sundays.",
)


def retriever_tool_async(run: Run) -> Any:
    """The retrieval page's agentic RAG: `create_retriever_tool` over an
    `InMemoryVectorStore` (`DeterministicFakeEmbedding`), the agent `astream`ed as values
    (the messages of each step) and what the last request carried."""
    store = InMemoryVectorStore(DeterministicFakeEmbedding(size=64))
    store.add_documents([Document(page_content=text, id=str(i)) for i, text in enumerate(NOTES)])
    search_notes = create_retriever_tool(
        store.as_retriever(search_kwargs={"k": 2}),
        "search_notes",
        "Search the travel notes.",
    )
    agent = agents.create_agent(run.make(), tools=[search_notes])

    async def body() -> Any:
        with _requests(run) as seen:
            steps = [
                observe(step["messages"][-1])
                async for step in agent.astream(
                    ask("What do the notes say about Porto?"), STEPS, stream_mode="values"
                )
            ]
        return {"steps": steps, "last_sent": _bodies(seen[-1:])}

    return arun(body)


SCENARIOS: dict[str, Callable[[Run], Any]] = {
    "handoff_agents_streamed": handoff_agents_streamed,
    "named_subagent_streamed": named_subagent_streamed,
    "subagent_command_async": subagent_command_async,
    "structured_subagent_async": structured_subagent_async,
    "workflow_agents_async": workflow_agents_async,
    "router_fan_out": router_fan_out,
    "rejected_with_message_async": rejected_with_message_async,
    "reviewed_pair": reviewed_pair,
    "subagent_interrupted": subagent_interrupted,
    "context_edits_request": context_edits_request,
    "long_term_memory": long_term_memory,
    "guarded_agent": guarded_agent,
    "retriever_tool_async": retriever_tool_async,
}

# ---- the cells that differ ------------------------------------------------------------------


def _split_call_ran(outcome: Any) -> bool:
    """A streamed tool call split apart reached the tools: the nameless piece refused
    as "not a valid tool" somewhere in what the run printed, streamed or kept."""
    return "is not a valid tool" in repr(outcome)


def _agent_names_dropped(outcome: Any) -> bool:
    """The replies of agents made with `create_agent(name=...)` went back to the model
    without their `name`: every assistant turn sent is bare (and some were sent)."""
    turns = [m for m in _sent_messages(outcome) if m.get("role") == "assistant"]
    return bool(turns) and all("name" not in m for m in turns)


#: Kept differences of this family (`_cells.judge` reads them beside `DIFFERENCES`).
MULTIAGENT_DIFFERENCES: dict[tuple[str, str], Difference] = {
    **{
        (scenario, "mistralai"): Difference(
            "loses data",
            "langchain-mistralai's streamed tool call splits apart (see "
            "agent_stream_messages): the agent streamed with subgraphs=True runs the "
            "tool with no arguments and a nameless one, and the handoff or sub-agent "
            "call fails; chatplex keeps the call whole",
            _split_call_ran,
        )
        for scenario in (
            "handoff_agents_streamed",
            "named_subagent_streamed",
            "subagent_command_async",
            "structured_subagent_async",
            "workflow_agents_async",
        )
    },
    ("guarded_agent", "mistralai"): Difference(
        "raises",
        "pydantic_core.ValidationError: langchain-mistralai's streamed tool call splits "
        "apart (see agent_stream_messages); the judge's `with_structured_output` answer, "
        "streamed with the agent, is parsed from its first piece, without arguments "
        "(`SafetyVerdict`: safe, reason: Field required); chatplex keeps the call whole",
        lambda outcome: (
            isinstance(outcome, dict)
            and raises("pydantic_core._pydantic_core.ValidationError")(outcome["unsafe_async"])
        ),
    ),
    **{
        (scenario, "groq"): Difference(
            "loses data",
            "langchain-groq sends an assistant turn without the `name` its message has "
            "(see docs_message_lifecycle): the agents' names (`create_agent(name=...)`), "
            "which tell the model who said what in a multi-agent history, are lost, and "
            "Groq's Chat Completions take a participant's `name`; chatplex sends them",
            _agent_names_dropped,
        )
        for scenario in (
            "handoff_agents_streamed",
            "named_subagent_streamed",
            "structured_subagent_async",
            "workflow_agents_async",
            "subagent_interrupted",
        )
    },
    **ollama_unnamed_results(
        "handoff_agents_streamed",
        "named_subagent_streamed",
        "structured_subagent_async",
        "workflow_agents_async",
        "rejected_with_message_async",
        "subagent_interrupted",
        "retriever_tool_async",
    ),
}


# langchain-aws warns it too (ignored on its side, as every partner's warning is): a
# writer agent given the researcher's tool calls without tools of its own.
test_multiagent_script = family_test(
    SCENARIOS,
    SCRIPT_WIRES,
    differences=MULTIAGENT_DIFFERENCES,
    marks=[
        pytest.mark.filterwarnings(
            "ignore:Tool messages were passed without toolConfig:RuntimeWarning"
        )
    ],
)
