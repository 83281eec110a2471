"""ChatOpenRouter's reasoning side by side with langchain-openrouter's: a reply's
`reasoning_details` (the structured reasoning OpenRouter returns beside `reasoning`, an
Anthropic model's signed thinking among them) kept in `additional_kwargs`, whole and
streamed, and sent back on the next turn with the reasoning text, as the partner sends
them: a streamed list's fragments merged by `(type, index)` (texts joined, the other
fields the last set) and OpenAI's ephemeral `rs_` ids left out. Without them a tool loop
over a reasoning model loses its thinking, which the provider may refuse."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from tests._merged_text import merged
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import assert_same
from tests.partners.compatible.test_openrouter_attribution_sidebyside import OPENROUTER
from tests.partners.compatible.test_openrouter_reply_sidebyside import both_sides
from tests.partners.compatible.test_openrouter_reply_sidebyside import reply_head

pytest.importorskip("langchain_openrouter")
messages = pytest.importorskip("langchain_core.messages")

FORMAT = "anthropic-claude-v1"
DETAILS = [
    {"type": "reasoning.text", "text": "Two and two.", "signature": "sig-1", "format": FORMAT},
    {"type": "reasoning.encrypted", "data": "opaque", "id": "rs_123", "format": "openai"},
]
#: A stream's fragments of one signed text (index 0), then an encrypted entry (index 1).
FRAGMENTS = [
    {"type": "reasoning.text", "text": "Two ", "format": FORMAT, "index": 0},
    {"type": "reasoning.text", "text": "and two.", "format": FORMAT, "index": 0},
    {"type": "reasoning.text", "text": "", "signature": "sig-1", "format": FORMAT, "index": 0},
    {"type": "reasoning.encrypted", "data": "opaque", "id": "rs_123", "index": 1},
]


def reasoning_reply(seen: Seen) -> Reply:
    message = {
        "role": "assistant",
        "content": "4",
        "refusal": None,
        "reasoning": "Two and two.",
        "reasoning_details": DETAILS,
    }
    choice = {"index": 0, "finish_reason": "stop", "logprobs": None, "message": message}
    body = {
        **reply_head(seen, "chat.completion", "Anthropic"),
        "choices": [choice],
        "system_fingerprint": None,
    }
    return Reply(pieces=[json.dumps(body).encode()])


def reasoning_stream(seen: Seen) -> Reply:
    """The reasoning streamed, to a stream's request; a whole reply to a call's."""
    if not seen.body.get("stream"):
        return reasoning_reply(seen)
    head = reply_head(seen, "chat.completion.chunk", "Anthropic")

    def event(delta: dict[str, Any], finish: str | None = None) -> bytes:
        choice = {"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}
        return b"data: " + json.dumps({**head, "choices": [choice]}).encode() + b"\n\n"

    deltas = [
        {
            "role": "assistant",
            "content": "",
            "reasoning": "Two ",
            "reasoning_details": FRAGMENTS[:1],
        },
        {
            "role": "assistant",
            "content": "",
            "reasoning": "and two.",
            "reasoning_details": FRAGMENTS[1:2],
        },
        {"role": "assistant", "content": "", "reasoning_details": FRAGMENTS[2:]},
        {"role": "assistant", "content": "4"},
    ]
    pieces = [event(d) for d in deltas]
    pieces += [event({"role": "assistant", "content": ""}, "stop"), b"data: [DONE]\n\n"]
    return Reply(pieces=pieces, content_type="text/event-stream")


def _model(cls: Any, url: str) -> Any:
    return cls(model=OPENROUTER.model, api_key="k", base_url=OPENROUTER.base(url), max_retries=0)


def _next_turn(model: Any, first: Any) -> Any:
    """The reply read back, then the conversation sent again with it."""
    history = [messages.HumanMessage("2+2?"), first, messages.HumanMessage("Sure?")]
    return {"first": first, "kwargs": first.additional_kwargs, "second": model.invoke(history)}


def whole(cls: Any, url: str) -> Any:
    model = _model(cls, url)
    return _next_turn(model, model.invoke("2+2?"))


def streamed(cls: Any, url: str) -> Any:
    model = _model(cls, url)
    return _next_turn(model, merged(list(model.stream("2+2?"))))


def astreamed(cls: Any, url: str) -> Any:
    model = _model(cls, url)

    async def run() -> list[Any]:
        return [c async for c in model.astream("2+2?")]

    return _next_turn(model, merged(asyncio.run(run())))


SCRIPTS = {
    "whole": (reasoning_reply, whole),
    "streamed": (reasoning_stream, streamed),
    "astreamed": (reasoning_stream, astreamed),
}


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_reasoning_kept_and_sent_back_as_langchain_openrouter(
    name: str, server: ScriptedServer
) -> None:
    handler, script = SCRIPTS[name]
    server.handler = handler
    outcome = both_sides(server, script)
    theirs, _, their_requests, _ = outcome
    assert theirs["kwargs"]["reasoning_details"]  # (what the script reads: kept)
    sent_back = [r["body"]["messages"][1] for r in their_requests if len(r["body"]["messages"]) > 1]
    assert sent_back and "reasoning_details" in sent_back[0]
    assert "rs_123" not in json.dumps(sent_back)
    assert_same(outcome)
