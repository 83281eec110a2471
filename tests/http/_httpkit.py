"""Helpers for the http tests: a fake adapter, scripted bodies and a local server.

The fake adapter speaks a trivial wire format, so these tests do not depend on the real
adapters: a reply body is `{"text": ...}`, a stream is `data: {"t": ...}` events closed by
an `event: done`, and an error body is `{"error": ...}`.
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import AsyncIterator
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs
from urllib.parse import urlsplit

import httpx

from chatplex.adapters.base import Adapter
from chatplex.adapters.request_types import CallSettings
from chatplex.adapters.request_types import HTTPRequest
from chatplex.adapters.sse_event import SSEEvent
from chatplex.errors import APIError
from chatplex.errors import APITimeoutError
from chatplex.errors import StreamError
from chatplex.errors import status_error
from chatplex.http import asend
from chatplex.http import astream
from chatplex.http import get_async_client
from chatplex.http import send
from chatplex.http import stream
from chatplex.http._transport import AioHTTPTransport
from chatplex.messages import AIMessage
from chatplex.messages import AIMessageChunk
from chatplex.messages import BaseMessage

SECRET = "sk-test-never-shown"
#: Waits the tests rely on *not* ending (a stalled server, headers that never come): far
#: longer than any timeout or deadline raced against them, so a loaded machine cannot
#: make the wrong side win.
NEVER = 60
#: Bound for "ended at the timeout or deadline, did not wait for NEVER": generous, as it
#: only needs to tell seconds from a minute.
PROMPTLY = 15.0


async def until(predicate: Callable[[], bool], timeout: float = PROMPTLY) -> None:
    """Yield to the loop until `predicate()` holds (fails after `timeout` s, never hangs):
    a condition to wait for instead of a guess at how long something takes."""
    end = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < end, f"condition not reached within {timeout} s"
        await asyncio.sleep(0.005)


#: OpenAI's rate-limit headers on a reply: 600 requests and 60,000 tokens a minute.
OPENAI_LIMITS = {
    "x-ratelimit-limit-requests": "600",
    "x-ratelimit-remaining-requests": "599",
    "x-ratelimit-reset-requests": "100ms",
    "x-ratelimit-limit-tokens": "60000",
    "x-ratelimit-remaining-tokens": "59000",
    "x-ratelimit-reset-tokens": "1s",
}


class FakeClock:
    """A monotonic clock that only moves when someone sleeps on it (`slept`: each sleep);
    its async sleep yields to the loop once."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds

    async def asleep(self, seconds: float) -> None:
        self.sleep(seconds)
        await asyncio.sleep(0)


class Bound:
    """What `_clamp` and a Watch read of a call: its bound (movable), clock and timeout error."""

    def __init__(self, left: float) -> None:
        self.end = time.monotonic() + left

    def until(self) -> float:
        return self.end

    def clock(self) -> float:
        return time.monotonic()

    def timed_out(self) -> Exception:
        return APITimeoutError("bound reached")


class FakeParser:
    def __init__(self) -> None:
        self.done = False

    def feed(self, event: SSEEvent) -> AIMessageChunk | None:
        if event.event == "done":
            self.done = True
            return None
        if event.event == "error":
            raise StreamError(json.loads(event.data)["error"])
        return AIMessageChunk(content=json.loads(event.data)["t"])

    def finish(self) -> None:
        if not self.done:
            raise StreamError("stream ended before the done event")


class FakeAdapter(Adapter):
    provider = "fake"

    def __init__(self, base_url: str = "https://fake.test") -> None:
        self.base_url = base_url

    def request(self, path: str = "/chat", **body: Any) -> HTTPRequest:
        return HTTPRequest(
            "POST",
            self.base_url + path,
            {"authorization": f"Bearer {SECRET}"},
            {"model": "m", **body},
        )

    def build_request(
        self, messages: list[BaseMessage], settings: CallSettings, *, stream: bool
    ) -> HTTPRequest:
        return self.request(stream=stream, text=[m.text for m in messages])

    def parse_response(self, body: bytes, headers: Mapping[str, str]) -> AIMessage:
        return AIMessage(content=json.loads(body)["text"])

    def stream_parser(self, headers: Mapping[str, str]) -> FakeParser:
        return FakeParser()

    def map_error(self, status: int, body: bytes, headers: Mapping[str, str]) -> APIError:
        try:
            message = json.loads(body)["error"]
        except (ValueError, KeyError, TypeError):
            message = f"HTTP {status}"
        return status_error(provider=self.provider, status=status, message=message, headers=headers)

    def budget_key(self, model: str) -> tuple[str, ...]:
        return ("fake", model)


