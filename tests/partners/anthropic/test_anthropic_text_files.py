"""ChatAnthropic side by side on plain text given as base64: a `text-plain` block holding
`base64` (no `text`), and a `file` block of base64 `text/plain`. Anthropic's document takes
plain text as its `text` source; its `base64` source is a PDF's alone (the anthropic SDK
types it `media_type: Literal["application/pdf"]`). chatplex sends the text decoded, as
a `text` source, where langchain-anthropic raises (the first) or sends a base64 text
source the API refuses (the second): kept differences, each checked as it is."""

from __future__ import annotations

import base64
from collections.abc import Callable
from typing import Any

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import attempted
from tests.partners._sidebyside import refused_before_sending
from tests.partners.anthropic.test_anthropic_sidebyside import KEY
from tests.partners.anthropic.test_anthropic_sidebyside import MODEL
from tests.partners.anthropic.test_anthropic_sidebyside import anthropic_suite
from tests.partners.anthropic.test_anthropic_sidebyside import messages_reply

TEXT = "Paris is the capital."
ENCODED = base64.b64encode(TEXT.encode()).decode()
AS_TEXT = {"type": "text", "media_type": "text/plain", "data": TEXT}


def _asked(document: dict[str, Any]) -> Callable[[Any, str], Any]:
    def run(cls: Any, url: str) -> Any:
        from langchain_core.messages import HumanMessage

        model = cls(model=MODEL, api_key=KEY, base_url=url)
        question = HumanMessage([document, {"type": "text", "text": "The capital?"}])
        return attempted(lambda: model.invoke([question]).content)

    return run


def _source(body: dict[str, Any]) -> Any:
    return body["messages"][0]["content"][0]["source"]


def _base64_text_sent(outcome: Outcome) -> Outcome:
    """Theirs sent the file as a base64 source of `text/plain`, ours as the decoded text:
    both answered; ours read as theirs once both requests are checked."""
    theirs, ours, their_requests, our_requests = outcome
    assert [_source(r["body"]) for r in their_requests] == [
        {"type": "base64", "media_type": "text/plain", "data": ENCODED}
    ], their_requests
    assert [_source(r["body"]) for r in our_requests] == [AS_TEXT], our_requests
    return theirs, ours, their_requests, their_requests


SCRIPTS = {
    "text_plain_base64": (
        messages_reply(),
        _asked({"type": "text-plain", "base64": ENCODED, "mime_type": "text/plain"}),
    ),
    "file_base64_text": (
        messages_reply(),
        _asked({"type": "file", "base64": ENCODED, "mime_type": "text/plain"}),
    ),
}

_SENT_AS_TEXT = "the text is decoded and sent as Anthropic's `text` document source"

DIFFERENCES: dict[str, tuple[Why, Callable[[Outcome], Outcome]]] = {
    "text_plain_base64": (
        Difference(
            Reason.RAISES,
            "a `text-plain` block holding its text as `base64` (no `text`) raises KeyError "
            "('text') before any request",
            _SENT_AS_TEXT,
        ),
        refused_before_sending("KeyError", lambda body: _source(body) == AS_TEXT),
    ),
    "file_base64_text": (
        Difference(
            Reason.REJECTED,
            "a `file` block of base64 `text/plain` is sent as a base64 document source of "
            "`text/plain`, which Anthropic's API refuses: its base64 source is a PDF's alone "
            "(the anthropic SDK types its media type as `application/pdf`)",
            _SENT_AS_TEXT,
        ),
        _base64_text_sent,
    ),
}

SUITE = anthropic_suite(SCRIPTS, DIFFERENCES)
test_plain_text_as_base64_same_as_langchain_anthropic = SUITE.same_test()
