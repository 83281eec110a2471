"""LangChain's newest agent middleware (issue 47) over the wires a script most often
imports: the partner package's class and chatplex's, compared (`_kit.py`), with what
reached the server and what each middleware decided.

- `ModelRefusalMiddleware`: each wire's refusal (Chat Completions' `refusal`, the
  Responses API's refusal part, Anthropic's `stop_reason: "refusal"` with its
  `stop_details`, Gemini's `SAFETY` finish, Converse's `guardrail_intervened`, which no
  partner reads as one) raised as langchain-core's `ModelRefusalError` or not,
  invoked, streamed and async; Gemini's blocked prompt apart (a kept difference).
- `ProviderToolSearchMiddleware`: the provider it infers from the model (its
  `ls_provider`), the deferred tools and the search tool sent, its `ValueError` on
  wires without one; and the provider's search items in a reply, given back on the
  next turn (Anthropic's `server_tool_use` and result, the Responses API's
  `tool_search_call` and `tool_search_output`, as v1 blocks too), invoked and streamed.
- `ModelRouterMiddleware` / `ModelChoice` and `AutoModeMiddleware`, with a decision
  model of the script's own: the route taken and the model each request carried, the
  blocked call's result as the server got it.
- `ModelFallbackMiddleware` beside a provider's prompt caching: the cache marks it strips
  for a fallback by the models' `_llm_type`.
- `ToolErrorMiddleware`: a tool's error sent back as the handler words it, or raised.
- `InternalCallTransformer`: a middleware's own model call (tagged with
  `internal_call_metadata()`) kept out of `stream_events(version="v3")`'s messages.

The scripted replies the mock server does not make (refusals, tool search) come from
the side-by-side suites' scripted servers (tests/partners/), one per cell.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from langchain_core import messages
from langchain_core.decisions import BaseDecisionModel
from langchain_core.decisions import ClassifierResponse
from langchain_core.tools import tool
from pydantic import BaseModel

from tests.adapters._responses_fixtures import REFUSAL_ITEM
from tests.adapters._responses_fixtures import message_item
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import scripted_server
from tests.partners.anthropic.test_anthropic_sidebyside import streamed as anthropic_replies
from tests.partners.bedrock.test_bedrock_sidebyside import converse
from tests.partners.bedrock.test_bedrock_sidebyside import text as converse_text
from tests.partners.compatible.test_openai_refusal_sidebyside import refused as chat_refused
from tests.partners.google.test_google_sidebyside import gemini_replies
from tests.partners.responses.test_responses_sidebyside import Script
from tests.partners.responses.test_responses_sidebyside import answer as responses_replies

from ._cells import Difference
from ._cells import assert_rows_name_cells
from ._cells import cells
from ._cells import family_test
from ._kit import STEPS
from ._kit import THREAD
from ._kit import TURNS
from ._kit import WIRES
from ._kit import Raised
from ._kit import Run
from ._kit import arun
from ._kit import ask
from ._kit import get_weather
from ._kit import masked
from ._kit import observe
from ._kit import outcome_of
from ._kit import requests_seen
from .test_middleware_scripts import _CACHE_MARKS
from .test_middleware_scripts import _last_turn
from .test_middleware_scripts import _marked
from .test_middleware_scripts import offline_weather
from .test_model_api import _requests

agents = pytest.importorskip("langchain.agents")
structured = pytest.importorskip("langchain.agents.structured_output")
middleware = pytest.importorskip("langchain.agents.middleware")
memory = pytest.importorskip("langgraph.checkpoint.memory")
internal = pytest.importorskip("langchain.agents.middleware.internal_call_transformer")

pytestmark = pytest.mark.xdist_group("agents_matrix_newest_middleware_scripts")

#: The wires a script most often imports (Chat Completions and Responses for ChatOpenAI).
NEWEST_WIRES = ("openai", "responses", "anthropic", "gemini", "bedrock_converse")


@contextmanager
def _answered_by(
    run: Run, answer: Callable[[ScriptedServer], Callable[[Seen], Reply]]
) -> Iterator[tuple[Run, ScriptedServer]]:
    """The run pointed at a scripted server of its own, answering as `answer(server)`
    says (a handler that may read how many requests came before)."""
    with scripted_server() as server:
        server.handler = answer(server)
        yield dataclasses.replace(run, server=server), server  # make() reads its url alone


def _each_turn(*handlers: Callable[[Seen], Reply]) -> Callable[[ScriptedServer], Any]:
    """The n-th request answered by the n-th handler (the last one from there on)."""

    def answer(server: ScriptedServer) -> Callable[[Seen], Reply]:
        return lambda seen: handlers[min(len(server.seen), len(handlers)) - 1](seen)

    return answer


class Answer(BaseModel):
    """The answer a structured agent asks for."""

    text: str


# ---- ModelRefusalMiddleware --------------------------------------------------------------------

#: The words of a refusal, where a wire carries them.
REFUSED = "I can't help with that."

#: Anthropic's refusal, with the category and explanation of its `stop_details`.
_CLAUDE_REFUSAL = {"type": "refusal", "category": "cyber", "explanation": "Policy."}


def _claude_refusing(seen: Seen) -> Reply:
    """Claude stopping with `stop_reason: "refusal"`: its `stop_details` on the whole
    reply, and on a stream's message_delta, as the API sends them."""
    reply = anthropic_replies({"type": "text", "text": "I won't"}, stop="refusal")(seen)
    if (seen.body or {}).get("stream"):
        pieces = [
            p.replace(
                b'"stop_sequence": null}',
                b'"stop_sequence": null, "stop_details": '
                + json.dumps(_CLAUDE_REFUSAL).encode()
                + b"}",
            )
            if b"message_delta" in p
            else p
            for p in reply.pieces
        ]
        return dataclasses.replace(reply, pieces=pieces)
    whole = json.loads(b"".join(reply.pieces))
    return dataclasses.replace(
        reply, pieces=[json.dumps({**whole, "stop_details": _CLAUDE_REFUSAL}).encode()]
    )


