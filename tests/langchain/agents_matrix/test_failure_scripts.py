"""A LangChain user's scripts around failures: a stream cut off mid-way, ending in an
error event or a malformed data line (what the loop got first, what was raised, sync and
async), the events and the `on_llm_error` callback a failed stream leaves, a 200 whose
body is cut short or is an error, a stream the provider's filter ends, the SDK's retries
of a 429/503 that says when to retry (and `max_retries=0`), a refused connection and a
read timeout, `with_fallbacks` over a stream whose first model fails, an agent whose
model call fails (the checkpointed state, then the retried turn), and a prompt too long
for the model's context: the partner package's class and chatplex's, compared
(`_kit.py`)."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any

import pytest
from langchain import agents
from langchain_core import callbacks
from langchain_core import exceptions
from langgraph.checkpoint import memory

from tests._genai_leftovers import UNAWAITED_JSON
from tests._genai_leftovers import collected_at_the_end  # noqa: F401 - autouse
from tests._silent import refusing_port

from ._cells import Difference
from ._cells import family_test
from ._cells import raises
from ._kit import THREAD
from ._kit import TURNS
from ._kit import Run
from ._kit import arun
from ._kit import get_weather
from ._kit import observe
from ._kit import requests_seen
from ._kit import text_of
from .test_error_words import masked
from .test_scripts import HELLO
from .test_scripts import SCRIPT_WIRES

pytestmark = [
    pytest.mark.xdist_group("agents_matrix_failure_scripts"),
    # google-genai's async client leaves aiohttp's `json()` coroutine unawaited on an
    # error: reclaimed in whichever test of this module runs then (its warning, as an
    # error, would break whatever runs then: a `compile()` raised SystemError), or at
    # the module's end (`collected_at_the_end`), not in a later module's test.
    *UNAWAITED_JSON,
]

#: A longer user text: its echoed reply streams in enough pieces to be cut after two.
LONG = "Say hello to my friend and to all of my neighbours in the street"


def _faults(run: Run, *specs: str | None) -> AbstractContextManager[list[str]]:
    """The server answers its next requests with `specs` in turn (None: as scripted),
    then as scripted; yields the paths of the requests it gets meanwhile."""
    return requests_seen(
        run, lambda request: request.path, lambda _, n: specs[n - 1] if n <= len(specs) else None
    )


def _error(exc: BaseException) -> dict[str, Any]:
    """A raised error as a script sees it: its class and its words (the server's random
    parts masked)."""
    return {"raised": observe(exc), "str": masked(str(exc))}


def _streamed(pieces: Iterator[Any]) -> dict[str, Any]:
    """The text of each piece a stream gave, then the error it raised (or None)."""
    got: list[str] = []
    try:
        for piece in pieces:
            got.append(text_of(piece.content))
    except Exception as exc:  # noqa: BLE001 - what was raised is the outcome
        return {"got": got, "error": _error(exc)}
    return {"got": got, "error": None}


async def _astreamed(pieces: Any) -> dict[str, Any]:
    got: list[str] = []
    try:
        async for piece in pieces:
            got.append(text_of(piece.content))
    except Exception as exc:  # noqa: BLE001 - what was raised is the outcome
        return {"got": got, "error": _error(exc)}
    return {"got": got, "error": None}


def _caught(call: Callable[[], Any]) -> Any:
    try:
        return observe(call())
    except Exception as exc:  # noqa: BLE001 - what was raised is the outcome
        return _error(exc)


# ---- streams that break --------------------------------------------------------------------


def _stream_broken(fault: str) -> Callable[[Run], Any]:
    def scenario(run: Run) -> Any:
        model = run.make(max_retries=0)
        with _faults(run, fault):
            sync = _streamed(model.stream(LONG))

        async def body() -> Any:
            with _faults(run, fault):
                return await _astreamed(model.astream(LONG))

        return {"sync": sync, "async": arun(body)}

    return scenario


stream_cut = _stream_broken("midstream_close;after=2")
stream_cut.__doc__ = """The connection dropped after two text pieces of a stream: the
pieces the loop got, then what was raised, sync and async."""

stream_error_event = _stream_broken("stream_error_event;after=2")
stream_error_event.__doc__ = """The provider's error event after two text pieces of a
stream (an overloaded or server error mid-stream): the pieces, then what was raised."""

stream_malformed = _stream_broken("malformed_json;after=2")
stream_malformed.__doc__ = """A data line that is not JSON after two text pieces: the
pieces, then what was raised."""


class _Errors(callbacks.BaseCallbackHandler):
    """What `on_llm_error` is given: the keyword arguments' names, and the text of each
    generation of the response it is passed (the error's class is `stream_cut`'s to
    compare)."""

    def __init__(self) -> None:
        self.seen: list[Any] = []

    def on_llm_error(self, error: BaseException, **kwargs: Any) -> None:
        response = kwargs.get("response")
        partial = None
        if response is not None:
            partial = [[text_of(g.message.content) for g in gs] for gs in response.generations]
        self.seen.append({"kwargs": sorted(kwargs), "partial": partial})


def stream_error_seen(run: Run) -> Any:
    """A stream cut after two pieces, seen by a callback handler (what `on_llm_error`
    is given) and by `astream_events` (the events up to the first piece, then the error)."""
    model = run.make(max_retries=0)
    handler = _Errors()
    with _faults(run, "midstream_close;after=2"):
        _streamed(model.stream(LONG, {"callbacks": [handler]}))

    async def body() -> Any:
        events: list[Any] = []
        try:
            with _faults(run, "midstream_close;after=2"):
                async for event in model.astream_events(LONG, version="v2"):
                    chunk = (event.get("data") or {}).get("chunk")
                    text = None if chunk is None else text_of(chunk.content)
                    events.append({"event": event["event"], "text": text})
        except Exception:  # noqa: BLE001 - its class is `stream_cut`'s to compare
            events.append("raised")
        return _up_to_the_first_piece(events)

    return {"callback": handler.seen, "events": arun(body)}


def _up_to_the_first_piece(events: list[Any]) -> list[Any]:
    """The events up to the first streamed piece, then how the stream ended: how many
    pieces arrive before the cut is the network's to say (an aiohttp client may read the
    last piece and the cut as one chunk, and drop the piece), not the model's."""
    kinds = [e.get("event") if isinstance(e, dict) else e for e in events]
    first = kinds.index("on_chat_model_stream") + 1 if "on_chat_model_stream" in kinds else 0
    return [*events[:first], events[-1] if events and events[-1] == "raised" else "ended"]


