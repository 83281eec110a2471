"""The Messages wire of the mock server (private): Anthropic's `POST /v1/messages`, and
its token count, `POST /v1/messages/count_tokens` (`count_tokens_reply`, the wire's side
reply: the input tokens the same request would be charged as a reply's `usage`, so a
count and a call agree).

Planned in its own dialect (`plan_reply("anthropic", body)` reads `system`, Messages
tools and `output_config.format` as they are), rendered as the recordings in the
shared wire corpus show (JSON, and SSE from message_start to message_stop).
"""

from __future__ import annotations

import datetime
import math
from functools import lru_cache
from typing import Any

from ._mock_faults import MockUsageError
from ._mock_replies import ANTHROPIC
from ._mock_replies import Event
from ._mock_replies import Reply
from ._mock_replies import ToolCall
from ._mock_replies import dumps
from ._mock_replies import prompt_tokens
from ._mock_replies import sse
from ._mock_replies import tool_call_id
from ._mock_wire import MockWire

__all__ = [
    "WIRE",
    "anthropic_error",
    "anthropic_events",
    "anthropic_json",
    "anthropic_rate_limit_headers",
    "anthropic_stream_error",
    "count_tokens_reply",
]


_PING = b'event: ping\ndata: {"type": "ping"}\n\n'
_MESSAGE_STOP = sse("message_stop", b'{"type":"message_stop"}')


def _anthropic_usage(reply: Reply, output_tokens: int) -> dict[str, Any]:
    return {
        "input_tokens": reply.input_tokens,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": reply.cached_tokens,
        "output_tokens": output_tokens,
    }


def _anthropic_message(reply: Reply, rid: str, content: list[Any]) -> dict[str, Any]:
    finished = bool(content)
    stop_reason = ("end_turn" if reply.tool is None else "tool_use") if finished else None
    if finished and reply.cut:
        stop_reason = "max_tokens"
    usage = _anthropic_usage(reply, reply.output_tokens if finished else 1)
    usage["service_tier"] = "standard"
    return {
        "id": "msg_" + rid,
        "type": "message",
        "role": "assistant",
        "model": reply.model,
        "content": content,
        "stop_reason": stop_reason,
        "stop_sequence": None,
        "usage": usage,
    }


def anthropic_json(reply: Reply, rid: str) -> bytes:
    """A non-stream `message` body."""
    if reply.tool is None:
        blocks: list[dict[str, Any]] = [{"type": "text", "text": reply.text}]
    else:
        blocks = [_tool_use(tool, rid, k, tool.input) for k, tool in enumerate(reply.tools)]
    return dumps(_anthropic_message(reply, rid, blocks))


def _tool_use(tool: ToolCall, rid: str, index: int, input_: dict[str, Any]) -> dict[str, Any]:
    call_id = tool_call_id("toolu_", rid, index)
    return {"type": "tool_use", "id": call_id, "name": tool.name, "input": input_}


@lru_cache(maxsize=256)
def _anthropic_deltas(
    pieces: tuple[str, ...], kind: str, key: str, index: int = 0
) -> tuple[bytes, ...]:
    return tuple(
        sse(
            "content_block_delta",
            dumps({"type": "content_block_delta", "index": index, "delta": {"type": kind, key: p}}),
        )
        for p in pieces
    )


@lru_cache(maxsize=16)
def _block_stop(index: int) -> bytes:
    return sse("content_block_stop", b'{"type":"content_block_stop","index":%d}' % index)


def _block_events(block: dict[str, Any], index: int, deltas: tuple[bytes, ...]) -> list[Event]:
    """One content block: its start, its deltas (a ping after the first start, as the
    API sends one) and its stop."""
    start = {"type": "content_block_start", "index": index, "content_block": block}
    events: list[Event] = [(sse("content_block_start", dumps(start)), False)]
    if index == 0:
        events.append((_PING, False))
    events.extend((delta, True) for delta in deltas)
    events.append((_block_stop(index), False))
    return events


def anthropic_events(reply: Reply, rid: str) -> list[Event]:
    """The events of a Messages stream, from message_start to message_stop."""
    start = {"type": "message_start", "message": _anthropic_message(reply, rid, [])}
    events: list[Event] = [(sse("message_start", dumps(start)), False)]
    if reply.tool is None:
        text = {"type": "text", "text": ""}
        events += _block_events(text, 0, _anthropic_deltas(reply.pieces, "text_delta", "text"))
        stop_reason = "end_turn"
    else:
        for k, tool in enumerate(reply.tools):
            deltas = _anthropic_deltas(tool.pieces, "input_json_delta", "partial_json", k)
            events += _block_events(_tool_use(tool, rid, k, {}), k, deltas)
        stop_reason = "tool_use"
    stop_reason = "max_tokens" if reply.cut else stop_reason
    message_delta = {
        "type": "message_delta",
        "delta": {"stop_reason": stop_reason, "stop_sequence": None},
        "usage": _anthropic_usage(reply, reply.output_tokens),
    }
    events.append((sse("message_delta", dumps(message_delta)), False))
    events.append((_MESSAGE_STOP, False))
    return events


def anthropic_error(type_: str, message: str, request_id: str) -> bytes:
    """`{"type": "error", "error": {"type", "message"}, "request_id"}`."""
    error = {"type": type_, "message": message}
    return dumps({"type": "error", "error": error, "request_id": request_id})


def anthropic_stream_error(type_: str, message: str, code: str | None) -> bytes:
    """The in-stream `event: error` (e.g. overloaded_error mid-stream)."""
    error: dict[str, Any] = {"details": None, "type": type_, "message": message}
    return sse("error", dumps({"type": "error", "error": error}))


def anthropic_rate_limit_headers(
    tokens: float, capacity: float, rate: float
) -> list[tuple[str, str]]:
    """Anthropic's rate-limit headers: limit per minute, remaining, when full (RFC 3339)."""
    full_in = max(0.0, (capacity - tokens) / rate)
    full_at = datetime.datetime.now(datetime.UTC) + datetime.timedelta(seconds=full_in)
    return [
        ("anthropic-ratelimit-requests-limit", f"{rate * 60:g}"),
        ("anthropic-ratelimit-requests-remaining", str(max(0, math.floor(tokens)))),
        ("anthropic-ratelimit-requests-reset", full_at.isoformat(timespec="milliseconds")),
    ]


def _view(path: str, body: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(body.get("messages"), list):
        raise MockUsageError("the body must be a JSON object with a 'messages' list")
    return body  # planned natively: `dialect="anthropic"`


_COUNT_PATH = "/v1/messages/count_tokens"


def count_tokens_reply(path: str, body: dict[str, Any]) -> bytes | None:
    """`count_tokens`' reply, `{"input_tokens": N}` (None for a chat's path): N as a
    reply to the same messages and system reports it."""
    if path != _COUNT_PATH:
        return None
    return dumps({"input_tokens": prompt_tokens(_view(path, body))})


WIRE = MockWire(
    name=ANTHROPIC,
    match=lambda path: path in ("/v1/messages", _COUNT_PATH),
    request_view=_view,
    render_json=anthropic_json,
    render_events=lambda reply, rid, view: anthropic_events(reply, rid),
    error_body=lambda status, type_, message, code, request_id: anthropic_error(
        type_, message, request_id
    ),
    stream_error=anthropic_stream_error,
    request_id_header="request-id",
    dialect=ANTHROPIC,
    rate_limit_headers=anthropic_rate_limit_headers,
    rate_limited_headers=lambda wait: [("anthropic-ratelimit-requests-remaining", "0")],
    side_reply=count_tokens_reply,
)
