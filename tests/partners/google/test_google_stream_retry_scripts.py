"""ChatGoogleGenerativeAI side by side on how many requests a failed stream makes, at
the default `max_retries` (6 attempts). google-genai retries a stream's request in
`_request` up to its response's status (`raise_for_response`: a 429 or a 5xx status is
retried); its body is read afterwards (`request_streamed`'s segments), outside those
retries: a 200 whose body is Gemini's error payload, or an error event after a first
piece, is one request, its error raised by its `error.code` (a 429 or a 5xx too). The
requests each side received are compared as the suite compares them, one per attempt.
chatplex's own family keeps its own retries (`test_own_family_retries_such_a_body`)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import httpx

from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import raised
from tests.partners.google._scripts import error_body
from tests.partners.google._suites import gemini_suite
from tests.partners.google.test_google_stream_error_scripts import DIFFERENCES as ERROR_DIFFERENCES
from tests.partners.google.test_google_stream_error_scripts import body_is_the_error
from tests.partners.google.test_google_stream_error_scripts import calls
from tests.partners.google.test_google_stream_error_scripts import event_after_a_piece
from tests.partners.google.test_google_stream_error_scripts import own_gemini
from tests.partners.google.test_google_stream_error_scripts import streams_of

#: The calls at the default retries, and at two attempts.
_DEFAULT, _TWICE = calls(), calls(max_retries=2)


_CASES = {
    "body_429": lambda: body_is_the_error(429, "RESOURCE_EXHAUSTED", "Quota."),
    "body_500": lambda: body_is_the_error(500, "INTERNAL", "Internal error.", pretty=False),
    "body_503": lambda: body_is_the_error(503, "UNAVAILABLE", "Overloaded."),
    "event_429": lambda: event_after_a_piece(429, "RESOURCE_EXHAUSTED", "Quota."),
    "event_503": lambda: event_after_a_piece(503, "UNAVAILABLE", "Overloaded."),
}
_CALLS = {call: _DEFAULT[call] for call in ("stream", "astream", "invoke_streaming")}

SCRIPTS: dict[str, Any] = {
    f"{case}_{call}_default_retries": (answer(), script)
    for case, answer in _CASES.items()
    for call, script in _CALLS.items()
}


def status_error(code: int, word: str) -> Any:
    """An HTTP error status with Gemini's payload: retried on both sides."""

    def answer(seen: Seen) -> Reply:
        return Reply(code, [json.dumps({"error": error_body(code, word, "No.")}).encode()])

    return answer


# An error status is retried (max_retries=2: two attempts, one wait of google-genai's).
SCRIPTS["status_503_stream_two_attempts"] = (status_error(503, "UNAVAILABLE"), _TWICE["stream"])
SCRIPTS["status_429_astream_two_attempts"] = (
    status_error(429, "RESOURCE_EXHAUSTED"),
    _TWICE["astream"],
)


def _error_not_an_empty_reply(outcome: Outcome) -> Outcome:
    """Their empty message, our error (the kept difference of `body_400_invoke`), each
    after one request: read as ours once both are checked, the requests compared."""
    theirs, ours, their_requests, our_requests = outcome
    assert "error" not in theirs and theirs["content"] == "", theirs
    # (the class a streamed call raises for its code: GoogleAPIError for a 5xx)
    assert ours["ModelError"] and (ours["ChatGoogleGenerativeAIError"] or ours["GoogleAPIError"])
    return ours, ours, their_requests, our_requests


# Not streamed, the error payload in a 200 is one request on both sides too.
SCRIPTS["body_503_invoke_default_retries"] = (_CASES["body_503"](), _DEFAULT["invoke"])
SCRIPTS["body_429_invoke_default_retries"] = (_CASES["body_429"](), _DEFAULT["invoke"])
_KEPT = ERROR_DIFFERENCES["body_400_invoke"][0]
DIFFERENCES = {
    name: (_KEPT, _error_not_an_empty_reply)
    for name in ("body_503_invoke_default_retries", "body_429_invoke_default_retries")
}
SUITE = dataclasses.replace(gemini_suite(SCRIPTS), differences=DIFFERENCES)
test_stream_retry_scripts_same_as_langchain_google_genai = SUITE.same_test()


def test_own_family_retries_such_a_body() -> None:
    """`init_chat_model("google_genai:...")` keeps chatplex's retries: a 200 whose body is
    a 503 payload is retried as a 503 is (max_retries=1: two requests, one short wait),
    streamed (sync and async) or not."""
    from chatplex.errors import APIError

    body = body_is_the_error(503, "UNAVAILABLE", "Overloaded.")
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        reply = body(None)  # (the answer reads no request)
        headers = {"content-type": reply.content_type}
        return httpx.Response(200, content=b"".join(reply.pieces), headers=headers)

    chat = own_gemini(handler, max_retries=1)
    for run in (*streams_of(chat), lambda: chat.invoke("Hi")):
        sent.clear()
        error = raised(run)["error"]
        assert isinstance(error, APIError) and error.code == 503 and error.retryable, error
        assert len(sent) == 2, sent
