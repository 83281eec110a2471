"""LangGraph's how-to guides as scripts (issue 47), where the chat model's behaviour shows:
the code a user copies from docs.langchain.com ("oss/python/langgraph": streaming,
persistence, durable execution, time travel, interrupts, subgraphs, memory, the Graph
and Functional API how-tos), its import line changed, on the wires a script most often
imports: the partner package's class and chatplex's, compared (`_kit.py`): every piece
streamed in order, the states and checkpoints a script prints, what reached the server.

- Time travel: a two-model-node joke graph's `get_state_history`, replayed from the
  checkpoint before the second node (the model called again), and forked with
  `update_state` then run on, async; a tool loop replayed from before its last model
  call (the call and its result sent again as loaded from the checkpoint).
- Failures and reuse: a node's `RetryPolicy(retry_on=...)` naming the partner's error
  class for a 500 and a 429, and LangChain's `ModelError` family (sync and async); a node with a
  `CachePolicy(key_func=...)` streamed twice (the second from the cache); a durable
  `@entrypoint` whose model `@task` is not run again when the failed run resumes.
- Streams: a tool that streams a model and forwards its tokens with
  `get_stream_writer()` in a tool loop (`["custom", "messages", "updates"]`, async);
  every mode at once with `version="v2"` parts; an async `@entrypoint` of model `@task`s
  streamed; tokens filtered by `metadata["tags"]` and by node, and `astream_events`
  filtered by name and tags inside a graph.
- State: a node choosing its model and system prompt from the run's `Runtime` context
  (and an `init_chat_model` with configurable fields); a node returning the streamed
  chunks themselves (`add_messages` merging them by id) then the conversation
  summarized and its old messages removed (`RemoveMessage`); a tool call reviewed with
  `interrupt()` and resumed edited (`Command(goto=..., update=...)`, the message
  replaced by id); a subgraph with its own state interrupted, viewed with
  `get_state(subgraphs=True)` and resumed streamed with `subgraphs=True`; a pydantic
  model as the graph's state (the replies validated into its `list[AnyMessage]`).
"""

from __future__ import annotations

import importlib
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Annotated
from typing import Any
from typing import NotRequired
from typing import TypedDict

import pytest
from langchain_core import exceptions as lc_exceptions
from langchain_core.messages import AnyMessage
from langchain_core.messages import HumanMessage
from langchain_core.messages import RemoveMessage
from langchain_core.messages import SystemMessage
from langchain_core.tools import tool
from pydantic import BaseModel

from chatplex.testing import MockScript

from ._cells import Difference
from ._cells import _stream_call_split
from ._cells import family_test
from ._kit import SCRIPT
from ._kit import STEPS
from ._kit import THREAD
from ._kit import TURNS
from ._kit import Run
from ._kit import arun
from ._kit import ask
from ._kit import call_on
from ._kit import get_weather
from ._kit import json_body
from ._kit import masked
from ._kit import observe
from ._kit import outcome_of
from ._kit import requests_seen
from ._kit import scripted
from ._kit import text_of
from .test_agents import token
from .test_prebuilt_scripts import _loop_graph
from .test_reply_scripts import _sent
from .test_scripts import HELLO
from .test_scripts import SCRIPT_WIRES
from .test_tutorial_scripts import _init_chat_model

memory = pytest.importorskip("langgraph.checkpoint.memory")
graph_module = pytest.importorskip("langgraph.graph")
prebuilt = pytest.importorskip("langgraph.prebuilt")
lg_cache = pytest.importorskip("langgraph.cache.memory")
lg_config = pytest.importorskip("langgraph.config")
lg_func = pytest.importorskip("langgraph.func")
lg_runtime = pytest.importorskip("langgraph.runtime")
lg_types = pytest.importorskip("langgraph.types")

pytestmark = pytest.mark.xdist_group("agents_matrix_langgraph_howto")

START = graph_module.START
END = graph_module.END

#: The matrix's script, with the tool that writes a poem.
HOWTO_SCRIPT = MockScript(
    rules=[
        call_on(r"poem about (?P<topic>[^?.]+)", "write_poem", {"topic": r"\g<topic>"}),
        *SCRIPT.rules,
    ]
)

