"""The OpenAI stream parser read as the openai SDK's parsing helper reads a stream
(`sdk_events`: a drop-in's stream of a `response_format` call): events that are not
`chat.completion.chunk`s skipped, the usage record kept as the SDK shows it. (Its other
rules are tested in tests/adapters/test_adapters_stream_tool_calls.py.)"""

from __future__ import annotations

import json
from typing import Any

import pytest

from chatplex.adapters.reading import MalformedReply
from chatplex.http._sse import iter_sse_events
from chatplex.messages import AIMessageChunk
from chatplex.providers.openai.stream import OpenAIStreamParser

HEAD = {"id": "c1", "model": "gpt-4o-mini", "object": "chat.completion.chunk"}
#: Azure's opening verdict: no choices, `object` empty.
FILTER = {"choices": [], "id": "", "model": "", "object": "", "prompt_filter_results": []}
USAGE = {"prompt_tokens": 3, "completion_tokens": 2, "total_tokens": 5}


def _events(*objects: dict[str, Any]) -> bytes:
    lines = [f"data: {json.dumps(o)}\n\n" for o in objects]
    return "".join([*lines, "data: [DONE]\n\n"]).encode()


def _chunks(body: bytes, **options: Any) -> list[AIMessageChunk]:
    parser = OpenAIStreamParser(raw_keys=False, **options)
    out = [c for e in iter_sse_events([body]) if (c := parser.feed(e)) is not None]
    parser.finish()
    return out


STREAM = _events(
    FILTER,
    {**HEAD, "choices": [{"index": 0, "delta": {"role": "assistant", "content": "{}"}}]},
    {**HEAD, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
    {**HEAD, "choices": [], "usage": USAGE},
)


def test_read_as_the_sdk_helper_the_stream_skips_non_chunks_and_keeps_the_usage_record() -> None:
    chunks = _chunks(STREAM, sdk_events=True)
    assert [c.content for c in chunks] == ["{}", "", ""]
    assert chunks[0].response_metadata["model_name"] == "gpt-4o-mini"  # the head: not the filter's
    usage = chunks[-1]
    assert usage.response_metadata["token_usage"] == {
        **USAGE,
        "completion_tokens_details": None,
        "prompt_tokens_details": None,
    }
    assert usage.usage_metadata is not None and usage.usage_metadata["total_tokens"] == 5


@pytest.mark.parametrize("raw_keys", [True, False])
def test_read_as_any_stream_the_filter_event_is_a_chunk_and_the_usage_as_it_came(
    raw_keys: bool,
) -> None:
    parser = OpenAIStreamParser(raw_keys=raw_keys)
    chunks = [c for e in iter_sse_events([STREAM]) if (c := parser.feed(e)) is not None]
    assert len(chunks) == 4  # the filter event's too
    usage = chunks[-1].response_metadata
    assert usage.get("token_usage") == (USAGE if raw_keys else None)


def test_a_legacy_function_calls_pieces_are_kept_as_langchain_openai_keeps_them() -> None:
    pieces = [{"name": "add", "arguments": ""}, {"name": None, "arguments": '{"a"'}]
    pieces.append({"arguments": ": 1}"})
    stream = _events(
        *({**HEAD, "choices": [{"index": 0, "delta": {"function_call": p}}]} for p in pieces),
        {**HEAD, "choices": [{"index": 0, "delta": {}, "finish_reason": "function_call"}]},
    )
    chunks = _chunks(stream)
    assert [c.additional_kwargs.get("function_call") for c in chunks] == [
        {"arguments": "", "name": "add"},
        {"arguments": '{"a"', "name": ""},  # (a null name is "": merging joins the strings)
        {"arguments": ": 1}", "name": ""},
        None,
    ]
    whole = chunks[0] + chunks[1] + chunks[2] + chunks[3]
    assert whole.additional_kwargs["function_call"] == {"arguments": '{"a": 1}', "name": "add"}
    assert whole.tool_call_chunks == []
    assert chunks[-1].response_metadata["finish_reason"] == "function_call"


def test_a_deltas_parts_beside_reasoning_follow_its_reasoning_block() -> None:
    """A compatible server's delta of reasoning and a list of parts: the reasoning block,
    then the parts as sent (a text delta beside reasoning, one text block)."""
    parts = [{"type": "text", "text": "Hi"}]
    for content, after in ((parts, parts), ("Hi", [{"type": "text", "text": "Hi"}])):
        delta = {"role": "assistant", "content": content, "reasoning_content": "Hm."}
        (chunk,) = _chunks(_events({**HEAD, "choices": [{"index": 0, "delta": delta}]}))
        assert chunk.content == [{"type": "reasoning", "reasoning": "Hm.", "index": 0}, *after]


def test_a_whole_reply_sent_as_the_streams_event_is_refused_not_read_as_empty() -> None:
    # A server answering a stream request with a whole reply in an event: its choice a
    # `message`, no `delta`. An event opening with a role-only delta still reads.
    whole = {**HEAD, "choices": [{"index": 0, "message": {"content": "hi"}}], "usage": USAGE}
    with pytest.raises(MalformedReply, match="has a message, no delta"):
        _chunks(_events(whole))
    opening = {**HEAD, "choices": [{"index": 0, "delta": {"role": "assistant"}}]}
    assert [c.content for c in _chunks(_events(opening))] == [""]
