"""A further set of LangChain v1 agent scripts (issue 47), of the kind a hidden suite
runs (a script whose import line alone changed), on the most used wires: the partner
package's class and chatplex's, compared (`_kit.py`).

- Tools that reach into the run: `ToolRuntime` (state, context, store, stream writer)
  streamed with `stream_mode=["messages", "updates", "custom"]`, sync and async;
  `InjectedState` / `InjectedToolCallId` returning `Command(update=...)`;
  `return_direct=True`; a tool emulated by the model (`LLMToolEmulator`); a tool whose
  call `@wrap_tool_call` edits, retried by `ToolRetryMiddleware`; a tool whose error
  `ToolErrorMiddleware` hands back to the model.
- Requests edited on the way: `@wrap_model_call` overriding the tools and the system
  prompt, with a `@dynamic_prompt`; `PIIMiddleware` masking the model's reply;
  `ModelCallLimitMiddleware`'s thread limit over a checkpointed thread.
- Structured answers that do not fit at first: `ToolStrategy(..., handle_errors=...)`
  (True, a message, a callable; and async), and `ProviderStrategy(..., strict=True)`.
- What a run leaves: `stream_mode="debug"` tasks, `get_state_history` of a thread, an
  agent with no tools and a system prompt (invoked and streamed), and an agent over
  `init_chat_model(...)` (LangChain's, or chatplex's for the drop-in side).
"""

from __future__ import annotations

import importlib
import json
from dataclasses import dataclass
from typing import Annotated
from typing import Any

import pytest
from langchain_core.messages import ToolMessage
from langchain_core.tools import InjectedToolCallId
from langchain_core.tools import tool

from chatplex.testing import MockScript
from chatplex.testing import ScriptRule

from ._cells import family_test
from ._kit import SCRIPT
from ._kit import STEPS
from ._kit import THREAD
from ._kit import TURNS
from ._kit import Run
from ._kit import arun
from ._kit import ask
from ._kit import get_weather
from ._kit import masked
from ._kit import observe
from ._kit import scripted
from .test_agents import token
from .test_model_api import _requests
from .test_model_api import _tool_keys
from .test_response_format import _outcome
from .test_scripts import FORECAST
from .test_scripts import HELLO
from .test_scripts import INIT_PROVIDER
from .test_scripts import SCRIPT_WIRES
from .test_scripts import Forecast

agents = pytest.importorskip("langchain.agents")
middleware = pytest.importorskip("langchain.agents.middleware")
structured = pytest.importorskip("langchain.agents.structured_output")
lc_tools = pytest.importorskip("langchain.tools")
memory = pytest.importorskip("langgraph.checkpoint.memory")
lg_store = pytest.importorskip("langgraph.store.memory")
lg_types = pytest.importorskip("langgraph.types")

pytestmark = pytest.mark.xdist_group("agents_matrix_agent_tools")

#: The ask whose first structured answer does not fit the schema ("hot" for an integer).
MISFIT = "Give me a forecast for Oslo."

#: The matrix's script, with a first structured answer that does not fit.
TOOLS_SCRIPT = MockScript(
    rules=[
        ScriptRule(
            user_text=r"forecast for Oslo", call="Forecast", args={"city": "Oslo", "degrees": "hot"}
        ),
        *SCRIPT.rules,
    ]
)


_tools_script = scripted(TOOLS_SCRIPT)


# ---- tools that reach into the run ------------------------------------------------------------


@dataclass
class Units:
    """The run's context: the unit the user wants."""

    unit: str


@tool("get_weather")
def runtime_weather(location: str, runtime: lc_tools.ToolRuntime[Units]) -> str:
    """The weather at a location."""
    runtime.stream_writer({"looking_up": location})
    assert runtime.store is not None
    runtime.store.put(("asked",), location, {"count": len(runtime.state["messages"])})
    seen = runtime.store.get(("asked",), location)
    count = seen.value["count"] if seen else None
    return f"It is 21 degrees {runtime.context.unit} in {location} (message {count})."


def _runtime_agent(run: Run) -> Any:
    return agents.create_agent(
        run.make(),
        tools=[runtime_weather],
        context_schema=Units,
        store=lg_store.InMemoryStore(),
    )


def _piece(mode: str, piece: Any) -> Any:
    return token(*piece) if mode == "messages" else observe(piece)


