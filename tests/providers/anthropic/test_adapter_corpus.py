"""The Anthropic adapter against every recorded Anthropic response in the shared wire corpus
(globbed by `load_cases`, so new cases are picked up without editing this file)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from _corpus import Case
from _corpus import corpus_dir
from _corpus import load_cases

from chatplex.adapters.sse_event import SSEEvent
from chatplex.errors import APIStatusError
from chatplex.errors import BadRequestError
from chatplex.errors import NotFoundError
from chatplex.errors import StreamError
from chatplex.http._sse import iter_sse_events
from chatplex.messages import AIMessage
from chatplex.messages import AIMessageChunk
from chatplex.messages import merge_chunks
from chatplex.providers.anthropic.adapter import AnthropicAdapter
from tests._merged_text import text_as_blocks

pytestmark = pytest.mark.skipif(corpus_dir() is None, reason="wire corpus not available")

CASES = load_cases({"anthropic"})
OK_JSON = [c for c in CASES if c.kind == "json" and c.status < 400]
ERROR_JSON = [c for c in CASES if c.kind == "json" and c.status >= 400]
STREAMS = [c for c in CASES if c.kind == "sse"]
OK_STREAMS = [c for c in STREAMS if not c.expected.get("error")]
ERROR_STREAMS = [c for c in STREAMS if c.expected.get("error")]

ERROR_CLASSES: dict[int, type[APIStatusError]] = {400: BadRequestError, 404: NotFoundError}
FINISH = {"end_turn": "stop", "stop_sequence": "stop", "max_tokens": "length"}
FINISH |= {"tool_use": "tool_calls", "refusal": "content_filter"}


def ids(cases: list[Case]) -> list[str]:
    return [c.name for c in cases]


@pytest.fixture
def adapter() -> AnthropicAdapter:
    return AnthropicAdapter(api_key="sk-ant-test")


def pieces(body: bytes, size: int | None) -> Iterator[bytes]:
    if size is None:
        yield body
        return
    for i in range(0, len(body), size):
        yield body[i : i + size]


def feed_all(adapter: AnthropicAdapter, case: Case, events: list[SSEEvent]) -> AIMessage:
    parser = adapter.stream_parser(case.headers)
    chunks = [chunk for event in events if (chunk := parser.feed(event)) is not None]
    parser.finish()
    return merge_chunks(chunks).to_message()


def expected_usage(raw: dict[str, Any]) -> dict[str, Any]:
    """chatplex's usage for a raw Anthropic usage object, written out independently."""
    cache_read = raw.get("cache_read_input_tokens")
    cache_creation = raw.get("cache_creation_input_tokens")
    # The writes by TTL (langchain-anthropic's details): when they count, they stand for
    # the generic `cache_creation`, then 0.
    by_ttl = raw.get("cache_creation") or {}
    written = sum(v or 0 for v in by_ttl.values())
    total_in = raw["input_tokens"] + (cache_read or 0) + (written or cache_creation or 0)
    usage: dict[str, Any] = {
        "input_tokens": total_in,
        "output_tokens": raw["output_tokens"],
        "total_tokens": total_in + raw["output_tokens"],
    }
    details = {"cache_read": cache_read, "cache_creation": 0 if written else cache_creation}
    details |= by_ttl
    details = {k: v for k, v in details.items() if v is not None}
    if details:
        usage["input_token_details"] = details
    thinking = (raw.get("output_tokens_details") or {}).get("thinking_tokens")
    if thinking is not None:
        usage["output_token_details"] = {"reasoning": thinking}
    return usage


def check_message(msg: AIMessage, expected: dict[str, Any], raw_usage: dict[str, Any]) -> None:
    assert msg.text == (expected["text"] or "")
    # A merged stream's text pieces are str items beside the blocks (langchain-core's
    # merge): read as the text blocks they stand for.
    blocks = [] if isinstance(msg.content, str) else text_as_blocks(msg.content)
    thinking = [(b["thinking"], len(b["signature"])) for b in blocks if b["type"] == "thinking"]
    assert thinking == [(t["thinking"], t["signature_len"]) for t in expected["thinking"] or ()]
    # The corpus lists server_tool_use among its tool calls (stream cases say which type);
    # chatplex keeps server-side tools in content, since the client does not run them.
    client_calls = [t for t in expected["tool_calls"] if t.get("type", "tool_use") == "tool_use"]
    assert [(tc["id"], tc["name"], tc["args"]) for tc in msg.tool_calls] == [
        (t["id"], t["name"], t["input"]) for t in client_calls
    ]
    assert msg.invalid_tool_calls == []
    server_calls = [t for t in expected["tool_calls"] if t.get("type") == "server_tool_use"]
    assert [(b["id"], b["name"], b["input"]) for b in blocks if b["type"] == "server_tool_use"] == [
        (t["id"], t["name"], t["input"]) for t in server_calls
    ]
    # Block order: tool_use stays (as in LangChain), adjacent text merges, text-only
    # becomes a str.
    kinds: list[str] = []
    for kind in expected["content_block_types"]:
        if not (kind == "text" and kinds and kinds[-1] == "text"):
            kinds.append(kind)
    if set(kinds) <= {"text"}:
        assert isinstance(msg.content, str)
    else:
        assert [b["type"] for b in blocks] == kinds
    assert msg.usage_metadata == expected_usage(raw_usage)
    meta = msg.response_metadata
    assert meta["provider"] == "anthropic"
    assert meta["raw_finish_reason"] == expected["stop_reason"]
    assert meta["finish_reason"] == FINISH[expected["stop_reason"]]
    assert meta["stop_sequence"] == expected["stop_sequence"]


