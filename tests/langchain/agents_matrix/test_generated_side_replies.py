"""Generated provider replies over the side wires (issue 47): `test_generated_replies.py`'s
seeded differential (a `Draw` -> the reply in the wire's own shape -> the message and
each streamed piece of the partner's class and chatplex's, compared) over the wires
`test_side_wires.py` runs (`SIDE_WIRES`), each in its own shape: the OpenAI-compatible
ones as Chat Completions with the fields each adds (Azure's content-filter results,
DeepSeek's and xAI's `reasoning_content` and usage counts, Perplexity's `citations` /
`search_results` and search usage, Fireworks' `perf_metrics`, Together's choice `seed`,
SambaNova's timings), Vertex as Gemini's generateContent (invoked, sync: see
`SIDE_SHAPES`), Bedrock's InvokeModel as Anthropic's Messages in AWS event-stream
`chunk`s, Cohere's v2 chat, and OpenAI's Responses (its typed events, reasoning items,
annotations, incomplete endings).

Fewer cases per wire than the main file (`CASES`), so that the file stays cheap; the
fields the matrix already holds as known gaps (`_cells.FIELD_GAPS`) are left out of the
comparison, as `judge` leaves them. A difference the cases found is a named scenario
(`_KNOWN`, its `Draw` fixed), judged as every matrix cell (`SIDE_REPLY_DIFFERENCES`);
the generator leaves that shape out by the predicate named beside it. One chatplex now
makes as the partner does stays, a cell that must pass (`_FIXED`), and is drawn again.
"""

from __future__ import annotations

import base64
import json
import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from chatplex.testing import MockRequest
from chatplex.testing import MockServer
from chatplex.testing._mock_aws import event_message

from ._cells import Difference
from ._cells import field_gaps_out
from ._cells import raises
from ._generated import NamedFamily
from ._generated import assert_same_reply
from ._kit import WIRES
from ._kit import Run
from ._kit import run_cell
from .test_generated_replies import _ARGS
from .test_generated_replies import _EXTRA
from .test_generated_replies import _NAMES
from .test_generated_replies import _WORDS
from .test_generated_replies import OPTIONS
from .test_generated_replies import Draw
from .test_generated_replies import Known
from .test_generated_replies import _args_object
from .test_generated_replies import _halves
from .test_generated_replies import _sse
from .test_generated_replies import anthropic_events
from .test_generated_replies import anthropic_json
from .test_generated_replies import drawn_cases
from .test_generated_replies import gemini_events
from .test_generated_replies import gemini_json
from .test_generated_replies import openai_events
from .test_generated_replies import openai_json
from .test_generated_replies import replied
from .test_generated_replies import scenario_wires
from .test_side_wires import SIDE_WIRES

pytestmark = pytest.mark.xdist_group("agents_matrix_generated_side_replies")

SEED = 5960
CASES = 6

# ---- each side wire's optional fields ----------------------------------------------------------

#: Chat Completions' optional fields less `refusal` (which langchain-openai's stream
#: drops: `test_generated_replies.py`'s `reply_refusal_streamed`).
_CHAT = tuple(o for o in OPTIONS["openai"] if o != "refusal")

SIDE_OPTIONS: dict[str, tuple[str, ...]] = {
    "azure": (*_CHAT, "content_filter_results"),
    "deepseek": (*_CHAT, "reasoning", "cache_hit_usage"),
    "xai": (*_CHAT, "reasoning", "sources_usage"),
    "together": (*_CHAT, "choice_seed"),
    "fireworks": (*_CHAT, "perf_metrics"),
    "perplexity": (*_CHAT, "citations", "search_results", "search_usage"),
    "sambanova": (*_CHAT, "timing_usage"),
    "nebius": _CHAT,
    "vertex": OPTIONS["gemini"],
    "bedrock": tuple(
        o for o in OPTIONS["anthropic"] if o not in ("thinking", "no_ping", "extra_field")
    ),
    "cohere": ("tool_plan", "usage_billed_missing", "citations_empty", "logprobs_null"),
    "responses": ("usage_details", "reasoning_item", "text_annotations", "extra_field"),
}
#: Wires without tools (Perplexity's class binds none).
_NO_TOOLS = frozenset(w for w in SIDE_WIRES if not WIRES[w].tools)


