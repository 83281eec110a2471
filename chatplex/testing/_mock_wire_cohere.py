"""Cohere's v2 Chat API (`POST /v2/chat`) as the mock server speaks it (private), and
`POST /v1/tokenize` (a token per word).

The request is read into the Chat Completions view the planner shares with every wire
(system/user/assistant/tool turns, tool results' documents as text, tools already in
OpenAI's function shape, `tool_choice` `REQUIRED` / `NONE`, `response_format`'s
`json_schema`); a reply is rendered as Cohere's JSON, or as its SSE stream:
`message-start`, `content-start`, one `content-delta` per text piece, `content-end`
(or `tool-plan-delta`, `tool-call-start`, `tool-call-delta`s, `tool-call-end` for a
tool call), then `message-end` with the finish reason and usage. Errors are
`{"id", "message"}`.

>>> view = WIRE.request_view("/v2/chat", {"model": "command-a-03-2025", "messages": [
...     {"role": "user", "content": "hi"}], "stream": True})
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
from ._mock_replies import sse
from ._mock_wire import MockWire
from ._mock_wire import chat_like_view

__all__ = ["WIRE", "cohere_error", "cohere_events", "cohere_json", "cohere_view", "tokenize_reply"]

#: What the mock says before calling a tool (Cohere's `tool_plan`).
TOOL_PLAN = "I will call the tool."
_CHOICES = {"REQUIRED": "required", "NONE": "none"}
#: The endpoint counting tokens.
TOKENIZE = "/v1/tokenize"


def cohere_view(path: str, body: dict[str, Any]) -> dict[str, Any]:
    """The `/v2/chat` body as the Chat Completions view the planner reads."""
    view = chat_like_view(body, "a /v2/chat body", _message, stream=body.get("stream") is True)
    choice = body.get("tool_choice")
    if choice in _CHOICES:
        view["tool_choice"] = _CHOICES[choice]
    fmt = body.get("response_format")
    if isinstance(fmt, dict) and fmt.get("type") == "json_object":
        schema = fmt.get("json_schema")
        if isinstance(schema, dict):
            view["response_format"] = {"type": "json_schema", "json_schema": {"schema": schema}}
        else:
            view["response_format"] = {"type": "json_object"}
    return view


def _text(content: Any) -> str:
    if isinstance(content, str):
        return content
    parts = []
    for part in content or ():
        if not isinstance(part, dict):
            continue
        if part.get("type") == "text":
            parts.append(str(part.get("text", "")))
        elif part.get("type") == "document":
            parts.append(json.dumps((part.get("document") or {}).get("data")))
    return " ".join(parts)


def _message(message: Any, i: int) -> dict[str, Any]:
    if not isinstance(message, dict) or not isinstance(message.get("role"), str):
        raise MockUsageError(f"messages[{i}] must be an object with a role")
    role = message["role"]
    out: dict[str, Any] = {"role": role, "content": _text(message.get("content"))}
    calls = message.get("tool_calls")
    if role == "assistant" and isinstance(calls, list) and calls:
        out["content"] = message.get("tool_plan") or ""
        out["tool_calls"] = [c for c in calls if isinstance(c, dict)]
    if role == "tool":
        out["tool_call_id"] = message.get("tool_call_id")
    return out


def _call_id(reply: Reply) -> str:
    return f"{reply.tool.name}_mock0" if reply.tool else ""


def _usage(reply: Reply) -> dict[str, Any]:
    return {
        "billed_units": {"input_tokens": reply.input_tokens, "output_tokens": reply.output_tokens},
        "tokens": {"input_tokens": reply.input_tokens, "output_tokens": reply.output_tokens},
    }


def _finish(reply: Reply) -> str:
    return "TOOL_CALL" if reply.tool is not None else "COMPLETE"


def cohere_json(reply: Reply, rid: str) -> bytes:
    """A non-stream `/v2/chat` reply."""
    message: dict[str, Any] = {"role": "assistant"}
    if reply.tool is not None:
        message["tool_plan"] = TOOL_PLAN
        message["tool_calls"] = [
            {
                "id": _call_id(reply),
                "type": "function",
                "function": {"name": reply.tool.name, "arguments": reply.tool.arguments},
            }
        ]
    else:
        message["content"] = [{"type": "text", "text": reply.text}]
    return dumps(
        {"id": rid, "message": message, "finish_reason": _finish(reply), "usage": _usage(reply)}
    )


def _event(obj: dict[str, Any]) -> bytes:
    return sse(obj["type"], dumps(obj))


def cohere_events(reply: Reply, rid: str, view: dict[str, Any]) -> list[Event]:
    """The SSE events of a stream, each with whether it carries content."""
    start = {
        "message": {
            "role": "assistant",
            "content": [],
            "tool_plan": "",
            "tool_calls": [],
            "citations": [],
        }
    }
    events: list[Event] = [(_event({"id": rid, "type": "message-start", "delta": start}), False)]
    if reply.tool is not None:
        plan = {"type": "tool-plan-delta", "delta": {"message": {"tool_plan": TOOL_PLAN}}}
        events.append((_event(plan), True))
        call = {
            "id": _call_id(reply),
            "type": "function",
            "function": {"name": reply.tool.name, "arguments": ""},
        }
        head = {"type": "tool-call-start", "index": 0, "delta": {"message": {"tool_calls": call}}}
        events.append((_event(head), True))
        for piece in reply.tool.pieces:
            delta = {"tool_calls": {"function": {"arguments": piece}}}
            events.append(
                (_event({"type": "tool-call-delta", "index": 0, "delta": {"message": delta}}), True)
            )
        events.append((_event({"type": "tool-call-end", "index": 0}), False))
    else:
        opened = {"message": {"content": {"type": "text", "text": ""}}}
        events.append((_event({"type": "content-start", "index": 0, "delta": opened}), False))
        for piece in reply.pieces:
            delta = {"message": {"content": {"text": piece}}}
            events.append((_event({"type": "content-delta", "index": 0, "delta": delta}), True))
        events.append((_event({"type": "content-end", "index": 0}), False))
    end = {
        "type": "message-end",
        "delta": {"finish_reason": _finish(reply), "usage": _usage(reply)},
    }
    events.append((_event(end), False))
    return events


def cohere_error(status: int, type_: str, message: str, code: str | None, rid: str) -> bytes:
    """Cohere's error body: `{"id": ..., "message": ...}`."""
    return dumps({"id": rid, "message": message})


def _stream_error(type_: str, message: str, code: str | None) -> bytes:
    # Cohere has no error event: a failed stream ends with finish_reason ERROR.
    end = {"type": "message-end", "delta": {"finish_reason": "ERROR", "error": message}}
    return _event(end)


def tokenize_reply(path: str, body: dict[str, Any]) -> bytes | None:
    """`/v1/tokenize`'s reply (None for a chat): a token per word of `text`. (The model
    records that clients read a tokenizer file from are not served: a 404, on which
    the clients count with this endpoint.)"""
    if not path.endswith(TOKENIZE):
        return None
    text = body.get("text")
    if not isinstance(text, str):
        raise MockUsageError("a /v1/tokenize body needs text (a str)")
    words = text.split()
    return dumps({"tokens": list(range(len(words))), "token_strings": words})


WIRE = MockWire(
    name="cohere",
    match=lambda path: path.endswith(("/v2/chat", TOKENIZE)),
    request_view=cohere_view,
    render_json=cohere_json,
    render_events=cohere_events,
    error_body=cohere_error,
    stream_error=_stream_error,
    side_reply=tokenize_reply,
)
