"""The Anthropic stream parser (`providers/anthropic/stream.py`): events it tolerates, an
early end, error events. How a merged stream equals the non-stream reply is tested with
the adapter, in test_anthropic.py."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chatplex.adapters.sse_event import SSEEvent
from chatplex.errors import StreamError
from chatplex.messages import merge_chunks
from chatplex.providers.anthropic.stream import AnthropicStreamParser

# -- edge cases -------------------------------------------------------------


def ev(data: dict[str, Any]) -> SSEEvent:
    return SSEEvent(event=data["type"], data=json.dumps(data))


def test_stream_parser_tolerance() -> None:
    parser = AnthropicStreamParser()
    assert parser.feed(SSEEvent("ping", "")) is None
    assert parser.feed(SSEEvent("ping", '{"type": "ping"}')) is None
    assert parser.feed(ev({"type": "some_future_event", "x": 1})) is None
    assert parser.feed(SSEEvent("message", "")) is None
    cite = {"type": "citations_delta", "citation": {"type": "char_location", "cited_text": "x"}}
    assert parser.feed(ev({"type": "content_block_delta", "index": 0, "delta": cite})) is None
    with pytest.raises(StreamError, match="not a JSON object"):
        parser.feed(SSEEvent("message_start", "[1]"))
    with pytest.raises(StreamError, match="malformed"):
        parser.feed(SSEEvent("content_block_delta", '{"type": "content_block_delta", "ind'))


def test_an_empty_text_delta_is_an_empty_chunk() -> None:
    # As langchain-anthropic yields it: a reply whose text is empty still streams its piece.
    parser = AnthropicStreamParser()
    empty = {"type": "text_delta", "text": ""}
    chunk = parser.feed(ev({"type": "content_block_delta", "index": 0, "delta": empty}))
    assert chunk is not None and chunk.content == "" and not chunk.tool_call_chunks


def test_stream_finish() -> None:
    with pytest.raises(StreamError, match="before message_stop"):
        AnthropicStreamParser().finish()
    # A message_delta with a stop_reason completes the reply; only the (empty) closing
    # event is missing, which is tolerated.
    parser = AnthropicStreamParser()
    parser.feed(
        ev(
            {
                "type": "message_delta",
                "delta": {"stop_reason": "end_turn"},
                "usage": {"output_tokens": 1},
            }
        )
    )
    parser.finish()


def test_stream_error_event_fields() -> None:
    parser = AnthropicStreamParser(request_id="req_hdr")
    data = {
        "type": "error",
        "error": {"type": "invalid_request_error", "message": "no"},
        "request_id": "req_ev",
    }
    with pytest.raises(StreamError) as info:
        parser.feed(ev(data))
    err = info.value
    assert (err.error_type, err.message, err.request_id, err.retryable) == (
        "invalid_request_error",
        "no",
        "req_ev",
        False,
    )
    for kind in ("overloaded_error", "api_error", "rate_limit_error"):
        with pytest.raises(StreamError) as info:
            parser.feed(ev({"type": "error", "error": {"type": kind, "message": "x"}}))
        assert info.value.retryable and info.value.request_id == "req_hdr"


@pytest.mark.parametrize(
    "data",
    [
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": 0}},
        {
            "type": "content_block_delta",
            "index": 0,
            "delta": {"type": "input_json_delta", "partial_json": 5},
        },
        {"type": "message_start", "message": {"id": "m", "usage": "lots"}},
        {"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": "lots"},
    ],
)
def test_an_event_field_of_the_wrong_type_is_refused(data: dict[str, Any]) -> None:
    from chatplex.adapters.reading import MalformedReply

    with pytest.raises(MalformedReply):
        AnthropicStreamParser().feed(ev(data))


def test_a_tool_use_block_streams_every_fragment_and_its_toolset_name() -> None:
    # Anthropic's first input_json_delta is empty: a chunk too, as langchain-anthropic
    # yields one; the start block shows the SDK's toolset_name (None), as LangChain's.
    parser = AnthropicStreamParser()
    use = {"type": "tool_use", "id": "toolu_1", "name": "lookup", "input": {}}
    start = parser.feed(ev({"type": "content_block_start", "index": 0, "content_block": use}))
    assert start is not None and start.content == [{**use, "toolset_name": None, "index": 0}]
    # in the SDK model's key order (langchain-anthropic's is its model_dump()): as printed
    keys = ["id", "input", "name", "type", "toolset_name", "index"]
    assert [list(b) for b in start.content] == [keys]
    pieces = []
    for part in ("", '{"q"', ': "x"}'):
        delta = {"type": "input_json_delta", "partial_json": part}
        chunk = parser.feed(ev({"type": "content_block_delta", "index": 0, "delta": delta}))
        assert chunk is not None
        pieces.append([c["args"] for c in chunk.tool_call_chunks])
    assert pieces == [[""], ['{"q"'], [': "x"}']]
    end = parser.feed(ev({"type": "content_block_stop", "index": 0}))
    assert end is not None and end.content == [
        {"type": "tool_use", "input": {"q": "x"}, "index": 0}
    ]


def test_a_thinking_block_streams_as_langchain_anthropics_pieces() -> None:
    """The API's empty start gives no piece; the thinking and the signature come as
    their deltas' pieces (the signature's with an empty `thinking`), keys in
    langchain-anthropic's order."""
    parser = AnthropicStreamParser()
    block = {"type": "thinking", "thinking": "", "signature": ""}
    start = {"type": "content_block_start", "index": 0, "content_block": block}
    assert parser.feed(ev(start)) is None
    thought = {"type": "thinking_delta", "thinking": "Hmm."}
    piece = parser.feed(ev({"type": "content_block_delta", "index": 0, "delta": thought}))
    assert piece is not None and piece.content == [
        {"thinking": "Hmm.", "type": "thinking", "index": 0}
    ]
    signed = {"type": "signature_delta", "signature": "c2ln"}
    piece = parser.feed(ev({"type": "content_block_delta", "index": 0, "delta": signed}))
    assert piece is not None and piece.content == [
        {"signature": "c2ln", "type": "thinking", "index": 0, "thinking": ""}
    ]
    assert list(piece.content[0]) == ["signature", "type", "index", "thinking"]  # type: ignore[arg-type]


