"""ChatOpenAI (Chat Completions) in the probe_z set's scripts (`tests/partners/_probe_z.py`):
media in a question and in a tool's result, a `content_and_artifact` tool's round, and a
search model's reply (its message's `url_citation` annotations, whole and streamed) read
back and replayed; run as the compatible suite runs its scripts."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.partners import _probe_z as probe
from tests.partners._probe_y import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import assert_same
from tests.partners._sidebyside import kept_out
from tests.partners.compatible import test_compatible_sidebyside as suite
from tests.partners.compatible.test_openai_probe_y_scripts import answer as answered
from tests.partners.compatible.test_openai_probe_y_scripts import make
from tests.partners.compatible.test_openai_reasoning_sidebyside import OPENAI

#: A search model's annotation of its text.
CITATION = {
    "type": "url_citation",
    "url_citation": {"url": "https://w.example", "title": "W", "start_index": 0, "end_index": 5},
}


def _annotated(piece: bytes) -> bytes:
    """A reply's JSON (or a stream's event) with the annotations on its message (on the
    delta that ends its text)."""
    line = piece.strip()
    stream = line.startswith(b"data: {")
    event = json.loads(line.removeprefix(b"data: ")) if stream or line.startswith(b"{") else None
    if event is None:
        return piece
    for choice in event.get("choices", []):
        if "message" in choice:
            choice["message"]["annotations"] = [CITATION]
        elif choice.get("finish_reason"):
            choice["delta"]["annotations"] = [CITATION]
    text = json.dumps(event).encode()
    return b"data: " + text + b"\n\n" if stream else text


#: The parts an assistant turn's content may hold.
_ASSISTANT_PARTS = ("text", "refusal")


def refused_part(messages: list[Any]) -> Reply | None:
    """OpenAI's 400 for an assistant turn holding a part of another kind; None for others."""
    for i, message in enumerate(messages):
        content = message.get("content") if message.get("role") == "assistant" else None
        for j, part in enumerate(content if isinstance(content, list) else ()):
            if part.get("type") not in _ASSISTANT_PARTS:
                error = {
                    "message": f"Invalid value: '{part.get('type')}'. Supported values are: "
                    "'text' and 'refusal'.",
                    "type": "invalid_request_error",
                    "param": f"messages[{i}].content[{j}].type",
                    "code": "invalid_value",
                }
                return Reply(400, [json.dumps({"error": error}).encode()])
    return None


def answer(seen: Seen) -> Reply:
    """The probe_y set's Chat Completions server, refusing an assistant turn's part of a
    kind it does not take; a question of the weather answered with its annotations."""
    refused = refused_part((seen.body or {}).get("messages", []))
    if refused is not None:
        return refused
    reply = answered(seen)
    if "Weather" in json.dumps((seen.body or {}).get("messages", [])[:1]):
        reply.pieces = [_annotated(piece) for piece in reply.pieces]
    return reply


SCRIPTS = probe.scripts(make)
#: The replies of another provider that hold blocks an assistant turn cannot.
_UNSENDABLE = ("anthropic", "v1")


def refused_unsent(names: tuple[str, ...]) -> Callable[[Outcome], Outcome]:
    """Theirs sent the replies `names` with blocks an assistant turn cannot hold as
    parts, which the server refused as the API does; ours refused each (ValueError)
    before any request. Then ours is read as theirs, without those requests."""

    def read(outcome: Outcome) -> Outcome:
        theirs, ours, their_requests, our_requests = outcome
        refused = [r for r in their_requests if refused_part(r["body"]["messages"])]
        for name in names:
            assert theirs[name] == {"refused": "OpenAIInvalidRequestError"}, theirs
            assert ours[name] == {"refused": "ValueError"}, ours
        assert len(refused) == len(names), their_requests
        ours = {**ours, **{name: theirs[name] for name in names}}
        return theirs, ours, [r for r in their_requests if r not in refused], our_requests

    return read


DIFFERENCES: dict[tuple[str, str], Any] = {
    ("openai", "foreign_reply_replayed"): (
        Difference(
            Reason.REJECTED,
            "another provider's reply replayed in a history (Anthropic's `server_tool_use` "
            "and `web_search_tool_result` blocks, LangChain's v1 `server_tool_call` and "
            "`server_tool_result`) is sent with those blocks as the assistant turn's "
            "parts, which OpenAI's API refuses (a 400, raised as OpenAIInvalidRequestError: "
            "only 'text' and 'refusal' parts)",
            "a ValueError naming the block's type before any request (the adapter setting "
            "`extra_block_types` sends it as given)",
        ),
        probe.within(refused_unsent(_UNSENDABLE)),
    ),
}


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_probe_z_same_as_langchain_openai(name: str, server: ScriptedServer) -> None:
    server.handler = answer
    outcome = suite.run_with(OPENAI, SCRIPTS[name], server)
    assert_same(kept_out(suite.without_added_fields(outcome), DIFFERENCES, ("openai", name)))
