"""ChatGoogleGenerativeAI side by side in scripts that send back a hand-written history:
an AIMessage holding a tool call and an invalid tool call, each answered by a
ToolMessage, then a new question (invoked and streamed); a system message after the
conversation started, with none before it. Compared as the suite of
`test_google_sidebyside.py` compares its scripts."""

from __future__ import annotations

from typing import Any

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import add
from tests.partners.google import test_google_sidebyside as genai_suite
from tests.partners.google.test_google_sidebyside import gemini_replies
from tests.partners.google.test_google_sidebyside import model


def invalid_call_answered(cls: Any, url: str) -> Any:
    """The invalid call is never sent, and neither is its answer (no name to send it
    under): the reply, invoked and streamed."""
    from langchain_core.messages import AIMessage
    from langchain_core.messages import HumanMessage
    from langchain_core.messages import ToolMessage

    history = [
        HumanMessage("1+2, and 3+?"),
        AIMessage(
            "",
            tool_calls=[{"name": "add", "args": {"a": 1, "b": 2}, "id": "c1", "type": "tool_call"}],
            invalid_tool_calls=[
                {"name": "add", "args": "{3,", "id": "c2", "error": "bad"},
            ],
        ),
        ToolMessage("3", tool_call_id="c1"),
        ToolMessage("error: bad arguments", tool_call_id="c2", status="error"),
        HumanMessage("Thanks. And now?"),
    ]
    bound = model(cls, url).bind_tools([add])
    return [bound.invoke(history), [c.content for c in bound.stream(history)]]


def late_system_message(cls: Any, url: str) -> Any:
    from langchain_core.messages import AIMessage
    from langchain_core.messages import HumanMessage
    from langchain_core.messages import SystemMessage

    history = [
        HumanMessage("Hi"),
        AIMessage("Hello."),
        SystemMessage("Answer in French."),
        HumanMessage("And now?"),
    ]
    return model(cls, url).invoke(history)


SCRIPTS = {
    "invalid_call_answered": (gemini_replies(), invalid_call_answered),
    "late_system_message": (gemini_replies(), late_system_message),
}


def _late_system_sent(outcome: Outcome) -> Outcome:
    """Their request without the system message, ours with it as the system instruction
    (the rest the same): read as theirs once both are checked."""
    theirs, ours, their_requests, our_requests = outcome
    (their_request,) = their_requests
    (our_request,) = our_requests
    assert "systemInstruction" not in their_request["body"], their_request
    body = dict(our_request["body"])
    assert body.pop("systemInstruction") == {"parts": [{"text": "Answer in French."}]}, body
    assert {**our_request, "body": body} == their_request, (our_request, their_request)
    # (the scripted server counts the instruction in the prompt's tokens: the usage differs)
    assert ours["content"] == theirs["content"], (ours, theirs)
    return theirs, theirs, their_requests, their_requests


DIFFERENCES: dict[str, tuple[Why, Any]] = {
    "late_system_message": (
        Difference(
            Reason.LOSES_DATA,
            "drops a system message that comes after the conversation started when none "
            "came first, without a word: the model is never given the instruction",
            "the system message is sent as the request's system instruction, as a later "
            "one is when a first one was given",
        ),
        _late_system_sent,
    ),
}

SUITE = genai_suite.SUITE.beside(SCRIPTS, DIFFERENCES)
test_probe_s_scripts_same_as_langchain_google_genai = SUITE.same_test()
