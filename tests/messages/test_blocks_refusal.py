"""Refusal blocks: a reply a model refused gives the standard `refusal` block LangChain's
translators derive from the same message (langchain_core as the oracle), on each wire:
Chat Completions' `refusal`, Anthropic's refusal block and stop reason, Gemini's blocked
replies (Responses API refusal parts: test_blocks_responses.py)."""

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


# -- Google (Gemini) ------------------------------------------------------------------------

GENAI = {"model_provider": "google_genai"}


class _Reason:
    """An SDK enum member: its `name` is the reason."""

    def __init__(self, name: str) -> None:
        self.name = name


GEMINI_REPLIES: dict[str, Reply] = {
    "safety, str content": AIMessage(
        "", response_metadata={**GENAI, "finish_reason": "SAFETY", "finish_message": "Blocked."}
    ),
    "prohibited, list content": AIMessage(
        [{"type": "text", "text": "a"}],
        response_metadata={**GENAI, "finish_reason": "PROHIBITED_CONTENT"},
    ),
    "blocklist, after calls": AIMessage(
        "t", tool_calls=[CALL], response_metadata={**GENAI, "finish_reason": "BLOCKLIST"}
    ),  # type: ignore[list-item]
    "an enum's name": AIMessage(
        "", response_metadata={**GENAI, "finish_reason": "FinishReason.SAFETY"}
    ),
    "an enum member": AIMessage(
        "", response_metadata={**GENAI, "finish_reason": _Reason("SAFETY")}
    ),
    "blocked prompt": AIMessage(
        "", response_metadata={**GENAI, "prompt_feedback": {"block_reason": "OTHER"}}
    ),
    "both reasons": AIMessage(
        [],
        response_metadata={
            **GENAI,
            "finish_reason": "SAFETY",
            "prompt_feedback": {"block_reason": "SAFETY", "safety_ratings": []},
        },
    ),
    "vertex": AIMessage(
        "", response_metadata={"model_provider": "google_vertexai", "finish_reason": "SAFETY"}
    ),
    "stream piece": AIMessageChunk("x", response_metadata={**GENAI, "finish_reason": "SAFETY"}),
}


@pytest.mark.parametrize("message", GEMINI_REPLIES.values(), ids=list(GEMINI_REPLIES))
def test_a_blocked_gemini_reply_ends_with_a_refusal_block(message: Reply) -> None:
    blocks = same_blocks(message)
    assert blocks[-1]["type"] == "refusal"


def test_the_blocked_refusal_names_its_reasons() -> None:
    message = GEMINI_REPLIES["both reasons"]
    assert message.content_blocks == [
        {
            "type": "refusal",
            "refusal": "",
            "extras": {"finish_reason": "SAFETY", "block_reason": "SAFETY"},
        }
    ]


GEMINI_NOT_BLOCKED = {
    "stop": {"finish_reason": "STOP"},
    "recitation": {"finish_reason": "RECITATION"},
    "unspecified block reason": {"prompt_feedback": {"block_reason": "BLOCKED_REASON_UNSPECIFIED"}},
    "no block reason": {"prompt_feedback": {"block_reason": None}},
    "feedback not a dict": {"prompt_feedback": "SAFETY"},
}


@pytest.mark.parametrize("meta", GEMINI_NOT_BLOCKED.values(), ids=list(GEMINI_NOT_BLOCKED))
def test_a_gemini_reply_not_blocked_has_no_refusal(meta: dict[str, Any]) -> None:
    assert not refusals(same_blocks(AIMessage("Hi", response_metadata={**GENAI, **meta})))


def test_another_providers_safety_stop_is_no_refusal() -> None:
    """Only the replies LangChain reads with its Gemini translator: another provider's
    reply, or one naming none, gets no refusal for the same metadata."""
    for meta in ({}, {"model_provider": "ollama"}):
        message = AIMessage("", response_metadata={**meta, "finish_reason": "SAFETY"})
        assert same_blocks(message) == []