#: Each wire's refusal.
REFUSING: dict[str, Callable[[Seen], Reply]] = {
    "openai": chat_refused,
    "responses": responses_replies(Script(output=[REFUSAL_ITEM])),
    "anthropic": _claude_refusing,
    "gemini": gemini_replies([], finish="SAFETY"),
    "bedrock_converse": converse(converse_text(REFUSED), stop="guardrail_intervened"),
}


def _refusal_of(call: Callable[[], Any]) -> Any:
    """What `call` returned, or raised: for a `ModelRefusalError`, its words and the
    refusal blocks of the message it carries."""
    try:
        return call()
    except Exception as exc:  # noqa: BLE001 - what was raised is the outcome
        raw = getattr(exc, "raw_message", None)
        blocks = [b for b in raw.content_blocks if b["type"] == "refusal"] if raw else None
        return {"raised": Raised.of(exc), "words": str(exc), "blocks": masked(blocks)}


def refusal_raised(run: Run) -> Any:
    """`ModelRefusalMiddleware` over each wire's refusal, invoked, async and with a
    `ProviderStrategy` (the refusal read from its parsing error's message): what the
    agent raised (or returned); and, with no middleware, the refusal blocks of the
    agent's last message."""
    with _answered_by(run, lambda _: REFUSING[run.wire.name]) as (at, _server):
        refusals = [middleware.ModelRefusalMiddleware()]
        guarded = agents.create_agent(at.make(), middleware=refusals)
        strategy = structured.ProviderStrategy(Answer)
        structured_agent = agents.create_agent(
            at.make(), middleware=refusals, response_format=strategy
        )
        plain = agents.create_agent(at.make())

        async def body() -> Any:
            return await guarded.ainvoke(ask("Something bad"), STEPS)

        last = plain.invoke(ask("Something bad"), STEPS)["messages"][-1]
        return {
            "invoked": _refusal_of(lambda: observe(guarded.invoke(ask("Something bad"), STEPS))),
            "async": _refusal_of(lambda: observe(arun(body))),
            "structured": _refusal_of(
                lambda: observe(structured_agent.invoke(ask("Something bad"), STEPS))
            ),
            "blocks": masked([b for b in last.content_blocks if b["type"] == "refusal"]),
        }


def refusal_v1(run: Run) -> Any:
    """`ModelRefusalMiddleware` over each wire's refusal, the model's content LangChain's
    standard blocks (`output_version="v1"`): what the agent raised or returned."""
    with _answered_by(run, lambda _: REFUSING[run.wire.name]) as (at, _server):
        refusals = [middleware.ModelRefusalMiddleware()]
        agent = agents.create_agent(at.make(output_version="v1"), middleware=refusals)
        return _refusal_of(lambda: observe(agent.invoke(ask("Something bad"), STEPS)))


