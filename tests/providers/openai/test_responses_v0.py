"""langchain-openai's `output_version="v0"` (v0.3) shape of a Responses reply, both ways
(`providers/openai/responses_v0.py`), beside langchain-openai's
`_convert_to_v03_ai_message` and the request langchain-openai builds from a v0.3 turn."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from chatplex.messages import AIMessage
from chatplex.messages import AIMessageChunk
from chatplex.messages import HumanMessage
from chatplex.providers.openai.responses_request import wire_input
from chatplex.providers.openai.responses_v0 import FUNCTION_CALL_IDS
from chatplex.providers.openai.responses_v0 import v03_message

lc = pytest.importorskip("langchain_core.messages")
compat = pytest.importorskip("langchain_openai.chat_models._compat")
base = pytest.importorskip("langchain_openai.chat_models.base")

REASONING = {
    "type": "reasoning",
    "id": "rs_1",
    "summary": [{"type": "summary_text", "text": "Hm."}],
}
WEB = {"type": "web_search_call", "id": "ws_1", "status": "completed", "action": {"query": "q"}}
CODE = {"type": "code_interpreter_call", "id": "ci_1", "code": "1+1", "outputs": []}
CALL = {"type": "function_call", "id": "fc_1", "call_id": "call_1", "name": "add"}
TEXT = {"type": "text", "text": "Sunny.", "annotations": [], "id": "msg_1"}
REFUSAL = {"type": "refusal", "refusal": "No.", "id": "msg_2"}
#: A `responses/v1` reply of every item the v0.3 shape moves.
REPLY: list[Any] = [REASONING, WEB, TEXT, REFUSAL, {**CALL, "arguments": '{"a": 1}'}, CODE]
TOOL_CALLS = [{"name": "add", "args": {"a": 1}, "id": "call_1", "type": "tool_call"}]


def _side_by_side(content: list[Any], **fields: Any) -> tuple[Any, Any]:
    ours = v03_message(AIMessage(copy.deepcopy(content), **fields))
    theirs = compat._convert_to_v03_ai_message(lc.AIMessage(copy.deepcopy(content), **fields))
    return ours, theirs


def test_a_reply_is_langchain_openais_v03_message() -> None:
    ours, theirs = _side_by_side(REPLY, id="resp_1", tool_calls=TOOL_CALLS)
    assert ours.content == theirs.content == [{k: v for k, v in TEXT.items() if k != "id"}]
    assert ours.additional_kwargs == theirs.additional_kwargs
    assert ours.additional_kwargs["refusal"] == "No."
    assert ours.additional_kwargs[FUNCTION_CALL_IDS] == {"call_1": "fc_1"}
    assert ours.id == theirs.id == "msg_1"  # the text's message id, not the response's


def test_a_reply_without_text_has_no_id_and_other_blocks_stay() -> None:
    other = {"type": "custom_block", "x": 1}
    ours, theirs = _side_by_side([REASONING, other, {"id": "msg_3", "index": 0}], id="resp_1")
    assert ours.content == theirs.content == [other, {"index": 0}]
    assert ours.id is theirs.id is None
    assert ours.additional_kwargs == theirs.additional_kwargs


def test_a_streamed_reasoning_piece_after_the_first_merges_into_it() -> None:
    piece = [{"type": "reasoning", "id": "rs_1", "summary": [], "index": 0}]
    first = v03_message(AIMessageChunk(copy.deepcopy(piece)))
    later = v03_message(AIMessageChunk(copy.deepcopy(piece)), has_reasoning=True)
    assert first.additional_kwargs["reasoning"] == {
        "type": "reasoning",
        "id": "rs_1",
        "summary": [],
    }
    assert later.additional_kwargs["reasoning"] == {"summary": []}
    assert isinstance(later, AIMessageChunk)
    theirs = compat._convert_to_v03_ai_message(
        lc.AIMessageChunk(copy.deepcopy(piece)), has_reasoning=True
    )
    assert later.additional_kwargs == theirs.additional_kwargs


#: v0.3 turns given back: every item in `additional_kwargs`; text only, by its ids; and
#: a turn of another shape (no v0.3 key, no `msg_` id), left as it is.
V03_TURNS: list[dict[str, Any]] = [
    {
        "content": [{"type": "text", "text": "Sunny.", "annotations": []}],
        "additional_kwargs": {
            "reasoning": {k: v for k, v in REASONING.items() if k != "type"},
            "tool_outputs": [WEB, CODE, {"type": "mcp_list_tools", "id": "ml_1", "tools": []}],
            "refusal": "No.",
            FUNCTION_CALL_IDS: {"call_1": "fc_1"},
        },
        "tool_calls": [*TOOL_CALLS, {"name": "mul", "args": {"b": "ü"}, "id": "call_2"}],
        "id": "msg_1",
        "response_metadata": {"id": "resp_1"},
    },
    {
        "content": [{"type": "text", "text": "Hi.", "annotations": []}],
        "id": "msg_1",
        "response_metadata": {"id": "resp_1"},
    },
    {"content": [{"type": "text", "text": "Hi."}], "id": "msg_1"},
]


@pytest.mark.parametrize("turn", V03_TURNS)
def test_a_v03_turn_goes_back_as_langchain_openai_sends_it(turn: dict[str, Any]) -> None:
    theirs = base._construct_responses_api_input(
        [lc.HumanMessage("Hi"), lc.AIMessage(**copy.deepcopy(turn))]
    )
    assert wire_input([HumanMessage("Hi"), AIMessage(**copy.deepcopy(turn))]) == theirs


def test_a_v03_turns_items_go_in_langchain_cores_order() -> None:
    items = wire_input([AIMessage(**copy.deepcopy(V03_TURNS[0]))])
    assert [(i["type"], i.get("id")) for i in items] == [
        ("reasoning", "rs_1"),
        ("code_interpreter_call", "ci_1"),
        ("message", "msg_1"),  # the text, in the message of its id
        ("message", None),  # the refusal (no id kept), in one of its own
        ("function_call", "fc_1"),
        ("function_call", None),
        ("mcp_list_tools", "ml_1"),
        ("web_search_call", "ws_1"),  # not in langchain-core's order: after the rest
    ]
