"""Hostile replies on every wire, chatplex beside the partner package on the same bytes
(issue 49): a 200 reply whose bytes frame well but whose fields lie -- a usage or a
token count that is a string, a text that is a number, a content list that is a
string, a tool-call list or arguments of the wrong type, arguments nested 100,000 deep,
a failed generation; and a whole reply that is not the wire's (another wire's reply,
`{}`, the wire's reply without the field its content is read from). Each case runs
against every wire it applies to, whole and streamed, sync and async, through
chatplex's drop-in of the partner's class (the same constructor call) and through
chatplex's own family (`init_chat_model` with the same settings), each allowed two
retries.

What every run must show (`judge`):

- **no silent data loss**: the call raises, or its reply carries what the server sent
  (the tool call with its arguments, or marked invalid with the rest of the reply
  kept; the text). A reply that read the hostile field as empty or 0 is a loss, and so
  is arguments cut short handed on as a valid call;
- **no untyped error**: what it raises is a chatplex error (`ChatplexError`), never a
  bare `TypeError`, `AttributeError`, `KeyError` or `RecursionError`;
- **no retried malformed 200**: one request reached the server (each attempt is billed,
  and the same request gets the same reply);
- where the partner package keeps the reply (arguments nested too deep: langchain-openai
  marks the call invalid), chatplex keeps it too.

The partner's outcome on the same bytes is recorded beside chatplex's (`OUTCOMES`), and
the module prints the counts when it ends (`pytest -s`).
"""

from __future__ import annotations

import asyncio
import base64
import json
from collections import Counter
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import pytest
from _hostile import HostileServer
from _hostile import Script
from _hostile import ollama_done
from _hostile import reply_or_error

from chatplex.errors import ChatplexError
from chatplex.testing._mock_aws import encode_message
from tests._merged_text import merged
from tests._tls import one_default_tls_context  # noqa: F401  (autouse: the partners' clients)

#: Arguments nested 100,000 deep: past what Python's JSON parser (and every SDK's) reads.
DEPTH = 100_000
DEEP_TEXT = '{"a": ' + "[" * DEPTH + "]" * DEPTH + "}"
#: Where a reply builder puts the deep arguments as a JSON value (not text): replaced in
#: the serialized body, as no serializer writes them.
DEEP_VALUE = "__deep_value__"
AWS = {"region_name": "us-east-1", "aws_access_key_id": "AKIDHOSTILE", "aws_secret_access_key": "s"}
ANTHROPIC_INVOKE = "anthropic.claude-3-haiku-20240307-v1:0"
METRICS = "amazon-bedrock-invocationMetrics"


def dumps(value: Any) -> bytes:
    text = json.dumps(value)
    return text.replace(json.dumps(DEEP_VALUE), DEEP_TEXT).encode()


def sse(*events: dict[str, Any], named: bool = False) -> bytes:
    out = b""
    for event in events:
        name = b"event: %s\n" % event["type"].encode() if named else b""
        out += name + b"data: " + dumps(event) + b"\n\n"
    return out


def sse_values(values: list[Any]) -> bytes:
    """Unnamed events whose data are `values`, JSON of any kind."""
    return b"".join(b"data: " + dumps(value) + b"\n\n" for value in values)


def ndjson(*lines: Any) -> bytes:
    return b"".join(dumps(line) + b"\n" for line in lines)


def aws_event(kind: str, payload: Any) -> bytes:
    headers = {":event-type": kind, ":message-type": "event", ":content-type": "application/json"}
    return encode_message(headers, dumps(payload))


def aws_chunk(payload: Any) -> bytes:
    return aws_event("chunk", {"bytes": base64.b64encode(dumps(payload)).decode()})


# --- one reply a wire, whole and streamed, its fields given ------------------------------
#
# Each builder takes the hostile values by name (`text`, `usage`, `count`, `content`,
# `calls`, `args`, `failed`) and builds the rest as the provider does. `calls=None` and
# `args=None` mean no tool call; `content` replaces the whole content list.

_MISSING: Any = object()


@dataclass(frozen=True)
class Values:
    text: Any = "hi"
    usage: Any = _MISSING  # the usage record as a whole
    count: Any = 1  # the input token count
    content: Any = _MISSING  # the content list as a whole
    calls: Any = _MISSING  # the tool-call list as a whole
    args: Any = _MISSING  # one call's arguments (text or object, as the wire sends them)
    failed: bool = False
    reply: Any = _MISSING  # the whole reply's bytes, sent in place of the wire's
    events: Any = _MISSING  # a stream's whole body, sent in place of the wire's events


def _openai_calls(v: Values) -> Any:
    if v.calls is not _MISSING:
        return v.calls
    if v.args is _MISSING:
        return None
    return [{"id": "t1", "type": "function", "function": {"name": "f", "arguments": v.args}}]


def _chat_reply(v: Values, **head: str) -> bytes:
    """A whole reply of Chat Completions' shape (`head`: its id and model fields)."""
    message: dict[str, Any] = {"role": "assistant", "content": v.text}
    if (calls := _openai_calls(v)) is not None:
        message["tool_calls"] = calls
    usage = {"prompt_tokens": v.count, "completion_tokens": 1, "total_tokens": 2}
    return dumps(
        {
            **head,
            "choices": [{"index": 0, "message": message, "finish_reason": "stop"}],
            "usage": usage if v.usage is _MISSING else v.usage,
        }
    )


def openai_whole(v: Values) -> bytes:
    return _chat_reply(v, id="c", object="chat.completion", model="m")


def _openai_delta(v: Values) -> dict[str, Any]:
    """A streamed delta with the text and the calls (each with its index), as Chat
    Completions and watsonx.ai stream them."""
    delta: dict[str, Any] = {"content": v.text}
    calls = _openai_calls(v)
    if isinstance(calls, list):
        calls = [{"index": 0, **c} for c in calls if isinstance(c, dict)] or calls
    if calls is not None:
        delta["tool_calls"] = calls
    return delta


