"""text_pieces: a text delta's LangChain chunk and piece, equal to the validated ones."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.messages import AIMessageChunk as LCAIMessageChunk
from langchain_core.outputs import ChatGenerationChunk

from chatplex.langchain.text_pieces import text_message_chunk
from chatplex.langchain.text_pieces import text_piece


def validated(content: Any, id: Any, name: Any, metadata: dict[str, Any]) -> LCAIMessageChunk:
    """The chunk `StreamTranslator` built with validation (the same keywords given)."""
    given = {"content": content, "id": id, "name": name, "response_metadata": metadata}
    at_defaults: dict[str, Any] = {
        "additional_kwargs": {},
        "tool_call_chunks": [],
        "usage_metadata": None,
    }
    return LCAIMessageChunk.model_validate({**given, **at_defaults, "chunk_position": None})


def state(model: Any) -> tuple[Any, ...]:
    """Everything pydantic keeps of a model: values (in order), fields set, extras."""
    return (
        list(model.__dict__.items()),
        model.__pydantic_fields_set__,
        model.__pydantic_extra__,
        model.__pydantic_private__,
    )


CASES = [
    ("tok ", None, None, {}),
    ("tok ", "chatcmpl-1", None, {"model_provider": "openai"}),
    ("", "run-1", "bot", {"model_provider": "openai", "model_name": "gpt-4o-mini"}),
]


@pytest.mark.parametrize(("content", "id", "name", "metadata"), CASES)
def test_message_chunk_is_the_validated_one(
    content: str, id: str | None, name: str | None, metadata: dict[str, Any]
) -> None:
    fast = text_message_chunk(content, id, name, dict(metadata))
    slow = validated(content, id, name, dict(metadata))
    assert type(fast) is LCAIMessageChunk
    assert state(fast) == state(slow)
    assert fast == slow and repr(fast) == repr(slow)
    assert fast.text == slow.text and fast.content_blocks == slow.content_blocks


def test_message_chunks_share_no_container() -> None:
    one = text_message_chunk("a", None, None, {})
    two = text_message_chunk("b", None, None, {})
    for field in ("additional_kwargs", "response_metadata", "tool_calls", "tool_call_chunks"):
        assert getattr(one, field) is not getattr(two, field)
    one.additional_kwargs["x"] = 1
    one.tool_calls.append({"name": "f", "args": {}, "id": "1", "type": "tool_call"})
    three = text_message_chunk("c", None, None, {})
    assert three.additional_kwargs == {} and three.tool_calls == []
    assert two.additional_kwargs == {} and two.tool_calls == []


def test_message_chunk_takes_metadata_as_given() -> None:
    metadata = {"model_provider": "openai"}
    assert text_message_chunk("a", None, None, metadata).response_metadata is metadata


def test_values_validation_would_change_take_the_validated_path() -> None:
    # langchain-core coerces a numeric id to a string: the fast copy would not.
    fast = text_message_chunk("a", 7, None, {})  # type: ignore[arg-type]
    assert fast.id == "7"
    assert state(fast) == state(validated("a", 7, None, {}))


def test_message_chunk_takes_assignments_and_merges_as_the_validated_one() -> None:
    # What LangChain's astream does to each chunk, then its merge at the end.
    fast = [text_message_chunk(t, None, None, {"model_provider": "openai"}) for t in "abc"]
    slow = [validated(t, None, None, {"model_provider": "openai"}) for t in "abc"]
    for chunk in (*fast, *slow):
        chunk.id = "lc_run-1"
        chunk.response_metadata = {**chunk.response_metadata, "model_name": "m"}
    assert [state(c) for c in fast] == [state(c) for c in slow]
    merged_fast, merged_slow = fast[0] + fast[1:], slow[0] + slow[1:]
    assert state(merged_fast) == state(merged_slow) and merged_fast.content == "abc"


@pytest.mark.parametrize(("content", "id", "name", "metadata"), CASES)
def test_piece_is_the_validated_one(
    content: str, id: str | None, name: str | None, metadata: dict[str, Any]
) -> None:
    message = text_message_chunk(content, id, name, dict(metadata))
    fast = text_piece(message)
    slow = ChatGenerationChunk(message=message, generation_info=None)
    assert type(fast) is ChatGenerationChunk and fast.message is message
    assert state(fast) == state(slow)
    assert type(fast.text) is type(slow.text) and fast.text == content
    assert state(fast + fast) == state(slow + slow)


def test_piece_of_block_content_is_validated() -> None:
    # A legacy text block (no "type"): the validator's own reading of it.
    message = LCAIMessageChunk(content=[{"text": "hi"}])
    fast = text_piece(message)
    assert fast.text == "hi"
    assert state(fast) == state(ChatGenerationChunk(message=message, generation_info=None))
