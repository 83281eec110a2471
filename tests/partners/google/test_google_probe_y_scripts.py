"""ChatGoogleGenerativeAI in the probe_y set's scripts (`tests/partners/_probe_y.py`),
compared as `test_google_sidebyside.py` compares."""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable
from typing import Any

from tests.partners import _probe_y as probe
from tests.partners._probe_y import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._sidebyside import RANDOM
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Handler
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import attempted
from tests.partners.google import test_google_sidebyside as genai_suite
from tests.partners.google._scripts import error_body
from tests.partners.google.test_google_sidebyside import KEY
from tests.partners.google.test_google_sidebyside import MODEL
from tests.partners.google.test_google_sidebyside import gemini_replies

#: The arguments the scripted model calls each function with.
ARGS = {"add": {"a": 1, "b": 2}, "mul": {"a": 2, "b": 3}, "Sum": {"total": 3}}

#: The fields of a `Tool` and of a `ToolConfig` the Gemini API knows (camelCase, and
#: the snake_case proto3 JSON takes alike).
_TOOL_FIELDS = {
    "functionDeclarations",
    "function_declarations",
    "googleSearch",
    "google_search",
    "googleSearchRetrieval",
    "codeExecution",
    "code_execution",
    "urlContext",
    "url_context",
    "retrieval",
    "enterpriseWebSearch",
    "googleMaps",
    "computerUse",
    "fileSearch",
}
_CONFIG_FIELDS = {"functionCallingConfig", "function_calling_config", "retrievalConfig"}


def _unknown(where: str, name: str) -> dict[str, Any]:
    """Gemini's 400 for a field its proto does not have."""
    message = (
        f"Invalid JSON payload received. Unknown name \"{name}\" at '{where}': Cannot find field."
    )
    return error_body(400, "INVALID_ARGUMENT", message)


def answering(replies: Callable[..., Handler]) -> Handler:
    """A Gemini model over a suite's reply builder `replies`: a 400 for a prompt that says
    FAIL and for a tool or tool config of fields the API lacks (as it refuses them),
    a call of the first function allowed until the conversation holds a function's
    response, JSON where JSON is asked, text."""
    text = replies()
    formatted = replies([{"text": '{"total": 3}'}])

    def answer(seen: Seen) -> Reply:
        """The reply, naming the model asked (its `modelVersion`), as Gemini names it."""
        reply = reply_of(seen)
        asked = re.search(r"models/([^:/]+):", seen.path)
        if asked and asked[1] != MODEL:
            was, now = (b'"modelVersion": "%s"' % m.encode() for m in (MODEL, asked[1]))
            reply.pieces = [piece.replace(was, now) for piece in reply.pieces]
        return reply

    def reply_of(seen: Seen) -> Reply:
        body = seen.body if isinstance(seen.body, dict) else {}
        contents = body.get("contents", [])
        if ":countTokens" in seen.path:  # (no `contents`: the system instruction alone)
            counted = genai_suite.counted({"contents": [], **body})
            return Reply(200, [json.dumps(counted).encode()])
        if seen.method == "GET":
            return text(seen)
        if "FAIL" in json.dumps(contents):
            error = error_body(400, "INVALID_ARGUMENT", "Bad prompt.")
            return replies(status=400, error=error)(seen)
        for i, tool in enumerate(body.get("tools", [])):
            for name in set(tool) - _TOOL_FIELDS:
                return replies(status=400, error=_unknown(f"tools[{i}]", name))(seen)
        for name in set(body.get("toolConfig") or {}) - _CONFIG_FIELDS:
            return replies(status=400, error=_unknown("tool_config", name))(seen)
        declared = [
            d["name"] for t in body.get("tools", []) for d in t.get("functionDeclarations", [])
        ]
        answered = any("functionResponse" in p for c in contents for p in c.get("parts", []))
        if declared and not answered:
            config = (body.get("toolConfig") or {}).get("functionCallingConfig") or {}
            name = (config.get("allowedFunctionNames") or declared)[0]
            call = {"functionCall": {"name": name, "args": ARGS.get(name, ARGS["add"])}}
            return replies([call])(seen)
        if (body.get("generationConfig") or {}).get("responseMimeType") == "application/json":
            return formatted(seen)
        return text(seen)

    return answer


answer = answering(gemini_replies)


def make(cls: Any, url: str, **settings: Any) -> Any:
    settings.setdefault("model", MODEL)
    return cls(base_url=url, google_api_key=KEY, **settings)


def refusals_alike(script: probe.Script) -> probe.Script:
    """`script` attempted: what it gives, or the class of what refused it (a setting
    neither class has, `configurable_fields(max_tokens=...)`: both refuse it)."""

    def attempt(cls: Any, url: str) -> Any:
        return attempted(lambda: script(cls, url))

    return attempt


def configurable_output_tokens(make: probe.Make) -> probe.Script:
    def script(cls: Any, url: str) -> Any:
        """`configurable_dropin` over the fields the class has (`max_output_tokens`,
        where LangChain's `max_tokens` is an alias): the specs, and each model chosen."""
        from langchain_core.runnables import ConfigurableField

        model = make(cls, url).configurable_fields(
            temperature=ConfigurableField(id="temp", name="Temperature"),
            max_output_tokens=ConfigurableField(id="most"),
        )
        specs = [(s.id, s.name, s.default, str(s.annotation)) for s in model.config_specs]
        hot = model.with_config(configurable={"temp": 0.9, "most": 5}).invoke("Hi")
        either = make(cls, url).configurable_alternatives(
            ConfigurableField(id="which"), default_key="a", b=make(cls, url, temperature=0.0)
        )
        chosen = either.with_config(configurable={"which": "b"})
        return {"specs": specs, "hot": hot, "b": chosen.invoke("Hi"), "a": either.invoke("Hi")}

    return script


