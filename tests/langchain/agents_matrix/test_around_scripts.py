"""An eighth set of LangChain scripts (issue 63): what a script keeps and hands around the
model between calls, on every wire: a tool-bound model copied (`copy.deepcopy`, `pickle`,
`model_copy`) and dumped and loaded (`dumps` / `loads` with `secrets_map` and
`valid_namespaces`), a structured model copied, each copy asked; usage as a script
tallies it (`UsageMetadataCallbackHandler` over a `batch`, `get_usage_metadata_callback`
over structured output with the raw reply and over an async agent), the `LLMResult` an
`on_llm_end` handler gets (invoked, streamed, batched); runs given their own config and
handler at once (`asyncio.gather` of `ainvoke`s, threads of `invoke`s: each handler hears
its own run only); an `AsyncCallbackHandler`'s tokens and chunks over a streamed tool
call; and the message kinds a script builds by hand: `ChatMessage` with each role, a
legacy `FunctionMessage` answer, an assistant turn whose call lives in `additional_kwargs`
only, message chunks as history, two system messages, a system message alone, an
assistant turn last (a prefill), and tools bound as raw dicts by `bind(tools=...)`. The
partner package's class beside chatplex's, compared (`_kit.py`)."""

from __future__ import annotations

import asyncio
import copy
import pickle
import uuid
import warnings
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from langchain import agents
from langchain_core import callbacks
from langchain_core import load
from langchain_core import messages as lc
from langchain_core.utils.function_calling import convert_to_openai_tool

from ._around_rows import AROUND_DIFFERENCES
from ._cells import assert_rows_name_cells
from ._cells import cells
from ._cells import family_test
from ._cells import known_cells
from ._kit import STEPS
from ._kit import TURNS
from ._kit import WIRES
from ._kit import Raised
from ._kit import Run
from ._kit import Scenario
from ._kit import arun
from ._kit import get_weather
from ._kit import masked
from ._kit import outcome_of
from ._kit import text_of
from .test_content_scripts import _conversation
from .test_reply_scripts import _requests
from .test_runtime_scripts import _tool_names
from .test_scripts import FORECAST
from .test_scripts import HELLO
from .test_scripts import SECRETS
from .test_scripts import Forecast

pytestmark = [
    pytest.mark.xdist_group("agents_matrix_around"),
    # An SDK's client wrapper that a partner's deepcopy or pickle left half-built fails
    # in its __del__ (the copy already raised: that is the outcome compared).
    pytest.mark.filterwarnings(
        "ignore:Exception ignored in. <function SyncHttpxClientWrapper.__del__"
        ":pytest.PytestUnraisableExceptionWarning"
    ),
]


def _calls(reply: Any) -> Any:
    """A reply's tool calls as a script reads them (name and arguments), or its text."""
    if isinstance(reply, Raised):
        return reply
    if reply.tool_calls:
        return [[c["name"], c["args"]] for c in reply.tool_calls]
    return text_of(reply.content)


# ---- the model kept -------------------------------------------------------------------------


def bound_copies(run: Run) -> Any:
    """A `bind_tools` result copied by `copy.deepcopy`, `pickle` and `model_copy()`, each
    copy asked about the weather: its calls, and the tools each request offered."""
    bound = run.make().bind_tools([get_weather])
    copies = {
        "deepcopy": lambda: copy.deepcopy(bound),
        "pickle": lambda: pickle.loads(pickle.dumps(bound)),
        "model_copy": bound.model_copy,
    }
    out: dict[str, Any] = {}
    for name, make in copies.items():
        with _requests(run) as seen:
            out[name] = _calls(outcome_of(lambda make=make: make().invoke(TURNS[0])))
        out[f"{name}_tools"] = _tool_names(seen[-1]) if seen else None
    return out