def draw(rng: random.Random, wire: str) -> Draw:
    """A case for `wire`, as `test_generated_replies.draw` draws one, less `_KNOWN`'s."""
    while True:
        count = 0 if wire in _NO_TOOLS else rng.choice((0, 0, 1, 2))
        calls = tuple((rng.choice(_NAMES), rng.choice(_ARGS)) for _ in range(count))
        pieces = tuple(rng.choice(_WORDS) for _ in range(rng.randint(0, 3)))
        case = Draw(
            text=pieces if not calls or rng.random() < 0.3 else (),
            calls=calls,
            stop=rng.choice(("natural", "natural", "natural", "length", "filter", "unknown")),
            options=frozenset(o for o in SIDE_OPTIONS[wire] if rng.random() < 0.3),
            use_async=rng.random() < 0.4 and SIDE_SHAPES[wire].compared_async,
        )
        if not any(known.leaves_out(wire, case) for known in _KNOWN.values()):
            return case


# ---- the OpenAI-compatible wires: Chat Completions and each one's own fields ------------------

_FILTERED = {"hate": {"filtered": False, "severity": "safe"}}


def _chat_extras(d: Draw, body: dict[str, Any], model: Any, chunk: bool) -> dict[str, Any]:
    """`body` (a Chat Completions reply or chunk) with the model asked for (as a server
    names it) and the wire's own fields the draw has."""
    if model:
        body["model"] = model
    choices = body.get("choices") or []
    where = "delta" if chunk else "message"
    if d.has("content_filter_results"):
        body["prompt_filter_results"] = [{"prompt_index": 0, "content_filter_results": _FILTERED}]
        for choice in choices:
            choice["content_filter_results"] = _FILTERED
    if d.has("reasoning"):
        for choice in choices:
            said = choice[where]
            if not chunk or said.get("role") == "assistant":
                said["reasoning_content"] = "Thinking in ünïcode."
    if d.has("choice_seed"):
        for choice in choices:
            choice["seed"] = 42
    if d.has("citations"):
        body["citations"] = ["https://example.com/a", "https://example.com/b"]
    if d.has("search_results"):
        result = {"title": "A", "url": "https://example.com/a", "date": "2026-11-01"}
        body["search_results"] = [result]
    if d.has("perf_metrics"):
        body["perf_metrics"] = {"server-time-to-first-token": "0.01"}
    usage = body.get("usage")
    if isinstance(usage, dict):
        if d.has("cache_hit_usage"):
            usage |= {"prompt_cache_hit_tokens": 4, "prompt_cache_miss_tokens": 7}
        if d.has("sources_usage"):
            usage["num_sources_used"] = 0
        if d.has("search_usage"):
            usage |= {"search_context_size": "low", "citation_tokens": 3, "num_search_queries": 1}
        if d.has("timing_usage"):
            usage |= {"time_to_first_token": 0.02, "completion_tokens_after_first_per_sec": 90.5}
    return body


def chat_json(d: Draw, wire: str, request: dict[str, Any]) -> bytes:
    body = _chat_extras(d, json.loads(openai_json(d, "openai")), request.get("model"), False)
    return json.dumps(body, ensure_ascii=False).encode()


def chat_events(d: Draw, wire: str, asked: MockRequest) -> list[bytes]:
    request = asked.json or {}
    events = []
    for frame in openai_events(d, "openai", request):
        if frame.startswith(b"data: {"):
            chunk = _chat_extras(d, json.loads(frame[6:]), request.get("model"), True)
            frame = b"data: " + json.dumps(chunk, ensure_ascii=False).encode() + b"\n\n"
        events.append(frame)
    return events


# ---- Bedrock InvokeModel: Anthropic's Messages, streamed in event-stream chunks -------------


def invoke_events(d: Draw, wire: str, request: MockRequest) -> list[bytes]:
    """Anthropic's events (less `ping`, which Bedrock does not send), each the base64
    `bytes` of a `chunk` message; `message_stop` with Bedrock's invocation metrics."""
    events = []
    for frame in anthropic_events(d, wire, request.json or {}):
        data = json.loads(frame.split(b"data: ", 1)[1])
        if data["type"] == "ping":
            continue
        if data["type"] == "message_stop":
            metrics = {"inputTokenCount": 12, "outputTokenCount": 9, "invocationLatency": 1}
            data["amazon-bedrock-invocationMetrics"] = metrics | {"firstByteLatency": 1}
        payload = json.dumps(data, ensure_ascii=False).encode()
        events.append(event_message("chunk", {"bytes": base64.b64encode(payload).decode()}))
    return events