def test_corpus_has_anthropic_cases() -> None:
    assert OK_JSON and ERROR_JSON and OK_STREAMS and ERROR_STREAMS


@pytest.mark.parametrize("case", OK_JSON, ids=ids(OK_JSON))
def test_nonstream(adapter: AnthropicAdapter, case: Case) -> None:
    msg = adapter.parse_response(case.body, case.headers)
    check_message(msg, case.expected, case.expected["usage"])
    assert msg.id == case.expected["id"]
    assert msg.response_metadata["model_name"] == case.expected["model"]


@pytest.mark.parametrize("size", [None, 7], ids=["whole", "7-byte-pieces"])
@pytest.mark.parametrize("case", OK_STREAMS, ids=ids(OK_STREAMS))
def test_stream(adapter: AnthropicAdapter, case: Case, size: int | None) -> None:
    msg = feed_all(adapter, case, list(iter_sse_events(pieces(case.body, size))))
    check_message(msg, case.expected, case.expected["usage"]["merged_final"])
    facts = case.expected["stream_facts"]
    assert msg.id == facts["id"]
    assert msg.response_metadata["model_name"] == facts["model"]


@pytest.mark.parametrize("case", OK_STREAMS, ids=ids(OK_STREAMS))
def test_stream_chunk_shapes(adapter: AnthropicAdapter, case: Case) -> None:
    """Text is streamed as str content (cheap to join); every other block as an indexed
    one-block list; tool arguments as indexed tool_call_chunks; pings yield nothing."""
    parser = adapter.stream_parser(case.headers)
    for event in iter_sse_events([case.body]):
        chunk = parser.feed(event)
        if event.event == "ping":
            assert chunk is None
        if chunk is None:
            continue
        assert isinstance(chunk, AIMessageChunk)
        if isinstance(chunk.content, list):
            assert len(chunk.content) == 1 and "index" in chunk.content[0]
        for tc in chunk.tool_call_chunks:
            assert isinstance(tc["index"], int)


@pytest.mark.parametrize("case", ERROR_STREAMS, ids=ids(ERROR_STREAMS))
def test_stream_error_event(adapter: AnthropicAdapter, case: Case) -> None:
    parser = adapter.stream_parser(case.headers)
    with pytest.raises(StreamError) as info:
        for event in iter_sse_events([case.body]):
            parser.feed(event)
    err = info.value
    expected = case.expected["error"]["error"]
    assert err.provider == "anthropic"
    assert err.error_type == expected["type"] == "overloaded_error"
    assert err.message == expected["message"]
    assert err.retryable is True


@pytest.mark.parametrize("case", ERROR_STREAMS, ids=ids(ERROR_STREAMS))
def test_error_event_after_deltas(adapter: AnthropicAdapter, case: Case) -> None:
    """The fragment's notes suggest splicing it after the first deltas of a whole stream."""
    host = next(c for c in OK_STREAMS if c.body.count(b"text_delta") >= 3)
    events = list(iter_sse_events([host.body]))
    cut = [i for i, e in enumerate(events) if e.event == "content_block_delta"][2]
    spliced = events[: cut + 1] + list(iter_sse_events([case.body]))
    parser = adapter.stream_parser({"request-id": "req_from_header"})
    seen = []
    with pytest.raises(StreamError) as info:
        for event in spliced:
            if (chunk := parser.feed(event)) is not None:
                seen.append(chunk)
    assert merge_chunks(seen).text  # text before the error arrived and is kept
    assert info.value.error_type == "overloaded_error" and info.value.retryable
    assert info.value.request_id == "req_from_header"


@pytest.mark.parametrize("case", OK_STREAMS, ids=ids(OK_STREAMS))
def test_truncated_stream_fails_in_finish(adapter: AnthropicAdapter, case: Case) -> None:
    events = list(iter_sse_events([case.body]))
    cut = next(i for i, e in enumerate(events) if e.event == "message_delta")
    parser = adapter.stream_parser(case.headers)
    for event in events[:cut]:
        parser.feed(event)
    with pytest.raises(StreamError, match="before message_stop") as info:
        parser.finish()
    assert info.value.provider == "anthropic" and info.value.retryable


@pytest.mark.parametrize("case", ERROR_JSON, ids=ids(ERROR_JSON))
def test_error_body(adapter: AnthropicAdapter, case: Case) -> None:
    err = adapter.map_error(case.status, case.body, case.headers)
    assert type(err) is ERROR_CLASSES[case.status]
    assert err.status == case.status
    assert err.provider == "anthropic"
    assert err.message == case.expected["error"]["message"]
    assert err.error_type == case.expected["error"]["type"]
    assert err.request_id == case.expected["request_id"]
    assert err.retryable is False
