"""Streamed tool calls are never lost: the merged stream's `tool_calls` are the non-stream
reply's, on every stream of the wire corpus, with parallel calls, and with servers that
send tool-call fragments without `index` -- for both wires, sync and async.

For each corpus stream, the non-stream reply of the same answer is rebuilt from the
stream's events by a small reference reconstruction written here (independent of the
adapters), then parsed by `parse_response`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from _corpus import Case
from _corpus import load_cases

from chatplex import init_chat_model
from chatplex.adapters import adapter_class
from chatplex.http._sse import iter_sse_events
from chatplex.messages import AIMessage
from chatplex.messages import AIMessageChunk
from chatplex.messages import merge_chunks
from chatplex.providers.anthropic.adapter import AnthropicAdapter
from tests._merged_text import langchain_merge
from tests._merged_text import text_as_blocks
from tests._sdk_nones import without_sdk_nones
from tests.core._twins import reply_and_chunks
from tests.messages._builders import thinking_text

STREAMS = [
    c
    for c in load_cases({"openai", "openai-compatible", "anthropic"})
    if c.kind == "sse" and not c.expected.get("error")
]


def adapter_for(case: Case) -> Any:
    if case.provider == "anthropic":
        return AnthropicAdapter(api_key="sk-ant-test")
    # A named provider's case through its preset (Mistral's thinking parts are read there).
    return adapter_class(case.meta.get("preset") or "openai")(api_key="sk-test")


def events_of(body: bytes) -> list[dict[str, Any]]:
    return [
        json.loads(e.data)
        for e in iter_sse_events([body])
        if e.data and not e.data.startswith("[DONE]") and e.event != "ping"
    ]


# -- reference reconstructions: stream events -> the non-stream body of the same reply ---


def openai_body(events: list[dict[str, Any]]) -> dict[str, Any]:
    first = events[0]
    text, reasoning, finish, usage = "", "", None, None
    parts: list[Any] = []  # Mistral: a delta's content may be a list of parts
    calls: dict[int, dict[str, Any]] = {}
    for event in events:
        usage = event.get("usage") or usage
        for choice in event.get("choices") or ():
            delta = choice.get("delta") or {}
            content = delta.get("content") or ""
            if isinstance(content, list):
                parts += content
            else:
                text += content
                parts.append({"type": "text", "text": content})
            reasoning += delta.get("reasoning") or delta.get("reasoning_content") or ""
            for tc in delta.get("tool_calls") or ():
                call = calls.setdefault(tc["index"], {"id": None, "name": None, "arguments": ""})
                call["id"] = call["id"] or tc.get("id")
                function = tc.get("function") or {}
                call["name"] = call["name"] or function.get("name")
                call["arguments"] += function.get("arguments") or ""
            finish = choice.get("finish_reason") or finish
    message: dict[str, Any] = {"role": "assistant", "content": text or None}
    if any(p["type"] != "text" for p in parts):  # the parts in order, as Mistral sends them
        message["content"] = parts
    if reasoning:
        message["reasoning"] = reasoning
    if calls:
        message["tool_calls"] = [
            {
                "id": c["id"],
                "type": "function",
                "function": {"name": c["name"], "arguments": c["arguments"]},
            }
            for _, c in sorted(calls.items())
        ]
    body = {
        k: first[k] for k in ("id", "model", "system_fingerprint", "service_tier") if k in first
    }
    body["choices"] = [{"index": 0, "message": message, "finish_reason": finish}]
    if usage:
        body["usage"] = usage
    return body


def anthropic_body(events: list[dict[str, Any]]) -> dict[str, Any]:
    message: dict[str, Any] = {}
    blocks: dict[int, dict[str, Any]] = {}
    inputs: dict[int, str] = {}
    for event in events:
        kind = event["type"]
        if kind == "message_start":
            message = dict(event["message"])
            message["usage"] = dict(message.get("usage") or {})
        elif kind == "content_block_start":
            blocks[event["index"]] = dict(event["content_block"])
        elif kind == "content_block_delta":
            block, delta = blocks[event["index"]], event["delta"]
            if delta["type"] == "text_delta":
                block["text"] = block.get("text", "") + delta["text"]
            elif delta["type"] == "thinking_delta":
                block["thinking"] = block.get("thinking", "") + delta["thinking"]
            elif delta["type"] == "signature_delta":
                block["signature"] = block.get("signature", "") + delta["signature"]
            elif delta["type"] == "citations_delta":
                block.setdefault("citations", []).append(delta["citation"])
            elif delta["type"] == "input_json_delta":
                inputs[event["index"]] = inputs.get(event["index"], "") + delta["partial_json"]
        elif kind == "message_delta":
            message.update(event["delta"])
            message["usage"].update(event.get("usage") or {})
    for index, raw in inputs.items():
        if raw:
            blocks[index]["input"] = json.loads(raw)
    message["content"] = [blocks[i] for i in sorted(blocks)]
    return message


def nonstream_reply(case: Case) -> AIMessage:
    events = events_of(case.body)
    build = anthropic_body if case.provider == "anthropic" else openai_body
    body = json.dumps(build(events)).encode()
    return adapter_for(case).parse_response(body, case.headers)


def stream_chunks(case: Case) -> list[AIMessageChunk]:
    parser = adapter_for(case).stream_parser(case.headers)
    pieces = [case.body[i : i + 61] for i in range(0, len(case.body), 61)]
    chunks = [c for e in iter_sse_events(pieces) if (c := parser.feed(e)) is not None]
    parser.finish()
    return chunks


def calls_of(message: AIMessage) -> list[tuple[Any, Any, Any]]:
    return [(c["id"], c["name"], c["args"]) for c in message.tool_calls]


@pytest.mark.parametrize("case", STREAMS, ids=[c.name for c in STREAMS])
def test_corpus_streams_merge_to_the_nonstream_tool_calls(case: Case) -> None:
    expected = nonstream_reply(case)
    chunks = stream_chunks(case)
    merged = merge_chunks(chunks)
    # The merged chunk itself, not only to_message(), has the calls.
    assert calls_of(merged) == calls_of(expected)
    assert merged.invalid_tool_calls == expected.invalid_tool_calls == []
    full = chunks[0]
    for chunk in chunks[1:]:
        full = full + chunk
    assert calls_of(full) == calls_of(expected)
    # And the whole reply agrees.
    got = merged.to_message()
    style = getattr(getattr(adapter_for(case), "profile", None), "style", None)
    if getattr(style, "content_parts", False):
        # Content parts kept as sent (Magistral's thinking): a stream's pieces stay
        # pieces when added up; the text and the thinking text are the reply's.
        assert got.text == expected.text
        assert thinking_text(got.content) == thinking_text(expected.content)
    else:
        # Text pieces stay str elements beside blocks, as langchain-core merges them.
        assert text_as_blocks(got.content) == text_as_blocks(expected.content)
    theirs = langchain_merge(chunks)
    assert theirs is None or merged.content == theirs
    assert got.tool_calls == expected.tool_calls
    assert got.usage_metadata == expected.usage_metadata
    if getattr(getattr(adapter_for(case), "profile", None), "style", None) is None:
        # As langchain-openai's streams, OpenAI's carry the reply's metadata but its `id`
        # (the message's own id) and its raw `token_usage` (the usage_metadata holds it).
        assert got.id == expected.id
        shown = without_sdk_nones(expected).response_metadata
        unstreamed = ("id", "token_usage") if case.provider == "openai" else ()
        assert got.response_metadata == {k: v for k, v in shown.items() if k not in unstreamed}
    else:  # a preset styled as its partner package: its stream carries fewer keys
        for key in ("finish_reason", "model_name", "model_provider"):
            assert got.response_metadata.get(key) == expected.response_metadata.get(key)


@pytest.mark.parametrize("case", STREAMS, ids=[c.name for c in STREAMS])
def test_corpus_tool_calls_grow_while_streaming(case: Case) -> None:
    """At every point of the stream the calls seen so far are a prefix of the final ones
    (same ids and names); none appears and then disappears."""
    final = calls_of(nonstream_reply(case))
    full = None
    for chunk in stream_chunks(case):
        full = chunk if full is None else full + chunk
        seen = [(c["id"], c["name"]) for c in full.tool_calls + full.invalid_tool_calls]  # type: ignore[operator]
        assert seen == [(i, n) for i, n, _ in final][: len(seen)]


# -- servers with their own ways, through a chat model (sync and async) ---------------------

WEATHER = {"city": "Paris", "days": [1, 2], "note": 'say "hi"'}
TIME = {"tz": "Europe/Oslo"}
CALLS = [("call_W", "get_weather", WEATHER), ("call_T", "get_time", TIME)]


def pieces(args: dict[str, Any], size: int = 5) -> list[str]:
    text = json.dumps(args)
    return [text[i : i + size] for i in range(0, len(text), size)]


def sse(events: list[Any]) -> bytes:
    out = []
    for event in events:
        if isinstance(event, tuple):  # (event name, data): Anthropic
            out.append(f"event: {event[0]}\ndata: {json.dumps(event[1])}\n\n")
        else:
            out.append(f"data: {json.dumps(event)}\n\n")
    return "".join(out).encode()


def openai_chunk(delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
    return {
        "id": "chatcmpl-x",
        "model": "gpt-4o-mini",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }


def openai_fragments(style: str) -> list[dict[str, Any]]:
    """The tool-call deltas of CALLS (interleaved when `parallel`) in a server's style:
    - "openai": index on every fragment, id and name on the first only;
    - "no-index-repeated": no index, id and name repeated on every fragment;
    - "no-index-first-only": no index, id and name on each call's first fragment only;
    - "all-at-index-0": every call at index 0, told apart by their ids."""
    deltas = []
    for position, (call_id, name, args) in enumerate(CALLS):
        for n, part in enumerate(pieces(args)):
            fragment: dict[str, Any] = {"function": {"arguments": part}}
            if style == "openai":
                fragment["index"] = position
            elif style == "all-at-index-0":
                fragment["index"] = 0
            if n == 0 or style == "no-index-repeated":
                fragment["id"] = call_id
                fragment["type"] = "function"
                fragment["function"]["name"] = name
            deltas.append({"tool_calls": [fragment]})
    return deltas


def openai_server(style: str) -> Callable[[httpx.Request], httpx.Response]:
    usage = {"prompt_tokens": 50, "completion_tokens": 30, "total_tokens": 80}
    whole = {
        "id": "chatcmpl-x",
        "model": "gpt-4o-mini",
        "choices": [
            {
                "index": 0,
                "message": {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": i,
                            "type": "function",
                            "function": {"name": n, "arguments": json.dumps(a)},
                        }
                        for i, n, a in CALLS
                    ],
                },
                "finish_reason": "tool_calls",
            }
        ],
        "usage": usage,
    }

    def handle(request: httpx.Request) -> httpx.Response:
        if not json.loads(request.content).get("stream"):
            return httpx.Response(200, json=whole)
        events: list[Any] = [openai_chunk({"role": "assistant", "content": None})]
        events += [openai_chunk(d) for d in openai_fragments(style)]
        events += [
            openai_chunk({}, "tool_calls"),
            {**openai_chunk({}), "choices": [], "usage": usage},
        ]
        body = sse(events) + b"data: [DONE]\n\n"
        return httpx.Response(200, content=body, headers={"content-type": "text/event-stream"})

    return handle


def anthropic_server() -> Callable[[httpx.Request], httpx.Response]:
    content = [{"type": "text", "text": "Checking both."}] + [
        {"type": "tool_use", "id": i, "name": n, "input": a} for i, n, a in CALLS
    ]
    whole = {
        "id": "msg_x",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-4-5",
        "content": content,
        "stop_reason": "tool_use",
        "stop_sequence": None,
        "usage": {"input_tokens": 50, "output_tokens": 30},
    }
    start = {
        **whole,
        "content": [],
        "stop_reason": None,
        "usage": {"input_tokens": 50, "output_tokens": 1},
    }
    events: list[Any] = [("message_start", {"type": "message_start", "message": start})]
    for index, block in enumerate(content):
        first = block if block["type"] == "text" else {**block, "input": {}}
        events.append(
            (
                "content_block_start",
                {"type": "content_block_start", "index": index, "content_block": first},
            )
        )
        if block["type"] == "tool_use":
            for part in pieces(block["input"], 4):
                delta = {"type": "input_json_delta", "partial_json": part}
                events.append(
                    (
                        "content_block_delta",
                        {"type": "content_block_delta", "index": index, "delta": delta},
                    )
                )
        events.append(("content_block_stop", {"type": "content_block_stop", "index": index}))
    events.append(
        (
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": "tool_use", "stop_sequence": None},
                "usage": {"output_tokens": 30},
            },
        )
    )
    events.append(("message_stop", {"type": "message_stop"}))

    def handle(request: httpx.Request) -> httpx.Response:
        if not json.loads(request.content).get("stream"):
            return httpx.Response(200, json=whole)
        return httpx.Response(
            200, content=sse(events), headers={"content-type": "text/event-stream"}
        )

    return handle


def model_for(provider: str, handler: Callable[[httpx.Request], httpx.Response]) -> Any:
    transport = httpx.MockTransport(handler)
    name = "anthropic:claude-sonnet-4-5" if provider == "anthropic" else "openai:gpt-4o-mini"
    return init_chat_model(
        name,
        api_key="sk-test",
        base_url="http://127.0.0.1:9/v1" if provider == "openai" else "http://127.0.0.1:9",
        http_client=httpx.Client(transport=transport),
        http_async_client=httpx.AsyncClient(transport=transport),
        max_retries=0,
    )


async def reply_and_stream(model: Any, sync: bool) -> tuple[AIMessage, AIMessageChunk]:
    reply, chunks = await reply_and_chunks(model, sync, "weather and time?")
    full = chunks[0]
    for chunk in chunks[1:]:
        full = full + chunk
    return reply, full


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
@pytest.mark.parametrize(
    "style", ["openai", "no-index-repeated", "no-index-first-only", "all-at-index-0"]
)
async def test_openai_parallel_calls_in_every_server_style(style: str, sync: bool) -> None:
    reply, full = await reply_and_stream(model_for("openai", openai_server(style)), sync)
    assert calls_of(reply) == [(i, n, a) for i, n, a in CALLS]
    assert calls_of(full) == calls_of(reply)
    assert full.invalid_tool_calls == []
    assert full.to_message().tool_calls == reply.tool_calls


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_anthropic_parallel_calls(sync: bool) -> None:
    reply, full = await reply_and_stream(model_for("anthropic", anthropic_server()), sync)
    assert calls_of(reply) == [(i, n, a) for i, n, a in CALLS]
    assert calls_of(full) == calls_of(reply)
    assert full.invalid_tool_calls == []
    # The tool_use blocks stay in content, with their inputs, as in the non-stream reply.
    assert text_as_blocks(full.to_message().content) == reply.content
    assert [b["type"] for b in reply.content] == ["text", "tool_use", "tool_use"]  # type: ignore[index]


OPENAI_STREAMS = [c for c in STREAMS if c.provider != "anthropic"]


@pytest.mark.parametrize("case", OPENAI_STREAMS, ids=lambda c: c.name)
def test_the_plain_text_shortcut_gives_the_general_paths_chunks(
    case: Case, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The OpenAI parser builds plain text deltas without its general path: every
    corpus stream gives the same chunks with the shortcut as without it."""
    from chatplex.providers.openai import stream as _openai_stream

    with_shortcut = stream_chunks(case)
    monkeypatch.setattr(_openai_stream, "_plain_text", lambda obj: None)
    assert stream_chunks(case) == with_shortcut


def test_the_plain_text_shortcut_is_taken_for_plain_deltas_only() -> None:
    from chatplex.providers.openai.stream import _plain_text

    def event(delta: dict[str, Any], **choice: Any) -> dict[str, Any]:
        return {"id": "c", "choices": [{"index": 0, "delta": delta, **choice}]}

    assert _plain_text(event({"content": "hi"}, finish_reason=None, logprobs=None)) == "hi"
    assert _plain_text(event({"content": "hi"}, finish_reason="stop")) is None
    assert _plain_text(event({"content": "hi"}, logprobs={"content": []})) is None
    assert _plain_text(event({"content": "hi", "role": "assistant"})) is None
    assert _plain_text(event({"content": ""})) is None
    assert _plain_text(event({"tool_calls": []})) is None
    assert _plain_text({**event({"content": "hi"}), "usage": {"total_tokens": 1}}) is None
    two = {"choices": [{"index": 0, "delta": {"content": "a"}}] * 2}
    assert _plain_text(two) is None
    assert _plain_text({"choices": [{"index": 1, "delta": {"content": "a"}}]}) is None
