"""The mock server's Batch APIs (private): OpenAI `/v1/files` + `/v1/batches`, Anthropic
`/v1/messages/batches`, on an accelerated clock.

A job "takes" `x-mock-batch-seconds` (header on the create call; default 1 s) instead of
hours; then its results are written, row by row, to files in a temporary directory
(removed when the server stops) and served from there in chunks: a 100,000-row job is
never held in memory as replies. Rows (OpenAI's: `/v1/chat/completions` or `/v1/responses`)
answer as the real-time endpoint's wire would, odd rows then even ones, as results may come.

Injected failures, per create call: `x-mock-batch-errored: FRACTION` (a 500 `api_error`
/ `server_error` row) and `x-mock-batch-expired: FRACTION` (a row the window closed on).
Rows are picked by a hash of their `custom_id`, and each `custom_id` fails at most once
per server, so `retry_failed()` converges.
"""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import tempfile
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Protocol
from typing import TypeVar

from ._mock_batch_input import ROW_BODY
from ._mock_batch_input import Refusal
from ._mock_batch_input import check_input_file
from ._mock_batch_input import json_object
from ._mock_batch_input import multipart_upload
from ._mock_batch_input import split_requests
from ._mock_http import HttpRequest
from ._mock_http import build_head
from ._mock_replies import ANTHROPIC
from ._mock_replies import OPENAI
from ._mock_replies import dumps
from ._mock_replies import plan_reply
from ._mock_routes import wire_for
from ._mock_types import MockSettings
from ._mock_types import StatsRecorder

__all__ = ["MockBatches", "is_batch_path"]

_OPENAI_PREFIXES = ("/v1/files", "/files", "/v1/batches", "/batches")
_ANTHROPIC_PREFIX = "/v1/messages/batches"
_JSON = "application/json"
_CHUNK = 1 << 16


class Exchange(Protocol):
    """One request being answered (`_mock_core._Exchange`): what the Batch API reads of
    it and writes to it. The core routes requests here, so this module does not import it."""

    request: HttpRequest
    writer: asyncio.StreamWriter
    headers: list[tuple[str, str]]
    sent: bool

    @property
    def keep_alive(self) -> bool: ...


_Ex = TypeVar("_Ex", bound=Exchange, contravariant=True)
_E = TypeVar("_E", bound=Exchange)


class Core(Protocol[_Ex]):
    """The members of the server's core (`_mock_core.MockCore`) that answer for the Batch API."""

    @property
    def stats(self) -> StatsRecorder: ...

    async def _send(self, ex: _Ex, status: int, body: bytes, content_type: str) -> None: ...

    async def _send_error(
        self, ex: _Ex, status: int, type_: str, message: str, code: str | None
    ) -> bool: ...


def is_batch_path(path: str) -> bool:
    """Whether `path` is one of the Batch API routes."""
    return path.startswith(_ANTHROPIC_PREFIX) or any(
        path == p or path.startswith(p + "/") for p in _OPENAI_PREFIXES
    )


@dataclass
class _Job:
    provider: str
    id: str
    requests: str  # local JSONL of the request lines / items
    total: int
    due: float
    errored: float
    expired: float
    created_at: int
    metadata: dict[str, Any] = field(default_factory=dict)
    input_file_id: str | None = None
    state: str = "in_progress"  # in_progress, finalizing, canceling, ended
    canceled: bool = False
    counts: dict[str, int] = field(default_factory=dict)
    outputs: dict[str, str] = field(default_factory=dict)  # kind -> local path
    task: asyncio.Task[None] | None = None
    started: bool = False  # results are being (or were) written
    endpoint: str = "/v1/messages"  # the path every row is answered as


def _fraction(request: HttpRequest, name: str) -> float:
    raw = request.headers.get(name, "0")
    try:
        value = float(raw)
    except ValueError:
        raise Refusal(400, f"{name}: expected a fraction, got {raw!r}") from None
    if not 0 <= value <= 1:
        raise Refusal(400, f"{name}: expected 0..1, got {raw!r}")
    return value


