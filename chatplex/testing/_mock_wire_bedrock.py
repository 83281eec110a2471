"""The mock server's Bedrock Converse wire (private): `POST /model/{modelId}/converse`
and `/model/{modelId}/converse-stream` (InvokeModel is `_mock_wire_bedrock_invoke.py`;
AWS's framing, errors and auth check, which both share, `_mock_aws.py`).

Requests are read as Converse bodies (the model id from the path, URL-decoded), planned
as every wire's (`request_view` gives the Chat Completions view), and answered in
Converse's shapes: a JSON reply, or a stream of AWS event-stream binary messages with
the events of `converse-stream`. A request must carry a SigV4 `Authorization` header (or
a Bearer Bedrock API key): the mock checks that one is present, not that it is valid.

CountTokens (`POST /model/{modelId}/count-tokens`: `count_reply`, the Converse wire's
side reply) answers `{"inputTokens": N}` for a Converse input or an InvokeModel
(Anthropic) body (a blob: base64), N as a reply to the same messages and system would
report it.
"""

from __future__ import annotations

import base64
import json
from typing import Any
from urllib.parse import quote

from ._mock_aws import EVENT_STREAM
from ._mock_aws import MODEL_PREFIX
from ._mock_aws import check_auth
from ._mock_aws import error_body
from ._mock_aws import event_message
from ._mock_aws import model_path
from ._mock_aws import stream_error
from ._mock_faults import MockUsageError
from ._mock_replies import Event
from ._mock_replies import Reply
from ._mock_replies import ToolCall
from ._mock_replies import dumps
from ._mock_replies import prompt_tokens
from ._mock_replies import tool_call_id
from ._mock_wire import MockWire

__all__ = [
    "WIRE",
    "count_reply",
    "count_view",
    "render_events",
    "render_json",
    "request_view",
]

#: The (reply, stream) actions after `/model/{modelId}`.
_ACTIONS = ("/converse", "/converse-stream")


def match(path: str) -> bool:
    return model_path(path, _ACTIONS) is not None or _counted_model(path) is not None


def _text(blocks: Any) -> str:
    if not isinstance(blocks, list):
        return ""
    return " ".join(
        b["text"] for b in blocks if isinstance(b, dict) and isinstance(b.get("text"), str)
    )


def request_view(path: str, body: dict[str, Any]) -> dict[str, Any]:
    """The Converse body as a Chat Completions view for planning."""
    where = model_path(path, _ACTIONS)
    if where is None:
        raise MockUsageError(f"not a Converse path: {path}")
    model, stream = where
    turns = body.get("messages")
    if not isinstance(turns, list) or not turns:
        raise MockUsageError("a Converse body needs a non-empty 'messages' list")
    messages: list[dict[str, Any]] = []
    system = _text(body.get("system"))
    if system:
        messages.append({"role": "system", "content": system})
    for turn in turns:
        if not isinstance(turn, dict) or turn.get("role") not in ("user", "assistant"):
            raise MockUsageError("each Converse message needs role 'user' or 'assistant'")
        content = turn.get("content")
        if not isinstance(content, list):
            raise MockUsageError("a Converse message's content must be a list of blocks")
        calls = []
        for block in content:
            use = block.get("toolUse") if isinstance(block, dict) else None
            result = block.get("toolResult") if isinstance(block, dict) else None
            if isinstance(use, dict):
                args = dumps(use.get("input") or {}).decode()
                function = {"name": use.get("name"), "arguments": args}
                calls.append({"id": use.get("toolUseId"), "type": "function", "function": function})
            elif isinstance(result, dict):
                messages.append(
                    {
                        "role": "tool",
                        "tool_call_id": result.get("toolUseId"),
                        "content": _text(result.get("content")),
                    }
                )
        text = _text(content)
        if text or calls:
            message: dict[str, Any] = {"role": turn["role"], "content": text}
            if calls:
                message["tool_calls"] = calls
            messages.append(message)
    view: dict[str, Any] = {"model": model, "messages": messages, "stream": stream}
    schema = _output_schema(body.get("outputConfig"))
    if schema is not None:
        view["response_format"] = {"type": "json_schema", "json_schema": {"schema": schema}}
    config = body.get("toolConfig")
    if isinstance(config, dict):
        view["tools"] = [
            {
                "type": "function",
                "function": {
                    "name": spec.get("name"),
                    "description": spec.get("description", ""),
                    "parameters": (spec.get("inputSchema") or {}).get("json") or {},
                },
            }
            for tool in config.get("tools") or ()
            if isinstance(tool, dict) and isinstance(spec := tool.get("toolSpec"), dict)
        ]
        choice = config.get("toolChoice")
        if isinstance(choice, dict):
            if "any" in choice:
                view["tool_choice"] = "required"
            elif isinstance(choice.get("tool"), dict):
                name = choice["tool"].get("name")
                view["tool_choice"] = {"type": "function", "function": {"name": name}}
            else:
                view["tool_choice"] = "auto"
    return view


def _output_schema(config: Any) -> dict[str, Any] | None:
    """The JSON schema of native structured output (`outputConfig.textFormat`)."""
    try:
        raw = config["textFormat"]["structure"]["jsonSchema"]["schema"]
        schema = json.loads(raw) if isinstance(raw, str) else raw
    except (KeyError, TypeError, ValueError):
        return None
    return schema if isinstance(schema, dict) else None


