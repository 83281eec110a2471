"""Refusal blocks: a reply a model refused gives the standard `refusal` block LangChain's
translators derive from the same message (langchain_core as the oracle): Chat
Completions' `refusal` (Responses API refusal parts: test_blocks_responses.py)."""

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