def _pick(cid: str, salt: str, fraction: float) -> bool:
    return fraction > 0 and zlib.crc32(f"{salt}:{cid}".encode()) % 10_000 < fraction * 10_000


class MockBatches:
    """The batch endpoints' state: uploaded files and jobs, on disk and in small dicts."""

    def __init__(self, settings: MockSettings, default_seconds: float = 1.0) -> None:
        self.settings = settings
        self.default_seconds = default_seconds
        self._dir: tempfile.TemporaryDirectory[str] | None = None
        self._files: dict[str, tuple[str, int, str]] = {}  # id -> (path, bytes, filename)
        self._jobs: dict[str, _Job] = {}
        self._failed_once: set[str] = set()

    @property
    def directory(self) -> str:
        if self._dir is None:
            self._dir = tempfile.TemporaryDirectory(prefix="chatplex-mock-batches-")
        return self._dir.name

    def close(self) -> None:
        for job in self._jobs.values():
            if job.task is not None:
                job.task.cancel()
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None

    def _new_path(self, stem: str) -> str:
        return os.path.join(self.directory, f"{stem}-{secrets.token_hex(6)}.jsonl")

    # ------------------------------------------------------------------ routing

    async def serve(self, core: Core[_E], ex: _E) -> bool:
        request = ex.request
        try:
            if request.path.startswith(_ANTHROPIC_PREFIX):
                return await self._anthropic(core, ex)
            return await self._openai(core, ex)
        except Refusal as refusal:
            return await core._send_error(ex, refusal.status, refusal.kind, refusal.message, None)

    async def _json(self, core: Core[_E], ex: _E, value: Any) -> bool:
        await core._send(ex, 200, dumps(value), _JSON)
        return ex.keep_alive

    async def _file(self, core: Core[_E], ex: _E, path: str) -> bool:
        size = os.path.getsize(path)
        fields = [("content-type", "application/binary"), ("content-length", str(size))]
        core.stats.status(200)
        ex.sent = True
        ex.writer.write(build_head(200, [*fields, *ex.headers]))
        with open(path, "rb") as source:
            while chunk := source.read(_CHUNK):
                ex.writer.write(chunk)
                await ex.writer.drain()
        return ex.keep_alive

    # ------------------------------------------------------------------ OpenAI

    async def _openai(self, core: Core[_E], ex: _E) -> bool:
        request = ex.request
        parts = request.path.removeprefix("/v1").strip("/").split("/")
        method = request.method
        if parts[0] == "files":
            if method == "POST" and len(parts) == 1:
                return await self._json(core, ex, self._upload(request))
            if method == "GET" and len(parts) == 3 and parts[2] == "content":
                return await self._file(core, ex, self._stored(parts[1])[0])
            if method == "GET" and len(parts) == 2:
                return await self._json(core, ex, self._file_object(parts[1]))
        if parts[0] == "batches":
            if method == "POST" and len(parts) == 1:
                return await self._json(core, ex, self._openai_create(request))
            if method == "GET" and len(parts) == 2:
                return await self._json(core, ex, self._openai_object(self._job(parts[1])))
            if method == "POST" and len(parts) == 3 and parts[2] == "cancel":
                return await self._json(core, ex, self._openai_object(self._cancel(parts[1])))
        raise Refusal(404, f"Unknown route {method} {request.path} (mock)")

    def _stored(self, file_id: str) -> tuple[str, int, str]:
        stored = self._files.get(file_id)
        if stored is None:
            raise Refusal(404, f"No such File object: {file_id}")
        return stored

    def _file_object(self, file_id: str) -> dict[str, Any]:
        _, size, filename = self._stored(file_id)
        return {
            "id": file_id,
            "object": "file",
            "bytes": size,
            "created_at": int(time.time()),
            "filename": filename,
            "purpose": "batch",
        }

    def _upload(self, request: HttpRequest) -> dict[str, Any]:
        fields, filename, content = multipart_upload(request)
        if fields.get("purpose") != "batch":
            raise Refusal(400, "purpose must be 'batch' (the only purpose this mock stores)")
        if content is None:
            raise Refusal(400, "a multipart 'file' field is required")
        file_id = "file-" + secrets.token_hex(12)
        path = self._new_path("upload")
        with open(path, "wb") as out:
            out.write(content)
        self._files[file_id] = (path, len(content), filename or "upload.jsonl")
        return self._file_object(file_id)

    def _openai_create(self, request: HttpRequest) -> dict[str, Any]:
        body = json_object(request.body)
        file_id = body.get("input_file_id")
        if not isinstance(file_id, str):
            raise Refusal(400, "input_file_id is required")
        endpoint = body.get("endpoint")
        if endpoint not in ROW_BODY:
            raise Refusal(400, f"this mock batches {' or '.join(ROW_BODY)}, not {endpoint!r}")
        if body.get("completion_window") != "24h":
            raise Refusal(400, "completion_window must be '24h'")
        path = self._stored(file_id)[0]
        total = check_input_file(path, endpoint)
        job = self._new_job(OPENAI, "batch_", path, total, request)
        job.input_file_id, job.endpoint = file_id, endpoint
        job.metadata = body.get("metadata") or {}
        return self._openai_object(job)

    def _openai_object(self, job: _Job) -> dict[str, Any]:
        self._advance(job)
        status = {
            "in_progress": "in_progress",
            "finalizing": "finalizing",
            "canceling": "cancelling",
        }.get(job.state)
        if status is None:  # ended
            status = (
                "cancelled" if job.canceled else "expired" if job.counts["expired"] else "completed"
            )
        counts = job.counts
        failed = counts.get("errored", 0) + counts.get("expired", 0) + counts.get("canceled", 0)
        return {
            "id": job.id,
            "object": "batch",
            "endpoint": job.endpoint,
            "errors": None,
            "input_file_id": job.input_file_id,
            "completion_window": "24h",
            "status": status,
            "output_file_id": job.outputs.get("output"),
            "error_file_id": job.outputs.get("errors"),
            "created_at": job.created_at,
            "in_progress_at": job.created_at,
            "expires_at": job.created_at + 86400,
            "request_counts": {
                "total": job.total,
                "completed": counts.get("succeeded", 0),
                "failed": failed,
            },
            "metadata": job.metadata,
        }

    # ------------------------------------------------------------------ Anthropic

    async def _anthropic(self, core: Core[_E], ex: _E) -> bool:
        request = ex.request
        parts = request.path.removeprefix(_ANTHROPIC_PREFIX).strip("/").split("/")
        method = request.method
        if method == "POST" and parts == [""]:
            return await self._json(core, ex, self._anthropic_create(request))
        if method == "GET" and len(parts) == 1:
            return await self._json(core, ex, self._anthropic_object(self._job(parts[0])))
        if method == "GET" and len(parts) == 2 and parts[1] == "results":
            job = self._job(parts[0])
            self._advance(job)
            if job.state != "ended":
                raise Refusal(400, f"batch {job.id} has not ended: no results yet")
            return await self._file(core, ex, job.outputs["results"])
        if method == "POST" and len(parts) == 2 and parts[1] == "cancel":
            return await self._json(core, ex, self._anthropic_object(self._cancel(parts[0])))
        raise Refusal(404, f"Unknown route {method} {request.path} (mock)")

    def _anthropic_create(self, request: HttpRequest) -> dict[str, Any]:
        path = self._new_path("msgbatch")
        total = split_requests(request.body, path)
        return self._anthropic_object(self._new_job(ANTHROPIC, "msgbatch_", path, total, request))

    def _anthropic_object(self, job: _Job) -> dict[str, Any]:
        self._advance(job)
        ended = job.state == "ended"
        counts = job.counts
        created = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(job.created_at))
        return {
            "id": job.id,
            "type": "message_batch",
            "processing_status": {"canceling": "canceling"}.get(
                job.state, "ended" if ended else "in_progress"
            ),
            "request_counts": {
                "processing": 0 if ended else job.total,
                "succeeded": counts.get("succeeded", 0),
                "errored": counts.get("errored", 0),
                "canceled": counts.get("canceled", 0),
                "expired": counts.get("expired", 0),
            },
            "created_at": created,
            "expires_at": created,
            "ended_at": created if ended else None,
            "cancel_initiated_at": created if job.canceled else None,
            "archived_at": None,
            "results_url": (f"{_ANTHROPIC_PREFIX}/{job.id}/results" if ended else None),
        }

    # ------------------------------------------------------------------ jobs

    def _new_job(
        self, provider: str, prefix: str, path: str, total: int, request: HttpRequest
    ) -> _Job:
        seconds = request.headers.get("x-mock-batch-seconds")
        try:
            duration = self.default_seconds if seconds is None else float(seconds)
        except ValueError:
            raise Refusal(400, f"x-mock-batch-seconds: expected seconds, got {seconds!r}") from None
        job = _Job(
            provider=provider,
            id=prefix + secrets.token_hex(12),
            requests=path,
            total=total,
            due=time.monotonic() + duration,
            errored=_fraction(request, "x-mock-batch-errored"),
            expired=_fraction(request, "x-mock-batch-expired"),
            created_at=int(time.time()),
        )
        self._jobs[job.id] = job
        return job

    def _job(self, job_id: str) -> _Job:
        job = self._jobs.get(job_id)
        if job is None:
            raise Refusal(404, f"No batch found with id '{job_id}'", "not_found_error")
        return job

    def _cancel(self, job_id: str) -> _Job:
        """The job `job_id`, cancelled unless its results are already being written."""
        job = self._job(job_id)
        if job.state == "in_progress" and not job.started:
            job.canceled = True
            job.state = "canceling"
            job.due = time.monotonic()  # cancels "take" until the next poll
        return job

    def _advance(self, job: _Job) -> None:
        """Start writing results once the job is due; end it once they are written."""
        if not job.started and time.monotonic() >= job.due:
            job.started = True
            job.state = "finalizing" if not job.canceled else "canceling"
            job.task = asyncio.get_running_loop().create_task(asyncio.to_thread(self._finish, job))
        if job.task is not None and job.task.done():
            job.task.result()  # a failure here is the mock's bug: let it show
            job.task = None
            job.state = "ended"

    def _finish(self, job: _Job) -> None:
        writer = _Results(self, job)
        try:
            for line in _odd_then_even(job.requests):
                writer.add(line)
        finally:
            writer.close()

    def reply_body(self, endpoint: str, body: dict[str, Any], rid: str) -> bytes:
        """The reply the real-time `endpoint` gives `body`, in its wire's shape."""
        wire = wire_for(endpoint)
        assert wire is not None
        view = wire.request_view(endpoint, body)
        settings = self.settings
        text = settings.reply(view) if settings.reply is not None else settings.reply_text
        reply = plan_reply(wire.dialect, view, text=text, chunks=None, tool_name=None)
        return wire.render_json(reply, rid)

    def fail_once(self, job: _Job, cid: str) -> str | None:
        """'errored', 'expired' or None for this row of `job` (each id fails once)."""
        if cid in self._failed_once:
            return None
        kind = (
            "expired"
            if _pick(cid, "expired", job.expired)
            else "errored"
            if _pick(cid, "errored", job.errored)
            else None
        )
        if kind is not None:
            self._failed_once.add(cid)
        return kind


