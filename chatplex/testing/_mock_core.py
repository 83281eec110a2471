"""The mock server's request handling: routing, replies, faults, rate limit, stats (private).

`MockCore` owns no thread and no loop: `MockServer` runs it in a background thread,
the CLI runs it in the main thread. Everything in here runs on that one event loop.
It knows no wire: the `MockWire` that `_mock_routes.wire_for(path)` picks reads the
request, renders the reply, the errors and the stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import itertools
import json
import logging
import math
import secrets
import socket
import struct
from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from typing import TypeVar

from ._mock_batches import MockBatches
from ._mock_batches import is_batch_path
from ._mock_faults import CONTENT_FILTERED
from ._mock_faults import STREAM_FAULTS
from ._mock_faults import Fault
from ._mock_faults import MockUsageError
from ._mock_faults import TokenBucket
from ._mock_faults import WindowLimit
from ._mock_faults import error_fields
from ._mock_faults import html_page
from ._mock_faults import parse_fault
from ._mock_faults import retry_headers
from ._mock_http import CHUNKED_END
from ._mock_http import HttpError
from ._mock_http import HttpRequest
from ._mock_http import build_head
from ._mock_http import frame
from ._mock_http import read_request
from ._mock_replies import ANTHROPIC
from ._mock_replies import Event
from ._mock_replies import Reply
from ._mock_replies import break_event
from ._mock_replies import cut_index
from ._mock_replies import plan_reply
from ._mock_routes import wire_for
from ._mock_types import LOOPBACK
from ._mock_types import MAX_CHUNKS
from ._mock_types import MAX_SECONDS
from ._mock_types import MockRequest
from ._mock_types import MockSettings
from ._mock_types import StatsRecorder
from ._mock_wire import MockWire
from ._mock_wire_openai import WIRE as CHAT_COMPLETIONS
from ._script_reply import scripted_reply

__all__ = ["MockCore", "stop_accepting"]

logger = logging.getLogger("chatplex.testing.mock_server")

_JSON = "application/json"
_SSE_HEADERS = (("cache-control", "no-cache"), ("transfer-encoding", "chunked"))
_LINGER_RESET = struct.pack("ii", 1, 0)
_Number = TypeVar("_Number", int, float)


@dataclass
class _Exchange:
    """One request being answered on one connection."""

    request: HttpRequest
    writer: asyncio.StreamWriter
    wire: MockWire | None  # None: not a model API path (batches, health, unknown)
    rid: str
    headers: list[tuple[str, str]]
    sent: bool = False  # once a status line is out, errors can only drop the connection

    @property
    def keep_alive(self) -> bool:
        return self.request.keep_alive

    @property
    def speaks(self) -> MockWire:
        """The wire errors are written in: Chat Completions' off the model API paths."""
        return self.wire or CHAT_COMPLETIONS


def _load_json(body: bytes) -> dict[str, Any] | None:
    if not body:
        return None
    try:
        value = json.loads(body)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def _seconds(headers: Mapping[str, str], name: str, default: float) -> float:
    bounds = f"0..{MAX_SECONDS:g} seconds"
    value = _header_number(headers, name, float, "seconds", 0.0, MAX_SECONDS, bounds)
    return default if value is None else value


def _chunks(headers: Mapping[str, str], default: int | None) -> int | None:
    bounds = f"1..{MAX_CHUNKS}"
    value = _header_number(headers, "x-mock-chunks", int, "an integer", 1, MAX_CHUNKS, bounds)
    return default if value is None else value


def _header_number(
    headers: Mapping[str, str],
    name: str,
    parse: Callable[[str], _Number],
    kind: str,
    low: _Number,
    high: _Number,
    bounds: str,
) -> _Number | None:
    """Header `name` as a number in low..high, None if it was not sent: MockUsageError
    (a 400) for any other value, saying what was expected (`kind`, then `bounds`)."""
    raw = headers.get(name)
    if raw is None:
        return None
    try:
        value = parse(raw)
    except ValueError:
        raise MockUsageError(f"{name}: expected {kind}, got {raw!r}") from None
    if not low <= value <= high:
        raise MockUsageError(f"{name}: expected {bounds}, got {raw!r}")
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


