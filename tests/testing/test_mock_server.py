"""End-to-end tests of chatplex.testing.mock_server over real loopback HTTP with plain httpx."""

from __future__ import annotations

import asyncio
import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import UTC
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx
import pytest

from chatplex.testing import MockRequest
from chatplex.testing import MockServer
from chatplex.testing import MockSettings

OPENAI_PATH = "/v1/chat/completions"
ANTHROPIC_PATH = "/v1/messages"
SCHEMA = {
    "type": "object",
    "properties": {
        "city": {"type": "string"},
        "days": {"type": "integer"},
        "ratio": {"type": "number"},
        "metric": {"type": "boolean"},
        "unit": {"enum": ["c", "f"]},
        "optional": {"type": "string"},
    },
    "required": ["city", "days", "ratio", "metric", "unit"],
}
EXPECTED_ARGS = {"city": "x", "days": 1, "ratio": 1.5, "metric": True, "unit": "c"}


# ---------------------------------------------------------------- helpers


@pytest.fixture(scope="module")
def srv() -> Iterator[MockServer]:
    with MockServer() as server:
        yield server


@pytest.fixture
def client(srv: MockServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=srv.url, timeout=5.0) as c:
        yield c


def body(
    provider: str,
    text: str = "hello there",
    *,
    stream: bool = False,
    tools: bool = False,
    usage: bool = False,
) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "model": f"{provider}-model",
        "messages": [{"role": "user", "content": text}],
    }
    if provider == "anthropic":
        payload["max_tokens"] = 100
    if stream:
        payload["stream"] = True
    if usage:
        payload["stream_options"] = {"include_usage": True}
    if tools and provider == "openai":
        function = {"name": "get_weather", "parameters": SCHEMA}
        other = {"name": "other", "parameters": {"type": "object"}}
        payload["tools"] = [
            {"type": "function", "function": function},
            {"type": "function", "function": other},
        ]
    elif tools:
        payload["tools"] = [
            {"name": "get_weather", "input_schema": SCHEMA},
            {"name": "other", "input_schema": {"type": "object"}},
        ]
    return payload


def path_of(provider: str) -> str:
    return OPENAI_PATH if provider == "openai" else ANTHROPIC_PATH


def sse(text: str) -> list[tuple[str | None, str]]:
    """(event name, data) pairs, split the simple way."""
    events = []
    for block in text.split("\n\n"):
        if not block.strip():
            continue
        name, data = None, []
        for line in block.split("\n"):
            if line.startswith("event: "):
                name = line[len("event: ") :]
            elif line.startswith("data: "):
                data.append(line[len("data: ") :])
        events.append((name, "\n".join(data)))
    return events


def openai_text(events: list[tuple[str | None, str]]) -> tuple[str, int]:
    """Merged content and the number of content deltas of an OpenAI stream."""
    text, count = "", 0
    for _, data in events:
        if data == "[DONE]":
            continue
        for choice in json.loads(data)["choices"]:
            content = choice["delta"].get("content")
            if content and "role" not in choice["delta"]:
                text += content
                count += 1
    return text, count


def anthropic_deltas(events: list[tuple[str | None, str]]) -> list[dict[str, Any]]:
    return [json.loads(d)["delta"] for n, d in events if n == "content_block_delta"]


def post(client: httpx.Client, provider: str, payload: dict[str, Any], **headers: str) -> Any:
    return client.post(path_of(provider), json=payload, headers=headers)


# ---------------------------------------------------------------- OpenAI


def test_openai_non_stream(client: httpx.Client) -> None:
    r = client.post(OPENAI_PATH, json=body("openai", "hello there world"))
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/json"
    assert r.headers["x-request-id"].startswith("req_")
    data = r.json()
    assert data["object"] == "chat.completion"
    assert data["id"].startswith("chatcmpl-")
    assert data["model"] == "openai-model"
    choice = data["choices"][0]
    assert choice["message"] == {
        "role": "assistant",
        "content": "Echo: hello there world",
        "refusal": None,
        "annotations": [],
    }
    assert choice["finish_reason"] == "stop"
    usage = data["usage"]
    assert (usage["prompt_tokens"], usage["completion_tokens"]) == (6, 4)
    assert usage["total_tokens"] == 10


