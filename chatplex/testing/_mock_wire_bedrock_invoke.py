"""The mock server's Bedrock InvokeModel wire (private): `POST /model/{modelId}/invoke`
and `/invoke-with-response-stream` (`INVOKE_WIRE`), with the Converse wire's errors,
request id header, event stream and auth check (`_mock_wire_bedrock.py`, `_mock_aws.py`).

InvokeModel bodies are Anthropic's Messages requests, planned natively (the Anthropic
dialect, as the Messages wire's); the reply is Anthropic's message JSON with Bedrock's
`x-amzn-bedrock-*-token-count` headers, the stream Anthropic's events each in an
event-stream `chunk` message (`{"bytes": base64 JSON}`), `message_stop` carrying
`amazon-bedrock-invocationMetrics`. The other families langchain-aws's `ChatBedrock`
serves (Meta Llama, Mistral, Amazon Titan, DeepSeek: a prompt; OpenAI gpt-oss and Qwen:
Chat Completions messages) are answered in their own shapes, chosen by the model id in
the path (`_FAMILY_WIRES`): the last user turn of the prompt is what is planned (echoed),
the reply is the family's JSON, the stream its events, the last one with the stop
reason and `amazon-bedrock-invocationMetrics`.
"""

from __future__ import annotations

import base64
import dataclasses
import json
from collections.abc import Callable
from typing import Any

from ._mock_aws import event_message
from ._mock_aws import model_path
from ._mock_faults import MockUsageError
from ._mock_replies import ANTHROPIC
from ._mock_replies import Event
from ._mock_replies import Reply
from ._mock_replies import dumps
from ._mock_wire_anthropic import anthropic_events
from ._mock_wire_anthropic import anthropic_json
from ._mock_wire_bedrock import WIRE
from ._mock_wire_openai import chat_completions_usage

__all__ = ["INVOKE_WIRE", "invoke_events", "invoke_view"]

#: The (reply, stream) actions after `/model/{modelId}`.
_INVOKE_ACTIONS = ("/invoke", "/invoke-with-response-stream")

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
    where = model_path(path, _INVOKE_ACTIONS)
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
    """One `chunk` event carrying `payload` (JSON) as base64, as InvokeModel streams it."""
    return event_message("chunk", {"bytes": base64.b64encode(payload).decode()})


def invoke_events(reply: Reply, rid: str, view: dict[str, Any]) -> list[Event]:
    """Anthropic's stream events, each in a `chunk` message; `message_stop` with Bedrock's
    invocation metrics (Bedrock sends no `ping`)."""
    events: list[Event] = []
    for frame, is_delta in anthropic_events(reply, rid):
        data = json.loads(_sse_payload(frame))
        if data.get("type") == "ping":
            continue
        if data.get("type") == "message_stop":
            data["amazon-bedrock-invocationMetrics"] = _metrics(reply)
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
    match=lambda path: model_path(path, _INVOKE_ACTIONS) is not None,
    request_view=invoke_view,
    render_json=invoke_json,
    render_events=invoke_stream,
    dialect=ANTHROPIC,
    reply_headers=invoke_headers,
)