# ---- Cohere's v2 chat ---------------------------------------------------------------------

_COHERE_STOP = {"length": "MAX_TOKENS", "filter": "ERROR_TOXIC", "unknown": "TIMEOUT"}
_TOOL_PLAN = "I will look it up: ünïcode."


def _cohere_stop(d: Draw) -> str:
    return _COHERE_STOP.get(d.stop) or ("TOOL_CALL" if d.calls else "COMPLETE")


def _cohere_usage(d: Draw) -> dict[str, Any]:
    usage: dict[str, Any] = {"tokens": {"input_tokens": 9, "output_tokens": 5}}
    if not d.has("usage_billed_missing"):
        usage["billed_units"] = {"input_tokens": 9, "output_tokens": 5}
    return usage


def _cohere_call(k: int, name: str, arguments: str) -> dict[str, Any]:
    function = {"name": name, "arguments": arguments}
    return {"id": f"{name}_gen{k}", "type": "function", "function": function}


def cohere_json(d: Draw, wire: str, request: dict[str, Any]) -> bytes:
    message: dict[str, Any] = {"role": "assistant"}
    if d.calls:
        if d.has("tool_plan"):
            message["tool_plan"] = _TOOL_PLAN
        message["tool_calls"] = [_cohere_call(k, *c) for k, c in enumerate(d.calls)]
    if d.text:
        message["content"] = [{"type": "text", "text": "".join(d.text)}]
    if d.has("citations_empty"):
        message["citations"] = []
    body: dict[str, Any] = {
        "id": "gen-cohere",
        "message": message,
        "finish_reason": _cohere_stop(d),
        "usage": _cohere_usage(d),
    }
    if d.has("logprobs_null"):
        body["logprobs"] = None
    return json.dumps(body, ensure_ascii=False).encode()


def _cohere_event(kind: str, **fields: Any) -> bytes:
    return _sse(kind, {"type": kind, **fields})


def cohere_events(d: Draw, wire: str, request: MockRequest) -> list[bytes]:
    start = {"role": "assistant", "content": [], "tool_plan": "", "tool_calls": []}
    if d.has("citations_empty"):
        start["citations"] = []
    events = [_cohere_event("message-start", id="gen-cohere", delta={"message": start})]
    if d.calls and d.has("tool_plan"):
        plan = {"message": {"tool_plan": _TOOL_PLAN}}
        events.append(_cohere_event("tool-plan-delta", delta=plan))
    if d.text:
        opened = {"message": {"content": {"type": "text", "text": ""}}}
        events.append(_cohere_event("content-start", index=0, delta=opened))
        for piece in d.text:
            said = {"message": {"content": {"text": piece}}}
            events.append(_cohere_event("content-delta", index=0, delta=said))
        events.append(_cohere_event("content-end", index=0))
    for k, (name, arguments) in enumerate(d.calls):
        opening: dict[str, Any] = {"message": {"tool_calls": _cohere_call(k, name, "")}}
        events.append(_cohere_event("tool-call-start", index=k, delta=opening))
        for part in _halves(arguments):
            fragment: dict[str, Any] = {
                "message": {"tool_calls": {"function": {"arguments": part}}}
            }
            events.append(_cohere_event("tool-call-delta", index=k, delta=fragment))
        events.append(_cohere_event("tool-call-end", index=k))
    end = {"finish_reason": _cohere_stop(d), "usage": _cohere_usage(d)}
    events.append(_cohere_event("message-end", delta=end))
    return events


# ---- OpenAI's Responses -------------------------------------------------------------------

#: How a response ended: its status and `incomplete_details.reason`.
_RESPONSES_STOP = {
    "length": ("incomplete", "max_output_tokens"),
    "filter": ("incomplete", "content_filter"),
    "unknown": ("incomplete", "model_halted"),
}
_CITATION = {
    "type": "url_citation",
    "start_index": 0,
    "end_index": 1,
    "title": "A",
    "url": "https://example.com/a",
}


def _responses_usage(d: Draw) -> dict[str, Any]:
    details = (4, 2) if d.has("usage_details") else (0, 0)
    return {
        "input_tokens": 11,
        "input_tokens_details": {"cached_tokens": details[0]},
        "output_tokens": 7,
        "output_tokens_details": {"reasoning_tokens": details[1]},
        "total_tokens": 18,
    }


