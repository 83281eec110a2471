"""ChatOllama in the probe_w set's scripts (`tests/partners/_probe_w.py`), a v0 image
block among them; tool results named and a tool's default are kept differences."""

from __future__ import annotations

from typing import Any

from tests.partners import _probe_w as probe
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners.ollama import test_ollama_sidebyside as ollama_suite
from tests.partners.ollama.test_ollama_sidebyside import MODEL
from tests.partners.ollama.test_ollama_sidebyside import ollama_replies


def _make(cls: Any, url: str, **settings: Any) -> Any:
    return cls(model=MODEL, base_url=url, **settings)


SCRIPTS = probe.rows(_make, ollama_replies())
SCRIPTS |= probe.rows(_make, ollama_replies('{"total": 3}'), ("structured_streamed",))
_CALLS = [{"function": {"name": n, "arguments": {"a": 2, "b": 3}}} for n in ("add", "mul")]
SCRIPTS |= probe.rows(_make, ollama_replies("", tool_calls=_CALLS), ("two_calls_run",))
SCRIPTS["v0_base64_blocks"] = (ollama_replies(), probe.v0_base64_blocks(_make, pdf=False))


def _default_kept(outcome: Outcome) -> Outcome:
    """Their `scale` tool's `factor` without its default, ours with it: read as theirs
    once both are seen."""
    factors = [
        b["tools"][1]["function"]["parameters"]["properties"]["factor"]
        for b in probe.bodies(outcome)
    ]
    assert "default" not in factors[0] and factors[1].pop("default") == 2.0, factors
    return outcome


DEFAULT_DROPPED = Difference(
    Reason.LOSES_DATA,
    "sends a tool's parameters through the ollama SDK's Tool model, which keeps a "
    "property's type, description, enum and items alone: a default (`factor: float = "
    "2.0`) is dropped, and the model is never told what leaving the argument out means",
    "the tool's parameters go as their JSON Schema, defaults included",
)
_NAMED_RESULTS = ollama_suite.DIFFERENCES["tool_round_trip"]
DIFFERENCES: dict[str, Any] = dict.fromkeys(
    ("history_replayed", "dict_messages", "two_calls_run"), _NAMED_RESULTS
)
DIFFERENCES["function_tool_named"] = (DEFAULT_DROPPED, _default_kept)

test_probe_w_same_as_langchain_ollama = ollama_suite.SUITE.beside(SCRIPTS, DIFFERENCES).same_test()
