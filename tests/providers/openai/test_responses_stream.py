"""The Responses API stream parser: the chunks langchain-openai yields, event by event;
every fixture and every recorded stream merges into the non-stream reply's text, calls,
usage and metadata, its blocks as langchain-openai's merged stream has them; errors and
cut-off streams raise."""

from __future__ import annotations

import json
from typing import Any

import pytest
from _corpus import Case
from _corpus import load_cases
from _responses_fixtures import RESPONSES
from _responses_fixtures import assert_streams_into
from _responses_fixtures import events_of
from _responses_fixtures import sse_of
from _responses_fixtures import with_done_events

from chatplex.adapters.sse_event import SSEEvent
from chatplex.errors import StreamError
from chatplex.http._sse import iter_sse_events
from chatplex.messages import AIMessage
from chatplex.messages import AIMessageChunk
from chatplex.messages import merge_chunks
from chatplex.providers.openai.responses_response import parse_reply
from chatplex.providers.openai.responses_stream import ResponsesStreamParser

STREAMS = [c for c in load_cases({"openai_responses"}) if c.kind == "sse"]


def chunks_of(body: bytes) -> list[AIMessageChunk]:
    parser = ResponsesStreamParser("req-1")
    out = [c for e in iter_sse_events([body]) if (c := parser.feed(e)) is not None]
    parser.finish()
    return out


def merged(body: bytes) -> AIMessage:
    return merge_chunks(chunks_of(body)).to_message()


@pytest.mark.parametrize("name", sorted(RESPONSES))
@pytest.mark.parametrize("pieces", [1, 3, 7])
def test_merged_stream_reads_as_the_reply(name: str, pieces: int) -> None:
    resp = RESPONSES[name]
    whole = parse_reply(json.dumps(resp).encode(), {"x-request-id": "req-1"})
    assert_streams_into(merged(sse_of(with_done_events(events_of(resp, pieces)))), whole)


@pytest.mark.parametrize("case", STREAMS, ids=[c.name for c in STREAMS])
def test_recorded_stream_merges_into_its_completed_response(case: Case) -> None:
    events = [json.loads(e.data) for e in iter_sse_events([case.body])]
    final = next(e["response"] for e in events if e["type"] == "response.completed")
    whole = parse_reply(json.dumps(final).encode(), {"x-request-id": "req-1"})
    message = merged(case.body)
    assert_streams_into(message, whole)
    expected = case.expected
    assert message.text == expected["text"]
    assert [(c["id"], c["name"], c["args"]) for c in message.tool_calls] == [
        (c["call_id"], c["name"], json.loads(c["arguments"])) for c in expected["tool_calls"]
    ]
    assert message.usage_metadata is not None
    assert message.usage_metadata["total_tokens"] == expected["usage"]["total_tokens"]


def test_text_arrives_in_pieces_at_its_block_index() -> None:
    chunks = chunks_of(sse_of(with_done_events(events_of(RESPONSES["reasoning_then_text"], 3))))
    texts = [b for c in chunks for b in c.content if isinstance(b, dict) and "text" in b]
    # The pieces, then the done event's empty piece with the message item's id.
    assert [b["text"] for b in texts] == ["The an", "swer i", "s 4.", ""]
    assert texts[-1]["id"] == "msg_1"
    assert {b["index"] for b in texts} == {1}  # block 0 is the reasoning item


def test_tool_call_chunks_carry_their_index() -> None:
    chunks = chunks_of(sse_of(events_of(RESPONSES["two_tool_calls"], 2)))
    pieces = [(tc["index"], tc["args"]) for c in chunks for tc in c.tool_call_chunks if tc["args"]]
    assert pieces == [(0, '{"city": '), (0, '"Paris"}'), (1, '{"tz": '), (1, '"CET"}')]
    first = next(c.tool_call_chunks[0] for c in chunks if c.tool_call_chunks)
    assert (first["name"], first["id"]) == ("get_weather", "call_1")


def test_one_chunk_per_event_langchain_openai_reads() -> None:
    events = with_done_events(events_of(RESPONSES["text"], 2))
    chunks = chunks_of(sse_of(events))
    read = [e["type"] for e in events if not e["type"].startswith(_SKIPPED)]
    assert len(chunks) == len(read)
    assert chunks[0].id == chunks[0].response_metadata["id"]  # response.created
    last = chunks[-1]
    assert (last.chunk_position, last.content) == ("last", [])
    assert "id" not in last.response_metadata and last.usage_metadata is not None


