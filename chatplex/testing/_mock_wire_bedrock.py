"""The mock server's Bedrock wires (private): Converse (`POST /model/{modelId}/converse`
and `/model/{modelId}/converse-stream`), and InvokeModel for Anthropic bodies
(`/model/{modelId}/invoke` and `/invoke-with-response-stream`: `INVOKE_WIRE`).

Requests are read as Converse bodies (the model id from the path, URL-decoded), planned
as every wire's (`request_view` gives the Chat Completions view), and answered in
Converse's shapes: a JSON reply, or a stream of AWS event-stream binary messages
(`encode_message`: prelude, headers, payload, CRC32s) with the events of
`converse-stream`. Errors carry Bedrock's exception name in `__type` (what clients read
when the `x-amzn-errortype` header is absent).

CountTokens (`POST /model/{modelId}/count-tokens`: `count_reply`, the Converse wire's
side reply) answers `{"inputTokens": N}` for a Converse input or an InvokeModel
(Anthropic) body (a blob: base64), N as a reply to the same messages and system would
report it.

InvokeModel bodies are Anthropic's Messages requests, planned natively (the Anthropic
dialect, as the Messages wire's); the reply is Anthropic's message JSON with Bedrock's
`x-amzn-bedrock-*-token-count` headers, the stream Anthropic's events each in an
event-stream `chunk` message (`{"bytes": base64 JSON}`), `message_stop` carrying
`amazon-bedrock-invocationMetrics`. The other families langchain-aws's `ChatBedrock`
serves (Meta Llama, Mistral, Amazon Titan, DeepSeek: a prompt; OpenAI gpt-oss and Qwen:
Chat Completions messages) are answered in their own shapes, chosen by the model id in
the path (`_FAMILY_WIRES`): the last user turn of the prompt is what is planned (echoed),
the reply is the family's JSON, the stream its events, the last one with the stop
reason and `amazon-bedrock-invocationMetrics`. A request must carry a SigV4
`Authorization` header (or a Bearer Bedrock API key): the mock checks that one is
present, not that it is valid.
"""

from __future__ import annotations

import base64
import dataclasses
import json
import struct
import zlib
from collections.abc import Callable
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote
from urllib.parse import unquote

from ._mock_faults import MockUsageError
from ._mock_replies import ANTHROPIC
from ._mock_replies import Event
from ._mock_replies import Reply
from ._mock_replies import dumps
from ._mock_replies import prompt_tokens
from ._mock_wire import MockWire
from ._mock_wire_anthropic import anthropic_events
from ._mock_wire_anthropic import anthropic_json
from ._mock_wire_openai import chat_completions_usage

__all__ = [
    "EVENT_STREAM",
    "INVOKE_WIRE",
    "WIRE",
    "check_auth",
    "count_reply",
    "encode_message",
    "error_body",
    "render_events",
    "render_json",
    "request_view",
    "stream_error",
]

EVENT_STREAM = "application/vnd.amazon.eventstream"
_PREFIX = "/model/"
#: The (reply, stream) actions after `/model/{modelId}`: Converse's, InvokeModel's.
_ACTIONS = ("/converse", "/converse-stream")
_INVOKE_ACTIONS = ("/invoke", "/invoke-with-response-stream")
#: Chat Completions error types (what the core passes) → Bedrock's exception names.
_EXCEPTIONS = {
    "rate_limit_exceeded": "ThrottlingException",
    "rate_limit_error": "ThrottlingException",
    "insufficient_quota": "ServiceQuotaExceededException",
    "invalid_request_error": "ValidationException",
    "authentication_error": "UnrecognizedClientException",
    "permission_error": "AccessDeniedException",
    "not_found_error": "ResourceNotFoundException",
    "overloaded_error": "ServiceUnavailableException",
    "server_error": "InternalServerException",
    "api_error": "InternalServerException",
}


def _split(path: str, actions: tuple[str, str]) -> tuple[str, bool] | None:
    """(model id, stream) of a `/model/{modelId}{action}` path, `actions` an API's
    (reply, stream) pair (`_ACTIONS`, `_INVOKE_ACTIONS`); None for another path."""
    if not path.startswith(_PREFIX):
        return None
    for action in actions:
        if path.endswith(action):
            model = path[len(_PREFIX) : -len(action)]
            if model and "/" not in model:
                return unquote(model), action == actions[1]
    return None