_howto_script = scripted(HOWTO_SCRIPT)


def _requests(
    run: Run, failing: int = 0, fault: str = "status=500"
) -> AbstractContextManager[list[dict[str, Any]]]:
    """The JSON bodies of the requests the server gets meanwhile (in arrival order), the
    first `failing` of them answered with `fault`."""
    return requests_seen(run, json_body, lambda _, count: fault if count <= failing else None)


def _where(namespace: Any) -> list[str]:
    """A namespace without its task ids."""
    return [part.split(":")[0] for part in namespace]


def _plain(value: Any) -> Any:
    """`observe`'s plain data with ids masked, an `Interrupt` shown by its value (its id
    is drawn per run)."""
    if isinstance(value, lg_types.Interrupt):
        return {"interrupt": _plain(value.value)}
    if isinstance(value, dict):
        return masked({k: _plain(v) for k, v in value.items()})
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    return masked(observe(value))


def _snapshot(snapshot: Any) -> dict[str, Any]:
    """What a time-travel script prints of a checkpoint: its values, next nodes, step,
    source, the writes that made it, and the interrupts waiting."""
    return {
        "values": snapshot.values,
        "next": snapshot.next,
        "step": snapshot.metadata.get("step"),
        "source": snapshot.metadata.get("source"),
        "tasks": [(t.name, observe(t.result) if t.result else None) for t in snapshot.tasks],
        "interrupts": [i.value for i in snapshot.interrupts],
    }


# ---- time travel -------------------------------------------------------------------------


class JokeState(TypedDict):
    topic: NotRequired[str]
    joke: NotRequired[str]


def _joke_graph(model: Any) -> Any:
    """The time-travel guide's graph: one node asks the model for a topic, the next for
    a joke about it, on an `InMemorySaver`."""

    def generate_topic(state: JokeState) -> dict[str, Any]:
        reply = model.invoke("Give me a funny topic for a joke")
        return {"topic": text_of(reply.content)}

    def write_joke(state: JokeState) -> dict[str, Any]:
        reply = model.invoke(f"Write a short joke about {state['topic']}")
        return {"joke": text_of(reply.content)}

    workflow = graph_module.StateGraph(JokeState)
    workflow.add_node("generate_topic", generate_topic)
    workflow.add_node("write_joke", write_joke)
    workflow.add_edge(START, "generate_topic")
    workflow.add_edge("generate_topic", "write_joke")
    workflow.add_edge("write_joke", END)
    return workflow.compile(checkpointer=memory.InMemorySaver())


def time_travel_replay(run: Run) -> Any:
    """The joke graph run, its history printed (newest first), then replayed from the
    checkpoint before `write_joke`: the node (and its model) runs again; the history
    after, and what reached the server."""
    graph = _joke_graph(run.make())
    with _requests(run) as seen:
        first = graph.invoke({}, THREAD)
        history = list(graph.get_state_history(THREAD))
        selected = next(s for s in history if s.next == ("write_joke",))
        replayed = graph.invoke(None, selected.config)
        after = [_snapshot(s) for s in graph.get_state_history(THREAD)]
    return {
        "first": first,
        "history": [_snapshot(s) for s in history],
        "replayed": replayed,
        "after": after,
        "asked": [text_of(_last_user(body)) for body in seen],
    }


def time_travel_tool_loop(run: Run) -> Any:
    """A checkpointed tool loop (model, `ToolNode`) run, then replayed from the checkpoint
    before its last model call: the model gets the call and its result as loaded from the
    checkpoint. The replayed state, and whether the replayed request is the one the
    first run sent (what each wire sends is compared by test_content_scripts.py)."""
    app = _loop_graph(run.make(), [get_weather]).compile(checkpointer=memory.InMemorySaver())
    with _requests(run) as seen:
        app.invoke(ask(TURNS[0]), THREAD)
        history = list(app.get_state_history(THREAD))
        selected = next(
            s for s in history if s.next == ("model",) and len(s.values["messages"]) > 1
        )
        replayed = app.invoke(None, selected.config)
    return {
        "replayed": replayed,
        "same_request": seen[-1] == seen[-2],
        "requests": len(seen),
    }


