"""ChatVertexAI side by side in scripts that send a user turn of empty text: between a
reply and another user turn (as a str, and as a text block), and alone at the end of
the conversation. Compared as the Vertex AI suite compares its scripts."""

from __future__ import annotations

from typing import Any

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import attempted
from tests.partners.vertex import test_vertex_sidebyside as vertex_suite
from tests.partners.vertex.test_vertex_sidebyside import model
from tests.partners.vertex.test_vertex_sidebyside import vertex_replies


def _history(*blank: Any) -> list[Any]:
    from langchain_core.messages import AIMessage
    from langchain_core.messages import HumanMessage

    return [HumanMessage("Hi"), AIMessage("Hello."), *(HumanMessage(b) for b in blank)]


def empty_user_turn_merged(cls: Any, url: str) -> Any:
    """The empty turn's text is left out, the turn merged into the user turn after it."""
    chat = model(cls, url)
    return [chat.invoke(_history(b, "And now?")) for b in ("", [{"type": "text", "text": ""}])]


def empty_user_turn_last(cls: Any, url: str) -> Any:
    """An empty user turn with no user turn beside it: nothing is left to send."""
    return attempted(lambda: model(cls, url).invoke(_history("")))


SCRIPTS = {
    "empty_user_turn_merged": (vertex_replies(), empty_user_turn_merged),
    "empty_user_turn_last": (vertex_replies(), empty_user_turn_last),
}


def _partless_turn_refused(outcome: Outcome) -> Outcome:
    """Theirs sent the last user turn with no parts (the scripted server answered;
    Vertex AI refuses it), ours refused the call with a ValueError before any request:
    read as theirs."""
    theirs, ours, their_requests, our_requests = outcome
    assert ours == {"refused": "ValueError"} and not our_requests, (ours, our_requests)
    (sent,) = their_requests
    assert sent["body"]["contents"][-1] == {"role": "user"}, sent
    return theirs, theirs, their_requests, their_requests


DIFFERENCES: dict[str, tuple[Why, Any]] = {
    "empty_user_turn_last": (
        Difference(
            Reason.REJECTED,
            "sends a last user turn of empty text (`HumanMessage('')`) as a content with "
            "no parts, which Vertex AI refuses (400: a content must include at least one "
            "part)",
            "the call is refused with a ValueError before any request",
        ),
        _partless_turn_refused,
    ),
}

SUITE = vertex_suite.SUITE.beside(SCRIPTS, DIFFERENCES)
test_probe_s_scripts_same_as_langchain_google_vertexai = SUITE.same_test()