def test_openai_alias_path(client: httpx.Client) -> None:
    r = client.post("/chat/completions", json=body("openai", "hi"))
    assert r.json()["choices"][0]["message"]["content"] == "Echo: hi"


def test_openai_stream_with_usage(client: httpx.Client) -> None:
    r = client.post(OPENAI_PATH, json=body("openai", "hello there", stream=True, usage=True))
    assert r.headers["content-type"].startswith("text/event-stream")
    assert r.headers["transfer-encoding"] == "chunked"
    events = sse(r.text)
    assert all(name is None for name, _ in events)
    assert events[-1] == (None, "[DONE]")
    chunks = [json.loads(d) for _, d in events[:-1]]
    assert {c["object"] for c in chunks} == {"chat.completion.chunk"}
    assert len({c["id"] for c in chunks}) == 1
    assert {c["model"] for c in chunks} == {"openai-model"}
    first = chunks[0]["choices"][0]
    assert first["delta"] == {"role": "assistant", "content": "", "refusal": None}
    assert first["finish_reason"] is None
    assert openai_text(events) == ("Echo: hello there", 3)
    assert chunks[-2]["choices"][0]["finish_reason"] == "stop"
    assert all(c["usage"] is None for c in chunks[:-1])
    assert chunks[-1]["choices"] == []
    assert chunks[-1]["usage"]["completion_tokens"] == 3


def test_openai_stream_without_usage(client: httpx.Client) -> None:
    r = client.post(OPENAI_PATH, json=body("openai", stream=True))
    chunks = [json.loads(d) for _, d in sse(r.text)[:-1]]
    assert all("usage" not in c and c["choices"] for c in chunks)


# ---------------------------------------------------------------- Anthropic


def test_anthropic_non_stream(client: httpx.Client) -> None:
    payload = body("anthropic", "hello there world")
    payload["system"] = "be brief"
    r = client.post(ANTHROPIC_PATH, json=payload)
    assert r.status_code == 200
    assert r.headers["request-id"].startswith("req_")
    data = r.json()
    assert data["type"] == "message" and data["role"] == "assistant"
    assert data["id"].startswith("msg_")
    assert data["model"] == "anthropic-model"
    assert data["content"] == [{"type": "text", "text": "Echo: hello there world"}]
    assert data["stop_reason"] == "end_turn" and data["stop_sequence"] is None
    assert data["usage"]["input_tokens"] == 8  # 3 user words + 2 system words + 3
    assert data["usage"]["output_tokens"] == 4


def test_anthropic_stream(client: httpx.Client) -> None:
    r = client.post(ANTHROPIC_PATH, json=body("anthropic", "hello there", stream=True))
    events = sse(r.text)
    names = [n for n, _ in events]
    assert names == [
        "message_start",
        "content_block_start",
        "ping",
        "content_block_delta",
        "content_block_delta",
        "content_block_delta",
        "content_block_stop",
        "message_delta",
        "message_stop",
    ]
    assert all(json.loads(d)["type"] == n for n, d in events)
    assert events[2][1] == '{"type": "ping"}'
    start = json.loads(events[0][1])["message"]
    assert start["model"] == "anthropic-model" and start["content"] == []
    assert start["usage"]["output_tokens"] == 1
    assert json.loads(events[1][1])["content_block"] == {"type": "text", "text": ""}
    deltas = anthropic_deltas(events)
    assert {d["type"] for d in deltas} == {"text_delta"}
    assert "".join(d["text"] for d in deltas) == "Echo: hello there"
    message_delta = json.loads(events[-2][1])
    assert message_delta["delta"]["stop_reason"] == "end_turn"
    assert message_delta["usage"]["output_tokens"] == 3


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_non_stream_equals_merged_stream(client: httpx.Client, provider: str) -> None:
    headers = {"x-mock-chunks": "5", "x-mock-reply": "one two three four five six seven"}
    whole = post(client, provider, body(provider), **headers).json()
    events = sse(post(client, provider, body(provider, stream=True), **headers).text)
    if provider == "openai":
        merged, count = openai_text(events)
        assert merged == whole["choices"][0]["message"]["content"]
    else:
        deltas = anthropic_deltas(events)
        merged, count = "".join(d["text"] for d in deltas), len(deltas)
        assert merged == whole["content"][0]["text"]
    assert merged == "one two three four five six seven" and count == 5


