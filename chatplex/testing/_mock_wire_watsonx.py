"""IBM watsonx.ai's text chat API (`POST /ml/v1/text/chat`, streamed from
`/ml/v1/text/chat_stream`) as the mock server speaks it (private).

The request's messages and tools are Chat Completions' already; `model_id` names the
model, `tool_choice_option` (`auto`, `none`, `required`) or `tool_choice` (a named
function) the tool choice, `response_format` the JSON output. A reply is rendered as
watsonx.ai's JSON (`id`, `model_id`, `choices`, `usage`...), or as its SSE stream
(`event: message` chunks, the last with the finish reason and usage). Errors are
`{"errors": [{"code", "message", "more_info"}], "trace", "status_code"}`; a failed
stream ends with an `event: error` carrying that body. A request must carry a bearer
token (`Authorization`), as watsonx.ai refuses one without.

>>> view = WIRE.request_view("/ml/v1/text/chat_stream", {"model_id": "ibm/granite",
...     "messages": [{"role": "user", "content": "hi"}], "project_id": "p"})
>>> view["model"], view["stream"], view["messages"]
('ibm/granite', True, [{'role': 'user', 'content': 'hi'}])
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ._mock_faults import MockUsageError
from ._mock_replies import Event
from ._mock_replies import Reply
from ._mock_replies import ToolCall
from ._mock_replies import dumps
from ._mock_replies import sse
from ._mock_wire import MockWire
from ._mock_wire import chat_like_view

__all__ = ["WIRE", "watsonx_error", "watsonx_events", "watsonx_json", "watsonx_view"]

_CHAT = "/ml/v1/text/chat"
_STREAM = "/ml/v1/text/chat_stream"


def watsonx_view(path: str, body: dict[str, Any]) -> dict[str, Any]:
    """The chat body as the Chat Completions view the planner reads."""
    if not body.get("project_id") and not body.get("space_id"):
        raise MockUsageError("a watsonx.ai chat body needs project_id or space_id")
    named = {**body, "model": body.get("model_id")}
    view = chat_like_view(named, "a watsonx.ai chat body", _message, stream=path.endswith(_STREAM))
    option = body.get("tool_choice_option")
    choice = body.get("tool_choice")
    if isinstance(choice, dict):
        view["tool_choice"] = choice
    elif option in ("auto", "none", "required"):
        view["tool_choice"] = option
    fmt = body.get("response_format")
    if isinstance(fmt, dict):
        view["response_format"] = fmt
    return view


def _message(message: Any, i: int) -> dict[str, Any]:
    if not isinstance(message, dict) or not isinstance(message.get("role"), str):
        raise MockUsageError(f"messages[{i}] must be an object with a role")
    content = message.get("content")
    if isinstance(content, list):
        content = " ".join(
            str(p.get("text", "")) for p in content if isinstance(p, dict) and p.get("text")
        )
    out: dict[str, Any] = {"role": message["role"], "content": content or ""}
    for key in ("tool_calls", "tool_call_id"):
        if message.get(key) is not None:
            out[key] = message[key]
    return out


def _usage(reply: Reply) -> dict[str, int]:
    return {
        "completion_tokens": reply.output_tokens,
        "prompt_tokens": reply.input_tokens,
        "total_tokens": reply.input_tokens + reply.output_tokens,
    }


def _call(tool: ToolCall, arguments: str) -> dict[str, Any]:
    return {
        "index": 0,
        "id": f"chatcmpl-tool-{tool.name}",
        "type": "function",
        "function": {"name": tool.name, "arguments": arguments},
    }


def _head(reply: Reply, rid: str) -> dict[str, Any]:
    return {"id": rid, "model_id": reply.model, "model": reply.model}


def watsonx_json(reply: Reply, rid: str) -> bytes:
    """A non-stream chat reply."""
    message: dict[str, Any] = {"role": "assistant"}
    if reply.tool is not None:
        message["tool_calls"] = [_call(reply.tool, reply.tool.arguments)]
        finish = "tool_calls"
    else:
        message["content"] = reply.text
        finish = "stop"
    choice = {"index": 0, "message": message, "finish_reason": finish}
    return dumps(
        {
            **_head(reply, rid),
            "choices": [choice],
            "created": 1_700_000_000,
            "model_version": "1.0.0",
            "created_at": "2026-01-01T00:00:00.000Z",
            "usage": _usage(reply),
        }
    )


def _event(obj: Mapping[str, Any]) -> bytes:
    return sse("message", dumps(obj))


def watsonx_events(reply: Reply, rid: str, view: dict[str, Any]) -> list[Event]:
    """The SSE events of a stream, each with whether it carries content."""
    head = _head(reply, rid)

    def chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {**head, "choices": [{"index": 0, "finish_reason": finish, "delta": delta}]}

    events: list[Event] = [(_event(chunk({"role": "assistant", "content": ""})), False)]
    if reply.tool is not None:
        first = True
        for piece in reply.tool.pieces:
            call = _call(reply.tool, piece)
            if not first:  # the name and id go with a call's first delta only
                call = {"index": 0, "function": {"arguments": piece}}
            events.append((_event(chunk({"tool_calls": [call]})), True))
            first = False
        finish = "tool_calls"
    else:
        events.extend((_event(chunk({"content": piece})), True) for piece in reply.pieces)
        finish = "stop"
    last = {**chunk({"content": ""}, finish), "usage": _usage(reply)}
    events.append((_event(last), False))
    return events


def watsonx_error(status: int, type_: str, message: str, code: str | None, rid: str) -> bytes:
    """watsonx.ai's error body."""
    error = {"code": code or type_, "message": message, "more_info": "https://cloud.ibm.com"}
    return dumps({"errors": [error], "trace": rid, "status_code": status})


def _stream_error(type_: str, message: str, code: str | None) -> bytes:
    error = {"code": code or type_, "message": message}
    return sse("error", dumps({"errors": [error], "trace": "mock-trace", "status_code": 500}))


def _needs_token(headers: Mapping[str, str]) -> str | None:
    given = next((v for k, v in headers.items() if k.lower() == "authorization"), "")
    return None if given.startswith("Bearer ") else "a bearer token (Authorization) is required"


WIRE = MockWire(
    name="watsonx",
    match=lambda path: path.endswith((_CHAT, _STREAM)),
    request_view=watsonx_view,
    render_json=watsonx_json,
    render_events=watsonx_events,
    error_body=watsonx_error,
    stream_error=_stream_error,
    request_id_header="x-global-transaction-id",
    check_auth=_needs_token,
)
