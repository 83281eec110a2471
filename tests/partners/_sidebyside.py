"""The kit of the side-by-side suites: a scripted server on 127.0.0.1 that records what it
was sent, and `observe`, which turns what a script returned (or raised) into plain data,
so the partner package's run and chatplex's compare with `==`.

A script is run twice, with the partner package's class and with chatplex's drop-in of
the same name, against the same server and the same constructor call (only the class
differs, as in a script whose import line changed). What may differ by design is taken
out by the suite that runs it, each with its reason, never silently.
"""

from __future__ import annotations

import contextlib
import gc
import http.server
import json
import threading
import warnings
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from typing import Any

#: What a message field holds that is drawn at random per run (ids), shown as this.
RANDOM = "<random>"


@dataclass
class Reply:
    """One answer of the scripted server: a status, headers, and the body's pieces
    (each written and flushed on its own: a stream's lines)."""

    status: int = 200
    pieces: list[bytes] = field(default_factory=list)
    content_type: str = "application/json"
    #: More response headers (a request id, an error type).
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Seen:
    """One request the server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any


Handler = Callable[[Seen], Reply]


class ScriptedServer:
    """A local HTTP/1.1 server answering with `handler(request)` (set per script) and
    keeping every request it received in `seen`."""

    def __init__(self) -> None:
        self.handler: Handler = lambda seen: Reply(404, [b'{"error": "no script"}'])
        self.seen: list[Seen] = []
        outer = self

        class _Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length) if length else b""
                try:
                    body: Any = json.loads(raw) if raw else None
                except ValueError:
                    body = raw
                seen = Seen(
                    self.command, self.path, {k.lower(): v for k, v in self.headers.items()}, body
                )
                outer.seen.append(seen)
                reply = outer.handler(seen)
                self.send_response(reply.status)
                self.send_header("content-type", reply.content_type)
                self.send_header("transfer-encoding", "chunked")
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                for piece in reply.pieces:
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(piece), piece))
                    self.wfile.flush()
                self.wfile.write(b"0\r\n\r\n")

            do_GET = do_POST = _answer

            def log_message(self, *args: Any) -> None:
                pass

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> ScriptedServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)


@contextlib.contextmanager
def scripted_server() -> Iterator[ScriptedServer]:
    server = ScriptedServer().start()
    try:
        yield server
    finally:
        server.stop()


#: What one script gives to compare: (theirs, ours, their requests, our requests).
Outcome = tuple[Any, Any, list[Any], list[Any]]


def in_order(requests: list[Any]) -> list[Any]:
    """Requests in a stable order: a batch's run concurrently, in any order."""
    return sorted(requests, key=lambda r: json.dumps(r, sort_keys=True))


def run_both(
    server: ScriptedServer,
    theirs: Callable[[], Any],
    ours: Callable[[], Any],
    *,
    result: Callable[[Any], Any],
    request: Callable[[Seen], Any],
    collect: bool = False,
) -> Outcome:
    """Run the partner package's script, then chatplex's, against `server` (its handler
    set by the caller), and give what each returned and sent, read by `result` and
    `request`. The partner's run has its warnings silenced (its own, not chatplex's);
    `collect` runs the garbage collector after it, for a package whose clients leave
    sockets for the collector to close."""
    server.seen.clear()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        their_result = result(theirs())
        if collect:
            gc.collect()
    their_requests = in_order([request(seen) for seen in server.seen])
    server.seen.clear()
    our_result = result(ours())
    our_requests = in_order([request(seen) for seen in server.seen])
    return their_result, our_result, their_requests, our_requests


_MESSAGE_FIELDS = (
    "content",
    "additional_kwargs",
    "response_metadata",
    "usage_metadata",
    "tool_calls",
    "invalid_tool_calls",
    "name",
    "chunk_position",  # a chunk's: LangChain ends each stream on one marked "last"
)


def observe(value: Any) -> Any:
    """Plain data for what a script returned: a message as its type and fields (random
    ids masked), containers element by element, pydantic models as dicts."""
    kind = type(value).__name__
    if hasattr(value, "content") and hasattr(value, "response_metadata"):
        out: dict[str, Any] = {"type": kind.removesuffix("Chunk")}
        for name in _MESSAGE_FIELDS:
            if hasattr(value, name):
                out[name] = observe(getattr(value, name))
        out["tool_calls"] = [_masked_call(c) for c in out.get("tool_calls") or []]
        return out
    if isinstance(value, dict):
        return {str(k): observe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [observe(v) for v in value]
    if hasattr(value, "model_dump") and not isinstance(value, type):
        return {"model": type(value).__name__, **observe(value.model_dump())}
    return value


def _masked_call(call: Any) -> Any:
    if isinstance(call, dict) and "id" in call:
        return {**call, "id": RANDOM if call["id"] else call["id"]}
    return call


def merged(chunks: list[Any]) -> Any:
    """The chunks of a stream added up, as a script that merges them does."""
    total = chunks[0]
    for chunk in chunks[1:]:
        total = total + chunk
    return total


def raised(run: Callable[[], Any]) -> dict[str, Any]:
    """What `run` raised, as the attributes scripts read; AssertionError if it did not."""
    try:
        run()
    except Exception as exc:  # noqa: BLE001 - the error is what is observed
        return {"error": exc}
    raise AssertionError("the script was expected to raise")


def with_content_or_last(chunks: list[Any], *, by_text: bool = False) -> list[Any]:
    """The chunks with content, and LangChain's closing chunk (`chunk_position="last"`),
    which every wire's stream must end on. For the wires whose other empty chunks still
    differ from their partner package's (Azure's prompt-filter chunk, a Responses
    event's, Bedrock's `messageStart`/`contentBlockStop`): those alone are left out.
    `by_text`: content is judged by its text (Responses chunks carry textless blocks)."""
    return [c for c in chunks if (c.text if by_text else c.content) or c.chunk_position == "last"]
