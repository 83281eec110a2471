"""Differential tests with botocore's bedrock-runtime parsers as the oracle: the same
recorded replies (the wire corpus) and the same mock-server replies, parsed by
botocore (`converse` / `converse_stream` output shapes, event streams included) and
by chatplex, give the same text, reasoning, tool calls, server-side tool calls and
results (a `toolUse` typed `server_tool_use` and its `toolResult`: not calls for the
client), usage and stop reason."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from chatplex.messages import AIMessage
from chatplex.messages import AIMessageChunk
from chatplex.messages import merge_chunks
from chatplex.providers.bedrock.eventstream import EventStreamDecoder
from chatplex.providers.bedrock.response import error_from
from chatplex.providers.bedrock.response import parse_reply
from chatplex.providers.bedrock.stream import BedrockStreamParser
from chatplex.testing._mock_replies import plan_reply
from chatplex.testing._mock_wire_bedrock import render_events
from chatplex.testing._mock_wire_bedrock import render_json
from chatplex.testing._mock_wire_bedrock import request_view
from tests.adapters._corpus import Case
from tests.adapters._corpus import load_cases

botocore_session = pytest.importorskip("botocore.session")
import botocore.parsers  # noqa: E402

_MODEL = botocore_session.get_session().get_service_model("bedrock-runtime")
CASES = load_cases({"bedrock_converse"})


class _Raw:
    """The raw body botocore's event-stream parser reads from."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    def stream(self, **_: Any) -> Iterator[bytes]:
        yield self.body

    def close(self) -> None:
        pass


def boto_parse(operation: str, status: int, body: bytes) -> dict[str, Any]:
    parser = botocore.parsers.create_parser("rest-json")
    shape = _MODEL.operation_model(operation).output_shape
    raw: Any = _Raw(body) if operation == "ConverseStream" and status == 200 else body
    response = {
        "status_code": status,
        "headers": {},
        "body": raw,
        "context": {"operation_name": operation},
    }
    parsed: dict[str, Any] = parser.parse(response, shape)
    return parsed


SERVER_TOOL_USE = "server_tool_use"  # botocore's ToolUseType


def boto_reply(body: bytes) -> dict[str, Any]:
    """The SDK's view of a non-stream reply: text, reasoning, tool calls, server-side
    tool calls and results, usage."""
    parsed = boto_parse("Converse", 200, body)
    blocks = parsed["output"]["message"]["content"]
    uses = [b["toolUse"] for b in blocks if "toolUse" in b]
    return {
        "text": "".join(b["text"] for b in blocks if "text" in b),
        "reasoning": "".join(
            b["reasoningContent"]["reasoningText"]["text"]
            for b in blocks
            if "reasoningContent" in b
        ),
        "tool_calls": [
            (u["name"], u["input"], u["toolUseId"])
            for u in uses
            if u.get("type") != SERVER_TOOL_USE
        ],
        "server_tool_calls": [
            (u["name"], u["input"], u["toolUseId"])
            for u in uses
            if u.get("type") == SERVER_TOOL_USE
        ],
        "server_tool_results": [
            (r["toolUseId"], r.get("status"), r["content"], r.get("type"))
            for r in (b["toolResult"] for b in blocks if "toolResult" in b)
        ],
        "usage": parsed.get("usage"),
        "stop": parsed["stopReason"],
    }


def boto_stream(body: bytes) -> dict[str, Any]:
    """The SDK's view of a converse-stream body, its events joined as a client would."""
    events = list(boto_parse("ConverseStream", 200, body)["stream"])
    text, reasoning, stop, usage = "", "", None, None
    calls: dict[int, list[Any]] = {}
    results: dict[int, dict[str, Any]] = {}
    for event in events:
        if "contentBlockStart" in event:
            start = event["contentBlockStart"]
            use = start["start"].get("toolUse")
            if use:
                server = use.get("type") == SERVER_TOOL_USE
                calls[start["contentBlockIndex"]] = [use["name"], "", use["toolUseId"], server]
            result = start["start"].get("toolResult")
            if result:
                results[start["contentBlockIndex"]] = {**result, "content": []}
        elif "contentBlockDelta" in event:
            index = event["contentBlockDelta"]["contentBlockIndex"]
            delta = event["contentBlockDelta"]["delta"]
            text += delta.get("text", "")
            reasoning += delta.get("reasoningContent", {}).get("text", "")
            if "toolUse" in delta:
                calls[index][1] += delta["toolUse"]["input"]
            if "toolResult" in delta:
                results[index]["content"] += delta["toolResult"]
        elif "messageStop" in event:
            stop = event["messageStop"]["stopReason"]
        elif "metadata" in event:
            usage = event["metadata"]["usage"]
    parsed = [(n, json.loads(a or "{}"), i, server) for n, a, i, server in calls.values()]
    return {
        "text": text,
        "reasoning": reasoning,
        "tool_calls": [(n, a, i) for n, a, i, server in parsed if not server],
        "server_tool_calls": [(n, a, i) for n, a, i, server in parsed if server],
        "server_tool_results": [
            (r["toolUseId"], r.get("status"), r["content"], r.get("type")) for r in results.values()
        ],
        "usage": usage,
        "stop": stop,
    }


def chatplex_view(message: AIMessage) -> dict[str, Any]:
    content = message.content
    blocks = content if isinstance(content, list) else []
    return {
        "text": message.text,
        "reasoning": "".join(
            b["reasoning_content"].get("text", "")
            for b in blocks
            if b["type"] == "reasoning_content"
        ),
        "tool_calls": [(c["name"], c["args"], c["id"]) for c in message.tool_calls],
        "server_tool_calls": [
            (b["name"], b["args"], b["id"]) for b in blocks if b["type"] == "server_tool_call"
        ],
        "server_tool_results": [
            (b["tool_call_id"], b["status"], b["output"], b.get("extras", {}).get("block_type"))
            for b in blocks
            if b["type"] == "server_tool_result"
        ],
        "usage": message.usage_metadata,
        "stop": message.response_metadata.get("stopReason"),
    }


