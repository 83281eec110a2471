"""The Messages wire of the mock server (`testing/_mock_wire_anthropic.py`)."""

from __future__ import annotations

import datetime
import json

import pytest

from chatplex.testing._mock_faults import MockUsageError
from chatplex.testing._mock_replies import ANTHROPIC
from chatplex.testing._mock_replies import Reply
from chatplex.testing._mock_replies import plan_reply
from chatplex.testing._mock_replies import tool_call
from chatplex.testing._mock_wire_anthropic import WIRE
from chatplex.testing._mock_wire_anthropic import anthropic_rate_limit_headers

BODY = {"model": "claude", "max_tokens": 10, "messages": [{"role": "user", "content": "hi"}]}


def test_the_messages_path_is_planned_natively() -> None:
    assert WIRE.match("/v1/messages") and not WIRE.match("/v1/chat/completions")
    assert WIRE.dialect == "anthropic" and WIRE.request_id_header == "request-id"
    assert WIRE.request_view("/v1/messages", BODY) is BODY
    with pytest.raises(MockUsageError, match="'messages' list"):
        WIRE.request_view("/v1/messages", {"model": "claude"})


def test_json_stream_and_error_shapes() -> None:
    reply = plan_reply("anthropic", BODY, text=None, chunks=None, tool_name=None)
    body = json.loads(WIRE.render_json(reply, "r1"))
    assert body["id"] == "msg_r1" and body["content"] == [{"type": "text", "text": "Echo: hi"}]
    events = WIRE.render_events(reply, "r1", BODY)
    assert events[0][0].startswith(b"event: message_start\n")
    assert events[-1][0].startswith(b"event: message_stop\n")
    error = json.loads(WIRE.error_body(529, "overloaded_error", "Overloaded", None, "req_1"))
    assert error == {
        "type": "error",
        "error": {"type": "overloaded_error", "message": "Overloaded"},
        "request_id": "req_1",
    }
    frame = WIRE.stream_error("overloaded_error", "busy", None)
    assert frame.startswith(b"event: error\n") and b'"message":"busy"' in frame


def test_rate_limit_headers() -> None:
    headers = dict(anthropic_rate_limit_headers(1.0, 3.0, 2.0))
    assert headers["anthropic-ratelimit-requests-limit"] == "120"
    assert headers["anthropic-ratelimit-requests-remaining"] == "1"
    reset = datetime.datetime.fromisoformat(headers["anthropic-ratelimit-requests-reset"])
    assert reset.tzinfo is not None
    assert WIRE.rate_limited_headers(1.0) == [("anthropic-ratelimit-requests-remaining", "0")]


def test_the_count_path_answers_the_input_tokens_a_reply_reports() -> None:
    body = {"model": "m", "system": "be brief", "messages": [{"role": "user", "content": "a b"}]}
    assert WIRE.match("/v1/messages/count_tokens") and WIRE.side_reply is not None
    assert WIRE.side_reply("/v1/messages", body) is None  # a chat
    counted = WIRE.side_reply("/v1/messages/count_tokens", body)
    assert counted is not None and json.loads(counted) == {"input_tokens": 7}
    reply = plan_reply(
        "anthropic", WIRE.request_view("/v1/messages", body), text=None, chunks=None, tool_name=None
    )
    assert json.loads(WIRE.render_json(reply, "r1"))["usage"]["input_tokens"] == 7


def test_scripted_cached_tokens_are_read_from_the_cache() -> None:
    # MockSettings.usage_details: Anthropic names the cache's part beside input_tokens.
    reply = Reply("m", "hi", ("hi",), None, 8, 6, cached_tokens=3, reasoning_tokens=2)
    usage = json.loads(WIRE.render_json(reply, "r1"))["usage"]
    assert usage["cache_read_input_tokens"] == 3
    assert (usage["input_tokens"], usage["output_tokens"]) == (8, 6)


def test_a_reply_cut_at_the_limit_stops_for_max_tokens() -> None:
    # MockSettings.stop_at_limit: the Messages API's stop_reason "max_tokens", both ways.
    reply = Reply("m", "hi", ("hi",), None, 8, 6, cut=True)
    assert json.loads(WIRE.render_json(reply, "r1"))["stop_reason"] == "max_tokens"
    events = b"".join(e for e, _ in WIRE.render_events(reply, "r1", {}))
    assert b'"stop_reason":"max_tokens"' in events and b"end_turn" not in events


def test_parallel_calls_are_content_blocks_streamed_one_after_the_other() -> None:
    first = tool_call(ANTHROPIC, "a", {"x": 1}, None)
    second = tool_call(ANTHROPIC, "b", {"y": 2}, None, raw='{"y": ')
    reply = Reply("m", "", (), first, 3, 2, more_tools=(second,))
    body = json.loads(WIRE.render_json(reply, "r1"))
    assert [(b["id"], b["input"]) for b in body["content"]] == [
        ("toolu_r1", {"x": 1}),
        ("toolu_r1_1", {"y": 2}),  # an object on this wire: the call's input
    ]
    events = [
        json.loads(line[6:])
        for frame, _ in WIRE.render_events(reply, "r1", BODY)
        for line in frame.decode().splitlines()
        if line.startswith("data: ")
    ]
    kinds = [(e["type"], e.get("index")) for e in events if "content_block" in e["type"]]
    assert kinds[0] == ("content_block_start", 0) and kinds[-1] == ("content_block_stop", 1)
    assert kinds.index(("content_block_stop", 0)) < kinds.index(("content_block_start", 1))
    for index, arguments in ((0, '{"x":1}'), (1, '{"y": ')):
        sent = "".join(
            e["delta"]["partial_json"]
            for e in events
            if e["type"] == "content_block_delta" and e["index"] == index
        )
        assert sent == arguments