def refusal_streamed(run: Run) -> Any:
    """`ModelRefusalMiddleware` over each wire's refusal, streamed with
    `stream_mode="messages"`: the pieces, or what the agent raised."""
    with _answered_by(run, lambda _: REFUSING[run.wire.name]) as (at, _server):
        guarded = agents.create_agent(at.make(), middleware=[middleware.ModelRefusalMiddleware()])

        def streamed() -> Any:
            pieces = guarded.stream(ask("Something bad"), STEPS, stream_mode="messages")
            return [observe(piece) for piece, _ in pieces]

        return _refusal_of(streamed)


def prompt_blocked(run: Run) -> Any:
    """`ModelRefusalMiddleware` over Gemini's blocked prompt (no candidate,
    `promptFeedback.blockReason`): what the agent raised or returned."""
    blocked = gemini_replies(
        no_candidates=True, prompt_feedback={"blockReason": "PROHIBITED_CONTENT"}
    )
    with _answered_by(run, lambda _: blocked) as (at, _server):
        agent = agents.create_agent(at.make(), middleware=[middleware.ModelRefusalMiddleware()])
        return _refusal_of(lambda: observe(agent.invoke(ask("Something bad"), STEPS)))


# ---- ProviderToolSearchMiddleware ------------------------------------------------------------


@tool
def lookup_order(order_id: str) -> str:
    """Look an order up."""
    return f"Order {order_id} shipped."


def _searching() -> Any:
    return middleware.ProviderToolSearchMiddleware(searchable_tools=["lookup_order"])


def tool_search_deferred(run: Run) -> Any:
    """`ProviderToolSearchMiddleware(searchable_tools=[...])` on an agent with two tools:
    the tools each request offered (the deferred one marked, the provider's search tool
    added) and the messages, or the `ValueError` of a wire with no tool search."""
    agent = agents.create_agent(
        run.make(), tools=[get_weather, lookup_order], middleware=[_searching()]
    )
    with _requests(run) as seen:
        said = outcome_of(lambda: agent.invoke(ask(TURNS[0]), STEPS))
    return {
        "messages": said["messages"] if isinstance(said, dict) else said,
        "tools": [b.get("tools") for b in seen],
    }


_ORDER_PARAMETERS = {
    "type": "object",
    "properties": {"order_id": {"type": "string"}},
    "required": ["order_id"],
}

#: The Responses API searching for the tool, then calling it; its answer after.
_RESPONSES_SEARCH = [
    {
        "type": "tool_search_call",
        "id": "ts_1",
        "call_id": "call_ts1",
        "execution": "server",
        "status": "completed",
        "arguments": {"query": "order"},
    },
    {
        "type": "tool_search_output",
        "id": "tso_1",
        "call_id": "call_ts1",
        "execution": "server",
        "status": "completed",
        "tools": [
            {
                "type": "function",
                "name": "lookup_order",
                "description": "Look an order up.",
                "parameters": _ORDER_PARAMETERS,
                "strict": None,
                "defer_loading": True,
            }
        ],
    },
    {
        "type": "function_call",
        "id": "fc_1",
        "call_id": "call_1",
        "name": "lookup_order",
        "arguments": '{"order_id":"42"}',
        "status": "completed",
    },
]

#: Claude's: its search as a server tool call and its result, then the call.
_CLAUDE_SEARCH = [
    {
        "type": "server_tool_use",
        "id": "srvtoolu_1",
        "name": "tool_search_tool_bm25",
        "input": {"query": "order"},
    },
    {
        "type": "tool_search_tool_result",
        "tool_use_id": "srvtoolu_1",
        "content": {
            "type": "tool_search_tool_search_result",
            "tool_references": [{"type": "tool_reference", "tool_name": "lookup_order"}],
        },
    },
    {"type": "text", "text": "Looking it up."},
    {"type": "tool_use", "id": "toolu_1", "name": "lookup_order", "input": {"order_id": "42"}},
]

