"""Refusal blocks: a reply a model refused gives the standard `refusal` block LangChain's
translators derive from the same message (langchain_core as the oracle), on each wire:
Chat Completions' `refusal`, Anthropic's refusal block and stop reason (Responses API
refusal parts: test_blocks_responses.py)."""

from __future__ import annotations

from typing import Any

import pytest

from chatplex.messages import AIMessage
from chatplex.messages import AIMessageChunk
from chatplex.messages import message_to_dict

lc = pytest.importorskip("langchain_core.messages")

Reply = AIMessage | AIMessageChunk


def langchain_blocks(message: Reply) -> list[dict[str, Any]]:
    """LangChain's blocks of the same message (read from chatplex's dict)."""
    twin = lc.messages_from_dict([message_to_dict(message)])[0]
    return list(twin.content_blocks)


def same_blocks(message: Reply) -> list[dict[str, Any]]:
    ours = message.content_blocks
    assert ours == langchain_blocks(message)
    return ours


def refusals(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [b for b in blocks if b["type"] == "refusal"]


# -- OpenAI Chat Completions ----------------------------------------------------------------

OPENAI = {"model_provider": "openai"}
CALL = {"name": "f", "args": {"a": 1}, "id": "call_1"}
CALL_PIECE = {"name": "f", "args": '{"a"', "id": "call_1", "index": 0}

CHAT_COMPLETIONS: dict[str, Reply] = {
    "reply": AIMessage("", additional_kwargs={"refusal": "No."}, response_metadata=OPENAI),
    "after text and calls": AIMessage(
        "Well", additional_kwargs={"refusal": "No."}, tool_calls=[CALL], response_metadata=OPENAI
    ),  # type: ignore[list-item]
    "stream piece": AIMessageChunk(
        "", additional_kwargs={"refusal": "No"}, response_metadata=OPENAI
    ),
    "piece with call fragments": AIMessageChunk(
        "",
        additional_kwargs={"refusal": "No"},
        tool_call_chunks=[CALL_PIECE],  # type: ignore[list-item]
        response_metadata=OPENAI,
    ),
    "last piece": AIMessageChunk(
        "x",
        additional_kwargs={"refusal": "No."},
        tool_call_chunks=[{**CALL_PIECE, "args": '{"a": 1}'}],  # type: ignore[list-item]
        chunk_position="last",
        response_metadata=OPENAI,
    ),
}


@pytest.mark.parametrize("message", CHAT_COMPLETIONS.values(), ids=list(CHAT_COMPLETIONS))
def test_a_chat_completions_refusal_is_the_last_block(message: Reply) -> None:
    blocks = same_blocks(message)
    assert blocks[-1] == {"type": "refusal", "refusal": message.additional_kwargs["refusal"]}


@pytest.mark.parametrize("refusal", [None, ""])
def test_no_chat_completions_refusal_no_block(refusal: Any) -> None:
    message = AIMessage("Hi", additional_kwargs={"refusal": refusal}, response_metadata=OPENAI)
    assert not refusals(same_blocks(message))


# -- Anthropic ------------------------------------------------------------------------------

ANTHROPIC = {"model_provider": "anthropic"}
STOPPED = {**ANTHROPIC, "stop_reason": "refusal"}
DETAILS = {"type": "refusal", "category": "cyber", "explanation": "Not that."}

ANTHROPIC_REPLIES: dict[str, Reply] = {
    "refusal block": AIMessage(
        [{"type": "refusal", "refusal": "No.", "extras": {"k": 1}, "index": 1}],
        response_metadata=ANTHROPIC,
    ),
    "refusal block, extra keys left out": AIMessage(
        [{"type": "refusal", "refusal": "No.", "other": 1}], response_metadata=ANTHROPIC
    ),
    "stopped, its details": AIMessage(
        [{"type": "text", "text": "I"}], response_metadata={**STOPPED, "stop_details": DETAILS}
    ),
    "stopped, str content": AIMessage(
        "I", response_metadata={**STOPPED, "stop_details": {"explanation": "Not that."}}
    ),
    "stopped, no details": AIMessage("", response_metadata={**STOPPED, "stop_details": None}),
    "stopped, details not a dict": AIMessage([], response_metadata={**STOPPED, "stop_details": 3}),
    "stopped with its block": AIMessage(
        [{"type": "refusal", "refusal": "No."}],
        response_metadata={**STOPPED, "stop_details": DETAILS},
    ),
    "last stream piece": AIMessageChunk(
        [], response_metadata={**STOPPED, "stop_details": DETAILS}, chunk_position="last"
    ),
}


@pytest.mark.parametrize("message", ANTHROPIC_REPLIES.values(), ids=list(ANTHROPIC_REPLIES))
def test_an_anthropic_refusal_is_one_refusal_block(message: Reply) -> None:
    assert len(refusals(same_blocks(message))) == 1


def test_a_stop_for_refusal_reads_its_details() -> None:
    message = AIMessage([], response_metadata={**STOPPED, "stop_details": DETAILS})
    assert message.content_blocks == [
        {"type": "refusal", "refusal": "Not that.", "extras": {"category": "cyber"}}
    ]


@pytest.mark.parametrize("reason", ["end_turn", None])
def test_another_anthropic_stop_adds_no_refusal(reason: str | None) -> None:
    message = AIMessage("Hi", response_metadata={**ANTHROPIC, "stop_reason": reason})
    assert not refusals(same_blocks(message))


def test_an_anthropic_non_standard_block_keeps_its_index() -> None:
    """The block lifted into `non_standard` leaves the message's own block as it was."""
    block = {"type": "container_upload", "file_id": "f1", "index": 2}
    message = AIMessage([block], response_metadata=ANTHROPIC)
    assert same_blocks(message) == [
        {"type": "non_standard", "value": {"type": "container_upload", "file_id": "f1"}, "index": 2}
    ]
    assert message.content == [block]
