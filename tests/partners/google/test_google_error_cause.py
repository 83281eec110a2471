"""ChatGoogleGenerativeAI side by side on a 4xx error whose body carries Google's details
(an invalid API key's `ErrorInfo`, a quota's `QuotaFailure` and `RetryInfo`).
langchain-google-genai raises its own class from google-genai's `ClientError`, which
holds the SDK's fields its class has not: a script reads the reason or the retry delay
from the error's `__cause__` (`code`, `status`, `message`, `details`). Invoked, streamed
and awaited; compared as `test_google_sidebyside.py` compares its scripts."""

from __future__ import annotations

import asyncio
import dataclasses
import json
from typing import Any

from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners.google import test_google_sidebyside as genai_suite
from tests.partners.google._scripts import error_body
from tests.partners.google.test_google_sidebyside import model

KEY_INVALID = error_body(400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key.")
KEY_INVALID["details"] = [
    {
        "@type": "type.googleapis.com/google.rpc.ErrorInfo",
        "reason": "API_KEY_INVALID",
        "domain": "googleapis.com",
        "metadata": {"service": "generativelanguage.googleapis.com"},
    }
]


def caused(cls: Any, url: str) -> Any:
    """The class of each call's error, and what its cause holds."""
    chat = model(cls, url, max_retries=0)
    calls = (
        lambda: chat.invoke("Hi"),
        lambda: list(chat.stream("Hi")),
        lambda: asyncio.run(chat.ainvoke("Hi")),
    )
    read = []
    for call in calls:
        try:
            call()
        except Exception as err:  # noqa: BLE001 - what a script catches is observed
            cause = err.__cause__
            fields = ("code", "status", "message", "details")
            read.append(
                {
                    "class": type(err).__name__,
                    "cause": f"{type(cause).__module__}.{type(cause).__name__}",
                    **{name: getattr(cause, name, None) for name in fields},
                }
            )
    return read


def _answer(seen: Any) -> Reply:
    return Reply(400, [json.dumps({"error": KEY_INVALID}).encode()])


SCRIPTS = {"key_invalid": (_answer, caused)}

#: Collected after the partner's run: google-genai's async client leaves an error reply's
#: connection for the collector to close.
SUITE = dataclasses.replace(genai_suite.SUITE.beside(SCRIPTS, {}), collect=True)
test_error_cause_same_as_langchain_google_genai = SUITE.same_test()


def test_cause_holds_googles_details(server: ScriptedServer) -> None:
    """Where the compared value is: the SDK's error under ours, Google's reason in it."""
    _, ours, _, _ = SUITE.run("key_invalid", server)
    assert len(ours) == 3
    for read in ours:
        assert read["cause"] == "google.genai.errors.ClientError" and read["code"] == 400
        assert read["details"]["error"]["details"][0]["reason"] == "API_KEY_INVALID"
