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
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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
    posted where), `ls.url` for `LANGSMITH_ENDPOINT`."""

    def __init__(self) -> None:
        self._runs: dict[str, dict[str, Any]] = {}
        self.paths: list[str] = []
        self.headers: list[dict[str, str]] = []
        #: How many times each run id was posted (created): a run sent twice shows here.
        self.posted: dict[str, int] = {}
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)
        self._decoding = 0  # bodies answered but not decoded yet
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def _body(self) -> bytes:
                length = int(self.headers.get("content-length") or 0)
                raw = self.rfile.read(length)
                encoding = (self.headers.get("content-encoding") or "").lower()
                if encoding == "zstd":
                    import zstandard

                    raw = zstandard.ZstdDecompressor().decompressobj().decompress(raw)
                elif encoding == "gzip":
                    raw = gzip.decompress(raw)
                return raw

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
                body = self._body()
                fake._seen(self.path, dict(self.headers))
                path = self.path.split("?")[0]
                # Answered first, decoded after, as a real endpoint queues what it
                # ingests: the client's sender never waits for this server's parsing.
                with fake._lock:
                    fake._decoding += 1
                try:
                    self._reply(202, {})
                    self.wfile.flush()
                    if path.endswith("/runs/multipart"):
                        fake._multipart(self.headers.get("content-type", ""), body)
                    elif path.endswith("/runs/batch"):
                        data = json.loads(body)
                        for run in data.get("post") or ():
                            fake._merge(run)
                        for run in data.get("patch") or ():
                            fake._merge(run)
                    elif path.endswith("/runs"):
                        fake._merge(json.loads(body))
                finally:
                    with fake._lock:
                        fake._decoding -= 1
                        fake._idle.notify_all()

            def do_PATCH(self) -> None:  # noqa: N802
                body = self._body()
                fake._seen(self.path, dict(self.headers))
                run = json.loads(body)
                run.setdefault("id", self.path.rstrip("/").rsplit("/", 1)[-1])
                fake._merge(run)
                self._reply(200, {})

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def runs(self) -> dict[str, dict[str, Any]]:
        """The runs received, once every body answered so far is decoded (bounded wait)."""
        with self._idle:
            self._idle.wait_for(lambda: self._decoding == 0, timeout=30)
            return self._runs

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
        with self._idle:
            self._idle.wait_for(lambda: self._decoding == 0, timeout=30)
            self._runs.clear()
            self.paths.clear()
            self.posted.clear()

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
                        self.posted[run_id] = self.posted.get(run_id, 0) + 1


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