def time_travel_fork_async(run: Run) -> Any:
    """The joke graph run async, then forked: `aupdate_state` on the checkpoint before
    `write_joke` with another topic, and `ainvoke(None, fork)`: the joke about the new
    topic; the fork's history."""
    graph = _joke_graph(run.make())

    async def body() -> Any:
        await graph.ainvoke({}, THREAD)
        history = [s async for s in graph.aget_state_history(THREAD)]
        selected = next(s for s in history if s.next == ("write_joke",))
        fork = await graph.aupdate_state(selected.config, values={"topic": "chickens"})
        forked = await graph.ainvoke(None, fork)
        return {
            "forked": forked,
            "history": [_snapshot(s) async for s in graph.aget_state_history(fork)],
            "latest": _snapshot(await graph.aget_state(THREAD)),
        }

    return arun(body)


def _last_user(body: dict[str, Any]) -> Any:
    """The last user text of a request body, whatever the wire calls its messages."""
    for key in ("messages", "contents", "input"):
        turns = body.get(key)
        if isinstance(turns, list) and turns:
            last = turns[-1]
            content = last.get("content", last.get("parts")) if isinstance(last, dict) else last
            if isinstance(content, list):
                return [
                    part.get("text")
                    for part in content
                    if isinstance(part, dict) and "text" in part
                ]
            return content
    return None


# ---- failures and reuse -----------------------------------------------------------------------

#: The classes each partner package raises for a 500 and a 429 (what a script's
#: `retry_on` names).
PARTNER_ERRORS = {
    "openai": ("openai:InternalServerError", "openai:RateLimitError"),
    "anthropic": ("anthropic:InternalServerError", "anthropic:RateLimitError"),
    "gemini": (
        "google.genai.errors:ServerError",
        "langchain_google_genai.chat_models:GoogleRateLimitError",
    ),
    "bedrock_converse": ("botocore.exceptions:ClientError",) * 2,
    "ollama": ("ollama:ResponseError",) * 2,
    "groq": ("groq:InternalServerError", "groq:RateLimitError"),
    "mistralai": ("httpx:HTTPStatusError",) * 2,
}


def _error_class(name: str) -> type[Exception]:
    module, attribute = name.split(":")
    return getattr(importlib.import_module(module), attribute)  # type: ignore[no-any-return]


def _model_node_graph(model: Any, **node: Any) -> Any:
    """One node calling the model on the messages (`node`: more of `add_node`)."""

    def call_model(state: Any) -> dict[str, Any]:
        return {"messages": [model.invoke(state["messages"])]}

    graph = graph_module.StateGraph(graph_module.MessagesState)
    graph.add_node("model", call_model, **node)
    graph.add_edge(START, "model")
    return graph


def _retry(retry_on: Any) -> Any:
    return lg_types.RetryPolicy(
        max_attempts=2, initial_interval=0.0, jitter=False, retry_on=retry_on
    )


def retry_on_partner_error(run: Run) -> Any:
    """A model node with `RetryPolicy(retry_on=<the partner's 500 class>)`, the first
    reply a 500 (the model itself not retrying): the node runs again, sync and async;
    `retry_on=ModelError` (LangChain's own family) and `retry_on=KeyError` (no retry);
    then a 429 under the partner's rate-limit class and `ModelRateLimitError`: what
    each ends with, and how many requests each made."""
    model = run.make(max_retries=0)
    server_error, rate_limit = (_error_class(n) for n in PARTNER_ERRORS[run.wire.name])
    kinds = {
        "partner": (server_error, "status=500"),
        "model_error": (lc_exceptions.ModelError, "status=500"),
        "other": (KeyError, "status=500"),
        "rate_limit": (rate_limit, "status=429"),
        "model_rate_limit": (lc_exceptions.ModelRateLimitError, "status=429"),
    }
    out: dict[str, Any] = {}
    for name, (kind, fault) in kinds.items():
        app = _model_node_graph(model, retry_policy=_retry(kind)).compile()
        with _requests(run, failing=1, fault=fault) as seen:
            ended = outcome_of(lambda app=app: app.invoke(ask(HELLO), STEPS)["messages"])
        out[name] = {"ended": ended, "requests": len(seen)}
    app = _model_node_graph(model, retry_policy=_retry(server_error)).compile()

    async def body() -> Any:
        return (await app.ainvoke(ask(HELLO), STEPS))["messages"]

    with _requests(run, failing=1) as seen:
        out["async"] = {"ended": outcome_of(lambda: arun(body)), "requests": len(seen)}
    return out