def runtime_tool_streamed(run: Run) -> Any:
    """A `ToolRuntime` tool (state, context, store, stream writer), the agent streamed
    with `stream_mode=["messages", "updates", "custom"]`."""
    agent = _runtime_agent(run)
    stream = agent.stream(
        ask(TURNS[0]),
        STEPS,
        context=Units("celsius"),
        stream_mode=["messages", "updates", "custom"],
    )
    return [(mode, _piece(mode, piece)) for mode, piece in stream]


def runtime_tool_async(run: Run) -> Any:
    """The same agent, `astream(stream_mode="messages")`, then `ainvoke`."""

    async def body() -> Any:
        agent = _runtime_agent(run)
        pieces = [
            token(chunk, metadata)
            async for chunk, metadata in agent.astream(
                ask(TURNS[0]), STEPS, context=Units("kelvin"), stream_mode="messages"
            )
        ]
        state = await agent.ainvoke(ask(TURNS[1]), STEPS, context=Units("kelvin"))
        return {"pieces": pieces, "messages": state["messages"]}

    return arun(body)


class CityState(agents.AgentState):
    """The agent's state, with the city the tool last looked up."""

    city: str


@tool("get_weather")
def command_weather(
    location: str,
    state: Annotated[dict[str, Any], lc_tools.InjectedState],
    tool_call_id: Annotated[str, InjectedToolCallId],
) -> Any:
    """The weather at a location."""
    said = f"Sunny in {location} ({len(state['messages'])} messages so far)."
    message = ToolMessage(said, tool_call_id=tool_call_id)
    return lg_types.Command(update={"messages": [message], "city": location})


def command_tool(run: Run) -> Any:
    """A tool with `InjectedState` and `InjectedToolCallId` returning
    `Command(update=...)` (its ToolMessage and a state key)."""
    agent = agents.create_agent(run.make(), tools=[command_weather], state_schema=CityState)
    state = agent.invoke(ask(TURNS[0]), STEPS)
    return {"city": state.get("city"), "messages": state["messages"]}


@tool("get_weather", return_direct=True)
def direct_weather(location: str) -> str:
    """The weather at a location."""
    return f"It is sunny in {location}."


def return_direct(run: Run) -> Any:
    """A `return_direct=True` tool: the run ends on its result, the model called once;
    invoked and streamed (`stream_mode="messages"`)."""
    agent = agents.create_agent(run.make(), tools=[direct_weather])
    pieces = [token(*p) for p in agent.stream(ask(TURNS[1]), STEPS, stream_mode="messages")]
    return {"messages": agent.invoke(ask(TURNS[0]), STEPS)["messages"], "pieces": pieces}


def tool_emulator(run: Run) -> Any:
    """`LLMToolEmulator(model=...)`: the wire's model answers in the tool's place."""
    emulate = middleware.LLMToolEmulator(model=run.make())

    agent = agents.create_agent(run.make(), tools=[get_weather], middleware=[emulate])
    return agent.invoke(ask(TURNS[0]), STEPS)["messages"]


def wrap_tool_call_retried(run: Run) -> Any:
    """A `@wrap_tool_call` that rewrites the call's arguments, around a tool failing once,
    retried by `ToolRetryMiddleware`."""
    failed: list[str] = []
    seen: list[Any] = []

    @tool("get_weather")
    def flaky_weather(location: str) -> str:
        """The weather at a location."""
        if not failed:
            failed.append(location)
            raise ConnectionError("station offline")
        return f"It is sunny in {location}."

    @middleware.wrap_tool_call
    def shout(request: Any, handler: Any) -> Any:
        call = request.tool_call
        seen.append({"name": call["name"], "args": call["args"]})
        loud = {**call, "args": {"location": str(call["args"]["location"]).upper()}}
        return handler(request.override(tool_call=loud))

    retry = middleware.ToolRetryMiddleware(max_retries=1, initial_delay=0, jitter=False)
    agent = agents.create_agent(run.make(), tools=[flaky_weather], middleware=[shout, retry])
    state = agent.invoke(ask(TURNS[0]), STEPS)
    return {"seen": seen, "failed": failed, "messages": state["messages"]}


@tool("get_weather")
def broken_weather(location: str) -> str:
    """The weather at a location."""
    raise ValueError(f"no data for {location}")


def tool_error_returned(run: Run) -> Any:
    """`ToolErrorMiddleware`: the tool's ValueError goes back to the model as an error
    ToolMessage, and the model answers it."""
    handle = middleware.ToolErrorMiddleware(lambda exc: f"{type(exc).__name__}: try later")
    agent = agents.create_agent(run.make(), tools=[broken_weather], middleware=[handle])
    return agent.invoke(ask(TURNS[0]), STEPS)["messages"]


