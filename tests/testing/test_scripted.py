"""Scripted replies (`testing/_scripted.py`): one queued reply rendered as each provider
would send it -- JSON or SSE, text, exact pieces, a tool call, or an error."""

from __future__ import annotations

import doctest
import json
from typing import Any

import pytest

from chatplex.errors import OverloadedError
from chatplex.errors import RateLimitError
from chatplex.http._sse import iter_sse_events
from chatplex.messages import AIMessage
from chatplex.messages import merge_chunks
from chatplex.providers.anthropic.adapter import AnthropicAdapter
from chatplex.providers.openai.adapter import OpenAIAdapter
from chatplex.testing import _scripted
from chatplex.testing._scripted import JSON
from chatplex.testing._scripted import SSE
from chatplex.testing._scripted import Scripted
from chatplex.testing._scripted import render

ADAPTERS = {
    "openai": OpenAIAdapter(api_key="sk-test"),
    "anthropic": AnthropicAdapter(api_key="sk-test"),
}
REQUEST = {"model": "m-1", "messages": [{"role": "user", "content": "three words here"}]}


def parsed(provider: str, body: bytes, stream: bool) -> AIMessage:
    adapter = ADAPTERS[provider]
    if not stream:
        return adapter.parse_response(body, {})
    parser = adapter.stream_parser({})
    chunks = [c for e in iter_sse_events([body]) if (c := parser.feed(e))]
    parser.finish()
    return merge_chunks(chunks).to_message()


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_a_text_reply_as_json(provider: str) -> None:
    status, headers, body = render(Scripted(text="Hello there"), provider, REQUEST, "r1")
    assert status == 200 and dict(headers)["content-type"] == JSON
    id_header = "x-request-id" if provider == "openai" else "request-id"
    assert dict(headers)[id_header] == "req_r1"
    message = parsed(provider, body, stream=False)
    assert message.text == "Hello there"
    assert message.response_metadata["model_name"] == "m-1"
    assert message.usage_metadata is not None
    assert message.usage_metadata["input_tokens"] == 3 + 3  # words of the request, plus 3
    assert message.usage_metadata["output_tokens"] == 2


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_exact_pieces_as_a_stream(provider: str) -> None:
    request = {**REQUEST, "stream": True, "stream_options": {"include_usage": True}}
    reply = Scripted(pieces=("Hel", "lo", "!"), output_tokens=9, model="other")
    status, headers, body = render(reply, provider, request, "r2")
    assert status == 200 and dict(headers)["content-type"] == SSE
    message = parsed(provider, body, stream=True)
    assert message.text == "Hello!"
    assert message.usage_metadata is not None and message.usage_metadata["output_tokens"] == 9
    texts = [json.loads(e.data) for e in iter_sse_events([body]) if e.data.startswith("{")]
    assert any("Hel" in json.dumps(t) for t in texts)


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
@pytest.mark.parametrize("stream", [False, True])
def test_a_tool_call(provider: str, stream: bool) -> None:
    reply = Scripted(tool=("weather", {"city": "Oslo", "days": 2}))
    _, _, body = render(reply, provider, {**REQUEST, "stream": stream}, "r3")
    [call] = parsed(provider, body, stream).tool_calls
    assert (call["name"], call["args"]) == ("weather", {"city": "Oslo", "days": 2})


def test_extra_headers_go_with_the_reply() -> None:
    _, headers, _ = render(Scripted(text="x", headers=(("x-extra", "1"),)), "openai", REQUEST, "r")
    assert ("x-extra", "1") in headers


@pytest.mark.parametrize(
    ("provider", "reply", "cls", "fields"),
    [
        ("openai", Scripted(status=429), RateLimitError, {"code": "rate_limit_exceeded"}),
        (
            "anthropic",
            Scripted(status=529),
            OverloadedError,
            {"error_type": "overloaded_error", "message": "Overloaded"},
        ),
        (
            "openai",
            Scripted(status=429, error_type="tokens", message="too many", code="c1"),
            RateLimitError,
            {"error_type": "tokens", "message": "too many", "code": "c1"},
        ),
    ],
)
def test_an_error_reply(provider: str, reply: Scripted, cls: type, fields: dict[str, Any]) -> None:
    assert reply.is_error and not Scripted().is_error
    status, headers, body = render(reply, provider, REQUEST, "r4")
    assert status == reply.status and dict(headers)["content-type"] == JSON
    error = ADAPTERS[provider].map_error(status, body, dict(headers))
    assert type(error) is cls
    assert {k: getattr(error, k) for k in fields} == fields


def test_docstring_examples() -> None:
    failures, tried = doctest.testmod(_scripted)
    assert failures == 0 and tried > 0
