"""A hostile HTTP server for the bounds suite: asyncio on 127.0.0.1, in its own thread.

It reads one request per connection, then misbehaves as the request's path says
(`/<fault>/v1/...`: the fault is the first path segment, so a model's `base_url` picks
it): it trickles, stalls, pings without content or sends more than any bound. It counts
attempts per `x-request-key` header and the connections open right now, so a test can
check both sides agree and that the client let go of every socket.
"""

from __future__ import annotations

import asyncio
import threading
from collections import Counter
from collections.abc import Awaitable
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from chatplex.testing._mock_core import stop_accepting

#: How often a trickling server sends its next byte (or ping): well under any timeout
#: the tests use (a sixth of test_bounds' BOUND), so a per-read timeout alone would never
#: fire.
TICK = 0.03
#: A body larger than any bound the tests set (sent fast, or announced in Content-Length).
HUGE = 200 * 1024 * 1024

FAULTS = (
    "trickle_headers",  # the status line, then one header byte a tick
    "stall",  # reads the request, answers nothing
    "trickle_body",  # headers, then one byte of the body a tick, never ending
    "keepalive",  # an event stream of SSE comments, one a tick, no event
    "pings",  # an event stream of Anthropic `ping` events, one a tick, no content
    "huge_announced",  # Content-Length: 200 MB (the body never needs reading)
    "endless",  # a body without length, 64 KiB blocks as fast as the client reads
)
#: Beside the faults, `/script/<name>/...` answers with `server.scripts[name]`: a
#: `Script` (a status line and content type, a body, then a piece sent for ever).


@dataclass(frozen=True)
class Script:
    """A reply scripted byte for byte: `body` after the head, then `forever` (if any)
    repeated as fast as the client reads, until it hangs up or `cap` bytes were sent
    (so a client that never stops cannot keep a test running)."""

    body: bytes
    content_type: str = "application/json"
    status: str = "200 OK"
    forever: bytes = b""
    cap: int = HUGE
    #: More header lines (`name: value`): Bedrock's token counts, "content-encoding: gzip".
    headers: tuple[str, ...] = ()
    #: > 0: `body` sent with `transfer-encoding: chunked`, in HTTP chunks of this many
    #: bytes (no `forever`): a reply in tiny pieces.
    chunk: int = 0


Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter, bool], Awaitable[None]]


class HostileServer:
    """`with HostileServer() as server:` ... `server.base_url(fault)`."""

    def __init__(self) -> None:
        self.attempts: Counter[str] = Counter()
        self.open = 0
        #: Connections accepted so far. Counted before the request is read: a client
        #: that times out before a loaded server reads its request resets the connection,
        #: and the request in the socket buffer is lost with it (`attempts` misses it).
        self.accepted = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.base_events.Server | None = None
        self.port = 0
        self.scripts: dict[str, Script] = {}

    def __enter__(self) -> HostileServer:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(self._start(), self._loop)
        future.result(timeout=10)
        return self

    def __exit__(self, *exc: object) -> None:
        asyncio.run_coroutine_threadsafe(self._stop(), self._loop).result(timeout=10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)
        self._loop.close()

    def base_url(self, fault: str, provider: str = "openai") -> str:
        suffix = "/v1" if provider == "openai" else ""
        return f"http://127.0.0.1:{self.port}/{fault}{suffix}"

    async def _start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _stop(self) -> None:
        assert self._server is not None
        # Close the server only once every connection accepted so far has its transport
        # and its handler is done (`stop_accepting` says why: CPython gh-109564).
        await stop_accepting(self._server)
        # Every other task of this loop (accepts under way, handlers) is let run until it
        # is done; started handlers (trickling to a client that left) are cancelled. A
        # handler not yet started is not cancelled: it would never reach writer.close().
        me = asyncio.current_task()
        while others := [task for task in asyncio.all_tasks() if task is not me]:
            for task in others:
                if task in self._tasks:
                    task.cancel()
            await asyncio.wait(others, timeout=TICK)
            await asyncio.sleep(0)
        self._server.close()
        await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.open += 1
        self.accepted += 1
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)  # type: ignore[arg-type]
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            path = lines[0].split(" ")[1]
            headers = dict(
                (k.strip().lower(), v.strip())
                for k, _, v in (line.partition(":") for line in lines[1:] if line)
            )
            body = await reader.readexactly(int(headers.get("content-length", "0")))
            self.attempts[headers.get("x-request-key", "")] += 1
            fault, _, rest = path.strip("/").partition("/")
            if fault == "script":
                await _scripted(writer, self.scripts[rest.partition("/")[0]])
            else:
                await _HANDLERS[fault](reader, writer, b'"stream":true' in body)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the client left: what every fault ends with
        except asyncio.CancelledError:
            pass  # the server is shutting down: nothing to report
        finally:
            self.open -= 1
            self._tasks.discard(task)  # type: ignore[arg-type]
            writer.close()


