"""The watsonx.ai stream (`providers/watsonx/stream.py`): `/ml/v1/text/chat_stream`'s
events as langchain-ibm yields them (text, tool-call chunks, the finish reason and usage),
error events and cut-off streams as `StreamError`s, wrong-typed fields as malformed."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chatplex.adapters.reading import MalformedReply
from chatplex.adapters.sse_event import SSEEvent
from chatplex.errors import StreamError
from chatplex.messages import AIMessageChunk
from chatplex.messages import merge_chunks
from chatplex.providers.watsonx.stream import WatsonxStreamParser

HEAD = {"id": "chat-1", "model_id": "ibm/granite", "model": "ibm/granite"}
USAGE = {"completion_tokens": 3, "prompt_tokens": 10, "total_tokens": 13}


def _event(delta: dict[str, Any] | None, finish: str | None = None, **top: Any) -> SSEEvent:
    choice = {"index": 0, "finish_reason": finish, "delta": delta}
    return SSEEvent("message", json.dumps({**HEAD, "choices": [choice], **top}))


def _run(*events: SSEEvent) -> tuple[list[AIMessageChunk], Any]:
    parser = WatsonxStreamParser()
    chunks = [c for e in events if (c := parser.feed(e)) is not None]
    parser.finish()
    return chunks, merge_chunks(chunks).to_message()


def test_text_then_the_finish_with_usage() -> None:
    chunks, message = _run(
        _event({"role": "assistant", "content": ""}),
        _event({"content": "Hel"}),
        _event({"content": "lo"}),
        _event({"content": ""}, "stop", usage=USAGE),
    )
    assert [c.content for c in chunks] == ["", "Hel", "lo", ""]
    assert all(c.id == "chat-1" for c in chunks)
    assert message.content == "Hello"
    assert message.response_metadata == {"finish_reason": "stop", "model_name": "ibm/granite"}
    assert message.usage_metadata == {"input_tokens": 10, "output_tokens": 3, "total_tokens": 13}


def test_tool_call_deltas_merge_into_the_call() -> None:
    first = {"index": 0, "id": "c-1", "type": "function"}
    first["function"] = {"name": "get_weather", "arguments": '{"city": '}
    rest = {"index": 0, "function": {"arguments": '"Paris"}'}}
    chunks, message = _run(
        _event({"role": "assistant", "tool_calls": [first]}),
        _event({"tool_calls": [rest]}),
        _event({}, "tool_calls", usage=USAGE),
    )
    assert chunks[0].tool_call_chunks[0]["name"] == "get_weather"
    assert chunks[1].tool_call_chunks[0]["name"] is None  # the name once, as langchain-ibm
    assert chunks[0].additional_kwargs["tool_calls"] == [first]
    assert message.tool_calls == [
        {"name": "get_weather", "args": {"city": "Paris"}, "id": "c-1", "type": "tool_call"}
    ]


def test_an_argument_object_is_streamed_as_its_json_text() -> None:
    call = {"index": 0, "id": "c-1", "function": {"name": "f", "arguments": {"a": 1}}}
    _, message = _run(_event({"tool_calls": [call]}), _event({}, "tool_calls"))
    assert message.tool_calls[0]["args"] == {"a": 1}


def test_usage_in_several_chunks_counts_the_prompt_once() -> None:
    usage_only = SSEEvent("message", json.dumps({**HEAD, "choices": [], "usage": USAGE}))
    _, message = _run(_event({"content": "a"}, usage=USAGE), _event({}, "stop"), usage_only)
    assert message.usage_metadata == {"input_tokens": 10, "output_tokens": 6, "total_tokens": 16}


def test_reasoning_deltas_go_in_additional_kwargs() -> None:
    chunks, _ = _run(_event({"reasoning_content": "think"}), _event({"content": "4"}, "stop"))
    assert chunks[0].additional_kwargs == {"reasoning_content": "think"}


def test_an_error_event_is_a_stream_error_with_ibm_message_and_trace() -> None:
    parser = WatsonxStreamParser()
    parser.feed(_event({"content": "a"}))
    body = {"errors": [{"code": "internal", "message": "model crashed"}], "trace": "t-9"}
    with pytest.raises(StreamError, match="model crashed") as caught:
        parser.feed(SSEEvent("error", json.dumps(body)))
    assert caught.value.request_id == "t-9" and caught.value.code == "internal"


def test_a_stream_cut_before_its_finish_is_an_error() -> None:
    parser = WatsonxStreamParser()
    parser.feed(_event({"content": "a"}))
    with pytest.raises(StreamError, match="before a finish_reason"):
        parser.finish()


@pytest.mark.parametrize(
    "event",
    [
        SSEEvent("message", json.dumps({**HEAD, "choices": {"0": {}}})),
        _event({"content": 5}),
        _event({"content": "a"}, usage={"prompt_tokens": "ten"}),
        _event({"tool_calls": [{"function": {"arguments": 3}}]}),
    ],
)
def test_a_field_of_the_wrong_type_is_malformed(event: SSEEvent) -> None:
    with pytest.raises(MalformedReply):
        WatsonxStreamParser().feed(event)


def test_a_broken_event_is_a_stream_error() -> None:
    with pytest.raises(StreamError, match="malformed JSON"):
        WatsonxStreamParser().feed(SSEEvent("message", '{"choices": ['))