def _usage(reply: Reply) -> dict[str, int]:
    usage = {
        "inputTokens": reply.input_tokens,
        "outputTokens": reply.output_tokens,
        "totalTokens": reply.input_tokens + reply.output_tokens,
    }
    if reply.cached_tokens:  # beside inputTokens, in the total; named only when read
        usage["cacheReadInputTokens"] = reply.cached_tokens
        usage["totalTokens"] += reply.cached_tokens
    return usage


def render_json(reply: Reply, rid: str) -> bytes:
    """A non-stream Converse reply."""
    if reply.tool is None:
        content: list[dict[str, Any]] = [{"text": reply.text}]
        stop = "end_turn"
    else:
        content = [
            {
                "toolUse": {
                    "toolUseId": tool_call_id("tooluse_", rid, k),
                    "name": t.name,
                    "input": t.input,
                }
            }
            for k, t in enumerate(reply.tools)
        ]
        stop = "tool_use"
    return dumps(
        {
            "output": {"message": {"role": "assistant", "content": content}},
            "stopReason": "max_tokens" if reply.cut else stop,
            "usage": _usage(reply),
            "metrics": {"latencyMs": 1},
        }
    )


def render_events(reply: Reply, rid: str, view: dict[str, Any]) -> list[Event]:
    """The messages of a `converse-stream` body, from messageStart to metadata."""
    events: list[Event] = [(event_message("messageStart", {"role": "assistant"}), False)]
    if reply.tool is None:
        deltas = [{"contentBlockIndex": 0, "delta": {"text": p}} for p in reply.pieces]
        events.extend((event_message("contentBlockDelta", delta), True) for delta in deltas)
        events.append((event_message("contentBlockStop", {"contentBlockIndex": 0}), False))
        stop = "end_turn"
    else:
        for k, tool in enumerate(reply.tools):
            events.extend(_tool_block_events(tool, tool_call_id("tooluse_", rid, k), k))
        stop = "tool_use"
    stop = "max_tokens" if reply.cut else stop
    events.append((event_message("messageStop", {"stopReason": stop}), False))
    metadata = {"usage": _usage(reply), "metrics": {"latencyMs": 1}}
    events.append((event_message("metadata", metadata), False))
    return events


def _tool_block_events(tool: ToolCall, tool_use_id: str, index: int) -> list[Event]:
    """One toolUse content block of a stream: its start, its input's fragments, its stop."""
    start = {"toolUse": {"toolUseId": tool_use_id, "name": tool.name}}
    events = [
        (event_message("contentBlockStart", {"contentBlockIndex": index, "start": start}), False)
    ]
    events.extend(
        (
            event_message(
                "contentBlockDelta",
                {"contentBlockIndex": index, "delta": {"toolUse": {"input": p}}},
            ),
            True,
        )
        for p in tool.pieces
    )
    events.append((event_message("contentBlockStop", {"contentBlockIndex": index}), False))
    return events


# ---- CountTokens -------------------------------------------------------------------------

_COUNT = "/count-tokens"
#: Bedrock's ValidationException for a Converse input whose first turn is not the user's.
_USER_FIRST = (
    "A conversation must start with a user message. Try again with a conversation that "
    "starts with a user message."
)


def _counted_model(path: str) -> str | None:
    """The model id of a `/model/{modelId}/count-tokens` path (None: another path)."""
    found = model_path(path, (_COUNT, _COUNT))  # one action, no stream of its own
    return None if found is None else found[0]


def count_view(path: str, body: dict[str, Any]) -> dict[str, Any]:
    """What a CountTokens body counts, as a Chat Completions view: its Converse input as
    Converse's view, or its InvokeModel body's messages and system as they are."""
    model = _counted_model(path)
    if model is None:
        raise MockUsageError(f"not a CountTokens path: {path}")
    given = body.get("input")
    converse = given.get("converse") if isinstance(given, dict) else None
    invoke = given.get("invokeModel") if isinstance(given, dict) else None
    if isinstance(converse, dict):
        turns = converse.get("messages")
        first = turns[0] if isinstance(turns, list) and turns else None
        if isinstance(first, dict) and first.get("role") != "user":
            raise MockUsageError(_USER_FIRST)  # as Bedrock validates the input
        view = request_view(f"{MODEL_PREFIX}{quote(model, safe='')}/converse", converse)
    elif isinstance(invoke, dict) and isinstance(invoke.get("body"), str):
        try:  # a blob: base64 on the wire, as botocore sends it
            sent = json.loads(base64.b64decode(invoke["body"], validate=True))
        except ValueError as exc:
            raise MockUsageError(f"the invokeModel body is not base64 JSON: {exc}") from None
        if not isinstance(sent, dict) or not isinstance(sent.get("messages"), list):
            raise MockUsageError("the invokeModel body needs a 'messages' list")
        view = {"model": model, "messages": sent["messages"], "system": sent.get("system")}
    else:
        raise MockUsageError("a CountTokens body needs input.converse or input.invokeModel.body")
    return {**view, "stream": False}


def count_reply(path: str, body: dict[str, Any]) -> bytes | None:
    """CountTokens' reply, `{"inputTokens": N}` (None for a chat's path): N as a reply to
    the same messages and system reports it."""
    if _counted_model(path) is None:
        return None
    return dumps({"inputTokens": prompt_tokens(count_view(path, body))})


WIRE = MockWire(
    name="bedrock",
    match=match,
    request_view=request_view,
    render_json=render_json,
    render_events=render_events,
    error_body=error_body,
    stream_error=stream_error,
    request_id_header="x-amzn-requestid",
    stream_content_type=EVENT_STREAM,
    check_auth=check_auth,
    side_reply=count_reply,
)
