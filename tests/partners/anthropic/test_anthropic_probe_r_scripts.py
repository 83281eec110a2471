"""ChatAnthropic in the probe_r set's scripts (`tests/partners/_probe_r.py`): extended
thinking asked for (`thinking={"type": "enabled", "budget_tokens": N}`, per call too),
its reply (a thought and its signature, a redacted thought) read back invoked and
streamed, an agent's turns sending it back, and the other providers' reasoning replayed;
compared as `test_anthropic_sidebyside.py` compares."""

from __future__ import annotations

import json
from typing import Any

from tests.partners import _probe_r as probe
from tests.partners._probe_y import shared_clients_closed  # noqa: F401 - autouse: the set's loop's clients closed
from tests.partners._probe_z import within
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import Seen
from tests.partners.anthropic.test_anthropic_probe_y_scripts import _refused
from tests.partners.anthropic.test_anthropic_probe_y_scripts import make
from tests.partners.anthropic.test_anthropic_sidebyside import ADD_CALL
from tests.partners.anthropic.test_anthropic_sidebyside import REDACTED
from tests.partners.anthropic.test_anthropic_sidebyside import THINKING
from tests.partners.anthropic.test_anthropic_sidebyside import anthropic_suite
from tests.partners.anthropic.test_anthropic_sidebyside import streamed

_CALLED = streamed(THINKING, REDACTED, ADD_CALL, stop="tool_use")
_ANSWERED = streamed(THINKING, {"type": "text", "text": "There are two."})


def answer(seen: Seen) -> Reply:
    """A thinking Messages API: its 400 for a history Claude refuses
    (`probe.claude_refusal`); a thought, a redacted one and a call of `add` while the
    conversation holds no tool's result and tools are bound; else a thought and a text."""
    body = seen.body or {}
    messages = body.get("messages") or []
    thinks = (body.get("thinking") or {}).get("type") in ("enabled", "adaptive")
    why = probe.claude_refusal(messages, thinks)
    if why is not None:
        return Reply(400, [json.dumps(_refused(why)).encode()])
    called = "tool_result" in json.dumps(messages)
    return _CALLED(seen) if body.get("tools") and not called else _ANSWERED(seen)


ENABLED = {"type": "enabled", "budget_tokens": 1024}
THOUGHTFUL = {"thinking": ENABLED, "max_tokens": 2048}
WAYS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "constructor": (THOUGHTFUL, {}),
    "per_call": ({"max_tokens": 2048}, {"thinking": ENABLED}),
    "disabled": ({"thinking": {"type": "disabled"}}, {}),
    "adaptive": ({"thinking": {"type": "adaptive"}, "max_tokens": 2048}, {}),
    "model_kwargs": ({"model_kwargs": {"thinking": ENABLED}, "max_tokens": 2048}, {}),
}

SCRIPTS = {name: (answer, script) for name, script in probe.scripts(make, THOUGHTFUL, WAYS).items()}
#: Script -> (why it may differ, how the outcome is read before comparing).
DIFFERENCES: dict[str, Any] = dict.fromkeys(
    ("foreign_reasoning_replayed", "foreign_calls_replayed"),
    (probe.UNSIGNED_THOUGHT, within(probe.unsigned_thoughts_left_out)),
)

SUITE = anthropic_suite(SCRIPTS, DIFFERENCES)
test_probe_r_same_as_langchain_anthropic = SUITE.same_test()