def content_filtered(run: Run) -> Any:
    """The provider's content filter refuses the prompt: a 400 on invoke, and a stream
    that ends early (its pieces and the merged reply's finish metadata)."""
    model = run.make(max_retries=0)
    with _faults(run, "content_filter"):
        invoked = _caught(lambda: model.invoke(HELLO))
    merged = None
    pieces = []
    with _faults(run, "content_filter"):
        try:
            for chunk in model.stream(LONG):
                pieces.append(text_of(chunk.content))
                merged = chunk if merged is None else merged + chunk
        except Exception as exc:  # noqa: BLE001 - what was raised is the outcome
            pieces.append(_error(exc))
    finish = None if merged is None else _finish(merged.response_metadata)
    return {"invoke": invoked, "stream": pieces, "finish": finish}


def _finish(metadata: dict[str, Any]) -> dict[str, Any]:
    """The members of a reply's response_metadata that say why it ended."""
    return {k: v for k, v in metadata.items() if "reason" in k.lower() or "stop" in k.lower()}


# ---- replies that are not what they should be -----------------------------------------------


def _broken_body(fault: str) -> Callable[[Run], Any]:
    def scenario(run: Run) -> Any:
        model = run.make(max_retries=0)
        with _faults(run, fault):
            sync = _caught(lambda: model.invoke(HELLO))

        async def body() -> Any:
            with _faults(run, fault):
                return await model.ainvoke(HELLO)

        return {"sync": sync, "async": _caught(lambda: arun(body))}

    return scenario


