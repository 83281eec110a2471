"""Ollama replies → messages: text, thinking, tool calls (stable ids), usage, metadata;
the merged NDJSON stream equals the non-stream reply; error payloads are typed."""

from __future__ import annotations

import json
import uuid
from typing import Any

import pytest

from chatplex.errors import APIError
from chatplex.errors import StreamError
from chatplex.messages import AIMessageChunk
from chatplex.messages import merge_chunks
from chatplex.providers.ollama.ndjson import NDJSONDecoder
from chatplex.providers.ollama.response import OllamaStreamParser
from chatplex.providers.ollama.response import parse_reply
from chatplex.providers.ollama.response import usage_metadata

TIMINGS = {
    "total_duration": 4883583458,
    "load_duration": 1334875,
    "prompt_eval_count": 26,
    "prompt_eval_duration": 342546000,
    "eval_count": 282,
    "eval_duration": 4535599000,
}
DONE = {"done": True, "done_reason": "stop", **TIMINGS}


def reply(message: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {
        "model": "llama3.2",
        "created_at": "2026-11-23T15:00:00.000Z",
        "message": {"role": "assistant", "content": "", **message},
        **DONE,
        **top,
    }


def stream_of(final: dict[str, Any], pieces: list[dict[str, Any]]) -> bytes:
    """A stream whose lines carry `pieces` of the message, then the done line."""
    lines = [
        {
            "model": final["model"],
            "created_at": "2026-11-23T14:59:59.000Z",
            "message": {"role": "assistant", "content": "", **piece},
            "done": False,
        }
        for piece in pieces
    ]
    last = dict(final, message={"role": "assistant", "content": ""})
    return b"".join(json.dumps(line).encode() + b"\n" for line in [*lines, last])


def parse_stream(body: bytes, read: int = 7) -> list[AIMessageChunk]:
    decoder, parser = NDJSONDecoder(), OllamaStreamParser()
    chunks = []
    items = []
    for i in range(0, len(body), read):
        items += decoder.feed(body[i : i + read])
    items += decoder.flush()
    for item in items:
        chunk = parser.feed(item)
        if chunk is not None:
            chunks.append(chunk)
    parser.finish()
    return chunks


def test_a_text_reply() -> None:
    msg = parse_reply(json.dumps(reply({"content": "Hello there"})).encode())
    assert msg.content == "Hello there" and msg.tool_calls == []
    assert msg.usage_metadata == {"input_tokens": 26, "output_tokens": 282, "total_tokens": 308}
    meta = msg.response_metadata
    assert meta["model_name"] == meta["model"] == "llama3.2"
    assert meta["model_provider"] == meta["provider"] == "ollama"
    assert meta["finish_reason"] == meta["raw_finish_reason"] == meta["done_reason"] == "stop"
    assert {k: meta[k] for k in TIMINGS} == TIMINGS  # as langchain-ollama keeps them
    assert meta["created_at"] == "2026-11-23T15:00:00.000Z" and meta["done"] is True
    assert "message" not in meta


def test_metadata_holds_the_sdk_models_fields_none_where_missing_and_no_others() -> None:
    """As langchain-ollama's (the ollama SDK's `ChatResponse` read as a dict): a count
    or duration the server leaves out is there as None, a field it adds is not kept;
    the stream's done line the same."""
    body = reply({"content": "Hi"}, x_unknown={"note": 1})
    for key in ("total_duration", "prompt_eval_count"):
        del body[key]
    whole = parse_reply(json.dumps(body).encode()).response_metadata
    assert whole["total_duration"] is None and whole["prompt_eval_count"] is None
    assert "x_unknown" not in whole
    streamed = merge_chunks(parse_stream(stream_of(body, [{"content": "Hi"}])))
    assert streamed.response_metadata == whole


def test_length_is_the_finish_reason_of_a_cut_reply() -> None:
    msg = parse_reply(json.dumps(reply({"content": "Once"}, done_reason="length")).encode())
    assert msg.response_metadata["finish_reason"] == "length"


def test_thinking_is_kept_apart_from_the_text_as_langchain_ollama_keeps_it() -> None:
    msg = parse_reply(json.dumps(reply({"thinking": "Let me see.", "content": "4"})).encode())
    assert msg.content == "4"
    assert msg.additional_kwargs == {"reasoning_content": "Let me see."}
    assert msg.text == "4"


def test_tool_calls_get_ids_drawn_per_reply_and_object_arguments() -> None:
    calls = [
        {"function": {"name": "get_weather", "arguments": {"city": "Paris"}}},
        {"function": {"name": "get_time", "arguments": {"tz": "CET"}}},
    ]
    body = json.dumps(reply({"tool_calls": calls})).encode()
    msg = parse_reply(body)
    assert [(c["name"], c["args"]) for c in msg.tool_calls] == [
        ("get_weather", {"city": "Paris"}),
        ("get_time", {"tz": "CET"}),
    ]
    ids = [c["id"] for c in msg.tool_calls]
    assert all(str(uuid.UUID(i)) == i for i in ids) and len(set(ids)) == 2  # uuid4-shaped
    # The same calls in another reply (a later turn of one history) have other ids, as
    # langchain-ollama's random ones: a script keying results by id sees each.
    again = [c["id"] for c in parse_reply(body).tool_calls]
    assert not set(ids) & set(again)
    assert msg.response_metadata["finish_reason"] == "tool_calls"
    assert msg.response_metadata["raw_finish_reason"] == "stop"


def test_an_id_the_server_sends_is_kept() -> None:
    calls = [{"id": "call_srv1", "function": {"index": 0, "name": "f", "arguments": {}}}]
    assert parse_reply(json.dumps(reply({"tool_calls": calls})).encode()).tool_calls[0]["id"] == (
        "call_srv1"
    )


def test_usage_with_a_cached_prompt() -> None:
    # Ollama leaves out prompt_eval_count when the whole prompt came from its cache.
    assert usage_metadata({"eval_count": 5}) == {
        "input_tokens": 0,
        "output_tokens": 5,
        "total_tokens": 5,
    }
    assert usage_metadata({}) is None


@pytest.mark.parametrize(
    ("final", "pieces"),
    [
        (reply({"content": "Hello there"}), [{"content": "Hel"}, {"content": "lo there"}]),
        (
            reply({"thinking": "Hmm, 2+2.", "content": "It is 4."}),
            [
                {"thinking": "Hmm, "},
                {"thinking": "2+2."},
                {"content": "It is"},
                {"content": " 4."},
            ],
        ),
        (
            reply(
                {
                    "content": "Checking.",
                    "tool_calls": [
                        {"function": {"name": "a", "arguments": {"x": 1}}},
                        {"function": {"name": "b", "arguments": {"y": [1, 2]}}},
                    ],
                }
            ),
            [
                {"content": "Checking."},
                {"tool_calls": [{"function": {"name": "a", "arguments": {"x": 1}}}]},
                {"tool_calls": [{"function": {"name": "b", "arguments": {"y": [1, 2]}}}]},
            ],
        ),
    ],
    ids=["text", "thinking", "tool_calls_over_two_lines"],
)
@pytest.mark.parametrize("read", [1, 5, 4096])
def test_the_merged_stream_is_the_non_stream_reply(
    final: dict[str, Any], pieces: list[dict[str, Any]], read: int
) -> None:
    whole = parse_reply(json.dumps(final).encode())
    chunks = parse_stream(stream_of(final, pieces), read)
    merged = ids_drawn(merge_chunks(chunks).to_message())
    whole = ids_drawn(whole)
    assert merged.content == whole.content
    assert merged.tool_calls == whole.tool_calls
    assert merged.usage_metadata == whole.usage_metadata
    assert merged.response_metadata == whole.response_metadata
    assert merged == whole


def ids_drawn(message: Any) -> Any:
    """`message` with the ids of its tool calls masked: each reply draws its own."""
    calls = [{**c, "id": "<drawn>"} for c in message.tool_calls]
    return message.model_copy(update={"tool_calls": calls})


def test_streamed_tool_call_chunks_have_no_index_as_langchain_ollamas() -> None:
    """langchain-ollama streams each tool call whole, its chunk's index None (issue 47);
    the merge still keeps the two calls apart (by their ids)."""
    final = reply({})
    pieces = [
        {"tool_calls": [{"function": {"name": "a", "arguments": {"x": 1}}}]},
        {"tool_calls": [{"function": {"name": "b", "arguments": {"y": 2}}}]},
    ]
    chunks = parse_stream(stream_of(final, pieces))
    streamed = [tc for c in chunks for tc in c.tool_call_chunks]
    assert [(tc["name"], tc["index"]) for tc in streamed] == [("a", None), ("b", None)]
    assert streamed[0]["id"] != streamed[1]["id"]
    merged = merge_chunks(chunks).to_message()
    assert [(tc["name"], tc["args"]) for tc in merged.tool_calls] == [
        ("a", {"x": 1}),
        ("b", {"y": 2}),
    ]


def test_only_the_done_line_carries_usage() -> None:
    final = reply({"content": "ab"})
    chunks = parse_stream(stream_of(final, [{"content": "a"}, {"content": "b"}]))
    assert [c.usage_metadata for c in chunks][:-1] == [None, None]
    assert chunks[-1].usage_metadata == {
        "input_tokens": 26,
        "output_tokens": 282,
        "total_tokens": 308,
    }
    assert chunks[0].response_metadata == {
        "provider": "ollama",
        "model_provider": "ollama",
        "model_name": "llama3.2",
    }


def test_a_stream_without_its_done_line_is_cut_short() -> None:
    parser = OllamaStreamParser()
    assert parser.feed(json.dumps({"model": "m", "message": {"content": "a"}}))
    with pytest.raises(StreamError, match="ended before completion"):
        parser.finish()


def test_an_error_line_mid_stream_is_a_stream_error() -> None:
    parser = OllamaStreamParser()
    parser.feed(json.dumps({"model": "m", "message": {"content": "a"}, "done": False}))
    with pytest.raises(StreamError, match="model runner has unexpectedly stopped") as caught:
        parser.feed(json.dumps({"error": "model runner has unexpectedly stopped"}))
    assert caught.value.provider == "ollama" and not caught.value.retryable
    assert caught.value.body == {"error": "model runner has unexpectedly stopped"}
    with pytest.raises(StreamError) as busy:
        OllamaStreamParser().feed('{"error": "server busy, please try again"}')
    assert busy.value.retryable


def test_a_malformed_line_is_a_stream_error() -> None:
    with pytest.raises(StreamError, match="malformed JSON"):
        OllamaStreamParser().feed('{"model": ')
    with pytest.raises(StreamError, match="not a JSON object"):
        OllamaStreamParser().feed("[1, 2]")


def test_lines_after_done_are_ignored_and_an_empty_line_is_an_empty_chunk() -> None:
    parser = OllamaStreamParser()
    first = parser.feed(json.dumps({"model": "m", "message": {"content": ""}, "done": False}))
    assert first is not None and first.content == ""  # the head metadata
    # a line of nothing is a chunk of nothing, as langchain-ollama yields one per line
    empty = parser.feed(json.dumps({"model": "m", "message": {"content": ""}}))
    assert empty is not None and empty.content == "" and not empty.response_metadata
    parser.feed(json.dumps({"model": "m", "done": True, "done_reason": "stop"}))
    assert parser.feed(json.dumps({"model": "m", "message": {"content": "late"}})) is None
    parser.finish()


def test_error_bodies_and_garbage_after_200_are_api_errors() -> None:
    with pytest.raises(APIError, match="boom") as caught:
        parse_reply(b'{"error": "boom"}')
    assert caught.value.provider == "ollama"
    with pytest.raises(APIError, match="not a JSON object") as garbage:
        parse_reply(b"<html>")
    assert garbage.value.retryable


def test_logprobs_per_line_are_concatenated() -> None:
    final = reply({"content": "ab"})
    lines = [
        {
            "model": "llama3.2",
            "message": {"content": "a"},
            "done": False,
            "logprobs": [{"token": "a", "logprob": -0.1}],
        },
        {
            "model": "llama3.2",
            "message": {"content": "b"},
            "done": False,
            "logprobs": [{"token": "b", "logprob": -0.2}],
        },
        {**final, "message": {"content": ""}},
    ]
    body = b"".join(json.dumps(x).encode() + b"\n" for x in lines)
    merged = merge_chunks(parse_stream(body))
    assert [p["token"] for p in merged.response_metadata["logprobs"]] == ["a", "b"]


def _call(arguments: Any, name: Any = "f") -> dict[str, Any]:
    return {"function": {"name": name, "arguments": arguments}}


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (reply({"role": "assistant", "content": "a"}, prompt_eval_count="1"), "prompt_eval_count"),
        (reply({"role": "assistant", "content": "a"}, eval_count="2"), "eval_count is a str"),
        (reply({"role": "assistant", "content": 0}), "content is a int"),
        (reply({"role": "assistant", "content": "a", "thinking": 5}), "thinking is a int"),
        (reply({"role": "assistant", "content": "", "tool_calls": {"a": 1}}), "tool_calls"),
        (reply({"role": "assistant", "content": "", "tool_calls": [_call([])]}), "arguments"),
        (reply({"role": "assistant", "content": "", "tool_calls": [_call({}, 5)]}), "name"),
        ({**DONE, "message": "hi"}, "message is a str"),
    ],
)
def test_a_field_of_the_wrong_type_is_refused_never_read_as_empty(
    body: dict[str, Any], words: str
) -> None:
    from chatplex.adapters.reading import MalformedReply

    with pytest.raises(MalformedReply, match=words):
        parse_reply(json.dumps(body).encode())
    with pytest.raises(MalformedReply, match=words):  # the same line, streamed
        OllamaStreamParser().feed(json.dumps(body))