def _openai_events(v: Values) -> list[dict[str, Any]]:
    head = {"id": "c", "object": "chat.completion.chunk", "model": "m"}
    delta = _openai_delta(v)
    usage = {"prompt_tokens": v.count, "completion_tokens": 1, "total_tokens": 2}
    return [
        {**head, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}}]},
        {**head, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]},
        {**head, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]},
        {**head, "choices": [], "usage": usage if v.usage is _MISSING else v.usage},
    ]


def openai_stream(v: Values) -> bytes:
    return sse(*_openai_events(v)) + b"data: [DONE]\n\n"


def watsonx_whole(v: Values) -> bytes:
    """watsonx.ai's chat reply: Chat Completions' shape, with `model_id`."""
    return _chat_reply(v, id="c", model_id="m")


def watsonx_stream(v: Values) -> bytes:
    """watsonx.ai's `event: message` chunks, the finish with its usage, no `[DONE]`."""
    head = {"id": "c", "model_id": "m"}
    delta = _openai_delta(v)
    usage = {"prompt_tokens": v.count, "completion_tokens": 1, "total_tokens": 2}
    last = {"index": 0, "delta": {}, "finish_reason": "stop"}
    return sse(
        {**head, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}}]},
        {**head, "choices": [{"index": 0, "delta": delta, "finish_reason": None}]},
        {**head, "choices": [last], "usage": usage if v.usage is _MISSING else v.usage},
    )


def _responses_output(v: Values) -> Any:
    if v.content is not _MISSING:
        return v.content
    part = {"type": "output_text", "text": v.text, "annotations": []}
    items: list[Any] = [
        {
            "type": "message",
            "id": "msg1",
            "role": "assistant",
            "status": "completed",
            "content": [part],
        }
    ]
    if v.args is not _MISSING:
        items.append(
            {
                "type": "function_call",
                "id": "fc1",
                "call_id": "t1",
                "name": "f",
                "arguments": v.args,
                "status": "completed",
            }
        )
    return items


def _response(v: Values, status: str = "completed") -> dict[str, Any]:
    usage = {"input_tokens": v.count, "output_tokens": 1, "total_tokens": 2}
    return {
        "id": "resp1",
        "object": "response",
        "status": status,
        "model": "m",
        "output": _responses_output(v) if status == "completed" else [],
        "usage": (usage if v.usage is _MISSING else v.usage) if status == "completed" else None,
    }


def responses_whole(v: Values) -> bytes:
    return dumps(_response(v))


def responses_stream(v: Values) -> bytes:
    message = {"type": "message", "id": "msg1", "role": "assistant", "content": []}
    events: list[dict[str, Any]] = [
        {"type": "response.created", "response": _response(v, "in_progress")},
        {"type": "response.output_item.added", "output_index": 0, "item": message},
        {
            "type": "response.content_part.added",
            "output_index": 0,
            "item_id": "msg1",
            "content_index": 0,
            "part": {"type": "output_text", "text": "", "annotations": []},
        },
        {
            "type": "response.output_text.delta",
            "output_index": 0,
            "item_id": "msg1",
            "content_index": 0,
            "delta": v.text,
        },
    ]
    if v.args is not _MISSING:
        call = {"type": "function_call", "id": "fc1", "call_id": "t1", "name": "f", "arguments": ""}
        events += [
            {"type": "response.output_item.added", "output_index": 1, "item": call},
            {
                "type": "response.function_call_arguments.delta",
                "output_index": 1,
                "item_id": "fc1",
                "delta": v.args,
            },
            {
                "type": "response.output_item.done",
                "output_index": 1,
                "item": {**call, "arguments": v.args, "status": "completed"},
            },
        ]
    events.append({"type": "response.completed", "response": _response(v)})
    return sse(*events, named=True)


def _anthropic_content(v: Values) -> Any:
    if v.content is not _MISSING:
        return v.content
    blocks: list[Any] = [{"type": "text", "text": v.text}]
    if v.args is not _MISSING:
        blocks.append({"type": "tool_use", "id": "t1", "name": "f", "input": v.args})
    return blocks


def anthropic_whole(v: Values) -> bytes:
    usage = {"input_tokens": v.count, "output_tokens": 1}
    return dumps(
        {
            "id": "msg1",
            "type": "message",
            "role": "assistant",
            "model": "claude",
            "content": _anthropic_content(v),
            "stop_reason": "end_turn",
            "stop_sequence": None,
            "usage": usage if v.usage is _MISSING else v.usage,
        }
    )


def _anthropic_events(v: Values) -> list[dict[str, Any]]:
    start = {
        "id": "msg1",
        "type": "message",
        "role": "assistant",
        "model": "claude",
        "content": [],
        "stop_reason": None,
        "usage": {"input_tokens": v.count, "output_tokens": 0},
    }
    events: list[dict[str, Any]] = [
        {"type": "message_start", "message": start},
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        {
            "type": "content_block_delta",
            "index": 0,
            "delta": {"type": "text_delta", "text": v.text},
        },
        {"type": "content_block_stop", "index": 0},
    ]
    if v.args is not _MISSING:
        use = {"type": "tool_use", "id": "t1", "name": "f", "input": {}}
        delta = {"type": "input_json_delta", "partial_json": v.args}
        events += [
            {"type": "content_block_start", "index": 1, "content_block": use},
            {"type": "content_block_delta", "index": 1, "delta": delta},
            {"type": "content_block_stop", "index": 1},
        ]
    usage = {"output_tokens": 1} if v.usage is _MISSING else v.usage
    events += [
        {"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": usage},
        {"type": "message_stop"},
    ]
    return events


def anthropic_stream(v: Values) -> bytes:
    return sse(*_anthropic_events(v), named=True)


def _gemini_parts(v: Values) -> Any:
    if v.content is not _MISSING:
        return v.content
    parts: list[Any] = [{"text": v.text}]
    if v.args is not _MISSING:
        parts.append({"functionCall": {"name": "f", "args": v.args}})
    return parts


