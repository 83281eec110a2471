"""A further set of LangChain v1 agent scripts over middleware (issue 47), of the kind a
hidden suite runs (a script whose import line alone changed), on the wires a script most
often imports: the partner package's class and chatplex's, compared (`_kit.py`), with what
reached the server.

- Prompts and models chosen per request: an async `@dynamic_prompt` giving a
  SystemMessage of blocks from the run's context; a `@wrap_model_call` choosing, by the
  context, another model of the same wire or a bound one (`request.override(model=...)`).
- Hooks that steer the run: `@before_model(can_jump_to=["end"])` ending it before any
  call, `@after_model(can_jump_to=["model"])` sending the model back once; async
  `@before_agent` / `@after_agent` over two turns of a thread, streamed as updates.
- The built-ins that read the model: `SummarizationMiddleware` triggered by tokens (the
  model's usage scales the count) and by a fraction of its profile's context, keeping
  tokens; `ContextEditingMiddleware(token_count_method="model")` (the model's own
  count); `ModelCallLimitMiddleware(run_limit=1)` async and streamed over two turns.
- The built-ins around tools: `TodoListMiddleware` with the model writing todos,
  `PIIMiddleware` hashing a tool's result and blocking an input, `ToolRetryMiddleware`
  giving up (the error sent back; async, raised).
- The provider packages' middleware, which check the model's class:
  langchain-anthropic's `AnthropicPromptCachingMiddleware` (the `cache_control` marks
  sent; elsewhere its warning) and `StateTextEditorToolMiddleware` (its native tool),
  langchain-aws's `BedrockPromptCachingMiddleware`, langchain-fireworks'
  `FireworksPromptCachingMiddleware` (its session affinity); and `create_agent`'s own
  class check, `strict` tools beside a `ProviderStrategy` on langchain-openai's models.
"""

from __future__ import annotations

import json
import tempfile
import warnings
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from langchain_core import messages
from langchain_core.tools import tool

from chatplex.testing import MockRequest
from chatplex.testing import MockScript
from chatplex.testing import ScriptRule
from tests._tiktoken import offline_tiktoken

from ._cells import Difference
from ._cells import _ran_without_arguments
from ._cells import assert_rows_name_cells
from ._cells import cells
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
from ._kit import masked
from ._kit import observe
from ._kit import outcome_of
from ._kit import scripted
from ._kit import text_of
from .test_chain_scripts import OTHER_MODEL
from .test_model_api import _requests
from .test_scripts import SCRIPT_WIRES
from .test_scripts import Forecast

agents = pytest.importorskip("langchain.agents")
middleware = pytest.importorskip("langchain.agents.middleware")
structured = pytest.importorskip("langchain.agents.structured_output")
memory = pytest.importorskip("langgraph.checkpoint.memory")

pytestmark = pytest.mark.xdist_group("agents_matrix_middleware_scripts")

#: The arguments of the todos the scripted model writes.
TODOS = [
    {"content": "Check the weather", "status": "in_progress"},
    {"content": "Pack an umbrella", "status": "pending"},
]

#: The file the scripted model writes with Anthropic's text editor tool.
NOTE = {"command": "create", "path": "/notes/trip.md", "file_text": "Paris: sunny"}

#: The matrix's script, with the calls this family's tools and middleware need.
MIDDLEWARE_SCRIPT = MockScript(
    rules=[
        ScriptRule(user_text=r"plan my day", call="write_todos", args={"todos": TODOS}),
        call_on(r"contact for (?P<name>[^?.]+)", "lookup_contact", {"name": r"\g<name>"}),
        ScriptRule(user_text=r"note the trip", call="str_replace_based_edit_tool", args=NOTE),
        *SCRIPT.rules,
    ]
)


_middleware_script = scripted(MIDDLEWARE_SCRIPT)


def _marked(body: dict[str, Any], keys: frozenset[str]) -> list[str]:
    """The paths in a request body where one of `keys` is set, with its value, sorted
    (the order of a JSON object's members says nothing): where a body marks a cache
    point or a strict tool."""
    return sorted(_found(body, keys))


