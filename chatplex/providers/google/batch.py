"""Gemini API batch mode with inline requests, pure steps: request items, the steps of a
job, result rows.

A job is one `POST /v1beta/models/{model}:batchGenerateContent` whose body lists
`{"request": <the generateContent body>, "metadata": {"key": <custom id>}}` items
(inline requests: the body must stay under the API's 20 MB). The reply is a long-running
operation named `batches/{id}`; `GET /v1beta/batches/{id}` reports its state
(`BATCH_STATE_PENDING`, `_RUNNING`, `_SUCCEEDED`, `_FAILED`, `_CANCELLED`, `_EXPIRED`),
its `batchStats`, and once done the answers, `response.inlinedResponses.inlinedResponses`:
each a `response` (parsed by the adapter, so a batch row equals the real-time reply) or an
`error` (mapped to the typed error a real-time call would raise), with its `metadata.key`.
`download` writes them as one JSON line each, which the collector reads like every
provider's result file. The same key as real-time calls (`x-goog-api-key`) is sent.
"""

from __future__ import annotations

from collections.abc import Iterator
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote

from ...adapters.base import Adapter
from ...adapters.batch_api import Call
from ...adapters.batch_api import Limits
from ...adapters.batch_api import Outcome
from ...adapters.batch_api import RemoteState
from ...adapters.batch_api import Reply
from ...adapters.batch_api import Steps
from ...adapters.request_types import HTTPRequest
from ...batches.errors import BatchCanceledError
from ...batches.errors import BatchExpiredError
from ...batches.errors import BatchFormatError
from ...batches.wire import compact_json
from ...batches.wire import json_array_body
from ...batches.wire import named_object
from ...batches.wire import result_row
from ...errors import APIError

__all__ = ["LIMITS", "GeminiBatches"]

#: Inline requests: the API takes a batch body of up to 20 MB (a margin kept for the
#: envelope); chatplex splits larger inputs into several jobs.
LIMITS = Limits(max_requests=50_000, max_bytes=19 * 1024 * 1024)
_API = "/v1beta"
_TAIL = b"]}}}}"
_ENDED = {
    "BATCH_STATE_SUCCEEDED",
    "BATCH_STATE_FAILED",
    "BATCH_STATE_CANCELLED",
    "BATCH_STATE_EXPIRED",
    "JOB_STATE_SUCCEEDED",
    "JOB_STATE_FAILED",
    "JOB_STATE_CANCELLED",
    "JOB_STATE_EXPIRED",
}


def _object(reply: Reply) -> dict[str, Any]:
    return named_object(reply, "name", "Gemini batch: expected a JSON operation with a name")


def _head(label: str) -> bytes:
    return (
        b'{"batch":{"displayName":'
        + compact_json(label)
        + b',"inputConfig":{"requests":{"requests":['
    )


def _body(requests_path: str, label: str) -> Iterator[bytes]:
    """The batch body from a file of one request item per line, in chunks."""
    return json_array_body(requests_path, _head(label), _TAIL)