def _last_text(state: Any) -> str:
    return text_of(state["messages"][-1].content)


def cached_node_streamed(run: Run) -> Any:
    """A model node with `CachePolicy(key_func=<the last message's text>)` on LangGraph's
    `InMemoryCache`, streamed twice with `stream_mode=["updates", "messages"]` on inputs
    of the same text (the second answered from the cache, the model not called), then
    once on another text: every piece of each run, and the requests made."""
    policy = lg_types.CachePolicy(key_func=_last_text)
    app = _model_node_graph(run.make(), cache_policy=policy).compile(cache=lg_cache.InMemoryCache())
    runs = []
    with _requests(run) as seen:
        for text in (HELLO, HELLO, "Say hello to Bo"):
            runs.append(
                [
                    (mode, token(*piece) if mode == "messages" else piece)
                    for mode, piece in app.stream(
                        ask(text), STEPS, stream_mode=["updates", "messages"]
                    )
                ]
            )
    return {"runs": runs, "requests": len(seen)}


class FlakyStep:
    """A step that fails on its first call (the process "crashed" after the model ran)."""

    def __init__(self) -> None:
        self.calls = 0

    def __call__(self, text: str) -> str:
        self.calls += 1
        if self.calls == 1:
            raise RuntimeError("the machine went down")
        return text.upper()


def durable_task_resumed(run: Run) -> Any:
    """The durable-execution guide: an `@entrypoint` on a checkpointer calling a model
    `@task`, then a task that fails the first time; the run is resumed with
    `invoke(None, thread)` (`durability="sync"`): the model task's reply is read from
    the checkpoint, not asked again; the resumed result, the thread's last state."""
    model = run.make()
    flaky = FlakyStep()

    @lg_func.task
    def ask_model(text: str) -> Any:
        return model.invoke(text)

    @lg_func.task
    def shout(text: str) -> str:
        return flaky(text)

    @lg_func.entrypoint(checkpointer=memory.InMemorySaver())
    def workflow(text: str) -> dict[str, Any]:
        reply = ask_model(text).result()
        return {"reply": reply, "loud": shout(text_of(reply.content)).result()}

    with _requests(run) as seen:
        failed = outcome_of(lambda: workflow.invoke(HELLO, THREAD, durability="sync"))
        resumed = workflow.invoke(None, THREAD, durability="sync")
    state = workflow.get_state(THREAD)
    return {
        "failed": failed,
        "resumed": resumed,
        "requests": len(seen),
        "state": {"values": state.values, "next": state.next},
    }


# ---- streams ----------------------------------------------------------------------------------


def tool_forwards_tokens(run: Run) -> Any:
    """The streaming guide's tool that calls a model: the tool streams a second model and
    forwards each token with `get_stream_writer()`, in a hand-built tool loop `astream`ed
    with `stream_mode=["custom", "messages", "updates"]`: every part in order (the
    inner model's tokens heard as messages from the tools node too)."""
    writer_model = run.make()

    @tool
    async def write_poem(topic: str) -> str:
        """Write a poem about a topic."""
        write = lg_config.get_stream_writer()
        reply = None
        async for chunk in writer_model.astream(f"Say hello to {topic} in a poem"):
            write({"poem_token": text_of(chunk.content)})
            reply = chunk if reply is None else reply + chunk
        return text_of(reply.content) if reply is not None else ""

    def model_node(bound: Any) -> Any:
        async def call_model(state: Any) -> dict[str, Any]:
            return {"messages": [await bound.ainvoke(state["messages"])]}

        return call_model

    app = _loop_graph(run.make(), [write_poem], node=model_node).compile()

    async def body() -> Any:
        out = []
        async for mode, piece in app.astream(
            ask("Please write a poem about the sea."),
            STEPS,
            stream_mode=["custom", "messages", "updates"],
        ):
            out.append((mode, token(*piece) if mode == "messages" else observe(piece)))
        return out

    return arun(body)