def _gemini(v: Values) -> dict[str, Any]:
    usage = {"promptTokenCount": v.count, "candidatesTokenCount": 1, "totalTokenCount": 2}
    return {
        "candidates": [
            {
                "content": {"parts": _gemini_parts(v), "role": "model"},
                "finishReason": "STOP",
                "index": 0,
            }
        ],
        "usageMetadata": usage if v.usage is _MISSING else v.usage,
        "modelVersion": "gemini-2.5-flash",
        "responseId": "r1",
    }


def gemini_whole(v: Values) -> bytes:
    return dumps(_gemini(v))


def gemini_stream(v: Values) -> bytes:
    return b"data: " + dumps(_gemini(v)) + b"\r\n\r\n"


def _ollama_message(v: Values) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": v.text}
    if v.calls is not _MISSING:
        message["tool_calls"] = v.calls
    elif v.args is not _MISSING:
        message["tool_calls"] = [{"function": {"name": "f", "arguments": v.args}}]
    return message


def _ollama_done(v: Values, message: dict[str, Any]) -> dict[str, Any]:
    return ollama_done(message, v.count, 1 if v.usage is _MISSING else v.usage)


def ollama_whole(v: Values) -> bytes:
    return dumps(_ollama_done(v, _ollama_message(v)))


def ollama_stream(v: Values) -> bytes:
    piece = {"model": "m", "created_at": "2026-01-01T00:00:00Z", "message": _ollama_message(v)}
    return ndjson({**piece, "done": False}, _ollama_done(v, {"role": "assistant", "content": ""}))


def _cohere_calls(v: Values) -> Any:
    if v.calls is not _MISSING:
        return v.calls
    if v.args is _MISSING:
        return None
    return [{"id": "t1", "type": "function", "function": {"name": "f", "arguments": v.args}}]


def _cohere_usage(v: Values) -> Any:
    if v.usage is not _MISSING:
        return v.usage
    counts = {"input_tokens": v.count, "output_tokens": 1}
    return {"billed_units": counts, "tokens": counts}


def cohere_whole(v: Values) -> bytes:
    message: dict[str, Any] = {"role": "assistant"}
    message["content"] = [{"type": "text", "text": v.text}] if v.content is _MISSING else v.content
    if (calls := _cohere_calls(v)) is not None:
        message["tool_calls"], message["tool_plan"] = calls, "plan"
    body: dict[str, Any] = {
        "id": "r1",
        "finish_reason": "ERROR" if v.failed else "COMPLETE",
        "message": message,
        "usage": _cohere_usage(v),
    }
    return dumps(body)


def cohere_stream(v: Values) -> bytes:
    def delta(message: Any) -> dict[str, Any]:
        return {"delta": {"message": message}}

    content = {"text": v.text} if v.content is _MISSING else v.content
    events: list[dict[str, Any]] = [
        {"type": "message-start", "id": "r1", **delta({"role": "assistant"})},
        {"type": "content-start", "index": 0, **delta({"content": {"type": "text", "text": ""}})},
        {"type": "content-delta", "index": 0, **delta({"content": content})},
        {"type": "content-end", "index": 0},
    ]
    calls = _cohere_calls(v)
    if calls is not None:
        # A stream's event holds one call object: the hostile one is a list there.
        call = calls[0] if v.calls is _MISSING else [calls]
        events += [
            {"type": "tool-call-start", "index": 0, **delta({"tool_calls": call})},
            {"type": "tool-call-end", "index": 0},
        ]
    end: dict[str, Any] = {"finish_reason": "ERROR" if v.failed else "COMPLETE"}
    if v.failed:
        end["error"] = "the model failed"
    end["usage"] = _cohere_usage(v)
    events.append({"type": "message-end", "delta": end})
    return sse(*events)


def _converse_content(v: Values) -> Any:
    if v.content is not _MISSING:
        return v.content
    blocks: list[Any] = [{"text": v.text}]
    if v.args is not _MISSING:
        blocks.append({"toolUse": {"toolUseId": "t1", "name": "f", "input": v.args}})
    return blocks


def _converse_usage(v: Values) -> Any:
    usage = {"inputTokens": v.count, "outputTokens": 1, "totalTokens": 2}
    return usage if v.usage is _MISSING else v.usage


def converse_whole(v: Values) -> bytes:
    return dumps(
        {
            "output": {"message": {"role": "assistant", "content": _converse_content(v)}},
            "stopReason": "end_turn",
            "usage": _converse_usage(v),
            "metrics": {"latencyMs": 1},
        }
    )


def converse_stream(v: Values) -> bytes:
    events = [
        aws_event("messageStart", {"role": "assistant"}),
        aws_event("contentBlockDelta", {"contentBlockIndex": 0, "delta": {"text": v.text}}),
        aws_event("contentBlockStop", {"contentBlockIndex": 0}),
    ]
    if v.args is not _MISSING:
        start = {"toolUse": {"toolUseId": "t1", "name": "f"}}
        events += [
            aws_event("contentBlockStart", {"contentBlockIndex": 1, "start": start}),
            aws_event(
                "contentBlockDelta",
                {"contentBlockIndex": 1, "delta": {"toolUse": {"input": v.args}}},
            ),
            aws_event("contentBlockStop", {"contentBlockIndex": 1}),
        ]
    events += [
        aws_event("messageStop", {"stopReason": "end_turn"}),
        aws_event("metadata", {"usage": _converse_usage(v), "metrics": {"latencyMs": 1}}),
    ]
    return b"".join(events)


def invoke_anthropic_whole(v: Values) -> bytes:
    return anthropic_whole(v)


def invoke_anthropic_stream(v: Values) -> bytes:
    events = _anthropic_events(v)
    metrics = {"inputTokenCount": v.count, "outputTokenCount": 1}
    events[-1] = {**events[-1], METRICS: metrics}
    return b"".join(aws_chunk(e) for e in events)


def _titan_whole(v: Values) -> bytes:
    return dumps({"results": [{"outputText": v.text, "completionReason": "FINISH"}]})


def _chat_family_whole(v: Values) -> bytes:
    choice = {"message": {"role": "assistant", "content": v.text}, "finish_reason": "stop"}
    return dumps({"choices": [choice]})