def _found(value: Any, keys: frozenset[str], path: str = "") -> list[str]:
    out: list[str] = []
    if isinstance(value, dict):
        for key, inner in value.items():
            if key in keys:
                out.append(f"{path}.{key}={json.dumps(inner, sort_keys=True)}")
            out += _found(inner, keys, f"{path}.{key}")
    elif isinstance(value, list):
        for i, inner in enumerate(value):
            out += _found(inner, keys, f"{path}[{i}]")
    return out


def _system_sent(body: dict[str, Any]) -> Any:
    """The system prompt a request carried, in its wire's own form."""
    for key in ("system", "systemInstruction", "system_instruction"):
        if key in body:
            return body[key]
    turns = body.get("messages") or []
    return [m for m in turns if isinstance(m, dict) and m.get("role") in ("system", "developer")]


def _warned(caught: list[warnings.WarningMessage]) -> list[str]:
    """The warnings a run gave that a middleware gave: category and first words (the
    model's class name, which a script prints, after them)."""
    return sorted(
        f"{w.category.__name__}: {str(w.message).split(' not ')[0]}"
        for w in caught
        if "middleware" in str(w.message).lower()
    )


@contextmanager
def _warnings_seen() -> Iterator[list[warnings.WarningMessage]]:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield caught


# ---- prompts and models chosen per request ----------------------------------------------------


@dataclass
class Caller:
    """The run's context: who asks, and which model tier they get."""

    user_name: str
    tier: str = "default"


def dynamic_prompt_blocks_async(run: Run) -> Any:
    """An async `@dynamic_prompt` giving a SystemMessage of two text blocks built from the
    run's context, over an async agent: the replies and the system prompt each request
    carried."""

    @middleware.dynamic_prompt
    async def prompt(request: Any) -> messages.SystemMessage:
        name = request.runtime.context.user_name
        return messages.SystemMessage(
            content=[
                {"type": "text", "text": "You are a weather bot."},
                {"type": "text", "text": f"The user is {name}."},
            ]
        )

    async def body() -> Any:
        agent = agents.create_agent(
            run.make(), tools=[get_weather], context_schema=Caller, middleware=[prompt]
        )
        with _requests(run) as seen:
            state = await agent.ainvoke(ask(TURNS[0]), STEPS, context=Caller("Ada"))
        return {"messages": state["messages"], "system": [_system_sent(b) for b in seen]}

    return arun(body)


def model_by_context(run: Run) -> Any:
    """A `@wrap_model_call` choosing the model by the run's context: another model of the
    same wire, a bound one (`.bind(stop=[...])`), or the agent's own: the replies and the
    model, temperature and stop words each request carried."""
    wire = run.wire.name
    others = {
        "other": run.make(model=OTHER_MODEL[wire], temperature=0.2),
        "bound": run.make(temperature=0.7).bind(stop=["END"]),
    }

    @middleware.wrap_model_call
    def choose(request: Any, handler: Any) -> Any:
        chosen = others.get(request.runtime.context.tier)
        return handler(request if chosen is None else request.override(model=chosen))

    agent = agents.create_agent(
        run.make(), tools=[get_weather], context_schema=Caller, middleware=[choose]
    )
    out = {}
    for tier in ("other", "bound", "default"):
        context = Caller("Ada", tier)
        with _requests(run) as seen:
            state = outcome_of(lambda: agent.invoke(ask(TURNS[0]), STEPS, context=context))  # noqa: B023
        out[tier] = {
            "messages": state["messages"] if isinstance(state, dict) else state,
            "sent": [_picked(b) for b in seen],
        }
    return out


#: The request members naming the model, its temperature and its stop words, per wire.
_PICKED = frozenset({"model", "temperature", "stop", "stopSequences", "stop_sequences"})


def _picked(body: dict[str, Any]) -> dict[str, Any]:
    """The model, temperature and stop words a body carried (at its top or one level
    down: Gemini's generationConfig, Converse's inferenceConfig, Ollama's options)."""
    found: dict[str, Any] = {}
    for key, value in body.items():
        inner = value.items() if isinstance(value, dict) else ()
        for name, held in [(key, value), *inner]:
            # A field sent as null is one not sent (as tests/partners/ read requests).
            if held is not None and name in _PICKED:
                found[name] = held
    return found


# ---- hooks that steer the run -------------------------------------------------------------------