truncated_body = _broken_body("malformed_json")
truncated_body.__doc__ = """A 200 whose JSON body is cut in half: what invoke raises, sync
and async."""

error_body = _broken_body("error_payload_200")
error_body.__doc__ = """A 200 whose body is the provider's error payload (no choices, no
content): what invoke gives or raises, sync and async."""


# ---- retries --------------------------------------------------------------------------------

#: A 429 and a 503 that ask to be retried at once (a millisecond: a retry-after of 0
#: sends the Stainless SDKs to their own backoff).
RETRY_NOW = "retry_after_ms=1;retry_after=0"


def retried_by_default(run: Run) -> Any:
    """The model made with its default retries; the server answers a 429 then a 503,
    each saying retry at once, then replies: the reply (or the error) and how many
    requests the server got; then the same with `max_retries=0`."""
    with _faults(run, f"status=429;{RETRY_NOW}", f"status=503;{RETRY_NOW}") as seen:
        default = _caught(lambda: run.make().invoke(HELLO))
    default_requests = len(seen)
    with _faults(run, f"status=503;{RETRY_NOW}") as seen:
        none = _caught(lambda: run.make(max_retries=0).invoke(HELLO))
    return {
        "default": default,
        "requests": default_requests,
        "max_retries_0": none,
        "requests_0": len(seen),
    }


def retried_once_async(run: Run) -> Any:
    """`max_retries=1` over a 500 that says retry at once, then a reply, through
    `ainvoke`: the reply and how many requests the server got."""
    model = run.make(max_retries=1)

    async def body() -> Any:
        with _faults(run, f"status=500;{RETRY_NOW}") as seen:
            reply = await model.ainvoke(HELLO)
        return {"reply": observe(reply), "requests": len(seen)}

    return _caught(lambda: arun(body))


# ---- the network --------------------------------------------------------------------------------


def connection_refused(run: Run) -> Any:
    """A base URL whose port nothing listens on (`max_retries=0`): what invoke raises,
    sync and async."""
    settings = run.wire.settings(f"http://127.0.0.1:{refusing_port()}")
    model = run.make(max_retries=0, **settings)
    return {
        "sync": _caught(lambda: model.invoke(HELLO)),
        "async": _caught(lambda: arun(lambda: model.ainvoke(HELLO))),
    }


def read_timeout(run: Run) -> Any:
    """`timeout=0.1` against a server that takes half a second to answer (`max_retries=0`):
    what invoke raises, sync and async."""
    model = run.make(max_retries=0, timeout=0.1)
    with _faults(run, "stall=0.5"):
        sync = _caught(lambda: model.invoke(HELLO))
    with _faults(run, "stall=0.5"):
        later = _caught(lambda: arun(lambda: model.ainvoke(HELLO)))
    return {"sync": sync, "async": later}


# ---- around the model --------------------------------------------------------------------


def fallbacks_stream(run: Run) -> Any:
    """`with_fallbacks([...])` streamed, the primary refused (500) before its first
    piece: the fallback's pieces, sync and async."""
    chain = run.make(max_retries=0).with_fallbacks([run.make(max_retries=0)])
    with _faults(run, "status=500"):
        sync = _streamed(chain.stream(HELLO))

    async def body() -> Any:
        with _faults(run, "status=500"):
            return await _astreamed(chain.astream(HELLO))

    return {"sync": sync, "async": arun(body)}


def agent_failed_turn(run: Run) -> Any:
    """`create_agent` with a checkpointer, its model's first call refused (500, no
    retries): what the agent raises, the state the checkpointer kept (messages and the
    next node), then the same turn run again from there (`invoke(None, ...)`)."""
    agent = agents.create_agent(
        run.make(max_retries=0), tools=[get_weather], checkpointer=memory.InMemorySaver()
    )
    with _faults(run, "status=500"):
        raised = _caught(lambda: agent.invoke({"messages": [("user", TURNS[0])]}, THREAD))
    state = agent.get_state(THREAD)
    kept = {"messages": observe(state.values.get("messages")), "next": list(state.next)}
    again = _caught(lambda: agent.invoke(None, THREAD))
    return {"raised": raised, "kept": kept, "again": again}


