"""InvokeModel replies and `invoke-with-response-stream` events of Anthropic models, read
as langchain-aws's ChatBedrock reads them (the side-by-side suite compares the two)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from chatplex.adapters.reading import MalformedReply
from chatplex.errors import APIError
from chatplex.errors import StreamError
from chatplex.messages import AIMessageChunk
from chatplex.providers.bedrock import invoke_response
from chatplex.providers.bedrock.eventstream import EventStreamMessage
from chatplex.providers.bedrock.invoke_response import InvokeStreamParser
from chatplex.providers.bedrock.invoke_response import header_usage
from chatplex.providers.bedrock.invoke_response import parse_invoke_reply
from tests._replies import cached_usage

MODEL = "us.anthropic.claude-3-5-haiku-20241022-v1:0"
HEADERS = {
    "x-amzn-requestid": "req-1",
    "x-amzn-bedrock-input-token-count": "12",
    "x-amzn-bedrock-output-token-count": "7",
    "x-amzn-bedrock-cache-read-input-token-count": "100",
    "x-amzn-bedrock-cache-write-input-token-count": "20",
}


def reply(*content: dict[str, Any], stop: str = "end_turn") -> bytes:
    return json.dumps(
        {"id": "msg_1", "type": "message", "content": list(content), "stop_reason": stop}
    ).encode()


def test_docstring_examples() -> None:
    import doctest

    failures, tried = doctest.testmod(invoke_response)
    assert failures == 0 and tried > 0


def test_header_usage_counts_cached_tokens_in_the_total() -> None:
    assert header_usage(HEADERS) == {
        "prompt_tokens": 12,
        "completion_tokens": 7,
        "cache_read_input_tokens": 100,
        "cache_write_input_tokens": 20,
        "total_tokens": 139,
    }
    assert header_usage({})["total_tokens"] == 0  # no headers: no count
    # A count that is not one is refused (langchain-aws's int() raises), never read as 0.
    with pytest.raises(MalformedReply, match="input-token-count header is not a count"):
        header_usage({"x-amzn-bedrock-input-token-count": "junk"})


def test_a_text_reply() -> None:
    message = parse_invoke_reply(
        reply({"type": "text", "text": "Hello "}, {"type": "text", "text": "there."}),
        HEADERS,
        MODEL,
    )
    assert message.content == "Hello there."
    assert message.additional_kwargs == {
        "usage": header_usage(HEADERS),
        "stop_reason": "end_turn",
        "model_id": MODEL,
    }
    assert message.usage_metadata == cached_usage(132, 7, cache_read=100, cache_creation=20)
    meta = message.response_metadata
    assert (meta["model_provider"], meta["model_name"], meta["stop_reason"]) == (
        "bedrock",
        MODEL,
        "end_turn",
    )
    assert (meta["finish_reason"], meta["request_id"]) == ("stop", "req-1")


def test_a_reply_without_content_keeps_langchain_aws_empty_thinking() -> None:
    """langchain-aws pops its `thinking` from `llm_output` only beside content: a reply
    with none keeps `thinking: {}` (before `model_id`, in its order)."""
    message = parse_invoke_reply(reply(), HEADERS, MODEL)
    assert message.content == ""
    assert list(message.additional_kwargs) == ["usage", "stop_reason", "thinking", "model_id"]
    assert message.additional_kwargs["thinking"] == {}
    assert message.response_metadata["thinking"] == {}


def test_tool_calls_and_their_stop_reason() -> None:
    use = {"type": "tool_use", "id": "toolu_1", "name": "add", "input": {"a": 1}}
    message = parse_invoke_reply(
        reply({"type": "text", "text": "Adding."}, use, stop="tool_use"), HEADERS, MODEL
    )
    assert message.content == "Adding."
    assert message.tool_calls == [
        {"name": "add", "args": {"a": 1}, "id": "toolu_1", "type": "tool_call"}
    ]
    assert message.response_metadata["finish_reason"] == "tool_calls"


def test_thinking_or_citations_keep_the_blocks() -> None:
    blocks = (
        {"type": "thinking", "thinking": "Hm.", "signature": "s"},
        {"type": "text", "text": "3"},
    )
    assert parse_invoke_reply(reply(*blocks), HEADERS, MODEL).content == list(blocks)
    cited = {"type": "text", "text": "Blue.", "citations": [{"cited_text": "blue"}]}
    assert parse_invoke_reply(reply(cited), HEADERS, MODEL, citations=True).content == [cited]


def test_bodies_that_are_not_replies() -> None:
    with pytest.raises(ValueError):
        parse_invoke_reply(b"[1]", HEADERS, MODEL)
    with pytest.raises(ValueError):
        parse_invoke_reply(b'{"id": "x"}', HEADERS, MODEL)
    with pytest.raises(APIError, match="Malformed"):
        body = b'{"message": "Malformed input", "__type": "ValidationException"}'
        parse_invoke_reply(body, HEADERS, MODEL)


def chunk(event: dict[str, Any]) -> EventStreamMessage:
    payload = {"bytes": base64.b64encode(json.dumps(event).encode()).decode()}
    headers = {":event-type": "chunk", ":message-type": "event"}
    return EventStreamMessage(headers, json.dumps(payload).encode())


def feed(parser: InvokeStreamParser, *events: dict[str, Any]) -> list[AIMessageChunk]:
    return [c for c in (parser.feed(chunk(e)) for e in events) if c is not None]


def delta(index: int, **fields: Any) -> dict[str, Any]:
    return {"type": "content_block_delta", "index": index, "delta": fields}


METRICS = {"inputTokenCount": 12, "outputTokenCount": 7, "invocationLatency": 321}
CLOSING = (
    {"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": None}},
    {"type": "message_stop", "amazon-bedrock-invocationMetrics": METRICS},
)


def test_a_text_stream_is_str_pieces_then_stop_then_usage() -> None:
    parser = InvokeStreamParser("req-1", MODEL)
    chunks = feed(
        parser,
        {"type": "message_start", "message": {"usage": {"input_tokens": 12}}},
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        delta(0, type="text_delta", text="Hel"),
        {"type": "ping"},
        delta(0, type="text_delta", text="lo"),
        {"type": "content_block_stop", "index": 0},
        *CLOSING,
    )
    parser.finish()
    assert [c.content for c in chunks] == ["", "Hel", "lo", "", ""]
    assert all(c.response_metadata["model_provider"] == "bedrock" for c in chunks)
    assert chunks[3].response_metadata["stop_reason"] == "end_turn"
    assert chunks[4].response_metadata["model_name"] == MODEL
    assert chunks[4].usage_metadata == cached_usage(12, 7)


def test_with_tools_text_and_tool_input_come_as_indexed_blocks() -> None:
    parser = InvokeStreamParser("req-1", MODEL, blocks=True)
    use = {"type": "tool_use", "id": "toolu_1", "name": "add", "input": {}}
    chunks = feed(
        parser,
        {"type": "message_start", "message": {}},
        delta(0, type="text_delta", text="Adding."),
        {"type": "content_block_start", "index": 1, "content_block": use},
        delta(1, type="input_json_delta", partial_json='{"a": '),
        delta(1, type="input_json_delta", partial_json="1}"),
    )
    assert chunks[0].content == []
    assert chunks[1].content == [{"type": "text", "text": "Adding.", "index": 0}]
    assert chunks[2].content == [{**use, "index": 1}]
    assert chunks[2].tool_call_chunks[0]["name"] == "add"
    assert chunks[3].content == [{"type": "tool_use", "partial_json": '{"a": ', "index": 1}]
    merged = chunks[0]
    for piece in chunks[1:]:
        merged = merged + piece
    assert merged.tool_calls == [
        {"name": "add", "args": {"a": 1}, "id": "toolu_1", "type": "tool_call"}
    ]


def test_thinking_deltas_are_thinking_blocks() -> None:
    parser = InvokeStreamParser(None, MODEL, blocks=True)
    chunks = feed(
        parser,
        delta(0, type="thinking_delta", thinking="Hm"),
        delta(0, type="signature_delta", signature="s"),
    )
    assert [c.content for c in chunks] == [
        [{"type": "thinking", "thinking": "Hm", "index": 0}],
        [{"type": "thinking", "signature": "s", "index": 0}],
    ]


def test_an_exception_message_raises_as_bedrocks_stream_error() -> None:
    parser = InvokeStreamParser("req-1", MODEL)
    event = EventStreamMessage(
        {":exception-type": "throttlingException", ":message-type": "exception"},
        b'{"message": "Slow down."}',
    )
    with pytest.raises(StreamError, match="Slow down") as caught:
        parser.feed(event)
    assert (caught.value.provider, caught.value.error_type) == ("bedrock", "ThrottlingException")


def test_a_chunk_that_is_not_base64_json_raises() -> None:
    parser = InvokeStreamParser("req-1", MODEL)
    event = EventStreamMessage({":event-type": "chunk"}, b'{"bytes": "not base64!"}')
    with pytest.raises(StreamError, match="base64"):
        parser.feed(event)
    assert parser.feed(EventStreamMessage({":event-type": "newer"}, b"{}")) is None


def test_a_stream_cut_before_its_stop_raises() -> None:
    parser = InvokeStreamParser("req-1", MODEL)
    feed(parser, {"type": "message_start", "message": {}}, delta(0, type="text_delta", text="Hi"))
    with pytest.raises(StreamError, match="before message_stop"):
        parser.finish()
    complete = InvokeStreamParser("req-1", MODEL)
    feed(complete, CLOSING[0])  # the stop reason came: only the closing event is lost
    complete.finish()


def test_reply_metadata_and_usage_helpers() -> None:
    from chatplex.providers.bedrock.invoke_response import header_usage
    from chatplex.providers.bedrock.invoke_response import header_usage_metadata
    from chatplex.providers.bedrock.invoke_response import metrics_usage_metadata
    from chatplex.providers.bedrock.invoke_response import reply_metadata

    headers = {
        "x-amzn-bedrock-input-token-count": "5",
        "x-amzn-bedrock-output-token-count": "2",
        "x-amzn-requestid": "req-1",
    }
    usage = header_usage(headers)
    assert header_usage_metadata(usage)["total_tokens"] == 7
    metrics = {"inputTokenCount": 5, "outputTokenCount": 2, "cacheReadInputTokenCount": 1}
    assert metrics_usage_metadata(metrics)["input_token_details"]["cache_read"] == 1
    meta = reply_metadata({"usage": usage}, "m", {"finish_reason": "stop"}, headers)
    assert list(meta) == ["usage", "model_provider", "model_name", "finish_reason", "request_id"]
    assert meta["model_provider"] == "bedrock" and meta["request_id"] == "req-1"
    assert "request_id" not in reply_metadata({}, "m", {}, {})


@pytest.mark.parametrize(
    ("content", "stop", "words"),
    [
        ([5], "end_turn", "content block is a int"),
        ([{"type": "text", "text": 5}], "end_turn", "text block's text is a int"),
        ([{"type": "tool_use", "name": "f", "id": "t", "input": "x"}], "tool_use", "input"),
        ([{"type": "tool_use", "name": 5, "id": "t", "input": {}}], "tool_use", "name"),
        ([{"type": "text", "text": "Hi"}], 5, "stop reason is a int"),
    ],
)
def test_a_reply_field_of_the_wrong_type_is_refused_never_dropped(
    content: list[Any], stop: Any, words: str
) -> None:
    body = json.dumps({"id": "m", "type": "message", "content": content, "stop_reason": stop})
    with pytest.raises(MalformedReply, match=words):
        parse_invoke_reply(body.encode(), HEADERS, MODEL)


@pytest.mark.parametrize(
    "event",
    [
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": 5}},
        {"type": "content_block_delta", "index": 0, "delta": "x"},
        {"type": "message_delta", "delta": {"stop_reason": 5}},
        {"type": "message_stop", "amazon-bedrock-invocationMetrics": {"inputTokenCount": "1"}},
        {"type": "message_stop", "amazon-bedrock-invocationMetrics": [1]},
    ],
)
def test_a_stream_event_field_of_the_wrong_type_is_refused(event: dict[str, Any]) -> None:
    with pytest.raises(MalformedReply):
        feed(InvokeStreamParser("rid", MODEL), event)
