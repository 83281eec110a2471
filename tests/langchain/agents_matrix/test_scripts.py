"""A LangChain user's scripts around the chat model, beyond agents and graphs: LangChain's
reply cache (global and per model, then a stream), the usage-metadata callback over an
agent and a stream, a custom callback handler's payloads (invoke, stream, async stream),
the model's metadata, token counting, serialization round trips, structured output with
the raw reply in a graph node, fallbacks, configurable fields, bound tools with a config,
`generate`, batches, message history, and agents with custom middleware (reading and
swapping `request.model`), human-in-the-loop interrupt/resume and the tool selector, on
the most used wires: the partner package's class and chatplex's, compared (`_kit.py`)."""

from __future__ import annotations

import importlib
import re
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from langchain_core import caches
from langchain_core import callbacks
from langchain_core import globals as globals_module
from langchain_core import load
from langchain_core import messages
from langchain_core import runnables
from pydantic import BaseModel

from tests._tiktoken import offline_tiktoken

from ._cells import family_test
from ._kit import RANDOM
from ._kit import STEPS
from ._kit import THREAD
from ._kit import TURNS
from ._kit import Run
from ._kit import arun
from ._kit import get_weather
from ._kit import masked
from ._kit import observe
from ._kit import with_history
from .test_agents import token

agents = pytest.importorskip("langchain.agents")
middleware = pytest.importorskip("langchain.agents.middleware")
memory = pytest.importorskip("langgraph.checkpoint.memory")
graph_module = pytest.importorskip("langgraph.graph")
lc_types = pytest.importorskip("langgraph.types")

pytestmark = pytest.mark.xdist_group("agents_matrix_scripts")

#: The wires a 2026 script most often imports (each with its partner package installed).
SCRIPT_WIRES = (
    "openai",
    "anthropic",
    "gemini",
    "bedrock_converse",
    "ollama",
    "groq",
    "mistralai",
)

#: The provider name `init_chat_model` knows each wire of `SCRIPT_WIRES` by.
INIT_PROVIDER = {wire: {"gemini": "google_genai"}.get(wire, wire) for wire in SCRIPT_WIRES}

#: What a script reading a missing attribute gets (an AttributeError, caught).
MISSING = "<AttributeError>"

HELLO = "Say hello to my friend"
FORECAST = "Give me a forecast for Paris."


class Forecast(BaseModel):
    """A forecast for a city."""

    city: str
    degrees: int


# ---- LangChain's reply cache ------------------------------------------------------------


@contextmanager
def _global_cache() -> Iterator[None]:
    globals_module.set_llm_cache(caches.InMemoryCache())
    try:
        yield
    finally:
        globals_module.set_llm_cache(None)


def cache_global(run: Run) -> Any:
    """`set_llm_cache(InMemoryCache())`, then invoke twice (the second a cache hit) and a
    stream of the same prompt (a hit, replayed as one chunk)."""
    with _global_cache():
        model = run.make()
        first, second = model.invoke(HELLO), model.invoke(HELLO)
        streamed = [token(c, {}) for c in model.stream(HELLO)]
        return {"first": first, "second": second, "streamed": streamed}


def cache_global_async(run: Run) -> Any:
    async def body() -> Any:
        with _global_cache():
            model = run.make()
            first, second = await model.ainvoke(HELLO), await model.ainvoke(HELLO)
            streamed = [token(c, {}) async for c in model.astream(HELLO)]
            return {"first": first, "second": second, "streamed": streamed}

    return arun(body)


def cache_per_model(run: Run) -> Any:
    """`cache=InMemoryCache()` on the model (no global cache): a hit on the second call."""
    model = run.make(cache=caches.InMemoryCache())
    return [model.invoke(HELLO), model.invoke(HELLO)]


# ---- callbacks ------------------------------------------------------------------------------


def usage_callback_agent(run: Run) -> Any:
    """`get_usage_metadata_callback()` around an agent run: the usage per model name."""
    agent = agents.create_agent(run.make(), tools=[get_weather])
    with callbacks.get_usage_metadata_callback() as seen:
        agent.invoke({"messages": [("user", TURNS[0])]}, STEPS)
    return seen.usage_metadata


def usage_callback_agent_async(run: Run) -> Any:
    async def body() -> Any:
        agent = agents.create_agent(run.make(), tools=[get_weather])
        with callbacks.get_usage_metadata_callback() as seen:
            await agent.ainvoke({"messages": [("user", TURNS[0])]}, STEPS)
        return seen.usage_metadata

    return arun(body)