# ---------------------------------------------------------------- tool calls


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_tool_call_non_stream(client: httpx.Client, provider: str) -> None:
    data = post(client, provider, body(provider, "please use a tool", tools=True)).json()
    if provider == "openai":
        choice = data["choices"][0]
        assert choice["finish_reason"] == "tool_calls"
        assert choice["message"]["content"] is None
        (call,) = choice["message"]["tool_calls"]
        assert call["id"].startswith("call_") and call["type"] == "function"
        assert call["function"]["name"] == "get_weather"
        assert json.loads(call["function"]["arguments"]) == EXPECTED_ARGS
    else:
        assert data["stop_reason"] == "tool_use"
        (block,) = data["content"]
        assert block["type"] == "tool_use" and block["id"].startswith("toolu_")
        assert (block["name"], block["input"]) == ("get_weather", EXPECTED_ARGS)


def test_tool_call_stream_openai(client: httpx.Client) -> None:
    payload = body("openai", "use the tool", tools=True, stream=True)
    events = sse(client.post(OPENAI_PATH, json=payload).text)
    chunks = [json.loads(d) for _, d in events[:-1]]
    opening = chunks[0]["choices"][0]["delta"]
    assert opening["role"] == "assistant" and opening["content"] is None
    (head,) = opening["tool_calls"]
    assert head["index"] == 0 and head["id"].startswith("call_")
    assert head["function"] == {"name": "get_weather", "arguments": ""}
    fragments = [
        c["choices"][0]["delta"]["tool_calls"][0]["function"]["arguments"] for c in chunks[1:-1]
    ]
    assert len(fragments) > 2
    assert json.loads("".join(fragments)) == EXPECTED_ARGS
    assert chunks[-1]["choices"][0]["finish_reason"] == "tool_calls"


def test_tool_call_stream_anthropic(client: httpx.Client) -> None:
    payload = body("anthropic", "use the tool", tools=True, stream=True)
    events = sse(client.post(ANTHROPIC_PATH, json=payload).text)
    block = json.loads(events[1][1])["content_block"]
    assert block["type"] == "tool_use" and block["input"] == {}
    assert block["name"] == "get_weather"
    deltas = anthropic_deltas(events)
    assert {d["type"] for d in deltas} == {"input_json_delta"}
    assert deltas[0]["partial_json"] == ""  # as the real API opens every tool input
    assert json.loads("".join(d["partial_json"] for d in deltas)) == EXPECTED_ARGS
    assert json.loads(events[-2][1])["delta"]["stop_reason"] == "tool_use"


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_tool_call_header_names_tool_and_chunks(client: httpx.Client, provider: str) -> None:
    headers = {"x-mock-tool-call": "other", "x-mock-chunks": "4"}
    data = post(client, provider, body(provider, "no magic word", tools=True), **headers).json()
    if provider == "openai":
        call = data["choices"][0]["message"]["tool_calls"][0]["function"]
        assert (call["name"], call["arguments"]) == ("other", "{}")
    else:
        assert (data["content"][0]["name"], data["content"][0]["input"]) == ("other", {})
    events = sse(
        post(client, provider, body(provider, "x", tools=True, stream=True), **headers).text
    )
    if provider == "anthropic":
        assert len(anthropic_deltas(events)) == 4
    else:
        assert len(events) == 1 + 4 + 1 + 1  # opening, 4 fragments, finish, [DONE]


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_no_tool_call_without_trigger_or_after_tool_result(
    client: httpx.Client, provider: str
) -> None:
    plain = post(client, provider, body(provider, "just chat", tools=True)).json()
    after_result = body(provider, "use the tool", tools=True)
    if provider == "openai":
        assert plain["choices"][0]["message"]["content"] == "Echo: just chat"
        after_result["messages"] += [
            {"role": "assistant", "content": None, "tool_calls": []},
            {"role": "tool", "tool_call_id": "call_1", "content": "sunny"},
        ]
        reply = post(client, provider, after_result, **{"x-mock-tool-call": "other"}).json()
        assert reply["choices"][0]["message"]["content"] == "Echo: use the tool"
    else:
        assert plain["content"][0]["text"] == "Echo: just chat"
        result = {"type": "tool_result", "tool_use_id": "toolu_1", "content": "sunny"}
        after_result["messages"] += [
            {"role": "assistant", "content": [{"type": "text", "text": "ok"}]},
            {"role": "user", "content": [result]},
        ]
        reply = post(client, provider, after_result, **{"x-mock-tool-call": "other"}).json()
        assert reply["content"] == [{"type": "text", "text": "Echo: use the tool"}]


