"""A v3 stream's state from protocol events: the same projections and assembled message
as langchain-core's `ChatModelStream` makes of the same events."""

from __future__ import annotations

from typing import Any

import pytest

from chatplex.core.events_v3_stream import ChatModelStream


#: One message's events: reasoning, text whose finish carries more than its deltas, a
#: call finished, a call left open (finished at the message's end), an invalid call, an
#: image, usage and metadata.
def _block(event: str, at: int, field: str, /, **value: Any) -> dict[str, Any]:
    return {"event": f"content-block-{event}", "index": at, field: value}


EVENTS: list[dict[str, Any]] = [
    {"event": "message-start", "role": "ai", "id": "m1", "metadata": {"provider": "p"}},
    _block("start", 0, "content", type="reasoning", reasoning=""),
    _block("delta", 0, "delta", type="reasoning-delta", reasoning="hmm"),
    _block("start", 1, "content", type="text", text=""),
    _block("delta", 1, "delta", type="text-delta", text="Hel"),
    _block("start", 2, "content", type="tool_call_chunk", id="t1", name="add", args="", index=0),
    _block("delta", 2, "delta", type="tool-call-delta", args='{"a": 1}'),
    _block("start", 3, "content", type="tool_call_chunk", id="t2", name="mul", args="", index=1),
    _block("delta", 3, "delta", type="tool-call-delta", args='{"b": 2}'),
    _block("finish", 0, "content", type="reasoning", reasoning="hmm"),
    _block("finish", 1, "content", type="text", text="Hello"),
    _block("finish", 2, "content", type="tool_call", id="t1", name="add", args={"a": 1}),
    _block("start", 4, "content", type="image", mime_type="image/png"),
    _block("finish", 4, "content", type="image", mime_type="image/png", base64="AAAA"),
    _block("finish", 5, "content", type="invalid_tool_call", id="t3", args="{", error="bad"),
    {
        "event": "message-finish",
        "usage": {"input_tokens": 1, "output_tokens": 2, "total_tokens": 3},
        "metadata": {"finish_reason": "stop", "model_name": "m"},
        "additional_kwargs": {"k": "v"},
    },
]


def _read(stream: Any) -> dict[str, Any]:
    for event in EVENTS:
        stream.dispatch(event)
    out = stream.output
    return {
        "text": list(stream.text),
        "whole": str(stream.text),
        "reasoning": str(stream.reasoning),
        "call_deltas": list(stream.tool_calls),
        "calls": stream.tool_calls.get(),
        "message": {
            name: getattr(out, name)
            for name in (
                "content",
                "id",
                "tool_calls",
                "invalid_tool_calls",
                "usage_metadata",
                "response_metadata",
                "additional_kwargs",
            )
        },
        "events": list(stream),
        "state": (stream.done, stream.has_events, stream.message_id),
    }


def _ours() -> ChatModelStream:
    return ChatModelStream(lambda: None, lambda: False)  # fed by hand here


def test_the_same_events_read_as_langchain_cores_stream_reads_them() -> None:
    theirs = pytest.importorskip("langchain_core.language_models.chat_model_stream")
    assert _read(_ours()) == _read(theirs.ChatModelStream())


def test_an_error_event_fails_every_projection() -> None:
    stream = _ours()
    stream.dispatch({"event": "error", "message": "it broke"})
    with pytest.raises(RuntimeError, match="it broke"):
        str(stream.text)
    with pytest.raises(RuntimeError, match="it broke"):
        stream.tool_calls.get()
    assert stream.done and stream.output_message is None