#: The two turns of each wire with tool search.
SEARCHING: dict[str, Callable[[ScriptedServer], Any]] = {
    "responses": _each_turn(
        responses_replies(Script(output=_RESPONSES_SEARCH)),
        responses_replies(Script(output=[message_item("It shipped.")])),
    ),
    "anthropic": _each_turn(
        anthropic_replies(*_CLAUDE_SEARCH, stop="tool_use"),
        anthropic_replies({"type": "text", "text": "It shipped."}),
    ),
}


def tool_search_replayed(run: Run) -> Any:
    """The provider's tool search in a reply (its search items, then the found tool's
    call), and the turn after it: invoked (the default content and `output_version="v1"`)
    and streamed; the messages or pieces, and each request's conversation as sent."""

    def turns(how: str, **more: Any) -> Any:
        with _answered_by(run, SEARCHING[run.wire.name]) as (at, server):
            agent = agents.create_agent(
                at.make(**more), tools=[get_weather, lookup_order], middleware=[_searching()]
            )
            if how == "stream":
                pieces = agent.stream(ask("Where is order 42?"), STEPS, stream_mode="messages")
                said = [observe(piece) for piece, _ in pieces]
            else:
                said = observe(agent.invoke(ask("Where is order 42?"), STEPS)["messages"])
            sent = [
                masked((s.body or {}).get("input") or (s.body or {}).get("messages"))
                for s in server.seen
            ]
        return {"said": said, "sent": sent}

    return {
        "invoked": outcome_of(lambda: turns("invoke")),
        "v1": outcome_of(lambda: turns("invoke", output_version="v1")),
        "streamed": outcome_of(lambda: turns("stream")),
    }


# ---- decision models: ModelRouterMiddleware, AutoModeMiddleware --------------------------------


class ScriptedDecisions(BaseDecisionModel):
    """A decision model of the script's own: every `Choice` answered with `choice`,
    every `Noul` with `probability`; the questions it was asked kept."""

    model: str = "scripted-decisions"
    choice: str = ""
    probability: float = 0.0
    asked: list[str] = []

    @property
    def _provider(self) -> str:
        return "scripted"

    def _classify(self, state: Any, questions: dict[str, Any]) -> ClassifierResponse:
        answers: dict[str, Any] = {}
        for name, question in questions.items():
            self.asked.append(f"{name}:{question.type}")
            if question.type == "choice":
                odds = {label: float(label == self.choice) for label in question.criteria}
                answers[name] = {
                    "type": "choice",
                    "choice": self.choice,
                    "probabilities": odds,
                    "confidence": 1.0,
                }
            else:
                answers[name] = {"type": "noul", "noul": self.probability}
        return ClassifierResponse.model_validate({"model": self.model, "answers": answers})


def model_routed(run: Run) -> Any:
    """`ModelRouterMiddleware` choosing between two `ModelChoice`s of the wire (the
    careful one at temperature 0), by a scripted decision model, sync and async: the
    route kept in the state, the messages and the temperature each request carried."""

    def routed(route: str, asynchronous: bool) -> Any:
        classifier = ScriptedDecisions(choice=route, asked=[])
        router = middleware.ModelRouterMiddleware(
            choices={
                "fast": middleware.ModelChoice(model=run.make(), criteria="Simple tasks."),
                "careful": middleware.ModelChoice(
                    model=run.make(temperature=0.0), criteria="Hard tasks."
                ),
            },
            instructions="Choose the cheapest model suited to the task.",
            classifier=classifier,
        )
        agent = agents.create_agent(
            run.make(temperature=1.0), tools=[get_weather], middleware=[router]
        )

        async def body() -> Any:
            return await agent.ainvoke(ask(TURNS[0]), STEPS)

        with _requests(run) as seen:
            state = arun(body) if asynchronous else agent.invoke(ask(TURNS[0]), STEPS)
        return {
            "route": observe(state["model_route"]),
            "messages": state["messages"],
            "temperatures": [_temperature(b) for b in seen],
            "asked": classifier.asked,
        }

    return {
        "careful": outcome_of(lambda: routed("careful", False)),
        "fast_async": outcome_of(lambda: routed("fast", True)),
    }


def _temperature(body: dict[str, Any]) -> Any:
    """A request's temperature, at its top or in its wire's config member."""
    for holder in (body, body.get("generationConfig") or {}, body.get("inferenceConfig") or {}):
        if holder.get("temperature") is not None:
            return holder["temperature"]
    return None


