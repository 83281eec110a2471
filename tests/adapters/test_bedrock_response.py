"""Converse replies, streams and errors: content, reasoning, tool calls, usage (cache
tokens included), stop reasons, typed errors by exception name, exception messages
mid-stream, and the merged stream equal to the non-stream reply."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chatplex.adapters._bedrock_response import (
    BedrockStreamParser,
    error_from,
    parse_reply,
    usage_metadata,
)
from chatplex.adapters.base import SSEEvent
from chatplex.adapters.eventstream import EventStreamMessage
from chatplex.errors import (
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    NotFoundError,
    OverloadedError,
    PermissionDeniedError,
    QuotaExceededError,
    RateLimitError,
    ServerError,
    StreamError,
)
from chatplex.messages import AIMessageChunk, merge_chunks


def event(kind: str, payload: dict[str, Any]) -> EventStreamMessage:
    headers = {":event-type": kind, ":message-type": "event", ":content-type": "application/json"}
    return EventStreamMessage(headers, json.dumps(payload).encode())


def run(events: list[EventStreamMessage], request_id: str | None = "rid-1") -> AIMessageChunk:
    parser = BedrockStreamParser(request_id)
    chunks = [c for c in (parser.feed(e) for e in events) if c is not None]
    parser.finish()
    return merge_chunks(chunks)


REPLY = {
    "output": {
        "message": {
            "role": "assistant",
            "content": [
                {"reasoningContent": {"reasoningText": {"text": "Think.", "signature": "sig-1"}}},
                {"text": "Let me look."},
                {
                    "toolUse": {
                        "toolUseId": "tu-1",
                        "name": "get_weather",
                        "input": {"city": "Paris"},
                    }
                },
            ],
        }
    },
    "stopReason": "tool_use",
    "usage": {
        "inputTokens": 10,
        "outputTokens": 5,
        "totalTokens": 15,
        "cacheReadInputTokens": 100,
        "cacheWriteInputTokens": 7,
    },
    "metrics": {"latencyMs": 321},
}

STREAM = [
    event("messageStart", {"role": "assistant"}),
    event(
        "contentBlockDelta",
        {"contentBlockIndex": 0, "delta": {"reasoningContent": {"text": "Thi"}}},
    ),
    event(
        "contentBlockDelta",
        {"contentBlockIndex": 0, "delta": {"reasoningContent": {"text": "nk."}}},
    ),
    event(
        "contentBlockDelta",
        {"contentBlockIndex": 0, "delta": {"reasoningContent": {"signature": "sig-1"}}},
    ),
    event("contentBlockStop", {"contentBlockIndex": 0}),
    event("contentBlockDelta", {"contentBlockIndex": 1, "delta": {"text": "Let me"}}),
    event("contentBlockDelta", {"contentBlockIndex": 1, "delta": {"text": " look."}}),
    event("contentBlockStop", {"contentBlockIndex": 1}),
    event(
        "contentBlockStart",
        {
            "contentBlockIndex": 2,
            "start": {"toolUse": {"toolUseId": "tu-1", "name": "get_weather"}},
        },
    ),
    event("contentBlockDelta", {"contentBlockIndex": 2, "delta": {"toolUse": {"input": '{"ci'}}}),
    event(
        "contentBlockDelta",
        {"contentBlockIndex": 2, "delta": {"toolUse": {"input": 'ty": "Paris"}'}}},
    ),
    event("contentBlockStop", {"contentBlockIndex": 2}),
    event("messageStop", {"stopReason": "tool_use"}),
    event("metadata", {"usage": REPLY["usage"], "metrics": {"latencyMs": 321}}),
]


def test_a_reply_with_reasoning_text_and_a_tool_call() -> None:
    message = parse_reply(json.dumps(REPLY).encode(), {"x-amzn-requestid": "rid-1"}, None)
    assert message.content == [
        {"type": "reasoning", "reasoning": "Think.", "signature": "sig-1"},
        {"type": "text", "text": "Let me look."},
    ]
    assert message.text == "Let me look."
    assert message.tool_calls == [
        {"name": "get_weather", "args": {"city": "Paris"}, "id": "tu-1", "type": "tool_call"}
    ]
    assert message.usage_metadata == {
        "input_tokens": 117,
        "output_tokens": 5,
        "total_tokens": 122,
        "input_token_details": {"cache_read": 100, "cache_creation": 7},
    }
    meta = message.response_metadata
    assert meta["stopReason"] == "tool_use" and meta["finish_reason"] == "tool_calls"
    assert meta["metrics"] == {"latencyMs": 321}
    assert meta["request_id"] == "rid-1" and meta["model_provider"] == "bedrock_converse"


def test_the_merged_stream_is_the_non_stream_reply() -> None:
    merged = run(STREAM).to_message()
    reply = parse_reply(json.dumps(REPLY).encode(), {"x-amzn-requestid": "rid-1"}, None)
    assert merged.content == reply.content
    assert merged.tool_calls == reply.tool_calls
    assert merged.usage_metadata == reply.usage_metadata
    assert merged.response_metadata == reply.response_metadata


def test_plain_text_stays_a_str_in_both_forms() -> None:
    body = {
        "output": {"message": {"role": "assistant", "content": [{"text": "Hi there"}]}},
        "stopReason": "end_turn",
        "usage": {"inputTokens": 3, "outputTokens": 2, "totalTokens": 5},
    }
    reply = parse_reply(json.dumps(body).encode(), {}, "m-1")
    assert reply.content == "Hi there"
    assert reply.usage_metadata == {"input_tokens": 3, "output_tokens": 2, "total_tokens": 5}
    assert reply.response_metadata["model_name"] == "m-1"
    merged = run(
        [
            event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "Hi"}}),
            event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": " there"}}),
            event("messageStop", {"stopReason": "end_turn"}),
        ]
    )
    assert merged.content == "Hi there"
    assert merged.response_metadata["finish_reason"] == "stop"


@pytest.mark.parametrize(
    ("reason", "finish"),
    [
        ("end_turn", "stop"),
        ("max_tokens", "length"),
        ("stop_sequence", "stop"),
        ("guardrail_intervened", "content_filter"),
        ("content_filtered", "content_filter"),
    ],
)
def test_stop_reasons_are_kept_as_replies(reason: str, finish: str) -> None:
    body = {
        "output": {"message": {"role": "assistant", "content": [{"text": "Sorry, blocked."}]}},
        "stopReason": reason,
    }
    reply = parse_reply(json.dumps(body).encode(), {}, None)
    assert reply.text == "Sorry, blocked."
    assert reply.response_metadata["finish_reason"] == finish
    assert reply.response_metadata["stopReason"] == reason


def test_a_redacted_reasoning_block_round_trips_as_a_block() -> None:
    body = {
        "output": {
            "message": {
                "role": "assistant",
                "content": [{"reasoningContent": {"redactedContent": "b64=="}}, {"text": "ok"}],
            }
        },
        "stopReason": "end_turn",
    }
    reply = parse_reply(json.dumps(body).encode(), {}, None)
    assert reply.content[0] == {"type": "reasoning", "reasoning": "", "redacted_content": "b64=="}


def test_a_body_that_is_not_a_reply_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="no output.message"):
        parse_reply(b'{"stopReason": "end_turn"}', {}, None)
    with pytest.raises(ValueError, match="not a JSON object"):
        parse_reply(b"[1]", {}, None)
    with pytest.raises(BadRequestError):
        parse_reply(b'{"message": "bad", "__type": "ValidationException"}', {}, None)


@pytest.mark.parametrize(
    ("status", "error_type", "cls", "retryable"),
    [
        (429, "ThrottlingException", RateLimitError, True),
        (400, "ServiceQuotaExceededException", QuotaExceededError, False),
        (429, "ModelNotReadyException", OverloadedError, True),
        (503, "ServiceUnavailableException", OverloadedError, True),
        (500, "InternalServerException", ServerError, True),
        (400, "ValidationException", BadRequestError, False),
        (404, "ResourceNotFoundException", NotFoundError, False),
        (403, "AccessDeniedException", PermissionDeniedError, False),
        (403, "UnrecognizedClientException", AuthenticationError, False),
        (403, "InvalidSignatureException", AuthenticationError, False),
        (403, "MissingAuthenticationTokenException", AuthenticationError, False),
        (403, "ExpiredTokenException", AuthenticationError, False),
    ],
)
def test_errors_are_typed_by_the_exception_name(
    status: int, error_type: str, cls: type[APIStatusError], retryable: bool
) -> None:
    body = json.dumps({"message": "the words"}).encode()
    headers = {
        "x-amzn-errortype": f"{error_type}:http://internal.amazon.com/coral/",
        "x-amzn-requestid": "r",
    }
    err = error_from(status, body, headers)
    assert type(err) is cls
    assert (err.status, err.error_type, err.retryable) == (status, error_type, retryable)
    assert err.message == "the words" and err.request_id == "r"
    from_body = error_from(
        status,
        json.dumps({"Message": "w", "__type": f"com.amazon.coral#{error_type}"}).encode(),
        {},
    )
    assert type(from_body) is cls and from_body.message == "w"


def test_an_unknown_or_unreadable_error_falls_back_to_the_status() -> None:
    assert type(error_from(429, b"<html>busy</html>", {})) is RateLimitError
    err = error_from(502, b"", {})
    assert isinstance(err, ServerError) and err.message == "HTTP 502"
    assert (
        type(error_from(400, b'{"message": "x", "__type": "NewException"}', {})) is BadRequestError
    )


def test_usage_without_cache_counts_has_no_details() -> None:
    assert usage_metadata({"inputTokens": 1, "outputTokens": 2}) == {
        "input_tokens": 1,
        "output_tokens": 2,
        "total_tokens": 3,
    }


def test_an_exception_message_mid_stream_is_a_typed_stream_error() -> None:
    parser = BedrockStreamParser("rid-9")
    parser.feed(event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "Hi"}}))
    exception = EventStreamMessage(
        {":message-type": "exception", ":exception-type": "throttlingException"},
        b'{"message": "Too many tokens, please wait."}',
    )
    with pytest.raises(StreamError) as caught:
        parser.feed(exception)
    err = caught.value
    assert err.error_type == "ThrottlingException" and err.retryable
    assert err.rate_limited and err.status is None  # the pace counts it as a 429
    assert "Too many tokens" in err.message and err.request_id == "rid-9"
    validation = EventStreamMessage(
        {":message-type": "exception", ":exception-type": "validationException"}, b"{}"
    )
    with pytest.raises(StreamError) as caught:
        BedrockStreamParser().feed(validation)
    assert not caught.value.retryable and not caught.value.rate_limited


def test_a_stream_without_message_stop_is_cut_short() -> None:
    parser = BedrockStreamParser()
    parser.feed(event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "Hi"}}))
    with pytest.raises(StreamError, match="before messageStop"):
        parser.finish()


def test_a_payload_that_is_not_an_object_is_a_stream_error() -> None:
    bad = EventStreamMessage({":event-type": "contentBlockDelta"}, b"[1, 2]")
    with pytest.raises(StreamError, match="not a JSON object"):
        BedrockStreamParser().feed(bad)


def test_server_sent_events_are_refused_with_the_reason() -> None:
    with pytest.raises(StreamError, match="stream_framing"):
        BedrockStreamParser().feed(SSEEvent(data="{}"))


def test_unknown_events_and_bookkeeping_give_no_chunk() -> None:
    parser = BedrockStreamParser()
    assert parser.feed(event("messageStart", {"role": "assistant"})) is None
    assert parser.feed(event("contentBlockStop", {"contentBlockIndex": 0})) is None
    assert parser.feed(event("somethingNew", {})) is None
    assert parser.feed(event("contentBlockStart", {"contentBlockIndex": 0, "start": {}})) is None
