"""ChatDeepSeek in the probe_r set's scripts (`tests/partners/_probe_r.py`): thinking
asked for (the reasoner model, `extra_body={"thinking": ...}` on the chat model, per call
too), its reply (`reasoning_content` beside the answer and beside a tool's call, the
usage's reasoning tokens) read back invoked and streamed, an agent's turns sending it
back, and the other providers' reasoning replayed; run as the compatible suite runs its
scripts."""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.partners import _probe_r as probe
from tests.partners._probe_y import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._probe_z import within
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import Seen
from tests.partners._sidebyside import assert_same
from tests.partners._sidebyside import kept_out
from tests.partners.compatible import test_compatible_sidebyside as suite
from tests.partners.compatible.test_deepseek_thinking_tools_sidebyside import _SENT_BACK
from tests.partners.compatible.test_deepseek_thinking_tools_sidebyside import DEEPSEEK
from tests.partners.compatible.test_deepseek_thinking_tools_sidebyside import _thinking_sent_back
from tests.partners.compatible.test_deepseek_thinking_tools_sidebyside import tool_loop
from tests.partners.compatible.test_presets_probe_y_scripts import _make

_ANSWERED = suite.answer(suite.REASONING, DEEPSEEK)


def answer(seen: Seen) -> Reply:
    """A thinking DeepSeek: its thinking and a call of the first tool while tools are
    bound and the conversation holds no tool's result (the thinking-tools suite's loop);
    else its thinking, the answer and the usage's reasoning tokens."""
    body = seen.body or {}
    done = any(m.get("role") == "tool" for m in body.get("messages", []))
    return tool_loop(seen) if body.get("tools") and not done else _ANSWERED(seen)


make = _make(DEEPSEEK)
ENABLED = {"thinking": {"type": "enabled"}}
THINKING = {"model": DEEPSEEK.reasoning_model}
WAYS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "reasoner": (THINKING, {}),
    "extra_body": ({"extra_body": ENABLED}, {}),
    "model_kwargs": ({"model_kwargs": {"extra_body": ENABLED}}, {}),
    "per_call": ({}, {"extra_body": ENABLED}),
    "disabled": ({"extra_body": {"thinking": {"type": "disabled"}}}, {}),
}

SCRIPTS = probe.scripts(make, THINKING, WAYS)
#: (package, script) -> (why it differs, how the outcome is read before comparing): the
#: thinking-tools suite's, a tool-call turn's `reasoning_content` sent back.
DIFFERENCES: dict[tuple[str, str], Any] = {
    ("deepseek", name): (_SENT_BACK, _thinking_sent_back)
    for name in ("agent_turns", "agent_turns_streamed", "agent_turns_v1")
}


def _own_call_thinking_sent(outcome: Outcome) -> Outcome:
    """Our DeepSeek tool-call turn replayed with its `reasoning_content`, theirs without
    (every other turn alike): read as theirs once seen."""
    theirs, ours, their_requests, our_requests = outcome
    said = probe.FOREIGN_CALLING["deepseek"]["additional_kwargs"]["reasoning_content"]
    turns = [t for r in our_requests for t in r["body"]["messages"] if "reasoning_content" in t]
    assert [t.pop("reasoning_content") for t in turns] == [said], our_requests
    assert "reasoning_content" not in json.dumps(their_requests), their_requests
    return theirs, ours, their_requests, our_requests


DIFFERENCES["deepseek", "foreign_calls_replayed"] = (_SENT_BACK, within(_own_call_thinking_sent))


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_probe_r_same_as_langchain_deepseek(name: str, server: ScriptedServer) -> None:
    server.handler = answer
    outcome = suite.run_with(DEEPSEEK, SCRIPTS[name], server)
    assert_same(kept_out(suite.without_added_fields(outcome), DIFFERENCES, ("deepseek", name)))
