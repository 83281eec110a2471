"""A 200 whose JSON object is not the wire's reply (a gateway answering in another wire's
form), side by side: what the partner makes of it and what chatplex's drop-in does (a
typed error, the SDK's class the partner's users catch where it has one); and a 200
stream whose events are another wire's (none of them the wire's own): chatplex's
malformed-stream error, sent once. Each wire's kept rows and their test, for that wire's
suite (`suite_row`): `DIFFERENCES` there."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import chatplex.langchain
from tests._merged_text import merged
from tests._replies import chat_completion
from tests._replies import responses_reply
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import scripted_server

#: Another wire's reply: Chat Completions' for the Responses API, else the Responses API's.
CHAT_REPLY = chat_completion("hi", usage={"prompt_tokens": 1, "completion_tokens": 1})
RESPONSES_REPLY = responses_reply("hi", usage={"input_tokens": 1, "output_tokens": 1})

#: What a script reads of a call: the error's classes and words, or the reply's text.
Seen = dict[str, Any]

_HEAD = {"id": "c", "object": "chat.completion.chunk", "model": "m"}
#: A Chat Completions stream's events, and an Anthropic Messages stream's.
CHAT_EVENTS = [
    {**_HEAD, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}}]},
    {**_HEAD, "choices": [{"index": 0, "delta": {"content": "hi"}, "finish_reason": None}]},
    {**_HEAD, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
]
ANTHROPIC_EVENTS = [
    {"type": "message_start", "message": {"id": "m", "role": "assistant", "content": []}},
    {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "hi"}},
    {"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {"output_tokens": 1}},
    {"type": "message_stop"},
]
SSE = "text/event-stream"
STREAM_REQUEST_ID = "req_stream_1"


def sse_of(events: list[dict[str, Any]]) -> bytes:
    return b"".join(b"data: " + json.dumps(event).encode() + b"\n\n" for event in events)


def ndjson_of(events: list[dict[str, Any]]) -> bytes:
    return b"".join(json.dumps(event).encode() + b"\n" for event in events)


@dataclass(frozen=True)
class Wire:
    """One wire's row: the partner class and its settings, the reply of another form
    sent, what LangChain does with it (raises `their_error`, or None: answers an empty
    message) in the row's words, and the class the drop-in raises beside chatplex's."""

    partner: tuple[str, str]
    settings: Callable[[str], dict[str, Any]]
    body: dict[str, Any]
    form: str  # the wire's reply, as the row names it
    langchain: str
    their_error: str | None
    sdk_error: str | None
    #: A stream of another wire's events in the wire's framing, its content type, what
    #: LangChain does with it in the row's words and raises (None: an empty message).
    stream: bytes = b""
    stream_type: str = SSE
    langchain_stream: str = ""
    their_stream_error: str | None = None


_OPENAI = ("langchain_openai", "ChatOpenAI")
_NULL = "raises a bare TypeError ({}), with no status or request id"
_EMPTY = (
    "(a gateway streaming {} events) streams an empty message, as if the model had "
    "said nothing: what the server sent is lost"
)
_UNREAD = "(a gateway streaming {} events) raises {}, with no status or request id"

WIRES = {
    "openai": Wire(
        _OPENAI,
        lambda url: {"model": "gpt-4o-mini", "api_key": "sk-test", "base_url": url},
        RESPONSES_REPLY,
        "Chat Completions",
        _NULL.format("`Received response with null value for choices`"),
        "TypeError",
        "openai.APIError",
        sse_of(ANTHROPIC_EVENTS),
        langchain_stream=_EMPTY.format("Anthropic Messages"),
    ),
    "responses": Wire(
        _OPENAI,
        lambda url: {"model": "m", "api_key": "k", "base_url": url, "use_responses_api": True},
        CHAT_REPLY,
        "Responses API",
        _NULL.format("iterating the missing `output`"),
        "TypeError",
        "openai.APIError",
        sse_of(CHAT_EVENTS),
        langchain_stream=_UNREAD.format("Chat Completions", "a ValueError"),
        their_stream_error="ValueError",
    ),
    "anthropic": Wire(
        ("langchain_anthropic", "ChatAnthropic"),
        lambda url: {"model": "claude-haiku-4-5", "api_key": "sk-ant-test", "base_url": url},
        RESPONSES_REPLY,
        "Anthropic Messages",
        _NULL.format("iterating the missing `content`"),
        "TypeError",
        "anthropic.APIError",
        sse_of(CHAT_EVENTS),
        langchain_stream=_UNREAD.format("Chat Completions", "a ValueError"),
        their_stream_error="ValueError",
    ),
    "google": Wire(
        ("langchain_google_genai", "ChatGoogleGenerativeAI"),
        lambda url: {"model": "gemini-2.5-flash", "google_api_key": "AIza-t", "base_url": url},
        RESPONSES_REPLY,
        "Gemini generateContent",
        "becomes an empty message with no usage, as if the model had said nothing: what "
        "the server sent is lost",
        None,
        None,
        sse_of(CHAT_EVENTS),
        langchain_stream=_EMPTY.format("Chat Completions"),
    ),
    "ollama": Wire(
        ("langchain_ollama", "ChatOllama"),
        lambda url: {"model": "llama3.2", "base_url": url},
        RESPONSES_REPLY,
        "Ollama chat",
        "raises pydantic's ValidationError (`message: Field required`), not the client's "
        "ResponseError, with no status",
        "ValidationError",
        "ollama.ResponseError",
        ndjson_of(CHAT_EVENTS),
        "application/x-ndjson",
        _UNREAD.format("Chat Completions", "pydantic's ValidationError"),
        "ValidationError",
    ),
}


def _call(model: Any, body: dict[str, Any]) -> Seen:
    return _outcome(model, Reply(200, [json.dumps(body).encode()]), stream=False)


def _outcome(model: Any, reply: Reply, *, stream: bool) -> Seen:
    """What a call makes of `reply`: the error raised, or the reply (a stream's chunks
    added up); and how many requests reached the server."""
    with scripted_server() as server:
        server.handler = lambda seen: reply
        try:
            if stream:
                got = merged(list(model(server.url).stream("hi")))
            else:
                got = model(server.url).invoke("hi")
        except Exception as exc:  # noqa: BLE001 - the outcome compared
            classes = [c.__module__.partition(".")[0] + "." + c.__name__ for c in type(exc).__mro__]
            seen = {"raised": type(exc).__name__, "classes": classes, "words": str(exc)}
            # chatplex's own fields, under an SDK's class
            seen["status"], seen["request_id"] = (
                vars(exc).get("status"),
                vars(exc).get("request_id"),
            )
        else:
            seen = {"text": got.text, "usage": got.usage_metadata}
        seen["requests"] = len(server.seen)
    return seen


def _difference(wire: Wire) -> Difference:
    sdk = wire.sdk_error
    raised = "chatplex's APIError" if sdk is None else f"{sdk} (chatplex's APIError)"
    return Difference(
        Reason.LOSES_DATA if wire.their_error is None else Reason.RAISES,
        f"a 200 whose body is not a {wire.form} reply (a gateway answering in another "
        f"form) {wire.langchain}",
        f"raises {raised} with the status, the request id and the start of the body",
    )


def _check_theirs(theirs: Seen, error: str | None) -> None:
    """The partner raised `error`, or (None) answered an empty message."""
    if error is None:
        assert theirs.get("text") == "" and "raised" not in theirs, theirs
    else:
        assert theirs.get("raised") == error, theirs


def _normaliser(wire: Wire) -> Callable[[Outcome], Outcome]:
    """Their outcome (`their_error`, or an empty reply), ours chatplex's `APIError`, also
    the SDK's class: read as theirs once both are seen."""

    def read(outcome: Outcome) -> Outcome:
        theirs, ours, their_requests, our_requests = outcome
        _check_theirs(theirs, wire.their_error)
        assert "chatplex.APIError" in ours.get("classes", ()), ours
        assert wire.sdk_error is None or wire.sdk_error in ours["classes"], ours
        return theirs, theirs, their_requests, our_requests

    return read