def structured_copies(run: Run) -> Any:
    """`with_structured_output(Forecast)` copied by `copy.deepcopy` and `pickle`, each
    copy invoked: what was parsed."""
    structured = run.make().with_structured_output(Forecast)
    return {
        "deepcopy": outcome_of(lambda: copy.deepcopy(structured).invoke(FORECAST)),
        "pickle": outcome_of(lambda: pickle.loads(pickle.dumps(structured)).invoke(FORECAST)),
    }


def bound_loaded(run: Run) -> Any:
    """`loads(dumps(model.bind_tools([...])), secrets_map=..., valid_namespaces=[...])`
    and the loaded binding asked: its class, its calls and the tools it offered."""
    bound = run.make().bind_tools([get_weather])
    namespace = run.wire.module.split(".")[0]

    def loaded() -> Any:
        with warnings.catch_warnings():
            # langchain-google-vertexai's deprecation of its class, which `loads` builds
            # on either side: not what is compared.
            warnings.simplefilter("ignore", DeprecationWarning)
            back = load.loads(
                load.dumps(bound),
                secrets_map=SECRETS,
                valid_namespaces=[namespace],
                allowed_objects="all",
            )
        with _requests(run) as seen:
            reply = back.invoke(TURNS[0])
        return {
            "class": type(back).__name__,
            "model": type(getattr(back, "bound", back)).__name__,
            "calls": _calls(reply),
            "tools": _tool_names(seen[-1]) if seen else None,
        }

    return outcome_of(loaded)


# ---- usage as a script tallies it -------------------------------------------------------


def usage_batch(run: Run) -> Any:
    """`UsageMetadataCallbackHandler` in the config of a `batch` of two: its tally, by
    model name, and each reply's own usage."""
    handler = callbacks.UsageMetadataCallbackHandler()
    replies = run.make().batch([HELLO, FORECAST], config={"callbacks": [handler]})
    return {"tally": handler.usage_metadata, "each": [r.usage_metadata for r in replies]}


def usage_structured_raw(run: Run) -> Any:
    """`get_usage_metadata_callback()` around `with_structured_output(Forecast,
    include_raw=True)`: the tally, the parsed object and the raw reply's usage."""
    with callbacks.get_usage_metadata_callback() as tally:
        out = outcome_of(
            lambda: run.make().with_structured_output(Forecast, include_raw=True).invoke(FORECAST)
        )
    if isinstance(out, Raised):
        return {"raised": out, "tally": tally.usage_metadata}
    return {
        "tally": tally.usage_metadata,
        "parsed": out["parsed"],
        "raw_usage": out["raw"].usage_metadata,
    }


def usage_agent_async(run: Run) -> Any:
    """`get_usage_metadata_callback()` around an agent's `ainvoke` (a tool call, then the
    answer): the tally, and each AI turn's usage."""
    agent = agents.create_agent(run.make(), tools=[get_weather])

    async def body() -> Any:
        with callbacks.get_usage_metadata_callback() as tally:
            state = await agent.ainvoke({"messages": [("user", TURNS[0])]}, STEPS)
        return tally.usage_metadata, state["messages"]

    tally, ended = arun(body)
    return {
        "tally": tally,
        "turns": [m.usage_metadata for m in ended if isinstance(m, lc.AIMessage)],
    }


class _Ends(callbacks.BaseCallbackHandler):
    """Keeps what each `on_llm_end` is handed: the `llm_output` and the generations'
    text, message type and `generation_info`."""

    def __init__(self) -> None:
        self.ends: list[Any] = []

    def on_llm_end(self, response: Any, **kwargs: Any) -> None:
        self.ends.append(
            {
                "llm_output": masked(response.llm_output),
                "generations": [
                    [
                        {
                            "text": g.text,
                            "type": type(g.message).__name__,
                            "info": masked(g.generation_info),
                        }
                        for g in gens
                    ]
                    for gens in response.generations
                ],
            }
        )