def match(path: str) -> bool:
    return _split(path, _ACTIONS) is not None or _counted_model(path) is not None


def _text(blocks: Any) -> str:
    if not isinstance(blocks, list):
        return ""
    return " ".join(
        b["text"] for b in blocks if isinstance(b, dict) and isinstance(b.get("text"), str)
    )


def request_view(path: str, body: dict[str, Any]) -> dict[str, Any]:
    """The Converse body as a Chat Completions view for planning."""
    where = _split(path, _ACTIONS)
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
    return {
        "inputTokens": reply.input_tokens,
        "outputTokens": reply.output_tokens,
        "totalTokens": reply.input_tokens + reply.output_tokens,
    }


def render_json(reply: Reply, rid: str) -> bytes:
    """A non-stream Converse reply."""
    if reply.tool is None:
        content: list[dict[str, Any]] = [{"text": reply.text}]
        stop = "end_turn"
    else:
        tool = reply.tool
        content = [
            {"toolUse": {"toolUseId": "tooluse_" + rid, "name": tool.name, "input": tool.input}}
        ]
        stop = "tool_use"
    return dumps(
        {
            "output": {"message": {"role": "assistant", "content": content}},
            "stopReason": stop,
            "usage": _usage(reply),
            "metrics": {"latencyMs": 1},
        }
    )


_PRELUDE = struct.Struct(">II")
_U32 = struct.Struct(">I")


def encode_message(headers: Mapping[str, str], payload: bytes) -> bytes:
    """One AWS event-stream message with string headers (type 7)."""
    block = bytearray()
    for name, value in headers.items():
        raw_name, raw_value = name.encode(), value.encode()
        block += bytes([len(raw_name)]) + raw_name + b"\x07" + struct.pack(">H", len(raw_value))
        block += raw_value
    total = 12 + len(block) + len(payload) + 4
    prelude = _PRELUDE.pack(total, len(block))
    message = prelude + _U32.pack(zlib.crc32(prelude)) + bytes(block) + payload
    return message + _U32.pack(zlib.crc32(message))


def _event(kind: str, payload: dict[str, Any]) -> bytes:
    headers = {":event-type": kind, ":content-type": "application/json", ":message-type": "event"}
    return encode_message(headers, dumps(payload))


def render_events(reply: Reply, rid: str, view: dict[str, Any]) -> list[Event]:
    """The messages of a `converse-stream` body, from messageStart to metadata."""
    events: list[Event] = [(_event("messageStart", {"role": "assistant"}), False)]
    if reply.tool is None:
        deltas = [{"contentBlockIndex": 0, "delta": {"text": p}} for p in reply.pieces]
        stop = "end_turn"
    else:
        tool = reply.tool
        start = {"toolUse": {"toolUseId": "tooluse_" + rid, "name": tool.name}}
        events.append(
            (_event("contentBlockStart", {"contentBlockIndex": 0, "start": start}), False)
        )
        deltas = [{"contentBlockIndex": 0, "delta": {"toolUse": {"input": p}}} for p in tool.pieces]
        stop = "tool_use"
    events.extend((_event("contentBlockDelta", delta), True) for delta in deltas)
    events.append((_event("contentBlockStop", {"contentBlockIndex": 0}), False))
    events.append((_event("messageStop", {"stopReason": stop}), False))
    metadata = {"usage": _usage(reply), "metrics": {"latencyMs": 1}}
    events.append((_event("metadata", metadata), False))
    return events


_BY_STATUS = {
    400: "ValidationException",
    401: "UnrecognizedClientException",
    403: "AccessDeniedException",
    404: "ResourceNotFoundException",
    408: "ModelTimeoutException",
    424: "ModelErrorException",
    429: "ThrottlingException",
    500: "InternalServerException",
    503: "ServiceUnavailableException",
    529: "ServiceUnavailableException",
}