def _stream_difference(wire: Wire) -> Difference:
    return Difference(
        Reason.LOSES_DATA if wire.their_stream_error is None else Reason.RAISES,
        f"a 200 stream that holds no {wire.form} event {wire.langchain_stream}",
        "raises chatplex's StreamError, a malformed reply (status 200, the request id, "
        "the first event quoted), sent once: not retried as a stream cut off would be",
    )


def _stream_normaliser(wire: Wire) -> Callable[[Outcome], Outcome]:
    """Their outcome (`their_stream_error`, or an empty reply), ours chatplex's
    `StreamError` with the stream's status after one request: read as theirs once seen."""

    def read(outcome: Outcome) -> Outcome:
        theirs, ours, their_requests, our_requests = outcome
        _check_theirs(theirs, wire.their_stream_error)
        assert "chatplex.StreamError" in ours.get("classes", ()), ours
        # A malformed reply (its status), not a stream cut off; never retried.
        assert ours["status"] == 200 and ours["requests"] == 1, ours
        assert ours["request_id"] == STREAM_REQUEST_ID, ours
        return theirs, theirs, their_requests, our_requests

    return read


def suite_row(suite: str) -> tuple[dict[str, Any], Callable[[], None]]:
    """The suite's `DIFFERENCES` (a reply, and a stream, of another wire's form) and
    the test that shows them."""
    wire = WIRES[suite]
    read, read_stream = _normaliser(wire), _stream_normaliser(wire)

    def test() -> None:
        module, name = wire.partner
        partner = getattr(importlib.import_module(module), name)
        ours = getattr(chatplex.langchain, name)
        theirs_seen = _call(lambda url: partner(**wire.settings(url)), wire.body)
        ours_seen = _call(lambda url: ours(**wire.settings(url)), wire.body)
        theirs, ours_read, _, _ = read((theirs_seen, ours_seen, [], []))
        assert ours_read == theirs
        events = Reply(200, [wire.stream], wire.stream_type, {"x-request-id": STREAM_REQUEST_ID})
        theirs_seen = _outcome(lambda url: partner(**wire.settings(url)), events, stream=True)
        # (two retries allowed: the one request is chatplex's choice, not a setting's)
        retrying = {"max_retries": 2}
        ours_seen = _outcome(
            lambda url: ours(**wire.settings(url), **retrying), events, stream=True
        )
        theirs, ours_read, _, _ = read_stream((theirs_seen, ours_seen, [], []))
        assert ours_read == theirs

    rows = {
        f"reply_not_{suite}_form": (_difference(wire), read),
        f"stream_not_{suite}_form": (_stream_difference(wire), read_stream),
    }
    return rows, test
