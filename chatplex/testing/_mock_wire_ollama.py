"""Ollama's native chat API (`POST /api/chat`) as the mock server speaks it (private).

The request is read into the Chat Completions view the planner shares with every wire
(messages, tools, `format` as `response_format`; `stream` defaults to true, as on
Ollama); a reply is rendered as Ollama's JSON object, or as NDJSON lines: one line per
text piece, the tool call whole in one line (Ollama sends calls whole), then the `done`
line with the counts and timings. Errors are `{"error": "..."}`, on the status line
or, mid-stream, as a last line.

>>> view = WIRE.request_view("/api/chat", {"model": "m", "messages": [
...     {"role": "user", "content": "hi"}]})
>>> view["stream"], view["messages"]
(True, [{'role': 'user', 'content': 'hi'}])
"""

from __future__ import annotations

import json
from typing import Any

from ._mock_faults import MockUsageError
from ._mock_replies import Event
from ._mock_replies import Reply
from ._mock_replies import dumps
from ._mock_wire import MockWire
from ._mock_wire import chat_like_view

__all__ = ["NDJSON", "WIRE", "ollama_error", "ollama_events", "ollama_json", "ollama_view"]

#: The content type of Ollama's streams.
NDJSON = "application/x-ndjson"
#: A fixed creation time: the mock's replies are deterministic functions of the request.
CREATED_AT = "2026-01-01T00:00:00.000000Z"
#: Timings in nanoseconds, shaped like a real server's (the counts are the reply's).
_TIMINGS = {
    "total_duration": 2_000_000,
    "load_duration": 100_000,
    "prompt_eval_duration": 500_000,
    "eval_duration": 1_000_000,
}


def ollama_view(path: str, body: dict[str, Any]) -> dict[str, Any]:
    """The `/api/chat` body as the Chat Completions view the planner reads."""
    streams = body.get("stream", True) is not False  # Ollama streams by default
    view = chat_like_view(body, "an /api/chat body", _message, stream=streams)
    fmt = body.get("format")
    if isinstance(fmt, dict):
        view["response_format"] = {"type": "json_schema", "json_schema": {"schema": fmt}}
    elif fmt == "json":
        view["response_format"] = {"type": "json_object"}
    return view


def _message(message: Any, i: int) -> dict[str, Any]:
    if not isinstance(message, dict) or not isinstance(message.get("role"), str):
        raise MockUsageError(f"messages[{i}] must be an object with a role")
    out: dict[str, Any] = {"role": message["role"], "content": message.get("content") or ""}
    calls = message.get("tool_calls")
    if isinstance(calls, list) and calls:
        out["tool_calls"] = [
            {
                "id": f"call_{i}_{j}",
                "type": "function",
                "function": {
                    "name": (c.get("function") or {}).get("name"),
                    "arguments": json.dumps((c.get("function") or {}).get("arguments") or {}),
                },
            }
            for j, c in enumerate(calls)
            if isinstance(c, dict)
        ]
    if message["role"] == "tool":
        out["tool_call_id"] = message.get("tool_name") or f"tool_{i}"
    return out


def _done(reply: Reply) -> dict[str, Any]:
    return {
        "done": True,
        "done_reason": "length" if reply.cut else "stop",
        "total_duration": _TIMINGS["total_duration"],
        "load_duration": _TIMINGS["load_duration"],
        "prompt_eval_count": reply.input_tokens,
        "prompt_eval_duration": _TIMINGS["prompt_eval_duration"],
        "eval_count": reply.output_tokens,
        "eval_duration": _TIMINGS["eval_duration"],
    }


def _tool_calls(reply: Reply) -> list[dict[str, Any]]:
    return [{"function": {"name": t.name, "arguments": t.input}} for t in reply.tools]


def ollama_json(reply: Reply, rid: str) -> bytes:
    """A non-stream `/api/chat` reply."""
    message: dict[str, Any] = {"role": "assistant", "content": reply.text}
    calls = _tool_calls(reply)
    if calls:
        message["tool_calls"] = calls
    return dumps(
        {"model": reply.model, "created_at": CREATED_AT, "message": message} | _done(reply)
    )


def ollama_events(reply: Reply, rid: str, view: dict[str, Any]) -> list[Event]:
    """The NDJSON lines of a stream, each with whether it carries content."""
    head = {"model": reply.model, "created_at": CREATED_AT}
    lines: list[Event] = []
    for piece in reply.pieces:
        line = head | {"message": {"role": "assistant", "content": piece}, "done": False}
        lines.append((dumps(line) + b"\n", True))
    calls = _tool_calls(reply)
    if calls:
        message = {"role": "assistant", "content": "", "tool_calls": calls}
        lines.append((dumps(head | {"message": message, "done": False}) + b"\n", True))
    last = head | {"message": {"role": "assistant", "content": ""}} | _done(reply)
    lines.append((dumps(last) + b"\n", False))
    return lines


def ollama_error(status: int, type_: str, message: str, code: str | None, rid: str) -> bytes:
    """Ollama's error body: `{"error": "..."}` (it has no type or code)."""
    return dumps({"error": message})


def _stream_error(type_: str, message: str, code: str | None) -> bytes:
    return dumps({"error": message}) + b"\n"


WIRE = MockWire(
    name="ollama",
    match=lambda path: path == "/api/chat",
    request_view=ollama_view,
    render_json=ollama_json,
    render_events=ollama_events,
    error_body=ollama_error,
    stream_error=_stream_error,
    stream_content_type=NDJSON,
)
