"""ChatOpenAI (Chat Completions) and the OpenAI-compatible presets' partner classes in the
probe_q set's scripts (`tests/partners/_probe_q.py`): the schemas a script's tools and
structured output send (nested models, `$defs`, `Optional`, `Literal`, `Enum`, unions, a
recursive model, a TypedDict, a JSON schema dict, an OpenAI tool dict, `@tool`
functions), as each sends its tools and `response_format`, with `strict=True` where
taken (OpenAI's strict rewriting of `additionalProperties` and `required`); the parsed
output of a scripted call or JSON text, and of one that does not fit; run as the
compatible suite runs its scripts."""

from __future__ import annotations

from typing import Any

import pytest

from tests.partners import _probe_q as probe
from tests.partners._probe_y import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._probe_y import tiktoken_offline  # noqa: F401 - autouse: no download
from tests.partners._probe_z import within
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import assert_same
from tests.partners._sidebyside import kept_out
from tests.partners.compatible import test_compatible_sidebyside as suite
from tests.partners.compatible.test_compatible_sidebyside import PACKAGES
from tests.partners.compatible.test_compatible_sidebyside import Package
from tests.partners.compatible.test_compatible_sidebyside import Script
from tests.partners.compatible.test_openai_probe_y_scripts import answering
from tests.partners.compatible.test_openai_reasoning_sidebyside import OPENAI
from tests.partners.compatible.test_presets_probe_y_scripts import _make

METHODS = ("function_calling", "json_schema", "json_mode")
#: Each package compared, and the methods each takes `strict=True` by (and whether its
#: `bind_tools` takes it).
STRICT: dict[str, tuple[tuple[str, ...], bool]] = {
    "openai": (("function_calling", "json_schema"), True),
    "groq": (("json_schema",), False),
    "xai": (("function_calling", "json_schema"), False),
    "deepseek": ((), True),
    "mistralai": ((), False),
    "fireworks": ((), False),
    "together": ((), False),
}
_PACKAGES = {"openai": OPENAI, **{name: PACKAGES[name] for name in STRICT if name != "openai"}}


def _answer(p: Package) -> Any:
    """The package's server answering the set's questions: a call of the tool offered
    (or forced), else the arguments as JSON text; the probe_y set's answers else."""
    return probe.answering(
        lambda name, args: suite.answer(Script(tool_args=args), p),
        lambda text: suite.answer(Script(text), p),
        probe.function_names,
        answering(
            suite.answer(Script(), p),
            suite.answer(Script(tool_args={"a": 1, "b": 2}), p),
            suite.answer(Script('{"total": 3}'), p),
        ),
    )


SCRIPTS = {
    (name, row): script
    for name, (strict, tools) in STRICT.items()
    for row, script in probe.scripts(
        _make(_PACKAGES[name]), METHODS, strict=strict, strict_tools=tools
    ).items()
}


def _format_holding_schema(body: dict[str, Any]) -> dict[str, Any]:
    """The dict holding a request's response format's `schema` (OpenAI's `json_schema`,
    or the format itself, as Fireworks takes it)."""
    fmt = body["response_format"]
    held: dict[str, Any] = fmt.get("json_schema", fmt)
    return held


def recursion_kept(outcome: Outcome) -> Outcome:
    """Their response format's schema with the tree's recursion cut (its children's
    items `{}`), ours a `$ref` to its own definition in `$defs`, in each request; then
    ours read as theirs."""
    theirs, ours, their_requests, our_requests = outcome
    assert len(their_requests) == len(our_requests) == 2, (their_requests, our_requests)
    for their_request, our_request in zip(their_requests, our_requests, strict=True):
        their_format = _format_holding_schema(their_request["body"])
        our_format = _format_holding_schema(our_request["body"])
        assert their_format["schema"]["properties"]["children"]["items"] == {}, their_format
        our_schema = our_format["schema"]
        assert our_schema["$ref"] == "#/$defs/Node", our_format
        node = our_schema["$defs"]["Node"]["properties"]["children"]
        assert node["items"] == {"$ref": "#/$defs/Node"}, our_format
        our_format["schema"] = their_format["schema"]
    return theirs, ours, their_requests, our_requests


RECURSION_CUT = Difference(
    Reason.LOSES_DATA,
    "`with_structured_output(..., method='json_schema')` of a recursive pydantic model "
    "(a tree whose children are its own class) sends a response format whose recursion "
    "is cut: a child's schema is `{}`, so the model is never told a child's fields and "
    "the tree below the first level is unconstrained",
    "the response format is the model's JSON Schema whole: the tree a `$ref` to its own "
    "definition in `$defs`, as langchain-openai sends it",
)
#: (package, script) -> (why it may differ, how the outcome is read before comparing).
DIFFERENCES: dict[tuple[str, str], Any] = {
    (name, row): (RECURSION_CUT, within(recursion_kept))
    for name, row in (
        ("groq", "json_schema_Node"),
        ("groq", "json_schema_strict_Node"),
        ("mistralai", "json_schema_Node"),
        ("fireworks", "json_schema_Node"),
    )
}


def run(key: tuple[str, str], server: ScriptedServer) -> Outcome:
    """The script `key` names with its package's classes, as the suite compares it."""
    package = _PACKAGES[key[0]]
    server.handler = _answer(package)
    outcome = suite.run_with(package, SCRIPTS[key], server)
    return kept_out(suite.without_added_fields(outcome), DIFFERENCES, key)


@pytest.mark.parametrize("key", sorted(SCRIPTS), ids="-".join)
def test_probe_q_same_as_each_partner(key: tuple[str, str], server: ScriptedServer) -> None:
    assert_same(run(key, server))
