"""The Chat Completions wire of the mock server (private): renderers and `WIRE`.

OpenAI's `POST /v1/chat/completions`, and every OpenAI-compatible provider that serves
it under its own prefix (Groq's `/openai/v1/...`, OpenRouter's `/api/v1/...`): any path
ending in `/chat/completions` (Azure's deployment paths are `_mock_wire_azure.py`'s).
The shapes follow the recordings in the shared wire corpus.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from functools import lru_cache
from typing import Any

from ._mock_faults import MockUsageError
from ._mock_replies import FINGERPRINT
from ._mock_replies import OPENAI
from ._mock_replies import Event
from ._mock_replies import Reply
from ._mock_replies import ToolCall
from ._mock_replies import dumps
from ._mock_replies import sse
from ._mock_replies import tool_call_id
from ._mock_wire import MockWire

__all__ = [
    "WIRE",
    "chat_completions_usage",
    "is_chat_completions",
    "openai_error",
    "openai_events",
    "openai_json",
    "openai_rate_limit_headers",
    "openai_rate_limited_headers",
    "openai_stream_error",
]


def is_chat_completions(path: str) -> bool:
    """Chat Completions under any prefix: `/v1/chat/completions`, `/openai/v1/...`, ..."""
    return path == "/chat/completions" or path.endswith("/chat/completions")


def _finish_reason(reply: Reply) -> str:
    if reply.filtered:
        return "content_filter"
    if reply.cut:
        return "length"
    return "stop" if reply.tool is None else "tool_calls"


def chat_completions_usage(reply: Reply) -> dict[str, int]:
    """The three counts of a Chat Completions `usage`, all that OpenAI-compatible servers
    (Groq, Mistral, Bedrock's OpenAI models) send; OpenAI adds its details to them."""
    return {
        "prompt_tokens": reply.input_tokens,
        "completion_tokens": reply.output_tokens,
        "total_tokens": reply.input_tokens + reply.output_tokens,
    }


def _openai_usage(reply: Reply) -> dict[str, Any]:
    return {
        **chat_completions_usage(reply),
        "prompt_tokens_details": {"cached_tokens": reply.cached_tokens, "audio_tokens": 0},
        "completion_tokens_details": {
            "reasoning_tokens": reply.reasoning_tokens,
            "audio_tokens": 0,
            "accepted_prediction_tokens": 0,
            "rejected_prediction_tokens": 0,
        },
    }


def openai_json(reply: Reply, rid: str, created: int) -> bytes:
    """A non-stream `chat.completion` body."""
    message: dict[str, Any] = {"role": "assistant", "content": reply.text}
    if reply.tool is not None:
        message["content"] = None
        message["tool_calls"] = [
            _openai_tool_call(tool, tool_call_id("call_", rid, k))
            for k, tool in enumerate(reply.tools)
        ]
    message.update(refusal=None, annotations=[])
    choices = [
        {
            "index": index,
            "message": message,
            "logprobs": None,
            "finish_reason": _finish_reason(reply),
        }
        for index in range(reply.candidates)
    ]
    return dumps(
        {
            "id": "chatcmpl-" + rid,
            "object": "chat.completion",
            "created": created,
            "model": reply.model,
            "choices": choices,
            "usage": _openai_usage(reply),
            "service_tier": "default",
            "system_fingerprint": FINGERPRINT,
        }
    )


def _openai_tool_call(tool: ToolCall, call_id: str) -> dict[str, Any]:
    function = {"name": tool.name, "arguments": tool.arguments}
    return {"id": call_id, "type": "function", "function": function}


def _openai_choice(delta: bytes, finish: bytes = b"null") -> bytes:
    return b'[{"index":0,"delta":%b,"logprobs":null,"finish_reason":%b}]' % (delta, finish)


_OPENAI_ROLE = _openai_choice(b'{"role":"assistant","content":"","refusal":null}')


@lru_cache(maxsize=256)
def _openai_text_deltas(pieces: tuple[str, ...]) -> tuple[bytes, ...]:
    return tuple(_openai_choice(dumps({"content": p})) for p in pieces)


@lru_cache(maxsize=256)
def _openai_argument_deltas(pieces: tuple[str, ...], index: int = 0) -> tuple[bytes, ...]:
    return tuple(
        _openai_choice(dumps({"tool_calls": [{"index": index, "function": {"arguments": p}}]}))
        for p in pieces
    )


def _openai_call_deltas(reply: Reply, rid: str) -> tuple[bytes, list[bytes]]:
    """The opening chunk of a tool-call stream (role, the first call's id and name) and
    the deltas after it: each call's arguments, a later call opened by its own chunk
    (with its `index`, id and name), as OpenAI streams parallel calls."""
    first = b""
    deltas: list[bytes] = []
    for index, tool in enumerate(reply.tools):
        call = _openai_tool_call(tool, tool_call_id("call_", rid, index))
        call["function"]["arguments"] = ""
        opening: dict[str, Any] = {"tool_calls": [{"index": index, **call}]}
        if index == 0:
            opening = {"role": "assistant", "content": None, **opening, "refusal": None}
            first = _openai_choice(dumps(opening))
        else:
            deltas.append(_openai_choice(dumps(opening)))
        deltas.extend(_openai_argument_deltas(tool.pieces, index))
    return first, deltas


def openai_events(reply: Reply, rid: str, created: int, include_usage: bool) -> list[Event]:
    """The `chat.completion.chunk` events of a stream, ending with `data: [DONE]`."""
    # Every chunk repeats id/created/model; only the choices differ, so splice bytes
    # instead of encoding a dict per chunk (200-chunk streams in the benchmark).
    head = (
        b'data: {"id":"chatcmpl-%b","object":"chat.completion.chunk","created":%d,'
        b'"model":%b,"service_tier":"default","system_fingerprint":"%b","choices":'
        % (rid.encode(), created, dumps(reply.model), FINGERPRINT.encode())
    )
    tail = b',"usage":null}\n\n' if include_usage else b"}\n\n"
    finish = b'"%b"' % _finish_reason(reply).encode()
    deltas: Sequence[bytes]
    if reply.tool is None:
        first, deltas = _OPENAI_ROLE, _openai_text_deltas(reply.pieces)
    else:
        first, deltas = _openai_call_deltas(reply, rid)
    events: list[Event] = [(head + first + tail, False)]
    events.extend((head + delta + tail, True) for delta in deltas)
    events.append((head + _openai_choice(b"{}", finish) + tail, False))
    if include_usage:
        usage = dumps(_openai_usage(reply))
        events.append((head + b'[],"usage":' + usage + b"}\n\n", False))
    events.append((b"data: [DONE]\n\n", False))
    return events


def openai_error(message: str, type_: str, code: str | None, param: str | None = None) -> bytes:
    """`{"error": {"message", "type", "param", "code"}}`."""
    error = {"message": message, "type": type_, "param": param, "code": code}
    return dumps({"error": error})


def openai_stream_error(type_: str, message: str, code: str | None) -> bytes:
    """The in-stream error event, as Groq and OpenAI-compatible servers send it."""
    return sse("error", dumps({"error": {"message": message, "type": type_, "code": code}}))


def openai_rate_limit_headers(tokens: float, capacity: float, rate: float) -> list[tuple[str, str]]:
    """OpenAI's rate-limit headers for a bucket: the limit per minute, the requests that
    may go now, and when the bucket is full again."""
    full_in = max(0.0, (capacity - tokens) / rate)
    return [
        ("x-ratelimit-limit-requests", f"{rate * 60:g}"),
        ("x-ratelimit-remaining-requests", str(max(0, math.floor(tokens)))),
        ("x-ratelimit-reset-requests", f"{math.ceil(full_in * 1000)}ms"),
    ]


def openai_rate_limited_headers(wait: float) -> list[tuple[str, str]]:
    """What a 429 of the limiter says when the full set is not announced."""
    millis = max(1, math.ceil(wait * 1000))
    return [
        ("x-ratelimit-remaining-requests", "0"),
        ("x-ratelimit-reset-requests", f"{millis}ms"),
    ]


def _view(path: str, body: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(body.get("messages"), list):
        raise MockUsageError("the body must be a JSON object with a 'messages' list")
    return body


def _events(reply: Reply, rid: str, view: dict[str, Any]) -> list[Event]:
    options = view.get("stream_options")
    include_usage = isinstance(options, dict) and options.get("include_usage") is True
    return openai_events(reply, rid, int(time.time()), include_usage)


WIRE = MockWire(
    name=OPENAI,
    match=is_chat_completions,
    request_view=_view,
    render_json=lambda reply, rid: openai_json(reply, rid, int(time.time())),
    render_events=_events,
    error_body=lambda status, type_, message, code, request_id: openai_error(message, type_, code),
    stream_error=openai_stream_error,
    rate_limit_headers=openai_rate_limit_headers,
    rate_limited_headers=openai_rate_limited_headers,
    general=True,  # any path ending in /chat/completions
)
