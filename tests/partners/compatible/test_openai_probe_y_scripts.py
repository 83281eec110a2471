"""ChatOpenAI (Chat Completions) in the probe_y set's scripts (`tests/partners/_probe_y.py`),
run as the compatible suite runs its scripts."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.partners import _probe_y as probe
from tests.partners._probe_y import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._probe_y import tiktoken_offline  # noqa: F401 - autouse: no download
from tests.partners._sidebyside import Handler
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import assert_same
from tests.partners._sidebyside import kept_out
from tests.partners.compatible import test_compatible_sidebyside as suite
from tests.partners.compatible.test_compatible_sidebyside import Script
from tests.partners.compatible.test_openai_reasoning_sidebyside import OPENAI

_TEXT = suite.answer(Script(), OPENAI)
_CALL = suite.answer(Script(tool_args={"a": 1, "b": 2}), OPENAI)
_JSON = suite.answer(Script('{"total": 3}'), OPENAI)
_FAILED = {"message": "Bad prompt", "type": "invalid_request_error", "param": None, "code": None}
#: OpenAI's refusals of a tool and a tool choice in another API's format.
_NO_TYPE = {
    **_FAILED,
    "message": "Missing required parameter: 'tools[0].type'.",
    "param": "tools[0].type",
    "code": "missing_required_parameter",
}
_CHOICE_TYPES = ("function", "allowed_tools", "custom")
_NOT_A_CHOICE = {
    **_FAILED,
    "message": "Invalid value: 'tool'. Supported values are: 'none', 'auto', 'required', "
    "'function', 'allowed_tools', and 'custom'.",
    "param": "tool_choice.type",
    "code": "invalid_value",
}


def refusal_of_foreign_forms(body: dict[str, Any]) -> Reply | None:
    """OpenAI's 400 for a tool or a tool choice in Anthropic's format; None for others."""
    if any("type" not in tool for tool in body.get("tools", [])):
        return Reply(400, [json.dumps({"error": _NO_TYPE}).encode()])
    choice = body.get("tool_choice")
    if isinstance(choice, dict) and choice.get("type") not in _CHOICE_TYPES:
        return Reply(400, [json.dumps({"error": _NOT_A_CHOICE}).encode()])
    return None


def answering(
    text: Handler, call: Handler, formatted: Handler, failing_model: str | None = None
) -> Handler:
    """A Chat Completions server: a 400 for a prompt that says FAIL (or to the model
    `failing_model`) and for a tool or tool choice in Anthropic's format (as OpenAI
    refuses them), `formatted` where a format is asked, `call` (a call of the first tool)
    until the conversation holds its result, `text`."""

    def answer(seen: Seen) -> Reply:
        body = seen.body or {}
        messages = body.get("messages", [])
        failing = failing_model is not None and body.get("model") == failing_model
        if "FAIL" in json.dumps(messages) or failing:
            return Reply(400, [json.dumps({"error": _FAILED}).encode()])
        refused = refusal_of_foreign_forms(body)
        if refused is not None:
            return refused
        if body.get("response_format"):
            return formatted(seen)
        if body.get("tools") and not any(m.get("role") == "tool" for m in messages):
            return call(seen)
        return text(seen)

    return answer


answer = answering(_TEXT, _CALL, _JSON, failing_model="gpt-fail")


def make(cls: Any, url: str, **settings: Any) -> Any:
    settings.setdefault("model", OPENAI.model)
    return cls(api_key=suite.KEY, base_url=OPENAI.base(url), **settings)


def openai_scripts(made: Callable[..., Any]) -> dict[str, probe.Script]:
    """Every script of the set for an OpenAI API, each model made by `made`."""
    rows = {name: factory(made) for name, factory in probe.FACTORIES.items()}
    rows["usage_by_model"] = probe.usage_by_model(made, "gpt-4o")
    rows["counted_trimmed"] = probe.counted_trimmed(made, model="gpt-4")
    rows["round_trip"] = probe.round_trip(made, "OPENAI_API_KEY")
    rows["foreign_tool_forms"] = probe.foreign_tool_forms(
        made, probe.ANTHROPIC_TOOL, probe.ANTHROPIC_CHOICE
    )
    return rows


SCRIPTS = openai_scripts(make)

FOREIGN_FORMS_WHY = probe.foreign_forms_why(
    "OpenAI",
    "Anthropic's `{'name': ..., 'input_schema': {...}}`",
    "Anthropic's `{'type': 'tool', 'name': ...}`",
)

#: (package, script) -> (why it may differ, how the outcome is read before comparing).
DIFFERENCES: dict[tuple[str, str], tuple[Why, Callable[[Outcome], Outcome]]] = {
    ("openai", "foreign_tool_forms"): (
        FOREIGN_FORMS_WHY,
        probe.foreign_forms_kept("OpenAIInvalidRequestError"),
    ),
    ("openai", "copied_and_pickled"): (probe.COPIES_REFUSED, probe.copies_kept),
}


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_probe_y_same_as_langchain_openai(name: str, server: ScriptedServer) -> None:
    server.handler = answer
    script = SCRIPTS[name]
    outcome = suite.run_with(OPENAI, script, server)
    assert_same(kept_out(suite.without_added_fields(outcome), DIFFERENCES, ("openai", name)))