def every_mode_v2(run: Run) -> Any:
    """A node streaming the model and writing progress with the `Runtime`'s stream
    writer, streamed with every mode at once (`values`, `updates`, `messages`,
    `custom`, `tasks`, `checkpoints`) as `version="v2"` parts: each part's type,
    namespace and data, in order."""
    model = run.make()

    def call_model(state: Any, runtime: lg_runtime.Runtime[None]) -> dict[str, Any]:
        runtime.stream_writer({"status": "calling the model"})
        reply = None
        for chunk in model.stream(state["messages"]):
            reply = chunk if reply is None else reply + chunk
        runtime.stream_writer({"status": "done"})
        return {"messages": [reply]}

    graph = graph_module.StateGraph(graph_module.MessagesState)
    graph.add_node("model", call_model)
    graph.add_edge(START, "model")
    app = graph.compile(checkpointer=memory.InMemorySaver())
    modes = ["values", "updates", "messages", "custom", "tasks", "checkpoints"]
    out = []
    for part in app.stream(ask(HELLO), THREAD, stream_mode=modes, version="v2"):
        data = part["data"]
        if part["type"] == "messages":
            data = token(*data)
        elif part["type"] == "checkpoints":
            data = {
                "next": data["next"],
                "values": data["values"],
                "step": data["metadata"]["step"],
            }
        out.append({"type": part["type"], "ns": _where(part["ns"]), "data": masked(observe(data))})
    return out


def functional_streamed_async(run: Run) -> Any:
    """An async `@entrypoint` of two model `@task`s (a draft, then its review), the
    entrypoint writing progress, `astream`ed with `stream_mode=["updates", "messages",
    "custom"]`: every part in order, then `ainvoke`d: the result."""
    model = run.make()

    @lg_func.task
    async def draft(topic: str) -> Any:
        return await model.ainvoke(f"Say hello to {topic}")

    @lg_func.task
    async def review(text: str) -> Any:
        return await model.ainvoke(f"Say hello to the reviewer of: {text}")

    @lg_func.entrypoint()
    async def workflow(topic: str) -> dict[str, Any]:
        write = lg_config.get_stream_writer()
        first = await draft(topic)
        write({"drafted": text_of(first.content)})
        second = await review(text_of(first.content))
        return {"draft": first, "review": second}

    async def body() -> Any:
        parts = []
        async for mode, piece in workflow.astream(
            "my friend", STEPS, stream_mode=["updates", "messages", "custom"]
        ):
            parts.append((mode, token(*piece) if mode == "messages" else observe(piece)))
        return {"parts": parts, "result": await workflow.ainvoke("Bo", STEPS)}

    return arun(body)


def _tagged_graph(run: Run) -> Any:
    """The streaming guide's graph of two models told apart by tags: a joke model
    tagged "joke" and a poem model tagged "poem" (named "poet"), each in its own node."""
    joke_model = run.make().with_config(tags=["joke"])
    poem_model = run.make().with_config(tags=["poem"], run_name="poet")

    async def write_joke(state: Any) -> dict[str, Any]:
        return {"messages": [await joke_model.ainvoke("Say hello to a clown")]}

    async def write_poem(state: Any) -> dict[str, Any]:
        return {"messages": [await poem_model.ainvoke("Say hello to a bard")]}

    graph = graph_module.StateGraph(graph_module.MessagesState)
    graph.add_node("write_joke", write_joke)
    graph.add_node("write_poem", write_poem)
    graph.add_edge(START, "write_joke")
    graph.add_edge("write_joke", "write_poem")
    return graph.compile()