# ---- requests edited on the way -------------------------------------------------------------


def override_request(run: Run) -> Any:
    """A `@dynamic_prompt` and a `@wrap_model_call` that, once the tool ran, calls the
    model with no tools and another system prompt: the replies, and per request whether
    each prompt reached the server and the tools offered."""

    @middleware.dynamic_prompt
    def prompt(request: Any) -> str:
        return f"You are a weather bot ({len(request.state['messages'])} messages)."

    @middleware.wrap_model_call
    def narrow(request: Any, handler: Any) -> Any:
        if isinstance(request.messages[-1], ToolMessage):
            request = request.override(tools=[], system_prompt="Answer in one line.")
        return handler(request)

    agent = agents.create_agent(run.make(), tools=[get_weather], middleware=[prompt, narrow])
    with _requests(run) as seen:
        messages = agent.invoke(ask(TURNS[0]), STEPS)["messages"]
    sent = [
        {
            "bot": "You are a weather bot" in json.dumps(body),
            "one_line": "Answer in one line." in json.dumps(body),
            # An empty `tools` list (langchain-ollama's SDK sends one) is no tool
            # offered, as tests/partners/ollama/ reads it.
            "tools": {k: v for k, v in _tool_keys(body).items() if v != []},
        }
        for body in seen
    ]
    return {"messages": messages, "sent": sent}


def pii_in_reply(run: Run) -> Any:
    """`PIIMiddleware(..., apply_to_output=True, strategy="mask")`: the model's reply
    (which repeats the user's email) masked in the state."""
    mask = middleware.PIIMiddleware(
        "email", strategy="mask", apply_to_input=False, apply_to_output=True
    )
    agent = agents.create_agent(run.make(), tools=[], middleware=[mask])
    return agent.invoke(ask("Say hello to jo@example.com"), STEPS)["messages"]


def call_limit_thread(run: Run) -> Any:
    """`ModelCallLimitMiddleware(thread_limit=3)` over two turns of a checkpointed thread:
    the second turn ends when the thread's third call is spent."""
    limit = middleware.ModelCallLimitMiddleware(thread_limit=3, exit_behavior="end")
    agent = agents.create_agent(
        run.make(), tools=[get_weather], middleware=[limit], checkpointer=memory.InMemorySaver()
    )
    agent.invoke(ask(TURNS[0]), THREAD)
    return agent.invoke(ask(TURNS[1]), THREAD)["messages"]


def cleared_tool_inputs(run: Run) -> Any:
    """`ContextEditingMiddleware(ClearToolUsesEdit(clear_tool_inputs=True, ...))` over two
    turns: the first turn's call goes back with its arguments cleared and its result a
    placeholder."""
    edit = middleware.ClearToolUsesEdit(
        trigger=10, keep=0, clear_tool_inputs=True, placeholder="[gone]"
    )
    agent = agents.create_agent(
        run.make(),
        tools=[get_weather],
        middleware=[middleware.ContextEditingMiddleware(edits=[edit])],
        checkpointer=memory.InMemorySaver(),
    )
    agent.invoke(ask(TURNS[0]), THREAD)
    return agent.invoke(ask(TURNS[1]), THREAD)["messages"]


#: A tool given as an OpenAI-format dict: offered to the model, not run by the agent.
WEATHER_DICT = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "The weather at a location.",
        "parameters": {
            "type": "object",
            "properties": {"location": {"type": "string"}},
            "required": ["location"],
        },
    },
}


def dict_tool(run: Run) -> Any:
    """`create_agent(model, tools=[<a dict>])`: the model calls it and the run ends on
    the call (a dict is a tool the agent does not run)."""
    agent = agents.create_agent(run.make(), tools=[WEATHER_DICT])
    return agent.invoke(ask(TURNS[0]), STEPS)["messages"]


@tool("get_weather")
async def async_weather(location: str) -> str:
    """The weather at a location."""
    return f"It is sunny in {location}."


def async_tool_updates(run: Run) -> Any:
    """An `async def` tool, the agent `astream(stream_mode=["updates", "messages"])`."""

    async def body() -> Any:
        agent = agents.create_agent(run.make(), tools=[async_weather])
        return [
            (mode, _piece(mode, piece))
            async for mode, piece in agent.astream(
                ask(TURNS[0]), STEPS, stream_mode=["updates", "messages"]
            )
        ]

    return arun(body)


