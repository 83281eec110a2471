"""The error a callback's `on_llm_error` gets, and the one raised, for an error status,
side by side with the partner classes, where a script imports chatplex's drop-in alone
(a fresh interpreter: no partner package, no SDK imported by the script): the class's
name and module (which logs, tracebacks and tracers print), and whether it has a
`response`, from which langchain-core builds the generation `on_llm_error` gets.
langchain-google-vertexai raises google-api-core's classes (`TooManyRequests`);
langchain-ollama's `ResponseError`, langchain-cohere's SDK errors and langchain-google-
genai's own 4xx classes have no `response` (its 5xx `GoogleAPIError` has one)."""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.callbacks import BaseCallbackHandler

from chatplex.testing import MockServer
from tests.langchain.agents_matrix._kit import WIRES
from tests.partners._dropins_alone import DropInsAlone

#: The cases: (wire, the model's settings beyond the wire's, the status it meets).
CASES = [
    ("vertex", {"max_retries": 0}, 429),
    ("ollama", {}, 400),
    ("cohere", {"max_retries": 0}, 429),
    ("gemini", {"max_retries": 0}, 400),
    ("gemini", {"max_retries": 0, "model": "gemini-2.5-pro"}, 500),
]


def _status(path: str) -> str:
    """The status the server answers a request with, by the path its wire calls."""
    if "/api/chat" in path:
        return "status=400"
    if "/v2/chat" in path or "projects/" in path:
        return "status=429"
    return "status=500" if "gemini-2.5-pro" in path else "status=400"


@pytest.fixture(scope="module")
def failing() -> Iterator[MockServer]:
    with MockServer(fault_plan=lambda request: _status(request.path)) as running:
        yield running


class _Errors(BaseCallbackHandler):
    def __init__(self) -> None:
        self.seen: list[dict[str, Any]] = []

    def on_llm_error(self, error: BaseException, **kwargs: Any) -> None:
        generations = kwargs["response"].generations
        self.seen.append({**_named(error), "generations": [len(row) for row in generations]})


def _named(err: BaseException) -> dict[str, Any]:
    cls = type(err)
    return {"class": cls.__name__, "module": cls.__module__, "response": hasattr(err, "response")}


def failed(cls: Any, settings: dict[str, Any]) -> dict[str, Any]:
    """What an invoke and a stream of `cls(**settings)` raised and told `on_llm_error`."""
    if cls.__name__ == "ChatVertexAI":
        from google.oauth2 import credentials

        settings = {**settings, "credentials": credentials.Credentials(token="ya29.mock")}  # type: ignore[no-untyped-call]
    out: dict[str, Any] = {}
    for how in ("invoke", "stream"):
        errors = _Errors()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # the partners' own (deprecations)
            model = cls(**settings)
            try:
                model.invoke("hi", {"callbacks": [errors]}) if how == "invoke" else list(
                    model.stream("hi", {"callbacks": [errors]})
                )
            except Exception as err:  # noqa: BLE001 - the error is what is compared
                out[how] = {"raised": _named(err), "told": errors.seen}
    return out


_OURS = """
import json, sys
import chatplex.langchain
from tests.partners.test_error_callbacks_fresh import failed
cases = json.loads(sys.argv[1])
partners = ("langchain_google_vertexai", "langchain_ollama", "langchain_cohere",
            "langchain_google_genai", "google.api_core", "ollama", "cohere")
assert not [m for m in partners if m in sys.modules]
print(json.dumps([failed(getattr(chatplex.langchain, name), s) for name, s in cases]))
"""


def _settings(wire: str, url: str, more: dict[str, Any]) -> dict[str, Any]:
    settings = {**WIRES[wire].settings(url), **more}
    settings.pop("credentials", None)  # (made in the interpreter that calls)
    return settings


def test_on_llm_error_gets_the_partners_error_with_the_drop_in_imported_alone(
    failing: MockServer, dropins_alone: DropInsAlone
) -> None:
    cases = [(WIRES[w].cls, _settings(w, failing.url, more)) for w, more, _ in CASES]
    ran = dropins_alone.run(_OURS, json.dumps(cases))
    ours = json.loads(ran.stdout.strip().splitlines()[-1])
    theirs = [
        failed(WIRES[w].partner(), settings)
        for (w, _, _), (_, settings) in zip(CASES, cases, strict=True)
    ]
    assert ours == theirs
    vertex, ollama, _, gemini_4xx, gemini_5xx = theirs
    assert vertex["invoke"]["raised"]["class"] == "TooManyRequests"
    assert not ollama["stream"]["raised"]["response"]
    assert ollama["invoke"]["told"][0]["generations"] == [0]  # no error generation
    assert not gemini_4xx["invoke"]["raised"]["response"]
    assert gemini_5xx["invoke"]["raised"]["response"]