def jump_hooks(run: Run) -> Any:
    """`@before_model(can_jump_to=["end"])` ends a run that asks about a forbidden topic
    before any call; `@after_model(can_jump_to=["model"])` sends the model back once,
    with a nudge, after its final answer: the messages and how many requests each made."""
    nudged: list[int] = []

    @middleware.before_model(can_jump_to=["end"])
    def guard(state: Any, runtime: Any) -> dict[str, Any] | None:
        if "forbidden" in text_of(state["messages"][-1].content):
            return {"messages": [messages.AIMessage("I cannot help with that.")], "jump_to": "end"}
        return None

    @middleware.after_model(can_jump_to=["model"])
    def once_more(state: Any, runtime: Any) -> dict[str, Any] | None:
        if state["messages"][-1].tool_calls or nudged:
            return None
        nudged.append(len(state["messages"]))
        return {"messages": [messages.HumanMessage("Say it once more.")], "jump_to": "model"}

    agent = agents.create_agent(run.make(), tools=[get_weather], middleware=[guard, once_more])
    out = {}
    for name, prompt in (("ended", "Tell me the forbidden secret."), ("nudged", TURNS[0])):
        with _requests(run) as seen:
            out[name] = {
                "messages": agent.invoke(ask(prompt), STEPS)["messages"],
                "calls": len(seen),
            }
    return {**out, "nudged_at": nudged}


def agent_hooks_streamed(run: Run) -> Any:
    """Async `@before_agent` (a note added to the state once per run) and `@after_agent`
    (the run's message count), over two turns of a checkpointed thread streamed with
    `stream_mode="updates"`: each update's node and the messages it wrote."""
    ends: list[int] = []

    @middleware.before_agent
    async def note(state: Any, runtime: Any) -> dict[str, Any]:
        return {"messages": [messages.HumanMessage(f"(turn of {len(state['messages'])})")]}

    @middleware.after_agent
    async def count(state: Any, runtime: Any) -> None:
        ends.append(len(state["messages"]))

    async def body() -> Any:
        agent = agents.create_agent(
            run.make(),
            tools=[get_weather],
            middleware=[note, count],
            checkpointer=memory.InMemorySaver(),
        )
        updates = []
        for said in TURNS:
            async for update in agent.astream(ask(said), THREAD, stream_mode="updates"):
                for node, written in update.items():
                    updates.append({"node": node, "wrote": observe(written)})
        return {"updates": updates, "ends": ends}

    return arun(body)


# ---- the built-ins that read the model ---------------------------------------------------------


def summarized_by_tokens(run: Run) -> Any:
    """`SummarizationMiddleware` triggered by tokens (the count scaled by the replies'
    usage) keeping two messages, and triggered by a fraction of the model's profile
    (its `max_input_tokens`) keeping tokens, each over two turns of a thread: the
    second turn's messages (or the error where the model has no profile)."""

    def two_turns(trigger: Any, keep: Any) -> Any:
        summarize = middleware.SummarizationMiddleware(model=run.make(), trigger=trigger, keep=keep)
        agent = agents.create_agent(
            run.make(),
            tools=[get_weather],
            middleware=[summarize],
            checkpointer=memory.InMemorySaver(),
        )
        agent.invoke(ask(TURNS[0]), THREAD)
        return agent.invoke(ask(TURNS[1]), THREAD)["messages"]

    return {
        "tokens": outcome_of(lambda: two_turns(("tokens", 60), ("messages", 2))),
        "fraction": outcome_of(lambda: two_turns(("fraction", 0.0004), ("tokens", 40))),
    }


def context_edited_by_model_count(run: Run) -> Any:
    """`ContextEditingMiddleware(..., token_count_method="model")`: old tool results
    cleared when the model's own count (`get_num_tokens_from_messages`, tiktoken offline)
    passes the trigger, over two turns: the messages, and the tool results each request
    of the second turn carried."""
    edit = middleware.ClearToolUsesEdit(trigger=40, keep=0, placeholder="[cleared]")
    agent = agents.create_agent(
        run.make(),
        tools=[get_weather],
        middleware=[middleware.ContextEditingMiddleware(edits=[edit], token_count_method="model")],
        checkpointer=memory.InMemorySaver(),
    )

    def two_turns() -> Any:
        agent.invoke(ask(TURNS[0]), THREAD)
        with _requests(run) as seen:
            said = agent.invoke(ask(TURNS[1]), THREAD)["messages"]
        return {"messages": said, "cleared": ["[cleared]" in json.dumps(b) for b in seen]}

    with (
        tempfile.TemporaryDirectory() as cache,
        offline_tiktoken(Path(cache)),
        warnings.catch_warnings(),  # LangChain's GPT-2 fallback warns: not compared
    ):
        warnings.simplefilter("ignore")
        return outcome_of(two_turns)