def _text_events(index: int, *pieces: str, start: str = "") -> list[dict[str, Any]]:
    opened = {"type": "text", "text": start}
    return [
        {"type": "content_block_start", "index": index, "content_block": opened},
        *(
            {
                "type": "content_block_delta",
                "index": index,
                "delta": {"type": "text_delta", "text": p},
            }
            for p in pieces
        ),
        {"type": "content_block_stop", "index": index},
    ]


def test_a_text_block_right_after_a_text_block_streams_indexed_pieces() -> None:
    # As str its text would join the block before it; as langchain-anthropic's indexed
    # pieces it stays a block of its own, merged too. The block after it, and one after
    # a tool call, are str again: their index follows the indexed block before them.
    tool = {"type": "tool_use", "id": "toolu_1", "name": "f", "input": {}}
    events = [
        *_text_events(0, "A"),
        *_text_events(1, "B", "", start="b"),
        *_text_events(2, "C"),
        {"type": "content_block_start", "index": 3, "content_block": tool},
        {"type": "content_block_stop", "index": 3},
        *_text_events(4, "D"),
    ]
    parser = AnthropicStreamParser()
    chunks = [c for e in events if (c := parser.feed(ev(e))) is not None]
    assert [c.content for c in chunks if not c.tool_call_chunks] == [
        "A",
        [{"text": "b", "type": "text", "index": 1}],
        [{"text": "B", "type": "text", "index": 1}],
        [{"text": "", "type": "text", "index": 1}],
        "C",
        "D",
    ]
    merged = merge_chunks(chunks).content
    assert merged[:3] == ["A", {"text": "bB", "type": "text", "index": 1}, "C"]
    assert merged[-1] == "D"
