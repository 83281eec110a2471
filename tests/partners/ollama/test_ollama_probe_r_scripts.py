"""ChatOllama in the probe_r set's scripts (`tests/partners/_probe_r.py`): thinking asked
for (`reasoning=True`, a level, False, per call too), its reply (Ollama's
`message.thinking` beside the answer and beside a tool's call) read back invoked and
streamed, an agent's turns sending it back as `thinking`, and the other providers'
reasoning replayed; compared as `test_ollama_probe_y_scripts.py` compares."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from tests.partners import _probe_r as probe
from tests.partners._probe_y import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._probe_z import within
from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import beyond
from tests.partners.ollama import test_ollama_probe_y_scripts as probe_y
from tests.partners.ollama.test_ollama_sidebyside import ADD_CALL
from tests.partners.ollama.test_ollama_sidebyside import ollama_replies

THOUGHT = "Count the r's."
_REPLIES = {
    (thinks, calls): ollama_replies(
        "" if calls else "Two.",
        thinking=THOUGHT if thinks else None,
        tool_calls=ADD_CALL if calls else None,
    )
    for thinks in (False, True)
    for calls in (False, True)
}
#: A model that thinks whatever `think` says (gpt-oss: Ollama cannot turn it off).
ALWAYS_THINKS = "gpt-oss:20b"


def answer(seen: Seen) -> Reply:
    """An Ollama /api/chat with a thinking model: its thinking (`message.thinking`)
    where `think` is on (True or a level) or the model always thinks, none where off or
    unset; a call of `add` while tools are bound and the conversation holds no tool's
    result, else the answer; each line naming the model asked for."""
    body = seen.body or {}
    thinks = bool(body.get("think")) or body.get("model") == ALWAYS_THINKS
    done = any(m.get("role") == "tool" for m in body.get("messages") or [])
    reply = _REPLIES[thinks, bool(body.get("tools")) and not done](seen)
    lines = [json.loads(piece) for piece in reply.pieces]
    end = b"\n" if reply.content_type == "application/x-ndjson" else b""
    reply.pieces = [json.dumps({**line, "model": body["model"]}).encode() + end for line in lines]
    return reply


THINKING = {"model": "qwen3", "reasoning": True}
WAYS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "constructor": (THINKING, {}),
    "per_call": ({"model": "qwen3"}, {"reasoning": True}),
    "level": ({"model": ALWAYS_THINKS, "reasoning": "high"}, {}),
    "off": ({"model": "qwen3", "reasoning": False}, {}),
    "off_per_call": (THINKING, {"reasoning": False}),
    "unset": ({"model": "qwen3"}, {}),
    "unset_always_thinks": ({"model": ALWAYS_THINKS}, {}),
}

SCRIPTS = {
    name: (answer, script) for name, script in probe.scripts(probe_y.make, THINKING, WAYS).items()
}


def _thinking_kept(outcome: Outcome) -> Outcome:
    """Theirs read no thinking of a model that always thinks (`reasoning` unset); ours
    read it as the reply's reasoning: taken out once seen."""
    theirs, ours, their_requests, our_requests = outcome
    unset = "unset_always_thinks"
    assert not [b for b in theirs[unset] if b["type"] == "reasoning"], theirs
    thought, *rest = ours[unset]
    assert thought == {"type": "reasoning", "reasoning": THOUGHT}, ours
    return theirs, {**ours, unset: rest}, their_requests, our_requests


def _gemini_thinking_sent(thought: str) -> Callable[[Outcome], Outcome]:
    """Theirs refused Gemini's thinking block (no request); ours sent it as the turn's
    `thinking` (`thought`) and read the reply: its request and reply taken out once
    seen."""

    def read(outcome: Outcome) -> Outcome:
        theirs, ours, their_requests, our_requests = outcome
        assert theirs["gemini"] == {"refused": "ValueError"}, theirs
        (sent,) = beyond(our_requests, their_requests)
        assert sent["body"]["messages"][1]["thinking"] == thought, sent
        return theirs, {**ours, "gemini": theirs["gemini"]}, their_requests, their_requests

    return read


#: Script -> (why it may differ, how the outcome is read before comparing).
DIFFERENCES: dict[str, tuple[Why, Callable[[Outcome], Outcome]]] = dict.fromkeys(
    ("agent_turns", "agent_turns_streamed", "agent_turns_v1"), probe_y._NAMED_RESULTS
)
DIFFERENCES["reasoning_asked"] = (
    Difference(
        Reason.LOSES_DATA,
        "a model that thinks whatever `think` says (gpt-oss) answers with its thinking "
        "in `message.thinking`, which is dropped unless `reasoning` is on: the reply "
        "keeps no trace of it",
        "the thinking the server sent is kept, as `additional_kwargs['reasoning_content']`",
    ),
    within(_thinking_kept),
)
DIFFERENCES["foreign_reasoning_replayed"] = (
    Difference(
        Reason.RAISES,
        "refuses a history holding Gemini's reply with a thinking block (an unsupported "
        "content type, a ValueError): a conversation cannot move from Gemini to Ollama",
        "the thinking is sent as the assistant turn's Ollama `thinking`, beside its text",
    ),
    within(_gemini_thinking_sent("Count them.")),
)


def _calls_replayed(outcome: Outcome) -> Outcome:
    """The tool's result named (the suite's own), then Gemini's calling reply's
    thinking sent where theirs refused it."""
    named = probe_y._NAMED_RESULTS[1](outcome)
    return within(_gemini_thinking_sent("Add them."))(named)


# Its reply calling a tool too, the tool's result named as in every Ollama suite.
DIFFERENCES["foreign_calls_replayed"] = (
    (DIFFERENCES["foreign_reasoning_replayed"][0], probe_y._NAMED_RESULTS[0]),
    _calls_replayed,
)

SUITE = probe_y.SUITE.beside(SCRIPTS, DIFFERENCES)
test_probe_r_same_as_langchain_ollama = SUITE.same_test()