def run_limit_streamed_async(run: Run) -> Any:
    """`ModelCallLimitMiddleware(run_limit=1, exit_behavior="end")` over two turns of a
    thread, streamed async with `stream_mode="messages"`: the limit counts per run, so
    each turn makes one call and ends at its tool call; the text streamed and the state."""

    async def body() -> Any:
        limit = middleware.ModelCallLimitMiddleware(run_limit=1, exit_behavior="end")
        agent = agents.create_agent(
            run.make(), tools=[get_weather], middleware=[limit], checkpointer=memory.InMemorySaver()
        )
        streamed = []
        for said in TURNS:
            pieces = [
                (meta["langgraph_node"], text_of(piece.content), type(piece).__name__)
                async for piece, meta in agent.astream(ask(said), THREAD, stream_mode="messages")
            ]
            streamed.append(pieces)
        state = await agent.aget_state(THREAD)
        return {"streamed": streamed, "messages": state.values["messages"]}

    return arun(body)


# ---- the built-ins around tools -----------------------------------------------------------------


def todos_written(run: Run) -> Any:
    """`TodoListMiddleware` with the model calling `write_todos` (a list of objects as its
    argument): the state's todos, the messages, and the tools each request offered."""
    agent = agents.create_agent(
        run.make(), tools=[get_weather], middleware=[middleware.TodoListMiddleware()]
    )
    with _requests(run) as seen:
        state = agent.invoke(ask("Please plan my day."), STEPS)
    offered = [sorted(p.rsplit("=", 1)[1] for p in _found(b, frozenset({"name"}))) for b in seen]
    return {"todos": state.get("todos"), "messages": state["messages"], "offered": offered}


@tool
def lookup_contact(name: str) -> str:
    """A person's email address."""
    return f"{name.strip().lower()}@example.com"


def pii_guarded(run: Run) -> Any:
    """`PIIMiddleware("email", strategy="hash", apply_to_tool_results=True)` over a tool
    that returns an email, and `PIIMiddleware("credit_card", strategy="block")` on the
    input: the hashed result as the server got it, then the blocked ask (its error)."""
    agent = agents.create_agent(
        run.make(),
        tools=[lookup_contact],
        middleware=[
            middleware.PIIMiddleware(
                "email", strategy="hash", apply_to_input=False, apply_to_tool_results=True
            ),
            middleware.PIIMiddleware("credit_card", strategy="block", apply_to_input=True),
        ],
    )
    with _requests(run) as seen:
        found = agent.invoke(ask("What is the contact for Jo?"), STEPS)["messages"]
    blocked = outcome_of(lambda: agent.invoke(ask("My card is 4111 1111 1111 1111."), STEPS))
    return {
        "messages": found,
        "hash_sent": ["<email_hash:" in json.dumps(b) for b in seen],
        "email_sent": ["jo@example.com" in json.dumps(b) for b in seen],
        "blocked": blocked,
    }


@tool("get_weather")
def offline_weather(location: str) -> str:
    """The weather at a location."""
    raise ConnectionError(f"station offline in {location}")


def tool_retry_exhausted(run: Run) -> Any:
    """`ToolRetryMiddleware` over a tool that always fails: with `on_failure="continue"`
    the error goes back to the model (the last message of the request as sent, in the
    wire's form); async with `on_failure="error"` the run raises."""

    def retry(on_failure: str) -> Any:
        return middleware.ToolRetryMiddleware(
            max_retries=1, initial_delay=0, jitter=False, on_failure=on_failure
        )

    agent = agents.create_agent(run.make(), tools=[offline_weather], middleware=[retry("continue")])
    with _requests(run) as seen:
        said = agent.invoke(ask(TURNS[0]), STEPS)["messages"]
    last_sent = [_last_turn(b) for b in seen]

    async def body() -> Any:
        raising = agents.create_agent(
            run.make(), tools=[offline_weather], middleware=[retry("error")]
        )
        return await raising.ainvoke(ask(TURNS[0]), STEPS)

    return {"messages": said, "last_sent": last_sent, "raised": outcome_of(lambda: arun(body))}


