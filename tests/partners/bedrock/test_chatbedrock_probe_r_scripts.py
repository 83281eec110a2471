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
#: Bedrock's words (Anthropic's) for a tool loop's assistant turn sent back without its
#: thinking, and for a thought without its signature.
_UNTHOUGHT = (
    "messages.{turn}.content.0.type: Expected `thinking` or `redacted_thinking`, but found "
    "`{found}`. When `thinking` is enabled, a final `assistant` message must start with a "
    "thinking block (preceeding the lastmost set of `tool_use` and `tool_result` blocks). "
    "We recommend you include thinking blocks from previous turns. To avoid this "
    "requirement, disable `thinking`. Please consult our documentation at "
    "https://docs.claude.com/en/docs/build-with-claude/extended-thinking"
)
_UNSIGNED = "messages.{turn}.content.{block}.thinking.signature: Field required"
#: The block types an assistant turn of Anthropic's Messages API may hold.
_TURN_BLOCKS = ("text", "image", "document", "thinking", "redacted_thinking", "tool_use")
_UNKNOWN = (
    "messages.{turn}.content.{block}.type: Input tag '{kind}' found using 'type' does not "
    "match any of the expected tags: " + ", ".join(f"'{t}'" for t in _TURN_BLOCKS)
)


def _refusal(messages: list[dict[str, Any]], thinks: bool) -> str | None:
    """Why Claude refuses `messages`: an assistant's block of a type the API has not, a
    thought sent back without its signature, or (thinking on) a tool loop's assistant
    turn (before a turn of tool results) not starting with its thinking; None where it
    takes them."""
    for turn, message in enumerate(messages):
        content = message.get("content")
        for index, block in enumerate(content if isinstance(content, list) else []):
            kind = block.get("type")
            if message.get("role") == "assistant" and kind not in _TURN_BLOCKS:
                return _UNKNOWN.format(turn=turn, block=index, kind=kind)
            if kind == "thinking" and not block.get("signature"):
                return _UNSIGNED.format(turn=turn, block=index)
    last = messages[-1].get("content")
    if thinks and len(messages) > 1 and "tool_result" in json.dumps(last):
        turn = len(messages) - 2
        content = messages[turn].get("content")
        first = content[0] if isinstance(content, list) and content else {"type": "text"}
        if first.get("type") not in ("thinking", "redacted_thinking"):
            return _UNTHOUGHT.format(turn=turn, found=first.get("type"))
    return None


def answer(seen: Seen) -> Reply:
    """InvokeModel with a thinking Claude: Bedrock's 400 for a history it refuses
    (`_refusal`); with thinking on (`thinking` enabled or adaptive) a thought, a
    redacted one and a call of `add` while tools are bound and the conversation holds
    no tool's result, else a thought and the answer; without, the call or the answer."""
    body = seen.body or {}
    messages = body.get("messages") or []
    thinks = (body.get("thinking") or {}).get("type") in ("enabled", "adaptive")
    why = _refusal(messages, thinks)
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
DIFFERENCES: dict[str, tuple[Why, Callable[[Outcome], Outcome]]] = {
    "foreign_reasoning_replayed": (
        Difference(
            Reason.REJECTED,
            "another provider's reply read as LangChain's v1 blocks, holding a reasoning "
            "block without a signature, is sent with that block as it is (`type: "
            "reasoning`), which Bedrock refuses (ValidationException)",
            "a thought without a signature is left out of the turn, as Claude takes none",
        ),
        within(_unsigned_left_out),
    ),
}
# A tool-calling v1 reply holds the same block (ours then refused for its missing thinking).
DIFFERENCES["foreign_calls_replayed"] = DIFFERENCES["foreign_reasoning_replayed"]

SUITE = chatbedrock_suite.SUITE.beside(SCRIPTS, DIFFERENCES)
test_probe_r_same_as_langchain_aws_chatbedrock = SUITE.same_test()
