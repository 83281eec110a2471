"""The OpenAI Responses API wire of the mock server (private): `POST /v1/responses`.

The request (`input` as a string or items, `instructions`, Responses-shaped function
tools, `tool_choice`, `text.format`) is read as a Chat Completions view for the shared
planning, so echoes, forced tool calls, schema-shaped answers and `MockScript` rules
behave as on every wire. The reply is a `response` object, or the typed SSE events
(`response.created` ... `response.completed`, each with its `sequence_number`). Shapes:
the pydantic-ai Responses cassettes in the shared wire corpus
(`openai_responses_*`) and the `openai` SDK's `types/responses`.
"""

from __future__ import annotations

import time
from typing import Any

from ._mock_faults import MockUsageError
from ._mock_replies import Event
from ._mock_replies import Reply
from ._mock_replies import content_text
from ._mock_replies import dumps
from ._mock_replies import sse
from ._mock_wire import MockWire
from ._mock_wire_openai import openai_error
from ._mock_wire_openai import openai_rate_limit_headers
from ._mock_wire_openai import openai_rate_limited_headers

__all__ = ["WIRE", "request_view", "response_events", "response_object"]


def _message(item: dict[str, Any]) -> dict[str, Any]:
    role = item.get("role")
    role = "system" if role == "developer" else role
    content = item.get("content")
    text = content if isinstance(content, str) else content_text(content)
    if not text and isinstance(content, list):  # an assistant's earlier output_text parts
        text = " ".join(
            part["text"]
            for part in content
            if isinstance(part, dict) and isinstance(part.get("text"), str)
        )
    return {"role": role, "content": text}


def _messages(input_: Any) -> list[dict[str, Any]]:
    if isinstance(input_, str):
        return [{"role": "user", "content": input_}]
    if not isinstance(input_, list):
        raise MockUsageError("'input' must be a string or a list of items")
    messages: list[dict[str, Any]] = []
    for item in input_:
        if not isinstance(item, dict):
            raise MockUsageError("each 'input' item must be an object")
        kind = item.get("type", "message")
        if kind == "message" and isinstance(item.get("role"), str):
            messages.append(_message(item))
        elif kind == "function_call":
            function = {"name": item.get("name"), "arguments": item.get("arguments", "")}
            call = {"id": item.get("call_id"), "type": "function", "function": function}
            messages.append({"role": "assistant", "content": None, "tool_calls": [call]})
        elif kind == "function_call_output":
            output = item.get("output")
            text = output if isinstance(output, str) else content_text(output)
            messages.append({"role": "tool", "tool_call_id": item.get("call_id"), "content": text})
        # reasoning items and built-in tools' output items carry nothing to plan from
    return messages


def _tools(tools: Any) -> list[dict[str, Any]]:
    found = []
    for tool in tools if isinstance(tools, list) else []:
        if isinstance(tool, dict) and tool.get("type") == "function":  # built-ins are skipped
            spec = {"name": tool.get("name"), "parameters": tool.get("parameters") or {}}
            found.append({"type": "function", "function": spec})
    return found


def _tool_choice(choice: Any) -> Any:
    if isinstance(choice, dict) and choice.get("type") == "function":
        return {"type": "function", "function": {"name": choice.get("name")}}
    return choice


def request_view(path: str, body: dict[str, Any]) -> dict[str, Any]:
    """A Responses request as a Chat Completions body (for planning and scripts).

    >>> request_view("/v1/responses", {"model": "m", "input": "hi", "instructions": "be brief"})
    ... # doctest: +NORMALIZE_WHITESPACE
    {'model': 'm', 'messages': [{'role': 'system', 'content': 'be brief'},
     {'role': 'user', 'content': 'hi'}], 'stream': False}
    """
    if "input" not in body:
        raise MockUsageError("the body must be a JSON object with an 'input'")
    messages = _messages(body["input"])
    instructions = body.get("instructions")
    if isinstance(instructions, str) and instructions:
        messages.insert(0, {"role": "system", "content": instructions})
    view: dict[str, Any] = {"model": body.get("model"), "messages": messages}
    if body.get("tools"):
        view["tools"] = _tools(body["tools"])
    if "tool_choice" in body:
        view["tool_choice"] = _tool_choice(body["tool_choice"])
    text = body.get("text")
    fmt = text.get("format") if isinstance(text, dict) else None
    if isinstance(fmt, dict) and fmt.get("type") == "json_schema":
        inner = {"name": fmt.get("name"), "schema": fmt.get("schema")}
        view["response_format"] = {"type": "json_schema", "json_schema": inner}
    elif isinstance(fmt, dict) and fmt.get("type") == "json_object":
        view["response_format"] = {"type": "json_object"}
    view["stream"] = body.get("stream") is True
    return view


# ---------------------------------------------------------------- rendering


def _usage(reply: Reply) -> dict[str, Any]:
    return {
        "input_tokens": reply.input_tokens,
        "input_tokens_details": {"cached_tokens": 0},
        "output_tokens": reply.output_tokens,
        "output_tokens_details": {"reasoning_tokens": 0},
        "total_tokens": reply.input_tokens + reply.output_tokens,
    }


def _item(reply: Reply, rid: str, done: bool) -> dict[str, Any]:
    status = "completed" if done else "in_progress"
    if reply.tool is not None:
        arguments = reply.tool.arguments if done else ""
        return {
            "id": "fc_" + rid,
            "type": "function_call",
            "status": status,
            "arguments": arguments,
            "call_id": "call_" + rid,
            "name": reply.tool.name,
        }
    content = [_part(reply.text)] if done else []
    item = {"id": "msg_" + rid, "type": "message", "status": status, "content": content}
    return {**item, "role": "assistant"}