def _last_turn(body: dict[str, Any]) -> Any:
    """A request's last turn, in its wire's form, ids masked."""
    turns = body.get("messages") or body.get("contents") or []
    return masked(turns[-1] if turns else None)


# ---- the provider packages' middleware ----------------------------------------------------------

#: The members of a request body that mark a prompt-cache point.
_CACHE_MARKS = frozenset({"cache_control", "cachePoint"})


def anthropic_caching(run: Run) -> Any:
    """langchain-anthropic's `AnthropicPromptCachingMiddleware(ttl="1h",
    min_messages_to_cache=3)` over two turns of a thread with a system prompt: where each
    request marked a cache point (the system block, the last tool, the call's
    `cache_control`; none on the first call, below the minimum), and the warning other
    models get."""
    caching = pytest.importorskip("langchain_anthropic.middleware")
    cache = caching.AnthropicPromptCachingMiddleware(ttl="1h", min_messages_to_cache=3)
    agent = agents.create_agent(
        run.make(),
        tools=[get_weather],
        system_prompt="You are a weather bot.",
        middleware=[cache],
        checkpointer=memory.InMemorySaver(),
    )
    with _warnings_seen() as caught, _requests(run) as seen:
        agent.invoke(ask(TURNS[0]), THREAD)
        said = agent.invoke(ask(TURNS[1]), THREAD)["messages"]
    return {
        "messages": said,
        "marked": [_marked(b, _CACHE_MARKS) for b in seen],
        "warned": _warned(caught),
    }


def bedrock_caching(run: Run) -> Any:
    """langchain-aws's `BedrockPromptCachingMiddleware()` on an agent: where each request
    marked a cache point (Converse's `cachePoint` blocks, InvokeModel's `cache_control`),
    and the warning other models get."""
    caching = pytest.importorskip("langchain_aws.middleware")
    agent = agents.create_agent(
        run.make(),
        tools=[get_weather],
        system_prompt="You are a weather bot.",
        middleware=[caching.BedrockPromptCachingMiddleware()],
    )
    with _warnings_seen() as caught, _requests(run) as seen:
        said = agent.invoke(ask(TURNS[0]), STEPS)["messages"]
    return {
        "messages": said,
        "marked": [_marked(b, _CACHE_MARKS) for b in seen],
        "warned": _warned(caught),
    }


def fireworks_affinity(run: Run) -> Any:
    """langchain-fireworks' `FireworksPromptCachingMiddleware()` on an agent over a thread:
    the session affinity each request carried (its `x-session-affinity` header and
    `prompt_cache_key`), and the warning other models get."""
    caching = pytest.importorskip("langchain_fireworks.middleware")
    agent = agents.create_agent(
        run.make(),
        tools=[get_weather],
        middleware=[caching.FireworksPromptCachingMiddleware()],
        checkpointer=memory.InMemorySaver(),
    )
    affinity: list[Any] = []

    def plan(request: MockRequest) -> None:
        body = request.json or {}
        header = request.headers.get("x-session-affinity")
        affinity.append({"header": header, "key": body.get("prompt_cache_key")})

    with _warnings_seen() as caught:
        run.server.settings.fault_plan = plan
        try:
            said = agent.invoke(ask(TURNS[0]), THREAD)["messages"]
        finally:
            run.server.settings.fault_plan = None
    return {"messages": said, "affinity": affinity, "warned": _warned(caught)}