def _responses_text(d: Draw, text: str) -> dict[str, Any]:
    annotations = [_CITATION] if d.has("text_annotations") and text else []
    return {"type": "output_text", "annotations": annotations, "logprobs": [], "text": text}


def _responses_items(d: Draw, done: bool) -> list[dict[str, Any]]:
    """The response's output items, finished or as `output_item.added` opens them."""
    status = "completed" if done else "in_progress"
    items: list[dict[str, Any]] = []
    if d.has("reasoning_item"):
        summary = [{"type": "summary_text", "text": "Thinking in ünïcode."}] if done else []
        items.append({"id": "rs_gen", "type": "reasoning", "summary": summary})
    if d.text:
        content = [_responses_text(d, "".join(d.text))] if done else []
        message = {"id": "msg_gen", "type": "message", "status": status, "content": content}
        items.append(message | {"role": "assistant"})
    for k, (name, arguments) in enumerate(d.calls):
        call = {"id": f"fc_gen{k}", "type": "function_call", "status": status}
        items.append(call | {"arguments": arguments if done else "", "call_id": f"call_gen{k}"})
        items[-1]["name"] = name
    return items


def _response(d: Draw, request: dict[str, Any], done: bool) -> dict[str, Any]:
    status, reason = _RESPONSES_STOP.get(d.stop, ("completed", None))
    body: dict[str, Any] = {
        "id": "resp_gen",
        "object": "response",
        "created_at": 1764000000,
        "status": status if done else "in_progress",
        "error": None,
        "incomplete_details": {"reason": reason} if done and reason else None,
        "model": request.get("model") or "gpt-4.1-mini",
        "output": _responses_items(d, True) if done else [],
        "parallel_tool_calls": True,
        "service_tier": "default",
        "text": {"format": {"type": "text"}},
        "tool_choice": "auto",
        "usage": _responses_usage(d) if done else None,
        "metadata": {},
    }
    if d.has("extra_field"):
        body |= _EXTRA
    return body


def responses_json(d: Draw, wire: str, request: dict[str, Any]) -> bytes:
    return json.dumps(_response(d, request, True), ensure_ascii=False).encode()


def responses_events(d: Draw, wire: str, asked: MockRequest) -> list[bytes]:
    """`response.created` ... each item added, its deltas, done ... and the finished
    response (`response.completed`, or `response.incomplete`)."""
    request = asked.json or {}
    frames: list[tuple[str, dict[str, Any]]] = []
    frames.append(("response.created", {"response": _response(d, request, False)}))
    for index, (opened, item) in enumerate(
        zip(_responses_items(d, False), _responses_items(d, True), strict=True)
    ):
        where = {"item_id": item["id"], "output_index": index}
        frames.append(("response.output_item.added", {"output_index": index, "item": opened}))
        if item["type"] == "message":
            at = {**where, "content_index": 0}
            frames.append(("response.content_part.added", at | {"part": _responses_text(d, "")}))
            for piece in d.text:
                frames.append(("response.output_text.delta", at | {"delta": piece, "logprobs": []}))
            if d.has("text_annotations"):
                added = {"annotation_index": 0, "annotation": _CITATION}
                frames.append(("response.output_text.annotation.added", at | added))
            frames.append(("response.output_text.done", at | {"text": "".join(d.text)}))
            frames.append(("response.content_part.done", at | {"part": item["content"][0]}))
        elif item["type"] == "function_call":
            for part in _halves(item["arguments"]):
                frames.append(("response.function_call_arguments.delta", where | {"delta": part}))
            done = where | {"arguments": item["arguments"]}
            frames.append(("response.function_call_arguments.done", done))
        frames.append(("response.output_item.done", {"output_index": index, "item": item}))
    final = _response(d, request, True)
    frames.append((f"response.{final['status']}", {"response": final}))
    return [
        _sse(kind, {"type": kind, "sequence_number": n, **fields})
        for n, (kind, fields) in enumerate(frames)
    ]


# ---- the shapes ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SideShape:
    """A wire's reply shapes and whether a request asks for the stream (as
    `test_generated_replies.Shape`)."""

    json: Callable[[Draw, str, dict[str, Any]], bytes]
    events: Callable[[Draw, str, MockRequest], list[bytes]]
    streams: Callable[[MockRequest], bool]
    #: Whether both classes can stream it, and await it, from the mock server.
    compared_streamed: bool = True
    compared_async: bool = True