# ---- the context window ----------------------------------------------------------------------

#: What each provider answers a prompt longer than the model's context (a 400's
#: message, and its code where the provider sends one).
TOO_LONG: dict[str, str] = {
    "openai": (
        "message=This model's maximum context length is 128000 tokens. However, your "
        "messages resulted in 130000 tokens. Please reduce the length of the messages."
        ";code=context_length_exceeded"
    ),
    "anthropic": "message=prompt is too long: 210000 tokens > 200000 maximum",
    "gemini": (
        "message=The input token count (1200000) exceeds the maximum number of tokens "
        "allowed (1048576)."
    ),
    "bedrock_converse": "message=Input is too long for requested model.",
    "ollama": "message=the input length exceeds the context length",
    "groq": (
        "message=Please reduce the length of the messages or completion."
        ";code=context_length_exceeded"
    ),
    "mistralai": (
        "message=Prompt contains 140000 tokens, too large for model with 131072 maximum "
        "context length"
    ),
}


def context_overflow(run: Run) -> Any:
    """A 400 with the provider's words for a prompt too long for the context: the class
    raised, whether it is LangChain's `ContextOverflowError`, sync and async."""
    model = run.make(max_retries=0)
    fault = f"status=400;{TOO_LONG[run.wire.name]}"

    def seen(call: Callable[[], Any]) -> Any:
        with _faults(run, fault):
            try:
                call()
            except Exception as exc:  # noqa: BLE001 - what was raised is the outcome
                overflow = isinstance(exc, exceptions.ContextOverflowError)
                return {**_error(exc), "overflow": overflow}
        return "not raised"

    return {
        "sync": seen(lambda: model.invoke(HELLO)),
        "async": seen(lambda: arun(lambda: model.ainvoke(HELLO))),
    }


SCENARIOS: dict[str, Callable[[Run], Any]] = {
    "stream_cut": stream_cut,
    "stream_error_event": stream_error_event,
    "stream_malformed": stream_malformed,
    "stream_error_seen": stream_error_seen,
    "content_filtered": content_filtered,
    "truncated_body": truncated_body,
    "error_body": error_body,
    "retried_by_default": retried_by_default,
    "retried_once_async": retried_once_async,
    "connection_refused": connection_refused,
    "read_timeout": read_timeout,
    "fallbacks_stream": fallbacks_stream,
    "agent_failed_turn": agent_failed_turn,
    "context_overflow": context_overflow,
}


@pytest.fixture(scope="module", autouse=True)
def retries_at_once() -> Iterator[None]:
    """google-genai's retries without their backoff (1 s, then 2 s, plus up to 1 s of
    jitter: it reads no retry-after): the same requests and the same outcome, at once."""
    try:
        from google.genai import _api_client
    except ImportError:  # without langchain-google-genai: its cells are not run
        yield
        return
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(_api_client, "_RETRY_INITIAL_DELAY", 0.0)
        patch.setattr(_api_client, "_RETRY_JITTER", 0)
        yield


# ---- the cells that differ ---------------------------------------------------------------


def _ended_quietly(outcome: Any) -> bool:
    """Both streams ended without an error, their last piece empty: the provider's error
    event was dropped."""
    return isinstance(outcome, dict) and all(
        isinstance(side, dict) and side.get("error") is None and side.get("got", [None])[-1] == ""
        for side in (outcome.get("sync"), outcome.get("async"))
    )


def _empty_replies(outcome: Any) -> bool:
    """Both calls gave an AI message with no content, as if the model answered nothing."""
    return isinstance(outcome, dict) and all(
        isinstance(side, dict) and side.get("type") == "AIMessage" and side.get("content") == ""
        for side in (outcome.get("sync"), outcome.get("async"))
    )


