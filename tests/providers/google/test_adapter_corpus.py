"""Every recorded Gemini / Vertex AI reply of tests/wire-corpus, parsed by the
adapter (a stream framed by its `stream_framing`, as the http layer frames it): text,
thoughts, function calls, usage, finish reason, safety blocks, errors."""

from __future__ import annotations

from typing import Any

import pytest
from _corpus import Case
from _corpus import load_cases

from chatplex.adapters.sse import SSEDecoder
from chatplex.adapters.sse_event import SSEEvent
from chatplex.errors import APIError
from chatplex.errors import NotFoundError
from chatplex.messages import AIMessage
from chatplex.messages import merge_chunks
from chatplex.providers.google.adapter import GeminiAdapter
from chatplex.providers.google.vertex_adapter import VertexAIAdapter

CASES = load_cases({"google_genai", "google_vertexai"})
pytestmark = pytest.mark.skipif(not CASES, reason="the shared wire corpus is not here")


class _Creds:
    token, valid, project_id = "ya29.test", True, "p"

    def refresh(self, request: Any) -> None:  # pragma: no cover - valid from the start
        raise AssertionError("no refresh expected")


def adapter(case: Case) -> GeminiAdapter | VertexAIAdapter:
    if case.provider == "google_vertexai":
        return VertexAIAdapter(credentials=_Creds(), location="europe-west4")
    return GeminiAdapter(api_key="test-key")


def parse(case: Case) -> AIMessage:
    wire = adapter(case)
    if case.kind == "json":
        return wire.parse_response(case.body, case.headers)
    parser = wire.stream_parser(case.headers)
    chunks = []
    for event in framed(wire, case.body):
        chunk = parser.feed(event)
        if chunk is not None:
            chunks.append(chunk)
    parser.finish()
    return merge_chunks(chunks).to_message()


def framed(wire: GeminiAdapter | VertexAIAdapter, body: bytes) -> list[SSEEvent]:
    """`body`'s events as the adapter's framing gives them, in uneven reads."""
    decoder = (wire.stream_framing or SSEDecoder)()
    pieces = [body[i : i + 89] for i in range(0, len(body), 89)]
    return [e for piece in pieces for e in decoder.feed(piece)] + decoder.flush()


def ids(cases: list[Case]) -> list[str]:
    return [c.name for c in cases]


REPLIES = [c for c in CASES if c.status == 200 and not c.expected.get("blocked")]
BLOCKED = [c for c in CASES if c.expected.get("blocked")]
ERRORS = [c for c in CASES if c.status != 200]


def test_the_corpus_covers_the_wire() -> None:
    kinds = {
        (c.kind, bool(c.expected.get("tool_calls")), bool(c.expected.get("thinking")))
        for c in REPLIES
    }
    assert ("sse", True, False) in kinds and ("json", True, False) in kinds
    assert ("json", False, True) in kinds and ("sse", False, False) in kinds
    assert {c.expected["blocked"]["where"] for c in BLOCKED} == {"prompt", "candidate"}
    assert ERRORS


@pytest.mark.parametrize("case", REPLIES, ids=ids(REPLIES))
def test_replies(case: Case) -> None:
    expected = case.expected
    message = parse(case)
    assert message.text == expected["text"]
    assert [(c["name"], c["args"]) for c in message.tool_calls] == [
        (c["name"], c["args"]) for c in expected["tool_calls"]
    ]
    assert all(c["id"] for c in message.tool_calls)
    assert len({c["id"] for c in message.tool_calls}) == len(message.tool_calls)
    thinking = [
        b["thinking"]
        for b in message.content
        if isinstance(b, dict) and b.get("type") == "thinking"
    ]
    assert ("".join(thinking) or None) == expected["thinking"]
    assert message.response_metadata["raw_finish_reason"] == expected["finish_reason"]
    usage, got = expected["usage"], message.usage_metadata
    assert got is not None
    assert got["input_tokens"] == usage["prompt_token_count"]
    thoughts = usage.get("thoughts_token_count", 0)
    assert got["output_tokens"] == usage.get("candidates_token_count", 0) + thoughts
    assert got["total_tokens"] == usage["total_token_count"]
    if thoughts:
        assert got["output_token_details"] == {"reasoning": thoughts}


@pytest.mark.parametrize("case", BLOCKED, ids=ids(BLOCKED))
def test_safety_blocks(case: Case) -> None:
    # A reply, not an error (as langchain-google-genai): empty, saying why.
    blocked = case.expected["blocked"]
    reply = parse(case)
    assert reply.text == "" and not reply.tool_calls
    meta = reply.response_metadata
    feedback = meta.get("prompt_feedback")
    reason = feedback["block_reason"] if feedback else meta["finish_reason"]
    assert reason == blocked["reason"]
    category = blocked.get("category")
    if category is not None:
        ratings = (feedback or {}).get("safety_ratings") or meta.get("safety_ratings") or []
        assert category in [r["category"] for r in ratings if r["blocked"]]


@pytest.mark.parametrize("case", ERRORS, ids=ids(ERRORS))
def test_errors(case: Case) -> None:
    error = adapter(case).map_error(case.status, case.body, case.headers)
    assert isinstance(error, APIError) and error.status == case.status
    assert error.message == case.expected["error"]["message"]
    assert error.error_type == case.expected["error"]["status"]
    if case.status == 404:
        assert isinstance(error, NotFoundError)


STREAMS = [c for c in CASES if c.kind != "json"]


@pytest.mark.parametrize("case", STREAMS, ids=ids(STREAMS))
def test_a_recorded_stream_frames_as_server_sent_events(case: Case) -> None:
    """The Gemini wire's framing (a JSON body outside events read too) gives a recorded
    stream's events as the plain SSE decoder does."""
    plain = SSEDecoder()
    assert framed(adapter(case), case.body) == plain.feed(case.body) + plain.flush()
