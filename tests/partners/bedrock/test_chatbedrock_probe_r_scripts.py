"""ChatBedrock (InvokeModel, a Claude model) in the probe_r set's scripts
(`tests/partners/_probe_r.py`): extended thinking asked for (`thinking=` moved into the
body, `model_kwargs`, per call too), its reply (Anthropic's thought and its signature, a
redacted thought) read back invoked and streamed, an agent's turns sending it back, and
the other providers' reasoning replayed; against an InvokeModel that answers and refuses
as Bedrock does for a thinking Claude, compared as `test_chatbedrock_sidebyside.py`
compares."""

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
from tests.partners.bedrock import test_chatbedrock_sidebyside as chatbedrock_suite
from tests.partners.bedrock.test_bedrock_sidebyside import isolated_aws  # noqa: F401 - autouse: no AWS setting of the machine leaks in
from tests.partners.bedrock.test_chatbedrock_sidebyside import ADD_CALL
from tests.partners.bedrock.test_chatbedrock_sidebyside import THINKING_MODEL
from tests.partners.bedrock.test_chatbedrock_sidebyside import invoke
from tests.partners.bedrock.test_chatbedrock_sidebyside import text
from tests.partners.bedrock.test_chatbedrock_sidebyside import thinking
from tests.partners.bedrock.test_converse_probe_y_factories import refused

_THOUGHT = thinking("Count the r's.", "EqQBCkgIBhABGAIiQL4l")
_HIDDEN = {"type": "redacted_thinking", "data": "EtkECkgIBxABGAIqQJ"}
_REPLIES = {
    (True, True): invoke(_THOUGHT, _HIDDEN, ADD_CALL, stop="tool_use"),
    (True, False): invoke(_THOUGHT, text("Two.")),
    (False, True): invoke(ADD_CALL, stop="tool_use"),
    (False, False): invoke(text("Two.")),
}


def answer(seen: Seen) -> Reply:
    """InvokeModel with a thinking Claude: Bedrock's 400 for a history it refuses
    (`_refusal`); with thinking on (`thinking` enabled or adaptive) a thought, a
    redacted one and a call of `add` while tools are bound and the conversation holds
    no tool's result, else a thought and the answer; without, the call or the answer."""
    body = seen.body or {}
    messages = body.get("messages") or []
    thinks = (body.get("thinking") or {}).get("type") in ("enabled", "adaptive")
    why = probe.claude_refusal(messages, thinks)
    if why is not None:
        return refused(why)
    called = bool(body.get("tools")) and "tool_result" not in json.dumps(messages)
    return _REPLIES[thinks, called](seen)


def make(cls: Any, url: str, **settings: Any) -> Any:
    return chatbedrock_suite.make(cls, url, THINKING_MODEL, **settings)


ENABLED = {"type": "enabled", "budget_tokens": 1024}
THINKING = {"model_kwargs": {"thinking": ENABLED}, "max_tokens": 2048}
WAYS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "model_kwargs": (THINKING, {}),
    "constructor": ({"thinking": ENABLED, "max_tokens": 2048}, {}),
    "per_call": ({"max_tokens": 2048}, {"thinking": ENABLED}),
    "disabled": ({"model_kwargs": {"thinking": {"type": "disabled"}}}, {}),
}

SCRIPTS = {name: (answer, script) for name, script in probe.scripts(make, THINKING, WAYS).items()}


def _unsigned_left_out(outcome: Outcome) -> Outcome:
    """Theirs sent the v1 reply's unsigned reasoning block as it is (a `reasoning`
    block, which Bedrock refuses); ours left it out (and read the reply, where no
    thinking was missing). Read as theirs once each request is checked to be the other's
    but that block."""
    theirs, ours, their_requests, our_requests = outcome
    assert theirs["v1"] == {"refused": "ValidationException"}, theirs
    (sent,) = [r for r in their_requests if "'reasoning'" in str(r["body"]["messages"][1])]
    turn = sent["body"]["messages"][1]["content"]
    kept = [b for b in turn if b.get("type") != "reasoning"]
    assert len(kept) == len(turn) - 1, turn
    ours_sent = [r for r in our_requests if r["body"]["messages"][1]["content"] == kept]
    assert ours_sent, our_requests
    our_requests = [sent if r is ours_sent[0] else r for r in our_requests]
    return theirs, {**ours, "v1": theirs["v1"]}, their_requests, our_requests


#: Script -> (why it may differ, how the outcome is read before comparing).
_V1_UNSIGNED = Difference(
    Reason.REJECTED,
    "another provider's reply read as LangChain's v1 blocks, holding a reasoning "
    "block without a signature, is sent with that block as it is (`type: "
    "reasoning`), which Bedrock refuses (ValidationException)",
    "a thought without a signature is left out of the turn, as Claude takes none",
)


def _both_left_out(outcome: Outcome) -> Outcome:
    return probe.unsigned_thoughts_left_out(_unsigned_left_out(outcome))


#: Script -> (why it may differ, how the outcome is read before comparing). A
#: tool-calling v1 reply holds the same block (ours then refused for its missing thinking).
DIFFERENCES: dict[str, tuple[Why, Callable[[Outcome], Outcome]]] = dict.fromkeys(
    ("foreign_reasoning_replayed", "foreign_calls_replayed"),
    ((_V1_UNSIGNED, probe.UNSIGNED_THOUGHT), within(_both_left_out)),
)

SUITE = chatbedrock_suite.SUITE.beside(SCRIPTS, DIFFERENCES)
test_probe_r_same_as_langchain_aws_chatbedrock = SUITE.same_test()