def _exception_name(status: int | None, type_: str, code: str | None) -> str:
    """Bedrock's exception name: one given as such (`x-mock-fault: ...;type=
    ModelNotReadyException`), else the status's, else the Chat Completions type's."""
    for given in (code, type_):
        if given and given.endswith("Exception"):
            return given
    by_status = _BY_STATUS.get(status or 0)
    if by_status:
        return by_status
    return _EXCEPTIONS.get(code or "") or _EXCEPTIONS.get(type_) or "InternalServerException"


def error_body(status: int, type_: str, message: str, code: str | None, request_id: str) -> bytes:
    """An error reply: `{"message": ..., "__type": "<namespace>#<Exception>"}`."""
    name = _exception_name(status, type_, code)
    return dumps({"message": message, "__type": f"com.amazon.coral.service#{name}"})


def stream_error(type_: str, message: str, code: str | None) -> bytes:
    """An exception message mid-stream (`:message-type: exception`)."""
    name = _exception_name(None, type_, code)
    headers = {
        ":exception-type": name[:1].lower() + name[1:],
        ":content-type": "application/json",
        ":message-type": "exception",
    }
    return encode_message(headers, dumps({"message": message}))


def check_auth(headers: Mapping[str, str]) -> str | None:
    """Why a request is refused: no SigV4 `Authorization` header (nor a Bearer key)."""
    value = next((v for k, v in headers.items() if k.lower() == "authorization"), None)
    if value is None:
        return "Missing Authentication Token: the request is not signed (SigV4)"
    if not value.startswith(("AWS4-HMAC-SHA256 ", "Bearer ")):
        return "the Authorization header is not a SigV4 signature nor a Bedrock API key"
    return None


# ---- CountTokens -------------------------------------------------------------------------

_COUNT = "/count-tokens"
#: Bedrock's ValidationException for a Converse input whose first turn is not the user's.
_USER_FIRST = (
    "A conversation must start with a user message. Try again with a conversation that "
    "starts with a user message."
)


def _counted_model(path: str) -> str | None:
    """The model id of a `/model/{modelId}/count-tokens` path (None: another path)."""
    if path.startswith(_PREFIX) and path.endswith(_COUNT):
        model = path[len(_PREFIX) : -len(_COUNT)]
        if model and "/" not in model:
            return unquote(model)
    return None


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
        view = request_view(f"{_PREFIX}{quote(model, safe='')}/converse", converse)
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


# ---- InvokeModel, Anthropic bodies -------------------------------------------------------

#: Regional prefixes of cross-region inference profiles (`us.meta.llama...`).
_GEO_PREFIXES = frozenset({"eu", "us", "us-gov", "apac", "sa", "amer", "global", "jp", "au"})


def _family(model: str) -> str:
    """The provider of a Bedrock model id (a regional profile's second part)."""
    parts = model.split(".", maxsplit=2)
    if len(parts) > 1 and parts[0].lower() in _GEO_PREFIXES:
        return parts[1]
    return parts[0]


#: Each prompt template's user turn: (its opening, its end).
_USER_TURNS = (
    ("<|start_header_id|>user<|end_header_id|>", "<|eot_id|>"),  # Llama 3
    ("<|header_start|>user<|header_end|>", "<|eot|>"),  # Llama 4
    ("[INST] ", " [/INST]"),  # Llama 2, Mistral
    ("\n\nUser: ", "\n\nBot:"),  # Titan
    ("<|User|>", "<|Assistant|>"),  # DeepSeek
)


def _last_user_turn(prompt: str) -> str:
    """The text of a prompt's last user turn (the whole prompt if no template matches)."""
    found = [(prompt.rfind(start), start, end) for start, end in _USER_TURNS]
    at, start, end = max(found)
    if at < 0:
        return prompt
    text = prompt[at + len(start) :]
    return text.split(end, 1)[0]


def _chat_turns(messages: Any) -> list[dict[str, Any]]:
    """Chat Completions messages as the Anthropic dialect's turns (their text)."""
    if not isinstance(messages, list) or not messages:
        raise MockUsageError("an OpenAI or Qwen InvokeModel body needs a 'messages' list")
    turns = []
    for message in messages:
        content = message.get("content") if isinstance(message, dict) else None
        if isinstance(content, list):
            content = " ".join(str(b.get("text", "")) for b in content if isinstance(b, dict))
        role = "assistant" if message.get("role") == "assistant" else "user"
        turns.append({"role": role, "content": content or ""})
    return turns