class GeminiBatches:
    """Batch mode of the Gemini API for `model`, over `adapter`'s settings."""

    name = "google_genai"

    def __init__(self, adapter: Adapter, model: str, limits: Limits = LIMITS) -> None:
        self.adapter = adapter
        self.model = model.removeprefix("models/")
        self.limits = limits

    def request_line(self, cid: str, request: HTTPRequest) -> bytes:
        return compact_json({"request": dict(request.json), "metadata": {"key": cid}})

    def framing(self) -> tuple[int, int]:
        # the envelope with a label of up to 80 characters; a comma per item
        return len(_head("x" * 80)) + len(_TAIL), 1

    def create(self, requests_path: str, count: int, label: str) -> Steps[dict[str, Any]]:
        path = f"{_API}/models/{quote(self.model, safe='')}:batchGenerateContent"
        call = Call("POST", path, body=lambda: _body(requests_path, label), idempotent=False)
        operation = _object((yield call))
        return {"id": operation["name"], "status": _state(operation)}

    def poll(self, job: Mapping[str, Any]) -> Steps[RemoteState]:
        return self.state(_object((yield Call("GET", f"{_API}/{job['id']}"))))

    def cancel(self, job: Mapping[str, Any]) -> Steps[RemoteState]:
        yield Call("POST", f"{_API}/{job['id']}:cancel")
        return self.state(_object((yield Call("GET", f"{_API}/{job['id']}"))))

    def state(self, operation: Mapping[str, Any]) -> RemoteState:
        """A batch operation in chatplex's terms."""
        status = _state(operation)
        meta = operation.get("metadata")
        stats = (meta.get("batchStats") if isinstance(meta, dict) else None) or {}
        total = int(stats.get("requestCount") or 0)
        succeeded = int(stats.get("successfulRequestCount") or 0)
        failed = int(stats.get("failedRequestCount") or 0)
        pending = stats.get("pendingRequestCount")
        pending = int(pending) if pending is not None else max(total - succeeded - failed, 0)
        ended = status in _ENDED or bool(operation.get("done"))
        counts = {"pending": pending, "succeeded": succeeded, "errored": failed}
        counts["expired"] = pending if ended and "EXPIRED" in status else 0
        counts["canceled"] = pending if ended and "CANCELLED" in status else 0
        if ended:
            counts["pending"] = 0
        return RemoteState(status=status, ended=ended, counts=counts)

    def download(self, job: Mapping[str, Any], dest: str) -> Steps[list[str]]:
        """Fetch the ended operation and write its inline answers as JSON lines (the
        file the collector reads). A row missing from the answers stays missing: the
        collector reports it as such."""
        operation = _object((yield Call("GET", f"{_API}/{job['id']}")))
        answers = _inlined(operation)
        status = _state(operation)
        path = dest + ".results.jsonl"
        with open(path, "wb") as out:
            for answer in answers:
                out.write(compact_json({**answer, "batchState": status}) + b"\n")
        return [path]

    def parse_row(self, line: bytes) -> tuple[str, Outcome]:
        row = result_row(line, "Gemini")
        meta = row.get("metadata") if isinstance(row, dict) else None
        cid = meta.get("key") if isinstance(meta, dict) else None
        if not isinstance(cid, str):
            raise BatchFormatError(f"Gemini result line without metadata.key: {line[:200]!r}")
        if isinstance(row.get("response"), dict):
            try:
                return cid, self.adapter.parse_response(compact_json(row["response"]), {})
            except APIError as exc:
                return cid, exc
        error = row.get("error")
        if isinstance(error, dict):
            code = error.get("code")
            status = code if isinstance(code, int) and code >= 400 else 500
            return cid, self.adapter.map_error(status, compact_json({"error": error}), {})
        state = str(row.get("batchState"))
        if "EXPIRED" in state:
            return cid, BatchExpiredError(
                "the batch expired before this request ran", provider=self.name
            )
        if "CANCELLED" in state:
            return cid, BatchCanceledError(
                "the batch was canceled before this request ran", provider=self.name
            )
        raise BatchFormatError(f"Gemini result for {cid} has neither a response nor an error")


def _state(operation: Mapping[str, Any]) -> str:
    meta = operation.get("metadata")
    state = meta.get("state") if isinstance(meta, dict) else None
    return str(state or operation.get("state") or "BATCH_STATE_PENDING")


def _inlined(operation: Mapping[str, Any]) -> list[dict[str, Any]]:
    response = operation.get("response")
    holder = response.get("inlinedResponses") if isinstance(response, dict) else None
    if holder is None and isinstance(operation.get("metadata"), dict):
        output = operation["metadata"].get("output")  # the batch object's own field
        holder = output.get("inlinedResponses") if isinstance(output, dict) else None
    items = holder.get("inlinedResponses") if isinstance(holder, dict) else holder
    return [item for item in items or () if isinstance(item, dict)]
