"""A Vertex AI request reading a context cache (`providers/google/vertex_cache.py`):
what it leaves out and how it names the cache, beside langchain-google-vertexai's
ChatVertexAI sending the same call to the same mock server."""

from __future__ import annotations

import asyncio
import doctest
import logging
import warnings
from typing import Any

import pytest
from langchain_core.messages import HumanMessage
from langchain_core.messages import SystemMessage

import chatplex
import chatplex.langchain
from chatplex.providers.google import vertex_cache
from chatplex.providers.google.vertex_cache import cached_request
from chatplex.testing import MockServer


def get_weather(location: str) -> str:
    """The weather at a location."""
    return f"It is sunny in {location}."


#: A call with what a cache holds: a system prompt, then a tool.
ASKED = [SystemMessage("You are terse."), HumanMessage("Summarise the cached file.")]


def test_the_examples() -> None:
    assert doctest.testmod(vertex_cache).failed == 0


def test_a_cache_named_in_full_and_a_body_without_one_are_kept() -> None:
    full = "projects/p/locations/us-east5/cachedContents/c1"
    assert cached_request({"cachedContent": full}, "other", "europe-west1") == {
        "cachedContent": full
    }
    assert cached_request({"cachedContent": "c1"}, None, "us-east5") == {"cachedContent": "c1"}
    plain = {"contents": [], "systemInstruction": {"parts": [{"text": "x"}]}, "tools": [{}]}
    assert cached_request(plain, "p", "us-east5") == plain


def test_what_the_cache_holds_is_left_out_with_the_partners_warnings(
    caplog: pytest.LogCaptureFixture,
) -> None:
    body = {"cachedContent": "c1", "systemInstruction": {}, "tools": [{}], "toolConfig": {"a": 1}}
    with caplog.at_level(logging.WARNING):
        out = cached_request(body, "p", "us-east5")
    assert out == {"cachedContent": "projects/p/locations/us-east5/cachedContents/c1"}
    assert [r.getMessage() for r in caplog.records] == [
        "Using cached content. Parameter `tools` will be ignored. ",
        "Using cached content. Parameter `tool_config` will be ignored. ",
    ]  # an empty systemInstruction is no parameter, as the partner's check reads it


def _vertex(cls: Any, url: str) -> Any:
    from google.oauth2 import credentials

    token = credentials.Credentials(token="ya29.mock-token")  # type: ignore[no-untyped-call]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return cls(
            model="gemini-2.5-flash",
            project="proj",
            location="us-east5",
            credentials=token,
            api_transport="rest",
            base_url=url,
            cached_content="abc123",
        )


def test_a_cached_call_is_sent_as_langchain_google_vertexai_sends_it() -> None:
    # Sent with the system prompt and tools and the bare id, Vertex AI refused it.
    vertexai = pytest.importorskip("langchain_google_vertexai")
    seen: list[Any] = []
    with MockServer(fault_plan=lambda request: seen.append(request.json)) as server:
        for cls in (vertexai.ChatVertexAI, chatplex.langchain.ChatVertexAI):
            model = _vertex(cls, server.url)
            model.invoke(ASKED)
            model.bind_tools([get_weather]).invoke("Weather in Paris?")
        ours = _vertex(chatplex.langchain.ChatVertexAI, server.url)
        asyncio.run(ours.bind_tools([get_weather]).ainvoke(ASKED))
        chatplex.close()
    theirs, ours_sent, awaited = seen[:2], seen[2:4], seen[4]
    cache = "projects/proj/locations/us-east5/cachedContents/abc123"
    assert [b["cachedContent"] for b in theirs] == [cache, cache]
    assert not any("systemInstruction" in b or "tools" in b for b in theirs)
    assert ours_sent == theirs
    # langchain-google-vertexai's async path over REST fails whatever it sends; chatplex's
    # sends what its sync path does.
    assert awaited["cachedContent"] == cache and "tools" not in awaited
    assert "systemInstruction" not in awaited