async def stop_accepting(server: asyncio.Server) -> None:
    """Stop `server` accepting connections, without closing it yet.

    Close an asyncio server only after this and after its handlers are done: a
    connection accepted while `Server.close()` runs gets no transport, and its socket is
    never closed (CPython gh-109564); the garbage collector reports it later, in whatever
    runs then. The few loop turns carry a just-accepted socket to its registered handler.
    """
    loop = asyncio.get_running_loop()
    for listening in server.sockets:
        loop.remove_reader(listening.fileno())
    for _ in range(3):
        await asyncio.sleep(0)


class MockCore:
    """Serves every wire in `_mock_routes.WIRES` on one event loop."""

    def __init__(self, settings: MockSettings) -> None:
        self.settings = settings
        self.stats = StatsRecorder()
        self._limiter = TokenBucket()
        self._window = WindowLimit()
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
            await stop_accepting(self._server)  # and close it last (see there)
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
            self._server.close()
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
                error_body = CHAT_COMPLETIONS.error_body
                body = error_body(exc.status, "invalid_request_error", exc.message, None, "")
                headers = [("content-type", _JSON), ("content-length", str(len(body)))]
                self.stats.status(exc.status)
                writer.write(build_head(exc.status, [*headers, ("connection", "close")]) + body)
                return
            if request is None or not await self._serve(request, writer):
                return

    def _exchange(self, request: HttpRequest, writer: asyncio.StreamWriter) -> _Exchange:
        wire = wire_for(request.path)
        rid = f"mock{self._prefix}{next(self._ids):06d}"
        request_id = "req_" + rid
        if wire is not None:
            headers = [(wire.request_id_header, request_id)]
        else:
            headers = [("x-request-id", request_id), ("request-id", request_id)]
        key = request.headers.get("x-request-key")
        if key is not None:
            headers.append(("x-request-key", key))
        headers.append(("connection", "keep-alive" if request.keep_alive else "close"))
        return _Exchange(request, writer, wire, rid, headers)

    async def _serve(self, request: HttpRequest, writer: asyncio.StreamWriter) -> bool:
        """Answer one request; return whether the connection may serve another."""
        attempt = self.stats.request(request.path, request.headers.get("x-request-key"))
        ex = self._exchange(request, writer)
        try:
            if ex.wire is None:
                return await self._serve_other(ex)
            if request.method != "POST":
                message = f"Method {request.method} is not allowed on {request.path}"
                kind, allow = "invalid_request_error", [("allow", "POST")]
                return await self._send_error(ex, 405, kind, message, None, allow)
            refusal = ex.wire.check_auth(request.headers)
            if refusal is not None:
                kind, _, code = error_fields(ex.wire.dialect, 401, None)
                return await self._send_error(ex, 401, kind, refusal, code)
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
        assert ex.wire is not None
        request, settings = ex.request, self.settings
        body = _load_json(request.body)
        wait: float | None = None
        fault: Fault | None = None
        if settings.rate_limit_rps is not None:
            # Budgets are per wire, whichever alias of its path was used.
            budget = ex.wire.name
            if settings.rate_limit_window is not None:
                limit = max(1, round(settings.rate_limit_rps * settings.rate_limit_window))
                wait = self._window.take(budget, limit, settings.rate_limit_window)
            else:
                wait = self._limiter.take(
                    budget, settings.rate_limit_rps, settings.rate_limit_burst
                )
            self.stats.rate_limit(accepted=wait is None)
            if settings.rate_limit_announce:
                level = self._limiter.level(budget)
                ex.headers.extend(ex.wire.rate_limit_headers(*level))
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

    def _view(self, ex: _Exchange, body: dict[str, Any] | None) -> dict[str, Any]:
        """The request as its wire reads it for planning (a 400 when it cannot)."""
        assert ex.wire is not None
        if body is None:
            raise MockUsageError("the body must be a JSON object")
        return ex.wire.request_view(ex.request.path, body)

    def _is_stream(self, ex: _Exchange, body: dict[str, Any] | None) -> bool:
        try:
            return self._view(ex, body).get("stream") is True
        except MockUsageError:
            return False

    def _plan(self, ex: _Exchange, view: dict[str, Any]) -> Reply:
        """The reply to `view`, with the usage details and the stop the settings script."""
        reply = self._planned(ex, view)
        if self.settings.stop_at_limit:
            reply = dataclasses.replace(reply, cut=True)
        details = self.settings.usage_details
        if not details:
            return reply
        return dataclasses.replace(
            reply,
            cached_tokens=min(details.get("cached", 0), reply.input_tokens),
            reasoning_tokens=min(details.get("reasoning", 0), reply.output_tokens),
        )

    def _planned(self, ex: _Exchange, view: dict[str, Any]) -> Reply:
        assert ex.wire is not None
        body, dialect = view, ex.wire.dialect
        headers, settings = ex.request.headers, self.settings
        chunks = _chunks(headers, settings.chunks)
        tool_name = headers.get("x-mock-tool-call")
        script = settings.script
        if script is not None and tool_name is None and "x-mock-reply" not in headers:
            # Scripted mode: the per-request headers still win; a request the script
            # does not decide gets the usual reply below, within the script's switches.
            scripted = scripted_reply(script, dialect, body, chunks)
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
            dialect,
            body,
            text=text,
            chunks=chunks,
            tool_name=tool_name,
            obey_tool_choice=script is None or script.obey_tool_choice,
            answer_schema=script is None or script.answer_schema,
        )

    async def _send_reply(self, ex: _Exchange, body: dict[str, Any] | None) -> bool:
        assert ex.wire is not None
        side = ex.wire.side_reply
        answered = None if side is None or body is None else side(ex.request.path, body)
        if answered is not None:  # a request that is no chat (a token count)
            await self._send(ex, 200, answered, _JSON)
            return ex.keep_alive
        raw = self._raw_reply(ex, body)
        if isinstance(raw, bytes):
            await self._send(ex, 200, raw, _JSON)
            return ex.keep_alive
        if raw is not None:
            await self._stream(ex, raw, terminate=True)
            return ex.keep_alive
        view = self._view(ex, body)
        reply = self._plan(ex, view)
        if view.get("stream") is True:
            array = ex.wire.render_array
            pieces = None if array is None else array(reply, ex.rid, view, ex.request.query)
            if pieces is not None:  # one JSON document, streamed
                frames = [piece for piece, _ in pieces]
                await self._stream(ex, frames, terminate=True, document=True)
                return ex.keep_alive
            events = ex.wire.render_events(reply, ex.rid, view)
            await self._stream(ex, [event for event, _ in events], terminate=True)
        else:
            asked = ex.wire.render_json_asked
            rendered = (
                ex.wire.render_json(reply, ex.rid) if asked is None else asked(reply, ex.rid, view)
            )
            await self._send(ex, 200, rendered, _JSON, ex.wire.reply_headers(reply))
        return ex.keep_alive

    def _raw_reply(self, ex: _Exchange, body: dict[str, Any] | None) -> bytes | list[bytes] | None:
        """The settings' reply written out whole, if they give one for this request."""
        write = self.settings.raw_reply
        if write is None:
            return None
        request = ex.request
        return write(MockRequest(request.method, request.path, request.headers, body, 1))

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
        body = ex.speaks.error_body(status, type_, message, code, "req_" + ex.rid)
        await self._send(ex, status, body, _JSON, extra)
        return ex.keep_alive

    async def _stream(
        self, ex: _Exchange, events: Sequence[bytes], *, terminate: bool, document: bool = False
    ) -> None:
        """`events` sent chunked, one frame each; `document`: the pieces of one JSON document
        (`application/json`), else the wire's stream content type."""
        delay = _seconds(ex.request.headers, "x-mock-chunk-delay", self.settings.chunk_delay)
        writer = ex.writer
        self.stats.status(200)
        ex.sent = True
        content_type = ("content-type", _JSON if document else ex.speaks.stream_content_type)
        writer.write(build_head(200, [content_type, *_SSE_HEADERS, *ex.headers]))
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

    async def _send_rate_limited(self, ex: _Exchange, wait: float) -> bool:
        wire = ex.speaks
        if self.settings.rate_limit_window is not None:  # hidden: "retry after 1 s", no more
            type_, message, code = error_fields(wire.dialect, 429, None)
            return await self._send_error(ex, 429, type_, message, code, [("retry-after", "1")])
        millis = max(1, math.ceil(wait * 1000))
        extra = [("retry-after", f"{wait:.3f}"), ("retry-after-ms", str(millis))]
        if not self.settings.rate_limit_announce:  # else the exchange carries the full set
            extra.extend(wire.rate_limited_headers(wait))
        type_, message, code = error_fields(wire.dialect, 429, None)
        return await self._send_error(ex, 429, type_, message, code, extra)

    # ------------------------------------------------------------------ faults

    async def _apply_fault(self, ex: _Exchange, fault: Fault, body: dict[str, Any] | None) -> bool:
        wire, name = ex.speaks, fault.name
        if name == "reset":
            _reset(ex.writer)
            return False
        if name == "stall":
            await asyncio.sleep(fault.seconds)
            return await self._send_reply(ex, body)
        extra = retry_headers(fault)
        if name == "status":
            type_, message, code = error_fields(wire.dialect, fault.status, fault)
            return await self._send_error(ex, fault.status, type_, message, code, extra)
        if name == "html_error":
            await self._send(ex, fault.status, html_page(fault.status), "text/html", extra)
            return ex.keep_alive
        stream = self._is_stream(ex, body)
        if name == "error_payload_200" or (name == "stream_error_event" and not stream):
            type_, message, code = error_fields(wire.dialect, 500, fault)
            return await self._send_error(ex, 200, type_, message, code, extra)
        if name == "content_filter" and not stream:
            # A prompt the provider's filter refuses: a 400 (Azure's shape carries the
            # categories); a stream instead ends early with a content-filter finish.
            message = fault.get("message") or CONTENT_FILTERED
            return await self._send_error(ex, 400, "invalid_request_error", message, name, extra)
        assert name in STREAM_FAULTS or name == "content_filter"
        view = self._view(ex, body)
        reply = self._plan(ex, view)
        if name == "content_filter":
            events = wire.render_events(dataclasses.replace(reply, filtered=True), ex.rid, view)
            await self._stream(ex, [event for event, _ in events], terminate=True)
            return ex.keep_alive
        if stream:
            events = wire.render_events(reply, ex.rid, view)
            return await self._stream_fault(ex, fault, events, reply)
        return await self._body_fault(ex, fault, wire.render_json(reply, ex.rid), extra)

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

    async def _stream_fault(
        self, ex: _Exchange, fault: Fault, events: list[Event], reply: Reply
    ) -> bool:
        cut = cut_index([is_delta for _, is_delta in events], fault.after)
        frames = [event for event, _ in events[:cut]]
        if fault.name == "midstream_close":
            await self._stream(ex, frames, terminate=False)
            return False  # closing without the chunked terminator
        if fault.name == "stream_error_event":
            wire = ex.speaks
            status = 529 if wire.dialect == ANTHROPIC else 500
            type_, message, code = error_fields(wire.dialect, status, fault)
            frames.append(wire.stream_error(type_, message, code))
            if wire.stream_failed is not None:
                frames.append(wire.stream_failed(reply, ex.rid, type_, message, code))
        elif fault.name == "malformed_json":
            frames.append(break_event(events[cut][0]))
        await self._stream(ex, frames, terminate=True)
        return ex.keep_alive
