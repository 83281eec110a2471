"""The `converse-stream` parser (`stream.py`) on its own: an exception or error message
mid-stream is a typed `StreamError`, a stream without `messageStop` is cut short, bad
payloads and server-sent events are refused, unknown events give no chunk, and a server
tool's blocks close at their stop or at `messageStop`. Streams beside their non-stream
replies: test_response.py."""

from __future__ import annotations

from typing import Any

import pytest

from chatplex.adapters.sse_event import SSEEvent
from chatplex.errors import StreamError
from chatplex.providers.bedrock.eventstream import EventStreamDecoder
from chatplex.providers.bedrock.eventstream import EventStreamMessage
from chatplex.providers.bedrock.stream import BedrockStreamParser
from tests.providers.bedrock._converse_events import event
from tests.providers.bedrock._converse_events import run


def test_an_exception_message_mid_stream_is_a_typed_stream_error() -> None:
    parser = BedrockStreamParser("rid-9")
    parser.feed(event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "Hi"}}))
    exception = EventStreamMessage(
        {":message-type": "exception", ":exception-type": "throttlingException"},
        b'{"message": "Too many tokens, please wait."}',
    )
    with pytest.raises(StreamError) as caught:
        parser.feed(exception)
    err = caught.value
    assert err.error_type == "ThrottlingException" and err.retryable
    assert err.rate_limited and err.status is None  # the pace counts it as a 429
    assert "Too many tokens" in err.message and err.request_id == "rid-9"
    validation = EventStreamMessage(
        {":message-type": "exception", ":exception-type": "validationException"}, b"{}"
    )
    with pytest.raises(StreamError) as caught:
        BedrockStreamParser().feed(validation)
    assert not caught.value.retryable and not caught.value.rate_limited


@pytest.mark.parametrize("parser_of", ["converse", "invoke"])
def test_an_error_message_keeps_its_text_as_botocore_reads_it(parser_of: str) -> None:
    """AWS's `:message-type: error` carries its text in the `:error-message` header and
    an empty payload: the typed error's message keeps it (it said only 'no message')."""
    from chatplex.providers.bedrock.invoke_response import InvokeStreamParser
    from chatplex.testing._mock_aws import encode_message

    headers = {
        ":message-type": "error",
        ":error-code": "InternalFailure",
        ":error-message": "The stream broke on our side, request 7a1",
    }
    (decoded,) = EventStreamDecoder().feed(encode_message(headers, b""))
    parser = (
        BedrockStreamParser("rid-3")
        if parser_of == "converse"
        else InvokeStreamParser("rid-3", "anthropic.claude-3-haiku-20240307-v1:0")
    )
    with pytest.raises(StreamError) as caught:
        parser.feed(decoded)
    err = caught.value
    assert "The stream broke on our side, request 7a1" in err.message
    assert err.error_type == "InternalFailure" and err.request_id == "rid-3"
    botocore_parsers = pytest.importorskip("botocore.parsers")
    shape = botocore_parsers.EventStreamJSONParser()._do_error_parse(
        {"headers": decoded.headers, "body": decoded.payload}, _NoMembers()
    )
    assert shape["Error"]["Message"] in err.message  # the text botocore's parser reads
    assert shape["Error"]["Code"] == err.error_type


class _NoMembers:
    """A botocore output shape with no exception member (an error, not an exception)."""

    members: dict[str, Any] = {}


def test_a_stream_without_message_stop_is_cut_short() -> None:
    parser = BedrockStreamParser()
    parser.feed(event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": "Hi"}}))
    with pytest.raises(StreamError, match="before messageStop"):
        parser.finish()


def test_a_payload_that_is_not_an_object_is_a_stream_error() -> None:
    bad = EventStreamMessage({":event-type": "contentBlockDelta"}, b"[1, 2]")
    with pytest.raises(StreamError, match="not a JSON object"):
        BedrockStreamParser().feed(bad)


def test_server_sent_events_are_refused_with_the_reason() -> None:
    with pytest.raises(StreamError, match="stream_framing"):
        BedrockStreamParser().feed(SSEEvent(data="{}"))


def test_unknown_events_give_no_chunk_and_bookkeeping_an_empty_one() -> None:
    # langchain-aws yields an empty chunk for messageStart and for a contentBlockStop,
    # so its stream has their places; chatplex's has them too.
    parser = BedrockStreamParser()
    for name, data in (("messageStart", {"role": "assistant"}), ("contentBlockStop", {})):
        chunk = parser.feed(event(name, data))
        assert chunk is not None and chunk.content == [] and not chunk.tool_call_chunks
        assert chunk.response_metadata == {"model_provider": "bedrock_converse"}
    assert parser.feed(event("somethingNew", {})) is None
    assert parser.feed(event("contentBlockStart", {"contentBlockIndex": 0, "start": {}})) is None


def test_server_input_that_is_not_a_json_object_is_kept_unparsed() -> None:
    start = {"toolUseId": "tu-x", "name": "nova_code_interpreter", "type": "server_tool_use"}
    merged = run(
        [
            event("contentBlockStart", {"contentBlockIndex": 0, "start": {"toolUse": start}}),
            event(
                "contentBlockDelta",
                {"contentBlockIndex": 0, "delta": {"toolUse": {"input": "{bad"}}},
            ),
            event("contentBlockStop", {"contentBlockIndex": 0}),
            event("messageStop", {"stopReason": "end_turn"}),
        ]
    ).to_message()
    assert merged.content == [
        {
            "type": "server_tool_call",
            "id": "tu-x",
            "name": "nova_code_interpreter",
            "args": {},
            "extras": {"unparsed_args": "{bad"},
        }
    ]


def test_server_blocks_left_open_close_at_message_stop() -> None:
    start = {"toolUseId": "tu-o", "name": "nova_code_interpreter", "type": "server_tool_use"}
    merged = run(
        [
            event("contentBlockStart", {"contentBlockIndex": 0, "start": {"toolUse": start}}),
            event(
                "contentBlockDelta", {"contentBlockIndex": 0, "delta": {"toolUse": {"input": "{}"}}}
            ),
            # A result piece with no contentBlockStart: the block opens at its first delta.
            event(
                "contentBlockDelta",
                {"contentBlockIndex": 1, "delta": {"toolResult": [{"text": "ok"}]}},
            ),
            event("messageStop", {"stopReason": "end_turn"}),
        ]
    ).to_message()
    assert merged.content == [
        {"type": "server_tool_call", "id": "tu-o", "name": "nova_code_interpreter", "args": {}},
        {"type": "server_tool_result", "output": [{"text": "ok"}]},
    ]
