"""The mock server's request handling (`testing/_mock_core.py`), run on the test's own
event loop and spoken to in raw HTTP/1.1 over 127.0.0.1."""

from __future__ import annotations

import asyncio
import gc
import json
import socket
import threading
import time
import warnings
from collections.abc import AsyncIterator
from typing import Any

import pytest

from chatplex.testing._mock_core import MockCore
from chatplex.testing._mock_core import _chunks
from chatplex.testing._mock_core import _seconds
from chatplex.testing._mock_faults import MockUsageError
from chatplex.testing._mock_routes import wire_for
from chatplex.testing._mock_types import MockRequest
from chatplex.testing._mock_types import MockSettings
from tests._leaks import frozen_heap


@pytest.fixture
async def core() -> AsyncIterator[tuple[MockCore, int]]:
    server = MockCore(MockSettings())
    port = await server.listen("127.0.0.1", 0)
    try:
        yield server, port
    finally:
        await server.close()


async def exchange(port: int, raw: bytes) -> tuple[int, dict[str, str], bytes]:
    """Send one request on a new connection; read the response to the end."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(raw)
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ")[1])
        headers = {
            k.lower(): v.strip() for k, _, v in (line.partition(":") for line in lines[1:] if line)
        }
        body = (
            await reader.readexactly(int(headers["content-length"]))
            if "content-length" in headers
            else await reader.read()
        )
        return status, headers, body
    finally:
        writer.close()
        await writer.wait_closed()


def post(path: str, body: dict[str, Any], *headers: str) -> bytes:
    data = json.dumps(body).encode()
    extra = "".join(f"{h}\r\n" for h in headers)
    head = f"POST {path} HTTP/1.1\r\nhost: x\r\ncontent-length: {len(data)}\r\n{extra}"
    return (head + "connection: close\r\n\r\n").encode() + data


async def test_it_binds_loopback_only() -> None:
    with pytest.raises(ValueError, match="only binds 127.0.0.1"):
        await MockCore(MockSettings()).listen("0.0.0.0", 0)


def test_routes() -> None:
    names = {
        path: wire.name if wire else None
        for path in ("/v1/chat/completions", "/chat/completions", "/v1/messages", "/v2/other")
        for wire in [wire_for(path)]
    }
    assert names == {
        "/v1/chat/completions": "openai",
        "/chat/completions": "openai",
        "/v1/messages": "anthropic",
        "/v2/other": None,
    }


async def test_health_and_unknown_paths(core: tuple[MockCore, int]) -> None:
    server, port = core
    status, headers, body = await exchange(
        port, b"GET /health HTTP/1.1\r\nconnection: close\r\n\r\n"
    )
    assert (status, body) == (200, b'{"status":"ok"}')
    status, headers, body = await exchange(
        port, b"POST /v2/other HTTP/1.1\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
    )
    assert status == 404 and json.loads(body)["error"]["code"] == "unknown_url"
    assert headers["x-request-id"] == headers["request-id"]  # either provider's name


async def test_a_reply_with_each_providers_request_id_header(core: tuple[MockCore, int]) -> None:
    server, port = core
    body = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
    status, headers, raw = await exchange(
        port, post("/v1/chat/completions", body, "x-request-key: k1")
    )
    assert status == 200 and headers["x-request-id"].startswith("req_mock")
    assert headers["x-request-key"] == "k1" and headers["connection"] == "close"
    assert json.loads(raw)["choices"][0]["message"]["content"] == "Echo: hi"
    status, headers, raw = await exchange(port, post("/v1/messages", body, "x-mock-reply: custom"))
    assert status == 200 and "request-id" in headers and "x-request-id" not in headers
    assert json.loads(raw)["content"][0]["text"] == "custom"
    stats = server.stats.snapshot()
    assert stats.requests == 2 and stats.by_status == {200: 2} and stats.attempts == {"k1": 1}


@pytest.mark.parametrize(
    "path",
    [
        "/openai/v1/chat/completions",  # Groq
        "/api/v1/chat/completions",  # OpenRouter
        "/chat/completions?api-version=2024-10-21",  # a query string is not the path
    ],
)
async def test_chat_completions_under_any_prefix(core: tuple[MockCore, int], path: str) -> None:
    _, port = core
    body = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
    status, headers, raw = await exchange(port, post(path, body))
    assert status == 200 and "x-request-id" in headers
    assert json.loads(raw)["choices"][0]["message"]["content"] == "Echo: hi"


async def test_wrong_method_and_bad_bodies(core: tuple[MockCore, int]) -> None:
    _, port = core
    status, headers, _ = await exchange(
        port, b"GET /v1/messages HTTP/1.1\r\nconnection: close\r\n\r\n"
    )
    assert status == 405 and headers["allow"] == "POST"
    status, _, raw = await exchange(port, post("/v1/chat/completions", {"no": "messages"}))
    assert status == 400 and "'messages' list" in json.loads(raw)["error"]["message"]
    status, _, raw = await exchange(port, b"BROKEN\r\n\r\n")
    assert status == 400 and json.loads(raw)["error"]["message"] == "malformed request line"


async def test_the_fault_plan_sees_each_request(core: tuple[MockCore, int]) -> None:
    server, port = core
    seen: list[MockRequest] = []

    def plan(request: MockRequest) -> str | None:
        seen.append(request)
        return "status=503;retry_after=1" if request.attempt == 1 else None

    server.settings.fault_plan = plan
    body = {"messages": [{"role": "user", "content": "x"}]}
    status, headers, _ = await exchange(port, post("/v1/messages", body, "x-request-key: r"))
    assert status == 503 and headers["retry-after"] == "1"
    status, _, _ = await exchange(port, post("/v1/messages", body, "x-request-key: r"))
    assert status == 200
    assert [(r.attempt, r.key, r.json) for r in seen] == [(1, "r", body), (2, "r", body)]
    assert server.stats.snapshot().faults == {"status": 1}


async def test_a_side_request_meets_the_auth_check_and_faults_of_a_chat(
    core: tuple[MockCore, int],
) -> None:
    """A wire's request that is no chat (Gemini's countTokens) is answered by its
    `side_reply`, behind the same credential check and faults as a chat."""
    _, port = core
    path = "/v1beta/models/gemini-2.5-flash:countTokens"
    body = {"contents": [{"parts": [{"text": "one two three"}]}]}
    status, _, raw = await exchange(port, post(path, body, "x-goog-api-key: k"))
    assert status == 200 and json.loads(raw)["totalTokens"] == 3
    status, _, _ = await exchange(port, post(path, body))
    assert status == 401
    fault = "x-mock-fault: status=503"
    status, _, raw = await exchange(port, post(path, body, "x-goog-api-key: k", fault))
    assert status == 503 and json.loads(raw)["error"]["status"] == "UNAVAILABLE"
    status, _, raw = await exchange(port, post(path, {"other": 1}, "x-goog-api-key: k"))
    assert status == 400 and "contents" in json.loads(raw)["error"]["message"]


async def test_close_drops_stalled_connections(core: tuple[MockCore, int]) -> None:
    server, port = core
    body = {"messages": [{"role": "user", "content": "x"}]}
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    writer.write(post("/v1/messages", body, "x-mock-fault: stall=600"))
    await writer.drain()
    while server.stats.snapshot().requests == 0:
        await asyncio.sleep(0.01)
    await server.close()  # must not wait out the stall
    assert await reader.read() == b""  # the connection was dropped, nothing answered
    writer.close()
    await writer.wait_closed()


def test_header_numbers_are_checked() -> None:
    assert _seconds({}, "x-mock-latency", 0.5) == 0.5
    assert _seconds({"x-mock-latency": "2"}, "x-mock-latency", 0.0) == 2.0
    assert _chunks({"x-mock-chunks": "7"}, None) == 7 and _chunks({}, 3) == 3
    for bad in ({"x-mock-latency": "soon"}, {"x-mock-latency": "4000"}):
        with pytest.raises(MockUsageError, match="x-mock-latency"):
            _seconds(bad, "x-mock-latency", 0.0)
    for bad in ({"x-mock-chunks": "1.5"}, {"x-mock-chunks": "0"}):
        with pytest.raises(MockUsageError, match="x-mock-chunks"):
            _chunks(bad, None)


async def test_each_wire_has_its_own_budget_and_rate_limit_headers() -> None:
    settings = MockSettings(rate_limit_rps=0.001, rate_limit_burst=1, rate_limit_announce=True)
    server = MockCore(settings)
    port = await server.listen("127.0.0.1", 0)
    body = {"model": "m", "input": "hi"}
    try:
        status, headers, _ = await exchange(port, post("/v1/responses", body))
        assert status == 200 and headers["x-ratelimit-remaining-requests"] == "0"
        status, headers, raw = await exchange(port, post("/v1/responses", body))
        assert status == 429 and float(headers["retry-after"]) > 0
        assert json.loads(raw)["error"]["code"] == "rate_limit_exceeded"
        azure = post("/openai/deployments/d/chat/completions", {"messages": []}, "api-key: k")
        status, headers, _ = await exchange(port, azure)  # Azure's budget is still full
        assert status == 200 and "x-ratelimit-reset-requests" not in headers
        assert headers["x-ratelimit-remaining-requests"] == "0"
    finally:
        await server.close()


async def test_a_wire_that_needs_a_key_refuses_before_any_fault(core: tuple[MockCore, int]) -> None:
    server, port = core
    path = "/openai/deployments/d/chat/completions"
    status, headers, raw = await exchange(port, post(path, {"messages": []}, "x-mock-fault: reset"))
    assert status == 401 and json.loads(raw)["error"]["code"] == "401"
    assert "x-request-id" in headers and server.stats.snapshot().faults == {}


async def test_the_content_filter_fault_on_every_wire(core: tuple[MockCore, int]) -> None:
    _, port = core
    fault = "x-mock-fault: content_filter"
    chat = {"model": "m", "messages": [{"role": "user", "content": "hi there"}]}
    status, _, raw = await exchange(port, post("/v1/chat/completions", chat, fault))
    assert status == 400 and json.loads(raw)["error"]["code"] == "content_filter"
    status, _, raw = await exchange(port, post("/v1/messages", chat, fault))
    assert status == 400 and json.loads(raw)["error"]["type"] == "invalid_request_error"
    status, _, raw = await exchange(
        port, post("/v1/chat/completions", {**chat, "stream": True}, fault)
    )
    assert status == 200 and b'"finish_reason":"content_filter"' in raw
    responses = {"model": "m", "input": "hi", "stream": True}
    status, _, raw = await exchange(port, post("/v1/responses", responses, fault))
    assert status == 200 and b"event: response.incomplete" in raw
    assert b'"incomplete_details":{"reason":"content_filter"}' in raw


def _storm(port: int, stop: threading.Event, clients: list[socket.socket]) -> None:
    """Connect again and again until told to stop or refused."""
    while not stop.is_set():
        try:
            clients.append(socket.create_connection(("127.0.0.1", port), timeout=1))
        except OSError:
            return


def test_closing_under_a_connection_storm_leaves_no_socket_behind() -> None:
    """A connection accepted while the server closes must still be closed by it (CPython
    gh-109564: `Server.close()` first left such sockets to the garbage collector, which
    reported them in whatever test ran next). Without the fix most rounds leaked.
    Each round's collection walks only what the rounds made (`frozen_heap`), not the
    worker's whole heap: a second a round on a loaded worker."""
    from chatplex.testing import MockServer

    with frozen_heap():
        for _ in range(30):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                server = MockServer().__enter__()
                clients: list[socket.socket] = []
                stop = threading.Event()

                thread = threading.Thread(target=_storm, args=(server.port, stop, clients))
                thread.start()
                time.sleep(0.002)
                server.__exit__(None, None, None)
                stop.set()
                thread.join()
                for client in clients:
                    client.close()
                del server
                gc.collect()
            leaks = [str(w.message) for w in caught if issubclass(w.category, ResourceWarning)]
            assert not leaks, leaks


