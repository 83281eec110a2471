"""The reply fields a preset keeps beyond OpenAI's (`providers/compatible/kept_fields.py`):
Perplexity's citations, search results and first chunk's fields, and xAI's citations,
from a whole reply and a stream, where and as their partner packages keep them."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chatplex.adapters import adapter_class
from chatplex.adapters.sse_event import SSEEvent
from chatplex.messages import merge_chunks


def test_perplexity_keeps_its_citations_in_additional_kwargs() -> None:
    adapter = adapter_class("perplexity")(api_key="k")
    reply = {
        "id": "p1",
        "model": "sonar",
        "citations": ["https://a.example", "https://b.example"],
        "search_results": [{"title": "A", "url": "https://a.example"}],
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "x [1]"}}],
        "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
    }
    message = adapter.parse_response(json.dumps(reply).encode(), {})
    # Where langchain-perplexity keeps them.
    assert message.additional_kwargs["citations"] == reply["citations"]
    assert message.additional_kwargs["search_results"] == reply["search_results"]
    parser = adapter.stream_parser({})
    chunks = []
    for piece in ("x ", "[1]"):
        event = {**reply, "choices": [{"index": 0, "delta": {"content": piece}}]}
        del event["usage"]
        chunks.append(parser.feed(SSEEvent(data=json.dumps(event))))
    chunks.append(parser.feed(SSEEvent(data="[DONE]")))
    parser.finish()
    merged = merge_chunks([c for c in chunks if c is not None])
    assert merged.text == "x [1]"
    assert merged.additional_kwargs["citations"] == reply["citations"]  # once, not twice


def test_perplexity_stream_without_citations_carries_them_as_none() -> None:
    """langchain-perplexity reads its SDK's chunk model, whose `citations` and
    `search_results` are None when the event has none, on the first chunk only."""
    parser = adapter_class("perplexity")(api_key="k").stream_parser({})
    events = [
        {"id": "p1", "model": "sonar", "choices": [{"index": 0, "delta": {"content": p}}]}
        for p in ("x", "y")
    ]
    chunks = [parser.feed(SSEEvent(data=json.dumps(e))) for e in events]
    assert [c.additional_kwargs if c else None for c in chunks] == [
        {"citations": None, "search_results": None},
        {},
    ]


def test_xai_keeps_its_citations_from_each_chunk_but_the_usage_one() -> None:
    """langchain-xai keeps a reply's `citations`, and a stream chunk's wherever one
    carries them, but the usage chunk's (which repeats them)."""
    adapter = adapter_class("xai")(api_key="k")
    cited = ["https://a.example"]
    reply = {
        "id": "x1",
        "model": "grok-4",
        "citations": cited,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": "x"}}],
        "usage": {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5},
    }
    assert adapter.parse_response(json.dumps(reply).encode(), {}).additional_kwargs == {
        "refusal": None,
        "citations": cited,
    }
    parser = adapter.stream_parser({})
    head = {"id": "x1", "model": "grok-4", "object": "chat.completion.chunk"}
    events = [
        {**head, "choices": [{"index": 0, "delta": {"role": "assistant", "content": "x"}}]},
        {
            **head,
            "citations": cited,
            "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
        },
        {**head, "citations": cited, "choices": [], "usage": reply["usage"]},
    ]
    chunks = [parser.feed(SSEEvent(data=json.dumps(e))) for e in events]
    assert [c.additional_kwargs.get("citations") if c else None for c in chunks] == [
        None,
        cited,
        None,
    ]


