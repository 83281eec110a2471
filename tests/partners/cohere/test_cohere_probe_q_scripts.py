"""ChatCohere in the probe_q set's scripts (`tests/partners/_probe_q.py`): the schemas a
script's tools and structured output send (nested models, `$defs`, `Optional`,
`Literal`, `Enum`, unions, a recursive model, a TypedDict, a JSON schema dict, an OpenAI
tool dict, `@tool` functions), each as Cohere's tool or `response_format`; the parsed
output of a scripted call or JSON text, and of one that does not fit; answered as the
probe_y set's Cohere answers the rest, compared as `test_cohere_probe_y_scripts.py`
compares."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from tests.partners import _probe_q as probe
from tests.partners._probe_y import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._probe_z import within
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import refused_before_sending
from tests.partners.cohere import test_cohere_probe_y_scripts as probe_y
from tests.partners.cohere import test_cohere_sidebyside as cohere_suite
from tests.partners.cohere.test_cohere_sidebyside import ADD_CALL
from tests.partners.cohere.test_cohere_sidebyside import cohere_replies

METHODS = ("function_calling", "tool_calling", "json_schema", "json_mode")


def _called(name: str, args: dict[str, Any]) -> Any:
    """Cohere's call of `name` with `args` (the scripted stream names its call `add`:
    renamed)."""
    call = {**ADD_CALL, "function": {"name": name, "arguments": json.dumps(args)}}
    replies = cohere_replies(tool_call=call)

    def answer(seen: Any) -> Any:
        reply = replies(seen)
        named = b'"name": %s' % json.dumps(name).encode()
        reply.pieces = [p.replace(b'"name": "add"', named) for p in reply.pieces]
        return reply

    return answer


answer = probe.answering(_called, cohere_replies, probe.function_names, probe_y.answer)
SCRIPTS = probe.answered_scripts(answer, probe_y.make, METHODS)


def flattened(outcome: Outcome) -> Outcome:
    """Their tools' parameters flattened (each property its type and description alone,
    a union's or a nullable's type its first branch's, `$defs` dropped), ours whole: each
    of theirs seen to be ours so cut; then ours read as theirs."""
    theirs, ours, their_requests, our_requests = outcome
    for their_request, our_request in zip(their_requests, our_requests, strict=True):
        pairs = zip(their_request["body"]["tools"], our_request["body"]["tools"], strict=True)
        for their_tool, our_tool in pairs:
            their_parameters = their_tool["function"]["parameters"]
            our_parameters = our_tool["function"]["parameters"]
            assert set(their_parameters["properties"]) == set(our_parameters["properties"])
            for name, their_property in their_parameters["properties"].items():
                our_property = our_parameters["properties"][name]
                assert set(their_property) <= {"type", "description"}, their_property
                branches = our_property.get("anyOf") or [our_property]
                types = {branch.get("type") for branch in branches} | {"object"}
                assert their_property.get("type") in types, (their_property, our_property)
            assert their_parameters != our_parameters
            our_tool["function"]["parameters"] = their_parameters
    return theirs, ours, their_requests, our_requests


def raw_ignored(outcome: Outcome) -> Outcome:
    """Their `include_raw=True` gave the parsed value alone (read as the raw form, what
    refused it: `{"refused": ...}`, or the parsing error it raised), ours the raw reply,
    the same parsed value (or parsing error) beside it; then ours read as theirs."""
    theirs, ours, their_requests, our_requests = outcome
    assert "refused" in theirs["include_raw"], theirs
    assert ours["parsed"] == theirs["parsed"], (theirs, ours)
    parsed = theirs["parsed"]
    if "refused" in parsed:  # (the reply does not fit: its error, raised)
        assert ours["include_raw"]["parsing_error"] == parsed["refused"], ours
        assert theirs["include_raw"] == parsed, theirs
    else:
        assert ours["include_raw"]["parsed"] == parsed, (theirs, ours)
    return theirs, {**ours, "include_raw": theirs["include_raw"]}, their_requests, our_requests


#: The cohere suite's: tools flattened, include_raw ignored or raising, v1's schema key.
FLAT = cohere_suite.FLAT_TOOLS
RAW_IGNORED = cohere_suite.INCLUDE_RAW_IGNORED
RAW_RAISES = cohere_suite.INCLUDE_RAW_FAILURE_RAISES
SCHEMA_KEY = cohere_suite.DIFFERENCES["structured_schema"]
RAW_TO_SDK = Difference(
    Reason.RAISES,
    "`with_structured_output` by function calling (or `'tool_calling'`) with "
    "`include_raw=True`, and awaited, raises TypeError before any request: "
    "`include_raw` is handed on to the cohere SDK's `chat`, which takes no such keyword",
    "the schema's tool is sent, and its call parsed (beside the raw reply where asked)",
)
REF_REFUSED = Difference(
    Reason.RAISES,
    "a JSON schema dict whose property is a reference to a definition (`$ref` into "
    "`$defs`), bound as a tool or given to `with_structured_output`, raises a pydantic "
    "ValidationError (a parameter's type None) before any request",
    "the schema is sent whole as the tool's parameters",
)
TYPED_DICT_REFUSED = Difference(
    Reason.RAISES,
    "`with_structured_output(..., method='json_schema')` of a TypedDict raises "
    "TypeError (unbound method dict.items() needs an argument) before any request",
    "the TypedDict's JSON Schema is sent as the response format, and the reply parsed",
)
OPENAI_DICT_REFUSED = Difference(
    Reason.RAISES,
    "a tool bound as an OpenAI tool dict (`{'type': 'function', 'function': {...}}`) "
    "raises ValueError (Unsupported dict type) before any request",
    "the tool is sent in Cohere's form, as `bind_tools` sends a tool of any format",
)

#: Script -> (why it may differ, how the outcome is read before comparing).
DIFFERENCES: dict[str, Any] = {
    f"tool_{name}": (FLAT, within(flattened))
    for name in ("Person", "Drawing", "Node", "Team", "convert", "lookup", "search_flights")
}
DIFFERENCES["tool_book_flight"] = (
    OPENAI_DICT_REFUSED,
    within(refused_before_sending("ValueError", lambda body: bool(body["tools"]))),
)
for _method in ("function_calling", "tool_calling"):
    for _name in ("Person", "Drawing", "Node", "Order", "unfit"):
        DIFFERENCES[f"{_method}_{_name}"] = (RAW_TO_SDK, within(probe.refused_unsent("TypeError")))
    DIFFERENCES[f"{_method}_Team"] = (REF_REFUSED, within(probe.refused_unsent("ValidationError")))
DIFFERENCES["json_schema_Order"] = (
    TYPED_DICT_REFUSED,
    within(probe.refused_unsent("TypeError")),
)
for _name in ("Person", "Drawing", "Node", "Team"):
    DIFFERENCES[f"json_schema_{_name}"] = (
        (RAW_IGNORED, SCHEMA_KEY[0]),
        within(cohere_suite._all(raw_ignored, SCHEMA_KEY[1])),
    )
for _name in ("Person", "Drawing", "Node", "Team", "Order"):
    DIFFERENCES[f"json_mode_{_name}"] = (RAW_IGNORED, within(raw_ignored))
DIFFERENCES["json_schema_unfit"] = (
    (RAW_RAISES, SCHEMA_KEY[0]),
    within(cohere_suite._all(raw_ignored, SCHEMA_KEY[1])),
)
DIFFERENCES["json_mode_unfit"] = (RAW_RAISES, within(raw_ignored))

SUITE = dataclasses.replace(probe_y.SUITE.beside(SCRIPTS, DIFFERENCES))
test_probe_q_same_as_langchain_cohere = SUITE.same_test()
