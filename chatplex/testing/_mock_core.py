"""The mock server's request handling: routing, replies, faults, rate limit, stats (private).

`MockCore` owns no thread and no loop: `MockServer` runs it in a background thread,
the CLI runs it in the main thread. Everything in here runs on that one event loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import itertools
import json
import logging
import math
import secrets
import socket
import struct
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from ._mock_batches import MockBatches, is_batch_path
from ._mock_faults import (
    STREAM_FAULTS,
    Fault,
    MockUsageError,
    TokenBucket,
    error_fields,
    html_page,
    parse_fault,
    retry_headers,
)
from ._mock_http import CHUNKED_END, HttpError, HttpRequest, build_head, frame, read_request
from ._mock_replies import (
    ANTHROPIC,
    OPENAI,
    Event,
    Reply,
    anthropic_error,
    anthropic_events,
    anthropic_json,
    break_event,
    cut_index,
    openai_error,
    openai_events,
    openai_json,
    plan_reply,
    stream_error_event,
)
from ._mock_types import (
    LOOPBACK,
    MAX_CHUNKS,
    MAX_SECONDS,
    MockRequest,
    MockSettings,
    StatsRecorder,
)
from ._script_reply import scripted_reply

__all__ = ["ROUTES", "MockCore"]

logger = logging.getLogger("chatplex.testing.mock_server")

ROUTES = {
    "/v1/chat/completions": OPENAI,
    "/chat/completions": OPENAI,
    "/v1/messages": ANTHROPIC,
}
# Rate-limit budgets are per API, whichever alias of the path was used.
_BUDGET_KEYS = {OPENAI: "/v1/chat/completions", ANTHROPIC: "/v1/messages"}
_JSON = "application/json"
_SSE_HEADERS = (
    ("content-type", "text/event-stream; charset=utf-8"),
    ("cache-control", "no-cache"),
    ("transfer-encoding", "chunked"),
)
_LINGER_RESET = struct.pack("ii", 1, 0)


@dataclass
class _Exchange:
    """One request being answered on one connection."""

    request: HttpRequest
    writer: asyncio.StreamWriter
    provider: str | None
    rid: str
    headers: list[tuple[str, str]]
    sent: bool = False  # once a status line is out, errors can only drop the connection

    @property
    def keep_alive(self) -> bool:
        return self.request.keep_alive


def _load_json(body: bytes) -> dict[str, Any] | None:
    if not body:
        return None
    try:
        value = json.loads(body)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _seconds(headers: Mapping[str, str], name: str, default: float) -> float:
    raw = headers.get(name)
    if raw is None:
        return default
    try:
        value = float(raw)
    except ValueError:
        raise MockUsageError(f"{name}: expected seconds, got {raw!r}") from None
    if not 0 <= value <= MAX_SECONDS:
        raise MockUsageError(f"{name}: expected 0..3600 seconds, got {raw!r}")
    return value


def _chunks(headers: Mapping[str, str], default: int | None) -> int | None:
    raw = headers.get("x-mock-chunks")
    if raw is None:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise MockUsageError(f"x-mock-chunks: expected an integer, got {raw!r}") from None
    if not 1 <= value <= MAX_CHUNKS:
        raise MockUsageError(f"x-mock-chunks: expected 1..{MAX_CHUNKS}, got {raw!r}")
    return value


def _header_text(raw: str) -> str:
    # Header bytes were decoded as latin-1; clients that send UTF-8 mean UTF-8.
    try:
        return raw.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return raw


def _reset(writer: asyncio.StreamWriter) -> None:
    # SO_LINGER 0 makes close() send RST instead of FIN: the client sees a reset.
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, _LINGER_RESET)
    writer.transport.abort()


class MockCore:
    """Serves the OpenAI and Anthropic wire protocols on one event loop."""

    def __init__(self, settings: MockSettings) -> None:
        self.settings = settings
        self.stats = StatsRecorder()
        self._limiter = TokenBucket()
        self._ids = itertools.count(1)
        self._prefix = secrets.token_hex(4)
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[Any]] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        self.batches = MockBatches(settings)  # the Batch APIs (`_mock_batches.py`)

    async def listen(self, host: str, port: int) -> int:
        """Start accepting connections on loopback; return the bound port."""
        if host != LOOPBACK:
            raise ValueError(f"the mock server only binds {LOOPBACK}, not {host!r}")
        self._server = await asyncio.start_server(self._on_connection, host, port, backlog=1024)
        port_: int = self._server.sockets[0].getsockname()[1]
        return port_

    async def close(self) -> None:
        """Stop listening and drop every connection, including stalled ones."""
        if self._server is not None:
            self._server.close()
        while True:
            await asyncio.sleep(0)  # let just-accepted connections register their task
            pending = [task for task in self._tasks if not task.done()]
            if not pending:
                break
            for writer in list(self._writers):
                writer.transport.abort()
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)
        if self._server is not None:
            await self._server.wait_closed()
        self.batches.close()

    # ------------------------------------------------------------------ connections

    async def _on_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._tasks.add(task)
        self._writers.add(writer)
        self.stats.connection()
        try:
            await self._serve_connection(reader, writer)
        except (OSError, asyncio.IncompleteReadError):
            pass  # the client went away; there is nobody left to answer
        except asyncio.CancelledError:
            # Only close() cancels these tasks. Ending normally matters: Python 3.11's
            # stream callback calls task.exception(), which raises on a cancelled task.
            pass
        except Exception:
            logger.exception("mock server: unexpected error")
            writer.transport.abort()
        finally:
            if task is not None:
                self._tasks.discard(task)
            self._writers.discard(writer)
            if not writer.is_closing():
                writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def _serve_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        while True:
            try:
                request = await read_request(reader, writer)
            except HttpError as exc:
                body = openai_error(exc.message, "invalid_request_error", None)
                headers = [("content-type", _JSON), ("content-length", str(len(body)))]
                self.stats.status(exc.status)
                writer.write(build_head(exc.status, [*headers, ("connection", "close")]) + body)
                return
            if request is None or not await self._serve(request, writer):
                return

    def _exchange(self, request: HttpRequest, writer: asyncio.StreamWriter) -> _Exchange:
        provider = ROUTES.get(request.path)
        rid = f"mock{self._prefix}{next(self._ids):06d}"
        request_id = "req_" + rid
        if provider == OPENAI:
            headers = [("x-request-id", request_id)]
        elif provider == ANTHROPIC:
            headers = [("request-id", request_id)]
        else:
            headers = [("x-request-id", request_id), ("request-id", request_id)]
        key = request.headers.get("x-request-key")
        if key is not None:
            headers.append(("x-request-key", key))
        headers.append(("connection", "keep-alive" if request.keep_alive else "close"))
        return _Exchange(request, writer, provider, rid, headers)

    async def _serve(self, request: HttpRequest, writer: asyncio.StreamWriter) -> bool:
        """Answer one request; return whether the connection may serve another."""
        attempt = self.stats.request(request.path, request.headers.get("x-request-key"))
        ex = self._exchange(request, writer)
        try:
            if ex.provider is None:
                return await self._serve_other(ex)
            if request.method != "POST":
                message = f"Method {request.method} is not allowed on {request.path}"
                kind, allow = "invalid_request_error", [("allow", "POST")]
                return await self._send_error(ex, 405, kind, message, None, allow)
            return await self._serve_api(ex, attempt)
        except MockUsageError as exc:
            if ex.sent:
                return False
            message = f"chatplex mock server: {exc}"
            return await self._send_error(ex, 400, "invalid_request_error", message, None)
        except (OSError, asyncio.IncompleteReadError):
            raise
        except Exception as exc:
            logger.exception("mock server: error while answering %s", request.path)
            if ex.sent:
                return False
            message = f"chatplex mock server error: {exc!r}"
            return await self._send_error(ex, 500, "api_error", message, None)

    async def _serve_other(self, ex: _Exchange) -> bool:
        if is_batch_path(ex.request.path):
            return await self.batches.serve(self, ex)
        if ex.request.path == "/health":
            await self._send(ex, 200, b'{"status":"ok"}', _JSON)
            return ex.keep_alive
        message = f"Unknown path {ex.request.path} (mock)"
        return await self._send_error(ex, 404, "invalid_request_error", message, "unknown_url")

    async def _serve_api(self, ex: _Exchange, attempt: int) -> bool:
        assert ex.provider is not None
        request, settings = ex.request, self.settings
        body = _load_json(request.body)
        wait: float | None = None
        fault: Fault | None = None
        if settings.rate_limit_rps is not None:
            budget = _BUDGET_KEYS[ex.provider]
            wait = self._limiter.take(budget, settings.rate_limit_rps, settings.rate_limit_burst)
            self.stats.rate_limit(accepted=wait is None)
            if settings.rate_limit_announce:
                ex.headers.extend(self._announce(ex.provider, *self._limiter.level(budget)))
        if wait is None:
            spec = request.headers.get("x-mock-fault")
            if spec is None and settings.fault_plan is not None:
                seen = MockRequest(request.method, request.path, request.headers, body, attempt)
                spec = settings.fault_plan(seen)
            fault = parse_fault(spec) if spec else None
        latency = _seconds(request.headers, "x-mock-latency", settings.latency)
        if latency:
            await asyncio.sleep(latency)
        if wait is not None:
            return await self._send_rate_limited(ex, wait)
        if fault is not None:
            self.stats.fault(fault.name)
            return await self._apply_fault(ex, fault, body)
        return await self._send_reply(ex, body)

    # ------------------------------------------------------------------ normal replies

    def _plan(self, ex: _Exchange, body: dict[str, Any] | None) -> Reply:
        assert ex.provider is not None
        if body is None or not isinstance(body.get("messages"), list):
            raise MockUsageError("the body must be a JSON object with a 'messages' list")
        headers, settings = ex.request.headers, self.settings
        chunks = _chunks(headers, settings.chunks)
        tool_name = headers.get("x-mock-tool-call")
        script = settings.script
        if script is not None and tool_name is None and "x-mock-reply" not in headers:
            # Scripted mode: the per-request headers still win; a request the script
            # does not decide gets the usual reply below, within the script's switches.
            scripted = scripted_reply(script, ex.provider, body, chunks)
            if scripted is not None:
                return scripted
        text: str | None
        if "x-mock-reply" in headers:
            text = _header_text(headers["x-mock-reply"])
        elif settings.reply is not None:
            text = settings.reply(body)
        else:
            text = settings.reply_text
        return plan_reply(
            ex.provider,
            body,
            text=text,
            chunks=chunks,
            tool_name=tool_name,
            obey_tool_choice=script is None or script.obey_tool_choice,
            answer_schema=script is None or script.answer_schema,
        )

    def _render_json(self, ex: _Exchange, reply: Reply) -> bytes:
        if ex.provider == ANTHROPIC:
            return anthropic_json(reply, ex.rid)
        return openai_json(reply, ex.rid, int(time.time()))

    def _render_events(self, ex: _Exchange, reply: Reply, body: dict[str, Any]) -> list[Event]:
        if ex.provider == ANTHROPIC:
            return anthropic_events(reply, ex.rid)
        options = body.get("stream_options")
        include_usage = isinstance(options, dict) and options.get("include_usage") is True
        return openai_events(reply, ex.rid, int(time.time()), include_usage)

    async def _send_reply(self, ex: _Exchange, body: dict[str, Any] | None) -> bool:
        reply = self._plan(ex, body)
        assert body is not None
        if body.get("stream") is True:
            events = self._render_events(ex, reply, body)
            await self._stream(ex, [event for event, _ in events], terminate=True)
        else:
            await self._send(ex, 200, self._render_json(ex, reply), _JSON)
        return ex.keep_alive

    # ------------------------------------------------------------------ writing

    async def _send(
        self,
        ex: _Exchange,
        status: int,
        body: bytes,
        content_type: str,
        extra: Sequence[tuple[str, str]] = (),
        declared_length: int | None = None,
    ) -> None:
        length = len(body) if declared_length is None else declared_length
        fields = [("content-type", content_type), ("content-length", str(length))]
        # Count first: a client may read the stats as soon as the bytes arrive.
        self.stats.status(status)
        ex.sent = True
        # One write per response: head and body leave in a single send() call.
        ex.writer.write(build_head(status, [*fields, *ex.headers, *extra]) + body)
        await ex.writer.drain()

    async def _send_error(
        self,
        ex: _Exchange,
        status: int,
        type_: str,
        message: str,
        code: str | None,
        extra: Sequence[tuple[str, str]] = (),
    ) -> bool:
        if ex.provider == ANTHROPIC:
            body = anthropic_error(type_, message, "req_" + ex.rid)
        else:
            body = openai_error(message, type_, code)
        await self._send(ex, status, body, _JSON, extra)
        return ex.keep_alive

    async def _stream(self, ex: _Exchange, events: Sequence[bytes], *, terminate: bool) -> None:
        delay = _seconds(ex.request.headers, "x-mock-chunk-delay", self.settings.chunk_delay)
        writer = ex.writer
        self.stats.status(200)
        ex.sent = True
        writer.write(build_head(200, [*_SSE_HEADERS, *ex.headers]))
        for index, event in enumerate(events):
            if delay and index:
                await asyncio.sleep(delay)
            elif index % 64 == 63:
                await asyncio.sleep(0)  # a long fast stream must not starve other clients
            # One chunked frame per SSE event, so clients see whole events per read.
            writer.write(frame(event))
            # Cheap unless the client is slow (then it waits), and it notices a
            # disconnected client instead of writing into the void.
            await writer.drain()
        if terminate:
            writer.write(CHUNKED_END)
            await writer.drain()

    @staticmethod
    def _announce(
        provider: str, tokens: float, capacity: float, rate: float
    ) -> list[tuple[str, str]]:
        """The provider's rate-limit headers for the bucket's state: the limit per minute,
        the requests that may go now, and when the bucket is full again."""
        limit, left = f"{rate * 60:g}", str(max(0, math.floor(tokens)))
        full_in = max(0.0, (capacity - tokens) / rate)
        if provider == ANTHROPIC:
            full_at = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(
                seconds=full_in
            )
            return [
                ("anthropic-ratelimit-requests-limit", limit),
                ("anthropic-ratelimit-requests-remaining", left),
                ("anthropic-ratelimit-requests-reset", full_at.isoformat(timespec="milliseconds")),
            ]
        return [
            ("x-ratelimit-limit-requests", limit),
            ("x-ratelimit-remaining-requests", left),
            ("x-ratelimit-reset-requests", f"{math.ceil(full_in * 1000)}ms"),
        ]

    async def _send_rate_limited(self, ex: _Exchange, wait: float) -> bool:
        millis = max(1, math.ceil(wait * 1000))
        extra = [("retry-after", f"{wait:.3f}"), ("retry-after-ms", str(millis))]
        if self.settings.rate_limit_announce:
            pass  # the exchange already carries the full set
        elif ex.provider == ANTHROPIC:
            extra.append(("anthropic-ratelimit-requests-remaining", "0"))
        else:
            extra.append(("x-ratelimit-remaining-requests", "0"))
            extra.append(("x-ratelimit-reset-requests", f"{millis}ms"))
        type_, message, code = error_fields(ex.provider or OPENAI, 429, None)
        return await self._send_error(ex, 429, type_, message, code, extra)

    # ------------------------------------------------------------------ faults

    async def _apply_fault(self, ex: _Exchange, fault: Fault, body: dict[str, Any] | None) -> bool:
        provider = ex.provider or OPENAI
        name = fault.name
        if name == "reset":
            _reset(ex.writer)
            return False
        if name == "stall":
            await asyncio.sleep(fault.seconds)
            return await self._send_reply(ex, body)
        extra = retry_headers(fault)
        if name == "status":
            type_, message, code = error_fields(provider, fault.status, fault)
            return await self._send_error(ex, fault.status, type_, message, code, extra)
        if name == "html_error":
            await self._send(ex, fault.status, html_page(fault.status), "text/html", extra)
            return ex.keep_alive
        stream = body is not None and body.get("stream") is True
        if name == "error_payload_200" or (name == "stream_error_event" and not stream):
            type_, message, code = error_fields(provider, 500, fault)
            return await self._send_error(ex, 200, type_, message, code, extra)
        assert name in STREAM_FAULTS
        reply = self._plan(ex, body)
        assert body is not None
        if stream:
            return await self._stream_fault(ex, fault, self._render_events(ex, reply, body))
        return await self._body_fault(ex, fault, self._render_json(ex, reply), extra)

    async def _body_fault(
        self, ex: _Exchange, fault: Fault, full: bytes, extra: Sequence[tuple[str, str]]
    ) -> bool:
        half = full[: len(full) // 2]
        if fault.name == "midstream_close":
            # Promise the whole body, send half, hang up: an incomplete read for the client.
            await self._send(ex, 200, half, _JSON, extra, declared_length=len(full))
            return False
        # truncated_sse / malformed_json: a complete HTTP message whose JSON is cut short.
        await self._send(ex, 200, half, _JSON, extra)
        return ex.keep_alive

    async def _stream_fault(self, ex: _Exchange, fault: Fault, events: list[Event]) -> bool:
        cut = cut_index([is_delta for _, is_delta in events], fault.after)
        frames = [event for event, _ in events[:cut]]
        if fault.name == "midstream_close":
            await self._stream(ex, frames, terminate=False)
            return False  # closing without the chunked terminator
        if fault.name == "stream_error_event":
            status = 529 if ex.provider == ANTHROPIC else 500
            type_, message, code = error_fields(ex.provider or OPENAI, status, fault)
            frames.append(stream_error_event(ex.provider or OPENAI, type_, message, code))
        elif fault.name == "malformed_json":
            frames.append(break_event(events[cut][0]))
        await self._stream(ex, frames, terminate=True)
        return ex.keep_alive