def ollama_done(message: dict[str, Any], prompt_tokens: Any, eval_count: Any) -> dict[str, Any]:
    """Ollama's last object of a reply (`done`), carrying `message` and the counts."""
    return {
        "model": "m",
        "created_at": "2026-01-01T00:00:00Z",
        "message": message,
        "done": True,
        "done_reason": "stop",
        "prompt_eval_count": prompt_tokens,
        "eval_count": eval_count,
    }


def _head(status: str, content_type: str, *extra: str) -> bytes:
    lines = [f"HTTP/1.1 {status}", f"content-type: {content_type}", "connection: close", *extra]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


async def _forever(writer: asyncio.StreamWriter, piece: bytes, tick: float = TICK) -> None:
    """Send `piece` every tick until the client closes the connection."""
    while True:
        writer.write(piece)
        await writer.drain()
        await asyncio.sleep(tick)


async def _scripted(writer: asyncio.StreamWriter, script: Script) -> None:
    if script.chunk:
        await _chunked(writer, script)
        return
    writer.write(_head(script.status, script.content_type, *script.headers) + script.body)
    await writer.drain()
    sent = len(script.body)
    while script.forever and sent < script.cap:
        writer.write(script.forever)
        await writer.drain()
        sent += len(script.forever)


async def _chunked(writer: asyncio.StreamWriter, script: Script) -> None:
    extra = (*script.headers, "transfer-encoding: chunked")
    writer.write(_head(script.status, script.content_type, *extra))
    body, size = script.body, script.chunk
    for start in range(0, len(body), size):
        piece = body[start : start + size]
        writer.write(b"%x\r\n%s\r\n" % (len(piece), piece))
        if start % (size * 256) == 0:  # the client reads as it comes: no 8 MB buffered here
            await writer.drain()
    writer.write(b"0\r\n\r\n")
    await writer.drain()


async def _trickle_headers(_r: asyncio.StreamReader, w: asyncio.StreamWriter, _s: bool) -> None:
    w.write(b"HTTP/1.1 200 OK\r\nx-slow: ")
    await _forever(w, b"a")


async def _stall(reader: asyncio.StreamReader, _w: asyncio.StreamWriter, _s: bool) -> None:
    await reader.read()  # until the client hangs up


async def _trickle_body(_r: asyncio.StreamReader, w: asyncio.StreamWriter, _s: bool) -> None:
    w.write(_head("200 OK", "application/json") + b'{"id": "x", "choices": [')
    await _forever(w, b" ")


async def _keepalive(_r: asyncio.StreamReader, w: asyncio.StreamWriter, _s: bool) -> None:
    w.write(_head("200 OK", "text/event-stream"))
    await _forever(w, b": keep-alive\n\n")


async def _pings(_r: asyncio.StreamReader, w: asyncio.StreamWriter, _s: bool) -> None:
    w.write(_head("200 OK", "text/event-stream"))
    await _forever(w, b'event: ping\ndata: {"type": "ping"}\n\n')


async def _huge_announced(_r: asyncio.StreamReader, w: asyncio.StreamWriter, _s: bool) -> None:
    w.write(_head("200 OK", "application/json", f"content-length: {HUGE}"))
    await _forever(w, b" " * 65536, tick=0)


async def _endless(_r: asyncio.StreamReader, w: asyncio.StreamWriter, stream: bool) -> None:
    if stream:  # one event that never ends: its data line grows without a line end
        w.write(_head("200 OK", "text/event-stream") + b"data: ")
        await _forever(w, b"x" * 65536, tick=0)
    w.write(_head("200 OK", "application/json") + b'{"id": "')
    await _forever(w, b"x" * 65536, tick=0)


_HANDLERS: dict[str, Handler] = {
    "trickle_headers": _trickle_headers,
    "stall": _stall,
    "trickle_body": _trickle_body,
    "keepalive": _keepalive,
    "pings": _pings,
    "huge_announced": _huge_announced,
    "endless": _endless,
}


async def reply_or_error(
    model: Any, sync: bool, mode: str, merge: Callable[[list[Any]], Any]
) -> Any:
    """What `model` made of a hostile reply to "hi": invoked (`mode` "invoke") or streamed
    (its chunks merged by `merge`), sync or async; or what the call raised."""
    try:
        if mode == "invoke":
            return model.invoke("hi") if sync else await model.ainvoke("hi")
        chunks = list(model.stream("hi")) if sync else [c async for c in model.astream("hi")]
        return merge(chunks)
    except Exception as exc:  # noqa: BLE001 - judged by the caller
        return exc
