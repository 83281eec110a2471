"""ChatOpenAI (Chat Completions) and the OpenAI-compatible presets' partner packages in the
probe_x set's scripts (`tests/partners/_probe_x.py`): each package's 429 caught; for
ChatOpenAI and two presets, a 400 caught too, and the 429 retried, fallen back from and
batched over, structured output with its raw reply, a tool's failure sent back, a
rate-limited model, and a model saved and loaded. Read as the compatible suite reads a
result and a request."""

from __future__ import annotations

import functools
import importlib
from typing import Any

import pytest

from tests.partners import _probe_x as probe
from tests.partners._probe_x import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import assert_same
from tests.partners.compatible import test_compatible_sidebyside as suite
from tests.partners.compatible.test_compatible_sidebyside import PACKAGES
from tests.partners.compatible.test_compatible_sidebyside import Package
from tests.partners.compatible.test_compatible_sidebyside import Script
from tests.partners.compatible.test_openai_reasoning_sidebyside import OPENAI

#: The packages these scripts run over: ChatOpenAI's, and every preset's of the table.
RUN = {"openai": OPENAI, **PACKAGES}

#: The packages that run every script of the set, not their error statuses alone.
EVERY_SCRIPT = ("openai", "groq", "mistralai")

_LIMITED = {"message": "Rate limit reached for requests", "type": "requests", "param": None}
_BAD = {"message": "'messages' must not be empty", "type": "invalid_request_error"}
STATUSES: dict[str, probe.Status] = {
    "429": (429, {"error": {**_LIMITED, "code": "rate_limit_exceeded"}}, {"x-request-id": "r1"}),
    "400": (400, {"error": {**_BAD, "param": "messages", "code": None}}, {"x-request-id": "r2"}),
}


def _limited(p: Package) -> tuple[type[BaseException], ...]:
    """The class a script on `p`'s SDK names for a 429: its RateLimitError (httpx's
    HTTPStatusError where the package calls the API with httpx)."""
    sdk = importlib.import_module(p.sdk)
    return (getattr(sdk, "RateLimitError", None) or sdk.HTTPStatusError,)


def openai_limited() -> tuple[type[BaseException], ...]:
    """The openai SDK's RateLimitError (a script's on ChatOpenAI and AzureChatOpenAI)."""
    return _limited(OPENAI)


def _rows(p: Package) -> dict[str, Any]:
    """The set's rows over `p`'s constructor (its retries off) and the suite's reply."""
    make = lambda c, u, **more: suite._model(c, p, u, max_retries=0, **more)  # noqa: E731
    text, structured = suite.answer(Script(), p), suite.answer(Script('{"total": 3}'), p)
    rows: dict[str, Any] = probe.error_rows(
        make, text, STATUSES, "429", functools.partial(_limited, p)
    )
    rows["raw_kept"] = (structured, probe.raw_kept(make, ("json_schema", "json_mode")))
    rows["tool_failed"] = (text, probe.tool_failed(make))
    rows["rate_limited"] = (text, probe.rate_limited(make))
    rows["saved_and_loaded"] = (text, probe.saved_and_loaded(make, suite.KEY, p.module))
    return rows


def _cases() -> list[tuple[str, str]]:
    """Every script for `EVERY_SCRIPT`'s packages; the others' 429 caught."""
    limited = [(p, "error_caught_429") for p in RUN if p not in EVERY_SCRIPT]
    return limited + [(p, n) for p in EVERY_SCRIPT for n in _rows(RUN[p])]


@pytest.mark.parametrize(("package", "name"), _cases())
def test_probe_x_same_as_the_partner_package(
    package: str, name: str, server: ScriptedServer
) -> None:
    """The shared script over the package's constructor, with its class and chatplex's."""
    p = RUN[package]
    server.handler, script = _rows(p)[name]
    assert_same(probe.without_added(suite.run_with(p, script, server)))