class DeclaringAdapter(FakeAdapter):
    """A fake answering for a provider whose spec names both reply headers of its own
    (`ProviderSpec.request_id_header`, `retry_after_ms_header`)."""

    provider = "anthropic"


class HoldingParser(FakeParser):
    """A parser that holds a call's argument pieces for the end (`HoldsPieces`), as
    Cohere's async stream does: event `hold` holds one, `done` hands the call on."""

    def __init__(self) -> None:
        super().__init__()
        self.args: list[str] = []

    def held(self) -> list[AIMessageChunk]:
        if self.done or not self.args:
            return []
        call = {"name": "f", "args": "".join(self.args), "id": "c1", "index": None}
        return [AIMessageChunk(content="", tool_call_chunks=[call])]  # type: ignore[list-item]

    def feed(self, event: SSEEvent) -> AIMessageChunk | None:
        if event.event == "hold":
            self.args.append(json.loads(event.data)["a"])
            return None
        return super().feed(event)


class HoldingAdapter(FakeAdapter):
    def stream_parser(self, headers: Mapping[str, str]) -> FakeParser:
        return HoldingParser()


def held(args: str) -> bytes:
    """The event by which `HoldingParser` holds a piece of a call's arguments."""
    return f"event: hold\ndata: {json.dumps({'a': args})}\n\n".encode()


def shared_transport() -> AioHTTPTransport:
    """The transport of chatplex's shared async client (its aiohttp one)."""
    transport = get_async_client()._transport
    assert isinstance(transport, AioHTTPTransport)
    return transport


def sse(*texts: str, done: bool = True) -> bytes:
    events = [f'data: {{"t": {json.dumps(t)}}}\n\n'.encode() for t in texts]
    if done:
        events.append(b"event: done\ndata: {}\n\n")
    return b"".join(events)


class Body(httpx.SyncByteStream, httpx.AsyncByteStream):
    """A response body for MockTransport that records being closed and can fail."""

    def __init__(self, parts: list[bytes], error: Exception | None = None) -> None:
        self.parts = parts
        self.error = error
        self.closed = False

    def __iter__(self) -> Iterator[bytes]:
        yield from self.parts
        if self.error is not None:
            raise self.error

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for part in self.parts:
            yield part
        if self.error is not None:
            raise self.error

    def close(self) -> None:
        self.closed = True

    async def aclose(self) -> None:
        self.closed = True


Handler = Callable[[httpx.Request], httpx.Response]


def answers(*steps: httpx.Response | Exception) -> tuple[list[httpx.Request], Handler]:
    """A handler answering with `steps` in turn (the last repeats)."""
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        step = steps[min(len(seen), len(steps)) - 1]
        if isinstance(step, Exception):
            raise step
        return step

    return seen, handler


def _proc_state(pid: int) -> str:
    with open(f"/proc/{pid}/stat", "rb") as file:
        return file.read().rpartition(b")")[2].split()[0].decode()


def wait_for_state(pid: int, wanted: str) -> None:
    """Until process `pid` is in state `wanted` ("Z" exited, "T" stopped) per /proc."""
    give_up = time.monotonic() + 30  # only a hang crosses it
    while _proc_state(pid) != wanted:
        assert time.monotonic() < give_up, f"pid {pid} never reached state {wanted}"
        time.sleep(0.01)


def mock_clients(handler: Handler) -> tuple[httpx.Client, httpx.AsyncClient]:
    transport = httpx.MockTransport(handler)
    return httpx.Client(transport=transport), httpx.AsyncClient(transport=transport)


