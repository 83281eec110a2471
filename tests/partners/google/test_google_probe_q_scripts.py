"""ChatGoogleGenerativeAI in the probe_q set's scripts (`tests/partners/_probe_q.py`): the
schemas a script's tools and structured output send (nested models, `$defs`, `Optional`,
`Literal`, `Enum`, unions, a recursive model, a TypedDict, a JSON schema dict, an OpenAI
tool dict, `@tool` functions), each converted to Gemini's function declarations and
response schema; the parsed output of a scripted call or JSON text, and of one that does
not fit; compared as `test_google_sidebyside.py` compares."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

from tests.partners import _probe_q as probe
from tests.partners import _probe_z as probe_z
from tests.partners._probe_y import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Handler
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners.google import test_google_probe_y_scripts as probe_y
from tests.partners.google import test_google_sidebyside as genai_suite
from tests.partners.google.test_google_sidebyside import gemini_replies

METHODS = ("function_calling", "json_schema", "json_mode")


def declared(body: dict[str, Any]) -> list[str]:
    """The functions a Gemini request declares, by name."""
    return [d["name"] for t in body.get("tools", []) for d in t.get("functionDeclarations", [])]


def gemini_answer(replies: Any) -> Handler:
    """A Gemini model (a suite's reply builder `replies`) answering the set's questions:
    a call of the first function declared, else the arguments as JSON text; the probe_y
    set's model for the rest."""
    return probe.answering(
        lambda name, args: replies([{"functionCall": {"name": name, "args": args}}]),
        lambda text: replies([{"text": text}]),
        declared,
        probe_y.answering(replies),
    )


answer = gemini_answer(gemini_replies)
SCRIPTS = probe.answered_scripts(answer, probe_y.make, METHODS)


def _schema_pairs(their_requests: list[Any], our_requests: list[Any]) -> list[Any]:
    """Each schema their requests sent in the OpenAPI subset (a declaration's
    `parameters`, `responseSchema`) where ours sent it whole (`parametersJsonSchema`,
    `responseJsonSchema`): (the dict holding theirs, the dict holding ours, the key of
    each)."""
    pairs = []
    for theirs, ours in zip(their_requests, our_requests, strict=True):
        their_body, our_body = theirs["body"] or {}, ours["body"] or {}
        holders = [(their_body.get("generationConfig"), our_body.get("generationConfig"))]
        for their_tool, our_tool in zip(
            their_body.get("tools") or [], our_body.get("tools") or [], strict=True
        ):
            declared = (
                their_tool.get("functionDeclarations"),
                our_tool.get("functionDeclarations"),
            )
            holders += list(zip(*(d or [] for d in declared), strict=True))
        for their_holder, our_holder in holders:
            for subset, whole in (
                ("parameters", "parametersJsonSchema"),
                ("responseSchema", "responseJsonSchema"),
            ):
                if subset in (their_holder or {}) and whole in (our_holder or {}):
                    pairs.append((their_holder, our_holder, subset, whole))
    return pairs


def whole_schemas(outcome: Outcome) -> Outcome:
    """Their schemas in the OpenAPI subset (a declaration's `parameters`, a
    `responseSchema`: what the subset lacks dropped), ours whole (`parametersJsonSchema`,
    `responseJsonSchema`), at least one, compared apart: each of their functions'
    parameters seen to say less than ours (fewer keys), or a recursive model's children
    as strings where ours leaves them open (langchain-core's conversion cuts the
    recursion to `{}`); a response schema goes whole whatever it holds (Vertex's suite's
    kept difference)."""
    theirs, ours, their_requests, our_requests = outcome
    pairs = _schema_pairs(their_requests, our_requests)
    assert pairs, (their_requests, our_requests)
    for their_holder, our_holder, subset_key, whole_key in pairs:
        subset = json.dumps(their_holder.pop(subset_key))
        whole = json.dumps(our_holder.pop(whole_key))
        fewer = len(_KEYS.findall(subset)) < len(_KEYS.findall(whole))
        as_text = _AS_TEXT in subset and _OPEN in whole
        assert fewer or as_text or subset_key == "responseSchema", (subset, whole)
    return theirs, ours, their_requests, our_requests


#: A key of a JSON text.
_KEYS = re.compile(r'"[^"]+": ')
#: A recursive model's children: theirs, ours.
_AS_TEXT = '"children": {"items": {"type": "STRING"}'
_OPEN = '"children": {"items": {}'


def unforced_recursive(outcome: Outcome) -> Outcome:
    """`whole_schemas`, and their requests without a function calling config (the
    recursive model's function not forced), ours forcing it: read as theirs once seen."""
    theirs, ours, their_requests, our_requests = whole_schemas(outcome)
    forced = {"functionCallingConfig": {"mode": "ANY", "allowedFunctionNames": ["Node"]}}
    assert not any("toolConfig" in r["body"] for r in their_requests), their_requests
    assert all(r["body"].pop("toolConfig") == forced for r in our_requests), our_requests
    return theirs, ours, their_requests, our_requests


#: The genai suite's: parameters the OpenAPI subset would lose go whole.
WHOLE = genai_suite.DIFFERENCES["tool_with_default"][0]
CHILDREN_AS_TEXT = Difference(
    Reason.LOSES_DATA,
    "a recursive pydantic model (a tree whose children are its own class) is declared "
    "with its children as strings (`items: STRING`): the model is told to send text "
    "where the schema takes objects, which then fail validation",
    "the children go as the JSON Schema langchain-core gives them (items of any type), "
    "in `parametersJsonSchema`",
)
UNFORCED = Difference(
    Reason.LOSES_DATA,
    "`with_structured_output` of a recursive pydantic model (a tree whose children are "
    "its own class) with `method='function_calling'` does not force the function: its "
    "name is not found in its own conversion of the schema, so no tool choice is sent, "
    "and a model answering in text gives a structured output of None",
    "the model's function is forced (`ANY` mode allowing it alone), as for any other schema",
)
#: Script -> (why it may differ, how the outcome is read before comparing).
DIFFERENCES: dict[str, Any] = {
    name: (WHOLE, probe_z.within(whole_schemas))
    for name in (
        "tool_Person",
        "tool_Drawing",
        "tool_convert",
        "tool_search_flights",
        "function_calling_Person",
        "function_calling_Drawing",
        "function_calling_unfit",
    )
}
DIFFERENCES["tool_Node"] = (CHILDREN_AS_TEXT, probe_z.within(whole_schemas))
DIFFERENCES["function_calling_Node"] = (
    (CHILDREN_AS_TEXT, UNFORCED),
    probe_z.within(unforced_recursive),
)

SUITE = dataclasses.replace(probe_y.SUITE.beside(SCRIPTS, DIFFERENCES))
test_probe_q_same_as_langchain_google_genai = SUITE.same_test()