def _invoke_stream(v: Values, first: dict[str, Any], last: dict[str, Any]) -> bytes:
    """An InvokeModel stream: a piece with the text, then the last piece with the stop and
    the metrics Bedrock adds to it."""
    metrics = {"inputTokenCount": v.count, "outputTokenCount": 1}
    return aws_chunk(first) + aws_chunk({**last, METRICS: metrics})


def _chat_family_stream(v: Values) -> bytes:
    first = {"choices": [{"delta": {"content": v.text}}]}
    return _invoke_stream(
        v, first, {"choices": [{"delta": {"content": ""}, "finish_reason": "stop"}]}
    )


def _mistral_stream(v: Values) -> bytes:
    first = {"outputs": [{"text": v.text, "stop_reason": None}]}
    return _invoke_stream(v, first, {"outputs": [{"text": "", "stop_reason": "stop"}]})


def _deepseek_stream(v: Values) -> bytes:
    first = {"choices": [{"text": v.text, "stop_reason": None}]}
    return _invoke_stream(v, first, {"choices": [{"text": "", "stop_reason": "stop"}]})


def _meta_stream(v: Values) -> bytes:
    return _invoke_stream(v, {"generation": v.text}, {"generation": "", "stop_reason": "stop"})


def _titan_stream(v: Values) -> bytes:
    last = {"outputText": "", "completionReason": "FINISH"}
    return _invoke_stream(v, {"outputText": v.text}, last)


def _prompt_whole(key: str) -> Callable[[Values], bytes]:
    return lambda v: dumps({key: [{"text": v.text, "stop_reason": "stop"}]})


def _meta_whole(v: Values) -> bytes:
    return dumps({"generation": v.text, "stop_reason": "stop"})


def _invoke_frame(values: list[Any]) -> bytes:
    return b"".join(aws_chunk(value) for value in values)


@dataclass(frozen=True)
class Wire:
    """How one wire is called (chatplex's drop-in and the partner's class take the same
    constructor) and its replies built."""

    ours: str  # chatplex's class name
    partner: tuple[str, str]  # (module, class) of the partner package
    settings: dict[str, Any]
    whole: Callable[[Values], bytes]
    stream: Callable[[Values], bytes]
    stream_type: str
    url_key: str = "base_url"
    suffix: str = ""
    #: Token counts in the reply's headers (Bedrock's InvokeModel), as `count` gives them.
    header_counts: bool = False
    #: How the wire sends tool arguments: as JSON text, or as a JSON object.
    args_as_text: bool = True
    #: The wire's whole reply has a content list (`content` cases apply).
    content_list: bool = True
    tools: bool = True
    #: The field of the whole reply the wire reads its content from.
    reads: str = "choices"
    #: A stream of these JSON values as its events, in the wire's framing.
    frame: Callable[[list[Any]], bytes] = sse_values
    #: A stream of another wire's events (None: Chat Completions' in `frame`).
    foreign: Callable[[], bytes] | None = None
    #: `streaming=True` makes `invoke` stream (the partner class has the setting).
    streams_invoke: bool = True


SSE_TYPE = "text/event-stream"
AWS_TYPE = "application/vnd.amazon.eventstream"

WIRES: dict[str, Wire] = {
    "openai": Wire(
        "ChatOpenAI",
        ("langchain_openai", "ChatOpenAI"),
        {"model": "gpt-4o-mini", "api_key": "sk-hostile"},
        openai_whole,
        openai_stream,
        SSE_TYPE,
        suffix="/v1",
        content_list=False,
        foreign=lambda: anthropic_stream(Values()),
    ),
    "responses": Wire(
        "ChatOpenAI",
        ("langchain_openai", "ChatOpenAI"),
        {"model": "gpt-4o-mini", "api_key": "sk-hostile", "use_responses_api": True},
        responses_whole,
        responses_stream,
        SSE_TYPE,
        suffix="/v1",
        reads="output",
    ),
    "anthropic": Wire(
        "ChatAnthropic",
        ("langchain_anthropic", "ChatAnthropic"),
        {"model": "claude-sonnet-4-5", "api_key": "sk-ant-hostile"},
        anthropic_whole,
        anthropic_stream,
        SSE_TYPE,
        args_as_text=False,
        reads="content",
    ),
    "gemini": Wire(
        "ChatGoogleGenerativeAI",
        ("langchain_google_genai", "ChatGoogleGenerativeAI"),
        {"model": "gemini-2.5-flash", "google_api_key": "AIza-hostile"},
        gemini_whole,
        gemini_stream,
        SSE_TYPE,
        args_as_text=False,
        reads="candidates",
    ),
    "ollama": Wire(
        "ChatOllama",
        ("langchain_ollama", "ChatOllama"),
        {"model": "llama3.2"},
        ollama_whole,
        ollama_stream,
        "application/x-ndjson",
        args_as_text=False,
        content_list=False,
        reads="message",
        frame=lambda values: ndjson(*values),
        streams_invoke=False,
    ),
    "cohere": Wire(
        "ChatCohere",
        ("langchain_cohere", "ChatCohere"),
        {"model": "command-a-03-2025", "cohere_api_key": "co-hostile"},
        cohere_whole,
        cohere_stream,
        SSE_TYPE,
        reads="message",
    ),
    "watsonx": Wire(
        "ChatWatsonx",
        ("langchain_ibm", "ChatWatsonx"),
        {"model_id": "ibm/granite-3-8b-instruct", "token": "wx-hostile", "project_id": "p"},
        watsonx_whole,
        watsonx_stream,
        SSE_TYPE,
        url_key="url",
        content_list=False,
        foreign=lambda: anthropic_stream(Values()),
    ),
    "converse": Wire(
        "ChatBedrockConverse",
        ("langchain_aws", "ChatBedrockConverse"),
        {"model": ANTHROPIC_INVOKE, **AWS},
        converse_whole,
        converse_stream,
        AWS_TYPE,
        url_key="endpoint_url",
        args_as_text=False,
        reads="output",
        frame=lambda values: b"".join(aws_event("contentBlockDelta", v) for v in values),
        foreign=lambda: invoke_anthropic_stream(Values()),  # InvokeModel's stream
    ),
    "invoke-anthropic": Wire(
        "ChatBedrock",
        ("langchain_aws", "ChatBedrock"),
        {"model": ANTHROPIC_INVOKE, **AWS},
        invoke_anthropic_whole,
        invoke_anthropic_stream,
        AWS_TYPE,
        url_key="endpoint_url",
        header_counts=True,
        args_as_text=False,
        reads="content",
        frame=_invoke_frame,
        foreign=lambda: _chat_family_stream(Values()),
    ),
}
for _name, (_model, _whole, _stream, _reads) in {
    "meta": (
        "meta.llama3-8b-instruct-v1:0",
        _meta_whole,
        _meta_stream,
        "generation",
    ),
    "mistral": (
        "mistral.mistral-large-2402-v1:0",
        _prompt_whole("outputs"),
        _mistral_stream,
        "outputs",
    ),
    "titan": ("amazon.titan-text-express-v1", _titan_whole, _titan_stream, "results"),
    "deepseek": ("us.deepseek.r1-v1:0", _prompt_whole("choices"), _deepseek_stream, "choices"),
    "gpt-oss": ("openai.gpt-oss-20b-1:0", _chat_family_whole, _chat_family_stream, "choices"),
    "qwen": ("qwen.qwen3-32b-v1:0", _chat_family_whole, _chat_family_stream, "choices"),
}.items():
    WIRES[f"invoke-{_name}"] = Wire(
        "ChatBedrock",
        ("langchain_aws", "ChatBedrock"),
        {"model": _model, **AWS},
        _whole,
        _stream,
        AWS_TYPE,
        url_key="endpoint_url",
        header_counts=True,
        content_list=False,
        tools=False,
        reads=_reads,
        frame=_invoke_frame,
        foreign=lambda: invoke_anthropic_stream(Values()),
    )