def auto_mode_blocked(run: Run) -> Any:
    """`AutoModeMiddleware(tools=[get_weather])` whose scripted decision model calls the
    call risky (0.9): the blocked call's error result as the server got it, and the
    messages; then a safe one (0.1), async."""

    def guarded(probability: float) -> Any:
        classifier = ScriptedDecisions(probability=probability, asked=[])
        auto = middleware.AutoModeMiddleware(tools=[get_weather], classifier=classifier)
        return agents.create_agent(run.make(), tools=[get_weather], middleware=[auto])

    with _requests(run) as seen:
        said = guarded(0.9).invoke(ask(TURNS[0]), STEPS)["messages"]

    async def body() -> Any:
        return (await guarded(0.1).ainvoke(ask(TURNS[0]), STEPS))["messages"]

    return {
        "blocked": said,
        "sent_back": [_last_turn(b) for b in seen],
        "allowed": outcome_of(lambda: arun(body)),
    }


# ---- ModelFallbackMiddleware's sanitizing ------------------------------------------------------


def fallback_sanitized(run: Run) -> Any:
    """The wire's prompt-caching middleware (langchain-anthropic's, langchain-fireworks')
    beside `ModelFallbackMiddleware(<ChatOpenAI>)`, the first request refused (400):
    the fallback's request stripped of the cache marks by the models' `_llm_type`, the
    marks and session affinity each request carried, and the messages."""
    if run.wire.name == "anthropic":
        caching = pytest.importorskip("langchain_anthropic.middleware")
        cache = caching.AnthropicPromptCachingMiddleware(ttl="1h", min_messages_to_cache=0)
    else:
        caching = pytest.importorskip("langchain_fireworks.middleware")
        cache = caching.FireworksPromptCachingMiddleware()
    fallback = dataclasses.replace(run, wire=WIRES["openai"]).make()
    agent = agents.create_agent(
        run.make(),
        tools=[get_weather],
        system_prompt="You are a weather bot.",
        middleware=[cache, middleware.ModelFallbackMiddleware(fallback)],
        checkpointer=memory.InMemorySaver(),
    )
    marks = _CACHE_MARKS | {"prompt_cache_key"}
    seen = requests_seen(
        run,
        lambda r: {
            "path": r.path,
            "affinity": r.headers.get("x-session-affinity"),
            "marked": _marked(r.json or {}, marks),
        },
        lambda _, count: "status=400" if count == 1 else None,
    )
    with seen as sent:
        said = agent.invoke(ask(TURNS[0]), THREAD)["messages"]
    return {"messages": said, "sent": sent}


# ---- ToolErrorMiddleware ------------------------------------------------------------------------


def tool_error_worded(run: Run) -> Any:
    """`ToolErrorMiddleware` over a tool that fails: its handler's words sent back as
    the error result (the last turn of the request after it, in the wire's form); async,
    a handler that returns None lets the tool's error through."""

    def worded(error: Exception, request: Any) -> str | None:
        return f"The station failed: {error}" if isinstance(error, ConnectionError) else None

    agent = agents.create_agent(
        run.make(), tools=[offline_weather], middleware=[middleware.ToolErrorMiddleware(worded)]
    )
    with _requests(run) as seen:
        said = agent.invoke(ask(TURNS[0]), STEPS)["messages"]

    async def body() -> Any:
        silent = middleware.ToolErrorMiddleware(lambda error, request: None)
        raising = agents.create_agent(run.make(), tools=[offline_weather], middleware=[silent])
        return await raising.ainvoke(ask(TURNS[0]), STEPS)

    return {
        "messages": said,
        "last_sent": [_last_turn(b) for b in seen],
        "raised": outcome_of(lambda: arun(body)),
    }


# ---- InternalCallTransformer ------------------------------------------------------------------