def usage_callback_stream(run: Run) -> Any:
    """`UsageMetadataCallbackHandler` given to a stream (usage streamed on)."""
    handler = callbacks.UsageMetadataCallbackHandler()
    model = run.make()
    for _ in model.stream(HELLO, {"callbacks": [handler]}):
        pass
    return handler.usage_metadata


class _Recorder(callbacks.BaseCallbackHandler):
    """What a custom handler sees of a chat model's run."""

    def __init__(self) -> None:
        self.seen: list[Any] = []

    def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
        self.seen.append(
            {
                "event": "start",
                "serialized_id": (serialized or {}).get("id"),
                "name": (serialized or {}).get("name"),
                "invocation_params": masked(kwargs.get("invocation_params")),
                # lc_versions: `model_metadata` compares them
                "metadata": masked(
                    {k: v for k, v in (kwargs.get("metadata") or {}).items() if k != "lc_versions"}
                ),
            }
        )

    def on_llm_new_token(self, token: str, *, chunk: Any = None, **kwargs: Any) -> None:
        self.seen.append({"event": "token", "token": token, "chunk": type(chunk).__name__})

    def on_llm_end(self, response: Any, **kwargs: Any) -> None:
        generation = response.generations[0][0]
        self.seen.append(
            {
                "event": "end",
                "generation": type(generation).__name__,
                "generation_info": masked(generation.generation_info),
                "llm_output": masked(response.llm_output),
                "message": generation.message,
            }
        )


def callback_invoke(run: Run) -> Any:
    """A custom BaseCallbackHandler over an invoke."""
    recorder = _Recorder()
    run.make().invoke(HELLO, {"callbacks": [recorder]})
    return recorder.seen


def callback_stream(run: Run) -> Any:
    """A custom BaseCallbackHandler over a stream."""
    recorder = _Recorder()
    for _ in run.make().stream(HELLO, {"callbacks": [recorder]}):
        pass
    return recorder.seen


def callback_stream_async(run: Run) -> Any:
    """A custom BaseCallbackHandler over an async stream."""

    async def body() -> Any:
        recorder = _Recorder()
        async for _ in run.make().astream(HELLO, {"callbacks": [recorder]}):
            pass
        return recorder.seen

    return arun(body)


def token_count(run: Run) -> Any:
    """`get_num_tokens_from_messages` and `trim_messages(token_counter=model)` (where the
    partner counts offline; its error where it does not: tiktoken reads cl100k_base
    offline and downloads nothing, tests/_tiktoken.py)."""
    model = run.make()
    said = [messages.HumanMessage(HELLO), messages.AIMessage("Hello, friend!")]
    try:
        with (
            tempfile.TemporaryDirectory() as cache,
            offline_tiktoken(Path(cache)),
            warnings.catch_warnings(),  # LangChain's GPT-2 fallback warns: not compared
        ):
            warnings.simplefilter("ignore")
            count: Any = model.get_num_tokens_from_messages(said)
            kept: Any = messages.trim_messages(said, max_tokens=count - 1, token_counter=model)
    except Exception as exc:  # noqa: BLE001 - what was raised is the outcome
        return observe(exc)
    return {"count": count, "kept": kept}


def model_metadata(run: Run) -> Any:
    """The model's `metadata` (LangChain's `lc_versions`: the packages behind a trace)."""
    return run.make().metadata


# ---- serialization ----------------------------------------------------------------------------

#: The secrets a script hands `loads` (every key the wires' classes write as a reference).
SECRETS = {
    name: "mock-secret"
    for name in (
        "OPENAI_API_KEY",
        "ANTHROPIC_API_KEY",
        "GOOGLE_API_KEY",
        "GROQ_API_KEY",
        "MISTRAL_API_KEY",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
    )
}


def serialize(run: Run) -> Any:
    """`dumpd` of the model and of a bound model, and `loads(dumps(model))` back."""
    model = run.make(temperature=0.3)
    bound = model.bind(stop=["END"])
    try:
        back: Any = load.loads(load.dumps(model), secrets_map=SECRETS, allowed_objects="all")
    except Exception as exc:  # noqa: BLE001 - what was raised is the outcome
        back = exc
    return {
        "is_lc_serializable": type(model).is_lc_serializable(),
        "model": masked(load.dumpd(model)),
        "bound": masked(load.dumpd(bound)),
        "loaded": observe(back) if isinstance(back, Exception) else type(back).__name__,
    }


