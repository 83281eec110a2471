"""`unexpected_content_type`: a success reply to a stream request whose body is neither
server-sent events nor JSON (an HTML page from a proxy, a base URL pointing at a website)
becomes a clear, typed, non-retryable error saying what came; readable bodies pass.

The stream path (`_stream.py`) calls it once the status is a success, before decoding."""

from __future__ import annotations

import httpx
import pytest
from _httpkit import FakeAdapter

from chatplex.adapters.base import FrameDecoder
from chatplex.adapters.sse import SSEDecoder
from chatplex.errors import APIError
from chatplex.errors import UnexpectedContentTypeError
from chatplex.http._errors import unexpected_content_type
from chatplex.providers.bedrock.eventstream import EventStreamDecoder
from chatplex.providers.bedrock.invoke_prompt_stream import PromptStreamDecoder
from chatplex.providers.ollama.ndjson import NDJSONDecoder

KEY = "sk-content-type-test-9d2e"
ADAPTER = FakeAdapter()


def response(content_type: str | None) -> httpx.Response:
    request = httpx.Request(
        "POST", "https://gw.example/v1/chat/completions", headers={"x-api-key": KEY}
    )
    headers = {"x-request-id": "req-ct"}
    if content_type is not None:
        headers["content-type"] = content_type
    return httpx.Response(200, headers=headers, request=request, content=b"<html>login</html>")


@pytest.mark.parametrize(
    "content_type",
    [
        "text/event-stream",
        "text/event-stream; charset=utf-8",
        "Text/Event-Stream",
        "application/json",
        "application/json; charset=utf-8",
        "application/problem+json",
        None,  # no content type at all: some servers omit it on event streams
        "",
    ],
)
def test_readable_bodies_pass(content_type: str | None) -> None:
    assert unexpected_content_type(ADAPTER, response(content_type)) is None


@pytest.mark.parametrize(
    ("framing", "content_type"),
    [
        (NDJSONDecoder, "application/x-ndjson"),  # Ollama's stream
        (EventStreamDecoder, "application/vnd.amazon.eventstream"),  # Bedrock's stream
        (PromptStreamDecoder, "application/vnd.amazon.eventstream"),  # InvokeModel's
    ],
)
def test_a_wires_framing_reads_its_own_content_type_and_no_other_wire_does(
    framing: type[FrameDecoder], content_type: str
) -> None:
    framed = framing().media_types
    assert unexpected_content_type(ADAPTER, response(content_type), framed) is None
    assert unexpected_content_type(ADAPTER, response("text/event-stream"), framed) is None
    refused = unexpected_content_type(ADAPTER, response(content_type), SSEDecoder().media_types)
    assert isinstance(refused, UnexpectedContentTypeError)


@pytest.mark.parametrize(
    "content_type", ["text/html", "text/html; charset=utf-8", "text/plain", "application/xml"]
)
def test_other_bodies_are_a_typed_error_naming_what_came(content_type: str) -> None:
    err = unexpected_content_type(ADAPTER, response(content_type))
    assert isinstance(err, UnexpectedContentTypeError) and isinstance(err, APIError)
    media = content_type.split(";")[0]
    assert f"reply is {media!r}" in str(err) and "text/event-stream" in str(err)
    assert "gw.example" in str(err)
    assert err.content_type == content_type and not err.retryable
    assert err.status == 200 and err.provider == "fake" and err.request_id == "req-ct"


def test_the_error_keeps_a_safe_copy_of_the_response() -> None:
    err = unexpected_content_type(ADAPTER, response("text/html"))
    assert err is not None and err.response is not None
    assert err.response.request.headers["x-api-key"] == "***"
    assert KEY not in repr(vars(err)) + repr(err.response.request.headers)