# ---------------------------------------------------------------- reply control


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_chunks_header_gives_exact_count(client: httpx.Client, provider: str) -> None:
    payload = body(provider, "hi", stream=True)
    events = sse(post(client, provider, payload, **{"x-mock-chunks": "200"}).text)
    if provider == "openai":
        text, count = openai_text(events)
    else:
        deltas = anthropic_deltas(events)
        text, count = "".join(d["text"] for d in deltas), len(deltas)
    assert count == 200
    assert text.startswith("Echo: hi Echo: hi")
    assert all(piece for piece in text.split(" "))


def test_server_settings_reply_text_chunks_and_callable() -> None:
    server = MockServer(reply_text="alpha beta gamma delta", chunks=2)
    with server, httpx.Client(base_url=server.url) as c:
        r = c.post(OPENAI_PATH, json=body("openai", stream=True))
        assert openai_text(sse(r.text)) == ("alpha beta gamma delta", 2)
        r = c.post(OPENAI_PATH, json=body("openai"), headers={"x-mock-chunks": "3"})
        assert r.json()["choices"][0]["message"]["content"] == "alpha beta gamma delta"
        server.settings.reply = lambda request: f"{len(request['messages'])} message(s)"
        r = c.post(ANTHROPIC_PATH, json=body("anthropic"))
        assert r.json()["content"][0]["text"] == "1 message(s)"
        r = c.post(ANTHROPIC_PATH, json=body("anthropic"), headers={"x-mock-reply": "hdr"})
        assert r.json()["content"][0]["text"] == "hdr hdr"  # padded to the 2 chunks


def test_reply_header_accepts_utf8(client: httpx.Client) -> None:
    headers = {b"x-mock-reply": "héllo wörld".encode()}
    r = client.post(OPENAI_PATH, json=body("openai"), headers=headers)
    assert r.json()["choices"][0]["message"]["content"] == "héllo wörld"


def test_latency_and_chunk_delay_headers(client: httpx.Client) -> None:
    start = time.perf_counter()
    client.post(OPENAI_PATH, json=body("openai"), headers={"x-mock-latency": "0.15"})
    assert time.perf_counter() - start >= 0.14
    start = time.perf_counter()
    headers = {"x-mock-chunk-delay": "0.02", "x-mock-chunks": "5"}
    client.post(OPENAI_PATH, json=body("openai", stream=True), headers=headers)
    assert time.perf_counter() - start >= 0.1  # 8 events, 7 gaps


# ---------------------------------------------------------------- faults