# ---- runnables around the model ---------------------------------------------------------------


def structured_in_node(run: Run) -> Any:
    """`with_structured_output(..., include_raw=True)` called in a graph node."""
    structured = run.make().with_structured_output(Forecast, include_raw=True)

    def node(state: Any) -> dict[str, Any]:
        out = structured.invoke(state["messages"])
        return {"messages": [out["raw"]], "parsed": out["parsed"], "error": out["parsing_error"]}

    class State(graph_module.MessagesState):
        parsed: Any
        error: Any

    graph = graph_module.StateGraph(State)
    graph.add_node("model", node)
    graph.add_edge(graph_module.START, "model")
    return graph.compile().invoke({"messages": [("user", FORECAST)]})


def fallbacks(run: Run) -> Any:
    """`with_fallbacks([...])`: the primary's reply is a 400, the fallback answers."""
    chain = run.make(max_retries=0).with_fallbacks([run.make()])
    run.fail_first(1)
    return chain.invoke(HELLO)


def error_400(run: Run) -> Any:
    """The error a script catches around a call the provider refuses (400): its class and
    what it says."""
    model = run.make(max_retries=0)
    run.fail_first(1)
    try:
        model.invoke(HELLO)
    except Exception as exc:  # noqa: BLE001 - what was raised is the outcome
        # The mock server's request ids are drawn per reply.
        return {"raised": observe(exc), "says": re.sub(r"req_mock\w+", RANDOM, str(exc))}
    return "not raised"


#: The class a script names for a refused request on each wire (its SDK's, as the
#: partner class raises it): `module:qualified name`.
REFUSED = {
    "openai": "openai:BadRequestError",
    "anthropic": "anthropic:BadRequestError",
    "gemini": "langchain_google_genai.chat_models:GoogleInvalidRequestError",
    "bedrock_converse": "botocore.exceptions:ClientError",
    "ollama": "ollama:ResponseError",
    "groq": "groq:BadRequestError",
    "mistralai": "httpx:HTTPStatusError",
}


def fallbacks_typed(run: Run) -> Any:
    """`with_fallbacks([...], exceptions_to_handle=(<the SDK's class>,))`: the class a
    script names catches the refused call, and the fallback answers."""
    module, name = REFUSED[run.wire.name].split(":")
    refused = getattr(importlib.import_module(module), name)
    chain = run.make(max_retries=0).with_fallbacks([run.make()], exceptions_to_handle=(refused,))
    run.fail_first(1)
    return chain.invoke(HELLO)


def configurable(run: Run) -> Any:
    """`configurable_fields(temperature=...)` set per call."""
    field = runnables.ConfigurableField(id="temperature")
    model = run.make(temperature=0.1).configurable_fields(temperature=field)
    return model.invoke(HELLO, {"configurable": {"temperature": 0.7}})


def bound_tools_with_config(run: Run) -> Any:
    """`bind_tools([...]).with_config(...)` invoked."""
    bound = run.make().bind_tools([get_weather]).with_config(tags=["weather"], run_name="w")
    return bound.invoke(TURNS[0])


def generate(run: Run) -> Any:
    """`model.generate([...])` over two prompts: each generation and the combined
    `llm_output`."""
    prompts = [[messages.HumanMessage(HELLO)], [messages.HumanMessage("Say hello to my neighbour")]]
    result = run.make().generate(prompts)
    return {
        "llm_output": masked(result.llm_output),
        "generations": [
            [{"info": masked(g.generation_info), "message": g.message} for g in row]
            for row in result.generations
        ],
    }


def batch_as_completed(run: Run) -> Any:
    model = run.make()
    return sorted(model.batch_as_completed([HELLO, "Say hello to my neighbour"]), key=_first)


def _first(pair: Any) -> Any:
    return pair[0]


def message_history(run: Run) -> Any:
    """`RunnableWithMessageHistory` over two turns of one session."""
    chain, store = with_history(run.make())
    config = {"configurable": {"session_id": "s"}}
    chain.invoke(HELLO, config)
    chain.invoke("And to my neighbour", config)
    return store["s"].messages


# ---- agents with middleware beyond the matrix's ------------------------------------------------