#: Events langchain-openai yields no chunk for.
_SKIPPED = ("response.in_progress", "response.content_part.", "response.output_item.done")


def test_reasoning_summary_parts_arrive_as_added_then_their_text() -> None:
    chunks = chunks_of(sse_of(events_of(RESPONSES["reasoning_then_text"], 4)))
    summaries = [b["summary"] for c in chunks for b in c.content if b.get("summary")]
    assert summaries[0] == [{"index": 0, "type": "summary_text", "text": ""}]
    merged_summary = merge_chunks(chunks).to_message().content[0]["summary"]
    assert [p["text"] for p in merged_summary] == ["**Planning** first part.", "Second part."]


def _failed(code: str, message: str) -> dict[str, Any]:
    """A `response.failed` event whose response failed with `code` and `message`."""
    error = {"code": code, "message": message}
    return {
        "type": "response.failed",
        "response": {"id": "resp_f", "status": "failed", "error": error},
    }


def test_failed_response_raises_stream_error() -> None:
    failed = _failed("server_error", "The model had an error")
    parser = ResponsesStreamParser("req-9")
    with pytest.raises(StreamError, match="The model had an error") as info:
        parser.feed(SSEEvent("response.failed", json.dumps(failed)))
    assert info.value.provider == "openai_responses"
    assert info.value.request_id == "req-9"
    assert info.value.retryable


def test_error_event_raises_stream_error_with_its_code() -> None:
    error = {"type": "error", "code": "rate_limit_exceeded", "message": "Slow down", "param": None}
    with pytest.raises(StreamError, match="Slow down") as info:
        ResponsesStreamParser().feed(SSEEvent("error", json.dumps(error)))
    assert info.value.code == "rate_limit_exceeded"
    # The event's data, as the openai SDK and langchain-openai read it to raise.
    assert info.value.__dict__["event_data"] == error


def test_stream_cut_before_completed_raises() -> None:
    events = events_of(RESPONSES["text"])[:-1]
    parser = ResponsesStreamParser()
    for e in iter_sse_events([sse_of(events)]):
        parser.feed(e)
    with pytest.raises(StreamError, match="before response.completed"):
        parser.finish()


def test_malformed_event_raises() -> None:
    with pytest.raises(StreamError, match="malformed JSON"):
        ResponsesStreamParser().feed(SSEEvent("response.output_text.delta", "{nope"))


def test_nothing_after_completed() -> None:
    parser = ResponsesStreamParser()
    events = list(iter_sse_events([sse_of(events_of(RESPONSES["text"]))]))
    for e in events:
        parser.feed(e)
    assert parser.feed(events[3]) is None
    parser.finish()


def test_error_event_with_a_nested_error_object() -> None:
    # Some servers nest the fields: {"type": "error", "error": {...}, "sequence_number": n}.
    error = {
        "type": "error",
        "sequence_number": 2,
        "error": {"type": "invalid_request_error", "code": "invalid_prompt", "message": "Flagged"},
    }
    with pytest.raises(StreamError, match="Flagged") as info:
        ResponsesStreamParser().feed(SSEEvent("error", json.dumps(error)))
    assert (info.value.code, info.value.error_type) == ("invalid_prompt", "invalid_request_error")
    assert not info.value.retryable


def test_failed_event_with_the_error_beside_the_response() -> None:
    failed = {"type": "response.failed", "error": {"message": "top level", "code": "x"}}
    with pytest.raises(StreamError, match="top level"):
        ResponsesStreamParser().feed(SSEEvent("response.failed", json.dumps(failed)))


def test_a_rate_limit_in_the_stream_is_retryable() -> None:
    failed = _failed("rate_limit_exceeded", "Rate limit reached")
    with pytest.raises(StreamError) as info:
        ResponsesStreamParser().feed(SSEEvent("response.failed", json.dumps(failed)))
    assert info.value.retryable


def test_each_text_delta_is_a_chunk_of_its_own_piece() -> None:
    """A chunk carries its delta only (no text so far is held or joined per event)."""
    parser = ResponsesStreamParser("req-1")
    deltas = [f"{i:04d}" * 250 for i in range(200)]
    chunks = [parser.feed(SSEEvent(data=json.dumps(delta_event(d)))) for d in deltas]
    assert [c.content[0]["text"] for c in chunks if c is not None] == deltas


def delta_event(text: str) -> dict[str, object]:
    return {
        "type": "response.output_text.delta",
        "output_index": 0,
        "content_index": 0,
        "delta": text,
    }
