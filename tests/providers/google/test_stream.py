"""Gemini streams: their merged chunks equal the non-stream reply of the same parts; the
wire's framing reads a JSON body outside events as google-genai does."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chatplex.adapters.sse_event import SSEEvent
from chatplex.errors import StreamError
from chatplex.messages import AIMessage
from chatplex.messages import merge_chunks
from chatplex.providers.google.response import parse_reply
from chatplex.providers.google.stream import GeminiFraming
from chatplex.providers.google.stream import GeminiStreamParser
from tests._merged_text import langchain_merge
from tests._merged_text import text_as_blocks

HEAD = {"modelVersion": "gemini-2.5-flash", "responseId": "resp-7"}
RATINGS = [{"category": "HARM_CATEGORY_HATE_SPEECH", "probability": "NEGLIGIBLE"}]
FINAL_USAGE = {
    "promptTokenCount": 10,
    "candidatesTokenCount": 6,
    "thoughtsTokenCount": 4,
    "totalTokenCount": 20,
    "promptTokensDetails": [{"modality": "TEXT", "tokenCount": 10}],
}


def events(pieces: list[list[dict[str, Any]]], finish: str = "STOP") -> list[dict[str, Any]]:
    out = []
    for number, parts in enumerate(pieces, 1):
        candidate: dict[str, Any] = {"content": {"parts": parts, "role": "model"}, "index": 0}
        usage: dict[str, Any] = {"promptTokenCount": 10, "totalTokenCount": 10 + number}
        if number == len(pieces):
            candidate["finishReason"] = finish
            candidate["safetyRatings"] = RATINGS
            usage = FINAL_USAGE
        out.append({"candidates": [candidate], "usageMetadata": usage, **HEAD})
    return out


def whole(pieces: list[list[dict[str, Any]]]) -> bytes:
    candidate = {
        "content": {"parts": [p for parts in pieces for p in parts], "role": "model"},
        "finishReason": "STOP",
        "index": 0,
        "safetyRatings": RATINGS,
    }
    return json.dumps({"candidates": [candidate], "usageMetadata": FINAL_USAGE, **HEAD}).encode()


def run(stream: list[dict[str, Any]]) -> AIMessage:
    parser = GeminiStreamParser("req-1")
    chunks = [parser.feed(SSEEvent(data=json.dumps(event))) for event in stream]
    parser.finish()
    return merge_chunks([c for c in chunks if c is not None]).to_message()


CASES = {
    "text": [[{"text": "Hel"}], [{"text": "lo"}], [{"text": " world"}]],
    "thinking": [
        [{"text": "Think", "thought": True}],
        [{"text": "ing.", "thought": True, "thoughtSignature": "c2ln"}],
        [{"text": "An"}],
        [{"text": "swer"}],
    ],
    "parallel calls": [
        [{"text": "Checking."}],
        [
            {"functionCall": {"name": "f", "args": {"city": "Paris"}}, "thoughtSignature": "czE="},
            {"functionCall": {"name": "f", "args": {"city": "Rome"}}},
        ],
    ],
    "signature on a closing empty text": [
        [{"text": "Hi"}],
        [{"text": "", "thoughtSignature": "eA=="}],
    ],
}


@pytest.mark.parametrize("name", CASES)
def test_a_merged_stream_equals_the_non_stream_reply(name: str) -> None:
    """Equal but for how text beside blocks is held: str elements in a merged stream (as
    langchain-core merges langchain-google-genai's chunks), text blocks in a reply."""
    pieces = CASES[name]
    streamed = run(events(pieces))
    reply = parse_reply(whole(pieces), {"x-request-id": "req-1"})
    assert text_as_blocks(streamed.content) == text_as_blocks(reply.content)
    streamed.content = reply.content
    assert streamed == reply
    assert streamed.usage_metadata == reply.usage_metadata


def test_a_merged_thinking_stream_keeps_its_text_a_str_as_langchain_core() -> None:
    parser = GeminiStreamParser("req-1")
    chunks = [parser.feed(SSEEvent(data=json.dumps(e))) for e in events(CASES["thinking"])]
    chunks = [c for c in chunks if c is not None]
    merged = merge_chunks(chunks).content
    assert merged == [
        {"type": "thinking", "thinking": "Thinking.", "signature": "c2ln", "index": 0},
        "Answer",
    ]
    expected = langchain_merge(chunks)
    assert expected is None or merged == expected


def test_cumulative_usage_is_sent_as_increases_that_sum_to_the_final() -> None:
    parser = GeminiStreamParser()
    chunks = [parser.feed(SSEEvent(data=json.dumps(e))) for e in events(CASES["text"])]
    usages = [c.usage_metadata for c in chunks if c is not None and c.usage_metadata]
    assert [u["output_tokens"] for u in usages] == [0, 0, 10]
    assert sum(u["total_tokens"] for u in usages) == 20


def test_a_stream_without_a_finish_reason_is_cut_short() -> None:
    parser = GeminiStreamParser()
    parser.feed(SSEEvent(data=json.dumps(events(CASES["text"])[0])))
    with pytest.raises(StreamError, match="before completion"):
        parser.finish()


def test_an_error_event_is_a_stream_error_with_its_status() -> None:
    parser = GeminiStreamParser()
    error = {"error": {"code": 503, "message": "The model is overloaded.", "status": "UNAVAILABLE"}}
    with pytest.raises(StreamError, match="overloaded") as info:
        parser.feed(SSEEvent(data=json.dumps(error)))
    assert info.value.retryable
    with pytest.raises(StreamError, match="not a JSON object") as bad:
        GeminiStreamParser().feed(SSEEvent(data="nonsense"))
    assert isinstance(bad.value.__cause__, json.JSONDecodeError)  # the decoder's, chained


def test_a_candidate_blocked_mid_stream_ends_it_saying_why() -> None:
    stream = events([[{"text": "Sure, here"}], []], finish="SAFETY")
    stream[-1]["candidates"][0]["safetyRatings"] = [
        {"category": "HARM_CATEGORY_DANGEROUS_CONTENT", "probability": "HIGH", "blocked": True}
    ]
    parser = GeminiStreamParser()
    chunks = [parser.feed(SSEEvent(data=json.dumps(event))) for event in stream]
    parser.finish()  # ended: the finish reason came
    last = chunks[-1]
    assert last is not None and last.response_metadata["finish_reason"] == "SAFETY"
    rating = last.response_metadata["safety_ratings"][0]
    assert rating["category"] == "HARM_CATEGORY_DANGEROUS_CONTENT" and rating["blocked"]


def test_a_blocked_prompt_ends_the_stream_with_its_feedback() -> None:
    event = {"promptFeedback": {"blockReason": "PROHIBITED_CONTENT"}, **HEAD}
    parser = GeminiStreamParser()
    chunk = parser.feed(SSEEvent(data=json.dumps(event)))
    parser.finish()  # no finishReason will come: the stream is complete
    assert chunk is not None and chunk.content == ""
    assert chunk.response_metadata["prompt_feedback"]["block_reason"] == "PROHIBITED_CONTENT"


def test_other_candidates_arrive_whole_on_the_closing_chunk() -> None:
    first = events([[{"text": "A"}]])[0]
    second = {"content": {"parts": [{"text": "B"}], "role": "model"}, "index": 1}
    second["finishReason"] = "STOP"
    first["candidates"].append(second)
    merged = run([first])
    others = merged.response_metadata["other_candidates"]
    assert merged.text == "A" and [m.text for m in others] == ["B"]


def test_read_as_the_partners_a_gemini_3_stream_is_blocks_indexed_by_one_counter() -> None:
    # langchain-google-genai's stream of a Gemini 3 reply: text pieces as blocks (one
    # index while text goes on), each call the counter's next, after the piece's blocks;
    # a piece of nothing is []. Its counter skips a Gemini 2.x text piece kept a str.
    def indexes(version: str, pieces: list[list[dict[str, Any]]]) -> list[Any]:
        parser = GeminiStreamParser("req-1", partner=True)
        out = []
        for event in events(pieces):
            chunk = parser.feed(SSEEvent(data=json.dumps({**event, "modelVersion": version})))
            assert chunk is not None
            out.append((chunk.content, [c["index"] for c in chunk.tool_call_chunks]))
        return out

    call = {"functionCall": {"name": "f", "args": {}}}
    pieces = [[{"text": "Hel"}], [{"text": "lo"}], [call, {"text": "Then"}], [{"text": ""}]]
    assert indexes("gemini-3-pro-preview", pieces) == [
        ([{"type": "text", "text": "Hel", "index": 0}], []),
        ([{"type": "text", "text": "lo", "index": 0}], []),
        ([{"type": "text", "text": "Then", "index": 0}], [1]),  # the blocks counted first
        ([], []),
    ]
    thought = {"text": "T", "thought": True}
    assert indexes("gemini-2.5-flash", [[thought], [{"text": "A"}], [thought], [call]]) == [
        ([{"type": "thinking", "thinking": "T", "index": 0}], []),
        ("A", []),
        ([{"type": "thinking", "thinking": "T", "index": 0}], []),
        ("", [1]),
    ]
    # chatplex's own reading: the call counted apart, a str piece ending the thought.
    parser = GeminiStreamParser("req-1")
    chunks = [
        parser.feed(SSEEvent(data=json.dumps(e)))
        for e in events([[thought], [{"text": "A"}], [thought], [call]])
    ]
    assert [c.content for c in chunks if c is not None][2][0]["index"] == 2
    assert [c.tool_call_chunks[0]["index"] for c in chunks[3:] if c is not None] == [0]


def test_under_the_partners_name_a_stream_keeps_what_its_reply_keeps() -> None:
    """The partner's stream, as its reply: no log probabilities, "" for no model."""
    stream = events(CASES["text"])
    for event in stream:
        del event["modelVersion"]
    stream[-1]["candidates"][0]["avgLogprobs"] = -0.5
    parser = GeminiStreamParser("req-1", partner=True)
    chunks = [parser.feed(SSEEvent(data=json.dumps(event))) for event in stream]
    meta = merge_chunks([c for c in chunks if c is not None]).response_metadata
    assert "avg_logprobs" not in meta and meta["model_name"] == ""


def test_under_the_partners_name_each_chunks_safety_ratings_are_its_own() -> None:
    """langchain-google-genai gives a chunk the ratings its candidate carries, before
    the finishing one too (merging concatenates them)."""
    stream = events(CASES["text"])
    for event in stream:
        event["candidates"][0]["safetyRatings"] = RATINGS
    parser = GeminiStreamParser("req-1", partner=True)
    chunks = [parser.feed(SSEEvent(data=json.dumps(event))) for event in stream]
    assert all(len(c.response_metadata["safety_ratings"]) == 1 for c in chunks if c)
    own = GeminiStreamParser("req-1")
    first = own.feed(SSEEvent(data=json.dumps(stream[0])))
    assert first is not None and "safety_ratings" not in first.response_metadata


# ---- the framing: a JSON body outside events ---------------------------------------------

ERROR = {"error": {"code": 400, "message": "Bad {field}.", "status": "INVALID_ARGUMENT"}}


def framed(body: bytes, size: int) -> list[SSEEvent]:
    """`body`'s events as `GeminiFraming` gives them, fed `size` bytes a read."""
    framing = GeminiFraming()
    got = [e for at in range(0, len(body), size) for e in framing.feed(body[at : at + size])]
    return got + framing.flush()


@pytest.mark.parametrize("size", [1, 7, 10_000])
@pytest.mark.parametrize("ending", [b"\n", b"\r\n", b"\r"])
def test_a_json_body_outside_events_is_one_event_whatever_the_reads(
    size: int, ending: bytes
) -> None:
    """Google's error payload written on lines (a brace inside a string is text), with a
    BOM: one event holding it, in any reads and line ends; events around it decode as an
    SSE decoder decodes them."""
    lines = json.dumps(ERROR, indent=2).encode().splitlines()
    event = b"data: " + json.dumps(events([[{"text": "Hi"}]])[0]).encode()
    body = ending.join([b"\xef\xbb\xbf" + lines[0], *lines[1:], b"", event, b"", b""])
    got = framed(body, size)
    assert [json.loads(e.data) for e in got] == [ERROR, events([[{"text": "Hi"}]])[0]]
    assert framed(b": ping\n\n" + body.removeprefix(b"\xef\xbb\xbf"), size)[-1] == got[-1]


def test_a_json_body_outside_events_is_raised_as_its_error() -> None:
    """Through the parser: the error of its code, words and request id, as an error
    event's; one cut short (its braces never closed) is a stream error, not a payload."""
    parser = GeminiStreamParser("req-9")
    [event] = framed(json.dumps(ERROR, indent=2).encode(), 5)
    with pytest.raises(StreamError) as info:
        parser.feed(event)
    assert (info.value.code, info.value.error_type) == (400, "INVALID_ARGUMENT")
    assert (str(info.value.message), info.value.request_id) == ("Bad {field}.", "req-9")
    [cut] = framed(json.dumps(ERROR, indent=2).encode()[:-3], 5)
    with pytest.raises(StreamError, match="not a JSON object"):
        GeminiStreamParser().feed(cut)


def test_a_json_body_outside_events_is_bounded_as_an_event() -> None:
    from chatplex.errors import ResponseTooLargeError

    framing = GeminiFraming(max_event_bytes=64)
    with pytest.raises(ResponseTooLargeError):
        framing.feed(b'{\n  "error": {\n' + b'    "message": "' + b"x" * 80 + b'"\n')