class _Results:
    """Writes one job's result files as rows are answered (OpenAI: output + errors;
    Anthropic: one results file)."""

    def __init__(self, batches: MockBatches, job: _Job) -> None:
        self.batches, self.job = batches, job
        self.counts = dict.fromkeys(("succeeded", "errored", "expired", "canceled"), 0)
        self.paths: dict[str, str] = {}
        self.files: dict[str, Any] = {}
        self.serial = 0

    def _out(self, kind: str) -> Any:
        out = self.files.get(kind)
        if out is None:
            path = self.batches._new_path(kind)
            out = self.files[kind] = open(path, "wb")  # noqa: SIM115 - closed by close()
            self.paths[kind] = path
        return out

    def add(self, line: bytes) -> None:
        job = self.job
        item = json.loads(line)
        cid = item["custom_id"]
        body = item["body"] if job.provider == OPENAI else item["params"]
        self.serial += 1
        rid = f"{job.id[-8:]}{self.serial:07d}"
        kind = "canceled" if job.canceled else self.batches.fail_once(job, cid)
        kind = kind or "succeeded"
        self.counts[kind] += 1
        if job.provider == OPENAI:
            self._openai(cid, rid, kind, body)
        else:
            self._anthropic(cid, rid, kind, body)

    def _openai(self, cid: str, rid: str, kind: str, body: dict[str, Any]) -> None:
        head = b'{"id":"batch_req_' + rid.encode() + b'","custom_id":' + dumps(cid)
        if kind == "succeeded":
            reply = self.batches.reply_body(self.job.endpoint, body, rid)
            response = b'{"status_code":200,"request_id":"req_' + rid.encode() + b'","body":'
            self._out("output").write(
                head + b',"response":' + response + reply + b'},"error":null}\n'
            )
            return
        if kind == "errored":
            error = {
                "message": "The server had an error processing your request (mock)",
                "type": "server_error",
                "param": None,
                "code": None,
            }
            status = {"status_code": 500, "request_id": "req_" + rid, "body": {"error": error}}
            self._out("errors").write(head + b',"response":' + dumps(status) + b',"error":null}\n')
            return
        code, message = {
            "expired": (
                "batch_expired",
                "This request could not be executed before the completion window expired.",
            ),
            "canceled": ("batch_cancelled", "This request was cancelled before it could run."),
        }[kind]
        error_obj = dumps({"code": code, "message": message})
        self._out("errors").write(head + b',"response":null,"error":' + error_obj + b"}\n")

    def _anthropic(self, cid: str, rid: str, kind: str, body: dict[str, Any]) -> None:
        if kind == "succeeded":
            message = self.batches.reply_body(self.job.endpoint, body, rid)
            result = b'{"type":"succeeded","message":' + message + b"}"
        elif kind == "errored":
            error = {
                "type": "error",
                "error": {"type": "api_error", "message": "Internal server error (mock)"},
            }
            result = dumps({"type": "errored", "error": error})
        else:
            result = dumps({"type": kind})
        self._out("results").write(b'{"custom_id":' + dumps(cid) + b',"result":' + result + b"}\n")

    def close(self) -> None:
        for out in self.files.values():
            out.close()
        if self.job.provider == ANTHROPIC:
            self._out("results").close()
        self.job.counts = self.counts
        self.job.outputs = {kind: self._register(kind, path) for kind, path in self.paths.items()}

    def _register(self, kind: str, path: str) -> str:
        if self.job.provider == ANTHROPIC:
            return path
        file_id = "file-" + secrets.token_hex(12)
        self.batches._files[file_id] = (path, os.path.getsize(path), f"{kind}.jsonl")
        return file_id


def _odd_then_even(path: str) -> Iterator[bytes]:
    # The providers return rows in any order; this one differs from the input's.
    for parity in (1, 0):
        with open(path, "rb") as lines:
            for number, line in enumerate(lines):
                if number % 2 == parity and line.strip():
                    yield line