def _asks_stream(request: MockRequest) -> bool:
    return (request.json or {}).get("stream") is True


_CHAT_SHAPE = SideShape(chat_json, chat_events, _asks_stream)
SIDE_SHAPES: dict[str, SideShape] = {
    **{
        w: _CHAT_SHAPE
        for w in ("azure", "deepseek", "xai", "together", "fireworks")
        + ("perplexity", "sambanova", "nebius")
    },
    # ChatVertexAI over `api_transport="rest"` streams without `alt=sse` (a JSON array,
    # which a raw reply here, written by path alone, cannot tell from chatplex's SSE
    # request) and raises TypeError on every
    # async call (`test_side_wires`' `listener_runs` row): its replies are compared
    # invoked, sync.
    "vertex": SideShape(
        lambda d, w, _: gemini_json(d, w),
        lambda d, w, r: gemini_events(d, w, r.json or {}),
        lambda r: "streamGenerateContent" in r.path,
        compared_streamed=False,
        compared_async=False,
    ),
    "bedrock": SideShape(
        lambda d, w, _: anthropic_json(d, w),
        invoke_events,
        lambda r: r.path.endswith("/invoke-with-response-stream"),
    ),
    "cohere": SideShape(cohere_json, cohere_events, _asks_stream),
    "responses": SideShape(responses_json, responses_events, _asks_stream),
}
#: The side wires this file generates for (those with a shape written).
GENERATED_WIRES = tuple(w for w in SIDE_WIRES if w in SIDE_SHAPES)


def render(d: Draw, wire: str, request: MockRequest) -> bytes | list[bytes]:
    shape = SIDE_SHAPES[wire]
    if shape.streams(request):
        return shape.events(d, wire, request)
    return shape.json(d, wire, request.json or {})


# ---- running a case --------------------------------------------------------------------------


#: The request a failing case's stream is rendered for, to print it.
_ASKED_STREAM = MockRequest("POST", "/", {}, {"stream": True}, 1)


def _no_retries(wire: str, d: Draw) -> dict[str, Any]:
    return {"max_retries": 0}


def _compared_streamed(wire: str) -> bool:
    return SIDE_SHAPES[wire].compared_streamed


def side_replied(d: Draw) -> Callable[[Run], Any]:
    """`test_generated_replies.replied` over a side wire's shape: the model invoked and
    streamed (sync or async, by the draw) while the server answers with `d`."""
    return replied(d, reply=render, settings=_no_retries, streamed=_compared_streamed)


# ---- the differences the cases found ---------------------------------------------------------


def fireworks_no_usage(wire: str, d: Draw) -> bool:
    """A Fireworks reply without `usage`."""
    return wire == "fireworks" and d.has("usage_missing")


def invoke_empty_content(wire: str, d: Draw) -> bool:
    """An InvokeModel (Anthropic) reply with no content block at all."""
    return wire == "bedrock" and not d.text and not d.calls


def cohere_unbilled_stream(wire: str, d: Draw) -> bool:
    """A Cohere reply whose usage has `tokens` but no `billed_units`."""
    return wire == "cohere" and d.has("usage_billed_missing")


def cohere_sync_stream(wire: str, d: Draw) -> bool:
    """A Cohere reply streamed sync."""
    return wire == "cohere" and not d.use_async


def cohere_toxic_stop(wire: str, d: Draw) -> bool:
    """A Cohere reply stopped by its filter (finish_reason `ERROR_TOXIC`)."""
    return wire == "cohere" and d.stop == "filter"


def vertex_args_reordered(wire: str, d: Draw) -> bool:
    """A Vertex call whose arguments have more than one key or a number."""
    return wire == "vertex" and any(len(_args_object(a)) > 1 for _, a in d.calls)


def vertex_finish_message(wire: str, d: Draw) -> bool:
    """A Vertex candidate with a `finishMessage`."""
    return wire == "vertex" and d.has("finish_message")


def vertex_no_model_version(wire: str, d: Draw) -> bool:
    """A Vertex reply without `modelVersion`."""
    return wire == "vertex" and d.has("model_version_missing")


def vertex_thoughts_counted(wire: str, d: Draw) -> bool:
    """A Vertex reply counting thought tokens (`thoughtsTokenCount`)."""
    return wire == "vertex" and d.has("usage_thoughts")


