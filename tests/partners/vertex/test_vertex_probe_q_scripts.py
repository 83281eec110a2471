"""ChatVertexAI in the probe_q set's scripts (`tests/partners/_probe_q.py`): the schemas a
script's tools and structured output send, each converted to Vertex AI's function
declarations and response schema, and the parsed output of a scripted reply (one that
does not fit too); answered as the Gemini module's server answers
(`test_google_probe_q_scripts.py`), compared as `test_vertex_probe_y_scripts.py`
compares. Awaited calls are invoked here: the partner's fail over REST once the reply is
in (the vertex suite's `ainvoke_text`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from tests.partners import _probe_q as probe
from tests.partners._probe_y import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._probe_z import within
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners.google.test_google_probe_q_scripts import METHODS
from tests.partners.google.test_google_probe_q_scripts import gemini_answer
from tests.partners.google.test_google_probe_q_scripts import whole_schemas
from tests.partners.vertex import test_vertex_probe_y_scripts as probe_y
from tests.partners.vertex import test_vertex_sidebyside as vertex_suite
from tests.partners.vertex.test_vertex_sidebyside import vertex_replies

answer = gemini_answer(vertex_replies)
SCRIPTS = probe.answered_scripts(answer, probe_y.make, METHODS, asynchronous=False)


def floats(outcome: Outcome) -> Outcome:
    """A call's arguments as their JSON text read as theirs (numbers as floats, keys in
    the order of the protobuf Struct they passed through, which varies by run), once
    seen to hold the same values."""
    theirs, ours, their_requests, our_requests = outcome
    vertex_suite._as_floats(theirs, ours)
    return theirs, ours, their_requests, our_requests


def each(*normalisers: Callable[[Outcome], Outcome]) -> Callable[[Outcome], Outcome]:
    """`normalisers` run in turn, each on what the one before read."""

    def normalise(outcome: Outcome) -> Outcome:
        for normaliser in normalisers:
            outcome = normaliser(outcome)
        return outcome

    return normalise


#: The vertex suite's: a response schema whole, function parameters whole where the
#: subset would lose some; a call's integers read as floats.
WHOLE = vertex_suite.DIFFERENCES["structured_json_mode"][0]
FLOATS = vertex_suite._FLOAT_ARGUMENTS
UNKNOWN_FIELD = Difference(
    Reason.RAISES,
    "`with_structured_output(..., method='json_mode')` of a pydantic model whose schema "
    "holds a bound (`Field(max_length=...)`), a union (`anyOf`) or a recursive model "
    "(`$ref`) raises ValueError (Unknown field for Schema) before any request",
    "the model's JSON Schema is sent whole as `responseJsonSchema`, and the reply parsed",
)
TITLE_MISSING = Difference(
    Reason.RAISES,
    "`with_structured_output` of a recursive pydantic model (a tree whose children are "
    "its own class) by function calling raises KeyError ('title') before any request",
    "the model's function is declared (its parameters whole, as `parametersJsonSchema`), "
    "forced, and its call parsed",
)

#: Script -> (why it may differ, how the outcome is read before comparing).
DIFFERENCES: dict[str, Any] = {}
for _name in ("Order", "Team", "Node", "book_flight", "convert", "search_flights"):
    DIFFERENCES[f"tool_{_name}"] = (FLOATS, within(floats))
for _name in (
    "function_calling_Order",
    "json_schema_Order",
    "function_calling_Team",
    "json_schema_Team",
):
    DIFFERENCES[_name] = (FLOATS, within(floats))
for _name in ("json_mode_Order", "json_mode_Team"):
    DIFFERENCES[_name] = (WHOLE, within(whole_schemas))
for _name in ("tool_Person", "tool_Drawing"):
    DIFFERENCES[_name] = ((WHOLE, FLOATS), within(each(whole_schemas, floats)))
for _method in ("function_calling", "json_schema"):
    for _schema in ("Person", "Drawing", "unfit"):
        DIFFERENCES[f"{_method}_{_schema}"] = ((WHOLE, FLOATS), within(each(whole_schemas, floats)))
    DIFFERENCES[f"{_method}_Node"] = (TITLE_MISSING, within(probe.refused_unsent("KeyError")))
for _schema in ("Person", "Drawing", "Node", "unfit"):
    DIFFERENCES[f"json_mode_{_schema}"] = (
        UNKNOWN_FIELD,
        within(probe.refused_unsent("ValueError")),
    )

SUITE = dataclasses.replace(probe_y.SUITE.beside(SCRIPTS, DIFFERENCES))
test_probe_q_same_as_langchain_google_vertexai = SUITE.same_test()