def messages_filtered(run: Run) -> Any:
    """The streaming guide's filters, async: the tokens whose `metadata["tags"] ==
    ["joke"]`, those whose `metadata["langgraph_node"]` is "write_poem", and the
    tags each token carried."""
    app = _tagged_graph(run)

    async def body() -> Any:
        joke, poem, tags = [], [], []
        async for chunk, metadata in app.astream(ask(HELLO), STEPS, stream_mode="messages"):
            tags.append(metadata["tags"])
            if metadata["tags"] == ["joke"]:
                joke.append(text_of(chunk.content))
            if metadata["langgraph_node"] == "write_poem":
                poem.append(token(chunk, metadata))
        return {"joke": joke, "poem": poem, "tags": tags}

    return arun(body)


def events_filtered_in_graph(run: Run) -> Any:
    """`astream_events(version="v2")` over the tagged graph, filtered three ways
    (`include_tags=["joke"]`, `include_names=["poet"]`, and chat-model events with
    `exclude_tags=["joke"]`): each event's kind, name, tags and node, its piece's
    text."""
    app = _tagged_graph(run)
    filters: dict[str, dict[str, Any]] = {
        "tags": {"include_tags": ["joke"]},
        "names": {"include_names": ["poet"]},
        "exclude": {"include_types": ["chat_model"], "exclude_tags": ["joke"]},
    }

    async def body() -> Any:
        out: dict[str, Any] = {}
        for name, how in filters.items():
            seen = []
            async for event in app.astream_events(ask(HELLO), STEPS, version="v2", **how):
                chunk = event["data"].get("chunk")
                seen.append(
                    {
                        "event": event["event"],
                        "name": event["name"],
                        "tags": sorted(event.get("tags", ())),
                        "node": event.get("metadata", {}).get("langgraph_node"),
                        "text": text_of(chunk.content) if hasattr(chunk, "content") else None,
                        "output": observe(event["data"].get("output"))
                        if event["event"] == "on_chat_model_end"
                        else None,
                    }
                )
            out[name] = seen
        return out

    return arun(body)


# ---- state -----------------------------------------------------------------------------------


@dataclass
class ContextSchema:
    """The run's context, as the Graph API guide's "runtime configuration" writes it."""

    model_name: str = "default"
    system_message: str | None = None


def context_picks_model(run: Run) -> Any:
    """The Graph API guide's runtime configuration: a node choosing its model (the
    wire's default, or one at temperature 0.9) and a system prompt from
    `Runtime[ContextSchema]`; then an `init_chat_model` with
    `configurable_fields=("temperature", "max_tokens")` in a node, set per run through
    `config["configurable"]`: the replies and what each request carried."""
    models = {"default": run.make(), "warm": run.make(temperature=0.9)}

    def call_model(state: Any, runtime: lg_runtime.Runtime[ContextSchema]) -> dict[str, Any]:
        model = models[runtime.context.model_name]
        said = state["messages"]
        if runtime.context.system_message:
            said = [SystemMessage(runtime.context.system_message), *said]
        return {"messages": [model.invoke(said)]}

    graph = graph_module.StateGraph(graph_module.MessagesState, context_schema=ContextSchema)
    graph.add_node("model", call_model)
    graph.add_edge(START, "model")
    app = graph.compile()
    configurable = _init_chat_model(run, configurable_fields=("temperature", "max_tokens"))
    chosen = _model_node_graph(configurable).compile()
    with _requests(run) as seen:
        replies = [
            app.invoke(ask(HELLO), STEPS, context=ContextSchema())["messages"][-1],
            app.invoke(
                ask(HELLO),
                STEPS,
                context=ContextSchema(model_name="warm", system_message="Be brief."),
            )["messages"][-1],
            chosen.invoke(
                ask(HELLO),
                {**STEPS, "configurable": {"temperature": 0.2, "max_tokens": 50}},
            )["messages"][-1],
        ]
    return {"replies": replies, "sent": _sent(seen, "temperature", "max", "system")}


class SummaryState(graph_module.MessagesState):
    summary: NotRequired[str]


