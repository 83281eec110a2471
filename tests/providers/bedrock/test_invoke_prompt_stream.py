"""The stream of an InvokeModel prompt family (`invoke_prompt_stream.py`): a marker after
each event-stream message, each `chunk` event as a chunk read by the family's row, the
closing usage chunk after the stop reason, nothing read after it, and a stream cut
before it or a bad chunk raised."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from chatplex.adapters.reading import MalformedReply
from chatplex.errors import StreamError
from chatplex.providers.bedrock.eventstream import EventStreamMessage
from chatplex.providers.bedrock.invoke_families import META
from chatplex.providers.bedrock.invoke_families import MISTRAL
from chatplex.providers.bedrock.invoke_families import OPENAI
from chatplex.providers.bedrock.invoke_families import TITAN
from chatplex.providers.bedrock.invoke_prompt_stream import CHUNK_END
from chatplex.providers.bedrock.invoke_prompt_stream import PromptStreamDecoder
from chatplex.providers.bedrock.invoke_prompt_stream import PromptStreamParser
from chatplex.testing._mock_aws import event_message


def _message(event: dict[str, Any]) -> bytes:
    """An InvokeModel stream's `chunk` message: `event` as JSON, base64 in its `bytes`."""
    return event_message("chunk", {"bytes": base64.b64encode(json.dumps(event).encode()).decode()})


def _stream(family: Any, events: list[dict[str, Any]]) -> list[Any]:
    decoder = PromptStreamDecoder()
    parser = PromptStreamParser(family, "rid-1", "model-x")
    items = decoder.feed(b"".join(_message(e) for e in events))
    assert items[1::2] == [CHUNK_END] * len(events)  # a marker after each message
    chunks = [c for c in map(parser.feed, items) if c is not None]
    parser.finish()
    return chunks


METRICS = {"inputTokenCount": 12, "outputTokenCount": 7, "invocationLatency": 3}


def test_a_llama_stream() -> None:
    events = [
        {
            "generation": "Hel",
            "prompt_token_count": 12,
            "generation_token_count": 1,
            "stop_reason": None,
        },
        {
            "generation": "lo",
            "prompt_token_count": None,
            "generation_token_count": 2,
            "stop_reason": "stop",
            "amazon-bedrock-invocationMetrics": METRICS,
        },
    ]
    first, last, closing = _stream(META, events)
    assert first.content == "Hel"
    assert first.response_metadata == {
        "stop_reason": None,
        "model_name": "model-x",
        "model_provider": "bedrock",
    }
    assert last.response_metadata["amazon-bedrock-invocationMetrics"] == METRICS
    assert "model_name" not in last.response_metadata  # the first chunk only
    assert last.response_metadata["finish_reason"] == "stop"
    assert closing.content == "" and closing.usage_metadata["total_tokens"] == 19


def test_a_mistral_stream_names_the_model_on_its_first_metadata() -> None:
    events = [
        {"outputs": [{"text": "Hi", "stop_reason": None}]},
        {
            "outputs": [{"text": "", "stop_reason": "stop"}],
            "amazon-bedrock-invocationMetrics": METRICS,
        },
    ]
    first, last, closing = _stream(MISTRAL, events)
    assert first.response_metadata == {"model_provider": "bedrock"}  # nothing else to show
    assert last.response_metadata["model_name"] == "model-x"
    assert closing.usage_metadata is not None


def test_a_titan_stream_without_metrics_closes_with_an_empty_chunk() -> None:
    events = [{"outputText": "Hi", "index": 0, "completionReason": "FINISH"}]
    only, closing = _stream(TITAN, events)
    assert only.content == "Hi" and only.response_metadata["finish_reason"] == "stop"
    assert closing.content == "" and closing.usage_metadata is None


def test_a_stream_cut_before_its_stop_reason_raises() -> None:
    parser = PromptStreamParser(META, "rid-1", "m")
    for item in PromptStreamDecoder().feed(_message({"generation": "Hi", "stop_reason": None})):
        parser.feed(item)
    with pytest.raises(StreamError, match="before the model's stop reason"):
        parser.finish()


def test_nothing_is_read_after_the_stop_reason() -> None:
    events = [
        {"generation": "Hi", "stop_reason": "stop"},
        {"generation": "late", "stop_reason": None},
    ]
    chunks = _stream(META, events)
    assert [c.content for c in chunks] == ["Hi", ""]


def test_a_bad_chunk_is_a_stream_error() -> None:
    parser = PromptStreamParser(META, "rid-1", "m")
    bad = EventStreamMessage(
        {":event-type": "chunk", ":message-type": "event"}, b'{"bytes": "not base64!"}'
    )
    with pytest.raises(StreamError, match="not a base64 JSON event"):
        parser.feed(bad)


def test_a_chat_completions_stream() -> None:
    events = [
        {
            "id": "c1",
            "created": 1,
            "choices": [{"delta": {"role": "assistant", "content": "Hi"}, "finish_reason": None}],
        },
        {
            "id": "c1",
            "created": 1,
            "choices": [{"delta": {}, "finish_reason": "stop"}],
            "amazon-bedrock-invocationMetrics": METRICS,
        },
    ]
    first, last, closing = _stream(OPENAI, events)
    assert first.content == "Hi" and first.response_metadata["id"] == "c1"
    assert "created" not in first.response_metadata  # langchain-aws leaves it out
    assert last.content == "" and last.response_metadata["finish_reason"] == "stop"
    assert closing.usage_metadata is not None and closing.usage_metadata["input_tokens"] == 12


@pytest.mark.parametrize(
    "event",
    [
        pytest.param({"generation": 5}, id="text-a-number"),
        pytest.param({"generation": "a", "stop_reason": ["stop"]}, id="stop-a-list"),
        pytest.param(
            {"generation": "", "stop_reason": "stop", "amazon-bedrock-invocationMetrics": "x"},
            id="metrics-a-string",
        ),
        pytest.param(
            {
                "generation": "",
                "stop_reason": "stop",
                "amazon-bedrock-invocationMetrics": {"inputTokenCount": "12"},
            },
            id="count-a-string",
        ),
    ],
)
def test_a_stream_event_field_of_the_wrong_type_is_refused(event: dict[str, Any]) -> None:
    with pytest.raises(MalformedReply):
        _stream(META, [event])