async def call(sync: bool, adapter: FakeAdapter, request: HTTPRequest, **kw: Any) -> AIMessage:
    """send() or asend() with the same arguments (`clients` picks the matching client)."""
    clients = kw.pop("clients", None)
    if sync:
        return send(adapter, request, client=clients[0] if clients else None, **kw)
    return await asend(adapter, request, client=clients[1] if clients else None, **kw)


async def collect(
    sync: bool, adapter: FakeAdapter, request: HTTPRequest, **kw: Any
) -> list[AIMessageChunk]:
    """All chunks of stream() or astream()."""
    clients = kw.pop("clients", None)
    if sync:
        with stream(adapter, request, client=clients[0] if clients else None, **kw) as chunks:
            return list(chunks)
    async with astream(adapter, request, client=clients[1] if clients else None, **kw) as achunks:
        return [chunk async for chunk in achunks]


# --- a local HTTP/1.1 server ------------------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: LocalServer

    def setup(self) -> None:
        super().setup()
        with self.server.lock:
            self.server.connections += 1

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        length = int(self.headers.get("content-length") or 0)
        self.rfile.read(length)
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        route = getattr(self, "route_" + url.path.strip("/").split("/")[0], None)
        try:
            if route is None:
                self.reply(404, b'{"error": "no such route"}')
            else:
                route(url.path, query)
        except OSError:
            self.close_connection = True  # the client went away: often what we test for

    def reply(self, status: int, body: bytes, ctype: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("content-type", ctype)
        self.send_header("content-length", str(len(body)))
        self.send_header("x-request-id", "req-local")
        self.end_headers()
        self.wfile.write(body)

    def start_stream(self) -> None:
        self.send_response(200)
        self.send_header("content-type", "text/event-stream")
        self.send_header("transfer-encoding", "chunked")
        self.send_header("x-request-id", "req-local")
        self.end_headers()
        self.wfile.flush()

    def chunk(self, data: bytes) -> None:
        self.wfile.write(b"%x\r\n%s\r\n" % (len(data), data))
        self.wfile.flush()

    def route_json(self, path: str, q: dict[str, str]) -> None:
        time.sleep(float(q.get("sleep", 0)))
        self.reply(200, json.dumps({"text": q.get("text", "hello")}).encode())

    def route_flaky(self, path: str, q: dict[str, str]) -> None:
        """Records the request's headers (`server.seen`); the first `fail` requests to the
        server get a 500 (`server.failures` counts them), the rest a reply (`sse`: a
        stream)."""
        server = self.server
        with server.lock:
            server.seen.append({k.lower(): v for k, v in self.headers.items()})
            failing = server.failures < int(q.get("fail", 0))
            server.failures += failing
        if failing:
            self.reply(500, b'{"error": "flaky"}')
        elif "sse" in q:
            self.route_sse(path, {"n": "2"})
        else:
            self.reply(200, b'{"text": "at last"}')

    def route_status(self, path: str, q: dict[str, str]) -> None:
        self.reply(int(path.rsplit("/", 1)[1]), b'{"error": "local failure"}')

    def route_sse(self, path: str, q: dict[str, str]) -> None:
        """`n` events (forever if n=0), `delay` s apart, then done (unless cut/stall)."""
        n, delay = int(q.get("n", 3)), float(q.get("delay", 0))
        time.sleep(float(q.get("before", 0)))
        self.start_stream()
        i = 0
        while n == 0 or i < n:
            self.chunk(sse(f"t{i} ", done=False))
            i += 1
            time.sleep(delay)
        if "stall" in q:
            time.sleep(float(q["stall"]))
        if "cut" in q:
            self.close_connection = True  # unterminated chunked body: a broken stream
            return
        self.chunk(b"event: done\ndata: {}\n\n")
        self.wfile.write(b"0\r\n\r\n")


class LocalServer(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.lock = threading.Lock()
        self.connections = 0
        self.seen: list[dict[str, str]] = []  # the requests' headers (`route_flaky`)
        self.failures = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"