@pytest.mark.parametrize(
    ("provider", "spec", "status", "type_", "code"),
    [
        ("openai", "status=429", 429, "requests", "rate_limit_exceeded"),
        (
            "openai",
            "status=429;type=insufficient_quota",
            429,
            "insufficient_quota",
            "insufficient_quota",
        ),
        ("openai", "status=500", 500, "server_error", None),
        ("openai", "status=401", 401, "invalid_request_error", "invalid_api_key"),
        ("anthropic", "status=529", 529, "overloaded_error", None),
        ("anthropic", "status=429", 429, "rate_limit_error", None),
        ("anthropic", "status=400;message=nope", 400, "invalid_request_error", None),
    ],
)
def test_status_fault_in_provider_shape(
    client: httpx.Client, provider: str, spec: str, status: int, type_: str, code: str | None
) -> None:
    r = post(client, provider, body(provider), **{"x-mock-fault": spec})
    assert r.status_code == status
    data = r.json()
    if provider == "openai":
        assert set(data["error"]) == {"message", "type", "param", "code"}
        assert (data["error"]["type"], data["error"]["code"]) == (type_, code)
        assert r.headers["x-request-id"].startswith("req_")
    else:
        assert data["type"] == "error" and data["error"]["type"] == type_
        assert data["request_id"] == r.headers["request-id"]
        if "message=" in spec:
            assert data["error"]["message"] == "nope"


def test_retry_after_variants(client: httpx.Client) -> None:
    def fault(spec: str) -> httpx.Response:
        return client.post(OPENAI_PATH, json=body("openai"), headers={"x-mock-fault": spec})

    assert fault("status=429;retry_after=1").headers["retry-after"] == "1"
    assert fault("status=503;retry_after=0.25").headers["retry-after"] == "0.25"
    r = fault("status=429;retry_after_ms=1500;should_retry=true")
    assert r.headers["retry-after-ms"] == "1500" and "retry-after" not in r.headers
    assert r.headers["x-should-retry"] == "true"
    when = parsedate_to_datetime(fault("status=503;retry_after_date=30").headers["retry-after"])
    assert 28 <= (when - datetime.now(UTC)).total_seconds() <= 32


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_reset_fault(srv: MockServer, provider: str) -> None:
    with httpx.Client(base_url=srv.url) as c:
        with pytest.raises((httpx.RemoteProtocolError, httpx.ReadError)):
            post(c, provider, body(provider), **{"x-mock-fault": "reset"})
        assert post(c, provider, body(provider)).status_code == 200  # a fresh connection


def test_stall_fault_outlasts_read_timeout(srv: MockServer) -> None:
    timeout = httpx.Timeout(5.0, read=0.2)
    with httpx.Client(base_url=srv.url, timeout=timeout) as c, pytest.raises(httpx.ReadTimeout):
        c.post(OPENAI_PATH, json=body("openai"), headers={"x-mock-fault": "stall=60"})


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_midstream_close(client: httpx.Client, provider: str) -> None:
    headers = {"x-mock-fault": "midstream_close;after=2"}
    lines: list[str] = []
    payload = body(provider, "a b c d", stream=True)
    stream = client.stream("POST", path_of(provider), json=payload, headers=headers)
    with pytest.raises(httpx.RemoteProtocolError), stream as r:
        assert r.status_code == 200
        lines.extend(r.iter_lines())
    events = sse("\n".join(lines) + "\n\n")
    if provider == "openai":
        assert openai_text(events) == ("Echo: a", 2)
    else:
        assert len(anthropic_deltas(events)) == 2
    with pytest.raises(httpx.RemoteProtocolError):
        post(client, provider, body(provider), **{"x-mock-fault": "midstream_close"})


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_truncated_sse(client: httpx.Client, provider: str) -> None:
    spec = {"x-mock-fault": "truncated_sse;after=1"}
    r = post(client, provider, body(provider, "a b c", stream=True), **spec)
    assert r.status_code == 200
    events = sse(r.text)
    assert (None, "[DONE]") not in events
    assert "message_stop" not in [n for n, _ in events]
    if provider == "openai":
        assert openai_text(events) == ("Echo:", 1)
    else:
        assert len(anthropic_deltas(events)) == 1
    spec = {"x-mock-fault": "truncated_sse;after=99"}
    events = sse(post(client, provider, body(provider, stream=True), **spec).text)
    assert (
        events[-1][0] == "message_delta" if provider == "anthropic" else events[-1][1] != "[DONE]"
    )


