"""A ninth set of LangChain and LangGraph scripts (written after issue 63), each with its
chat-model import line changed, on the wires a script most often imports: the partner
package's class beside chatplex's, compared (`_kit.py`).

- What LangGraph makes of a model's errors: a node's `RetryPolicy` with the default
  `retry_on` over a 429, a 400, a 503 and a connection reset, sync and async (how many
  requests each run made, and `default_retry_on` of the error the model raised); a
  functional-API `@task(retry_policy=...)` over a 500; a node's `TimeoutPolicy`
  (`run_timeout` over a stalled reply, `idle_timeout` over a slow stream whose token
  callbacks keep it alive).
- Reuse and state: a `@task(cache_policy=...)` under an `@entrypoint(cache=...)`; a node
  writing `Overwrite(...)` past the messages reducer, the model called on what is left;
  `ExtendedModelResponse` from `@wrap_model_call` (its `Command` beside the reply); an
  agent run with `durability="exit"`; `update_state(..., as_node="model")` on an agent,
  then a second turn; an agent forked from the checkpoint before its last model call.
- Streams: an agent as a subgraph streamed with `subgraphs=True`, `version="v2"` parts
  and the message chunks' metadata (`ls_provider`, `ls_model_name`, `langgraph_node`,
  `lc_agent_name`); an `@entrypoint` interrupted between two model tasks, streamed, then
  resumed streamed; `astream_events(version="v2")` over an agent whose tool fails.
- Tools and maps: a tool returning `Command(update=...)` with `InjectedToolCallId`,
  `InjectedState` and `InjectedStore` in an agent given a store; an async `Send`
  map-reduce whose workers call `with_structured_output`.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Annotated
from typing import Any
from typing import NotRequired

import pytest
from langchain import agents
from langchain.agents import middleware
from langchain_core import messages as lc_messages
from langchain_core.messages import AIMessage
from langchain_core.messages import HumanMessage
from langchain_core.messages import ToolMessage
from langchain_core.tools import InjectedToolCallId
from langchain_core.tools import ToolException
from langchain_core.tools import tool
from langgraph.graph.message import REMOVE_ALL_MESSAGES
from typing_extensions import TypedDict

from chatplex.testing import MockScript

from ._cells import Difference
from ._cells import _stream_call_split
from ._cells import assert_rows_name_cells
from ._cells import cells
from ._cells import family_test
from ._cells import known_cells
from ._cells import ollama_unnamed_results
from ._kit import SCRIPT
from ._kit import STEPS
from ._kit import THREAD
from ._kit import TURNS
from ._kit import WIRES
from ._kit import Run
from ._kit import Scenario
from ._kit import arun
from ._kit import ask
from ._kit import call_on
from ._kit import get_weather
from ._kit import json_body
from ._kit import observe
from ._kit import outcome_of
from ._kit import requests_seen
from ._kit import scripted
from ._kit import text_of
from .test_agents import token
from .test_langgraph_howto import PARTNER_ERRORS
from .test_langgraph_howto import _error_class
from .test_langgraph_howto import _model_node_graph
from .test_langgraph_howto import _plain
from .test_langgraph_howto import _requests
from .test_langgraph_howto import _where
from .test_library_scripts import _plain as _drawn_masked
from .test_scripts import FORECAST
from .test_scripts import HELLO
from .test_scripts import SCRIPT_WIRES
from .test_scripts import Forecast
from .test_utility_scripts import COUNTED_MODEL
from .test_utility_scripts import UTILITY_DIFFERENCES
from .test_utility_scripts import _conversation
from .test_utility_scripts import _offline_counting
from .test_utility_scripts import _result_before_call

memory = pytest.importorskip("langgraph.checkpoint.memory")
graph_module = pytest.importorskip("langgraph.graph")
prebuilt = pytest.importorskip("langgraph.prebuilt")
lg_cache = pytest.importorskip("langgraph.cache.memory")
lg_func = pytest.importorskip("langgraph.func")
lg_store = pytest.importorskip("langgraph.store.memory")
lg_types = pytest.importorskip("langgraph.types")

pytestmark = pytest.mark.xdist_group("agents_matrix_ninth")

NINTH_SCRIPT = MockScript(
    rules=[
        call_on(r"[Rr]emember (?P<city>[A-Z]\w+)", "remember_city", {"city": r"\g<city>"}),
        call_on(r"[Ll]ook up (?P<city>[A-Z]\w+)", "flaky_lookup", {"city": r"\g<city>"}),
        *SCRIPT.rules,
    ]
)

_ninth_script = scripted(NINTH_SCRIPT)


def _messages_sent(bodies: list[dict[str, Any]]) -> Any:
    """The conversation each request carried."""
    return [_conversation(b) for b in bodies]


# ---- what LangGraph makes of a model's errors ---------------------------------------------------

#: The faults a node's default retry predicate is shown: a rate limit, a refused request,
#: a server error, a connection reset.
_FAULTS = ("status=429", "status=400", "status=503", "reset")


def _default_retry(run: Run, use_async: bool) -> Any:
    """A model node (the model not retrying) with `RetryPolicy` and LangGraph's default
    `retry_on`, its first reply each fault: how the run ended, how many requests it
    made, and `default_retry_on` of the error the model itself raises for that fault."""
    model = run.make(max_retries=0)
    policy = lg_types.RetryPolicy(max_attempts=2, initial_interval=0.0, jitter=False)
    app = _model_node_graph(model, retry_policy=policy).compile()
    if use_async:
        return _each_fault(
            run, _FAULTS, lambda: arun(lambda: app.ainvoke(ask(HELLO), STEPS)), model.invoke
        )
    return _each_fault(run, _FAULTS, lambda: app.invoke(ask(HELLO), STEPS), model.invoke)


def _each_fault(
    run: Run, faults: tuple[str, ...], run_app: Callable[[], Any], call: Callable[[str], Any]
) -> dict[str, Any]:
    """For each of `faults` met once: how `run_app()` ended, the requests it made, and
    `default_retry_on` of the error `call(HELLO)` (the model's own call) raised there."""
    out: dict[str, Any] = {}
    for fault in faults:
        with _requests(run, failing=1, fault=fault) as seen:
            ended = outcome_of(run_app)
        with _requests(run, failing=1, fault=fault):
            try:
                call(HELLO)
                retried: Any = "no error"
            except Exception as exc:  # noqa: BLE001 - the error is what is judged
                retried = lg_types.default_retry_on(exc)
        out[fault] = {
            "ended": text_of(ended["messages"][-1].content) if isinstance(ended, dict) else ended,
            "requests": len(seen),
            "default_retry_on": retried,
        }
    return out


def default_retry_faults(run: Run) -> Any:
    """A node's `RetryPolicy` with the default `retry_on` over each fault, invoked."""
    return _default_retry(run, use_async=False)


def default_retry_faults_async(run: Run) -> Any:
    """A node's `RetryPolicy` with the default `retry_on` over each fault, awaited."""
    return _default_retry(run, use_async=True)


#: The faults a streaming node meets: a rate limit before the stream, a stream cut in the
#: middle, an error event inside it.
_STREAM_FAULTS = ("status=429", "midstream_close;after=2", "stream_error_event;after=2")


def default_retry_stream(run: Run) -> Any:
    """A node streaming the model (the model not retrying) with `RetryPolicy` and the
    default `retry_on`, the first stream meeting each fault: how the run ended, how many
    requests it made, and `default_retry_on` of the error the model's own stream raised."""
    model = run.make(max_retries=0)

    def call_model(state: Any) -> dict[str, Any]:
        merged = None
        for chunk in model.stream(state["messages"]):
            merged = chunk if merged is None else merged + chunk
        return {"messages": [merged]}

    policy = lg_types.RetryPolicy(max_attempts=2, initial_interval=0.0, jitter=False)
    graph = graph_module.StateGraph(graph_module.MessagesState)
    graph.add_node("model", call_model, retry_policy=policy)
    graph.add_edge(graph_module.START, "model")
    app = graph.compile()
    return _each_fault(
        run, _STREAM_FAULTS, lambda: app.invoke(ask(HELLO), STEPS), lambda t: list(model.stream(t))
    )


def task_retry_policy(run: Run) -> Any:
    """The functional API: an `@entrypoint` calling a model `@task(retry_policy=...)`,
    the first reply a 500 (the model not retrying): the reply, and the requests made."""
    model = run.make(max_retries=0)
    policy = lg_types.RetryPolicy(max_attempts=2, initial_interval=0.0, jitter=False)

    @lg_func.task(retry_policy=policy)
    def answer(text: str) -> Any:
        return model.invoke(text)

    @lg_func.entrypoint()
    def workflow(text: str) -> Any:
        return answer(text).result()

    with _requests(run, failing=1, fault="status=500") as seen:
        reply = outcome_of(lambda: workflow.invoke(HELLO, STEPS))
    return {"reply": reply, "requests": len(seen)}


def task_retry_on_partner_class(run: Run) -> Any:
    """An async `@entrypoint` awaiting a model `@task` whose `RetryPolicy(retry_on=...)`
    names the partner package's rate-limit class, the first reply a 429 (the model not
    retrying): the reply's text, and the requests made."""
    model = run.make(max_retries=0)
    rate_limit = _error_class(PARTNER_ERRORS[run.wire.name][1])
    policy = lg_types.RetryPolicy(
        max_attempts=2, initial_interval=0.0, jitter=False, retry_on=rate_limit
    )

    @lg_func.task(retry_policy=policy)
    async def answer(text: str) -> str:
        return text_of((await model.ainvoke(text)).content)

    @lg_func.entrypoint()
    async def workflow(text: str) -> str:
        return await answer(text)

    with _requests(run, failing=1, fault="status=429") as seen:
        reply = outcome_of(lambda: arun(lambda: workflow.ainvoke(HELLO, STEPS)))
    return {"reply": reply, "requests": len(seen)}


def _async_model_graph(model: Any, **node: Any) -> Any:
    """One async node awaiting the model on the messages (LangGraph times out async nodes
    only), compiled; `node`: more of `add_node`."""

    async def call_model(state: Any) -> dict[str, Any]:
        return {"messages": [await model.ainvoke(state["messages"])]}

    graph = graph_module.StateGraph(graph_module.MessagesState)
    graph.add_node("model", call_model, **node)
    graph.add_edge(graph_module.START, "model")
    return graph.compile()


def node_run_timeout(run: Run) -> Any:
    """A model node under `TimeoutPolicy(run_timeout=...)`, awaited, its reply stalled past
    it: how the run ends; then the same node given time: its reply."""
    model = run.make(max_retries=0)
    # A bound far from both ends (a reply here takes milliseconds; the stall outlasts it
    # by seconds), so a busy machine does not decide the outcome.
    app = _async_model_graph(model, timeout=lg_types.TimeoutPolicy(run_timeout=1.5))
    with requests_seen(run, json_body, lambda _, count: "stall=6" if count == 1 else None):
        stalled = outcome_of(lambda: arun(lambda: app.ainvoke(ask(HELLO), STEPS)))
    after = outcome_of(lambda: arun(lambda: app.ainvoke(ask(HELLO), STEPS)))
    return {
        "stalled": stalled,
        "after": text_of(after["messages"][-1].content) if isinstance(after, dict) else after,
    }


def node_idle_timeout_stream(run: Run) -> Any:
    """A node streaming the model under `TimeoutPolicy(idle_timeout=...)`, the server
    pausing 0.3 s between events so the whole stream (~3 s) outlasts the idle bound
    (2.5 s, eight times a gap: a busy machine does not stretch a gap to it) while no gap
    does: each token's callback counts as progress, so the run ends with the reply."""
    model = run.make(max_retries=0)

    async def call_model(state: Any) -> dict[str, Any]:
        merged = None
        async for chunk in model.astream(state["messages"]):
            merged = chunk if merged is None else merged + chunk
        return {"messages": [merged]}

    graph = graph_module.StateGraph(graph_module.MessagesState)
    graph.add_node("model", call_model, timeout=lg_types.TimeoutPolicy(idle_timeout=2.5))
    graph.add_edge(graph_module.START, "model")
    app = graph.compile()
    # Streamed once first, undelayed: a first call's imports are no gap the bound judges.
    arun(lambda: call_model(ask(HELLO)))
    run.server.settings.chunk_delay = 0.3
    try:
        ended = outcome_of(lambda: arun(lambda: app.ainvoke(ask(FORECAST), STEPS)))
    finally:
        run.server.settings.chunk_delay = 0.0
    return {"text": text_of(ended["messages"][-1].content)} if isinstance(ended, dict) else ended


# ---- reuse and state --------------------------------------------------------------------------


def task_cache_policy(run: Run) -> Any:
    """An `@entrypoint(cache=InMemoryCache())` calling a model `@task(cache_policy=...)`,
    run on one text twice (the second from the cache) and on another: the texts, and
    the requests made."""
    model = run.make()

    @lg_func.task(cache_policy=lg_types.CachePolicy())
    def answer(text: str) -> str:
        return text_of(model.invoke(text).content)

    @lg_func.entrypoint(cache=lg_cache.InMemoryCache())
    def workflow(text: str) -> str:
        return answer(text).result()

    with requests_seen(run, json_body) as seen:
        texts = [workflow.invoke(t, STEPS) for t in (HELLO, HELLO, "Say hello to Bo")]
    return {"texts": texts, "requests": len(seen)}


class _Tally(TypedDict):
    messages: Annotated[list[Any], operator.add]


def overwrite_messages(run: Run) -> Any:
    """A graph whose state's messages add up (`operator.add`): the model answers, a node
    writes `Overwrite([...])` keeping only the question and a new one, and the model is
    called again: what the second request carried, and the final messages."""
    model = run.make()

    def first(state: Any) -> dict[str, Any]:
        return {"messages": [model.invoke(state["messages"])]}

    def compact(state: Any) -> dict[str, Any]:
        return {"messages": lg_types.Overwrite([HumanMessage("Say hello to Bo")])}

    def second(state: Any) -> dict[str, Any]:
        return {"messages": [model.invoke(state["messages"])]}

    graph = graph_module.StateGraph(_Tally)
    for name, node in (("first", first), ("compact", compact), ("second", second)):
        graph.add_node(name, node)
    graph.add_edge(graph_module.START, "first")
    graph.add_edge("first", "compact")
    graph.add_edge("compact", "second")
    with requests_seen(run, json_body) as seen:
        final = graph.compile().invoke({"messages": [HumanMessage(HELLO)]}, STEPS)
    return {"sent": _messages_sent(seen[1:]), "final": final["messages"]}


class _Counted(agents.AgentState):
    model_calls: NotRequired[int]


def extended_model_response(run: Run) -> Any:
    """`@wrap_model_call` returning `ExtendedModelResponse`: the model's reply and a
    `Command` counting the calls in the agent's state: the final state."""

    @middleware.wrap_model_call(state_schema=_Counted)
    def counted(request: Any, handler: Any) -> Any:
        response = handler(request)
        calls = int(request.state.get("model_calls", 0)) + 1
        update = lg_types.Command(update={"model_calls": calls})
        return middleware.ExtendedModelResponse(model_response=response, command=update)

    agent = agents.create_agent(run.make(), tools=[get_weather], middleware=[counted])
    state = agent.invoke(ask(TURNS[0]), STEPS)
    return {"messages": state["messages"], "model_calls": state.get("model_calls")}


def durability_exit_agent(run: Run) -> Any:
    """A checkpointed agent asked twice on one thread with `durability="exit"` (only
    the run's end is saved): the checkpoints kept, and what the second turn sent."""
    agent = agents.create_agent(
        run.make(), tools=[get_weather], checkpointer=memory.InMemorySaver()
    )
    agent.invoke(ask(TURNS[0]), THREAD, durability="exit")
    with requests_seen(run, json_body) as seen:
        final = agent.invoke(ask(TURNS[1]), THREAD, durability="exit")
    history = list(agent.get_state_history(THREAD))
    return {
        "checkpoints": [(s.metadata.get("source"), s.next) for s in history],
        "sent": _messages_sent(seen[:1]),
        "final": final["messages"][-1],
    }


def update_as_model(run: Run) -> Any:
    """A checkpointed agent after one turn, its state updated `as_node="model"` with an AI
    message of the script's, then asked again: the state's next nodes after the update,
    and what the next request carried."""
    agent = agents.create_agent(
        run.make(), tools=[get_weather], checkpointer=memory.InMemorySaver()
    )
    agent.invoke(ask(TURNS[0]), THREAD)
    agent.update_state(THREAD, {"messages": [AIMessage("Paris is sunny today.")]}, as_node="model")
    after = agent.get_state(THREAD)
    with requests_seen(run, json_body) as seen:
        final = agent.invoke(ask("Say hello to my friend"), THREAD)
    return {
        "next": after.next,
        "last": after.values["messages"][-1],
        "sent": _messages_sent(seen[:1]),
        "final": final["messages"][-1],
    }


def fork_before_answer(run: Run) -> Any:
    """Time travel on an agent: after a tool turn, the checkpoint before its last model
    call is replayed (`invoke(None, <its config>)`), then forked (`update_state(...,
    as_node="tools")` rewriting the tool's result) and run on from the fork: what each
    model call was sent, and each run's last message."""
    agent = agents.create_agent(
        run.make(), tools=[get_weather], checkpointer=memory.InMemorySaver()
    )
    agent.invoke(ask(TURNS[0]), THREAD)
    before = next(
        s
        for s in agent.get_state_history(THREAD)
        if s.next == ("model",) and isinstance(s.values["messages"][-1], ToolMessage)
    )
    result = before.values["messages"][-1]
    out: dict[str, Any] = {}
    with requests_seen(run, json_body) as seen:
        out["replayed"] = agent.invoke(None, before.config)["messages"][-1]
        edited = result.model_copy(update={"content": "It is snowing in Paris."})
        fork = agent.update_state(before.config, {"messages": [edited]}, as_node="tools")
        out["forked"] = agent.invoke(None, fork)["messages"][-1]
    return {**out, "sent": _messages_sent(seen)}


def entrypoint_replayed(run: Run) -> Any:
    """Time travel in the functional API: an `@entrypoint` on a checkpointer whose model
    `@task`s draft then review, run once; then replayed from its first checkpoint
    (`invoke(None, <its config>)`): the checkpoints' sources, each run's result, and what
    the replay sent (both tasks asked again)."""
    model = run.make()

    @lg_func.task()
    def ask_model(text: str) -> str:
        return text_of(model.invoke(text).content)

    @lg_func.entrypoint(checkpointer=memory.InMemorySaver())
    def workflow(text: str) -> dict[str, str]:
        draft = ask_model(text).result()
        return {"draft": draft, "review": ask_model(f"Review: {draft}").result()}

    first = workflow.invoke(HELLO, THREAD)
    history = list(workflow.get_state_history(THREAD))
    with requests_seen(run, json_body) as seen:
        replayed = workflow.invoke(None, history[-1].config)
    return {
        "sources": [s.metadata.get("source") for s in history],
        "first": first,
        "replayed": replayed,
        "sent": _messages_sent(seen),
    }


def trim_before_model(run: Run) -> Any:
    """An agent's `@before_model` keeping the last messages that fit a token budget counted
    by the model itself (`trim_messages(token_counter=model)`, starting on a user turn),
    asked twice on a checkpointed thread: what each request carried."""
    model = run.make(**COUNTED_MODEL.get(run.wire.name, {}))

    @middleware.before_model
    def trim(state: Any, runtime: Any) -> dict[str, Any]:
        kept = lc_messages.trim_messages(
            state["messages"], max_tokens=40, token_counter=model, start_on="human"
        )
        return {"messages": [lc_messages.RemoveMessage(id=REMOVE_ALL_MESSAGES), *kept]}

    agent = agents.create_agent(
        model, tools=[get_weather], middleware=[trim], checkpointer=memory.InMemorySaver()
    )
    with _offline_counting(), requests_seen(run, json_body) as seen:
        for turn in TURNS:
            agent.invoke(ask(turn), THREAD)
    # Where the wire counts on the server, the counted histories are sent too (with the
    # calls' ids in the text Gemini's counter is sent, masked as drawn ids).
    return {
        "sent": _drawn_masked(_messages_sent(seen)),
        "results_first": [_result_before_call(b) for b in seen],
    }


def tool_emulator_async(run: Run) -> Any:
    """`LLMToolEmulator(tools=[...], model=...)` emulating one tool by name, in an agent
    awaited: the messages (the emulated result is the wire's model's reply)."""
    emulate = middleware.LLMToolEmulator(tools=["get_weather"], model=run.make())
    agent = agents.create_agent(run.make(), tools=[get_weather], middleware=[emulate])
    return arun(lambda: agent.ainvoke(ask(TURNS[0]), STEPS))["messages"]


# ---- streams ----------------------------------------------------------------------------------

#: The keys of a message chunk's metadata a script reads (the rest are LangGraph's ids).
_METADATA = (
    "langgraph_node",
    "ls_provider",
    "ls_model_name",
    "ls_model_type",
    "ls_temperature",
    "lc_agent_name",
)


def _part(part: Any) -> Any:
    """A `version="v2"` stream part: its type, namespace (task ids dropped) and data (a
    message piece as its token and read metadata)."""
    data = part["data"]
    if part["type"] == "messages":
        chunk, metadata = data
        data = {**token(chunk, metadata), **{k: metadata.get(k) for k in _METADATA}}
    return {"type": part["type"], "ns": _where(part["ns"]), "data": _plain(data)}


def agent_subgraph_parts(run: Run) -> Any:
    """A parent graph whose node is a named agent (`create_agent(name=...)`), streamed
    with `stream_mode=["messages", "updates"]`, `subgraphs=True` and `version="v2"`:
    every part, with each message piece's metadata."""
    agent = agents.create_agent(run.make(), tools=[get_weather], name="weather_agent")
    parent = graph_module.StateGraph(graph_module.MessagesState)
    parent.add_node("weather_agent", agent)
    parent.add_edge(graph_module.START, "weather_agent")
    parts = parent.compile().stream(
        ask(TURNS[0]), STEPS, stream_mode=["messages", "updates"], subgraphs=True, version="v2"
    )
    return [_part(p) for p in parts]


def entrypoint_interrupt_streamed(run: Run) -> Any:
    """An `@entrypoint` on a checkpointer: a model `@task` drafts, `interrupt()` asks for
    a go-ahead, a second model task answers; streamed with `["updates", "messages"]` up
    to the interrupt, then resumed with `Command(resume=...)`, streamed the same way."""
    model = run.make()

    @lg_func.task()
    def draft(text: str) -> Any:
        return model.invoke(text)

    @lg_func.entrypoint(checkpointer=memory.InMemorySaver())
    def workflow(text: str) -> Any:
        first = draft(text).result()
        decision = lg_types.interrupt({"draft": first.content})
        second = draft(f"{decision}: {FORECAST}").result()
        return {"draft": first, "final": second}

    def streamed(value: Any) -> list[Any]:
        return [
            (mode, token(*piece) if mode == "messages" else _plain(piece))
            for mode, piece in workflow.stream(value, THREAD, stream_mode=["updates", "messages"])
        ]

    return {
        "first": streamed(HELLO),
        "resumed": streamed(lg_types.Command(resume="Go ahead")),
    }


@tool
def flaky_lookup(city: str) -> str:
    """Look a city's records up."""
    raise ToolException(f"The records for {city} are offline.")


flaky_lookup.handle_tool_error = True


def agent_events_tool_error(run: Run) -> Any:
    """`astream_events(version="v2")` over an agent whose tool fails (its
    `ToolException` handled as a message): the model and tool events in order (event,
    name, node), and the run's last message."""
    agent = agents.create_agent(run.make(), tools=[flaky_lookup])

    async def body() -> Any:
        events: list[Any] = []
        output = None
        async for e in agent.astream_events(ask("Look up Paris"), STEPS, version="v2"):
            if e["event"].startswith(("on_chat_model_start", "on_chat_model_end", "on_tool")):
                events.append((e["event"], e["name"], e["metadata"].get("langgraph_node")))
            if e["event"] == "on_chain_end" and e["name"] == "LangGraph":
                output = e["data"]["output"]["messages"]
        return {"events": events, "tool_result": _tool_texts(output), "last": output[-1]}

    return arun(body)


def _tool_texts(messages: Any) -> list[str]:
    return [text_of(m.content) for m in messages or () if isinstance(m, ToolMessage)]


# ---- tools and maps ---------------------------------------------------------------------------


class _Remembered(agents.AgentState):
    city: NotRequired[str]


@tool
def remember_city(
    city: str,
    tool_call_id: Annotated[str, InjectedToolCallId],
    state: Annotated[dict[str, Any], prebuilt.InjectedState],
    store: Annotated[Any, prebuilt.InjectedStore()],
) -> Any:
    """Remember the user's city."""
    store.put(("cities",), "user", {"city": city, "turns": len(state["messages"])})
    return lg_types.Command(
        update={
            "city": city,
            "messages": [ToolMessage(f"Remembered {city}.", tool_call_id=tool_call_id)],
        }
    )


def tool_command_injected(run: Run) -> Any:
    """An agent given a store and a state field, its tool taking the call's id, the state
    and the store (injected) and returning `Command(update=...)`: the final state and
    what the store holds."""
    store = lg_store.InMemoryStore()
    agent = agents.create_agent(
        run.make(), tools=[remember_city], state_schema=_Remembered, store=store
    )
    state = agent.invoke(ask("Remember Lyon for me"), STEPS)
    held = store.get(("cities",), "user")
    return {
        "messages": state["messages"],
        "city": state.get("city"),
        "stored": held.value if held else None,
    }


class _Map(TypedDict):
    cities: list[str]
    forecasts: Annotated[list[Any], operator.add]


def send_structured_async(run: Run) -> Any:
    """An async map-reduce: `Send` one worker per city, each awaiting
    `with_structured_output(Forecast)`; the forecasts gathered (sorted: workers finish
    in any order)."""
    structured = run.make().with_structured_output(Forecast)

    def fan_out(state: Any) -> list[Any]:
        return [lg_types.Send("worker", {"city": c}) for c in state["cities"]]

    async def worker(state: Any) -> dict[str, Any]:
        forecast = await structured.ainvoke(f"Give me a forecast for {state['city']}.")
        return {"forecasts": [forecast]}

    graph = graph_module.StateGraph(_Map)
    graph.add_node("worker", worker)
    graph.add_conditional_edges(graph_module.START, fan_out, ["worker"])

    async def body() -> Any:
        return await graph.compile().ainvoke({"cities": ["Paris", "Rome"]}, STEPS)

    final = outcome_of(lambda: arun(body))
    if not isinstance(final, dict):
        return final
    return sorted((observe(f) for f in final["forecasts"]), key=repr)


SCENARIOS = {
    "task_retry_policy": task_retry_policy,
    "node_run_timeout": node_run_timeout,
    "node_idle_timeout_stream": node_idle_timeout_stream,
    "task_cache_policy": task_cache_policy,
    "overwrite_messages": overwrite_messages,
    "extended_model_response": extended_model_response,
    "durability_exit_agent": durability_exit_agent,
    "update_as_model": update_as_model,
    "fork_before_answer": fork_before_answer,
    "task_retry_on_partner_class": task_retry_on_partner_class,
    "entrypoint_replayed": entrypoint_replayed,
    "trim_before_model": trim_before_model,
    "tool_emulator_async": tool_emulator_async,
    "agent_subgraph_parts": agent_subgraph_parts,
    "entrypoint_interrupt_streamed": entrypoint_interrupt_streamed,
    "agent_events_tool_error": agent_events_tool_error,
    "tool_command_injected": tool_command_injected,
    "send_structured_async": send_structured_async,
}


def _split_call_ran(outcome: Any) -> bool:
    """The one tool call ran as several tool runs (the model's arguments in none)."""
    results = outcome.get("tool_result") if isinstance(outcome, dict) else None
    return isinstance(results, list) and len(results) > 1


def _error_event_dropped(outcome: Any) -> bool:
    """The stream meeting an error event raised nothing: the node ran once and kept the
    reply cut short."""
    met = outcome.get("stream_error_event;after=2") if isinstance(outcome, dict) else None
    return (
        isinstance(met, dict) and met.get("default_retry_on") == "no error" and met["requests"] == 1
    )


#: Kept differences of this family (`_cells.judge` reads them beside `DIFFERENCES`).
NINTH_DIFFERENCES: dict[tuple[str, str], Difference] = {
    **ollama_unnamed_results("durability_exit_agent", "update_as_model", "fork_before_answer"),
    # As trim_strategies in test_utility_scripts: an agent's @before_model trimming with
    # the model's own counter meets the same reversed counting.
    ("trim_before_model", "anthropic"): UTILITY_DIFFERENCES[("trim_strategies", "anthropic")],
    **{
        ("default_retry_stream", wire): Difference(
            "loses data",
            f"{package} drops the provider's error event in a stream (as "
            "stream_error_event in test_failure_scripts and test_side_wires): the node's "
            "stream ends cut short with no error, so LangGraph's RetryPolicy never sees one "
            "and the run keeps the partial reply; chatplex raises the provider's error and "
            "the node runs again",
            _error_event_dropped,
        )
        for wire, package in (
            ("mistralai", "langchain-mistralai"),
            ("fireworks", "langchain-fireworks"),
        )
    },
    ("agent_subgraph_parts", "mistralai"): Difference(
        "loses data",
        "langchain-mistralai gives each streamed tool-call piece after the first a new "
        "random id (see `_cells.DIFFERENCES[('agent_stream_messages', 'mistralai')]`): the "
        "agent subgraph's model reply has its one call split apart and the tool runs "
        "without its arguments; chatplex keeps the call whole",
        _stream_call_split,
    ),
    ("agent_events_tool_error", "mistralai"): Difference(
        "loses data",
        "langchain-mistralai's streamed tool-call pieces each carry a new random id (as "
        "agent_subgraph_parts): under astream_events the agent's one call splits into "
        "several tool runs, none with the model's arguments, so the tool's own error never "
        "comes back; chatplex runs the call once and returns the tool's error",
        _split_call_ran,
    ),
}


#: What LangGraph's default retry predicate makes of each partner's errors, on every wire
#: (each partner raises its own classes).
RETRY_SCENARIOS: dict[str, Scenario] = {
    "default_retry_faults": default_retry_faults,
    "default_retry_faults_async": default_retry_faults_async,
    "default_retry_stream": default_retry_stream,
}
#: The wires each retry scenario runs on: the mock's stream faults are SSE, where the
#: aiplatform REST transport reads Vertex's stream as a JSON array (its ValueError would
#: be the mock's, not the partner's).
_RETRY_WIRES = {
    name: [w for w in WIRES if w != "vertex" or "stream" not in name] for name in RETRY_SCENARIOS
}


def _params() -> list[Any]:
    return cells(SCENARIOS, SCRIPT_WIRES, differences=NINTH_DIFFERENCES) + [
        p
        for name, wires in _RETRY_WIRES.items()
        for p in cells([name], wires, differences=NINTH_DIFFERENCES)
    ]


test_ninth_script = family_test(
    {**SCENARIOS, **RETRY_SCENARIOS}, params=_params(), differences=NINTH_DIFFERENCES
)


def test_every_row_names_a_cell_of_this_family() -> None:
    known = known_cells(SCENARIOS, SCRIPT_WIRES) | {
        (name, wire) for name, wires in _RETRY_WIRES.items() for wire in wires
    }
    assert_rows_name_cells(known, NINTH_DIFFERENCES)