def internal_call_hidden(run: Run) -> Any:
    """A middleware that calls the model itself before each model call (tagged with
    `internal_call_metadata()`), under `stream_events(version="v3")`: the model streams
    its `messages` projection showed (by node, their text), with its class declaring
    `InternalCallTransformer` (the agent's own alone) and without (its call heard too),
    and the requests made."""

    class Noted(middleware.AgentMiddleware):  # type: ignore[misc]
        def __init__(self, model: Any) -> None:
            super().__init__()
            self.model = model

        def before_model(self, state: Any, runtime: Any) -> None:
            config = {"metadata": internal.internal_call_metadata()}
            self.model.invoke([messages.HumanMessage("Say hello.")], config)

    class Hidden(Noted):
        transformers = (internal.InternalCallTransformer,)

    def heard(kind: type) -> Any:
        agent = agents.create_agent(run.make(), tools=[get_weather], middleware=[kind(run.make())])
        with _requests(run) as seen:
            stream = agent.stream_events(ask(TURNS[0]), STEPS, version="v3")
            streams = [(item.node, "".join(item.text)) for item in stream.messages]
            stream.output  # noqa: B018 - the run to its end
        return {"heard": streams, "requests": len(seen)}

    return {"hidden": outcome_of(lambda: heard(Hidden)), "heard": outcome_of(lambda: heard(Noted))}


# ---- the table --------------------------------------------------------------------------------

#: Scenario -> the wires it runs on (NEWEST_WIRES unless named here).
ONLY: dict[str, tuple[str, ...]] = {
    "prompt_blocked": ("gemini",),
    "tool_search_replayed": ("responses", "anthropic"),
    "fallback_sanitized": ("anthropic", "fireworks"),
}

SCENARIOS: dict[str, Callable[[Run], Any]] = {
    "refusal_raised": refusal_raised,
    "refusal_streamed": refusal_streamed,
    "refusal_v1": refusal_v1,
    "prompt_blocked": prompt_blocked,
    "tool_search_deferred": tool_search_deferred,
    "tool_search_replayed": tool_search_replayed,
    "model_routed": model_routed,
    "auto_mode_blocked": auto_mode_blocked,
    "fallback_sanitized": fallback_sanitized,
    "tool_error_worded": tool_error_worded,
    "internal_call_hidden": internal_call_hidden,
}


def _refusal_let_through(outcome: Any) -> bool:
    """The agent returned its state (no ModelRefusalError): the reply gave no refusal
    block."""
    return isinstance(outcome, dict) and "messages" in outcome and "raised" not in outcome


def _streamed_refusal_dropped(outcome: Any) -> bool:
    """The agent streamed to its end (no ModelRefusalError), no piece with a refusal."""
    return isinstance(outcome, list) and not any(
        "refusal" in piece["additional_kwargs"] for piece in outcome
    )


#: Kept differences of this family (`_cells.judge` reads them beside `DIFFERENCES`).
NEWEST_DIFFERENCES: dict[tuple[str, str], Difference] = {
    ("refusal_streamed", "openai"): Difference(
        "loses data",
        "langchain-openai reads no `delta.refusal` from a Chat Completions stream (see "
        "tests/partners/compatible/test_openai_refusal_sidebyside.py's kept "
        "`refusal_stream`): the merged message has no refusal, so ModelRefusalMiddleware "
        "lets the streamed refusal through as an empty answer; chatplex keeps it, and the "
        "middleware raises ModelRefusalError as for the whole reply",
        _streamed_refusal_dropped,
    ),
    ("refusal_v1", "gemini"): Difference(
        "loses data",
        "langchain-google-genai's whole reply stopped for SAFETY, under "
        "output_version='v1', has no refusal block (its stream's has one): "
        "ModelRefusalMiddleware lets it through as an empty answer; chatplex's has the "
        "block on both, and the middleware raises ModelRefusalError",
        _refusal_let_through,
    ),
    ("prompt_blocked", "gemini"): Difference(
        "loses data",
        "langchain-google-genai's reply to a blocked prompt drops `model_provider` (and "
        "usage, model name: tests/partners/google's kept `blocked_prompt`), so "
        "langchain-core's Gemini translator never reads its `block_reason` as a refusal "
        "block and ModelRefusalMiddleware lets the empty answer through; chatplex keeps "
        "them, and the middleware raises ModelRefusalError",
        _refusal_let_through,
    ),
}


def _cells() -> list[Any]:
    return [
        cell
        for name in SCENARIOS
        for cell in cells([name], ONLY.get(name, NEWEST_WIRES), differences=NEWEST_DIFFERENCES)
    ]


test_newest_middleware_script = family_test(
    SCENARIOS, params=_cells(), differences=NEWEST_DIFFERENCES
)


def test_every_row_names_a_cell_of_this_family() -> None:
    known = {(s, w) for s in SCENARIOS for w in ONLY.get(s, NEWEST_WIRES)}
    assert_rows_name_cells(known, NEWEST_DIFFERENCES)
