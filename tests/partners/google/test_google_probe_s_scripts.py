"""ChatGoogleGenerativeAI side by side in a script that sends back a hand-written
history: an AIMessage holding a tool call and an invalid tool call, each answered by a
ToolMessage, then a new question; invoked and streamed. Compared as the suite of
`test_google_sidebyside.py` compares its scripts."""

from __future__ import annotations

from typing import Any

from tests.partners._sidebyside import add
from tests.partners.google._suites import gemini_suite
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


SCRIPTS = {"invalid_call_answered": (gemini_replies(), invalid_call_answered)}

SUITE = gemini_suite(SCRIPTS)
test_probe_s_scripts_same_as_langchain_google_genai = SUITE.same_test()
