"""Forcing a custom tool (langchain-openai's `custom_tool`, GPT-5's free-form input) on
the Responses API, side by side, in the Responses suite's frame
(`test_responses_sidebyside.py`): the tool choice a script binds with it.

`{"type": "custom", "name": ...}` is sent as given by both. A bare name is not:
langchain-openai turns every name into `{"type": "function", "name": ...}`, a function
choice naming a tool that is no function, which the API refuses ("Tool choice
'function' not found in 'tools' parameter"); the drop-in refuses it before sending, a
ValueError naming the tools bound (the kept row below)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import attempted
from tests.partners.responses.test_custom_tool_sidebyside import _ITEM
from tests.partners.responses.test_custom_tool_sidebyside import run_sql_tool
from tests.partners.responses.test_responses_sidebyside import SUITE
from tests.partners.responses.test_responses_sidebyside import Script
from tests.partners.responses.test_responses_sidebyside import _model

pytest.importorskip("langchain_openai")


def _forced(choice: Any, how: str = "invoke") -> Callable[[Any, str], Any]:
    def script(cls: Any, url: str) -> Any:
        model = _model(cls, url, model="gpt-5").bind_tools([run_sql_tool()], tool_choice=choice)
        if how == "stream":
            return attempted(lambda: list(model.stream("Who are the users?")))
        return attempted(lambda: model.invoke("Who are the users?"))

    return script


SCRIPTS: dict[str, tuple[Script, Callable[[Any, str], Any]]] = {
    "custom_choice_custom_type": (
        Script(output=[_ITEM]),
        _forced({"type": "custom", "name": "run_sql"}),
    ),
    "custom_choice_required": (Script(output=[_ITEM]), _forced("required")),
    "custom_choice_by_name": (Script(output=[_ITEM]), _forced("run_sql")),
    "custom_choice_by_name_stream": (Script(output=[_ITEM]), _forced("run_sql", "stream")),
}


def _refused_before_a_rejected_request(outcome: Outcome) -> Outcome:
    """Theirs sent a function choice naming the custom tool; ours raised ValueError and
    sent nothing. Then ours is read as theirs."""
    theirs, ours, their_requests, our_requests = outcome
    assert ours == {"refused": "ValueError"} and not our_requests, (ours, our_requests)
    (sent,) = their_requests
    assert sent["body"]["tool_choice"] == {"type": "function", "name": "run_sql"}
    assert [t["type"] for t in sent["body"]["tools"]] == ["custom"]
    return theirs, theirs, their_requests, their_requests


DIFFERENCES: dict[str, tuple[Why, Callable[[Outcome], Outcome]]] = {
    name: (
        Difference(
            Reason.REJECTED,
            "binds a custom tool's name as `tool_choice` as a function's choice "
            '(`{"type": "function", "name": ...}`), which the API refuses: no function '
            "of that name is among the tools",
            'raises ValueError before sending, naming the tools bound; `{"type": "custom", '
            '"name": ...}` forces a custom tool, as in LangChain',
        ),
        _refused_before_a_rejected_request,
    )
    for name in ("custom_choice_by_name", "custom_choice_by_name_stream")
}

CUSTOM_CHOICE = dataclasses.replace(SUITE, scripts=SCRIPTS, differences=DIFFERENCES)
test_custom_choice_same_as_langchain_openai = CUSTOM_CHOICE.same_test()
