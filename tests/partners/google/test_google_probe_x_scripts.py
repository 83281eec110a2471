"""ChatGoogleGenerativeAI in the probe_x set's scripts (`tests/partners/_probe_x.py`):
Gemini's error statuses caught, retried, fallen back from and batched over, structured
output with its raw reply, a tool's failure sent back, and a model saved and loaded;
compared as `test_google_sidebyside.py` compares."""

from __future__ import annotations

import dataclasses
from typing import Any

from tests.partners import _probe_x as probe
from tests.partners._probe_x import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners.google import test_google_sidebyside as genai_suite
from tests.partners.google.test_google_sidebyside import KEY
from tests.partners.google.test_google_sidebyside import gemini_replies
from tests.partners.google.test_google_sidebyside import model


def _make(cls: Any, url: str, **settings: Any) -> Any:
    return model(cls, url, max_retries=0, **settings)


def gemini_error(code: int, status: str, message: str) -> probe.Status:
    """An error status as Gemini and Vertex AI send it (google.rpc.Status)."""
    return code, {"error": {"code": code, "message": message, "status": status}}, {}


STATUSES = {
    "429": gemini_error(429, "RESOURCE_EXHAUSTED", "Resource has been exhausted."),
    "503": gemini_error(503, "UNAVAILABLE", "The model is overloaded. Please try again later."),
    "400": gemini_error(400, "INVALID_ARGUMENT", "Request contains an invalid argument."),
    "502": probe.BAD_GATEWAY,
}


_TEXT = gemini_replies()
_JSON = gemini_replies([{"text": '{"total": 3}'}])
_SAVED = (KEY, "langchain_google_genai")
_ERRORS = (STATUSES, "503", probe.sdk_class("google.genai.errors", "ServerError"))
SCRIPTS = probe.set_rows(_make, _TEXT, _ERRORS, (_JSON, ("json_schema",)), _SAVED)
SCRIPTS["rate_limited"] = (_TEXT, probe.rate_limited(_make))

#: Collected after the partner's run: google-genai's async client leaves a 5xx reply's
#: body unread, a coroutine never awaited, which warns when collected.
SUITE = dataclasses.replace(genai_suite.SUITE.beside(SCRIPTS, {}), collect=True)
test_probe_x_same_as_langchain_google_genai = probe.same_test(SUITE)
