"""Generated provider replies (issue 47): a seeded differential over the replies a server
may send, beyond the mock server's recorded shapes, on the wires a script most often
imports: the partner package's class and chatplex's, compared (`_kit.py`).

Each case is a `Draw` (the reply's text pieces, its tool calls with arguments that may
be `""`, `"{}"` or non-ASCII, how it stopped -- naturally, at the token limit, by a
filter, or for a reason the client does not know -- and a set of the wire's optional
fields: each null, missing, present, or an unknown extra), drawn by
`random.Random(SEED)` and written in the provider's own wire shape (`render`): a JSON
body, and the stream as that wire streams it (SSE; NDJSON for Ollama; AWS event-stream
messages for Converse, by the mock server's encoder). The server answers each request
with the drawn body (`MockSettings.raw_reply`), as a stream where the request asks for
one; both classes (the same constructor call) invoke and stream it, sync or async (by
the draw), and what each makes of it is compared: the message (`observe`: content,
tool calls, invalid calls, usage, metadata, additional kwargs; ids masked), each
streamed chunk in order, and the chunks merged. A failing case prints its body.

A difference the cases found is a named scenario in `SCENARIOS` (its `Draw` fixed),
judged as every matrix cell (`GENERATED_DIFFERENCES`); the generator
leaves that shape out by the predicate named beside its row (`_KNOWN`). Once chatplex
makes it as the partner does, its scenario stays, a cell that must pass (`_FIXED`), and
the generator draws the shape again.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import pytest
from langchain_core.tools import tool

from chatplex.testing import MockRequest
from chatplex.testing import MockServer
from chatplex.testing._mock_aws import event_message

from ._cells import Difference
from ._generated import NamedFamily
from ._generated import assert_same_reply
from ._kit import WIRES
from ._kit import Run
from ._kit import arun
from ._kit import get_weather
from ._kit import merged_chunks
from ._kit import observe
from ._kit import run_cell
from .test_scripts import SCRIPT_WIRES

pytestmark = pytest.mark.xdist_group("agents_matrix_generated_replies")

#: The seed and the number of cases per wire: fixed, so a failure names a case that
#: comes back the same on every run.
SEED = 5959
CASES = 30

HELLO = "Say hello."

# ---- what a case is -----------------------------------------------------------------------


@dataclass(frozen=True)
class Draw:
    """One generated reply, wire-neutral but for `options` (the wire's optional fields,
    by the names `OPTIONS` lists)."""

    #: The text, as the stream sends it (joined for the JSON body); () for none.
    text: tuple[str, ...] = ("Hel", "lo!")
    #: Tool calls: (name, arguments as JSON text; "" where the model sent none).
    calls: tuple[tuple[str, str], ...] = ()
    #: "natural" (the wire's end-of-turn or tool-use reason), "length", "filter",
    #: "unknown" (a reason no client knows).
    stop: str = "natural"
    options: frozenset[str] = frozenset()
    #: Whether the model is called through its async methods.
    use_async: bool = False

    def has(self, option: str) -> bool:
        return option in self.options


#: Each wire's optional fields a draw may set (what its API reference says is optional
#: or nullable, and fields it does not document: an unknown extra).
OPTIONS: dict[str, tuple[str, ...]] = {
    "openai": (
        "usage_missing",
        "usage_details",
        "usage_details_null",
        "fingerprint_null",
        "service_tier_missing",
        "refusal",
        "logprobs",
        "annotations_missing",
        "extra_field",
        "content_empty",
        "usage_null",
        "call_type_missing",
    ),
    "anthropic": (
        "cache_fields_null",
        "cache_fields_missing",
        "cache_creation_detail",
        "service_tier_missing",
        "stop_sequence",
        "citations_null",
        "container_null",
        "extra_field",
        "no_ping",
        "delta_output_only",
        "thinking",
        "server_tool_usage",
        "text_blocks",
    ),
    "gemini": (
        "usage_thoughts",
        "usage_cached",
        "usage_prompt_details",
        "candidates_tokens_missing",
        "index_missing",
        "safety_ratings",
        "avg_logprobs",
        "model_version_missing",
        "extra_field",
        "thought_part",
        "call_id",
        "finish_message",
        "content_missing",
    ),
    "bedrock_converse": (
        "usage_cache",
        "metrics_missing",
        "additional_fields",
        "trace",
        "extra_field",
        "reasoning",
    ),
    "ollama": (
        "counts_missing",
        "durations_missing",
        "thinking_empty",
        "images_null",
        "call_index",
        "extra_field",
        "thinking_text",
        "thinking_unasked",
        "logprobs",
    ),
}
#: Groq and Mistral document no `refusal`; Groq adds its own fields.
_COMPATIBLE = tuple(o for o in OPTIONS["openai"] if o != "refusal")
OPTIONS["groq"] = (*_COMPATIBLE, "x_groq_extra")
OPTIONS["mistralai"] = _COMPATIBLE

_NAMES = ("get_weather", "lookup")
_WORDS = ("Hello", " world", "!", " héllo", " 日本語", " 🙂", " \\n", '"quoted"', " ", "")
_ARGS = (
    "",
    "{}",
    '{"location": "Paris"}',
    '{"location": "Zürich — 東京 🙂"}',
    '{"location": "Rome", "days": 3, "metric": true, "tags": ["a", "b"], "nested": {"x": null}}',
)


def draw(rng: random.Random, wire: str) -> Draw:
    """A case for `wire`: what the generator may send, less the shapes `_KNOWN` leaves."""
    while True:
        calls = tuple(
            (rng.choice(_NAMES), rng.choice(_ARGS)) for _ in range(rng.choice((0, 0, 1, 2, 3)))
        )
        pieces = tuple(rng.choice(_WORDS) for _ in range(rng.randint(0, 3)))
        text = pieces if not calls or rng.random() < 0.3 else ()
        options = OPTIONS[wire]
        case = Draw(
            text=text,
            calls=calls,
            stop=rng.choice(("natural", "natural", "natural", "length", "filter", "unknown")),
            options=frozenset(o for o in options if rng.random() < 0.3),
            use_async=rng.random() < 0.4,
        )
        if not any(known.leaves_out(wire, case) for known in _KNOWN.values()):
            return case


# ---- the wires' shapes ----------------------------------------------------------------------

_MODEL = {
    "openai": "gpt-4o-mini-2024-07-18",
    "groq": "llama-3.3-70b-versatile",
    "mistralai": "mistral-small-latest",
    "anthropic": "claude-haiku-4-5-20251001",
    "gemini": "gemini-2.5-flash",
    "ollama": "llama3.2",
}
_EXTRA = {"x_unknown": {"note": "a field no client knows"}}


def _sse_data(value: Any) -> bytes:
    return b"data: " + json.dumps(value, ensure_ascii=False).encode() + b"\n\n"


def _sse(event: str, value: Any) -> bytes:
    return f"event: {event}\n".encode() + _sse_data(value)


def _args_object(arguments: str) -> dict[str, Any]:
    return json.loads(arguments) if arguments else {}


def _halves(text: str) -> list[str]:
    """A tool call's arguments as a stream sends them: in two fragments (none when
    empty)."""
    if not text:
        return []
    cut = len(text) // 2
    return [text[:cut], text[cut:]] if cut else [text]


# OpenAI's Chat Completions (and Groq's and Mistral's over it)

_OPENAI_STOP = {"length": "length", "filter": "content_filter", "unknown": "eos_token"}


def _openai_stop(d: Draw) -> str:
    return _OPENAI_STOP.get(d.stop) or ("tool_calls" if d.calls else "stop")


def _openai_usage(d: Draw) -> dict[str, Any] | None:
    if d.has("usage_missing"):
        return None
    usage: dict[str, Any] = {"prompt_tokens": 11, "completion_tokens": 7, "total_tokens": 18}
    if d.has("usage_details_null"):
        usage |= {"prompt_tokens_details": None, "completion_tokens_details": None}
    elif d.has("usage_details"):
        usage |= {
            "prompt_tokens_details": {"cached_tokens": 4, "audio_tokens": 0},
            "completion_tokens_details": {
                "reasoning_tokens": 2,
                "audio_tokens": 0,
                "accepted_prediction_tokens": 0,
                "rejected_prediction_tokens": 0,
            },
        }
    return usage


def _openai_logprobs(d: Draw, text: str) -> dict[str, Any] | None:
    if not d.has("logprobs"):
        return None
    token = {"token": text or "x", "logprob": -0.25, "bytes": list((text or "x").encode())}
    return {"content": [{**token, "top_logprobs": []}], "refusal": None}


def _openai_head(d: Draw, wire: str, kind: str) -> dict[str, Any]:
    head: dict[str, Any] = {
        "id": "chatcmpl-gen1",
        "object": kind,
        "created": 1764000000,
        "model": _MODEL[wire],
        "system_fingerprint": None if d.has("fingerprint_null") else "fp_gen",
    }
    if not d.has("service_tier_missing"):
        head["service_tier"] = "default"
    if d.has("extra_field"):
        head |= _EXTRA
    return head


def _openai_call(k: int, name: str, arguments: str, typed: bool = True) -> dict[str, Any]:
    call: dict[str, Any] = {"id": f"call_gen{k}", "type": "function"}
    if not typed:  # a compatible server leaving the call's type out
        del call["type"]
    return call | {"function": {"name": name, "arguments": arguments}}


def openai_json(d: Draw, wire: str) -> bytes:
    text = "".join(d.text)
    message: dict[str, Any] = {
        "role": "assistant",
        "content": text if text or not d.calls else None,
        "refusal": "I can't help with that." if d.has("refusal") else None,
    }
    if d.has("content_empty") and not text:
        message["content"] = ""
    if not d.has("annotations_missing"):
        message["annotations"] = []
    if d.calls:
        typed = not d.has("call_type_missing")
        message["tool_calls"] = [_openai_call(k, *c, typed) for k, c in enumerate(d.calls)]
    choice = {
        "index": 0,
        "message": message,
        "logprobs": _openai_logprobs(d, text),
        "finish_reason": _openai_stop(d),
    }
    body = {**_openai_head(d, wire, "chat.completion"), "choices": [choice]}
    usage = _openai_usage(d)
    if usage is None and d.has("usage_null"):
        body["usage"] = None
    if usage is not None:
        if wire == "groq":
            usage |= {"queue_time": 0.01, "prompt_time": 0.002, "completion_time": 0.003}
        body["usage"] = usage
    if wire == "groq":
        body["x_groq"] = {"id": "req_gen"}
        if d.has("x_groq_extra"):
            body["usage_breakdown"] = None
    return json.dumps(body, ensure_ascii=False).encode()


def _openai_chunk(d: Draw, wire: str, delta: dict[str, Any], **more: Any) -> dict[str, Any]:
    choice = {"index": 0, "delta": delta, "logprobs": None, "finish_reason": None} | more
    return {**_openai_head(d, wire, "chat.completion.chunk"), "choices": [choice]}


def openai_events(d: Draw, wire: str, request: dict[str, Any]) -> list[bytes]:
    asked = (request.get("stream_options") or {}).get("include_usage") is True
    chunks = [_openai_chunk(d, wire, {"role": "assistant", "content": "", "refusal": None})]
    for piece in d.text:
        chunks.append(
            _openai_chunk(d, wire, {"content": piece}, logprobs=_openai_logprobs(d, piece))
        )
    if d.has("refusal"):
        chunks.append(_openai_chunk(d, wire, {"refusal": "I can't help with that."}))
    for k, (name, arguments) in enumerate(d.calls):
        if wire == "mistralai":  # Mistral streams each call whole
            whole = _openai_call(k, name, arguments, not d.has("call_type_missing"))
            chunks.append(_openai_chunk(d, wire, {"tool_calls": [{"index": k, **whole}]}))
            continue
        opening = _openai_call(k, name, "", not d.has("call_type_missing"))
        chunks.append(_openai_chunk(d, wire, {"tool_calls": [{"index": k, **opening}]}))
        for part in _halves(arguments):
            fragment = {"index": k, "function": {"arguments": part}}
            chunks.append(_openai_chunk(d, wire, {"tool_calls": [fragment]}))
    finish = _openai_chunk(d, wire, {}, finish_reason=_openai_stop(d))
    usage = _openai_usage(d)
    if asked:
        for chunk in chunks + [finish]:
            chunk["usage"] = None
    elif usage is not None and wire == "groq":
        finish["x_groq"] = {"id": "req_gen", "usage": usage}
    elif usage is not None and wire == "mistralai":
        finish["usage"] = usage
    chunks.append(finish)
    if asked and usage is not None:
        chunks.append({**_openai_head(d, wire, "chat.completion.chunk"), "choices": []})
        chunks[-1]["usage"] = usage
    return [*map(_sse_data, chunks), b"data: [DONE]\n\n"]


# Anthropic's Messages

_ANTHROPIC_STOP = {"length": "max_tokens", "filter": "refusal", "unknown": "model_context_window"}


def _anthropic_stop(d: Draw) -> str:
    if d.has("stop_sequence") and d.stop == "natural" and not d.calls:
        return "stop_sequence"
    return _ANTHROPIC_STOP.get(d.stop) or ("tool_use" if d.calls else "end_turn")


def _anthropic_usage(d: Draw, output: int) -> dict[str, Any]:
    usage: dict[str, Any] = {"input_tokens": 12, "output_tokens": output}
    if d.has("cache_fields_null"):
        usage |= {"cache_creation_input_tokens": None, "cache_read_input_tokens": None}
    elif not d.has("cache_fields_missing"):
        usage |= {"cache_creation_input_tokens": 3, "cache_read_input_tokens": 5}
    if d.has("cache_creation_detail"):
        usage["cache_creation"] = {"ephemeral_5m_input_tokens": 3, "ephemeral_1h_input_tokens": 0}
    if not d.has("service_tier_missing"):
        usage["service_tier"] = "standard"
    if d.has("server_tool_usage"):
        usage["server_tool_use"] = {"web_search_requests": 0}
    return usage


def _anthropic_text_block(d: Draw, text: str) -> dict[str, Any]:
    block: dict[str, Any] = {"type": "text", "text": text}
    if d.has("citations_null"):
        block["citations"] = None
    return block


def _anthropic_message(d: Draw, content: list[Any], finished: bool) -> dict[str, Any]:
    message: dict[str, Any] = {
        "id": "msg_gen1",
        "type": "message",
        "role": "assistant",
        "model": _MODEL["anthropic"],
        "content": content,
        "stop_reason": _anthropic_stop(d) if finished else None,
        "stop_sequence": "###" if finished and _anthropic_stop(d) == "stop_sequence" else None,
        "usage": _anthropic_usage(d, 9 if finished else 1),
    }
    if d.has("container_null"):
        message["container"] = None
    if d.has("extra_field"):
        message |= _EXTRA
    return message


def _anthropic_tool(k: int, name: str, arguments: Any) -> dict[str, Any]:
    return {"type": "tool_use", "id": f"toolu_gen{k}", "name": name, "input": arguments}


_THINKING = {"type": "thinking", "thinking": "Let me think: ünïcode.", "signature": "c2ln"}


def anthropic_json(d: Draw, wire: str) -> bytes:
    content: list[Any] = [dict(_THINKING)] if d.has("thinking") else []
    if d.has("text_blocks"):  # each piece a block of its own (as after a server tool)
        content += [_anthropic_text_block(d, piece) for piece in d.text]
    elif d.text:
        content.append(_anthropic_text_block(d, "".join(d.text)))
    content += [_anthropic_tool(k, n, _args_object(a)) for k, (n, a) in enumerate(d.calls)]
    return json.dumps(_anthropic_message(d, content, True), ensure_ascii=False).encode()


def anthropic_events(d: Draw, wire: str, request: dict[str, Any]) -> list[bytes]:
    start = {"type": "message_start", "message": _anthropic_message(d, [], False)}
    events = [_sse("message_start", start)]
    blocks: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
    if d.has("thinking"):
        deltas = [
            {"type": "thinking_delta", "thinking": _THINKING["thinking"]},
            {"type": "signature_delta", "signature": _THINKING["signature"]},
        ]
        blocks.append(({"type": "thinking", "thinking": "", "signature": ""}, deltas))
    if d.has("text_blocks"):
        for piece in d.text:
            blocks.append((_anthropic_text_block(d, ""), [{"type": "text_delta", "text": piece}]))
    elif d.text:
        deltas = [{"type": "text_delta", "text": p} for p in d.text]
        blocks.append((_anthropic_text_block(d, ""), deltas))
    for k, (name, arguments) in enumerate(d.calls):
        parts = _halves(arguments) or [""]
        deltas = [{"type": "input_json_delta", "partial_json": p} for p in parts]
        blocks.append((_anthropic_tool(k, name, {}), deltas))
    for index, (block, deltas) in enumerate(blocks):
        opened = {"type": "content_block_start", "index": index, "content_block": block}
        events.append(_sse("content_block_start", opened))
        if index == 0 and not d.has("no_ping"):
            events.append(_sse("ping", {"type": "ping"}))
        for delta in deltas:
            piece = {"type": "content_block_delta", "index": index, "delta": delta}
            events.append(_sse("content_block_delta", piece))
        events.append(_sse("content_block_stop", {"type": "content_block_stop", "index": index}))
    stop = _anthropic_stop(d)
    closing = {"stop_reason": stop, "stop_sequence": "###" if stop == "stop_sequence" else None}
    # The closing usage: cumulative, as the API sends it today, or the output count
    # alone, as it used to (and as some servers still do).
    usage = {"output_tokens": 9} if d.has("delta_output_only") else _anthropic_usage(d, 9)
    events.append(
        _sse("message_delta", {"type": "message_delta", "delta": closing, "usage": usage})
    )
    events.append(_sse("message_stop", {"type": "message_stop"}))
    return events


# Gemini's generateContent

_GEMINI_STOP = {"length": "MAX_TOKENS", "filter": "SAFETY", "unknown": "FINISH_REASON_NEW"}


def _gemini_usage(d: Draw, output: int) -> dict[str, Any]:
    usage: dict[str, Any] = {"promptTokenCount": 10, "totalTokenCount": 10 + output}
    if not d.has("candidates_tokens_missing"):
        usage["candidatesTokenCount"] = output
    if d.has("usage_thoughts"):
        usage["thoughtsTokenCount"] = 4
        usage["totalTokenCount"] += 4
    if d.has("usage_cached"):
        usage["cachedContentTokenCount"] = 6
    if d.has("usage_prompt_details"):
        usage["promptTokensDetails"] = [{"modality": "TEXT", "tokenCount": 10}]
    return usage


def _gemini_body(d: Draw, parts: list[Any], last: bool, output: int) -> dict[str, Any]:
    candidate: dict[str, Any] = {"content": {"parts": parts, "role": "model"}}
    if not parts and d.has("content_missing"):  # a withheld candidate has no content
        del candidate["content"]
    if last:
        candidate["finishReason"] = _GEMINI_STOP.get(d.stop, "STOP")
        if d.has("avg_logprobs"):
            candidate["avgLogprobs"] = -0.5
        if d.has("finish_message"):
            candidate["finishMessage"] = "Finished: ünïcode."
    if not d.has("index_missing"):
        candidate["index"] = 0
    if d.has("safety_ratings"):
        rating = {"category": "HARM_CATEGORY_HARASSMENT", "probability": "NEGLIGIBLE"}
        candidate["safetyRatings"] = [rating]
    body: dict[str, Any] = {
        "candidates": [candidate],
        "usageMetadata": _gemini_usage(d, output),
        "responseId": "gen-response",
    }
    if not d.has("model_version_missing"):
        body["modelVersion"] = _MODEL["gemini"]
    if d.has("extra_field"):
        body |= _EXTRA
    return body


def _gemini_calls(d: Draw) -> list[dict[str, Any]]:
    calls = [{"functionCall": {"name": n, "args": _args_object(a)}} for n, a in d.calls]
    if d.has("call_id"):  # Gemini 3 names each call
        for k, call in enumerate(calls):
            call["functionCall"]["id"] = f"fc_gen{k}"
    return calls


_THOUGHT = {"text": "Thinking about ünïcode.", "thought": True}


def gemini_json(d: Draw, wire: str) -> bytes:
    parts = [dict(_THOUGHT)] if d.has("thought_part") else []
    parts += ([{"text": "".join(d.text)}] if d.text else []) + _gemini_calls(d)
    return json.dumps(_gemini_body(d, parts, True, 8), ensure_ascii=False).encode()


def gemini_events(d: Draw, wire: str, request: dict[str, Any]) -> list[bytes]:
    if d.has("content_missing") and not (d.text or d.calls or d.has("thought_part")):
        return [_sse_data(_gemini_body(d, [], True, 0))]
    pieces: list[list[Any]] = [[dict(_THOUGHT)]] if d.has("thought_part") else []
    pieces += [[{"text": p}] for p in d.text]
    if d.calls:
        pieces.append(_gemini_calls(d))
    pieces = pieces or [[{"text": ""}]]
    return [
        _sse_data(_gemini_body(d, parts, n == len(pieces), n)) for n, parts in enumerate(pieces, 1)
    ]


# Bedrock's Converse

_CONVERSE_STOP = {"length": "max_tokens", "filter": "content_filtered", "unknown": "model_halted"}


def _converse_stop(d: Draw) -> str:
    return _CONVERSE_STOP.get(d.stop) or ("tool_use" if d.calls else "end_turn")


def _converse_usage(d: Draw) -> dict[str, Any]:
    usage = {"inputTokens": 13, "outputTokens": 6, "totalTokens": 19}
    if d.has("usage_cache"):
        usage |= {"cacheReadInputTokens": 2, "cacheWriteInputTokens": 1, "totalTokens": 22}
    return usage


def _converse_tail(d: Draw) -> dict[str, Any]:
    tail: dict[str, Any] = {"usage": _converse_usage(d)}
    if not d.has("metrics_missing"):
        tail["metrics"] = {"latencyMs": 120}
    if d.has("trace"):
        tail["trace"] = {"promptRouter": {"invokedModelId": "anthropic.claude"}}
    return tail


_REASONING = {"reasoningText": {"text": "Reasoning in ünïcode.", "signature": "c2ln"}}


def converse_json(d: Draw, wire: str) -> bytes:
    content: list[Any] = [{"reasoningContent": _REASONING}] if d.has("reasoning") else []
    content += [{"text": "".join(d.text)}] if d.text else []
    content += [
        {"toolUse": {"toolUseId": f"tooluse_gen{k}", "name": n, "input": _args_object(a)}}
        for k, (n, a) in enumerate(d.calls)
    ]
    body: dict[str, Any] = {
        "output": {"message": {"role": "assistant", "content": content}},
        "stopReason": _converse_stop(d),
        **_converse_tail(d),
    }
    if d.has("additional_fields"):
        body["additionalModelResponseFields"] = {"stop_sequence": None}
    if d.has("extra_field"):
        body |= _EXTRA
    return json.dumps(body, ensure_ascii=False).encode()


def converse_events(d: Draw, wire: str, request: dict[str, Any]) -> list[bytes]:
    events = [event_message("messageStart", {"role": "assistant"})]
    index = 0
    if d.has("reasoning"):
        text, signature = _REASONING["reasoningText"]["text"], "c2ln"
        for thought in ({"text": text}, {"signature": signature}):
            said = {"contentBlockIndex": 0, "delta": {"reasoningContent": thought}}
            events.append(event_message("contentBlockDelta", said))
        events.append(event_message("contentBlockStop", {"contentBlockIndex": 0}))
        index = 1
    if d.text:
        for piece in d.text:
            delta = {"contentBlockIndex": index, "delta": {"text": piece}}
            events.append(event_message("contentBlockDelta", delta))
        events.append(event_message("contentBlockStop", {"contentBlockIndex": index}))
        index += 1
    for k, (name, arguments) in enumerate(d.calls, index):
        start = {"toolUse": {"toolUseId": f"tooluse_gen{k}", "name": name}}
        events.append(event_message("contentBlockStart", {"contentBlockIndex": k, "start": start}))
        for part in _halves(arguments):
            delta = {"contentBlockIndex": k, "delta": {"toolUse": {"input": part}}}
            events.append(event_message("contentBlockDelta", delta))
        events.append(event_message("contentBlockStop", {"contentBlockIndex": k}))
    stop: dict[str, Any] = {"stopReason": _converse_stop(d)}
    if d.has("additional_fields"):
        stop["additionalModelResponseFields"] = {"stop_sequence": None}
    events.append(event_message("messageStop", stop))
    events.append(event_message("metadata", _converse_tail(d)))
    return events


# Ollama's /api/chat

_OLLAMA_STOP = {"length": "length", "filter": "stop", "unknown": "unload"}


def _ollama_done(d: Draw) -> dict[str, Any]:
    done: dict[str, Any] = {"done": True, "done_reason": _OLLAMA_STOP.get(d.stop, "stop")}
    if not d.has("durations_missing"):
        done |= {"total_duration": 5000, "load_duration": 100, "eval_duration": 2000}
        done["prompt_eval_duration"] = 1000
    if not d.has("counts_missing"):
        done |= {"prompt_eval_count": 14, "eval_count": 5}
    if d.has("extra_field"):
        done |= _EXTRA
    return done


def _ollama_message(d: Draw, content: str, calls: bool) -> dict[str, Any]:
    message: dict[str, Any] = {"role": "assistant", "content": content}
    if d.has("thinking_empty"):
        message["thinking"] = ""
    if d.has("images_null"):
        message["images"] = None
    if calls and d.calls:
        message["tool_calls"] = [
            {"function": {"name": n, "arguments": _args_object(a)}} for n, a in d.calls
        ]
        if d.has("call_index"):
            for k, call in enumerate(message["tool_calls"]):
                call["function"]["index"] = k
    return message


_OLLAMA_THINKING = "Thinking in ünïcode."


def _ollama_logprob(piece: str) -> dict[str, Any]:
    return {"token": piece, "logprob": -0.5, "top_logprobs": []}


def _ollama_thinks(d: Draw) -> bool:
    """The reply thinks aloud (asked to with `reasoning=True`, or not asked)."""
    return (d.has("thinking_text") or d.has("thinking_unasked")) and not d.has("thinking_empty")


_OLLAMA_HEAD = {"model": _MODEL["ollama"], "created_at": "2026-11-26T12:00:00.000000Z"}


def ollama_json(d: Draw, wire: str) -> bytes:
    message = _ollama_message(d, "".join(d.text), True)
    if _ollama_thinks(d):
        message["thinking"] = _OLLAMA_THINKING  # (a stream sends it on a line of its own)
    body = {**_OLLAMA_HEAD, "message": message, **_ollama_done(d)}
    if d.has("logprobs"):
        body["logprobs"] = [_ollama_logprob(piece) for piece in d.text]
    return json.dumps(body, ensure_ascii=False).encode()


def ollama_events(d: Draw, wire: str, request: dict[str, Any]) -> list[bytes]:
    lines = [
        {**_OLLAMA_HEAD, "message": _ollama_message(d, p, False), "done": False} for p in d.text
    ]
    if d.has("logprobs"):  # each piece's tokens, as a server asked for them sends them
        for line, piece in zip(lines, d.text, strict=True):
            line["logprobs"] = [_ollama_logprob(piece)]
    if _ollama_thinks(d):
        thought = {"role": "assistant", "content": "", "thinking": _OLLAMA_THINKING}
        lines.insert(0, {**_OLLAMA_HEAD, "message": thought, "done": False})
    if d.calls:
        lines.append({**_OLLAMA_HEAD, "message": _ollama_message(d, "", True), "done": False})
    lines.append({**_OLLAMA_HEAD, "message": _ollama_message(d, "", False), **_ollama_done(d)})
    return [json.dumps(line, ensure_ascii=False).encode() + b"\n" for line in lines]


@dataclass(frozen=True)
class Shape:
    """A wire's reply shapes: its JSON body, its stream, and whether a request asks for
    the stream."""

    json: Callable[[Draw, str], bytes]
    events: Callable[[Draw, str, dict[str, Any]], list[bytes]]
    streams: Callable[[MockRequest], bool] = field(
        default=lambda request: (request.json or {}).get("stream") is True
    )


SHAPES: dict[str, Shape] = {
    "openai": Shape(openai_json, openai_events),
    "groq": Shape(openai_json, openai_events),
    "mistralai": Shape(openai_json, openai_events),
    "anthropic": Shape(anthropic_json, anthropic_events),
    "gemini": Shape(gemini_json, gemini_events, lambda r: "streamGenerateContent" in r.path),
    "bedrock_converse": Shape(
        converse_json, converse_events, lambda r: r.path.endswith("/converse-stream")
    ),
    # Ollama streams unless a request says `"stream": false`.
    "ollama": Shape(
        ollama_json, ollama_events, lambda r: (r.json or {}).get("stream", True) is not False
    ),
}


def render(d: Draw, wire: str, request: MockRequest) -> bytes | list[bytes]:
    """The reply to `request` as `wire`'s server writes it."""
    shape = SHAPES[wire]
    if shape.streams(request):
        return shape.events(d, wire, request.json or {})
    return shape.json(d, wire)


