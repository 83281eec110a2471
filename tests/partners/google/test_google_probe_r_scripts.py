"""ChatGoogleGenerativeAI in the probe_r set's scripts (`tests/partners/_probe_r.py`):
thinking asked for (`thinking_budget=`, `include_thoughts=True`, per call too), its reply
(a thought Gemini signed, a signed function call, the usage's thought tokens) read back
invoked and streamed, an agent's turns sending it back, and the other providers'
reasoning replayed; compared as `test_google_sidebyside.py` compares."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from tests.partners import _probe_r as probe
from tests.partners._probe_y import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners.google import test_google_probe_y_scripts as probe_y
from tests.partners.google._scripts import THINKING_USAGE
from tests.partners.google.test_google_sidebyside import gemini_replies
from tests.partners.google.test_thought_replay_scripts import SIGNED_CALL
from tests.partners.google.test_thought_replay_scripts import SIGNED_THOUGHT

_CALLED = gemini_replies(SIGNED_CALL, usage=THINKING_USAGE)
_ANSWERED = gemini_replies(SIGNED_THOUGHT, usage=THINKING_USAGE)


def answer(seen: Seen) -> Reply:
    """A thinking Gemini: a signed thought and a signed call of the first function while
    functions are declared and the conversation holds no function's response; else a
    signed thought and a text."""
    body = seen.body if isinstance(seen.body, dict) else {}
    done = "functionResponse" in json.dumps(body.get("contents", []))
    return (_CALLED if body.get("tools") and not done else _ANSWERED)(seen)


THINKING = {"include_thoughts": True, "thinking_budget": 256}
WAYS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "thoughts": ({"include_thoughts": True}, {}),
    "budget": (THINKING, {}),
    "off": ({"thinking_budget": 0}, {}),
    "per_call": ({}, {"include_thoughts": True, "thinking_budget": 128}),
    "level": ({"thinking_level": "low", "include_thoughts": True}, {}),
}

SCRIPTS = {
    name: (answer, script) for name, script in probe.scripts(probe_y.make, THINKING, WAYS).items()
}
DIFFERENCES: dict[str, Any] = {}

SUITE = dataclasses.replace(probe_y.SUITE.beside(SCRIPTS, DIFFERENCES))
test_probe_r_same_as_langchain_google_genai = SUITE.same_test()