def test_html_error(client: httpx.Client) -> None:
    r = client.post(
        ANTHROPIC_PATH, json=body("anthropic"), headers={"x-mock-fault": "html_error=503"}
    )
    assert r.status_code == 503
    assert r.headers["content-type"] == "text/html"
    assert "<h1>503 Service Unavailable</h1>" in r.text
    r = client.post(OPENAI_PATH, json=body("openai"), headers={"x-mock-fault": "html_error"})
    assert r.status_code == 502 and "Bad Gateway" in r.text


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_error_payload_200(client: httpx.Client, provider: str) -> None:
    r = post(client, provider, body(provider), **{"x-mock-fault": "error_payload_200"})
    assert r.status_code == 200
    data = r.json()
    assert (
        data["error"]["type"] == "server_error" if provider == "openai" else data["type"] == "error"
    )


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_stream_error_event(client: httpx.Client, provider: str) -> None:
    spec = {"x-mock-fault": "stream_error_event;after=2"}
    events = sse(post(client, provider, body(provider, "a b c d", stream=True), **spec).text)
    name, data = events[-1]
    assert name == "error"
    error = json.loads(data)
    if provider == "openai":
        assert error["error"]["type"] == "server_error"
        assert openai_text(events[:-1]) == ("Echo: a", 2)
    else:
        assert error["type"] == "error" and error["error"]["type"] == "overloaded_error"
        assert len(anthropic_deltas(events)) == 2
        assert "message_stop" not in [n for n, _ in events]


@pytest.mark.parametrize("provider", ["openai", "anthropic"])
def test_malformed_json(client: httpx.Client, provider: str) -> None:
    r = post(client, provider, body(provider), **{"x-mock-fault": "malformed_json"})
    assert r.status_code == 200
    with pytest.raises(json.JSONDecodeError):
        json.loads(r.text)
    events = sse(
        post(
            client, provider, body(provider, stream=True), **{"x-mock-fault": "malformed_json"}
        ).text
    )
    with pytest.raises(json.JSONDecodeError):
        json.loads(events[-1][1])
    for _, data in events[:-1]:
        json.loads(data)


@pytest.mark.parametrize(
    "spec",
    ["bogus", "status", "status=abc", "status=200", "stall=-1", "reset;after=x", "reset;oops=1"],
)
def test_bad_fault_spec_is_a_400_that_says_why(client: httpx.Client, spec: str) -> None:
    r = client.post(OPENAI_PATH, json=body("openai"), headers={"x-mock-fault": spec})
    assert r.status_code == 400
    assert "chatplex mock server" in r.json()["error"]["message"]


def test_fault_plan_and_attempt_counting() -> None:
    seen: list[MockRequest] = []

    def plan(request: MockRequest) -> str | None:
        seen.append(request)
        return "status=503;retry_after=0" if request.key and request.attempt < 3 else None

    with MockServer(fault_plan=plan) as server, httpx.Client(base_url=server.url) as c:
        headers = {"X-Request-Key": "job-1"}
        statuses = [
            c.post(OPENAI_PATH, json=body("openai"), headers=headers).status_code for _ in range(3)
        ]
        assert statuses == [503, 503, 200]
        r = c.post(OPENAI_PATH, json=body("openai"), headers=headers)
        assert r.headers["x-request-key"] == "job-1"
        c.post(OPENAI_PATH, json=body("openai"))  # no key: attempt 1 every time
        stats = server.stats
    assert [s.attempt for s in seen] == [1, 2, 3, 4, 1]
    assert seen[0].path == OPENAI_PATH and seen[0].method == "POST"
    assert seen[0].headers["x-request-key"] == "job-1" and seen[0].key == "job-1"
    assert seen[0].json is not None and seen[0].json["model"] == "openai-model"
    assert not seen[0].stream
    assert stats.attempts == {"job-1": 4}
    assert stats.faults == {"status": 2} and stats.faults_total == 2
    assert stats.by_status == {503: 2, 200: 3}


def test_header_fault_wins_over_plan() -> None:
    server = MockServer(fault_plan=lambda request: "status=500")
    with server, httpx.Client(base_url=server.url) as c:
        r = c.post(OPENAI_PATH, json=body("openai"), headers={"x-mock-fault": "status=418"})
    assert r.status_code == 418