def _prompt_view(family: str, body: dict[str, Any]) -> dict[str, Any]:
    """A prompt family's body as the Anthropic dialect plans it: its last user turn."""
    if family in ("openai", "qwen"):
        return {"messages": _chat_turns(body.get("messages"))}
    key = "inputText" if family == "amazon" else "prompt"
    prompt = body.get(key)
    if not isinstance(prompt, str) or not prompt:
        raise MockUsageError(f"a {family} InvokeModel body needs a '{key}' string")
    return {"messages": [{"role": "user", "content": _last_user_turn(prompt)}]}


def invoke_view(path: str, body: dict[str, Any]) -> dict[str, Any]:
    """An InvokeModel body as the Anthropic dialect plans it, its model and stream from
    the path: Anthropic's as it is, another family's by its last user turn."""
    where = _split(path, _INVOKE_ACTIONS)
    if where is None:
        raise MockUsageError(f"not an InvokeModel path: {path}")
    family = _family(where[0])
    if family in _FAMILY_WIRES:
        return {**_prompt_view(family, body), "model": where[0], "stream": where[1]}
    if not isinstance(body.get("messages"), list) or not body["messages"]:
        raise MockUsageError("an InvokeModel body (Anthropic's) needs a 'messages' list")
    if body.get("anthropic_version") != "bedrock-2023-05-31":
        raise MockUsageError(
            "an Anthropic InvokeModel body needs anthropic_version 'bedrock-2023-05-31'"
        )
    model, stream = where
    return {**body, "model": model, "stream": stream}


def invoke_headers(reply: Reply) -> list[tuple[str, str]]:
    """Bedrock's token counts of a non-stream InvokeModel reply."""
    return [
        ("x-amzn-bedrock-input-token-count", str(reply.input_tokens)),
        ("x-amzn-bedrock-output-token-count", str(reply.output_tokens)),
        ("x-amzn-bedrock-invocation-latency", "1"),
    ]


def _sse_payload(frame: bytes) -> bytes:
    """The JSON of one SSE frame (`event: ...\ndata: {...}\n\n`)."""
    for line in frame.split(b"\n"):
        if line.startswith(b"data:"):
            return line[5:].strip()
    return b"{}"


def _chunk(payload: bytes) -> bytes:
    headers = {
        ":event-type": "chunk",
        ":content-type": "application/json",
        ":message-type": "event",
    }
    return encode_message(headers, dumps({"bytes": base64.b64encode(payload).decode()}))


def invoke_events(reply: Reply, rid: str, view: dict[str, Any]) -> list[Event]:
    """Anthropic's stream events, each in a `chunk` message; `message_stop` with Bedrock's
    invocation metrics (Bedrock sends no `ping`)."""
    events: list[Event] = []
    for frame, is_delta in anthropic_events(reply, rid):
        data = json.loads(_sse_payload(frame))
        if data.get("type") == "ping":
            continue
        if data.get("type") == "message_stop":
            data["amazon-bedrock-invocationMetrics"] = {
                "inputTokenCount": reply.input_tokens,
                "outputTokenCount": reply.output_tokens,
                "invocationLatency": 1,
                "firstByteLatency": 1,
            }
        events.append((_chunk(dumps(data)), is_delta))
    return events


# ---- the other families' replies and events ----------------------------------------------

FamilyReply = Callable[[Reply, str], dict[str, Any]]
#: (piece, its position, the reply, the stop reason or None) -> one stream event.
FamilyEvent = Callable[[str, int, Reply, "str | None"], dict[str, Any]]


def _meta_reply(reply: Reply, stop: str) -> dict[str, Any]:
    return {
        "generation": reply.text,
        "prompt_token_count": reply.input_tokens,
        "generation_token_count": reply.output_tokens,
        "stop_reason": stop,
    }


def _meta_event(piece: str, i: int, reply: Reply, stop: str | None) -> dict[str, Any]:
    return {
        "generation": piece,
        "prompt_token_count": reply.input_tokens if i == 0 else None,
        "generation_token_count": i + 1,
        "stop_reason": stop,
    }


