"""ChatGoogleGenerativeAI side by side on which error statuses it retries: google-genai
retries 408, 429, 500, 502, 503 and 504 alone (`_api_client._RETRY_HTTP_STATUS_CODES`;
langchain-google-genai gives `HttpRetryOptions(attempts=max_retries)`, no codes), where
chatplex's own family retries 409, 501, 505 and 529 too. Each status is answered to a
call and to a stream at two attempts (`max_retries=2`): one request for a status the
partner does not retry, two for one it does, on both sides, the same error raised.
Neither side waits between the attempts (google-genai's backoff and chatplex's are set
to nothing): the requests and the errors are what is compared."""

from __future__ import annotations

import dataclasses
import functools
import json
from collections.abc import Iterator
from typing import Any

import pytest

from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners.google._scripts import error_body
from tests.partners.google._suites import gemini_suite
from tests.partners.google.test_google_stream_error_scripts import calls

genai_client = pytest.importorskip("google.genai._api_client")

#: The statuses, each with the status word Google's error payload names it by.
NOT_RETRIED = {409: "ABORTED", 501: "NOT_IMPLEMENTED", 505: "UNKNOWN", 529: "UNAVAILABLE"}
RETRIED = {408: "DEADLINE_EXCEEDED", 502: "UNAVAILABLE", 504: "DEADLINE_EXCEEDED"}

_TWICE = calls(max_retries=2)


def status_error(code: int, word: str) -> Any:
    """Every request answered with `code` and Gemini's error payload."""

    def answer(seen: Seen) -> Reply:
        return Reply(code, [json.dumps({"error": error_body(code, word, "No.")}).encode()])

    return answer


SCRIPTS = {
    f"status_{code}_{call}_two_attempts": (status_error(code, word), _TWICE[call])
    for code, word in {**NOT_RETRIED, **RETRIED}.items()
    for call in ("invoke", "stream", "astream")
}

# (google-genai's async error path leaves an unawaited `ClientResponse.json()` for the
# collector: collected in the partner's run, its warning silenced as its others are)
SUITE = dataclasses.replace(gemini_suite(SCRIPTS), collect=True)


@pytest.fixture(scope="module", autouse=True)
def attempts_at_once() -> Iterator[None]:
    """google-genai's retries without their backoff (1 s, plus up to 1 s of jitter), and
    chatplex's without its own: the same requests and the same errors, at once."""
    from chatplex.chat import retrying
    from chatplex.core.retry import retry_policy

    async def no_wait(seconds: float) -> None:
        pass

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(genai_client, "_RETRY_INITIAL_DELAY", 0.0)
        patch.setattr(genai_client, "_RETRY_JITTER", 0)
        no_sleep = functools.partial(retry_policy, sleep=lambda seconds: None, asleep=no_wait)
        patch.setattr(retrying, "_retry_policy", no_sleep)
        yield


test_retry_statuses_same_as_langchain_google_genai = SUITE.same_test()


def test_the_partner_retries_the_statuses_of_the_record() -> None:
    """The record's statuses are google-genai's, read from the SDK installed."""
    from chatplex.langchain import ChatGoogleGenerativeAI

    engine = ChatGoogleGenerativeAI(model="gemini-2.5-flash", google_api_key="k").chatplex_model
    assert engine.partner_calls.statuses == set(genai_client._RETRY_HTTP_STATUS_CODES)
    assert not engine.partner_calls.statuses & set(NOT_RETRIED)
    assert set(RETRIED) <= engine.partner_calls.statuses
