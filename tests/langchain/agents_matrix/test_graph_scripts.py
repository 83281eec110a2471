"""A further set of LangGraph and agent scripts, of the kind issue 47's hidden suites run
(a script whose import line alone changed), on the most used wires: the partner
package's class and chatplex's, compared (`_kit.py`).

- LangGraph's prebuilt agent: `create_react_agent` with two tools, with a
  `response_format`, with a `pre_model_hook` trimming a checkpointed thread.
- Hand-built graphs: a tool loop (`bind_tools`, `ToolNode`, `tools_condition`) streamed
  in two modes at once, with `stream_usage=True`, with `parallel_tool_calls=False`; a
  node writing the model's stream with `get_stream_writer()`; a subgraph streamed with
  `subgraphs=True`; a `Send` fan-out; `interrupt()` and `Command(resume=...)`; the
  functional API (`@entrypoint`, `@task`); `with_structured_output(method="json_schema")`
  streamed in a node; a history of named speakers.
- `create_agent`: a union `ToolStrategy` streamed as values; `context_schema` read by a
  `@dynamic_prompt`; `@before_model` / `@after_model` / `@wrap_model_call` swapping in
  another wire's model, with ModelCallLimitMiddleware; `astream_events`; a tool calling
  `with_structured_output`; a subagent as a tool; a tool raising ToolException; a
  `content_and_artifact` tool returning blocks; a `cache_control` system prompt;
  `batch` over two threads; the usage callback over a stream; an async agent streamed
  over two turns of one thread.
"""

from __future__ import annotations

import json
import operator
import re
import warnings
from dataclasses import dataclass
from typing import Annotated
from typing import Any

import pytest
from langchain_core.callbacks import get_usage_metadata_callback
from langchain_core.messages import AIMessage
from langchain_core.messages import HumanMessage
from langchain_core.messages import SystemMessage
from langchain_core.messages.utils import count_tokens_approximately
from langchain_core.messages.utils import trim_messages
from langchain_core.tools import ToolException
from langchain_core.tools import tool
from pydantic import BaseModel

from chatplex.testing import MockScript
from chatplex.testing import ScriptRule

from ._cells import family_test
from ._kit import SCRIPT
from ._kit import STEPS
from ._kit import THREAD
from ._kit import TURNS
from ._kit import WIRES
from ._kit import Run
from ._kit import arun
from ._kit import ask
from ._kit import call_on
from ._kit import get_weather
from ._kit import scripted
from ._kit import text_of
from .test_agents import token
from .test_scripts import SCRIPT_WIRES
from .test_scripts import Forecast

agents = pytest.importorskip("langchain.agents")
middleware = pytest.importorskip("langchain.agents.middleware")
structured = pytest.importorskip("langchain.agents.structured_output")
memory = pytest.importorskip("langgraph.checkpoint.memory")
graph_module = pytest.importorskip("langgraph.graph")
prebuilt = pytest.importorskip("langgraph.prebuilt")
lg_config = pytest.importorskip("langgraph.config")
lg_types = pytest.importorskip("langgraph.types")
lg_func = pytest.importorskip("langgraph.func")

pytestmark = pytest.mark.xdist_group("agents_matrix_graph_scripts")

HELLO = "Say hello to my friend"
CITIES = ("Ana", "Bo", "Cy")


@tool
def get_time(city: str) -> str:
    """The local time in a city."""
    return f"It is noon in {city}."


class Alert(BaseModel):
    """A weather alert for a city."""

    city: str
    level: str


def _greets_ada(request: Any) -> bool:
    """The request carries the dynamic prompt built from the run's context."""
    return "Speak to Ada" in json.dumps(request.body)


#: The matrix's script, with the second tool, the tool that asks for structured output,
#: the union's second member, the subagent's tool, and the answer to a system prompt
#: built from the run's context.
GRAPH_SCRIPT = MockScript(
    rules=[
        ScriptRule(
            user_text=r"time in (?P<city>[^?.]+)", call="get_time", args={"city": r"\g<city>"}
        ),
        call_on(r"plan a trip to (?P<city>[^?.]+)", "plan_trip", {"city": r"\g<city>"}),
        call_on(
            r"ask the expert about (?P<city>[^?.]+)",
            "ask_expert",
            {"question": r"What is the weather in \g<city>?"},
        ),
        call_on(r"alert for (?P<city>[^?.]+)", "Alert", {"city": r"\g<city>", "level": "high"}),
        ScriptRule(when=_greets_ada, after_tool_result=False, reply="Hello, Ada!"),
        *SCRIPT.rules,
    ]
)