def vertex_unknown_finish(wire: str, d: Draw) -> bool:
    """A Vertex reply with a finish reason the client's enum does not know."""
    return wire == "vertex" and d.stop == "unknown"


_PARIS = '{"location": "Paris"}'
_MANY = '{"location": "Rome", "days": 3, "metric": true}'

_KNOWN: dict[str, Known] = {
    "side_reply_no_usage": Known(
        "fireworks", fireworks_no_usage, Draw(text=("Hi",), options=frozenset({"usage_missing"}))
    ),
    "side_reply_invoke_empty": Known("bedrock", invoke_empty_content, Draw(text=())),
    "side_reply_unbilled_stream": Known(
        "cohere",
        cohere_unbilled_stream,
        Draw(text=("Hi",), options=frozenset({"usage_billed_missing"}), use_async=True),
    ),
    "side_reply_sync_stream_usage": Known("cohere", cohere_sync_stream, Draw(text=("Hi",))),
    "side_reply_toxic_stop": Known("cohere", cohere_toxic_stop, Draw(text=("Hi",), stop="filter")),
    "side_reply_args_reordered": Known(
        "vertex", vertex_args_reordered, Draw(text=(), calls=(("lookup", _MANY),))
    ),
    "side_reply_finish_message": Known(
        "vertex", vertex_finish_message, Draw(options=frozenset({"finish_message"}))
    ),
    "side_reply_no_model_version": Known(
        "vertex", vertex_no_model_version, Draw(options=frozenset({"model_version_missing"}))
    ),
    "side_reply_thoughts_counted": Known(
        "vertex", vertex_thoughts_counted, Draw(options=frozenset({"usage_thoughts"}))
    ),
    "side_reply_unknown_finish": Known("vertex", vertex_unknown_finish, Draw(stop="unknown")),
}

#: Shapes the cases found differing and chatplex now makes as the partner does: each
#: replayed as a named scenario (a cell that must pass), and drawn by the generator again.
_FIXED: dict[str, tuple[str, Draw]] = {
    # A Cohere reply calling a tool, streamed async: langchain-cohere yields the call
    # whole on the closing chunk, its index None.
    "side_reply_async_calls": (
        "cohere",
        Draw(text=(), calls=(("lookup", ""),), use_async=True),
    ),
    # Azure's content filter withheld the reply: langchain-openai's invoke raises its
    # ValueError, its stream ends quietly with finish_reason content_filter.
    "side_reply_azure_filtered": ("azure", Draw(text=("Hi",), stop="filter")),
    # DeepSeek's top-level `prompt_cache_hit_tokens`, ChatDeepSeek's cache_read.
    "side_reply_cache_hits": (
        "deepseek",
        Draw(text=("Hi",), options=frozenset({"cache_hit_usage"}), use_async=True),
    ),
    # A Responses function_call whose `arguments` are "": langchain-openai's invoke has
    # it as an invalid tool call (json.loads), its stream as a call.
    "side_reply_empty_arguments": (
        "responses",
        Draw(text=(), calls=(("get_weather", _PARIS), ("lookup", ""))),
    ),
}

SCENARIOS: dict[str, Callable[[Run], Any]] = {
    name: side_replied(known.replay) for name, known in _KNOWN.items()
} | {name: side_replied(replay) for name, (_, replay) in _FIXED.items()}


def _theirs_stream_raised(kind: str) -> Callable[[Any], bool]:
    """LangChain's stream raised `kind` (the async run as a whole, where awaited)."""
    return lambda theirs: (
        isinstance(theirs, dict)
        and (raises(kind)(theirs.get("streamed")) or raises(kind)(theirs.get("raised")))
    )


def _theirs_stream_uncounted(theirs: Any) -> bool:
    """LangChain's invoke counts tokens; its merged stream counts none."""
    if not isinstance(theirs, dict):
        return False
    invoked, merged = theirs.get("invoked") or {}, theirs.get("merged") or {}
    return bool(invoked.get("usage_metadata")) and merged.get("usage_metadata") is None


def _theirs_finish_unspecified(theirs: Any) -> bool:
    """LangChain's reply names the finish reason FINISH_REASON_UNSPECIFIED."""
    invoked = theirs.get("invoked") if isinstance(theirs, dict) else None
    metadata = (invoked or {}).get("response_metadata") or {}
    return metadata.get("finish_reason") == "FINISH_REASON_UNSPECIFIED"