def approved_with_edit(run: Run) -> Any:
    """`HumanInTheLoopMiddleware`: the call interrupts the run and is resumed with an
    "edit" decision (another city): the edited call in the state, and per request which
    city reached the server."""
    hitl = middleware.HumanInTheLoopMiddleware(interrupt_on={"get_weather": True})
    agent = agents.create_agent(
        run.make(), tools=[get_weather], middleware=[hitl], checkpointer=memory.InMemorySaver()
    )
    edit = {"type": "edit", "edited_action": {"name": "get_weather", "args": {"location": "Lyon"}}}
    with _requests(run) as seen:
        agent.invoke(ask(TURNS[0]), THREAD)
        resumed = agent.invoke(lg_types.Command(resume={"decisions": [edit]}), THREAD)
    sent = [{city: city in json.dumps(b) for city in ("Paris", "Lyon")} for b in seen]
    return {"messages": resumed["messages"], "sent": sent}


# ---- structured answers that do not fit at first --------------------------------------------


def _said_wrong(error: Exception) -> str:
    return f"Wrong ({type(error).__name__}): degrees must be a number."


def _misfit(run: Run, **how: Any) -> Any:
    strategy = structured.ToolStrategy(Forecast, **how)
    agent = agents.create_agent(run.make(), tools=[], response_format=strategy)
    return _outcome(agent.invoke(ask(MISFIT), STEPS))


def tool_strategy_retry(run: Run) -> Any:
    """`ToolStrategy(Forecast, handle_errors=...)` where the first answer does not fit:
    the retry message the agent sends back and the final `structured_response`, by
    `True`, a message and a callable."""
    return {
        "default": _misfit(run, handle_errors=True),
        "message": _misfit(run, handle_errors="Give degrees as a number."),
        "callable": _misfit(run, handle_errors=_said_wrong),
    }


def tool_strategy_retry_async(run: Run) -> Any:
    async def body() -> Any:
        strategy = structured.ToolStrategy(Forecast, handle_errors=True)
        agent = agents.create_agent(run.make(), tools=[], response_format=strategy)
        return _outcome(await agent.ainvoke(ask(MISFIT), STEPS))

    return arun(body)


def provider_strategy_strict(run: Run) -> Any:
    """`ProviderStrategy(Forecast, strict=True)`."""
    strategy = structured.ProviderStrategy(Forecast, strict=True)
    agent = agents.create_agent(run.make(), tools=[], response_format=strategy)
    return _outcome(agent.invoke(ask(FORECAST), STEPS))


# ---- what a run leaves -----------------------------------------------------------------------


def stream_debug(run: Run) -> Any:
    """`stream_mode="debug"`: each task and its result (the model's reply among them)."""
    agent = agents.create_agent(run.make(), tools=[get_weather])
    out = []
    for event in agent.stream(ask(TURNS[0]), STEPS, stream_mode="debug"):
        if event["type"] not in ("task", "task_result"):
            continue
        payload = event["payload"]
        shown = payload.get("result") if event["type"] == "task_result" else payload.get("input")
        out.append(
            {
                "type": event["type"],
                "step": event["step"],
                "name": payload["name"],
                "data": masked(observe(shown)),
            }
        )
    return out


def state_history(run: Run) -> Any:
    """`get_state_history` of a checkpointed thread after two turns: each checkpoint's
    step, source, next nodes and its last message."""
    agent = agents.create_agent(
        run.make(), tools=[get_weather], checkpointer=memory.InMemorySaver()
    )
    agent.invoke(ask(TURNS[0]), THREAD)
    agent.invoke(ask(TURNS[1]), THREAD)
    return [
        {
            "step": snapshot.metadata.get("step"),
            "source": snapshot.metadata.get("source"),
            "next": list(snapshot.next),
            "last": observe((snapshot.values.get("messages") or [None])[-1]),
        }
        for snapshot in agent.get_state_history(THREAD)
    ]


def no_tools_prompt(run: Run) -> Any:
    """`create_agent(model, tools=[], system_prompt=...)`: invoked, then streamed
    (`stream_mode="messages"`)."""
    agent = agents.create_agent(run.make(), tools=[], system_prompt="You are terse.")
    state = agent.invoke(ask(HELLO), STEPS)
    pieces = [
        token(*p)
        for p in agent.stream(ask("Say hello to my neighbour"), STEPS, stream_mode="messages")
    ]
    return {"messages": state["messages"], "pieces": pieces}


