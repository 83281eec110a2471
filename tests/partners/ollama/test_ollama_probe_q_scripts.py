"""ChatOllama in the probe_q set's scripts (`tests/partners/_probe_q.py`): the schemas a
script's tools and structured output send (nested models, `$defs`, `Optional`,
`Literal`, `Enum`, unions, a recursive model, a TypedDict, a JSON schema dict, an OpenAI
tool dict, `@tool` functions), each as Ollama's tool or `format`; the parsed output of a
scripted call or JSON text, and of one that does not fit; answered as the probe_y set's
Ollama answers the rest, compared as `test_ollama_probe_y_scripts.py` compares."""

from __future__ import annotations

import dataclasses
from typing import Any

from tests.partners import _probe_q as probe
from tests.partners._probe_y import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._probe_z import within
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners.ollama import test_ollama_probe_y_scripts as probe_y
from tests.partners.ollama.test_ollama_sidebyside import ollama_replies

METHODS = ("function_calling", "json_schema", "json_mode")


answer = probe.answering(
    lambda name, args: ollama_replies(
        "", tool_calls=[{"function": {"name": name, "arguments": args}}]
    ),
    ollama_replies,
    probe.function_names,
    probe_y.answer,
)
SCRIPTS = probe.answered_scripts(answer, probe_y.make, METHODS)


def _within(part: Any, whole: Any) -> bool:
    """Whether `part` says nothing `whole` does not: each of its keys in `whole`, each
    value within `whole`'s."""
    if isinstance(part, dict) and isinstance(whole, dict):
        return all(k in whole and _within(v, whole[k]) for k, v in part.items())
    return bool(part == whole)


def parameters_kept(outcome: Outcome) -> Outcome:
    """Their tools' parameters within ours and fewer (what the ollama SDK's Tool model
    dropped), each; then ours read as theirs."""
    theirs, ours, their_requests, our_requests = outcome
    assert len(their_requests) == len(our_requests), (their_requests, our_requests)
    for their_request, our_request in zip(their_requests, our_requests, strict=True):
        their_tools, our_tools = their_request["body"]["tools"], our_request["body"]["tools"]
        for their_tool, our_tool in zip(their_tools, our_tools, strict=True):
            their_parameters = their_tool["function"]["parameters"]
            our_parameters = our_tool["function"]["parameters"]
            assert _within(their_parameters, our_parameters), (their_parameters, our_parameters)
            assert their_parameters != our_parameters
            our_tool["function"]["parameters"] = their_parameters
    return theirs, ours, their_requests, our_requests


SCHEMA_DROPPED = Difference(
    Reason.LOSES_DATA,
    "sends a tool's parameters through the ollama SDK's Tool model, which keeps a "
    "property's type, description, enum and items alone: a nested object's fields, a "
    "union's and a nullable's types (`anyOf`), a reference to a definition (`$ref`), a "
    "dict's value type, defaults and bounds (`minimum`, `maxLength`) are dropped, and "
    "the model is never told them",
    "the tool's parameters go as their JSON Schema, whole",
)
#: Script -> (why it may differ, how the outcome is read before comparing).
DIFFERENCES: dict[str, Any] = {
    name: (SCHEMA_DROPPED, within(parameters_kept))
    for name in (
        "tool_Person",
        "tool_Drawing",
        "tool_Team",
        "tool_convert",
        "tool_search_flights",
        "function_calling_Person",
        "function_calling_Drawing",
        "function_calling_Team",
        "function_calling_unfit",
    )
}

SUITE = dataclasses.replace(probe_y.SUITE.beside(SCRIPTS, DIFFERENCES))
test_probe_q_same_as_langchain_ollama = SUITE.same_test()