def gemini_scripts(made: probe.Make) -> dict[str, probe.Script]:
    """Every script of the set for a Gemini wire, each model made by `made`."""
    rows = {name: factory(made) for name, factory in probe.FACTORIES.items()}
    rows["usage_by_model"] = probe.usage_by_model(made, "gemini-2.5-pro")
    rows["foreign_tool_forms"] = probe.foreign_tool_forms(
        made, probe.OPENAI_TOOL, probe.OPENAI_CHOICE
    )
    rows["anthropic_tool_forms"] = probe.foreign_tool_forms(
        made, probe.ANTHROPIC_TOOL, probe.ANTHROPIC_CHOICE
    )
    rows["configurable_dropin"] = refusals_alike(probe.configurable_dropin(made))
    rows["configurable_output_tokens"] = configurable_output_tokens(made)
    return rows


SCRIPTS = {name: (answer, script) for name, script in gemini_scripts(make).items()}
SCRIPTS["round_trip"] = (answer, probe.round_trip(make, "GOOGLE_API_KEY"))


def choice_object_kept(outcome: Outcome) -> Outcome:
    """Theirs declared the function and the other API's tool dict, and refused its choice
    object (ValueError) before any request; ours the same two, and the choice sent as
    Gemini's (`mode: ANY` allowing `mul` alone) and answered. Then ours read as theirs."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs["foreign_choice"] == {"refused": "ValueError"}, theirs
    assert ours["foreign_choice"]["tool_calls"][0]["name"] == "mul", ours
    forced = [r for r in our_requests if "toolConfig" in r["body"]]
    assert [r["body"]["toolConfig"]["functionCallingConfig"] for r in forced] == [
        {"mode": "ANY", "allowedFunctionNames": ["mul"]}
    ], our_requests
    ours = {**ours, "foreign_choice": theirs["foreign_choice"]}
    return theirs, ours, their_requests, [r for r in our_requests if r not in forced]


#: `add`'s parameters as Gemini's OpenAPI subset declares them.
ADD_PARAMETERS = {
    "type": "OBJECT",
    "properties": {"a": {"type": "INTEGER"}, "b": {"type": "INTEGER"}},
    "required": ["a", "b"],
}


def _anthropic_forms_kept(outcome: Outcome) -> Outcome:
    """`choice_object_kept`, and Anthropic's tool dict declared by theirs without its
    parameters (`input_schema` dropped), by ours with them: read as theirs once seen."""
    theirs, ours, their_requests, our_requests = choice_object_kept(outcome)
    bare = {"name": "add", "description": "Add two integers."}
    declared = [r["body"]["tools"][0]["functionDeclarations"] for r in our_requests]
    assert [bare] in [r["body"]["tools"][0]["functionDeclarations"] for r in their_requests]
    ours_whole = declared.index([{**bare, "parameters": ADD_PARAMETERS}])
    del declared[ours_whole][0]["parameters"]
    return theirs, ours, their_requests, our_requests


#: langchain-google-genai's (and -vertexai's) refusal of Anthropic's choice object.
ANTHROPIC_OBJECT_REFUSED = Difference(
    Reason.RAISES,
    "refuses Anthropic's tool_choice object (`{'type': 'tool', 'name': ...}`), bound, "
    "with a ValueError when called (an unrecognized tool choice format)",
    "the object is read as the choice of that tool: `ANY` mode allowing that function "
    "alone is sent",
)
ANTHROPIC_TOOL_BARE = Difference(
    Reason.LOSES_DATA,
    "a tool given to a call in Anthropic's format (`name`, `description`, "
    "`input_schema`) is declared without its parameters: `input_schema` is dropped and "
    "the model is never told the tool's arguments",
    "the tool is declared with its `input_schema` as its parameters, as `bind_tools` declares it",
)

#: Why `copied_and_pickled` is kept: google-genai's client holds a lock.
COPIES_REFUSED = Difference(
    Reason.RAISES,
    "the model cannot be deep-copied (`copy.deepcopy`, `model_copy(deep=True)`) or "
    "pickled: a TypeError (cannot pickle '_thread.lock' object) from the google-genai "
    "client it holds",
    "the copy, or the unpickled model, is the same model: it sends the same request and "
    "reads the reply alike",
)

#: Script -> (why it may differ, how the outcome is read before comparing).
DIFFERENCES: dict[str, Any] = {
    "foreign_tool_forms": (genai_suite.OPENAI_OBJECT_REFUSED, choice_object_kept),
    "anthropic_tool_forms": (
        (ANTHROPIC_OBJECT_REFUSED, ANTHROPIC_TOOL_BARE),
        _anthropic_forms_kept,
    ),
    "copied_and_pickled": (COPIES_REFUSED, probe.copies_kept),
}

#: A function call's id where Gemini sends none: drawn per run by the partner (uuid4),
#: of that shape by chatplex (stable per reply); read as `RANDOM` wherever a script shows
#: it (a block's, a chunk's), as the suite reads a message's calls' ids.
_UUID4 = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}")


def call_ids_masked(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: call_ids_masked(v) for k, v in value.items()}
    if isinstance(value, list):
        return [call_ids_masked(v) for v in value]
    return RANDOM if isinstance(value, str) and _UUID4.fullmatch(value) else value


def _result(value: Any) -> Any:
    return call_ids_masked(genai_suite._comparable_result(value))


SUITE = dataclasses.replace(genai_suite.SUITE.beside(SCRIPTS, DIFFERENCES), result=_result)
test_probe_y_same_as_langchain_google_genai = SUITE.same_test()
