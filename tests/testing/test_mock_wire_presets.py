"""Groq's and Mistral's Chat Completions in the mock server (`testing/_mock_wire_presets.py`):
usage streamed unasked, where each provider puts it, and chatplex's presets reading it."""

from __future__ import annotations

import doctest
import json
from typing import Any

import httpx
import pytest

from chatplex import init_chat_model
from chatplex.messages import merge_chunks
from chatplex.testing import MockServer
from chatplex.testing import _mock_wire_presets
from chatplex.testing._mock_routes import wire_for

HI = [{"role": "user", "content": "hi there"}]


def test_doctests() -> None:
    failures, tried = doctest.testmod(_mock_wire_presets)
    assert tried and not failures


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/groq/openai/v1/chat/completions", "groq"),
        ("/mistral/v1/chat/completions", "mistralai"),
        ("/openai/v1/chat/completions", "openai"),  # Groq's own path: the generic wire
        ("/v1/chat/completions", "openai"),
        ("/groq/openai/v1/responses", "responses"),  # only Chat Completions is Groq's
    ],
)
def test_each_prefix_routes_to_its_wire(path: str, name: str | None) -> None:
    wire = wire_for(path)
    assert (wire.name if wire else None) == name


def _events(server: MockServer, path: str, **body: Any) -> list[dict[str, Any]]:
    payload = {"model": "m", "messages": HI, "stream": True, **body}
    reply = httpx.post(server.url + path, json=payload)
    assert reply.status_code == 200
    lines = [line.removeprefix("data: ") for line in reply.text.splitlines()]
    assert lines[-2:] == ["[DONE]", ""] or lines[-1] == "[DONE]"
    return [json.loads(line) for line in lines if line and line != "[DONE]"]


def test_groq_sends_usage_unasked_in_x_groq(server: MockServer) -> None:
    events = _events(server, "/groq/openai/v1/chat/completions")
    finish = events[-1]
    assert finish["choices"][0]["finish_reason"] == "stop"
    usage = finish["x_groq"]["usage"]
    assert usage["total_tokens"] == usage["prompt_tokens"] + usage["completion_tokens"] > 0
    assert "usage" not in finish
    assert all("x_groq" not in event for event in events[:-1])


def test_mistral_sends_usage_unasked_on_the_finish_chunk(server: MockServer) -> None:
    events = _events(server, "/mistral/v1/chat/completions")
    finish = events[-1]
    assert finish["choices"][0]["finish_reason"] == "stop"
    assert finish["usage"]["completion_tokens"] > 0
    assert all("usage" not in event for event in events[:-1])


def test_asked_with_stream_options_the_usage_chunk_is_openais(server: MockServer) -> None:
    options = {"stream_options": {"include_usage": True}}
    events = _events(server, "/mistral/v1/chat/completions", **options)
    assert events[-1]["choices"] == [] and events[-1]["usage"]["total_tokens"] > 0
    assert events[-2]["usage"] is None


@pytest.mark.parametrize(("provider", "prefix"), [("groq", "/groq"), ("mistralai", "/mistral/v1")])
def test_the_presets_read_the_usage_they_were_not_asked_for(
    server: MockServer, provider: str, prefix: str
) -> None:
    model = init_chat_model(f"{provider}:m", base_url=server.url + prefix, api_key="k")
    whole = model.invoke("hi there")
    merged = merge_chunks(list(model.stream("hi there")))
    assert merged.usage_metadata is not None and whole.usage_metadata is not None
    assert merged.usage_metadata["total_tokens"] == whole.usage_metadata["total_tokens"] > 0