def chatplex_stream(body: bytes, step: int = 97) -> AIMessage:
    decoder = EventStreamDecoder()
    parser = BedrockStreamParser("rid")
    chunks: list[AIMessageChunk] = []
    for start in range(0, len(body), step):
        for message in decoder.feed(body[start : start + step]):
            chunk = parser.feed(message)
            if chunk is not None:
                chunks.append(chunk)
    decoder.flush()
    parser.finish()
    return merge_chunks(chunks).to_message()


def expected_usage(raw: dict[str, Any] | None) -> dict[str, Any] | None:
    """The SDK's usage counted as langchain-aws counts it (cached tokens in the input,
    the cache details always; the total is input + output, where Bedrock's leaves the
    cached tokens out)."""
    if raw is None:
        return None
    read, write = raw.get("cacheReadInputTokens") or 0, raw.get("cacheWriteInputTokens") or 0
    inputs = raw["inputTokens"] + read + write
    usage: dict[str, Any] = {
        "input_tokens": inputs,
        "output_tokens": raw["outputTokens"],
        "total_tokens": inputs + raw["outputTokens"],
        "input_token_details": {"cache_read": read, "cache_creation": write},
    }
    return usage


def same(ours: dict[str, Any], sdk: dict[str, Any]) -> None:
    assert ours["text"] == sdk["text"]
    assert ours["reasoning"] == sdk["reasoning"]
    assert ours["tool_calls"] == sdk["tool_calls"]
    assert ours["server_tool_calls"] == sdk["server_tool_calls"]
    assert ours["server_tool_results"] == sdk["server_tool_results"]
    assert ours["usage"] == expected_usage(sdk["usage"])
    assert ours["stop"] == sdk["stop"]


def _cases(kind: str, ok: bool) -> list[Case]:
    return [c for c in CASES if c.kind == kind and (c.status == 200) == ok]


@pytest.mark.parametrize("case", _cases("json", True), ids=lambda c: c.name)
def test_recorded_replies_parse_as_the_sdk_parses_them(case: Case) -> None:
    same(chatplex_view(parse_reply(case.body, case.headers, None)), boto_reply(case.body))


@pytest.mark.parametrize("case", _cases("eventstream", True), ids=lambda c: c.name)
def test_recorded_streams_parse_as_the_sdk_parses_them(case: Case) -> None:
    merged = chatplex_stream(case.body)
    sdk = boto_stream(case.body)
    same(chatplex_view(merged), sdk)
    if sdk["text"]:
        assert merged.text
    else:
        # Nova's code interpreter answers with no text at all: the answer is the
        # server-run code's result (and the client tool it feeds), equal to the SDK's.
        assert sdk["server_tool_results"] and sdk["tool_calls"]


@pytest.mark.parametrize("case", _cases("json", False), ids=lambda c: c.name)
def test_recorded_errors_read_as_the_sdk_reads_them(case: Case) -> None:
    error = boto_parse("Converse", case.status, case.body)["Error"]
    ours = error_from(case.status, case.body, case.headers)
    assert ours.status == case.status
    assert ours.message == error["Message"]
    if error.get("Code") and not error["Code"].isdigit():
        assert ours.error_type == error["Code"]


def test_the_corpus_has_the_recorded_cases() -> None:
    if not CASES:
        pytest.skip("wire corpus not present")
    kinds = {(c.kind, c.status) for c in CASES}
    assert {("json", 200), ("eventstream", 200), ("json", 429)} <= kinds


def _mock_reply(body: dict[str, Any], path: str, chunks: int | None = None) -> Any:
    view = request_view(path, body)
    return view, plan_reply("openai", view, text=None, chunks=chunks, tool_name=None)


TOOL_BODY = {
    "messages": [{"role": "user", "content": [{"text": "weather in Paris, use the tool"}]}],
    "toolConfig": {
        "tools": [
            {
                "toolSpec": {
                    "name": "get_weather",
                    "inputSchema": {
                        "json": {"type": "object", "properties": {"city": {"type": "string"}}}
                    },
                }
            }
        ],
        "toolChoice": {"tool": {"name": "get_weather"}},
    },
}
TEXT_BODY = {"messages": [{"role": "user", "content": [{"text": "hello there model"}]}]}


@pytest.mark.parametrize("body", [TEXT_BODY, TOOL_BODY], ids=["text", "tool"])
def test_mock_server_replies_parse_as_the_sdk_parses_them(body: dict[str, Any]) -> None:
    view, reply = _mock_reply(body, "/model/m%3A0/converse-stream", chunks=4)
    json_body = render_json(reply, "rid")
    same(chatplex_view(parse_reply(json_body, {}, None)), boto_reply(json_body))
    stream_body = b"".join(frame for frame, _ in render_events(reply, "rid", view))
    merged = chatplex_stream(stream_body, step=5)
    same(chatplex_view(merged), boto_stream(stream_body))
    non_stream = parse_reply(json_body, {"x-amzn-requestid": "rid"}, None)
    # As langchain-aws: a stream's content is its blocks (with their index, a tool's
    # input as the streamed text), a reply's a str when it is one text block.
    assert merged.text == non_stream.text
    assert merged.tool_calls == non_stream.tool_calls
    assert merged.usage_metadata == non_stream.usage_metadata
