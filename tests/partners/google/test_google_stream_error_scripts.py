"""ChatGoogleGenerativeAI side by side when a streamed call (`streamGenerateContent`)
fails inside a 200: the body is Gemini's JSON error payload itself (`{"error": {...}}`,
no server-sent events, as a front end answers), or an error event arrives after a first
piece. google-genai raises such a chunk by its `error.code` (`APIError.raise_error`) and
langchain-google-genai classifies it (`_classified_stream`): through `stream`,
`astream` and `invoke` of a `streaming=True` model. Compared as the suite of
`test_google_sidebyside.py` compares its scripts. The payload's body may say it is
events, or give no type (`*_as_events`, `*_untyped`): google-genai reads JSON outside
events as the error all the same, as the Gemini wire's framing does. A call that does
not stream is given the same body (`body_400_invoke`): langchain-google-genai answers it
with an empty message, the error unsaid (a kept difference)."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import raised
from tests.partners.google._scripts import error_body
from tests.partners.google._suites import gemini_suite
from tests.partners.google.test_google_sidebyside import model

FIRST = {
    "candidates": [{"index": 0, "content": {"role": "model", "parts": [{"text": "Hel"}]}}],
    "modelVersion": "gemini-2.5-flash",
    "responseId": "resp-1",
}


def body_is_the_error(
    code: int,
    word: str,
    message: str,
    *,
    pretty: bool = True,
    content_type: str = "application/json",
) -> Any:
    """A 200 whose body is the error payload, written on lines as Google writes it, as
    `content_type` (a front end may say `text/event-stream`, or nothing: "")."""
    payload = {"error": error_body(code, word, message)}
    text = json.dumps(payload, indent=2 if pretty else None)

    def answer(seen: Seen) -> Reply:
        return Reply(200, [line.encode() + b"\n" for line in text.splitlines()], content_type)

    return answer


def event_after_a_piece(code: int, word: str, message: str) -> Any:
    """A 200 event stream: one piece, then an error event."""
    events = [FIRST, {"error": error_body(code, word, message)}]

    def answer(seen: Seen) -> Reply:
        lines = [b"data: " + json.dumps(e).encode() + b"\r\n\r\n" for e in events]
        return Reply(200, lines, "text/event-stream")

    return answer


def calls(**settings: Any) -> dict[str, Callable[[Any, str], Any]]:
    """Each way a script makes its call on a model built with `settings`: streamed
    (`stream`, `astream`, `invoke` with `streaming=True`: what is raised) and not
    streamed (`invoke`: what comes back, or what is raised)."""

    def streamed(cls: Any, url: str) -> Any:
        return raised(lambda: list(model(cls, url, **settings).stream("Hi")))

    def astreamed(cls: Any, url: str) -> Any:
        async def run() -> Any:
            return [c async for c in model(cls, url, **settings).astream("Hi")]

        return raised(lambda: asyncio.run(run()))

    def invoked_streaming(cls: Any, url: str) -> Any:
        return raised(lambda: model(cls, url, **settings, streaming=True).invoke("Hi"))

    def invoked(cls: Any, url: str) -> Any:
        try:
            return model(cls, url, **settings).invoke("Hi")
        except Exception as exc:  # noqa: BLE001 - the error is what is observed
            return {"error": exc}

    return {
        "stream": streamed,
        "astream": astreamed,
        "invoke_streaming": invoked_streaming,
        "invoke": invoked,
    }


_ONE_TRY = calls(max_retries=1)

_CASES = {
    "body_400": body_is_the_error(400, "INVALID_ARGUMENT", "Bad field."),
    "body_429": body_is_the_error(429, "RESOURCE_EXHAUSTED", "Quota."),
    "body_500": body_is_the_error(500, "INTERNAL", "Internal error.", pretty=False),
    "event_400": event_after_a_piece(400, "INVALID_ARGUMENT", "Bad field."),
    "event_503": event_after_a_piece(503, "UNAVAILABLE", "Overloaded."),
    # The same bodies said to be events, or of no type: google-genai reads the JSON
    # outside events as the error it is (`_iter_response_stream`), as the drop-in does.
    "body_400_as_events": body_is_the_error(
        400, "INVALID_ARGUMENT", "Bad field.", content_type="text/event-stream"
    ),
    "body_503_as_events": body_is_the_error(
        503, "UNAVAILABLE", "Overloaded.", pretty=False, content_type="text/event-stream"
    ),
    "body_429_untyped": body_is_the_error(429, "RESOURCE_EXHAUSTED", "Quota.", content_type=""),
}
_CALLS = {call: _ONE_TRY[call] for call in ("stream", "astream", "invoke_streaming")}

SCRIPTS = {
    f"{case}_{call}": (answer, script)
    for case, answer in _CASES.items()
    for call, script in _CALLS.items()
}

SCRIPTS["body_400_invoke"] = (_CASES["body_400"], _ONE_TRY["invoke"])


def _error_not_an_empty_reply(outcome: Outcome) -> Outcome:
    """Their empty message, our error (the streamed call's, the same request sent):
    read as ours once both are checked."""
    theirs, ours, their_requests, our_requests = outcome
    assert "error" not in theirs and theirs["content"] == "", theirs
    assert theirs["tool_calls"] == [] and not theirs["usage_metadata"], theirs
    assert ours["ChatGoogleGenerativeAIError"] and ours["ModelError"], ours
    assert ours["str"].startswith("Error calling model 'gemini-2.5-flash' (INVALID_ARGUMENT)")
    return ours, ours, their_requests, our_requests


#: Script -> (why it may differ, how the outcome is read before comparing).
DIFFERENCES = {
    "body_400_invoke": (
        Difference(
            Reason.LOSES_DATA,
            "answers a call that gets Gemini's error payload with a success status as an "
            "empty message (only a logged warning says the response was empty): the "
            "error, its status and its message are lost",
            "the error payload is raised as the error of its code, the class a streamed "
            "call raises for it (a 400 is GoogleInvalidRequestError)",
        ),
        _error_not_an_empty_reply,
    ),
}

SUITE = dataclasses.replace(gemini_suite(SCRIPTS), differences=DIFFERENCES)
test_stream_error_scripts_same_as_langchain_google_genai = SUITE.same_test()


def own_gemini(handler: Callable[[httpx.Request], httpx.Response], max_retries: int) -> Any:
    """`init_chat_model("google_genai:gemini-2.5-flash")`, chatplex's own family, its
    requests answered by `handler`."""
    from chatplex import init_chat_model

    return init_chat_model(
        "google_genai:gemini-2.5-flash",
        api_key="k-test",
        max_retries=max_retries,
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
        http_async_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)),
    )


def streams_of(chat: Any) -> tuple[Callable[[], Any], Callable[[], Any]]:
    """`chat`'s stream of "Hi" read whole: sync, and async."""

    async def astreamed() -> list[Any]:
        return [c async for c in chat.astream("Hi")]

    return (lambda: list(chat.stream("Hi")), lambda: asyncio.run(astreamed()))


@pytest.mark.parametrize("content_type", ["text/event-stream", None])
def test_own_family_raises_such_a_body_as_its_error(content_type: str | None) -> None:
    """`init_chat_model("google_genai:...")` streaming a 200 whose body is the error
    payload, said to be events or of no type at all: the error of its code, words and
    request id, streamed sync and async (it was a StreamError saying no finishReason
    came)."""
    from chatplex.errors import APIError

    text = json.dumps({"error": error_body(400, "INVALID_ARGUMENT", "Bad field.")}, indent=2)
    headers = {"x-request-id": "req-77"}
    if content_type is not None:
        headers["content-type"] = content_type

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=text.encode(), headers=headers)

    for run in streams_of(own_gemini(handler, max_retries=0)):
        error = raised(run)["error"]
        assert isinstance(error, APIError) and error.code == 400, error
        assert (error.error_type, error.request_id) == ("INVALID_ARGUMENT", "req-77")
        assert "Bad field." in str(error) and "finishReason" not in str(error)