# ---- running a case ---------------------------------------------------------------------


def _caught(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except Exception as exc:  # noqa: BLE001 - what was raised is the outcome
        return exc


@tool
def lookup(location: str = "", days: int = 1) -> str:
    """Look a place up."""
    return location


#: What each side's constructor is given where the draw has an option: a reply the
#: provider sends only when asked (Anthropic's thinking; Ollama's, which the partner
#: keeps only when asked for).
_ASKED: dict[tuple[str, str], dict[str, Any]] = {
    ("anthropic", "thinking"): {
        "thinking": {"type": "enabled", "budget_tokens": 1024},
        "max_tokens": 2048,
    },
    ("ollama", "thinking_text"): {"reasoning": True},
}


def _settings(wire: str, d: Draw) -> dict[str, Any]:
    settings: dict[str, Any] = {} if wire == "ollama" else {"max_retries": 0}
    for option in d.options:
        settings.update(_ASKED.get((wire, option), {}))
    return settings


def _streamed(wire: str) -> bool:
    return True


def replied(
    d: Draw,
    *,
    reply: Callable[[Draw, str, MockRequest], bytes | list[bytes]] = render,
    settings: Callable[[str, Draw], dict[str, Any]] = _settings,
    streamed: Callable[[str], bool] = _streamed,
) -> Callable[[Run], Any]:
    """A scenario: the model (made with `settings`) invoked and streamed (sync or async,
    by the draw) while the server answers with `d` as `reply` renders it; where a wire's
    sync stream is not `streamed` (compared), invoked only."""

    def scenario(run: Run) -> Any:
        run.server.settings.raw_reply = lambda request: reply(d, run.wire.name, request)
        try:
            model = run.make(**settings(run.wire.name, d))
            if d.calls:  # a provider calls only the tools it was offered
                model = model.bind_tools([get_weather, lookup])
            if d.use_async:

                async def body() -> Any:
                    invoked = await model.ainvoke(HELLO)
                    chunks = [c async for c in model.astream(HELLO)]
                    return invoked, chunks

                outcome = _caught(lambda: arun(body))
                if isinstance(outcome, Exception):
                    return {"raised": observe(outcome)}
                invoked, chunks = outcome
            else:
                invoked = _caught(lambda: model.invoke(HELLO))
                if not streamed(run.wire.name):
                    return {"invoked": observe(invoked)}
                chunks = _caught(lambda: list(model.stream(HELLO)))
            if isinstance(chunks, Exception):
                return {"invoked": observe(invoked), "streamed": observe(chunks)}
            return {
                "invoked": observe(invoked),
                "chunks": observe(chunks),
                "merged": observe(merged_chunks(chunks)),
            }
        finally:
            run.server.settings.raw_reply = None

    return scenario


# ---- the differences the cases found ---------------------------------------------------------


@dataclass(frozen=True)
class Known:
    """A shape the cases found differing: the wire, the predicate by which the generator
    leaves it out, and the draw its named scenario replays."""

    wire: str
    leaves_out: Callable[[str, Draw], bool]
    replay: Draw


def streamed_refusal(wire: str, d: Draw) -> bool:
    """A Chat Completions refusal (`message.refusal`; in a stream, `delta.refusal`)."""
    return wire == "openai" and d.has("refusal")


def start_extra_field(wire: str, d: Draw) -> bool:
    """A Messages reply with a top-level field the SDK does not model (in a stream, on
    message_start's message)."""
    return wire == "anthropic" and d.has("extra_field")


def thinking_unasked(wire: str, d: Draw) -> bool:
    """An Ollama reply thinking aloud (`message.thinking`) where the call did not ask for
    reasoning (a thinking model's default on recent servers)."""
    return wire == "ollama" and d.has("thinking_unasked") and not d.has("thinking_empty")


def delta_output_only(wire: str, d: Draw) -> bool:
    """A Messages stream whose message_delta usage is the output count alone (the input
    counts on message_start's message only)."""
    return wire == "anthropic" and d.has("delta_output_only")


_KNOWN: dict[str, Known] = {
    "reply_refusal_streamed": Known(
        "openai",
        streamed_refusal,
        Draw(text=(), options=frozenset({"refusal", "content_empty"})),
    ),
    "reply_start_extra_field": Known(
        "anthropic", start_extra_field, Draw(options=frozenset({"extra_field"}))
    ),
    "reply_thinking_unasked": Known(
        "ollama", thinking_unasked, Draw(options=frozenset({"thinking_unasked"}))
    ),
    "reply_delta_output_only": Known(
        "anthropic",
        delta_output_only,
        Draw(
            calls=(("get_weather", '{"location": "Paris"}'),),
            options=frozenset({"delta_output_only"}),
        ),
    ),
}

#: Shapes the cases found differing and chatplex now makes as the partner does: each
#: replayed as a named scenario (a cell that must pass), and drawn by the generator again.
_FIXED: dict[str, tuple[str, Draw]] = {
    # An empty text_delta where the Messages content is blocks (tools bound).
    "reply_empty_text_piece": (
        "anthropic",
        Draw(text=("",), calls=(("get_weather", '{"location": "Paris"}'),)),
    ),
    # Several text blocks in a row, streamed where the content is blocks.
    "reply_text_blocks_streamed": (
        "anthropic",
        Draw(
            text=("Hel", "lo"),
            calls=(("get_weather", '{"location": "Paris"}'),),
            options=frozenset({"text_blocks"}),
        ),
    ),
    # Ollama's log probabilities of the reply's tokens (`logprobs` beside each piece).
    "reply_token_logprobs": ("ollama", Draw(text=("Hi", "!"), options=frozenset({"logprobs"}))),
}

SCENARIOS: dict[str, Callable[[Run], Any]] = {
    name: replied(known.replay) for name, known in _KNOWN.items()
} | {name: replied(replay) for name, (_, replay) in _FIXED.items()}


def _merged_of(outcome: Any) -> dict[str, Any]:
    merged = outcome.get("merged") if isinstance(outcome, dict) else None
    return merged if isinstance(merged, dict) else {}


def _invoked_of(outcome: Any) -> dict[str, Any]:
    invoked = outcome.get("invoked") if isinstance(outcome, dict) else None
    return invoked if isinstance(invoked, dict) else {}


def _refusal_lost_in_stream(outcome: Any) -> bool:
    """The invoked reply has the refusal; no streamed chunk, nor the merged stream."""
    chunks = outcome.get("chunks") if isinstance(outcome, dict) else None
    return (
        bool(_invoked_of(outcome).get("additional_kwargs", {}).get("refusal"))
        and isinstance(chunks, list)
        and not any("refusal" in (c.get("additional_kwargs") or {}) for c in chunks)
        and "refusal" not in (_merged_of(outcome).get("additional_kwargs") or {})
    )


def _extra_field_lost_in_stream(outcome: Any) -> bool:
    """The invoked reply's metadata has the unknown field; the merged stream's has not."""
    return "x_unknown" in (_invoked_of(outcome).get("response_metadata") or {}) and (
        "x_unknown" not in (_merged_of(outcome).get("response_metadata") or {})
    )


def _input_tokens_lost_in_stream(outcome: Any) -> bool:
    """The invoked reply counts input tokens; the merged stream counts none."""
    invoked = _invoked_of(outcome).get("usage_metadata") or {}
    merged = _merged_of(outcome).get("usage_metadata") or {}
    return invoked.get("input_tokens", 0) > 0 and merged.get("input_tokens") == 0


def _thinking_lost(outcome: Any) -> bool:
    """No reasoning in the invoked reply, any chunk or the merged stream."""
    chunks = outcome.get("chunks") if isinstance(outcome, dict) else None
    messages = [_invoked_of(outcome), _merged_of(outcome), *(chunks or [])]
    return isinstance(chunks, list) and not any(
        "reasoning_content" in (m.get("additional_kwargs") or {}) for m in messages
    )


GENERATED_DIFFERENCES: dict[tuple[str, str], Difference] = {
    ("reply_refusal_streamed", "openai"): Difference(
        "loses data",
        "langchain-openai's stream drops a Chat Completions refusal (`delta.refusal` is "
        "not read): no chunk and not the merged stream has it, where its invoke has "
        "`additional_kwargs['refusal']`; chatplex's stream keeps it there too",
        _refusal_lost_in_stream,
    ),
    ("reply_start_extra_field", "anthropic"): Difference(
        "loses data",
        "langchain-anthropic's stream keeps only `model_name` of message_start's "
        "message: a top-level field it does not model, which its invoke keeps in "
        "response_metadata, is gone from the stream; chatplex's stream keeps it",
        _extra_field_lost_in_stream,
    ),
    ("reply_thinking_unasked", "ollama"): Difference(
        "loses data",
        "langchain-ollama keeps a reply's `thinking` only when the call asked for "
        "reasoning: a thinking model's reply on a server that thinks by default loses "
        "it, invoked and streamed; chatplex keeps it in "
        "`additional_kwargs['reasoning_content']`",
        _thinking_lost,
    ),
    ("reply_delta_output_only", "anthropic"): Difference(
        "loses data",
        "langchain-anthropic's stream takes its usage from message_delta alone: where "
        "that has the output count only (the input counts on message_start, as the "
        "Messages API streamed them until 2025), its stream reports input_tokens 0; "
        "chatplex's keeps message_start's counts",
        _input_tokens_lost_in_stream,
    ),
}


def scenario_wires(
    known: Mapping[str, Known], fixed: Mapping[str, tuple[str, Draw]]
) -> dict[str, tuple[str, ...]]:
    """Each named scenario of a file's `_KNOWN` and `_FIXED`: the one wire it runs on."""
    named = [*((n, k.wire) for n, k in known.items()), *((n, w) for n, (w, _) in fixed.items())]
    return {name: (wire,) for name, wire in named}


test_known_reply = NamedFamily(
    SCENARIOS,
    (),
    scenario_wires(_KNOWN, _FIXED),
    differences=GENERATED_DIFFERENCES,
).test()


def drawn_cases(
    wires: Iterable[str], seed: int, count: int, draw: Callable[[random.Random, str], Draw]
) -> list[Any]:
    """The `(wire, case)` parameters: `count` per wire, drawn by `draw` from one
    generator per wire seeded by (`seed`, wire), each named by its number and shape."""
    params = []
    for wire in wires:
        rng = random.Random(f"{seed}:{wire}")
        for number in range(count):
            case = draw(rng, wire)
            tags = [f"{len(case.calls)}calls", case.stop, "async" if case.use_async else "sync"]
            tags += sorted(case.options)
            params.append(pytest.param(wire, case, id=f"{wire}-{number:02d}-{'-'.join(tags)}"))
    return params


@pytest.mark.parametrize(("wire", "case"), drawn_cases(SCRIPT_WIRES, SEED, CASES, draw))
def test_generated_reply(server: MockServer, wire: str, case: Draw) -> None:
    theirs, ours = run_cell(replied(case), WIRES[wire], server)
    assert_same_reply(
        theirs,
        ours,
        case,
        lambda: SHAPES[wire].json(case, wire),
        lambda: SHAPES[wire].events(case, wire, {}),
    )
