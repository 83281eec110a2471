"""ChatVertexAI side by side when a call gets HTTP 200 whose body is Gemini's error
payload itself (`{"error": {...}}`, written on lines as Google writes it, as a front end
answers). langchain-google-vertexai reads a call's body into aiplatform's
`GenerateContentResponse` proto, which drops the unknown `error` field: an empty message
(zero usage), the error unsaid, the call sent once whatever its code. Its stream (the
REST transport's JSON-array reader) raises a ValueError on the body's first `{`, the code
and the words lost; sent once too. chatplex raises the payload as the error of its code
(google-api-core's class for it, as an error status is), a kept difference each, and
sends such a call once under the partner's name, as the partner does (chatplex's own
family retries a 429 or 5xx code: `test_own_family_retries_such_a_body`). Compared as
the suite of `test_vertex_sidebyside.py` compares its scripts."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from typing import Any

import httpx

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import raised
from tests.partners.google._scripts import error_body
from tests.partners.google._suites import vertex_suite
from tests.partners.vertex.test_vertex_sidebyside import model


def body_is_the_error(code: int, word: str, message: str) -> Any:
    """A 200 whose body is the error payload, on lines, as JSON."""
    text = json.dumps({"error": error_body(code, word, message)}, indent=2)

    def answer(seen: Seen) -> Reply:
        return Reply(200, [line.encode() + b"\n" for line in text.splitlines()])

    return answer


def invoked(cls: Any, url: str) -> Any:
    """A call at the default retries (6 attempts on both sides): what comes back, or what
    is raised."""
    try:
        return model(cls, url).invoke("Hi")
    except Exception as exc:  # noqa: BLE001 - the error is what is observed
        return {"error": exc}


def streamed(cls: Any, url: str) -> Any:
    """A stream at the default retries: what is raised."""
    return raised(lambda: list(model(cls, url).stream("Hi")))


_CASES = {
    "body_400": body_is_the_error(400, "INVALID_ARGUMENT", "Bad field."),
    "body_503": body_is_the_error(503, "UNAVAILABLE", "Overloaded."),
}
SCRIPTS = {
    f"{case}_{call}": (answer, script)
    for case, answer in _CASES.items()
    for call, script in (("invoke", invoked), ("stream", streamed))
}


def _error_not_an_empty_reply(outcome: Outcome) -> Outcome:
    """Their empty message, our error of the payload's code and words (api-core's class
    for it), each after one request: read as ours once both are checked."""
    theirs, ours, their_requests, our_requests = outcome
    assert "error" not in theirs and theirs["content"] == "", theirs
    assert theirs["tool_calls"] == [] and not theirs["usage_metadata"], theirs
    _payload_raised(ours)
    assert len(their_requests) == len(our_requests) == 1, (their_requests, our_requests)
    return ours, ours, their_requests, our_requests


def _error_not_a_parse_error(outcome: Outcome) -> Outcome:
    """Their ValueError on the body's first brace, our error of the payload's code and
    words, each after one request: read as ours once both are checked."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs["class"] == "ValueError" and not theirs["GoogleAPICallError"], theirs
    assert theirs["str"] == "Can only parse array of JSON objects, instead got {", theirs
    _payload_raised(ours)
    assert len(their_requests) == len(our_requests) == 1, (their_requests, our_requests)
    return ours, ours, their_requests, our_requests


def _payload_raised(ours: dict[str, Any]) -> None:
    """api-core's class of the payload's code, its words after the URL called, as an
    error status's are written."""
    code = int(ours["code"])
    words = {400: "Bad field.", 503: "Overloaded."}[code]
    assert ours["GoogleAPICallError"], ours
    assert ours["class"] == {400: "BadRequest", 503: "ServiceUnavailable"}[code], ours
    assert ours["message"].startswith("POST http") and ours["message"].endswith(f": {words}")
    assert ours["str"].startswith(f"{code} POST http"), ours


_EMPTY = Difference(
    Reason.LOSES_DATA,
    "answers a call that gets Gemini's error payload with a success status as an empty "
    "message (its proto reading drops the `error` field): the error, its code and its "
    "message are lost",
    "the error payload is raised as the error of its code (google-api-core's class for "
    "it, a 400 BadRequest, a 503 ServiceUnavailable), sent once as the partner sends it",
)
_PARSE = Difference(
    Reason.LOSES_DATA,
    "raises a ValueError ('Can only parse array of JSON objects, instead got {') for a "
    "stream that gets Gemini's error payload with a success status: its code and its "
    "message are lost",
    "the error payload is raised as the error of its code (google-api-core's class for "
    "it), sent once as the partner sends it",
)
#: Script -> (why it may differ, how the outcome is read before comparing).
DIFFERENCES = {
    **{f"{case}_invoke": (_EMPTY, _error_not_an_empty_reply) for case in _CASES},
    **{f"{case}_stream": (_PARSE, _error_not_a_parse_error) for case in _CASES},
}

SUITE = dataclasses.replace(vertex_suite(SCRIPTS), differences=DIFFERENCES)
test_error_body_scripts_against_langchain_google_vertexai = SUITE.same_test()


def test_own_family_retries_such_a_body() -> None:
    """`init_chat_model("google_vertexai:...")` keeps chatplex's retries: a 200 whose
    body is a 503 payload is retried as a 503 is (max_retries=1: two requests), called
    or streamed."""
    from google.oauth2 import credentials as oauth2

    from chatplex import init_chat_model
    from chatplex.errors import APIError

    sent: list[httpx.Request] = []
    body = body_is_the_error(503, "UNAVAILABLE", "Overloaded.")(None)  # (reads no request)

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        headers = {"content-type": body.content_type}
        return httpx.Response(200, content=b"".join(body.pieces), headers=headers)

    chat = init_chat_model(
        "google_vertexai:gemini-2.5-flash",
        project="p",
        location="us-central1",
        credentials=oauth2.Credentials(token="ya29.test"),
        max_retries=1,
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
        http_async_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)),
    )

    async def astreamed() -> list[Any]:
        return [c async for c in chat.astream("Hi")]

    runs = (lambda: chat.invoke("Hi"), lambda: list(chat.stream("Hi")))
    for run in (*runs, lambda: asyncio.run(astreamed())):
        sent.clear()
        error = raised(run)["error"]
        assert isinstance(error, APIError) and error.code == 503 and error.retryable, error
        assert len(sent) == 2, sent