def llm_end_payloads(run: Run) -> Any:
    """What `on_llm_end` is handed for an invoke, a stream and a batch of two."""
    handler = _Ends()
    model = run.make(callbacks=[handler])
    model.invoke(HELLO)
    list(model.stream(HELLO))
    model.batch([HELLO, FORECAST])
    # A batch's two runs end in the order their replies came: sorted, as a script
    # keeping them by prompt has them.
    return handler.ends[:2] + sorted(handler.ends[2:], key=repr)


# ---- runs with their own config at once ------------------------------------------------------


class _Heard(callbacks.BaseCallbackHandler):
    """What one handler hears of chat model runs: each start's name, tags and metadata
    (LangChain's `ls_*` included), and how many ended."""

    def __init__(self) -> None:
        self.starts: list[Any] = []
        self.ended = 0

    def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
        self.starts.append(
            {
                "name": kwargs.get("name"),
                "tags": sorted(kwargs.get("tags") or []),
                "metadata": dict(sorted((kwargs.get("metadata") or {}).items())),
                "said": [text_of(m.content) for m in messages[0]],
            }
        )

    def on_llm_end(self, response: Any, **kwargs: Any) -> None:
        self.ended += 1


def _configs(handlers: list[_Heard]) -> list[dict[str, Any]]:
    return [
        {
            "callbacks": [handler],
            "tags": [f"user-{i}"],
            "metadata": {"user": i},
            "run_name": f"ask-{i}",
        }
        for i, handler in enumerate(handlers)
    ]


def gathered_configs(run: Run) -> Any:
    """`asyncio.gather` of three `ainvoke`s on one model, each with its own tags,
    metadata, run name and handler: what each handler heard, and the replies."""
    model = run.make()
    handlers = [_Heard() for _ in range(3)]

    async def body() -> Any:
        return await asyncio.gather(
            *(
                model.ainvoke(f"{HELLO} number {i}", config)
                for i, config in enumerate(_configs(handlers))
            )
        )

    replies = arun(body)
    return {
        "heard": [[h.starts, h.ended] for h in handlers],
        "replies": [text_of(r.content) for r in replies],
    }


def run_id_given(run: Run) -> Any:
    """`config={"run_id": ...}` given to `invoke` and `ainvoke`: whether the handler's
    start and the reply's id carry it (LangChain names a reply the provider gave no id
    `lc_run--<run id>`)."""
    model = run.make()
    handler = _RunIds()
    given = [uuid.UUID(int=1301), uuid.UUID(int=1302)]
    replies = [
        model.invoke(HELLO, {"run_id": given[0], "callbacks": [handler]}),
        arun(lambda: model.ainvoke(HELLO, {"run_id": given[1], "callbacks": [handler]})),
    ]
    return {
        "started": [seen == want for seen, want in zip(handler.ids, given, strict=True)],
        "reply_ids": [
            "run" if r.id == f"lc_run--{want}" else "own" if r.id else None
            for r, want in zip(replies, given, strict=True)
        ],
    }


class _RunIds(callbacks.BaseCallbackHandler):
    """The run id of each chat model start."""

    def __init__(self) -> None:
        self.ids: list[Any] = []

    def on_chat_model_start(self, serialized: Any, messages: Any, **kwargs: Any) -> None:
        self.ids.append(kwargs.get("run_id"))


def threaded_configs(run: Run) -> Any:
    """Three threads invoking one model, each with its own config and handler."""
    model = run.make()
    handlers = [_Heard() for _ in range(3)]
    with ThreadPoolExecutor(max_workers=3) as pool:
        replies = list(
            pool.map(
                lambda pair: model.invoke(f"{HELLO} number {pair[0]}", pair[1]),
                enumerate(_configs(handlers)),
            )
        )
    return {
        "heard": [[h.starts, h.ended] for h in handlers],
        "replies": [text_of(r.content) for r in replies],
    }