def anthropic_text_editor(run: Run) -> Any:
    """langchain-anthropic's `StateTextEditorToolMiddleware`: its native tool
    (`text_editor_20250728`) offered in place of the function tool, the model's call run
    against the state's files: the tools each request offered, the files, the messages."""
    tools_mw = pytest.importorskip("langchain_anthropic.middleware")
    agent = agents.create_agent(
        run.make(), tools=[get_weather], middleware=[tools_mw.StateTextEditorToolMiddleware()]
    )
    with _requests(run) as seen:
        state = agent.invoke(ask("Please note the trip."), STEPS)
    return {
        "tools": [b.get("tools") for b in seen],
        "files": state.get("text_editor_files"),
        "messages": state["messages"],
    }


def provider_strategy_tools(run: Run) -> Any:
    """`create_agent(..., tools=[...], response_format=ProviderStrategy(Forecast))`: where
    each request marked a tool or schema `strict` (`create_agent` adds `strict=True`
    to the tools of langchain-openai's models), and the structured answer."""
    agent = agents.create_agent(
        run.make(), tools=[get_weather], response_format=structured.ProviderStrategy(Forecast)
    )
    with _requests(run) as seen:
        state = outcome_of(lambda: agent.invoke(ask(TURNS[0]), STEPS))
    answer = state.get("structured_response") if isinstance(state, dict) else state
    return {"strict": [_marked(b, frozenset({"strict"})) for b in seen], "answer": answer}


#: Scenario -> the wires it runs on (SCRIPT_WIRES unless named here).
ONLY: dict[str, tuple[str, ...]] = {
    "bedrock_caching": ("bedrock_converse", "bedrock", "anthropic"),
    "fireworks_affinity": ("fireworks", "openai"),
    "anthropic_text_editor": ("anthropic",),
}

SCENARIOS: dict[str, Callable[[Run], Any]] = {
    "dynamic_prompt_blocks_async": dynamic_prompt_blocks_async,
    "model_by_context": model_by_context,
    "jump_hooks": jump_hooks,
    "agent_hooks_streamed": agent_hooks_streamed,
    "summarized_by_tokens": summarized_by_tokens,
    "context_edited_by_model_count": context_edited_by_model_count,
    "run_limit_streamed_async": run_limit_streamed_async,
    "todos_written": todos_written,
    "pii_guarded": pii_guarded,
    "tool_retry_exhausted": tool_retry_exhausted,
    "anthropic_caching": anthropic_caching,
    "bedrock_caching": bedrock_caching,
    "fireworks_affinity": fireworks_affinity,
    "anthropic_text_editor": anthropic_text_editor,
    "provider_strategy_tools": provider_strategy_tools,
}


def _unnamed_tool_result_sent(outcome: Any) -> bool:
    """A tool result went back (as the last turn of a request) without a `tool_name`."""
    results = [t for t in outcome["last_sent"] if isinstance(t, dict) and t.get("role") == "tool"]
    return bool(results) and all("tool_name" not in t for t in results)


#: Kept differences of this family (`_cells.judge` reads them beside `DIFFERENCES`).
MIDDLEWARE_DIFFERENCES: dict[tuple[str, str], Difference] = {
    ("tool_retry_exhausted", "ollama"): Difference(
        "loses data",
        "langchain-ollama sends the failed tool's error result with only its "
        "tool_call_id, which Ollama ignores (see _cells.py's conversation_sent); "
        "chatplex names the tool (`tool_name`)",
        _unnamed_tool_result_sent,
    ),
    ("run_limit_streamed_async", "mistralai"): Difference(
        "loses data",
        "langchain-mistralai's streamed tool call splits apart (see _cells.py's "
        "agent_stream_messages): the agent runs get_weather with no arguments ('Error "
        "invoking tool 'get_weather' with kwargs {}'); chatplex keeps the call whole",
        _ran_without_arguments,
    ),
}


def _cells() -> list[Any]:
    return [
        cell
        for name in SCENARIOS
        for cell in cells(
            [name],
            ONLY.get(name, SCRIPT_WIRES),
            differences=MIDDLEWARE_DIFFERENCES,
        )
    ]


test_middleware_script = family_test(SCENARIOS, params=_cells(), differences=MIDDLEWARE_DIFFERENCES)


def test_every_row_names_a_cell_of_this_family() -> None:
    known = {(s, w) for s in SCENARIOS for w in ONLY.get(s, SCRIPT_WIRES)}
    assert_rows_name_cells(known, MIDDLEWARE_DIFFERENCES)
