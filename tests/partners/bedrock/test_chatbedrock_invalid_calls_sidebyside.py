"""ChatBedrock over InvokeModel (an Anthropic model) side by side with langchain-aws's on
hand-written histories whose AIMessage holds invalid tool calls (arguments that are no
JSON, JSON but no object, an object), then a new question: answered by a ToolMessage,
beside a valid call or alone; unanswered, with text, empty text or an empty list; and a
last turn (a prefill) of invalid calls alone. Invoked, streamed and awaited, as the
ChatBedrock suite runs its scripts (`test_chatbedrock_sidebyside.SUITE`).

Both leave an unanswered invalid call out and send an empty assistant turn as "." (the
last too). langchain-aws also leaves out an invalid call a tool result answers, a request
Bedrock refuses; chatplex sends that call as a tool_use block (a kept difference).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

import pytest

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import add
from tests.partners._sidebyside import in_order
from tests.partners._sidebyside import merged
from tests.partners.bedrock.test_bedrock_sidebyside import isolated_aws  # noqa: F401 - autouse: no AWS setting of the machine leaks in
from tests.partners.bedrock.test_chatbedrock_sidebyside import SUITE as CHATBEDROCK
from tests.partners.bedrock.test_chatbedrock_sidebyside import invoke
from tests.partners.bedrock.test_chatbedrock_sidebyside import make

lc = pytest.importorskip("langchain_core.messages")

GOOD = {"name": "add", "args": {"a": 1, "b": 2}, "id": "toolu_00", "type": "tool_call"}


def _bad(n: int, args: str | None) -> dict[str, Any]:
    return {
        "name": "add",
        "args": args,
        "id": f"toolu_0{n}",
        "error": "bad",
        "type": "invalid_tool_call",
    }


def _answered(*ids: str) -> list[Any]:
    return [lc.ToolMessage("error: bad arguments", tool_call_id=i, status="error") for i in ids]


def _replies(cls: Any, url: str, histories: list[list[Any]]) -> Any:
    """Each history invoked; the first also streamed (merged) and awaited."""
    chat = make(cls, url).bind_tools([add])
    out = [chat.invoke(history) for history in histories]
    out.append(merged(list(chat.stream(histories[0]))))
    out.append(asyncio.run(make(cls, url).bind_tools([add]).ainvoke(histories[0])))
    return out


def invalid_calls_answered(cls: Any, url: str) -> Any:
    """Invalid calls a ToolMessage answers: alone (empty text, then text beside arguments
    that parse as an object), beside a valid call, one of two answered, and one without
    arguments."""
    ask, then = lc.HumanMessage("1+2?"), lc.HumanMessage("And now?")
    two = [_bad(1, "{1,"), _bad(2, "{2")]
    return _replies(
        cls,
        url,
        [
            [
                ask,
                lc.AIMessage("", invalid_tool_calls=[_bad(1, "{1,")]),
                *_answered("toolu_01"),
                then,
            ],
            [
                ask,
                lc.AIMessage("Let me add.", invalid_tool_calls=[_bad(1, '{"a": "x"}')]),
                *_answered("toolu_01"),
                then,
            ],
            [
                ask,
                lc.AIMessage("", tool_calls=[GOOD], invalid_tool_calls=[_bad(1, "[1]")]),
                lc.ToolMessage("3", tool_call_id="toolu_00"),
                *_answered("toolu_01"),
                then,
            ],
            [ask, lc.AIMessage("Hmm.", invalid_tool_calls=two), *_answered("toolu_01"), then],
            # (a call the model named but gave no arguments)
            [
                ask,
                lc.AIMessage("Hmm.", invalid_tool_calls=[_bad(1, None)]),
                *_answered("toolu_01"),
                then,
            ],
        ],
    )


def invalid_calls_unanswered(cls: Any, url: str) -> Any:
    """Invalid calls no ToolMessage answers (text, empty text, an empty list), an empty
    list alone, and last turns (prefills) of invalid calls or of nothing."""
    ask, then = lc.HumanMessage("1+2?"), lc.HumanMessage("And now?")
    bad = [_bad(1, "{1,")]
    return _replies(
        cls,
        url,
        [
            [ask, lc.AIMessage("", invalid_tool_calls=bad), then],
            [ask, lc.AIMessage("Hmm.", invalid_tool_calls=bad), then],
            [ask, lc.AIMessage([], invalid_tool_calls=bad), then],
            [ask, lc.AIMessage([]), then],
            [ask, lc.AIMessage("", invalid_tool_calls=bad)],
            [ask, lc.AIMessage([], invalid_tool_calls=bad)],
            [ask, lc.AIMessage("")],
        ],
    )


SCRIPTS = {
    "invalid_calls_answered": (invoke(), invalid_calls_answered),
    "invalid_calls_unanswered": (invoke(), invalid_calls_unanswered),
}

#: The ids of the answered invalid calls `invalid_calls_answered` sends.
ANSWERED = {"toolu_01"}


def _answered_calls_left_out(outcome: Outcome) -> Outcome:
    """Each of our requests with the tool_use blocks of answered invalid calls taken out
    (an assistant turn left empty as "."), once seen: then theirs, which left them out
    while sending the results answering them."""
    theirs, ours, their_requests, our_requests = outcome
    for request in their_requests:
        _, turn, answers = request["body"]["messages"]
        uses = {b["id"] for b in turn["content"] if _use(b)}
        results = {b["tool_use_id"] for b in answers["content"] if _result(b)}
        assert results >= ANSWERED and not ANSWERED & uses, request
    for request in our_requests:
        turn = request["body"]["messages"][1]
        kept = [b for b in turn["content"] if not (_use(b) and b["id"] in ANSWERED)]
        assert len(kept) == len(turn["content"]) - 1, turn
        turn["content"] = kept or [{"type": "text", "text": "."}]
    return theirs, ours, their_requests, in_order(our_requests)


def _use(block: Any) -> bool:
    return isinstance(block, dict) and block.get("type") == "tool_use"


def _result(block: Any) -> bool:
    return isinstance(block, dict) and block.get("type") == "tool_result"


#: Script -> (why it may differ, how the outcome is read before comparing).
DIFFERENCES: dict[str, tuple[Why, Callable[[Outcome], Outcome]]] = {
    "invalid_calls_answered": (
        Difference(
            Reason.REJECTED,
            "leaves an AIMessage's invalid tool calls out of the request but sends the tool "
            "results answering them: a tool_result whose tool_use is not in the assistant "
            "turn before it, which the Messages API on Bedrock refuses (each tool_result "
            "must answer a tool_use of the previous message)",
            "an invalid call a tool result answers goes as a tool_use block (its arguments "
            "where they parse as a JSON object, else empty), as langchain-anthropic sends "
            "it; an unanswered one is left out, as langchain-aws leaves it",
        ),
        _answered_calls_left_out,
    ),
}

SUITE = CHATBEDROCK.beside(SCRIPTS, DIFFERENCES)
test_same_as_langchain_aws = SUITE.same_test()