#: The provider's words in the mock server's error payload (`error_fields`, a 500's).
_PROVIDER_WORDS = "The server had an error while processing your request"


def _lost_the_error(kind: str) -> Callable[[Any], bool]:
    """Both calls raised `kind` and its words lack the provider's error message: the
    provider's code and message are lost (not in the error's text)."""

    def check(outcome: Any) -> bool:
        sides = [outcome.get("sync"), outcome.get("async")] if isinstance(outcome, dict) else []
        return len(sides) == 2 and all(
            isinstance(side, dict)
            and getattr(side.get("raised"), "kind", None) == kind
            and _PROVIDER_WORDS not in str(side.get("str"))
            for side in sides
        )

    return check


def _lost_body(partner: str, kind: str, words: str) -> Difference:
    return Difference(
        "loses data",
        f"{partner} reads a 200 whose body is the provider's error payload as a reply and "
        f"fails on its missing fields ({kind}: {words}): the provider's error code and "
        "message are lost; chatplex raises the provider's error, its words and fields kept",
        _lost_the_error(kind),
    )


def _waited_out_the_stall(outcome: Any) -> bool:
    """Both calls answered (an AIMessage) though the server stalled past `timeout`: the
    partner ignored the bound."""
    return isinstance(outcome, dict) and all(
        isinstance(side, dict) and side.get("type") == "AIMessage"
        for side in (outcome.get("sync"), outcome.get("async"))
    )


#: A float `timeout` refused by the partner's int field.
_INT_TIMEOUT = Difference(
    "raises",
    "pydantic_core.ValidationError: the partner's `timeout` is an int field and refuses "
    "timeout=0.1 at construction; chatplex takes the float and times the call out",
    raises("pydantic_core._pydantic_core.ValidationError"),
)

#: Kept differences of this family (`_cells.judge` reads them beside `DIFFERENCES`).
FAILURE_DIFFERENCES: dict[tuple[str, str], Difference] = {
    ("stream_error_event", "mistralai"): Difference(
        "loses data",
        "langchain-mistralai drops the provider's error event in a stream: the stream "
        "ends without an error after an empty piece, the reply cut short as if complete; "
        "chatplex raises the provider's error",
        _ended_quietly,
    ),
    ("error_body", "gemini"): Difference(
        "loses data",
        "langchain-google-genai reads a 200 whose body is Gemini's error payload as an "
        "empty AIMessage (the error's code and message are lost); chatplex raises it",
        _empty_replies,
    ),
    ("error_body", "anthropic"): _lost_body(
        "langchain-anthropic", "builtins.TypeError", "'NoneType' object is not iterable"
    ),
    ("error_body", "groq"): _lost_body(
        "langchain-groq", "builtins.TypeError", "'NoneType' object is not iterable"
    ),
    ("error_body", "mistralai"): _lost_body(
        "langchain-mistralai", "builtins.KeyError", "'choices'"
    ),
    ("error_body", "bedrock_converse"): _lost_body(
        "langchain-aws", "builtins.ValueError", "No 'output' key found in the response..."
    ),
    ("read_timeout", "ollama"): Difference(
        "hangs",
        "langchain-ollama's ChatOllama has no `timeout` field and drops timeout=0.1 "
        "unsaid (pydantic's extra='ignore'): the call waits out the server's 0.5 s stall "
        "and answers, as it would wait for as long as a server stalls (the ollama "
        "client's timeout is None); chatplex's drop-in takes `timeout` and times it out",
        _waited_out_the_stall,
    ),
    ("read_timeout", "bedrock_converse"): _INT_TIMEOUT,
    ("read_timeout", "mistralai"): _INT_TIMEOUT,
}


test_failure_script = family_test(SCENARIOS, SCRIPT_WIRES, differences=FAILURE_DIFFERENCES)


def test_every_wire_has_words_for_a_prompt_too_long() -> None:
    assert set(TOO_LONG) == set(SCRIPT_WIRES)
