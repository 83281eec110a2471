"""ChatFireworks' `bind_tools(tools, tool_choice=...)` side by side with langchain-fireworks'
(issue 63: Fireworks `tool_choice`): for each choice a script gives ("auto", "any", "none",
a tool's name, OpenAI's object naming a tool, True beside one tool, None, False, ""), what
is bound (`bound.kwargs`, which callbacks and tracers see) and the request each call sends,
against the same scripted server. "required" and True beside two tools are the compatible
suite's kept rows (`tool_choice_bound`); a tool name no bound tool has is kept here."""

from __future__ import annotations

import json
from typing import Any

from tests.partners._sidebyside import NAMED
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import add
from tests.partners._sidebyside import assert_same
from tests.partners._sidebyside import attempted
from tests.partners._sidebyside import kept_out
from tests.partners._sidebyside import mul
from tests.partners.compatible.test_compatible_sidebyside import PACKAGES
from tests.partners.compatible.test_compatible_sidebyside import TOOL
from tests.partners.compatible.test_compatible_sidebyside import Package
from tests.partners.compatible.test_compatible_sidebyside import _model
from tests.partners.compatible.test_compatible_sidebyside import run_script

#: label -> (the choice, how many of `add`, `mul` are bound beside it).
CHOICES: dict[str, tuple[Any, int]] = {
    "auto": ("auto", 2),
    "any": ("any", 2),
    "none": ("none", 2),
    "a tool's name": ("add", 2),
    "OpenAI's object": (NAMED, 2),
    "True, one tool": (True, 1),
    "None": (None, 2),
    "False": (False, 2),
    "empty": ("", 2),
}


def choices_sent(cls: Any, p: Package, url: str) -> Any:
    """Each choice bound, then invoked: the bound keywords (the tools aside) and reply."""
    found = {}
    for label, (choice, count) in CHOICES.items():
        bound = _model(cls, p, url).bind_tools([add, mul][:count], tool_choice=choice)
        kwargs = {k: v for k, v in bound.kwargs.items() if k != "tools"}
        found[label] = {"bound": kwargs, "reply": bound.invoke("1+2?")}
    return found


def unbound_name(cls: Any, p: Package, url: str) -> Any:
    """A tool name no bound tool has, as a script's typo or a tool list changed."""
    return attempted(
        lambda: _model(cls, p, url).bind_tools([add], tool_choice="mul").invoke("1+2?")
    )


def _unbound_refused(outcome: Outcome) -> Outcome:
    """Theirs sent the function named; ours refused before any request: read as ours."""
    theirs, ours, their_requests, our_requests = outcome
    [request] = their_requests
    assert request["body"]["tool_choice"] == {"type": "function", "function": {"name": "mul"}}
    assert [t["function"]["name"] for t in request["body"]["tools"]] == ["add"]
    assert ours == {"refused": "ValueError"} and not our_requests
    return ours, ours, our_requests, our_requests


DIFFERENCES: dict[tuple[str, str], tuple[Any, Any]] = {
    ("fireworks", "tool_choice_unbound_name"): (
        Difference(
            Reason.REJECTED,
            "sends a tool_choice naming a tool that is not bound (`tool_choice='mul'` "
            "beside `add` alone) as a function of that name: Fireworks refuses it, or the "
            "model is forced to a tool nobody offered",
            "`bind_tools` raises ValueError naming the bound tools, before any request",
        ),
        _unbound_refused,
    ),
}
SCRIPTS = {"tool_choice_sent": choices_sent, "tool_choice_unbound_name": unbound_name}


def test_each_tool_choice_is_bound_and_sent_as_langchain_fireworks_does(
    server: ScriptedServer,
) -> None:
    outcome = run_script(PACKAGES["fireworks"], TOOL, choices_sent, server)
    sent = sorted(json.dumps(r["body"].get("tool_choice", "<none>")) for r in outcome[2])
    expected = ["auto", "any", "none", NAMED, NAMED, NAMED, "<none>", "<none>", "<none>"]
    assert sent == sorted(json.dumps(choice) for choice in expected)
    assert_same(outcome)


def test_a_tool_name_not_bound_is_refused_before_any_request(server: ScriptedServer) -> None:
    key = ("fireworks", "tool_choice_unbound_name")
    outcome = run_script(PACKAGES["fireworks"], TOOL, unbound_name, server)
    assert_same(kept_out(outcome, DIFFERENCES, key))
