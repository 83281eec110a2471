"""A call's `tool_choice` on ChatOpenAI (Chat Completions) with no tool bound, side by
side: langchain-openai's and the drop-in against one local server.

langchain-openai hands a call's keywords to the request as given, so `invoke(x,
tool_choice="auto")` sends `tool_choice` with no `tools`, which OpenAI's API refuses
("'tool_choice' is only allowed when 'tools' are specified", a 400). The drop-in sends
no choice for "auto" or "none" (nothing means the same without tools) and refuses a
choice that needs a tool before any request. (The Responses API answers such a request
itself: there both send it, `tests/partners/responses`.)"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests._replies import chat_completion
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import attempted
from tests.partners.openai._both import at_server
from tests.partners.openai._both import scripts_test

pytest.importorskip("langchain_openai")


def _called(choice: str) -> Callable[[Any, str], Any]:
    def script(cls: Any, url: str) -> Any:
        return attempted(lambda: at_server(cls, url).invoke("Hi", tool_choice=choice))

    return script


SCRIPTS = {f"choice_{choice}": _called(choice) for choice in ("auto", "none", "required")}


def _choice_left_out(outcome: Outcome) -> Outcome:
    """Theirs sent the choice alone; ours the same call without it. Then ours read as
    theirs."""
    theirs, ours, their_requests, our_requests = outcome
    (their_request,), (our_request,) = their_requests, our_requests
    their_body, our_body = their_request["body"], our_request["body"]
    assert their_body["tool_choice"] in ("auto", "none") and "tools" not in their_body
    assert {k: v for k, v in their_body.items() if k != "tool_choice"} == our_body
    assert ours == theirs
    return theirs, theirs, their_requests, their_requests


def _needs_tools(outcome: Outcome) -> Outcome:
    """Theirs sent `tool_choice: "required"` with no tools; ours refused it before any
    request, naming the missing tools. Then ours read as theirs."""
    theirs, ours, their_requests, our_requests = outcome
    (their_request,) = their_requests
    assert their_request["body"]["tool_choice"] == "required", their_request
    assert ours == {"refused": "ValueError"} and not our_requests, (ours, our_requests)
    return theirs, theirs, their_requests, their_requests


_SENT_ALONE = (
    "sends a call's `tool_choice` with no tool bound, which OpenAI's API refuses "
    "(`'tool_choice' is only allowed when 'tools' are specified`, a 400)"
)


def _left_out(choice: str) -> tuple[Why, Callable[[Outcome], Outcome]]:
    """The row of a choice the drop-in leaves out without tools."""
    instead = f'sends the call without the choice: "{choice}" with no tools means the same'
    return Difference(Reason.REJECTED, _SENT_ALONE, instead), _choice_left_out


DIFFERENCES: dict[str, tuple[Why, Callable[[Outcome], Outcome]]] = {
    "choice_auto": _left_out("auto"),
    "choice_none": _left_out("none"),
    "choice_required": (
        Difference(
            Reason.REJECTED,
            _SENT_ALONE,
            'raises ValueError before any request: "required" needs a tool to call',
        ),
        _needs_tools,
    ),
}

test_same_as_langchain_openai = scripts_test(
    SCRIPTS,
    lambda seen: Reply(200, [json.dumps(chat_completion("Hello", created=1)).encode()]),
    DIFFERENCES,
)
