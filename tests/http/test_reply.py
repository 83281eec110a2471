"""`http/_reply.py`: what a read response becomes -- the parsed reply or its typed error,
the single chunk of a stream answered with JSON, the size bound's error, and a broken
stream's failure with its partial reply and retryability. Fabricated responses, no I/O."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from chatplex import AIMessageChunk
from chatplex.adapters.openai import OpenAIAdapter
from chatplex.errors import APIError, ResponseTooLargeError, StreamError
from chatplex.http._reply import (
    has_content,
    is_json,
    keep_body,
    malformed_event,
    parse_reply,
    reply_chunk,
    too_large,
    with_partial,
)

ADAPTER = OpenAIAdapter(api_key="sk-SENTINEL-reply-0123")
URL = "https://api.example.test/v1/chat/completions"


def response(status: int, body: bytes, **headers: str) -> httpx.Response:
    return httpx.Response(status, content=body, headers=headers, request=httpx.Request("POST", URL))


def reply_body(content: str = "hi") -> bytes:
    message = {"role": "assistant", "content": content}
    choice = {"index": 0, "message": message, "finish_reason": "stop"}
    usage = {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4}
    reply: dict[str, Any] = {"id": "c", "model": "m", "choices": [choice], "usage": usage}
    return json.dumps(reply).encode()


def test_a_reply_is_parsed_and_named_by_the_servers_request_id() -> None:
    message = parse_reply(ADAPTER, response(200, reply_body(), **{"x-request-id": "req_1"}))
    assert message.text == "hi" and message.response_metadata["request_id"] == "req_1"
    chunk = reply_chunk(ADAPTER, response(200, reply_body("yo")))
    assert isinstance(chunk, AIMessageChunk) and chunk.text == "yo"


def test_an_error_status_and_an_unparsable_body_raise_typed_errors() -> None:
    error = json.dumps({"error": {"message": "slow down", "type": "rate_limit"}}).encode()
    with pytest.raises(APIError, match="slow down") as raised:
        parse_reply(ADAPTER, response(429, error))
    assert raised.value.status_code == 429
    with pytest.raises(APIError) as garbled:  # a parser's ValueError: a malformed body
        parse_reply(Garbling(api_key="k"), response(200, b"<html>proxy</html>"))
    assert garbled.value.status_code == 200 and garbled.value.retryable
    assert isinstance(garbled.value.__cause__, ValueError)


class Garbling(OpenAIAdapter):
    def parse_response(self, body: bytes, headers: Any) -> Any:
        raise ValueError("not a reply")


def test_json_where_events_were_expected() -> None:
    assert is_json(response(200, b"{}", **{"content-type": "application/json; charset=utf-8"}))
    assert not is_json(response(200, b"", **{"content-type": "text/event-stream"}))


def test_metadata_only_chunks_carry_no_content() -> None:
    assert not has_content(AIMessageChunk(content="", response_metadata={"id": "x"}))
    assert has_content(AIMessageChunk(content="a"))
    assert has_content(AIMessageChunk(content="", additional_kwargs={"refusal": "no"}))


def test_a_body_read_in_pieces_is_kept_on_the_response() -> None:
    piecewise = httpx.Response(200, stream=httpx.ByteStream(b""), request=httpx.Request("GET", URL))
    keep_body(piecewise, b"read whole")
    assert piecewise.content == b"read whole"


def test_the_size_bound_names_the_host_and_is_not_retried() -> None:
    err = too_large(ADAPTER, httpx.Request("POST", URL), 1024, 4096)
    assert isinstance(err, ResponseTooLargeError) and not err.retryable
    assert "api.example.test" in str(err) and "max_response_bytes=1024" in str(err)


def test_a_broken_stream_keeps_its_partial_and_is_retryable_only_before_any_chunk() -> None:
    received = [AIMessageChunk(content="a"), AIMessageChunk(content="b")]
    broken = StreamError("cut short", provider="openai", retryable=False)
    with_partial(broken, ADAPTER, response(200, b""), received, started=False)
    assert broken.partial is not None and broken.partial.text == "ab" and broken.retryable
    shown = StreamError("cut short", provider="openai", retryable=False)
    with_partial(shown, ADAPTER, response(200, b""), received, started=True)
    assert not shown.retryable  # chunks were emitted: another attempt would repeat them


def test_a_malformed_event_is_a_stream_error_with_what_came_before() -> None:
    err = malformed_event(
        ValueError("bad json"), ADAPTER, response(200, b""), [AIMessageChunk(content="a")], False
    )
    assert "malformed stream event from api.example.test: bad json" in str(err)
    assert err.partial is not None and err.partial.text == "a" and err.retryable
