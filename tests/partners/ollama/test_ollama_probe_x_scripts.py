"""ChatOllama in the probe_x set's scripts (`tests/partners/_probe_x.py`): Ollama's error
statuses caught, retried, fallen back from and batched over, structured output with its
raw reply, a tool's failure sent back, and a model saved and loaded; compared as
`test_ollama_sidebyside.py` compares."""

from __future__ import annotations

from typing import Any

from tests.partners import _probe_x as probe
from tests.partners._probe_x import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners.ollama import test_ollama_sidebyside as ollama_suite
from tests.partners.ollama.test_ollama_sidebyside import MODEL
from tests.partners.ollama.test_ollama_sidebyside import ollama_replies


def _make(cls: Any, url: str, **settings: Any) -> Any:
    return cls(model=MODEL, base_url=url, **settings)


STATUSES: dict[str, probe.Status] = {
    "404": (404, {"error": f"model '{MODEL}' not found, try pulling it first"}, {}),
    "500": (500, {"error": "llama runner process has terminated: signal: killed"}, {}),
    "429": (429, {"error": "you have reached your hourly usage limit"}, {}),
    "502": probe.BAD_GATEWAY,
}


_response_error = probe.sdk_class("ollama", "ResponseError")


_TEXT = ollama_replies()
SCRIPTS: dict[str, Any] = probe.error_rows(_make, _TEXT, STATUSES, "500", _response_error)
SCRIPTS["raw_kept"] = (
    ollama_replies('{"total": 3}'),
    probe.raw_kept(_make, ("json_schema", "json_mode")),
)
SCRIPTS["tool_failed"] = (_TEXT, probe.tool_failed(_make))
SCRIPTS["saved_and_loaded"] = (_TEXT, probe.saved_and_loaded(_make, "", "langchain_ollama"))

#: Its tool results name the tool (`tool_name`): the suite's kept difference.
DIFFERENCES = {"tool_failed": ollama_suite.DIFFERENCES["tool_round_trip"]}

SUITE = ollama_suite.SUITE.beside(SCRIPTS, DIFFERENCES)
test_probe_x_same_as_langchain_ollama = probe.same_test(SUITE)
