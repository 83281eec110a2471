"""A streamed message's chunks as v3 protocol events: blocks opened, pieces as deltas,
each block finished (a call's arguments parsed), the message finished with its usage
summed, its metadata and `additional_kwargs` merged."""

from __future__ import annotations

from typing import Any

from chatplex.core.events_v3_bridge import EventBridge
from chatplex.messages import AIMessageChunk


def _events(*chunks: AIMessageChunk) -> list[dict[str, Any]]:
    bridge = EventBridge()
    events = [event for chunk in chunks for event in bridge.feed(chunk)]
    return events + bridge.finish()


def test_text_pieces_are_one_block_opened_with_its_first_text() -> None:
    events = _events(
        AIMessageChunk(content="", id="m1", response_metadata={"model_provider": "openai"}),
        AIMessageChunk(content="Hel"),
        AIMessageChunk(content="lo", response_metadata={"finish_reason": "stop"}),
    )
    assert events == [
        {"event": "message-start", "role": "ai", "id": "m1", "metadata": {"provider": "openai"}},
        {"event": "content-block-start", "index": 0, "content": {"type": "text", "text": ""}},
        {
            "event": "content-block-delta",
            "index": 0,
            "delta": {"type": "text-delta", "text": "Hel"},
        },
        {"event": "content-block-delta", "index": 0, "delta": {"type": "text-delta", "text": "lo"}},
        {"event": "content-block-finish", "index": 0, "content": {"type": "text", "text": "Hello"}},
        {
            "event": "message-finish",
            "metadata": {"model_provider": "openai", "finish_reason": "stop"},
        },
    ]


def test_later_chunks_are_read_as_the_first_chunks_provider() -> None:
    """A model names its provider on its first chunk only: a later chunk's thinking block
    is still the provider's reasoning, not a non-standard block."""
    events = _events(
        AIMessageChunk(content="", response_metadata={"model_provider": "anthropic"}),
        AIMessageChunk(content=[{"type": "thinking", "thinking": "hm", "index": 0}]),
    )
    assert events[1]["content"] == {"type": "reasoning", "reasoning": ""}
    assert events[2]["delta"] == {"type": "reasoning-delta", "reasoning": "hm"}


def test_a_call_is_streamed_from_its_chunks_and_finished_parsed_or_invalid() -> None:
    first = {"name": "add", "id": "t1", "index": 0, "args": '{"a": 1'}
    good = _events(
        AIMessageChunk(content="", tool_call_chunks=[first]),
        AIMessageChunk(content="", tool_call_chunks=[{"args": "}", "index": 0}]),
    )
    assert good[1]["content"] == {
        "type": "tool_call_chunk", "id": "t1", "name": "add", "args": "", "index": 0
    }  # fmt: skip
    assert [e["delta"]["args"] for e in good if e["event"] == "content-block-delta"] == [
        '{"a": 1',
        "}",
    ]
    assert good[-2]["content"] == {"type": "tool_call", "id": "t1", "name": "add", "args": {"a": 1}}
    bad = _events(AIMessageChunk(content="", tool_call_chunks=[{**first, "args": "{oops"}]))
    assert bad[-2]["content"] == {
        "type": "invalid_tool_call",
        "id": "t1",
        "name": "add",
        "args": "{oops",
        "error": "Failed to parse tool call arguments as JSON",
    }


def test_usage_is_summed_and_additional_kwargs_merged() -> None:
    usage = {"input_tokens": 1, "output_tokens": 2, "total_tokens": 3}
    events = _events(
        AIMessageChunk(content="a", usage_metadata=usage, additional_kwargs={"x": "a"}),
        AIMessageChunk(
            content="b",
            usage_metadata={**usage, "output_token_details": {"reasoning": 1}},
            additional_kwargs={"x": "b"},
        ),
    )
    assert events[-1] == {
        "event": "message-finish",
        "usage": {
            "input_tokens": 2,
            "output_tokens": 4,
            "total_tokens": 6,
            "output_token_details": {"reasoning": 1},
        },
        "additional_kwargs": {"x": "ab"},
    }


def test_a_stream_of_no_chunk_has_no_events() -> None:
    assert EventBridge().finish() == []