def _theirs_thoughts_left_out(theirs: Any) -> bool:
    """LangChain's invoke counts fewer input and output tokens than its total."""
    invoked = theirs.get("invoked") if isinstance(theirs, dict) else None
    usage = (invoked or {}).get("usage_metadata") or {}
    counted = usage.get("input_tokens", 0) + usage.get("output_tokens", 0)
    return bool(usage) and usage.get("total_tokens", 0) > counted


def _theirs_integer_as_float(theirs: Any) -> bool:
    """LangChain's invoked function_call arguments have the reply's integer `days` (3)
    as a float (3.0)."""
    invoked = theirs.get("invoked") if isinstance(theirs, dict) else None
    call = ((invoked or {}).get("additional_kwargs") or {}).get("function_call") or {}
    arguments = call.get("arguments")
    days = json.loads(arguments).get("days") if isinstance(arguments, str) else None
    return isinstance(days, float) and days == 3


_COHERE_SYNC_STREAM_UNCOUNTED = Difference(
    "loses data",
    "langchain-cohere's sync stream closes on a chunk without usage_metadata (its "
    "async stream and its invoke have the counts): the merged stream counts "
    "nothing (and a streamed call's name is doubled, 'lookuplookup'); chatplex's "
    "has the counts",
    _theirs_stream_uncounted,
)

SIDE_REPLY_DIFFERENCES: dict[tuple[str, str], Difference] = {
    ("side_reply_args_reordered", "vertex"): Difference(
        "loses data",
        "ChatVertexAI's additional_kwargs['function_call'].arguments is the args "
        "re-serialized through protobuf's Struct, whose numbers are all doubles: the "
        "reply's integer 3 becomes 3.0 (and the keys are reordered); chatplex's is the "
        "reply's JSON as sent",
        _theirs_integer_as_float,
    ),
    # docs/porting.md's Vertex row: thinking tokens are billed as output.
    ("side_reply_thoughts_counted", "vertex"): Difference(
        "loses data",
        "ChatVertexAI's usage_metadata output_tokens is candidatesTokenCount alone (8) "
        "while total_tokens keeps the thoughts: its cost accounting undercounts thinking "
        "models; chatplex's output_tokens adds thoughtsTokenCount (12), as "
        "langchain-google-genai does",
        _theirs_thoughts_left_out,
    ),
    ("side_reply_unbilled_stream", "cohere"): Difference(
        "raises",
        "AttributeError: langchain-cohere's stream reads usage.billed_units, which a "
        "v2 reply may leave out (its invoke answers); chatplex's stream answers",
        _theirs_stream_raised("builtins.AttributeError"),
    ),
    ("side_reply_sync_stream_usage", "cohere"): _COHERE_SYNC_STREAM_UNCOUNTED,
    # A reply its filter stopped: langchain-cohere returns it (invoke and stream), as
    # chatplex does; its sync stream loses the counts as for any reply.
    ("side_reply_toxic_stop", "cohere"): _COHERE_SYNC_STREAM_UNCOUNTED,
    ("side_reply_unknown_finish", "vertex"): Difference(
        "loses data",
        "ChatVertexAI reads the finish reason through protobuf's enum: one it does not "
        "know becomes FINISH_REASON_UNSPECIFIED; chatplex keeps the reply's",
        _theirs_finish_unspecified,
    ),
}


test_known_side_reply = NamedFamily(
    SCENARIOS,
    (),
    scenario_wires(_KNOWN, _FIXED),
    differences=SIDE_REPLY_DIFFERENCES,
).test()


@pytest.mark.parametrize(("wire", "case"), drawn_cases(GENERATED_WIRES, SEED, CASES, draw))
def test_generated_side_reply(server: MockServer, wire: str, case: Draw) -> None:
    theirs, ours = run_cell(side_replied(case), WIRES[wire], server)
    # The fields the matrix already holds as known gaps (`_cells.FIELD_GAPS`) left out.
    theirs, ours = field_gaps_out(wire, theirs), field_gaps_out(wire, ours)
    assert_same_reply(
        theirs,
        ours,
        case,
        lambda: SIDE_SHAPES[wire].json(case, wire, {}),
        lambda: SIDE_SHAPES[wire].events(case, wire, _ASKED_STREAM),
    )