def system_messages(run: Run) -> Any:
    """`create_agent(system_prompt=...)` given a conversation that brings its own system
    message, then, on the next turn of the thread, a system message after the first
    turn: the replies (their input counts show what was sent), or what was raised."""
    agent = agents.create_agent(
        run.make(),
        tools=[get_weather],
        system_prompt="You are a weather bot.",
        checkpointer=memory.InMemorySaver(),
    )
    first = agent.invoke({"messages": [("system", "Be brief."), ("user", HELLO)]}, THREAD)
    try:
        second = agent.invoke(
            {"messages": [("system", "Answer in French."), ("user", TURNS[0])]}, THREAD
        )["messages"]
    except Exception as exc:  # noqa: BLE001 - what was raised is the outcome
        second = observe(exc)
    return {"first": first["messages"], "second": second}


#: The request members that carry the conversation, on each wire.
_CONVERSATION_KEYS = ("messages", "system", "contents", "systemInstruction", "system_instruction")


def conversation_sent(run: Run) -> Any:
    """An agent with a system prompt given a conversation of a system message and two user
    messages in a row, on a thread whose second turn brings a system message: the
    members of each request that carry the conversation (ids masked)."""
    agent = agents.create_agent(
        run.make(),
        tools=[get_weather],
        system_prompt="You are a weather bot.",
        checkpointer=memory.InMemorySaver(),
    )
    said = [("system", "Be brief."), ("user", "Hello."), ("user", TURNS[0])]
    with _requests(run) as seen:
        agent.invoke({"messages": said}, THREAD)
        agent.invoke({"messages": [("system", "Answer in French."), ("user", HELLO)]}, THREAD)
    return [masked({k: b[k] for k in _CONVERSATION_KEYS if k in b}) for b in seen]


def tool_error_sent(run: Run) -> Any:
    """The request after a tool failed (`ToolErrorMiddleware`'s error ToolMessage): the
    members carrying the conversation, the error result among them."""
    handle = middleware.ToolErrorMiddleware(lambda exc: f"{type(exc).__name__}: try later")
    agent = agents.create_agent(run.make(), tools=[broken_weather], middleware=[handle])
    with _requests(run) as seen:
        agent.invoke(ask(TURNS[0]), STEPS)
    return [masked({k: b[k] for k in _CONVERSATION_KEYS if k in b}) for b in seen[1:]]


def init_model_agent(run: Run) -> Any:
    """`create_agent(init_chat_model("provider:model", ...))`: LangChain's
    `init_chat_model` for the partner, chatplex.langchain's for the drop-in (the import line
    changed): the class a script gets and the agent's run."""
    module = "langchain.chat_models" if run.side == "langchain" else "chatplex.langchain"
    init_chat_model = importlib.import_module(module).init_chat_model
    settings = run.wire.settings(run.server.url)
    name = settings.pop("model")
    model = init_chat_model(f"{INIT_PROVIDER[run.wire.name]}:{name}", **settings)

    agent = agents.create_agent(model, tools=[get_weather])
    return {
        "class": type(model).__name__,
        "messages": agent.invoke(ask(TURNS[0]), STEPS)["messages"],
    }


SCENARIOS = {
    "runtime_tool_streamed": runtime_tool_streamed,
    "runtime_tool_async": runtime_tool_async,
    "command_tool": command_tool,
    "return_direct": return_direct,
    "tool_emulator": tool_emulator,
    "wrap_tool_call_retried": wrap_tool_call_retried,
    "tool_error_returned": tool_error_returned,
    "override_request": override_request,
    "pii_in_reply": pii_in_reply,
    "call_limit_thread": call_limit_thread,
    "approved_with_edit": approved_with_edit,
    "cleared_tool_inputs": cleared_tool_inputs,
    "dict_tool": dict_tool,
    "async_tool_updates": async_tool_updates,
    "tool_strategy_retry": tool_strategy_retry,
    "tool_strategy_retry_async": tool_strategy_retry_async,
    "provider_strategy_strict": provider_strategy_strict,
    "stream_debug": stream_debug,
    "state_history": state_history,
    "no_tools_prompt": no_tools_prompt,
    "system_messages": system_messages,
    "conversation_sent": conversation_sent,
    "tool_error_sent": tool_error_sent,
    "init_model_agent": init_model_agent,
}


# langchain-aws's and chatplex's warning that the tool use goes as text (the call that
# override_request makes without tools), ignored on both sides alike.
test_agent_tools = family_test(
    SCENARIOS,
    SCRIPT_WIRES,
    marks=[
        pytest.mark.filterwarnings(
            "ignore:Tool messages were passed without toolConfig:RuntimeWarning"
        )
    ],
)
