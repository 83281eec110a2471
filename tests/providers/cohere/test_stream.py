"""The v2 Chat stream (`providers/cohere/stream.py`): events → chunks as langchain-cohere
yields them, the merged stream equal to the non-stream reply where LangChain's are
(text, tool calls, finish reason), usage on the last chunk."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chatplex.adapters.sse_event import SSEEvent
from chatplex.errors import StreamError
from chatplex.messages import merge_chunks
from chatplex.providers.cohere.stream import CohereStreamParser
from tests._replies import tool_call

USAGE = {
    "billed_units": {"input_tokens": 3, "output_tokens": 2},
    "tokens": {"input_tokens": 10, "output_tokens": 2},
}


def _events(*objs: dict[str, Any]) -> list[SSEEvent]:
    return [SSEEvent(o["type"], json.dumps(o)) for o in objs]


START = {"id": "r-3", "type": "message-start", "delta": {"message": {"role": "assistant"}}}


def _delta(text: str) -> dict[str, Any]:
    return {"type": "content-delta", "index": 0, "delta": {"message": {"content": {"text": text}}}}


def _end(reason: str = "COMPLETE") -> dict[str, Any]:
    return {"type": "message-end", "delta": {"finish_reason": reason, "usage": USAGE}}


def _run(events: list[SSEEvent]) -> list[Any]:
    parser = CohereStreamParser()
    chunks = [c for e in events if (c := parser.feed(e)) is not None]
    parser.finish()
    return chunks


def test_text_deltas_then_the_last_chunk() -> None:
    chunks = _run(
        _events(
            START,
            {"type": "content-start", "index": 0, "delta": {"message": {"content": {"text": ""}}}},
            _delta("Hel"),
            _delta("lo"),
            {"type": "content-end", "index": 0},
            _end(),
        )
        + [SSEEvent("message", "[DONE]")]
    )
    assert [c.content for c in chunks] == ["Hel", "lo", ""]
    last = chunks[-1]
    info = {
        "finish_reason": "COMPLETE",
        "token_count": {"total_tokens": 5, "input_tokens": 3, "output_tokens": 2},
    }
    assert last.additional_kwargs == info and last.response_metadata == info
    # Floats, as the cohere SDK's UsageBilledUnits holds them.
    assert all(type(v) is float for v in last.additional_kwargs["token_count"].values())
    assert last.chunk_position == "last"
    merged = merge_chunks(chunks)
    assert merged.content == "Hello"
    assert merged.usage_metadata == {"input_tokens": 10, "output_tokens": 2, "total_tokens": 12}


def test_a_tool_call_streamed_in_pieces_keeps_coheres_id_on_every_piece() -> None:
    call = {"id": "get_weather_x", "type": "function", "function": {"name": "get_weather"}}
    chunks = _run(
        _events(
            START,
            {"type": "tool-plan-delta", "delta": {"message": {"tool_plan": "I will look"}}},
            {
                "type": "tool-call-start",
                "index": 0,
                "delta": {
                    "message": {
                        "tool_calls": {**call, "function": {"name": "get_weather", "arguments": ""}}
                    }
                },
            },
            {
                "type": "tool-call-delta",
                "index": 0,
                "delta": {"message": {"tool_calls": {"function": {"arguments": '{"city": '}}}},
            },
            {
                "type": "tool-call-delta",
                "index": 0,
                "delta": {"message": {"tool_calls": {"function": {"arguments": '"Paris"}'}}}},
            },
            {"type": "tool-call-end", "index": 0},
            _end("TOOL_CALL"),
        )
    )
    # Indexed after the plan's block: LangChain's v1 blocks number the plan 0 as well.
    assert {c["index"] for chunk in chunks for c in chunk.tool_call_chunks} == {1}
    # Every piece names its call (Cohere's id), so merged pieces stay one call.
    pieces = [c["id"] for chunk in chunks for c in chunk.tool_call_chunks]
    assert pieces == ["get_weather_x"] * 3
    merged = merge_chunks(chunks).to_message()
    assert merged.content == "I will look"
    assert merged.tool_calls == [tool_call("get_weather", {"city": "Paris"}, "get_weather_x")]
    assert merged.response_metadata["finish_reason"] == "TOOL_CALL"
    assert merged.additional_kwargs["tool_calls"] == [
        {
            "id": "get_weather_x",
            "type": "function",
            "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
        }
    ]


PLANNED_CALL = _events(
    START,
    {"type": "tool-plan-delta", "delta": {"message": {"tool_plan": "I will "}}},
    {"type": "tool-plan-delta", "delta": {"message": {"tool_plan": "look"}}},
    {
        "type": "tool-call-start",
        "index": 0,
        "delta": {
            "message": {
                "tool_calls": {
                    "id": "get_weather_x",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": ""},
                }
            }
        },
    },
    {
        "type": "tool-call-delta",
        "index": 0,
        "delta": {"message": {"tool_calls": {"function": {"arguments": '{"city": "Paris"}'}}}},
    },
    {"type": "tool-call-end", "index": 0},
    _end("TOOL_CALL"),
)


def test_whole_calls_come_on_the_last_chunk_with_the_plan_as_its_text() -> None:
    # langchain-cohere's async stream: nothing before the end, then the call whole.
    parser = CohereStreamParser(whole_calls=True)
    chunks = [c for e in PLANNED_CALL if (c := parser.feed(e)) is not None]
    parser.finish()
    [last] = chunks
    assert last.chunk_position == "last" and last.content == "I will look"
    assert last.tool_call_chunks == [
        {
            "name": "get_weather",
            "args": '{"city": "Paris"}',
            "id": "get_weather_x",
            "index": None,
            "type": "tool_call_chunk",
        }
    ]
    assert last.tool_calls[0]["args"] == {"city": "Paris"}
    assert last.response_metadata["finish_reason"] == "TOOL_CALL"
    # The same events streamed as pieces otherwise, merging to the same call and text.
    pieces = _run(PLANNED_CALL)
    assert len(pieces) > 1
    merged = merge_chunks(pieces).to_message()
    assert merged.content == last.content and merged.tool_calls == last.tool_calls


def test_whole_calls_are_held_until_the_last_chunk_hands_them_on() -> None:
    # What the engine adds to a cut stream's partial (`HoldsPieces`): the plan and the
    # calls as received so far, then nothing once the last chunk carried them.
    parser = CohereStreamParser(whole_calls=True)
    *before, end = PLANNED_CALL
    assert [parser.feed(e) for e in before[:-2]] == [None] * (len(before) - 2)
    [held] = parser.held()
    assert held.content == "I will look"
    assert [(c["name"], c["args"], c["index"]) for c in held.tool_call_chunks] == [
        ("get_weather", "", None)
    ]
    for event in before[-2:]:
        parser.feed(event)
    assert parser.held()[0].tool_call_chunks[0]["args"] == '{"city": "Paris"}'
    assert parser.feed(end) is not None and parser.held() == []
    assert CohereStreamParser().held() == []  # streamed as pieces: nothing is held


def test_whole_calls_stay_held_when_the_end_is_a_failed_generation() -> None:
    parser = CohereStreamParser(whole_calls=True)
    *before, _ = PLANNED_CALL
    for event in before:
        parser.feed(event)
    failed = {"type": "message-end", "delta": {"finish_reason": "ERROR", "usage": USAGE}}
    with pytest.raises(StreamError):
        parser.feed(_events(failed)[0])
    assert parser.held()[0].tool_call_chunks[0]["name"] == "get_weather"


def test_whole_calls_leave_a_reply_without_calls_as_it_streams() -> None:
    parser = CohereStreamParser(whole_calls=True)
    events = _events(START, _delta("Hel"), _delta("lo"), _end())
    chunks = [c for e in events if (c := parser.feed(e)) is not None]
    assert [c.content for c in chunks] == ["Hel", "lo", ""]
    assert [c.tool_call_chunks for c in chunks] == [[], [], []]


def test_thinking_then_text_as_langchain_blocks() -> None:
    thinking = {
        "type": "content-delta",
        "index": 0,
        "delta": {"message": {"content": {"thinking": "Hmm."}}},
    }
    chunks = _run(_events(START, thinking, _delta("Hi"), _end()))
    assert chunks[0].content == [
        {"type": "reasoning", "index": 0, "summary": [{"text": "Hmm.", "index": 0}]}
    ]
    assert chunks[1].content == [{"type": "text", "index": 1, "text": "Hi"}]


def test_a_stream_cut_short_or_malformed_is_a_stream_error() -> None:
    parser = CohereStreamParser()
    parser.feed(_events(START)[0])
    with pytest.raises(StreamError, match="before message-end"):
        parser.finish()
    with pytest.raises(StreamError, match="malformed JSON"):
        CohereStreamParser().feed(SSEEvent("content-delta", "{nope"))
    with pytest.raises(StreamError, match="not a JSON object"):
        CohereStreamParser().feed(SSEEvent("content-delta", "[1]"))


def test_unknown_and_bookkeeping_events_yield_nothing() -> None:
    parser = CohereStreamParser()
    for kind in ("citation-start", "citation-end", "debug", "something-new"):
        assert parser.feed(SSEEvent(kind, json.dumps({"type": kind}))) is None
    assert parser.feed(SSEEvent("message", "")) is None


def test_calls_with_nothing_before_them_keep_coheres_index() -> None:
    call = {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    chunks = _run(
        _events(
            START,
            {"type": "tool-call-start", "index": 0, "delta": {"message": {"tool_calls": call}}},
            {"type": "tool-call-end", "index": 0},
            _end("TOOL_CALL"),
        )
    )
    assert [c["index"] for chunk in chunks for c in chunk.tool_call_chunks] == [0]


def test_a_reply_its_filter_stopped_ends_normally_with_its_reason() -> None:
    """ERROR_TOXIC: langchain-cohere's stream ends as any other, the reason on the last
    chunk."""
    chunks = _run(_events(START, _delta("Hi"), _end("ERROR_TOXIC")))
    assert chunks[-1].response_metadata["finish_reason"] == "ERROR_TOXIC"
    assert merge_chunks(chunks).content == "Hi"


def test_a_failed_generation_at_the_end_is_a_stream_error_not_a_normal_end() -> None:
    failed = {"type": "message-end", "delta": {"finish_reason": "ERROR", "error": "boom"}}
    parser = CohereStreamParser()
    assert parser.feed(_events(_delta("Hel"))[0]) is not None
    with pytest.raises(StreamError, match=r"failed \(ERROR\): boom") as raised:
        parser.feed(_events(failed)[0])
    assert raised.value.error_type == "generation_error"


@pytest.mark.parametrize(
    ("event", "words"),
    [
        ({"type": "content-delta", "delta": {"message": {"content": "x"}}}, "content is a str"),
        (
            {"type": "content-delta", "delta": {"message": {"content": {"text": 5}}}},
            "text is a int",
        ),
        (
            {
                "type": "tool-call-start",
                "index": 0,
                "delta": {"message": {"tool_calls": [{"id": "c"}]}},
            },
            "tool_calls is a list",
        ),
        (
            {
                "type": "tool-call-delta",
                "index": 0,
                "delta": {"message": {"tool_calls": {"function": {"arguments": {"a": 1}}}}},
            },
            "arguments is a dict",
        ),
        (
            {"type": "message-end", "delta": {"usage": {"billed_units": {"input_tokens": "3"}}}},
            "input_tokens is a str",
        ),
    ],
)
def test_an_event_field_of_the_wrong_type_is_refused(event: dict[str, Any], words: str) -> None:
    from chatplex.adapters.reading import MalformedReply

    with pytest.raises(MalformedReply, match=words):
        CohereStreamParser().feed(_events(event)[0])