def chunks_merged_then_summarized(run: Run) -> Any:
    """A node returning the streamed chunks themselves (`add_messages` turns them into
    messages and merges those of one id), two turns on a thread; then the short-term
    memory guide's summarizing node: the model summarizes the conversation and every
    message but the last two is removed by id (`RemoveMessage`). The state after each
    step."""
    model = run.make()

    def chat(state: SummaryState) -> dict[str, Any]:
        return {"messages": list(model.stream(state["messages"]))}

    def summarize(state: SummaryState) -> dict[str, Any]:
        asked = [*state["messages"], HumanMessage("Create a summary of the conversation above:")]
        reply = model.invoke(asked)
        removed = [RemoveMessage(id=m.id) for m in state["messages"][:-2]]
        return {"summary": text_of(reply.content), "messages": removed}

    def enough(state: SummaryState) -> str:
        return "summarize" if len(state["messages"]) > 3 else END

    graph = graph_module.StateGraph(SummaryState)
    graph.add_node("chat", chat)
    graph.add_node("summarize", summarize)
    graph.add_edge(START, "chat")
    graph.add_conditional_edges("chat", enough, ["summarize", END])
    graph.add_edge("summarize", END)
    app = graph.compile(checkpointer=memory.InMemorySaver())
    first = app.invoke(ask(HELLO), THREAD)
    second = app.invoke(ask("Say hello to Bo"), THREAD)
    return {"first": first, "second": second}


def review_edits_call(run: Run) -> Any:
    """The interrupts guide's tool-call review: after the model calls a tool, a review
    node `interrupt()`s with the call; the run is resumed with an edited argument and
    the node replaces the AI message (same id) with `Command(goto="tools",
    update=...)`: the interrupt, the resumed stream of updates, the thread's state."""
    bound = run.make().bind_tools([get_weather])

    def call_model(state: Any) -> dict[str, Any]:
        return {"messages": [bound.invoke(state["messages"])]}

    def route(state: Any) -> str:
        return "review" if state["messages"][-1].tool_calls else END

    def review(state: Any) -> Any:
        last = state["messages"][-1]
        call = last.tool_calls[-1]
        decision = lg_types.interrupt({"question": "Is this correct?", "tool_call": call})
        if decision["action"] == "continue":
            return lg_types.Command(goto="tools")
        edited = {"id": last.id, "role": "ai", "content": last.content}
        edited["tool_calls"] = [{**call, "args": {**call["args"], **decision["data"]}}]
        return lg_types.Command(goto="tools", update={"messages": [edited]})

    graph = graph_module.StateGraph(graph_module.MessagesState)
    graph.add_node("model", call_model)
    graph.add_node("review", review, destinations=("tools",))
    graph.add_node("tools", prebuilt.ToolNode([get_weather]))
    graph.add_edge(START, "model")
    graph.add_conditional_edges("model", route, ["review", END])
    graph.add_edge("tools", "model")
    app = graph.compile(checkpointer=memory.InMemorySaver())
    first = list(app.stream(ask(TURNS[0]), THREAD, stream_mode="updates"))
    resume = lg_types.Command(resume={"action": "update", "data": {"location": "Rome"}})
    resumed = list(app.stream(resume, THREAD, stream_mode="updates"))
    state = app.get_state(THREAD)
    return {
        "first": _plain(first),
        "resumed": _plain(resumed),
        "state": state.values["messages"],
        "same_id": state.values["messages"][1].id == first[0]["model"]["messages"][0].id,
    }


class PydanticState(BaseModel):
    """The Graph API guide's pydantic state: messages under `add_messages`, and a field
    the node sets from the reply."""

    messages: Annotated[list[AnyMessage], graph_module.add_messages]
    words: int = 0


def pydantic_state(run: Run) -> Any:
    """A graph whose state is a pydantic model (the replies validated into its
    `list[AnyMessage]`), two turns on a thread, the second streamed with
    `stream_mode=["values", "messages"]`: every value and piece, and the stored state."""
    model = run.make()

    def call_model(state: PydanticState) -> dict[str, Any]:
        reply = model.invoke(state.messages)
        return {"messages": [reply], "words": len(text_of(reply.content).split())}

    graph = graph_module.StateGraph(PydanticState)
    graph.add_node("model", call_model)
    graph.add_edge(START, "model")
    app = graph.compile(checkpointer=memory.InMemorySaver())
    first = app.invoke(ask(HELLO), THREAD)
    second = [
        (mode, token(*piece) if mode == "messages" else piece)
        for mode, piece in app.stream(
            ask("Say hello to Bo"), THREAD, stream_mode=["values", "messages"]
        )
    ]
    return {"first": first, "second": second, "state": app.get_state(THREAD).values}