# ---------------------------------------------------------------- rate limit & stats


def test_rate_limit_mode() -> None:
    # 1 request/s refills too slowly for six quick requests to sneak past, even on slow CI.
    with MockServer(rate_limit_rps=1, rate_limit_burst=2) as server:
        with httpx.Client(base_url=server.url) as c:
            responses = [c.post(ANTHROPIC_PATH, json=body("anthropic")) for _ in range(6)]
            openai = c.post(OPENAI_PATH, json=body("openai"))  # a separate budget
        stats = server.stats
    statuses = [r.status_code for r in responses]
    assert statuses[:2] == [200, 200] and statuses.count(429) >= 3
    limited = next(r for r in responses if r.status_code == 429)
    assert 0 < float(limited.headers["retry-after"]) <= 1.0
    assert 1 <= int(limited.headers["retry-after-ms"]) <= 1000
    assert limited.json()["error"]["type"] == "rate_limit_error"
    assert openai.status_code == 200
    assert stats.rate_limit_rejected == statuses.count(429) == stats.too_many_requests
    assert stats.rate_limit_accepted == 7 - stats.rate_limit_rejected


def test_rate_limit_window_mode_is_hidden_and_says_retry_after_1() -> None:
    """2 requests/s kept as a strict 60 s window: 120 go, then 429s that announce nothing
    but ``retry-after: 1``, however long the real wait (issue 40's per-minute limit)."""
    with MockServer(rate_limit_rps=2, rate_limit_window=60.0) as server:
        with httpx.Client(base_url=server.url) as c:
            statuses = [c.post(OPENAI_PATH, json=body("openai")).status_code for _ in range(120)]
            limited = c.post(OPENAI_PATH, json=body("openai"))
        stats = server.stats
    assert statuses == [200] * 120 and limited.status_code == 429
    assert limited.headers["retry-after"] == "1"
    assert not [name for name in limited.headers if "ratelimit" in name]
    assert stats.rate_limit_rejected == 1 and stats.rate_limit_accepted == 120


def test_stats_and_reset() -> None:
    with MockServer() as server, httpx.Client(base_url=server.url) as c:
        c.post(OPENAI_PATH, json=body("openai"))
        c.post("/chat/completions", json=body("openai"))
        c.post(ANTHROPIC_PATH, json=body("anthropic"), headers={"x-mock-fault": "status=429"})
        c.post(ANTHROPIC_PATH, json=body("anthropic"), headers={"x-mock-fault": "html_error"})
        c.get("/health")
        stats = server.stats
        server.reset_stats()
        empty = server.stats
    assert stats.requests == 5 and stats.connections == 1
    assert stats.by_path == {
        OPENAI_PATH: 1,
        "/chat/completions": 1,
        ANTHROPIC_PATH: 2,
        "/health": 1,
    }
    assert stats.by_status == {200: 3, 429: 1, 502: 1}
    assert stats.faults == {"status": 1, "html_error": 1}
    assert stats.too_many_requests == 1
    assert empty.requests == 0 and empty.by_status == {} and empty.attempts == {}


def test_keep_alive_reuse_and_connection_close() -> None:
    with MockServer() as server, httpx.Client(base_url=server.url) as c:
        for i in range(50):
            r = c.post(OPENAI_PATH, json=body("openai", f"n {i}"))
            assert r.json()["choices"][0]["message"]["content"] == f"Echo: n {i}"
        assert server.stats.connections == 1
        r = c.post(OPENAI_PATH, json=body("openai"), headers={"connection": "close"})
        assert r.headers["connection"] == "close"
        c.post(OPENAI_PATH, json=body("openai"))
        assert server.stats.connections == 2