class _Tokens(callbacks.AsyncCallbackHandler):
    """An async handler keeping each `on_llm_new_token`'s token and its `chunk`'s
    message: its type, text and tool-call pieces."""

    def __init__(self) -> None:
        self.tokens: list[Any] = []

    async def on_llm_new_token(self, token: str, **kwargs: Any) -> None:
        chunk = kwargs.get("chunk")
        message = getattr(chunk, "message", None)
        self.tokens.append(
            {
                "token": masked(token),
                "chunk": type(chunk).__name__,
                "message": type(message).__name__,
                "pieces": masked(getattr(message, "tool_call_chunks", None)),
            }
        )


def async_handler_tool_stream(run: Run) -> Any:
    """An `AsyncCallbackHandler` given to `astream` of a tool-bound model: each token
    and chunk it was handed, and the calls the stream adds up to."""
    handler = _Tokens()
    model = run.make().bind_tools([get_weather])

    async def body() -> Any:
        merged = None
        async for piece in model.astream(TURNS[0], {"callbacks": [handler]}):
            merged = piece if merged is None else merged + piece
        return merged

    merged = arun(body)
    pieces = [t for t in handler.tokens if t["pieces"] or t["token"]]
    return {"pieces": pieces, "calls": _calls(merged)}


# ---- messages built by hand -----------------------------------------------------------------


def _sent(run: Run, history: list[Any]) -> Any:
    """`history` invoked: the reply's text (or what was raised), the conversation the
    request carried and the warnings given (langchain-aws warns as it rewrites a
    history)."""
    model = run.make()
    with _requests(run) as seen, warnings.catch_warnings(record=True) as warned:
        warnings.simplefilter("always")
        reply = outcome_of(lambda: model.invoke(history))
    return {
        "reply": reply if isinstance(reply, Raised) else text_of(reply.content),
        "sent": _conversation(seen[-1]) if seen else None,
        "warned": sorted(
            {f"{w.category.__name__}: {w.message}" for w in warned if _shown_warning(w)}
        ),
    }


def _shown_warning(warned: warnings.WarningMessage) -> bool:
    """A warning a script's user sees about its call (not a deprecation, not a
    resource left to the collector)."""
    return not issubclass(warned.category, (DeprecationWarning, ResourceWarning))


def chat_message_roles(run: Run) -> Any:
    """A history of `ChatMessage`s with the roles "system", "user", "assistant", "user"."""
    return _sent(
        run,
        [
            lc.ChatMessage(role="system", content="You are terse."),
            lc.ChatMessage(role="user", content="Hi there."),
            lc.ChatMessage(role="assistant", content="Hello."),
            lc.ChatMessage(role="user", content=HELLO),
        ],
    )


def function_message(run: Run) -> Any:
    """A legacy function call answered: an assistant turn with `function_call` in its
    `additional_kwargs`, then a `FunctionMessage`."""
    return _sent(
        run,
        [
            lc.HumanMessage(TURNS[0]),
            lc.AIMessage(
                "",
                additional_kwargs={
                    "function_call": {"name": "get_weather", "arguments": '{"location": "Paris"}'}
                },
            ),
            lc.FunctionMessage("It is sunny in Paris.", name="get_weather"),
        ],
    )


def kwargs_tool_call(run: Run) -> Any:
    """An assistant turn written as older scripts write it, its call in
    `additional_kwargs["tool_calls"]` only (OpenAI's shape), answered by a ToolMessage."""
    call = {
        "id": "call_kw1",
        "type": "function",
        "function": {"name": "get_weather", "arguments": '{"location": "Paris"}'},
    }
    turn = lc.AIMessage("", additional_kwargs={"tool_calls": [call]})
    out = _sent(
        run,
        [
            lc.HumanMessage(TURNS[0]),
            turn,
            lc.ToolMessage("It is sunny in Paris.", tool_call_id="call_kw1"),
        ],
    )
    return {"parsed": turn.tool_calls, **out}


