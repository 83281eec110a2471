"""A 200 whose JSON object is not the wire's reply (a gateway answering in another wire's
form), side by side: what the partner makes of it and what chatplex's drop-in does (a
typed error, the SDK's class the partner's users catch where it has one). Each wire's
kept row and its test, for that wire's suite (`suite_row`): `DIFFERENCES` there."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import chatplex.langchain
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


_OPENAI = ("langchain_openai", "ChatOpenAI")
_NULL = "raises a bare TypeError ({}), with no status or request id"

WIRES = {
    "openai": Wire(
        _OPENAI,
        lambda url: {"model": "gpt-4o-mini", "api_key": "sk-test", "base_url": url},
        RESPONSES_REPLY,
        "Chat Completions",
        _NULL.format("`Received response with null value for choices`"),
        "TypeError",
        "openai.APIError",
    ),
    "responses": Wire(
        _OPENAI,
        lambda url: {"model": "m", "api_key": "k", "base_url": url, "use_responses_api": True},
        CHAT_REPLY,
        "Responses API",
        _NULL.format("iterating the missing `output`"),
        "TypeError",
        "openai.APIError",
    ),
    "anthropic": Wire(
        ("langchain_anthropic", "ChatAnthropic"),
        lambda url: {"model": "claude-haiku-4-5", "api_key": "sk-ant-test", "base_url": url},
        RESPONSES_REPLY,
        "Anthropic Messages",
        _NULL.format("iterating the missing `content`"),
        "TypeError",
        "anthropic.APIError",
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
    ),
}


def _call(model: Any, body: dict[str, Any]) -> Seen:
    with scripted_server() as server:
        server.handler = lambda seen: Reply(200, [json.dumps(body).encode()])
        try:
            reply = model(server.url).invoke("hi")
        except Exception as exc:  # noqa: BLE001 - the outcome compared
            classes = [c.__module__.partition(".")[0] + "." + c.__name__ for c in type(exc).__mro__]
            return {"raised": type(exc).__name__, "classes": classes, "words": str(exc)}
    return {"text": reply.text, "usage": reply.usage_metadata}


def _difference(wire: Wire) -> Difference:
    sdk = wire.sdk_error
    raised = "chatplex's APIError" if sdk is None else f"{sdk} (chatplex's APIError)"
    return Difference(
        Reason.LOSES_DATA if wire.their_error is None else Reason.RAISES,
        f"a 200 whose body is not a {wire.form} reply (a gateway answering in another "
        f"form) {wire.langchain}",
        f"raises {raised} with the status, the request id and the start of the body",
    )


def _normaliser(wire: Wire) -> Callable[[Outcome], Outcome]:
    """Their outcome (`their_error`, or an empty reply), ours chatplex's `APIError`, also
    the SDK's class: read as theirs once both are seen."""

    def read(outcome: Outcome) -> Outcome:
        theirs, ours, their_requests, our_requests = outcome
        if wire.their_error is None:
            assert theirs.get("text") == "" and "raised" not in theirs, theirs
        else:
            assert theirs.get("raised") == wire.their_error, theirs
        assert "chatplex.APIError" in ours.get("classes", ()), ours
        assert wire.sdk_error is None or wire.sdk_error in ours["classes"], ours
        return theirs, theirs, their_requests, our_requests

    return read


def suite_row(suite: str) -> tuple[dict[str, Any], Callable[[], None]]:
    """The suite's `DIFFERENCES` (its one row) and the test that shows it."""
    wire = WIRES[suite]
    read = _normaliser(wire)

    def test() -> None:
        module, name = wire.partner
        partner = getattr(importlib.import_module(module), name)
        ours = getattr(chatplex.langchain, name)
        theirs_seen = _call(lambda url: partner(**wire.settings(url)), wire.body)
        ours_seen = _call(lambda url: ours(**wire.settings(url)), wire.body)
        theirs, ours_read, _, _ = read((theirs_seen, ours_seen, [], []))
        assert ours_read == theirs

    return {f"reply_not_{suite}_form": (_difference(wire), read)}, test