# --- the cases --------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One hostile reply: the values it gives the builder, the wires it applies to, and
    `kept`: what a reply must carry for the server's data not to be lost (None: no reply
    can carry it, only a typed error is right)."""

    values: Callable[[Wire], Values]
    applies: Callable[[Wire], bool] = lambda wire: True
    kept: Callable[[Any], bool] | None = None
    #: The partner keeps the reply here, so chatplex must too (not just fail typed).
    keep_where_partner_keeps: bool = False
    #: The error is a malformed reply's: it has the reply's status (a 200).
    malformed: bool = False


def _has_call(reply: Any) -> bool:
    calls = [c for c in reply.tool_calls if c.get("name") == "f"]
    invalid = [c for c in reply.invalid_tool_calls if c.get("name") == "f"]
    # The rest of the reply kept: its text ("plan": Cohere's content is the tool plan).
    return bool(calls or invalid) and ("hi" in reply.text or reply.text == "plan")


#: Arguments that stop mid-string, as a stream cut short after its last fragment leaves
#: them (with a finish reason still sent).
CUT_ARGS = '{"city": "Par'


def _cut_call_invalid(reply: Any) -> bool:
    """The cut call is kept as invalid, its arguments as sent, never handed on as a
    valid call (LangChain's merge repairs them into `{"city": "Par"}`)."""
    valid = [c for c in reply.tool_calls if c.get("name") == "f"]
    invalid = [c for c in reply.invalid_tool_calls if c.get("name") == "f"]
    return not valid and [c.get("args") for c in invalid] == [CUT_ARGS] and _has_call(reply)


def _another_wires_reply(wire: Wire) -> bytes:
    """A reply of another wire: the Responses API's (Chat Completions' for that wire)."""
    if "use_responses_api" in wire.settings:
        return openai_whole(Values())
    return responses_whole(Values())


def _another_wires_events(wire: Wire) -> bytes:
    """A stream of another wire's events: Chat Completions' (Anthropic's where the wire's
    are Chat Completions' chunks, another model family's on InvokeModel)."""
    if wire.foreign is not None:
        return wire.foreign()
    return wire.frame(_openai_events(Values()))


def _without_content(wire: Wire) -> bytes:
    """The wire's own whole reply, its usage kept, without the field it reads content from."""
    reply = json.loads(wire.whole(Values()))
    del reply[wire.reads]
    return dumps(reply)


CASES: dict[str, Case] = {
    "usage-a-string": Case(lambda wire: Values(usage="lots"), lambda wire: not wire.header_counts),
    "count-a-string": Case(  # a header's count is text: there, text that is no number
        lambda wire: Values(count="7x" if wire.header_counts else "7")
    ),
    "text-a-number": Case(lambda wire: Values(text=5)),
    "content-a-string": Case(
        lambda wire: Values(content="x"),
        lambda wire: wire.content_list,
        kept=lambda reply: "x" in reply.text,
    ),
    "calls-not-a-list": Case(  # where the calls are a list of their own, not blocks
        lambda wire: Values(calls={"id": "t1", "function": {"name": "f", "arguments": "{}"}}),
        lambda wire: (
            wire.ours in ("ChatOpenAI", "ChatCohere", "ChatOllama", "ChatWatsonx")
            and "use_responses_api" not in wire.settings
        ),
    ),
    "call-index-an-object": Case(  # a streamed call's `index`, which merging keys on
        lambda wire: Values(
            calls=[{"index": {"a": 1}, "id": "t1", "function": {"name": "f", "arguments": "{}"}}]
        ),
        lambda wire: (
            wire.ours in ("ChatOpenAI", "ChatWatsonx") and "use_responses_api" not in wire.settings
        ),
        kept=_has_call,
    ),
    "args-of-the-wrong-type": Case(
        lambda wire: Values(args={"city": "Paris"} if wire.args_as_text else "Paris"),
        lambda wire: wire.tools,
        kept=_has_call,
    ),
    "args-nested-too-deep": Case(
        lambda wire: Values(args=DEEP_TEXT if wire.args_as_text else DEEP_VALUE),
        lambda wire: wire.tools,
        kept=_has_call,
        keep_where_partner_keeps=True,
    ),
    "args-cut-short": Case(
        lambda wire: Values(args=CUT_ARGS),
        lambda wire: wire.tools,
        kept=_cut_call_invalid,
    ),
    "failed-generation": Case(
        lambda wire: Values(failed=True), lambda wire: wire.ours == "ChatCohere"
    ),
    # A 200 whose JSON object is not the wire's reply (a gateway answering in another
    # wire's form): no reply can carry what it holds, the call raises.
    "another-wires-reply": Case(lambda wire: Values(reply=_another_wires_reply(wire))),
    "an-empty-object": Case(lambda wire: Values(reply=b"{}")),
    # (Gemini's reply without candidates but with its usage is one Gemini sends: an
    # empty reply, read as one.)
    "content-field-missing": Case(
        lambda wire: Values(reply=_without_content(wire)),
        lambda wire: wire.ours != "ChatGoogleGenerativeAI",
    ),
    # A 200 stream whose events arrived but none is the wire's: a malformed reply, not a
    # stream cut off (which another attempt may get past): never retried.
    "another-wires-events": Case(
        lambda wire: Values(events=_another_wires_events(wire)), malformed=True
    ),
    "events-empty-lists": Case(lambda wire: Values(events=wire.frame([[], []])), malformed=True),
    "events-strings": Case(lambda wire: Values(events=wire.frame(["hi", "there"])), malformed=True),
    "events-unrelated-objects": Case(
        lambda wire: Values(events=wire.frame([{"status": "ok"}, {"note": "n"}])), malformed=True
    ),
}


def runs() -> Iterator[Any]:
    """Every (wire, case, mode) where the wire's reply carries the case's field (a stream
    whose events have no place for it, as Anthropic's content list, is left out)."""
    for name, wire in WIRES.items():
        for case, spec in CASES.items():
            if not spec.applies(wire):
                continue
            for mode in ("invoke", "stream"):
                if script_for(wire, spec.values(wire), mode) != script_for(wire, Values(), mode):
                    yield pytest.param(name, case, mode, id=f"{name}-{case}-{mode}")
            if spec.malformed and wire.streams_invoke:  # a wrong-shaped stream, invoked
                yield pytest.param(name, case, STREAMED, id=f"{name}-{case}-{STREAMED}")


# --- running a case ---------------------------------------------------------------------


@dataclass
class Tally:
    """The counts the module prints at its end."""

    runs: Counter[str] = field(default_factory=Counter)
    ours: Counter[str] = field(default_factory=Counter)
    own: Counter[str] = field(default_factory=Counter)  # chatplex's own family's
    partner: Counter[str] = field(default_factory=Counter)
    rows: list[tuple[str, str, str, str, str]] = field(default_factory=list)


TALLY = Tally()


@pytest.fixture(scope="module")
def server() -> Iterator[HostileServer]:
    with HostileServer() as hostile:
        yield hostile
    _print_tally()


def _print_tally() -> None:
    t = TALLY
    print("\n\nhostile replies (issue 49):", dict(t.runs))
    print("chatplex outcomes:", dict(t.ours))
    print("chatplex's own family's outcomes:", dict(t.own))
    print("partner outcomes:", dict(t.partner))
    for row in t.rows:
        print("  {:<18} {:<24} {:<7} chatplex={:<22} partner={}".format(*row))


def script_for(wire: Wire, values: Values, mode: str) -> Script:
    headers: tuple[str, ...] = ()
    if wire.header_counts:
        headers = (
            f"x-amzn-bedrock-input-token-count: {values.count}",
            "x-amzn-bedrock-output-token-count: 1",
        )
    if mode == "invoke":  # (an invoke that streams, `STREAMED`, gets the stream)
        whole = wire.whole(values) if values.reply is _MISSING else values.reply
        return Script(whole, headers=headers)
    body = wire.stream(values) if values.events is _MISSING else values.events
    return Script(body, wire.stream_type, headers=headers)


#: chatplex's own family: the provider `init_chat_model` names each wire by (else Bedrock's
#: InvokeModel), given the drop-in's settings.
OWN_PROVIDERS = {
    "openai": "openai",
    "responses": "openai",
    "anthropic": "anthropic",
    "gemini": "google_genai",
    "ollama": "ollama",
    "cohere": "cohere",
    "watsonx": "ibm",
    "converse": "bedrock_converse",
}


#: The mode of an `invoke` that streams under the hood (`streaming=True`).
STREAMED = "streamed-invoke"


def _settings(wire: Wire, server: HostileServer, name: str) -> dict[str, Any]:
    """The wire's constructor settings, its URL the server's script `name` (whose mode
    `STREAMED` sets `streaming`)."""
    streaming = {"streaming": True} if name.endswith(STREAMED) else {}
    return {
        **wire.settings,
        **streaming,
        wire.url_key: f"http://127.0.0.1:{server.port}/script/{name}{wire.suffix}",
    }


def _retries() -> Any:
    """chatplex's retries in both families: two, with no wait between them."""
    from chatplex.http import retry_policy

    return retry_policy(2, initial_delay=0.0, max_delay=0.0, jitter=0.0)


def build_own(wire_name: str, server: HostileServer, name: str) -> Any:
    """chatplex's own model of the wire (`chatplex.init_chat_model`), with the drop-in's
    settings and the same retries."""
    from chatplex import init_chat_model

    settings = _settings(WIRES[wire_name], server, name)
    model = settings.pop("model", None) or settings.pop("model_id")
    provider = OWN_PROVIDERS.get(wire_name, "bedrock")
    return init_chat_model(f"{provider}:{model}", **settings, retry_policy=_retries())


def build(wire: Wire, server: HostileServer, name: str, *, ours: bool) -> Any:
    import importlib

    settings = _settings(wire, server, name)
    if ours:
        import chatplex.langchain

        return getattr(chatplex.langchain, wire.ours)(**settings, retry_policy=_retries())
    cls = getattr(importlib.import_module(wire.partner[0]), wire.partner[1])
    if wire.partner[0] in ("langchain_openai", "langchain_anthropic"):
        settings["max_retries"] = 0
    return cls(**settings)


async def call(model: Any, mode: str, sync: bool) -> Any:
    """The reply (a stream's chunks added up), or what the call raised."""
    return await reply_or_error(model, sync, "invoke" if mode == STREAMED else mode, merged)


def shown(result: Any) -> str:
    return type(result).__name__ if isinstance(result, BaseException) else "reply"


def judge(case: Case, result: Any, attempts: int) -> str:
    """The run's verdict (see the module docstring); asserts the three rules."""
    assert attempts == 1, f"retried a 200 reply: {attempts} attempts"
    if isinstance(result, BaseException):
        assert isinstance(result, ChatplexError), f"untyped: {result!r}"
        str(result)
        # (chatplex's own status, whatever an SDK's class reads as `status`)
        assert not case.malformed or vars(result).get("status") == 200, repr(result)
        return "typed error"
    assert isinstance(result.text, str)
    for call_ in result.tool_calls:
        assert isinstance(call_["name"], str) and isinstance(call_["args"], dict), call_
    usage = result.usage_metadata
    if usage is not None:
        assert all(type(usage[k]) is int for k in ("input_tokens", "output_tokens")), usage
    assert case.kept is not None and case.kept(result), f"data lost: {result!r}"[:500]
    return "kept"


def partner_outcome(wire: Wire, server: HostileServer, name: str, mode: str) -> str:
    import warnings

    try:
        model = build(wire, server, name, ours=False)
    except Exception as exc:  # noqa: BLE001 - a partner that cannot be built is recorded
        return f"not built: {type(exc).__name__}"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = asyncio.run(call(model, mode, sync=True))
    return shown(result)


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
@pytest.mark.parametrize("family", ["dropin", "own"])
@pytest.mark.parametrize(("wire_name", "case_name", "mode"), list(runs()))
async def test_a_hostile_reply_is_refused_typed_or_kept_never_dropped_nor_retried(
    server: HostileServer, wire_name: str, case_name: str, mode: str, family: str, sync: bool
) -> None:
    wire, case = WIRES[wire_name], CASES[case_name]
    values = case.values(wire)
    name = f"{wire_name}-{case_name}-{family}-{sync}-{mode}"  # (`_settings` reads the mode)
    server.scripts[name] = script_for(wire, values, mode)
    before = server.accepted
    if family == "own":  # chatplex's own family, on the same bytes and the same rules
        result = await call(build_own(wire_name, server, name), mode, sync)
        verdict = judge(case, result, server.accepted - before)
        TALLY.runs["chatplex's own"] += 1
        TALLY.own[verdict] += 1
        if case.keep_where_partner_keeps:  # (where the drop-in must keep it, so must this)
            theirs = await asyncio.to_thread(partner_outcome, wire, server, name, mode)
            assert theirs != "reply" or verdict == "kept", (wire_name, case_name, mode, result)
        return
    result = await call(build(wire, server, name, ours=True), mode, sync)
    verdict = judge(case, result, server.accepted - before)
    TALLY.runs["chatplex"] += 1
    TALLY.ours[verdict] += 1
    if sync:  # the partner on the same bytes, once a case
        theirs = await asyncio.to_thread(partner_outcome, wire, server, name, mode)
        TALLY.partner[theirs] += 1
        TALLY.runs["partner"] += 1
        TALLY.rows.append((wire_name, case_name, mode, shown(result), theirs))
        if case.keep_where_partner_keeps and theirs == "reply":
            assert verdict == "kept", (wire_name, case_name, mode, result)


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
@pytest.mark.parametrize("wire_name", ["openai", "responses", "anthropic", "converse"])
async def test_a_cut_call_stays_invalid_through_an_invoke_that_streams(
    server: HostileServer, wire_name: str, sync: bool
) -> None:
    # `streaming=True`: LangChain merges the stream's pieces itself, as for on_llm_end.
    wire = WIRES[wire_name]
    name = f"{wire_name}-cut-streaming-invoke-{sync}"
    server.scripts[name] = script_for(wire, Values(args=CUT_ARGS), "stream")
    model = build(wire, server, name, ours=True).model_copy(update={"streaming": True})
    reply = model.invoke("hi") if sync else await model.ainvoke("hi")
    assert _cut_call_invalid(reply), reply


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
@pytest.mark.parametrize("family", ["dropin", "own"])
@pytest.mark.parametrize(
    "reply",
    [
        Script(b"data: {}\r\n\r\n", SSE_TYPE, headers=tuple(f"x-h{i}: v" for i in range(10_000))),
        Script(b"\x00\x01garbage", SSE_TYPE, status="2x0 NO\x00PE"),
    ],
    ids=["10000-headers", "garbage"],
)
async def test_a_gemini_stream_error_from_a_garbage_server_prints(
    server: HostileServer, reply: Script, family: str, sync: bool
) -> None:
    # With aiohttp imported (google-genai's async client), the error is also aiohttp's
    # class, whose own str() read fields it never had (`request_info`: issue 65).
    pytest.importorskip("aiohttp")
    from chatplex.chat import init_chat_model

    name = f"gemini-garbage-{id(reply)}-{family}-{sync}"
    server.scripts[name] = reply
    url = f"http://127.0.0.1:{server.port}/script/{name}"
    model = (
        build(WIRES["gemini"], server, name, ours=True)
        if family == "dropin"
        else init_chat_model(
            "google_genai:gemini-2.5-flash", api_key="AIza-x", base_url=url, max_retries=0
        )
    )
    result = await call(model, "stream", sync)
    assert isinstance(result, ChatplexError), result
    assert str(result) and repr(result)


@pytest.mark.parametrize(
    ("wire_name", "sync"),
    # Cohere's async stream holds its calls for the last chunk (as langchain-cohere's
    # async stream gives them): a cut keeps them too.
    [
        (w, s)
        for w in ("openai", "responses", "anthropic", "watsonx", "cohere")
        for s in (True, False)
    ],
)
async def test_a_stream_cut_inside_a_call_keeps_it_invalid_on_the_errors_partial(
    server: HostileServer, wire_name: str, sync: bool
) -> None:
    # The stream ends (the connection closes) right after the arguments' first fragment:
    # the error's `partial` has the call as what it is, invalid (issue 65), not repaired.
    wire = WIRES[wire_name]
    whole = wire.stream(Values(args=CUT_ARGS))
    events = whole.split(b"\n\n")
    upto = next(i for i, event in enumerate(events) if b"Par" in event)
    name = f"{wire_name}-cut-mid-call-{sync}"
    server.scripts[name] = Script(b"\n\n".join(events[: upto + 1]) + b"\n\n", SSE_TYPE)
    result = await call(build(wire, server, name, ours=True), "stream", sync)
    assert isinstance(result, ChatplexError), result
    partial = getattr(result, "partial", None)
    assert partial is not None, repr(result)
    assert _cut_call_invalid(partial), partial


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
@pytest.mark.parametrize("mode", ["invoke", "stream"])
async def test_an_invokemodel_reply_whose_usage_is_a_string_is_kept_and_said(
    server: HostileServer, mode: str, sync: bool
) -> None:
    # The token counts are Bedrock's headers' and metrics' (as langchain-aws reads them):
    # the reply and its usage are whole, and the body's usage of the wrong type is said.
    wire = WIRES["invoke-anthropic"]
    name = f"invoke-usage-a-string-{mode}-{sync}"
    server.scripts[name] = script_for(wire, Values(usage="lots", count=7), mode)
    with pytest.warns(UserWarning, match="usage is a str, not an object"):
        result = await call(build(wire, server, name, ours=True), mode, sync)
    assert not isinstance(result, BaseException), result
    assert result.text == "hi"
    assert (
        result.usage_metadata["input_tokens"] == 7 and result.usage_metadata["output_tokens"] == 1
    )


def _responses_args_at_the_end(args: str, where: str) -> bytes:
    """A Responses stream whose call's arguments come in no delta: only in its
    `function_call_arguments.done`, its `output_item.done`, or the final response."""
    v = Values(args=args)
    call = {"type": "function_call", "id": "fc1", "call_id": "t1", "name": "f", "arguments": ""}
    events: list[dict[str, Any]] = [
        {"type": "response.created", "response": _response(v, "in_progress")},
        {"type": "response.output_item.added", "output_index": 0, "item": call},
    ]
    if where == "arguments-done":
        done = {"type": "response.function_call_arguments.done", "output_index": 0}
        events.append({**done, "item_id": "fc1", "arguments": args})
    if where == "item-done":
        item = {**call, "arguments": args, "status": "completed"}
        events.append({"type": "response.output_item.done", "output_index": 0, "item": item})
    final = _response(v)
    final["output"] = [item for item in final["output"] if item["type"] == "function_call"]
    events.append({"type": "response.completed", "response": final})
    return sse(*events, named=True)


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
@pytest.mark.parametrize("where", ["arguments-done", "item-done", "final-response"])
@pytest.mark.parametrize("deep", [True, False], ids=["deep", "plain"])
async def test_a_responses_call_whose_arguments_come_at_the_end_keeps_them(
    server: HostileServer, where: str, deep: bool, sync: bool
) -> None:
    # Not handed on with no arguments (issue 65: a 100,000-deep call was lost so): the
    # plain ones parsed, the deep ones an invalid call with the text as sent.
    args = DEEP_TEXT if deep else '{"city": "Paris"}'
    name = f"responses-args-at-the-end-{where}-{deep}-{sync}"
    server.scripts[name] = Script(_responses_args_at_the_end(args, where), SSE_TYPE)
    reply = await call(build(WIRES["responses"], server, name, ours=True), "stream", sync)
    assert not isinstance(reply, BaseException), reply
    if deep:
        assert reply.tool_calls == [] and [c["args"] for c in reply.invalid_tool_calls] == [args]
    else:
        assert [c["args"] for c in reply.tool_calls] == [{"city": "Paris"}]


def _first_event(wire: Wire) -> bytes:
    """The wire's own stream cut after its first event (an AWS message's length is its
    first four bytes)."""
    whole = wire.stream(Values())
    if wire.stream_type == AWS_TYPE:
        return whole[: int.from_bytes(whole[:4], "big")]
    line_end = b"\n" if wire.frame is not sse_values else b"\n\n"
    return whole.split(line_end)[0] + line_end


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
@pytest.mark.parametrize(
    "wire_name",
    # (their first event holds no content: nothing reached the caller, so another try)
    ["openai", "responses", "anthropic", "cohere", "watsonx", "converse", "invoke-anthropic"],
)
async def test_a_stream_cut_after_the_wires_first_event_is_still_retried(
    server: HostileServer, wire_name: str, sync: bool
) -> None:
    # The wire's own event, then the end: a stream cut off, not a malformed one.
    wire = WIRES[wire_name]
    name = f"{wire_name}-cut-after-first-{sync}"
    server.scripts[name] = Script(_first_event(wire), wire.stream_type)
    before = server.accepted
    result = await call(build_own(wire_name, server, name), "stream", sync)
    assert isinstance(result, ChatplexError), result
    assert "ended before" in str(result) and vars(result).get("status") is None, repr(result)
    assert server.accepted - before == 3


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
@pytest.mark.parametrize(
    ("wire_name", "other"),
    # DeepSeek's and Chat Completions' events both hold `choices`: neither is the other's.
    [("invoke-deepseek", _chat_family_stream), ("invoke-gpt-oss", _deepseek_stream)]
    + [("invoke-meta", _titan_stream), ("invoke-titan", _mistral_stream)],
    ids=[
        "deepseek-given-chat",
        "gpt-oss-given-deepseek",
        "meta-given-titan",
        "titan-given-mistral",
    ],
)
async def test_an_invokemodel_stream_of_another_familys_events_is_malformed_once(
    server: HostileServer, wire_name: str, other: Callable[[Values], bytes], sync: bool
) -> None:
    name = f"{wire_name}-{other.__name__}-{sync}"
    server.scripts[name] = Script(other(Values()), AWS_TYPE)
    before = server.accepted
    result = await call(build_own(wire_name, server, name), "stream", sync)
    assert isinstance(result, ChatplexError), result
    assert vars(result).get("status") == 200 and "holds no" in str(result), repr(result)
    assert server.accepted - before == 1