def chunk_history(run: Run) -> Any:
    """A history of message chunks (`SystemMessageChunk`, `HumanMessageChunk`,
    `AIMessageChunk`) as a script that kept streamed pieces sends it."""
    return _sent(
        run,
        [
            lc.SystemMessageChunk(content="You are terse."),
            lc.HumanMessageChunk(content="Hi there."),
            lc.AIMessageChunk(content="Hello."),
            lc.HumanMessageChunk(content=HELLO),
        ],
    )


def two_systems(run: Run) -> Any:
    """Two system messages before the user's."""
    return _sent(
        run,
        [
            lc.SystemMessage("You are terse."),
            lc.SystemMessage("Answer in English."),
            lc.HumanMessage(HELLO),
        ],
    )


def system_alone(run: Run) -> Any:
    """A system message and nothing else."""
    return _sent(run, [lc.SystemMessage(HELLO)])


def assistant_last(run: Run) -> Any:
    """A history ending with the assistant's turn (a prefill)."""
    return _sent(run, [lc.HumanMessage(HELLO), lc.AIMessage("Hello")])


def kwargs_carried(run: Run) -> Any:
    """A history whose messages carry `additional_kwargs` of the script's (a user turn's
    note, an assistant turn's `reasoning_content` as DeepSeek's replies hold it): what
    was sent."""
    return _sent(
        run,
        [
            lc.HumanMessage("Hi there.", additional_kwargs={"note": "kept by the script"}),
            lc.AIMessage("Hello.", additional_kwargs={"reasoning_content": "I greet back."}),
            lc.HumanMessage(HELLO),
        ],
    )


def raw_bound_tools(run: Run) -> Any:
    """`bind(tools=[convert_to_openai_tool(get_weather)])`, not `bind_tools`: the reply's
    calls and the tools the request offered."""
    model = run.make().bind(tools=[convert_to_openai_tool(get_weather)])
    with _requests(run) as seen:
        reply = outcome_of(lambda: model.invoke(TURNS[0]))
    return {"calls": _calls(reply), "tools": _tool_names(seen[-1]) if seen else None}


SCENARIOS: dict[str, Scenario] = {
    "structured_copies": structured_copies,
    "usage_batch": usage_batch,
    "usage_structured_raw": usage_structured_raw,
    "llm_end_payloads": llm_end_payloads,
    "gathered_configs": gathered_configs,
    "threaded_configs": threaded_configs,
    "chat_message_roles": chat_message_roles,
    "chunk_history": chunk_history,
    "two_systems": two_systems,
    "system_alone": system_alone,
    "assistant_last": assistant_last,
    "run_id_given": run_id_given,
    "kwargs_carried": kwargs_carried,
}
#: The scenarios that need client-side tools (Perplexity's Sonar takes none).
TOOL_SCENARIOS: dict[str, Scenario] = {
    "bound_copies": bound_copies,
    "bound_loaded": bound_loaded,
    "usage_agent_async": usage_agent_async,
    "async_handler_tool_stream": async_handler_tool_stream,
    "function_message": function_message,
    "kwargs_tool_call": kwargs_tool_call,
    "raw_bound_tools": raw_bound_tools,
}


def _cells() -> list[Any]:
    return cells(SCENARIOS, WIRES, differences=AROUND_DIFFERENCES) + cells(
        TOOL_SCENARIOS,
        [w for w in WIRES if WIRES[w].tools],
        differences=AROUND_DIFFERENCES,
    )


test_around_script = family_test(
    {**SCENARIOS, **TOOL_SCENARIOS}, params=_cells(), differences=AROUND_DIFFERENCES
)


def test_every_row_names_a_cell_of_this_family() -> None:
    known = known_cells(SCENARIOS, WIRES) | known_cells(
        TOOL_SCENARIOS, [w for w in WIRES if WIRES[w].tools]
    )
    assert_rows_name_cells(known, AROUND_DIFFERENCES)
