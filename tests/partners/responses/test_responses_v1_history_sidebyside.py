"""A history holding LangChain v1 assistant turns (`tool_call` content blocks beside the
text) sent on the Responses API, side by side: langchain-openai's ChatOpenAI and
chatplex's, against the suite's scripted server (`test_responses_sidebyside.py`); the
requests are compared, the turn's items in order.

langchain-openai's `_construct_responses_api_input` turns a v1 `tool_call` block into its
`function_call` item at the block's place in `content` (`_convert_from_v1_to_responses`:
name and arguments the block's `extras`, else the turn's tool call's, as compact JSON),
and appends the turn's other tool calls after every item; chatplex's drop-in carries
each block's place to the Responses request (`messages.CALL_PLACE_KEY`).
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Callable
from typing import Any

import pytest

from tests.partners._sidebyside import Difference
from tests.partners._sidebyside import Outcome
from tests.partners._sidebyside import Reason
from tests.partners._sidebyside import Why
from tests.partners._sidebyside import add
from tests.partners._sidebyside import clients_closed_after_module
from tests.partners._sidebyside import merged
from tests.partners.responses.test_responses_sidebyside import LOOP
from tests.partners.responses.test_responses_sidebyside import SUITE
from tests.partners.responses.test_responses_sidebyside import Script
from tests.partners.responses.test_responses_sidebyside import _model
from tests.partners.responses.test_responses_sidebyside import run_async

#: The Responses suite's loop, borrowed: chatplex's clients on it closed after this module.
_shared_clients_closed = clients_closed_after_module(LOOP)

lc = pytest.importorskip("langchain_core.messages")
pytest.importorskip("langchain_openai")


def _call(n: int, a: int) -> dict[str, Any]:
    return {"name": "add", "args": {"a": a, "b": 2}, "id": f"call_{n}", "type": "tool_call"}


def _block(n: int, **extras: Any) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "tool_call", "id": f"call_{n}", "name": "add"}
    block["args"] = _call(n, n)["args"]
    return {**block, "extras": extras} if extras else block


def _history(content: list[Any], calls: list[dict[str, Any]]) -> list[Any]:
    turn = lc.AIMessage(content=content, tool_calls=calls)
    results = [lc.ToolMessage(str(c["args"]["a"] + 2), tool_call_id=c["id"]) for c in calls]
    return [lc.HumanMessage("1+2?"), turn, *results, lc.HumanMessage("Thanks.")]


#: Turns written as a v1 reply can be: a call before its text; calls between texts, one
#: call of `tool_calls` in no block; a block carrying its item id and arguments.
TURNS = {
    "call_then_text": ([_block(1), {"type": "text", "text": "Adding."}], [_call(1, 1)]),
    "calls_between_texts": (
        [
            {"type": "text", "text": "First."},
            _block(1),
            {"type": "text", "text": "Then."},
            _block(2),
        ],
        [_call(1, 1), _call(2, 2), _call(3, 3)],
    ),
    "call_with_extras": (
        [_block(1, item_id="fc_1", arguments='{"a": 1, "b": 2}', status="completed"), "Done."],
        [_call(1, 1)],
    ),
}


def _sent_on(how: str, turn: str) -> Callable[[Any, str], Any]:
    def script(cls: Any, url: str) -> Any:
        model = _model(cls, url).bind_tools([add])
        history = _history(*TURNS[turn])
        if how == "ainvoke":
            return run_async(model.ainvoke(history))
        if how == "stream":
            return merged(list(model.stream(history)))
        return model.invoke(history)

    return script


SCRIPTS: dict[str, tuple[Script, Callable[[Any, str], Any]]] = {
    f"{turn}_{how}": (Script(), _sent_on(how, turn))
    for turn in TURNS
    for how in ("invoke", "ainvoke", "stream")
}


def _partner_drops_the_text(outcome: Outcome) -> Outcome:
    """Theirs sent the turn without its text and its call without the item's id and
    status (checked); ours as theirs, those taken out."""
    theirs, ours, their_requests, our_requests = outcome
    their_items = [item for r in their_requests for item in r["body"]["input"]]
    assert not any(item.get("role") == "assistant" for item in their_items)
    assert all("id" not in i for i in their_items if i.get("type") == "function_call")
    ours_as_theirs = copy.deepcopy(our_requests)
    for request in ours_as_theirs:
        body = request["body"]
        body["input"] = [i for i in body["input"] if i.get("role") != "assistant"]
        for item in body["input"]:
            if item.get("type") == "function_call":
                item.pop("id", None)
                item.pop("status", None)
    return theirs, ours, their_requests, ours_as_theirs


#: A turn mixing a block and a plain string: langchain-openai's v1 reading leaves the
#: string out, and the item's id and status with it.
DIFFERENCES: dict[str, tuple[Why, Callable[[Outcome], Outcome]]] = {
    f"call_with_extras_{how}": (
        Difference(
            Reason.LOSES_DATA,
            "sends an assistant turn written as a tool call block then a plain string "
            "without the string, and its call without the item's id and status",
            "sends the text after the call, and the call as the block gave it",
        ),
        _partner_drops_the_text,
    )
    for how in ("invoke", "ainvoke", "stream")
}

V1_HISTORY = dataclasses.replace(SUITE, scripts=SCRIPTS, differences=DIFFERENCES)
test_v1_history_same_as_langchain_openai = V1_HISTORY.same_test()