class ChildState(TypedDict):
    question: str
    answer: NotRequired[Any]


def subgraph_state_viewed(run: Run) -> Any:
    """The subgraphs guide: a subgraph with its own state (its node calls the model,
    then asks a person with `interrupt()`), called from a parent node that maps the
    state in and out, on a checkpointer. The parent's state with
    `get_state(subgraphs=True)` (the subgraph's own state under its task), then the
    resumed run streamed with `subgraphs=True` and `stream_mode=["messages",
    "updates"]`."""
    model = run.make()

    def answer(state: ChildState) -> dict[str, Any]:
        return {"answer": model.invoke(state["question"])}

    def confirm(state: ChildState) -> dict[str, Any]:
        verdict = lg_types.interrupt({"answer": text_of(state["answer"].content)})
        return {"question": f"{state['question']} ({verdict})"}

    child = graph_module.StateGraph(ChildState)
    child.add_node("answer", answer)
    child.add_node("confirm", confirm)
    child.add_edge(START, "answer")
    child.add_edge("answer", "confirm")
    subgraph = child.compile(checkpointer=True)

    def call_child(state: Any) -> dict[str, Any]:
        done = subgraph.invoke({"question": text_of(state["messages"][-1].content)})
        return {"messages": [done["answer"]]}

    parent = graph_module.StateGraph(graph_module.MessagesState)
    parent.add_node("child", call_child)
    parent.add_edge(START, "child")
    app = parent.compile(checkpointer=memory.InMemorySaver())
    first = app.invoke(ask(HELLO), THREAD)
    state = app.get_state(THREAD, subgraphs=True)
    inner = state.tasks[0].state
    resumed = [
        (_where(ns), mode, token(*piece) if mode == "messages" else masked(observe(piece)))
        for ns, mode, piece in app.stream(
            lg_types.Command(resume="yes"),
            THREAD,
            subgraphs=True,
            stream_mode=["messages", "updates"],
        )
    ]
    return {
        "interrupts": [i.value for i in first.get("__interrupt__", ())],
        "parent": _snapshot(state),
        "inner": _snapshot(inner),
        "resumed": resumed,
        "final": app.get_state(THREAD).values,
    }


SCENARIOS = {
    "time_travel_replay": time_travel_replay,
    "time_travel_fork_async": time_travel_fork_async,
    "time_travel_tool_loop": time_travel_tool_loop,
    "retry_on_partner_error": retry_on_partner_error,
    "cached_node_streamed": cached_node_streamed,
    "durable_task_resumed": durable_task_resumed,
    "tool_forwards_tokens": tool_forwards_tokens,
    "every_mode_v2": every_mode_v2,
    "functional_streamed_async": functional_streamed_async,
    "messages_filtered": messages_filtered,
    "events_filtered_in_graph": events_filtered_in_graph,
    "context_picks_model": context_picks_model,
    "chunks_merged_then_summarized": chunks_merged_then_summarized,
    "review_edits_call": review_edits_call,
    "subgraph_state_viewed": subgraph_state_viewed,
    "pydantic_state": pydantic_state,
}


#: Kept differences of this family (`_cells.judge` reads them beside `DIFFERENCES`).
HOWTO_DIFFERENCES: dict[tuple[str, str], Difference] = {
    ("tool_forwards_tokens", "mistralai"): Difference(
        "loses data",
        "langchain-mistralai gives each streamed tool-call piece after the first a new "
        "random id (see `_cells.DIFFERENCES[('agent_stream_messages', 'mistralai')]`): the "
        "model node's reply has its one call split apart, the tool runs without its "
        "arguments and fails, so no token is forwarded; chatplex keeps the call whole and "
        "the tool streams the poem",
        _stream_call_split,
    ),
}


test_langgraph_howto = family_test(SCENARIOS, SCRIPT_WIRES, differences=HOWTO_DIFFERENCES)