async def test_async_client_64_in_flight(srv: MockServer) -> None:
    limits = httpx.Limits(max_connections=64)
    async with httpx.AsyncClient(base_url=srv.url, limits=limits) as c:
        payloads = [body("anthropic", f"req {i}", stream=i % 2 == 0) for i in range(128)]
        responses = await asyncio.gather(*(c.post(ANTHROPIC_PATH, json=p) for p in payloads))
    assert all(r.status_code == 200 for r in responses)
    assert responses[1].json()["content"][0]["text"] == "Echo: req 1"
    assert sse(responses[0].text)[-1][0] == "message_stop"


# ---------------------------------------------------------------- HTTP edges


def test_unknown_path_method_and_bad_bodies(client: httpx.Client) -> None:
    r = client.post("/v1/embeddings", json={})
    assert r.status_code == 404 and "x-request-id" in r.headers
    r = client.get(OPENAI_PATH)
    assert r.status_code == 405 and r.headers["allow"] == "POST"
    r = client.post(
        ANTHROPIC_PATH, content=b"{not json", headers={"content-type": "application/json"}
    )
    assert r.status_code == 400 and r.json()["type"] == "error"
    assert client.post(OPENAI_PATH, json={"model": "m"}).status_code == 400
    r = client.post(OPENAI_PATH, json=body("openai"), headers={"x-mock-chunks": "lots"})
    assert r.status_code == 400 and "x-mock-chunks" in r.json()["error"]["message"]
    assert client.get("/health").json() == {"status": "ok"}


def test_raw_chunked_request_and_pipelining(srv: MockServer) -> None:
    payload = json.dumps(body("openai", "raw socket")).encode()
    chunked = b"%x\r\n%b\r\n0\r\n\r\n" % (len(payload), payload)
    first = (
        b"POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\ntransfer-encoding: chunked\r\n\r\n"
        + chunked
    )
    second = (
        b"POST /v1/chat/completions HTTP/1.1\r\nhost: x\r\nconnection: close\r\n"
        b"content-length: %d\r\n\r\n%b" % (len(payload), payload)
    )
    with socket.create_connection(("127.0.0.1", srv.port), timeout=5) as sock:
        sock.sendall(first + second)  # pipelined: both answered, in order
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
    assert received.count(b"HTTP/1.1 200 OK") == 2
    assert received.count(b'"content":"Echo: raw socket"') == 2


def test_lifecycle_and_validation() -> None:
    with pytest.raises(ValueError):
        MockServer(host="0.0.0.0")
    with pytest.raises(ValueError):
        MockSettings(chunks=0)
    server = MockServer()
    with pytest.raises(RuntimeError):
        _ = server.url
    server.start()
    try:
        assert server.openai_base_url == server.url + "/v1"
        assert server.anthropic_base_url == server.url
        with pytest.raises(RuntimeError):
            server.start()
    finally:
        server.stop()
    server.stop()  # idempotent
    with pytest.raises(httpx.ConnectError), httpx.Client() as c:
        c.get(server.url + "/health")


def test_cli_serves_until_terminated() -> None:
    command = [sys.executable, "-m", "chatplex.testing.mock_server", "--port", "0"]
    command += ["--reply-text", "from the cli", "--latency", "0.01"]
    with subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as proc:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        try:
            assert line.startswith("listening on http://127.0.0.1:")
            url = line.split()[-1]
            r = httpx.post(url + OPENAI_PATH, json=body("openai"))
            assert r.json()["choices"][0]["message"]["content"] == "from the cli"
        finally:
            proc.terminate()
            _, err = proc.communicate(timeout=10)
    assert proc.returncode == 0
    assert "served 1 requests" in err


def test_usage_details_and_the_stop_are_settings_of_the_constructor() -> None:
    with MockServer(usage_details={"cached": 2}, stop_at_limit=True) as srv:
        assert srv.settings.usage_details == {"cached": 2} and srv.settings.stop_at_limit
        body = {"model": "m", "messages": [{"role": "user", "content": "a b c"}]}
        reply = httpx.post(srv.openai_base_url + "/chat/completions", json=body).json()
    assert reply["choices"][0]["finish_reason"] == "length"
    assert reply["usage"]["prompt_tokens_details"]["cached_tokens"] == 2
    with pytest.raises(ValueError, match="usage_details"):
        MockServer(usage_details={"audio": 1})
