"""ChatBedrockConverse in the probe_r set's scripts (`tests/partners/_probe_r.py`): Claude's
extended thinking asked for (`additional_model_request_fields={"thinking": ...}`,
`reasoning_effort=`, per call too), its reply (`reasoningContent`: a thought and its
signature, a redacted thought) read back invoked and streamed, an agent's turns sending
it back, and the other providers' reasoning replayed; against a Converse API that
answers and refuses as Bedrock does for a thinking Claude, compared as
`test_bedrock_sidebyside.py` compares."""

from __future__ import annotations

import base64
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
from tests.partners.bedrock import test_bedrock_sidebyside as converse_suite
from tests.partners.bedrock.test_bedrock_sidebyside import ADD_CALL
from tests.partners.bedrock.test_bedrock_sidebyside import SONNET
from tests.partners.bedrock.test_bedrock_sidebyside import converse
from tests.partners.bedrock.test_bedrock_sidebyside import isolated_aws  # noqa: F401 - autouse: no AWS setting of the machine leaks in
from tests.partners.bedrock.test_bedrock_sidebyside import reasoning
from tests.partners.bedrock.test_bedrock_sidebyside import redacted
from tests.partners.bedrock.test_bedrock_sidebyside import text
from tests.partners.bedrock.test_converse_probe_y_factories import constructors
from tests.partners.bedrock.test_converse_probe_y_factories import refused

_THOUGHT = reasoning("Count the r's.", "EqQBCkgIBhABGAIiQL4l")
_HIDDEN = redacted("RXRrRUNrZ0lCeEFCR0FJcVFK")
_REPLIES = {
    (True, True): converse(_THOUGHT, _HIDDEN, ADD_CALL, stop="tool_use"),
    (True, False): converse(_THOUGHT, text("Two.")),
    (False, True): converse(ADD_CALL, stop="tool_use"),
    (False, False): converse(text("Two.")),
}
#: Bedrock's words for a tool loop's assistant turn sent back without its thinking.
_UNTHOUGHT = (
    "The model returned the following errors: messages.{turn}.content.0.type: Expected "
    "`thinking` or `redacted_thinking`, but found `{found}`. When `thinking` is enabled, a "
    "final `assistant` message must start with a thinking block (preceeding the lastmost "
    "set of `tool_use` and `tool_result` blocks). We recommend you include thinking blocks "
    "from previous turns. To avoid this requirement, disable `thinking`. Please consult our "
    "documentation at https://docs.claude.com/en/docs/build-with-claude/extended-thinking"
)
_UNSIGNED = (
    "The model returned the following errors: messages.{turn}.content.{block}.thinking."
    "signature: Field required"
)


def _thinks(body: dict[str, Any]) -> bool:
    fields = body.get("additionalModelRequestFields") or {}
    return (fields.get("thinking") or {}).get("type") in ("enabled", "adaptive")


def _refusal(messages: list[dict[str, Any]]) -> str | None:
    """Why a thinking Claude refuses `messages`: a thought sent back without its
    signature, or a tool loop's assistant turn (before a turn of tool results) not
    starting with its thinking; None where it takes them."""
    for turn, message in enumerate(messages):
        for index, block in enumerate(message.get("content") or []):
            said = (block.get("reasoningContent") or {}).get("reasoningText")
            if said is not None and not said.get("signature"):
                return _UNSIGNED.format(turn=turn, block=index)
    last = messages[-1].get("content") or []
    if len(messages) > 1 and any("toolResult" in block for block in last):
        turn = len(messages) - 2
        first = (messages[turn].get("content") or [{}])[0]
        if "reasoningContent" not in first:
            found = "tool_use" if "toolUse" in first else "text"
            return _UNTHOUGHT.format(turn=turn, found=found)
    return None


def answer(seen: Seen) -> Reply:
    """A Converse API with a thinking Claude: with thinking on (`thinking` enabled or
    adaptive), Bedrock's 400 for a history it refuses (`_refusal`), a thought, a
    redacted one and a call of `add` while tools are bound and the conversation holds
    no tool's result, else a thought and the answer; without, the call or the answer."""
    body = seen.body or {}
    messages = body.get("messages") or []
    thinks = _thinks(body)
    why = _refusal(messages) if thinks else None
    if why is not None:
        return refused(why)
    called = bool(body.get("toolConfig")) and "toolResult" not in json.dumps(messages)
    return _REPLIES[thinks, called](seen)


make, _ = constructors(SONNET)
ENABLED = {"thinking": {"type": "enabled", "budget_tokens": 1024}}
THINKING = {"additional_model_request_fields": ENABLED, "max_tokens": 2048}
WAYS: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "constructor": (THINKING, {}),
    "per_call": ({"max_tokens": 2048}, {"additional_model_request_fields": ENABLED}),
    "effort": ({"reasoning_effort": "high"}, {}),
    "effort_per_call": ({}, {"reasoning_effort": "low"}),
    "disabled": ({"additional_model_request_fields": {"thinking": {"type": "disabled"}}}, {}),
    "model_kwargs": ({"model_kwargs": ENABLED, "max_tokens": 2048}, {}),
}

SCRIPTS = {name: (answer, script) for name, script in probe.scripts(make, THINKING, WAYS).items()}


def _blobs_read(theirs: Any, ours: Any) -> Any:
    """`ours` with each base64 text where `theirs` holds its bytes read as those bytes
    (each checked); anything else as it is."""
    if isinstance(theirs, bytes) and isinstance(ours, str):
        assert base64.b64decode(ours, validate=True) == theirs, (theirs, ours)
        return theirs
    if isinstance(theirs, dict) and isinstance(ours, dict):
        return {k: _blobs_read(theirs.get(k), v) for k, v in ours.items()}
    if isinstance(theirs, list) and isinstance(ours, list) and len(theirs) == len(ours):
        return [_blobs_read(t, o) for t, o in zip(theirs, ours, strict=True)]
    return ours


def _redacted_as_text(outcome: Outcome) -> Outcome:
    """Their redacted thought is bytes, ours the base64 text Converse sent: read as
    theirs once each is checked to be the other's (the requests sent back alike)."""
    theirs, ours, their_requests, our_requests = outcome
    read = _blobs_read(theirs, ours)
    assert read != ours, ours  # a redacted thought was read
    return theirs, read, their_requests, our_requests


_REDACTED_BYTES = (
    Difference(
        Reason.RAISES,
        "a redacted thought is read as bytes (botocore's decoded blob): LangChain's "
        "`dumps` writes them as not serializable, and `loads` of that text raises "
        "NotImplementedError, so a cached reply or a saved conversation holding one "
        "cannot be read back",
        "a redacted thought is kept as the base64 text Bedrock sent, which serializes as "
        "any text and goes back to Bedrock as it came",
    ),
    within(_redacted_as_text),
)
#: Script -> (why it may differ, how the outcome is read before comparing).
DIFFERENCES: dict[str, tuple[Why, Callable[[Outcome], Outcome]]] = dict.fromkeys(
    ("agent_turns", "agent_turns_streamed", "agent_turns_v1"), _REDACTED_BYTES
)

SUITE = converse_suite.SUITE.beside(SCRIPTS, DIFFERENCES)
test_probe_r_same_as_langchain_aws = SUITE.same_test()