_graph_script = scripted(GRAPH_SCRIPT)


# ---- LangGraph's prebuilt agent ---------------------------------------------------------------


def react_agent_two_tools(run: Run) -> Any:
    """`langgraph.prebuilt.create_react_agent` with two tools and a prompt: the second tool
    called."""
    with warnings.catch_warnings():  # LangGraph deprecates it for create_agent, either side
        warnings.simplefilter("ignore")
        agent = prebuilt.create_react_agent(
            run.make(), [get_weather, get_time], prompt="You are terse."
        )
    return agent.invoke(ask("What is the local time in Rome?"), STEPS)["messages"]


def react_agent_response_format(run: Run) -> Any:
    """`create_react_agent(..., response_format=Forecast)`: the tool loop, then LangGraph's
    own structured-output call."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        agent = prebuilt.create_react_agent(run.make(), [get_weather], response_format=Forecast)
    state = agent.invoke(ask(TURNS[0]), STEPS)
    return {"structured_response": state["structured_response"], "messages": state["messages"]}


# ---- hand-built graphs --------------------------------------------------------------------------


def _model_graph(model: Any, **node: Any) -> Any:
    """A graph of one node calling `model` on the messages (`node`: more arguments of
    `add_node`, e.g. a `retry_policy`), not yet compiled."""

    def call_model(state: Any) -> dict[str, Any]:
        return {"messages": [model.invoke(state["messages"])]}

    graph = graph_module.StateGraph(graph_module.MessagesState)
    graph.add_node("model", call_model, **node)
    graph.add_edge(graph_module.START, "model")
    return graph


def _tool_loop(model: Any, **binding: Any) -> Any:
    """The graph a LangGraph tutorial builds: a model node with bound tools (`binding`:
    more arguments of `bind_tools`), `ToolNode`, `tools_condition`."""
    bound = model.bind_tools([get_weather, get_time], **binding)

    def call_model(state: Any) -> dict[str, Any]:
        return {"messages": [bound.invoke(state["messages"])]}

    graph = graph_module.StateGraph(graph_module.MessagesState)
    graph.add_node("model", call_model)
    graph.add_node("tools", prebuilt.ToolNode([get_weather, get_time]))
    graph.add_edge(graph_module.START, "model")
    graph.add_conditional_edges("model", prebuilt.tools_condition)
    graph.add_edge("tools", "model")
    return graph.compile()


def tool_loop_multi_mode(run: Run) -> Any:
    """The tool loop streamed with `stream_mode=["messages", "updates"]`: (mode, piece)
    tuples, interleaved."""
    out = []
    for mode, piece in _tool_loop(run.make()).stream(
        ask(TURNS[0]), STEPS, stream_mode=["messages", "updates"]
    ):
        out.append((mode, token(*piece) if mode == "messages" else piece))
    return out


def custom_stream_writer(run: Run) -> Any:
    """A node streaming the model and writing each piece's text with `get_stream_writer()`,
    streamed with `stream_mode=["custom", "values"]`."""
    model = run.make()

    def call_model(state: Any) -> dict[str, Any]:
        write = lg_config.get_stream_writer()
        reply = None
        for chunk in model.stream(state["messages"]):
            write({"text": text_of(chunk.content)})
            reply = chunk if reply is None else reply + chunk
        return {"messages": [reply]}

    graph = graph_module.StateGraph(graph_module.MessagesState)
    graph.add_node("model", call_model)
    graph.add_edge(graph_module.START, "model")
    return list(graph.compile().stream(ask(HELLO), STEPS, stream_mode=["custom", "values"]))


def subgraph_streamed(run: Run) -> Any:
    """A compiled subgraph (its node calls the model) as a node of a parent graph,
    streamed with `subgraphs=True` (namespaces shown without their task ids)."""
    child = _model_graph(run.make())
    parent = graph_module.StateGraph(graph_module.MessagesState)
    parent.add_node("child", child.compile())
    parent.add_edge(graph_module.START, "child")
    out = []
    for namespace, mode, piece in parent.compile().stream(
        ask(HELLO), STEPS, subgraphs=True, stream_mode=["updates", "messages"]
    ):
        where = [part.split(":")[0] for part in namespace]
        out.append((where, mode, token(*piece) if mode == "messages" else piece))
    return out


class FanState(graph_module.MessagesState):
    replies: Annotated[list[Any], operator.add]


def send_fan_out(run: Run) -> Any:
    """`Send` to one node per city, each calling the model, their replies reduced."""
    model = run.make()

    def fan(state: Any) -> list[Any]:
        return [lg_types.Send("greet", {"city": city}) for city in CITIES]

    def greet(state: Any) -> dict[str, Any]:
        return {"replies": [model.invoke(f"Say hello to {state['city']}")]}

    graph = graph_module.StateGraph(FanState)
    graph.add_node("greet", greet)
    graph.add_conditional_edges(graph_module.START, fan, ["greet"])
    replies = graph.compile().invoke({"messages": [], "replies": []}, STEPS)["replies"]
    return sorted(replies, key=lambda m: text_of(m.content))


def interrupt_resume(run: Run) -> Any:
    """`interrupt()` asks who to greet; `Command(resume=...)` answers; the model is called
    after the resume (a checkpointer keeps the thread)."""
    model = run.make()

    def ask_human(state: Any) -> dict[str, Any]:
        name = lg_types.interrupt("Who should I greet?")
        return {"messages": [("user", f"Say hello to {name}")]}

    def call_model(state: Any) -> dict[str, Any]:
        return {"messages": [model.invoke(state["messages"])]}

    graph = graph_module.StateGraph(graph_module.MessagesState)
    graph.add_node("ask", ask_human)
    graph.add_node("model", call_model)
    graph.add_edge(graph_module.START, "ask")
    graph.add_edge("ask", "model")
    app = graph.compile(checkpointer=memory.InMemorySaver())
    first = app.invoke({"messages": []}, THREAD)
    asked = [i.value for i in first.get("__interrupt__", ())]
    return {"asked": asked, "messages": app.invoke(lg_types.Command(resume="Ana"), THREAD)}


# ---- create_agent -------------------------------------------------------------------------------


def union_strategy_values(run: Run) -> Any:
    """`response_format=ToolStrategy(Forecast | Alert)`, streamed with
    `stream_mode="values"`: every state, the last with the structured response (the
    union's second member)."""
    agent = agents.create_agent(
        run.make(), tools=[], response_format=structured.ToolStrategy(Forecast | Alert)
    )
    return list(agent.stream(ask("Is there an alert for Oslo?"), STEPS, stream_mode="values"))


@dataclass
class UserContext:
    user_name: str


@middleware.dynamic_prompt
def _prompt_for_user(request: Any) -> str:
    return f"Speak to {request.runtime.context.user_name} by name."


def context_prompt(run: Run) -> Any:
    """`context_schema` and a `@dynamic_prompt` reading `request.runtime.context`: the
    server answers the prompt it was sent."""
    agent = agents.create_agent(
        run.make(),
        tools=[get_weather],
        context_schema=UserContext,
        middleware=[_prompt_for_user],
    )
    state = agent.invoke(ask(HELLO), STEPS, context=UserContext(user_name="Ada"))
    return state["messages"]


def hooks_and_override(run: Run) -> Any:
    """`@before_model` and `@after_model` hooks, a `@wrap_model_call` sending every call to
    another wire's model (an OpenAI one), and ModelCallLimitMiddleware."""
    seen: list[Any] = []
    other = Run(WIRES["openai"], run.side, run.server).make(temperature=0.2)

    @middleware.before_model
    def before(state: Any, runtime: Any) -> None:
        seen.append({"hook": "before", "messages": len(state["messages"])})

    @middleware.after_model
    def after(state: Any, runtime: Any) -> None:
        last = state["messages"][-1]
        seen.append({"hook": "after", "type": type(last).__name__, "calls": len(last.tool_calls)})

    @middleware.wrap_model_call
    def to_other(request: Any, handler: Any) -> Any:
        seen.append({"hook": "wrap", "model": type(request.model).__name__})
        return handler(request.override(model=other))

    limit = middleware.ModelCallLimitMiddleware(run_limit=4, exit_behavior="end")
    agent = agents.create_agent(
        run.make(), tools=[get_weather], middleware=[limit, before, after, to_other]
    )
    state = agent.invoke(ask(TURNS[0]), STEPS)
    return {"seen": seen, "messages": state["messages"]}


def agent_events(run: Run) -> Any:
    """An agent's `astream_events(version="v2")` filtered to `on_chat_model_stream`: the
    node, the tags, the model's `ls_*` metadata, each piece; the run's end state."""

    async def body() -> Any:
        agent = agents.create_agent(run.make(), tools=[get_weather])
        out, final = [], None
        async for event in agent.astream_events(ask(TURNS[0]), STEPS, version="v2"):
            if event["event"] == "on_chain_end" and not event["parent_ids"]:
                final = event["data"]["output"]["messages"]
            if event["event"] != "on_chat_model_stream":
                continue
            metadata = event.get("metadata", {})
            out.append(
                {
                    "name": event["name"],
                    "tags": sorted(event.get("tags", ())),
                    "ls": {k: v for k, v in metadata.items() if k.startswith("ls_")},
                    # lc_versions: test_scripts.py's `model_metadata` compares them
                    "keys": sorted(k for k in metadata if k != "lc_versions"),
                    "piece": token(event["data"]["chunk"], metadata),
                }
            )
        return {"events": out, "messages": final}

    return arun(body)


def tool_asks_structured(run: Run) -> Any:
    """A tool that itself calls `model.with_structured_output(Forecast)`, inside
    `create_agent`."""
    model = run.make()

    @tool
    def plan_trip(city: str) -> str:
        """Plan a trip to a city, with its forecast."""
        forecast = model.with_structured_output(Forecast).invoke(f"Give me a forecast for {city}.")
        return f"Trip planned: {forecast!r}"

    agent = agents.create_agent(model, tools=[plan_trip])
    return agent.invoke(ask("Please plan a trip to Lisbon."), STEPS)["messages"]


def agent_async_two_turns_streamed(run: Run) -> Any:
    """An agent with a checkpointer, async: the first turn `astream(stream_mode="messages")`,
    the second `ainvoke`, on one thread; then the thread's state."""

    async def body() -> Any:
        agent = agents.create_agent(
            run.make(), tools=[get_weather], checkpointer=memory.InMemorySaver()
        )
        pieces = [
            token(chunk, metadata)
            async for chunk, metadata in agent.astream(
                ask(TURNS[0]), THREAD, stream_mode="messages"
            )
        ]
        second = await agent.ainvoke(ask(TURNS[1]), THREAD)
        state = await agent.aget_state(THREAD)
        return {"pieces": pieces, "second": second["messages"], "state": state.values["messages"]}

    return arun(body)


# ---- more of what 2026 scripts do ----------------------------------------------------------


def stream_usage_loop(run: Run) -> Any:
    """The tool loop with the model made with `stream_usage=True`, streamed with
    `stream_mode=["messages", "values"]`: usage on the streamed pieces; the end state."""
    graph = _tool_loop(run.make(stream_usage=True))
    pieces, state = [], None
    for mode, piece in graph.stream(ask(TURNS[0]), STEPS, stream_mode=["messages", "values"]):
        if mode == "messages":
            pieces.append(token(*piece))
        else:
            state = piece
    return {"pieces": pieces, "state": state}


def parallel_calls_off(run: Run) -> Any:
    """`bind_tools([...], parallel_tool_calls=False)` in a hand-built tool loop."""
    graph = _tool_loop(run.make(), parallel_tool_calls=False)
    return graph.invoke(ask(TURNS[0]), STEPS)["messages"]


def functional_api(run: Run) -> Any:
    """LangGraph's functional API: an `@entrypoint` with a checkpointer calling a `@task`
    that calls the model, two turns on one thread (`previous` carries the first)."""
    model = run.make()

    @lg_func.task
    def call_model(said: list[Any]) -> Any:
        return model.invoke(said)

    @lg_func.entrypoint(checkpointer=memory.InMemorySaver())
    def chat(text: str, *, previous: Any = None) -> Any:
        said = [*(previous or []), ("user", text)]
        reply = call_model(said).result()
        return lg_func.entrypoint.final(value=reply, save=[*said, reply])

    first = chat.invoke(HELLO, THREAD)
    pieces = [
        token(*piece)
        for piece in chat.stream("Say hello to my neighbour", THREAD, stream_mode="messages")
    ]
    return {"first": first, "pieces": pieces}


def subagent_tool(run: Run) -> Any:
    """An agent whose tool runs another agent (the supervisor pattern), streamed with
    `stream_mode=["messages", "values"]` and `subgraphs=True`: the inner agent's pieces
    are heard too; the outer agent's end state."""
    inner = agents.create_agent(run.make(), tools=[get_weather], name="expert")

    @tool
    def ask_expert(question: str) -> str:
        """Ask the weather expert a question."""
        return str(inner.invoke(ask(question), STEPS)["messages"][-1].content)

    outer = agents.create_agent(run.make(), tools=[ask_expert])
    pieces, state = [], None
    for namespace, mode, piece in outer.stream(
        ask("Please ask the expert about Oslo."),
        STEPS,
        stream_mode=["messages", "values"],
        subgraphs=True,
    ):
        if mode == "messages":
            pieces.append(([part.split(":")[0] for part in namespace], token(*piece)))
        elif not namespace:
            state = piece
    return {"pieces": pieces, "state": state}


def _trimmed(state: Any) -> dict[str, Any]:
    """A pre-model hook keeping the last messages within a token budget."""
    kept = trim_messages(
        state["messages"],
        strategy="last",
        token_counter=count_tokens_approximately,
        max_tokens=60,
        start_on="human",
        include_system=True,
    )
    return {"llm_input_messages": kept}


def react_agent_trimmed(run: Run) -> Any:
    """`create_react_agent(..., pre_model_hook=...)` trimming the history of a
    checkpointed thread, two turns."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        agent = prebuilt.create_react_agent(
            run.make(), [get_weather], pre_model_hook=_trimmed, checkpointer=memory.InMemorySaver()
        )
    agent.invoke(ask(TURNS[0]), THREAD)
    return agent.invoke(ask(TURNS[1]), THREAD)["messages"]


def agent_batch(run: Run) -> Any:
    """`agent.batch([...])` over two threads of one checkpointed agent (run concurrently)."""
    agent = agents.create_agent(
        run.make(), tools=[get_weather], checkpointer=memory.InMemorySaver()
    )
    configs = [{**STEPS, "configurable": {"thread_id": t}} for t in ("a", "b")]
    states = agent.batch([ask(TURNS[0]), ask(TURNS[1])], configs)
    return [state["messages"] for state in states]


def cached_system_prompt(run: Run) -> Any:
    """`create_agent(system_prompt=SystemMessage([...]))` with a text block marked for
    prompt caching (`cache_control`), as Anthropic's guides write it, on every wire."""
    prompt = SystemMessage(
        content=[
            {"type": "text", "text": "You are a weather bot."},
            {"type": "text", "text": "Be terse.", "cache_control": {"type": "ephemeral"}},
        ]
    )
    agent = agents.create_agent(run.make(), tools=[get_weather], system_prompt=prompt)
    return agent.invoke(ask(TURNS[0]), STEPS)["messages"]


def structured_stream_in_node(run: Run) -> Any:
    """A node streaming `with_structured_output(Forecast, method="json_schema")`, the
    graph streamed with `stream_mode=["messages", "values"]`: the raw pieces heard, the
    parsed value kept."""
    structured = run.make().with_structured_output(Forecast, method="json_schema")

    class State(graph_module.MessagesState):
        forecast: Any

    def node(state: Any) -> dict[str, Any]:
        parsed = list(structured.stream(state["messages"]))
        return {"forecast": parsed[-1] if parsed else None}

    graph = graph_module.StateGraph(State)
    graph.add_node("forecast", node)
    graph.add_edge(graph_module.START, "forecast")
    out = []
    for mode, piece in graph.compile().stream(
        ask("Give me a forecast for Paris."), STEPS, stream_mode=["messages", "values"]
    ):
        out.append((mode, token(*piece) if mode == "messages" else piece))
    return out


@tool("get_weather")
def failing_weather(location: str) -> str:
    """The weather at a location."""
    raise ToolException(f"No station near {location}.")


def tool_error_recovery(run: Run) -> Any:
    """A tool raising ToolException inside `create_agent`: the error goes back to the
    model as a ToolMessage with status "error", and the model answers it."""
    agent = agents.create_agent(run.make(), tools=[failing_weather])
    return agent.invoke(ask(TURNS[0]), STEPS)["messages"]


@tool("get_weather", response_format="content_and_artifact")
def weather_blocks(location: str) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The weather at a location."""
    blocks = [{"type": "text", "text": f"Sunny in {location}."}, {"type": "text", "text": "21C"}]
    return blocks, {"station": location, "degrees": 21}


def tool_content_blocks(run: Run) -> Any:
    """A `content_and_artifact` tool whose content is a list of text blocks, in
    `create_agent`: the blocks go back to the model, the artifact stays in the state."""
    agent = agents.create_agent(run.make(), tools=[weather_blocks])
    return agent.invoke(ask(TURNS[0]), STEPS)["messages"]


def usage_callback_streamed_agent(run: Run) -> Any:
    """`get_usage_metadata_callback()` around an agent streamed with
    `stream_mode=["messages", "values"]`: the usage LangChain totals per model; the end
    state."""
    agent = agents.create_agent(run.make(), tools=[get_weather])
    state = None
    with get_usage_metadata_callback() as seen:
        for mode, piece in agent.stream(ask(TURNS[0]), STEPS, stream_mode=["messages", "values"]):
            state = piece if mode == "values" else state
    return {"usage": seen.usage_metadata, "state": state}


def named_speakers(run: Run) -> Any:
    """A multi-agent history (messages with `name=`) given to the model in a node: the
    reply and its usage (the input count shows what was sent)."""
    graph = _model_graph(run.make())
    said = [
        HumanMessage("Plan a picnic.", name="alice"),
        AIMessage("Saturday at noon.", name="planner"),
        HumanMessage("Say hello to my friend", name="bob"),
    ]
    return graph.compile().invoke({"messages": said}, STEPS)["messages"]


def node_retry_policy(run: Run) -> Any:
    """A node with LangGraph's `RetryPolicy`, its model's first reply a 500 (the model
    itself not retrying): whether LangGraph's default `retry_on` takes the error for a
    transient one and runs the node again."""
    retry = lg_types.RetryPolicy(max_attempts=2, initial_interval=0.0, jitter=False)
    graph = _model_graph(run.make(max_retries=0), retry_policy=retry)
    run.fail_first(1, "status=500")
    return graph.compile().invoke(ask(HELLO), STEPS)["messages"]


def model_with_retry(run: Run) -> Any:
    """`model.with_retry(stop_after_attempt=2)` in a node, the first reply a 500."""
    model = run.make(max_retries=0).with_retry(stop_after_attempt=2, wait_exponential_jitter=False)
    graph = _model_graph(model)
    run.fail_first(1, "status=500")
    return graph.compile().invoke(ask(HELLO), STEPS)["messages"]


def _id_shape(message_id: Any) -> Any:
    """An id with its drawn part hidden: its prefix and form ("chatcmpl-X", "lc_run--X")."""
    if not isinstance(message_id, str):
        return message_id
    return re.sub(r"[0-9a-fA-F]{4,}(-[0-9a-fA-F]{4,})*|[A-Za-z0-9]{20,}", "X", message_id)


def message_id_shapes(run: Run) -> Any:
    """The form of the AI messages' ids (what `RemoveMessage(id=...)` and LangGraph's
    `add_messages` key on), invoked and streamed in an agent."""
    agent = agents.create_agent(run.make(), tools=[get_weather])
    invoked = agent.invoke(ask(TURNS[0]), STEPS)["messages"]
    pieces = [
        _id_shape(chunk.id)
        for chunk, _ in agent.stream(ask(TURNS[0]), STEPS, stream_mode="messages")
        if type(chunk).__name__ == "AIMessageChunk"
    ]
    return {
        "invoked": [_id_shape(m.id) for m in invoked if type(m).__name__ == "AIMessage"],
        "streamed": sorted(set(pieces)),
    }


SCENARIOS = {
    "react_agent_two_tools": react_agent_two_tools,
    "react_agent_response_format": react_agent_response_format,
    "tool_loop_multi_mode": tool_loop_multi_mode,
    "custom_stream_writer": custom_stream_writer,
    "subgraph_streamed": subgraph_streamed,
    "send_fan_out": send_fan_out,
    "interrupt_resume": interrupt_resume,
    "union_strategy_values": union_strategy_values,
    "context_prompt": context_prompt,
    "hooks_and_override": hooks_and_override,
    "agent_events": agent_events,
    "tool_asks_structured": tool_asks_structured,
    "agent_async_two_turns_streamed": agent_async_two_turns_streamed,
    "stream_usage_loop": stream_usage_loop,
    "agent_parallel_calls_off": parallel_calls_off,
    "functional_api": functional_api,
    "subagent_tool": subagent_tool,
    "react_agent_trimmed": react_agent_trimmed,
    "agent_batch": agent_batch,
    "cached_system_prompt": cached_system_prompt,
    "structured_stream_in_node": structured_stream_in_node,
    "tool_error_recovery": tool_error_recovery,
    "tool_content_blocks": tool_content_blocks,
    "usage_callback_streamed_agent": usage_callback_streamed_agent,
    "named_speakers": named_speakers,
    "node_retry_policy": node_retry_policy,
    "model_with_retry": model_with_retry,
    "message_id_shapes": message_id_shapes,
}


test_graph_script = family_test(SCENARIOS, SCRIPT_WIRES)
