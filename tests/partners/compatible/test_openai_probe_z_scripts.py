"""ChatOpenAI (Chat Completions) in the probe_z set's scripts (`tests/partners/_probe_z.py`):
media in a question and in a tool's result, a `content_and_artifact` tool's round, and a
search model's reply (its message's `url_citation` annotations, whole and streamed) read
back and replayed; run as the compatible suite runs its scripts."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.partners import _probe_z as probe
from tests.partners._probe_y import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
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


def answer(seen: Seen) -> Reply:
    """The probe_y set's Chat Completions server; a question of the weather answered with
    its annotations."""
    reply = answered(seen)
    if "Weather" in json.dumps((seen.body or {}).get("messages", [])[:1]):
        reply.pieces = [_annotated(piece) for piece in reply.pieces]
    return reply


SCRIPTS = probe.scripts(make)
DIFFERENCES: dict[tuple[str, str], Any] = {}


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_probe_z_same_as_langchain_openai(name: str, server: ScriptedServer) -> None:
    server.handler = answer
    outcome = suite.run_with(OPENAI, SCRIPTS[name], server)
    assert_same(kept_out(suite.without_added_fields(outcome), DIFFERENCES, ("openai", name)))
