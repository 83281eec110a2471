"""A fake LangSmith endpoint on 127.0.0.1: records what the `langsmith` client posts.

The client (0.15) sends runs in batches, to `POST /runs/multipart` (a multipart form:
parts `post.<id>`, `patch.<id>`, and their `.inputs` / `.outputs` / `.events` fields,
each JSON, the whole body possibly zstd-compressed) or, when the server refuses that,
`POST /runs/batch` (`{"post": [...], "patch": [...]}`); single runs to `POST /runs` and
`PATCH /runs/<id>`. Everything is decoded into one dict per run id, later parts updating
earlier ones, as LangSmith merges a run's post and patch.

Used by tests/tracing/ and bench/bench_tracing.py.
"""

from __future__ import annotations

import email.parser
import email.policy
import gzip
import json
import threading
from http.server import BaseHTTPRequestHandler
from http.server import ThreadingHTTPServer
from typing import Any

__all__ = ["INFO", "FakeLangSmith", "tree"]

#: What `GET /info` answers: as LangSmith's service does, zstd-compressed ingestion on
#: (the client then compresses runs as they come and sends one body every half second).
INFO = {
    "version": "0.0-fake",
    "instance_flags": {"zstd_compression_enabled": True},
    "batch_ingest_config": {},
}


class FakeLangSmith:
    """`with FakeLangSmith() as ls:` ... `ls.runs` (id → run dict), `ls.paths` (what was
    posted where), `ls.url` for `LANGSMITH_ENDPOINT`.

    `keep_alive=True` answers in HTTP/1.1 and keeps connections open, as LangSmith does
    (the benchmark's setting: otherwise every post pays a new TCP connection no real
    endpoint asks for); tests keep the default, one connection per request."""

    def __init__(self, *, keep_alive: bool = False) -> None:
        self._runs: dict[str, dict[str, Any]] = {}
        self.paths: list[str] = []
        self.headers: list[dict[str, str]] = []
        self._posted: dict[str, int] = {}
        self._lock = threading.RLock()
        #: Bodies received, not decoded yet: (path, headers, raw body).
        self._raw: list[tuple[str, dict[str, str], bytes]] = []
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1" if keep_alive else "HTTP/1.0"

            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def _body(self) -> bytes:
                length = int(self.headers.get("content-length") or 0)
                return self.rfile.read(length)

            def _reply(self, status: int, payload: Any) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:  # noqa: N802
                fake._seen(self.path, dict(self.headers))
                if self.path.startswith("/info"):
                    self._reply(200, INFO)
                else:
                    self._reply(404, {"detail": "not found"})

            def do_POST(self) -> None:  # noqa: N802
                self._kept(202)

            def do_PATCH(self) -> None:  # noqa: N802
                self._kept(200)

            def _kept(self, status: int) -> None:
                body = self._body()
                fake._seen(self.path, dict(self.headers))
                # Kept, answered, and decoded only when a test or the bench reads the
                # runs: a real endpoint parses on other machines, so this one's parsing
                # must not compete for the CPU a measured client runs on.
                with fake._lock:
                    fake._raw.append((self.path.split("?")[0], dict(self.headers), body))
                self._reply(status, {})

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        # `shutdown()` waits for the serving loop to see it, which looks every
        # `poll_interval` (0.5 s by default): half a second of each test's teardown.
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def runs(self) -> dict[str, dict[str, Any]]:
        """The runs received (every body answered so far, decoded now)."""
        with self._lock:
            self._decode_received()
            return self._runs

    @property
    def posted(self) -> dict[str, int]:
        """How many times each run id was posted (created): a run sent twice shows here."""
        with self._lock:
            self._decode_received()
            return self._posted

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> FakeLangSmith:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def clear(self) -> None:
        with self._lock:
            self._raw.clear()
            self._runs.clear()
            self.paths.clear()
            self._posted.clear()

    def _decode_received(self) -> None:  # under the lock
        received, self._raw = self._raw, []
        for path, headers, raw in received:
            headers = {k.lower(): v for k, v in headers.items()}
            encoding = (headers.get("content-encoding") or "").lower()
            if encoding == "zstd":
                import zstandard

                raw = zstandard.ZstdDecompressor().decompressobj().decompress(raw)
            elif encoding == "gzip":
                raw = gzip.decompress(raw)
            if path.endswith("/runs/multipart"):
                self._multipart(headers.get("content-type", ""), raw)
            elif path.endswith("/runs/batch"):
                data = json.loads(raw)
                for run in (data.get("post") or []) + (data.get("patch") or []):
                    self._merge(run)
            elif path.endswith("/runs"):
                self._merge(json.loads(raw))
            elif "/runs/" in path:  # PATCH /runs/<id>
                run = json.loads(raw)
                run.setdefault("id", path.rstrip("/").rsplit("/", 1)[-1])
                self._merge(run)

    def _seen(self, path: str, headers: dict[str, str]) -> None:
        with self._lock:
            self.paths.append(path)
            self.headers.append(headers)

    def _merge(self, run: dict[str, Any]) -> None:
        with self._lock:
            self._runs.setdefault(str(run["id"]), {}).update(
                {k: v for k, v in run.items() if v is not None}
            )

    def _multipart(self, content_type: str, body: bytes) -> None:
        head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
        message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
        for part in message.iter_parts():
            name = part.get_param("name", header="content-disposition")
            payload = part.get_payload(decode=True)
            if not isinstance(name, str) or payload is None:
                continue
            kind, _, rest = name.partition(".")
            run_id, _, field = rest.partition(".")
            if kind not in ("post", "patch"):
                continue  # attachments, feedback: not recorded
            value = json.loads(bytes(payload))
            if field:
                self._merge({"id": run_id, field: value})
            else:
                self._merge({**value, "id": run_id})
                if kind == "post":
                    with self._lock:
                        self._posted[run_id] = self._posted.get(run_id, 0) + 1


def tree(runs: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """The recorded runs as trees: each root with its `children` (ordered by
    `dotted_order`, i.e. by start)."""
    nodes = {rid: {**run, "children": []} for rid, run in runs.items()}
    roots = []
    for node in sorted(nodes.values(), key=lambda n: n.get("dotted_order") or ""):
        parent = node.get("parent_run_id")
        if parent and str(parent) in nodes:
            nodes[str(parent)]["children"].append(node)
        else:
            roots.append(node)
    return roots
