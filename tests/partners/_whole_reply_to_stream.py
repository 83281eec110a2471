"""A streamed call answered with a whole JSON reply (a proxy or gateway that ignores
`stream`), side by side: the partner raises LangChain's ValueError, the reply paid for
lost; chatplex's drop-in streams the reply (its text, its usage). Each wire's kept row
and its test, for that wire's suite (`suite_row`): `DIFFERENCES` there."""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from typing import Any

import chatplex.langchain
from tests._merged_text import merged
from tests._replies import anthropic_message
from tests._replies import chat_completion
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import scripted_server

#: What LangChain's stream raises when its model gave no chunk.
NO_CHUNKS = "No generation chunks were returned"
TEXT = "Paris is the capital."

#: Suite -> the partner class, its settings against a URL, and the whole reply sent.
WIRES: dict[str, tuple[tuple[str, str], Callable[[str], dict[str, Any]], dict[str, Any]]] = {
    "openai": (
        ("langchain_openai", "ChatOpenAI"),
        lambda url: {"model": "gpt-4o-mini", "api_key": "sk-test", "base_url": url},
        chat_completion(TEXT, usage={"prompt_tokens": 5, "completion_tokens": 6}),
    ),
    "anthropic": (
        ("langchain_anthropic", "ChatAnthropic"),
        lambda url: {"model": "claude-haiku-4-5", "api_key": "sk-ant-test", "base_url": url},
        anthropic_message(TEXT, usage={"input_tokens": 5, "output_tokens": 6}),
    ),
}

DIFFERENCE = Difference(
    Reason.RAISES,
    "a streamed call answered with a whole JSON reply (a proxy or gateway that ignores "
    f"`stream`) raises a ValueError (`{NO_CHUNKS}`): the reply, paid for, is lost",
    "streams the reply it was sent: its text and its usage",
)


def _outcome(model: Any, body: dict[str, Any]) -> dict[str, Any]:
    """What a stream makes of a whole reply: the error raised, or the chunks' texts and
    the merged usage; and whether the call asked to stream."""
    with scripted_server() as server:
        server.handler = lambda seen: Reply(200, [json.dumps(body).encode()])
        try:
            chunks = list(model(server.url).stream("hi"))
        except Exception as exc:  # noqa: BLE001 - the outcome compared
            seen: dict[str, Any] = {"raised": type(exc).__name__, "words": str(exc)}
        else:
            seen = {"texts": [c.text for c in chunks], "usage": merged(chunks).usage_metadata}
        seen["streamed"] = [s.body.get("stream") for s in server.seen]
    return seen


def _kept(outcome: Outcome) -> Outcome:
    """Theirs LangChain's ValueError, ours the reply's text and usage from the same
    request: read as theirs once both are seen."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs["raised"] == "ValueError" and theirs["words"] == NO_CHUNKS, theirs
    assert "".join(ours["texts"]) == TEXT and ours["texts"][0], ours
    assert ours["usage"]["output_tokens"] == 6, ours
    assert ours["streamed"] == theirs["streamed"] == [True], (theirs, ours)
    return theirs, theirs, their_requests, our_requests


def suite_row(suite: str) -> tuple[dict[str, Any], Callable[[], None]]:
    """The suite's `DIFFERENCES` row and the test that holds it to its reason."""
    (module, name), settings, body = WIRES[suite]

    def test() -> None:
        partner = getattr(importlib.import_module(module), name)
        ours = getattr(chatplex.langchain, name)
        theirs_seen = _outcome(lambda url: partner(**settings(url)), body)
        ours_seen = _outcome(lambda url: ours(**settings(url)), body)
        theirs, ours_read, _, _ = _kept((theirs_seen, ours_seen, [], []))
        assert ours_read == theirs

    return {"whole_reply_to_a_stream": (DIFFERENCE, _kept)}, test
