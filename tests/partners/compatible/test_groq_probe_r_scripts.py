"""ChatGroq in the probe_r set's scripts (`tests/partners/_probe_r.py`): reasoning asked
for (`reasoning_format=` parsed, hidden or raw, `reasoning_effort=`, per call too), its
reply (Groq's `reasoning` beside the answer, and beside a streamed call; the usage's
reasoning tokens) read back invoked and streamed, an agent's turns sending it back, and
the other providers' reasoning replayed; run as the compatible suite runs its scripts."""

from __future__ import annotations

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
from tests.partners._sidebyside import beyond
from tests.partners._sidebyside import kept_out
from tests.partners.compatible import test_compatible_sidebyside as suite
from tests.partners.compatible.test_compatible_probe_u_scripts import FIELD_INSIDE_REFUSED
from tests.partners.compatible.test_compatible_sidebyside import PACKAGES
from tests.partners.compatible.test_presets_probe_y_scripts import _make

GROQ = PACKAGES["groq"]
_CALLED = suite.answer(suite.Script(reasoning="Call add.", tool_args={"a": 1, "b": 2}), GROQ)
_ANSWERED = suite.answer(suite.REASONING, GROQ)


def answer(seen: Seen) -> Reply:
    """A reasoning model on Groq (the compatible suite's server, which writes Groq's
    `reasoning`): a call of the first tool while tools are bound and the conversation
    holds no tool's result (its reasoning streamed beside it), else its reasoning, the
    answer and the usage's reasoning tokens."""
    body = seen.body or {}
    done = any(m.get("role") == "tool" for m in body.get("messages", []))
    return _CALLED(seen) if body.get("tools") and not done else _ANSWERED(seen)


make = _make(GROQ)
THINKING = {"model": GROQ.reasoning_model, "reasoning_format": "parsed"}
WAYS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "parsed": (THINKING, {}),
    "hidden": ({"model": GROQ.reasoning_model, "reasoning_format": "hidden"}, {}),
    "raw": ({"model": "qwen/qwen3-32b", "reasoning_format": "raw"}, {}),
    "effort": ({"model": GROQ.reasoning_model, "reasoning_effort": "low"}, {}),
    "per_call": ({"model": GROQ.reasoning_model}, {"reasoning_format": "parsed"}),
    "model_kwargs": (
        {"model": GROQ.reasoning_model, "model_kwargs": {"reasoning_format": "parsed"}},
        {},
    ),
}

SCRIPTS = probe.scripts(make, THINKING, WAYS)


def _field_inside_sent(outcome: Outcome) -> Outcome:
    """Theirs refused `reasoning_format` inside `model_kwargs` (no request); ours sent it
    as given: its reply and its one more request (the parsed format's) taken out, once
    seen."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs["model_kwargs"] == {"refused": "ValidationError"}, theirs
    (sent,) = beyond(our_requests, their_requests)
    assert sent["body"]["reasoning_format"] == "parsed", sent
    ours = {**ours, "model_kwargs": theirs["model_kwargs"]}
    return theirs, ours, their_requests, their_requests


#: (package, script) -> (why it differs, how the outcome is read before comparing).
DIFFERENCES: dict[tuple[str, str], Any] = {
    ("groq", "reasoning_asked"): (FIELD_INSIDE_REFUSED, within(_field_inside_sent)),
}


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_probe_r_same_as_langchain_groq(name: str, server: ScriptedServer) -> None:
    server.handler = answer
    outcome = suite.run_with(GROQ, SCRIPTS[name], server)
    assert_same(kept_out(suite.without_added_fields(outcome), DIFFERENCES, ("groq", name)))
