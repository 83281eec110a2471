"""The Chat Completions wire of the mock server (`testing/_mock_wire_openai.py`)."""

from __future__ import annotations

import dataclasses
import json

import pytest

from chatplex.testing._mock_faults import MockUsageError
from chatplex.testing._mock_replies import OPENAI
from chatplex.testing._mock_replies import Reply
from chatplex.testing._mock_replies import plan_reply
from chatplex.testing._mock_replies import tool_call
from chatplex.testing._mock_wire_openai import WIRE
from chatplex.testing._mock_wire_openai import is_chat_completions
from chatplex.testing._mock_wire_openai import openai_rate_limit_headers
from chatplex.testing._mock_wire_openai import openai_rate_limited_headers

BODY = {"model": "m", "messages": [{"role": "user", "content": "hi there"}]}


@pytest.mark.parametrize(
    "path",
    [
        "/v1/chat/completions",
        "/chat/completions",
        "/openai/v1/chat/completions",  # Groq
        "/api/v1/chat/completions",  # OpenRouter
    ],
)
def test_any_prefix_of_chat_completions_matches(path: str) -> None:
    assert is_chat_completions(path) and WIRE.match(path)


@pytest.mark.parametrize("path", ["/v1/messages", "/v1/chat/completions/x", "/v1/responses"])
def test_other_paths_do_not_match(path: str) -> None:
    assert not WIRE.match(path)


def test_the_view_is_the_body_and_needs_messages() -> None:
    assert WIRE.request_view("/v1/chat/completions", BODY) is BODY
    with pytest.raises(MockUsageError, match="'messages' list"):
        WIRE.request_view("/v1/chat/completions", {"model": "m"})


def test_json_stream_and_error_shapes() -> None:
    reply = plan_reply("openai", BODY, text=None, chunks=None, tool_name=None)
    body = json.loads(WIRE.render_json(reply, "r1"))
    assert (
        body["id"] == "chatcmpl-r1" and body["choices"][0]["message"]["content"] == "Echo: hi there"
    )
    events = WIRE.render_events(reply, "r1", {**BODY, "stream_options": {"include_usage": True}})
    assert events[-1] == (b"data: [DONE]\n\n", False)
    assert b'"usage":{"prompt_tokens"' in events[-2][0]
    error = json.loads(WIRE.error_body(429, "requests", "slow down", "rate_limit_exceeded", "req"))
    assert error == {
        "error": {
            "message": "slow down",
            "type": "requests",
            "param": None,
            "code": "rate_limit_exceeded",
        }
    }
    assert WIRE.request_id_header == "x-request-id" and WIRE.dialect == "openai"


def test_a_filtered_reply_finishes_with_content_filter() -> None:
    reply = plan_reply("openai", BODY, text=None, chunks=None, tool_name=None)
    filtered = dataclasses.replace(reply, filtered=True)
    body = json.loads(WIRE.render_json(filtered, "r1"))
    assert body["choices"][0]["finish_reason"] == "content_filter"
    last = WIRE.render_events(filtered, "r1", BODY)[-2][0]
    assert b'"finish_reason":"content_filter"' in last


def test_rate_limit_headers() -> None:
    assert openai_rate_limit_headers(2.5, 5.0, 1.0) == [
        ("x-ratelimit-limit-requests", "60"),
        ("x-ratelimit-remaining-requests", "2"),
        ("x-ratelimit-reset-requests", "2500ms"),
    ]
    assert openai_rate_limited_headers(0.25) == [
        ("x-ratelimit-remaining-requests", "0"),
        ("x-ratelimit-reset-requests", "250ms"),
    ]
    assert WIRE.rate_limit_headers is openai_rate_limit_headers


def test_scripted_usage_details_are_reported_in_the_usage_details() -> None:
    # MockSettings.usage_details: cached input and reasoning output, within the counts.
    reply = Reply("m", "hi", ("hi",), None, 8, 6, cached_tokens=3, reasoning_tokens=2)
    usage = json.loads(WIRE.render_json(reply, "r1"))["usage"]
    assert usage["prompt_tokens_details"]["cached_tokens"] == 3
    assert usage["completion_tokens_details"]["reasoning_tokens"] == 2
    assert (usage["prompt_tokens"], usage["completion_tokens"], usage["total_tokens"]) == (8, 6, 14)


def test_a_reply_cut_at_the_limit_ends_for_length() -> None:
    # MockSettings.stop_at_limit: Chat Completions' finish reason "length", both ways.
    reply = Reply("m", "hi", ("hi",), None, 8, 6, cut=True)
    assert json.loads(WIRE.render_json(reply, "r1"))["choices"][0]["finish_reason"] == "length"
    events = b"".join(e for e, _ in WIRE.render_events(reply, "r1", {}))
    assert b'"finish_reason":"length"' in events and b'"finish_reason":"stop"' not in events


def _data(events: list[tuple[bytes, bool]]) -> list[dict[str, object]]:
    return [json.loads(e[6:]) for e, _ in events if e.startswith(b"data: {")]


def test_parallel_calls_stream_each_under_its_index() -> None:
    first = tool_call(OPENAI, "a", {"x": 1}, 2)
    second = tool_call(OPENAI, "b", {}, None, raw='{"y": ')
    reply = Reply("m", "", (), first, 3, 2, more_tools=(second,))
    message = json.loads(WIRE.render_json(reply, "r1"))["choices"][0]["message"]
    assert [(c["id"], c["function"]["arguments"]) for c in message["tool_calls"]] == [
        ("call_r1", '{"x":1}'),
        ("call_r1_1", '{"y": '),
    ]
    deltas = [
        call
        for chunk in _data(WIRE.render_events(reply, "r1", BODY))
        for choice in chunk["choices"]  # type: ignore[attr-defined]
        for call in choice["delta"].get("tool_calls") or ()
    ]
    opened = [(d["index"], d["id"], d["function"]["name"]) for d in deltas if "id" in d]
    assert opened == [(0, "call_r1", "a"), (1, "call_r1_1", "b")]
    for index, arguments in ((0, '{"x":1}'), (1, '{"y": ')):
        sent = "".join(d["function"]["arguments"] for d in deltas if d["index"] == index)
        assert sent == arguments