def _part(text: str) -> dict[str, Any]:
    return {"type": "output_text", "annotations": [], "logprobs": [], "text": text}


def response_object(reply: Reply, rid: str, created: int, *, done: bool) -> dict[str, Any]:
    """The `response` object: in progress (no output yet) or finished."""
    status = ("incomplete" if reply.filtered else "completed") if done else "in_progress"
    incomplete = {"reason": "content_filter"} if done and reply.filtered else None
    return {
        "id": "resp_" + rid,
        "object": "response",
        "created_at": created,
        "status": status,
        "background": False,
        "error": None,
        "incomplete_details": incomplete,
        "instructions": None,
        "max_output_tokens": None,
        "max_tool_calls": None,
        "model": reply.model,
        "output": [_item(reply, rid, True)] if done else [],
        "parallel_tool_calls": True,
        "previous_response_id": None,
        "prompt_cache_key": None,
        "reasoning": {"effort": None, "summary": None},
        "safety_identifier": None,
        "service_tier": "default",
        "store": True,
        "temperature": 1.0,
        "text": {"format": {"type": "text"}, "verbosity": "medium"},
        "tool_choice": "auto",
        "tools": [],
        "top_logprobs": 0,
        "top_p": 1.0,
        "truncation": "disabled",
        "usage": _usage(reply) if done else None,
        "user": None,
        "metadata": {},
    }


def _format_echoed(view: dict[str, Any]) -> dict[str, Any]:
    """The request's `text.format` as the API echoes it in a finished response (a JSON
    schema by its name and schema, JSON mode, else plain text)."""
    asked = view.get("response_format")
    if not isinstance(asked, dict):
        return {"type": "text"}
    if asked.get("type") == "json_schema":
        inner = asked.get("json_schema") or {}
        return {"type": "json_schema", "name": inner.get("name"), "schema": inner.get("schema")}
    return {"type": asked.get("type")}


def _finished(reply: Reply, rid: str, created: int, view: dict[str, Any]) -> dict[str, Any]:
    """The finished response, echoing the request's `text.format` as the API does."""
    done = response_object(reply, rid, created, done=True)
    done["text"] = {**done["text"], "format": _format_echoed(view)}
    return done


def _render_json(reply: Reply, rid: str, view: dict[str, Any]) -> bytes:
    return dumps(_finished(reply, rid, int(time.time()), view))


def response_events(reply: Reply, rid: str, view: dict[str, Any]) -> list[Event]:
    """The typed events of a Responses stream, `response.created` to `response.completed`
    (`response.incomplete` for a content-filtered reply)."""
    created = int(time.time())
    frames: list[tuple[str, dict[str, Any], bool]] = []

    def add(kind: str, is_delta: bool = False, **fields: Any) -> None:
        frames.append((kind, fields, is_delta))

    start = response_object(reply, rid, created, done=False)
    add("response.created", response=start)
    add("response.in_progress", response=start)
    add("response.output_item.added", output_index=0, item=_item(reply, rid, False))
    where: dict[str, Any] = {"item_id": ("fc_" if reply.tool else "msg_") + rid, "output_index": 0}
    if reply.tool is not None:
        for piece in reply.tool.pieces:
            add("response.function_call_arguments.delta", True, **where, delta=piece)
        add("response.function_call_arguments.done", **where, arguments=reply.tool.arguments)
    else:
        text_at = {**where, "content_index": 0}
        add("response.content_part.added", **text_at, part=_part(""))
        for piece in reply.pieces:
            add("response.output_text.delta", True, **text_at, delta=piece, logprobs=[])
        add("response.output_text.done", **text_at, text=reply.text, logprobs=[])
        add("response.content_part.done", **text_at, part=_part(reply.text))
    add("response.output_item.done", output_index=0, item=_item(reply, rid, True))
    final = _finished(reply, rid, created, view)
    add("response.incomplete" if reply.filtered else "response.completed", response=final)
    return [
        (sse(kind, dumps({"type": kind, "sequence_number": n, **fields})), is_delta)
        for n, (kind, fields, is_delta) in enumerate(frames)
    ]


def _stream_error(type_: str, message: str, code: str | None) -> bytes:
    # The Responses API's in-stream `error` event (ResponseErrorEvent).
    error = {"type": "error", "code": code or type_, "message": message, "param": None}
    return sse("error", dumps(error))


def _stream_failed(reply: Reply, rid: str, type_: str, message: str, code: str | None) -> bytes:
    # After the `error` event, the response itself ends as failed, with the same error.
    response = response_object(reply, rid, int(time.time()), done=False)
    response.update(status="failed", error={"code": code or type_, "message": message})
    return sse("response.failed", dumps({"type": "response.failed", "response": response}))


WIRE = MockWire(
    name="responses",
    match=lambda path: path.endswith("/responses"),
    request_view=request_view,
    render_json=lambda reply, rid: _render_json(reply, rid, {}),
    render_json_asked=_render_json,
    render_events=response_events,
    # `{"error": {"message", "type", "param", "code"}}`: the Chat Completions shape.
    error_body=lambda status, type_, message, code, request_id: openai_error(message, type_, code),
    stream_error=_stream_error,
    rate_limit_headers=openai_rate_limit_headers,
    rate_limited_headers=openai_rate_limited_headers,
    stream_failed=_stream_failed,
    general=True,  # any path ending in /responses
)