def custom_middleware(run: Run) -> Any:
    """A `@wrap_model_call` that reads `request.model` and swaps it for another model."""
    seen: list[Any] = []
    other = run.make(temperature=0.5)

    @middleware.wrap_model_call
    def swap(request: Any, handler: Any) -> Any:
        model = request.model
        seen.append(
            {
                "class": type(model).__name__,
                "model_name": getattr(model, "model_name", MISSING),
                "model": getattr(model, "model", None),
                "temperature": getattr(model, "temperature", None),
                "profile": bool(getattr(model, "profile", None)),
            }
        )
        return handler(request.override(model=other))

    agent = agents.create_agent(run.make(), tools=[get_weather], middleware=[swap])
    state = agent.invoke({"messages": [("user", TURNS[0])]}, STEPS)
    return {"seen": seen, "messages": state["messages"]}


def human_in_the_loop(run: Run) -> Any:
    """HumanInTheLoopMiddleware: the tool call interrupts the run, then is approved."""
    hitl = middleware.HumanInTheLoopMiddleware(interrupt_on={"get_weather": True})
    agent = agents.create_agent(
        run.make(), tools=[get_weather], middleware=[hitl], checkpointer=memory.InMemorySaver()
    )
    first = agent.invoke({"messages": [("user", TURNS[0])]}, THREAD)
    interrupts = [i.value for i in first.get("__interrupt__", ())]
    resume = lc_types.Command(resume={"decisions": [{"type": "approve"}]})
    return {"interrupts": masked(interrupts), "messages": agent.invoke(resume, THREAD)["messages"]}


def more_middleware(run: Run) -> Any:
    """TodoListMiddleware, PIIMiddleware (an email redacted from the input), ToolRetry and
    a `@before_model` hook that reads the state, in one agent."""
    seen: list[int] = []

    @middleware.before_model
    def count(state: Any, runtime: Any) -> None:
        seen.append(len(state["messages"]))

    agent = agents.create_agent(
        run.make(),
        tools=[get_weather],
        middleware=[
            middleware.TodoListMiddleware(),
            middleware.PIIMiddleware("email", strategy="redact", apply_to_input=True),
            middleware.ToolRetryMiddleware(max_retries=1, initial_delay=0, jitter=False),
            count,
        ],
    )
    ask = TURNS[0] + " Mail me at jo@example.com"
    state = agent.invoke({"messages": [("user", ask)]}, STEPS)
    return {"seen": seen, "messages": state["messages"], "todos": state.get("todos")}


def context_editing(run: Run) -> Any:
    """ContextEditingMiddleware clearing old tool results over a two-turn thread."""
    edit = middleware.ContextEditingMiddleware(
        edits=[middleware.ClearToolUsesEdit(trigger=10, keep=0)]
    )
    agent = agents.create_agent(
        run.make(), tools=[get_weather], middleware=[edit], checkpointer=memory.InMemorySaver()
    )
    agent.invoke({"messages": [("user", TURNS[0])]}, THREAD)
    return agent.invoke({"messages": [("user", TURNS[1])]}, THREAD)["messages"]


def tool_selector(run: Run) -> Any:
    """LLMToolSelectorMiddleware with the wire's model as the selector."""
    select = middleware.LLMToolSelectorMiddleware(model=run.make(), max_tools=1)
    agent = agents.create_agent(run.make(), tools=[get_weather], middleware=[select])
    return agent.invoke({"messages": [("user", TURNS[0])]}, STEPS)["messages"]


SCENARIOS = {
    "cache_global": cache_global,
    "cache_global_async": cache_global_async,
    "cache_per_model": cache_per_model,
    "usage_callback_agent": usage_callback_agent,
    "usage_callback_agent_async": usage_callback_agent_async,
    "usage_callback_stream": usage_callback_stream,
    "callback_invoke": callback_invoke,
    "callback_stream": callback_stream,
    "callback_stream_async": callback_stream_async,
    "token_count": token_count,
    "model_metadata": model_metadata,
    "serialize": serialize,
    "structured_in_node": structured_in_node,
    "fallbacks": fallbacks,
    "error_400": error_400,
    "fallbacks_typed": fallbacks_typed,
    "configurable": configurable,
    "bound_tools_with_config": bound_tools_with_config,
    "generate": generate,
    "batch_as_completed": batch_as_completed,
    "message_history": message_history,
    "custom_middleware": custom_middleware,
    "human_in_the_loop": human_in_the_loop,
    "tool_selector": tool_selector,
    "more_middleware": more_middleware,
    "context_editing": context_editing,
}


test_script = family_test(SCENARIOS, SCRIPT_WIRES)