def test_perplexity_streams_search_results_as_its_sdk_dumps_them() -> None:
    """langchain-perplexity dumps its SDK's chunk: each search result has every field of
    the SDK's model in its declared order (null where the event has none), then its
    other keys; the kept fields come in its order. A whole reply's stay as sent (the
    LangChain drop-in makes them the SDK's objects, `langchain/sdk_replies.py`)."""
    adapter = adapter_class("perplexity")(api_key="k")
    found = [{"url": "https://a.example", "title": "A", "extra": 1}, "odd"]
    event = {
        "id": "p1",
        "model": "sonar",
        "search_results": found,
        "related_questions": ["Why?"],
        "citations": ["https://a.example"],
        "choices": [{"index": 0, "delta": {"content": "x"}}],
    }
    chunk = adapter.stream_parser({}).feed(SSEEvent(data=json.dumps(event)))
    assert chunk is not None
    kept = chunk.additional_kwargs
    assert list(kept) == ["citations", "related_questions", "search_results"]
    assert kept["search_results"] == [
        {
            "date": None,
            "last_updated": None,
            "snippet": None,
            "source": None,
            "title": "A",
            "url": "https://a.example",
            "extra": 1,
        },
        "odd",
    ]
    assert list(kept["search_results"][0]) == [
        *("date", "last_updated", "snippet", "source", "title", "url", "extra")
    ]
    reply = {**event, "choices": [{"index": 0, "message": {"role": "assistant", "content": "x"}}]}
    message = adapter.parse_response(json.dumps(reply).encode(), {})
    assert message.additional_kwargs["search_results"] == found


def test_perplexity_keeps_its_reasoning_steps_as_langchain_perplexity_does() -> None:
    """langchain-perplexity keeps a reply's `reasoning_steps` (and its first chunk's) in
    `additional_kwargs`, after the sources."""
    adapter = adapter_class("perplexity")(api_key="k")
    steps = [{"thought": "Search it.", "type": "web_search"}]
    head = {"id": "p1", "model": "sonar-reasoning-pro", "reasoning_steps": steps, "videos": []}
    reply = {**head, "choices": [{"index": 0, "message": {"role": "assistant", "content": "x"}}]}
    message = adapter.parse_response(json.dumps(reply).encode(), {})
    assert message.additional_kwargs == {"reasoning_steps": steps}  # the empty videos left out
    event = {**head, "choices": [{"index": 0, "delta": {"content": "x"}}]}
    chunk = adapter.stream_parser({}).feed(SSEEvent(data=json.dumps(event)))
    assert chunk is not None and chunk.additional_kwargs["reasoning_steps"] == steps
    assert list(chunk.additional_kwargs)[-1] == "reasoning_steps"


@pytest.mark.parametrize(
    "extra",
    [
        {"images": None, "related_questions": None, "videos": [], "reasoning_steps": []},
        {"related_questions": [], "videos": [{"url": "https://v.example"}]},
    ],
)
def test_perplexity_streams_its_first_chunks_fields_as_langchain_perplexity_keeps_them(
    extra: dict[str, Any],
) -> None:
    """langchain-perplexity's first chunk keeps `images` / `related_questions` wherever
    the event names them (null too) and `videos` / `reasoning_steps` only when set; the
    drop-in kept the empty lists and left the nulls out. Compared with the partner
    reading the same event as its SDK's chunk."""
    from types import SimpleNamespace

    partner = pytest.importorskip("langchain_perplexity").ChatPerplexity(api_key="k")
    chunk_model = pytest.importorskip("perplexity.types.stream_chunk").StreamChunk
    event = {"id": "p1", "model": "sonar", "created": 1, **extra}
    event["choices"] = [{"index": 0, "delta": {"content": "x"}}]
    create = lambda **_: iter([chunk_model.construct(**event)])  # noqa: E731
    partner.client = SimpleNamespace(
        chat=SimpleNamespace(completions=SimpleNamespace(create=create))
    )
    theirs = next(iter(partner.stream("hi"))).additional_kwargs
    chunk = (
        adapter_class("perplexity")(api_key="k")
        .stream_parser({})
        .feed(SSEEvent(data=json.dumps(event)))
    )
    assert chunk is not None
    assert list(chunk.additional_kwargs.items()) == list(theirs.items())
    assert ("images" in theirs) is ("images" in extra)
    assert ("videos" in theirs) is bool(extra["videos"])