def _titan_reply(reply: Reply, stop: str) -> dict[str, Any]:
    result = {"tokenCount": reply.output_tokens, "outputText": reply.text, "completionReason": stop}
    return {"inputTextTokenCount": reply.input_tokens, "results": [result]}


def _titan_event(piece: str, i: int, reply: Reply, stop: str | None) -> dict[str, Any]:
    return {
        "outputText": piece,
        "index": 0,
        "totalOutputTextTokenCount": i + 1,
        "completionReason": stop,
        "inputTextTokenCount": reply.input_tokens if i == 0 else None,
    }


def _chat_reply(reply: Reply, stop: str) -> dict[str, Any]:
    message = {"role": "assistant", "content": reply.text}
    return {
        "id": "chatcmpl-mock",
        "object": "chat.completion",
        "model": reply.model,
        "choices": [{"index": 0, "message": message, "finish_reason": stop}],
        "usage": chat_completions_usage(reply),
    }


def _chat_event(piece: str, i: int, reply: Reply, stop: str | None) -> dict[str, Any]:
    delta = {"role": "assistant", "content": piece} if i == 0 else {"content": piece}
    choice = {"index": 0, "delta": delta, "finish_reason": stop}
    return {"id": "chatcmpl-mock", "object": "chat.completion.chunk", "choices": [choice]}


#: Family -> (its reply, one stream event, its stop reason), as Bedrock sends them.
_FAMILY_WIRES: dict[str, tuple[FamilyReply, FamilyEvent, str]] = {
    "meta": (_meta_reply, _meta_event, "stop"),
    "mistral": (
        lambda reply, stop: {"outputs": [{"text": reply.text, "stop_reason": stop}]},
        lambda piece, i, reply, stop: {"outputs": [{"text": piece, "stop_reason": stop}]},
        "stop",
    ),
    "amazon": (_titan_reply, _titan_event, "FINISH"),
    "deepseek": (
        lambda reply, stop: {"choices": [{"text": reply.text, "stop_reason": stop}]},
        lambda piece, i, reply, stop: {"choices": [{"text": piece, "stop_reason": stop}]},
        "stop",
    ),
    "openai": (_chat_reply, _chat_event, "stop"),
    "qwen": (_chat_reply, _chat_event, "stop"),
}


def _metrics(reply: Reply) -> dict[str, int]:
    return {
        "inputTokenCount": reply.input_tokens,
        "outputTokenCount": reply.output_tokens,
        "invocationLatency": 1,
        "firstByteLatency": 1,
    }


def invoke_json(reply: Reply, rid: str) -> bytes:
    """A non-stream InvokeModel reply in the shape of the model's family."""
    wire = _FAMILY_WIRES.get(_family(reply.model))
    if wire is None:
        return anthropic_json(reply, rid)
    render, _, stop = wire
    return dumps(render(reply, stop))


def invoke_stream(reply: Reply, rid: str, view: dict[str, Any]) -> list[Event]:
    """An InvokeModel stream in the shape of the model's family: one `chunk` per piece,
    then one with the stop reason and the invocation's metrics."""
    wire = _FAMILY_WIRES.get(_family(reply.model))
    if wire is None:
        return invoke_events(reply, rid, view)
    _, event, stop = wire
    pieces = reply.pieces or (reply.text,)
    events: list[Event] = [
        (_chunk(dumps(event(piece, i, reply, None))), True) for i, piece in enumerate(pieces)
    ]
    last = event("", len(pieces), reply, stop)
    last["amazon-bedrock-invocationMetrics"] = _metrics(reply)
    events.append((_chunk(dumps(last)), False))
    return events


# Converse's errors, request id header, event stream and auth check; its own bodies.
INVOKE_WIRE = dataclasses.replace(
    WIRE,
    name="bedrock_invoke",
    match=lambda path: _split(path, _INVOKE_ACTIONS) is not None,
    request_view=invoke_view,
    render_json=invoke_json,
    render_events=invoke_stream,
    dialect=ANTHROPIC,
    reply_headers=invoke_headers,
)