async def test_scripted_usage_details_and_stop_reach_every_reply() -> None:
    # MockSettings.usage_details: each reply's cached input and reasoning output, never
    # more than the reply's own counts (8 words in, 6 out here; reasoning capped at 6);
    # stop_at_limit: it says it stopped at the output limit.
    server = MockCore(MockSettings(usage_details={"cached": 3, "reasoning": 9}, stop_at_limit=True))
    port = await server.listen("127.0.0.1", 0)
    body = {"model": "m", "messages": [{"role": "user", "content": "Say hello to my friend"}]}
    try:
        status, _, raw = await exchange(port, post("/v1/chat/completions", body))
    finally:
        await server.close()
    usage = json.loads(raw)["usage"]
    assert json.loads(raw)["choices"][0]["finish_reason"] == "length"  # stop_at_limit
    assert status == 200 and usage["prompt_tokens_details"]["cached_tokens"] == 3
    assert usage["completion_tokens_details"]["reasoning_tokens"] == usage["completion_tokens"]


async def test_a_raw_reply_is_sent_as_written_after_faults(core: tuple[MockCore, int]) -> None:
    # MockSettings.raw_reply: bytes are a JSON body, a list a stream's frames; None leaves
    # the request to the usual reply, and a fault still wins over it.
    server, port = core
    seen: list[MockRequest] = []

    def write(request: MockRequest) -> bytes | list[bytes] | None:
        seen.append(request)
        if request.stream:
            return [b'data: {"n": 1}\n\n', b"data: [DONE]\n\n"]
        return b'{"own": true}' if request.json and request.json.get("own") else None

    server.settings.raw_reply = write
    said = [{"role": "user", "content": "x"}]
    status, _, raw = await exchange(
        port, post("/v1/chat/completions", {"messages": said, "own": 1})
    )
    assert status == 200 and json.loads(raw) == {"own": True}
    status, _, raw = await exchange(port, post("/v1/chat/completions", {"messages": said}))
    assert status == 200 and json.loads(raw)["object"] == "chat.completion"
    body = {"messages": said, "stream": True}
    status, headers, raw = await exchange(port, post("/v1/chat/completions", body))
    assert status == 200 and headers["content-type"].startswith("text/event-stream")
    assert b'data: {"n": 1}\n\n' in raw and b"data: [DONE]" in raw
    fault = "x-mock-fault: status=503"
    status, _, _ = await exchange(port, post("/v1/chat/completions", {**body, "own": 1}, fault))
    assert status == 503 and len(seen) == 3
    fault = "x-mock-fault: content_filter"  # a stream's fault: the planned reply, cut
    status, _, raw = await exchange(port, post("/v1/chat/completions", body, fault))
    assert status == 200 and b'"n": 1' not in raw and b"content_filter" in raw
    assert len(seen) == 3
