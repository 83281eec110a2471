"""OpenAI's Batch API, pure: request lines, the steps of a job, output/error file rows.

A job is a JSONL file uploaded to `/files` (purpose `batch`) and a `/batches` object
over it; rows answer in an output file (successes, and errors with a status) and an
error file (rows that never ran: `batch_expired`, `batch_cancelled`). Each request line
carries the exact body a real-time call sends (the adapter builds it), and each reply
body goes through the adapter's `parse_response`, so a batch row equals the real-time
reply of the same body.

>>> from chatplex.providers.openai.adapter import OpenAIAdapter
>>> from chatplex.adapters.request_types import CallSettings
>>> from chatplex.messages import HumanMessage
>>> adapter = OpenAIAdapter(api_key="sk-example")
>>> request = adapter.build_request([HumanMessage("Hi")], CallSettings("gpt-4o-mini"), stream=False)
>>> OpenAIBatches(adapter).request_line("cp1-0", request)[:60]
b'{"custom_id":"cp1-0","method":"POST","url":"/v1/chat/complet'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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
from ...batches.wire import named_object
from ...batches.wire import result_row
from ...errors import APIError

__all__ = ["ENDPOINT", "ENDPOINTS", "LIMITS", "OpenAIBatches"]

#: The documented limits of one batch input file.
LIMITS = Limits(max_requests=50_000, max_bytes=200 * 1024 * 1024)
#: The `url` of each line and the batch's `endpoint`, by the adapter's wire: Chat
#: Completions, or the Responses API (`openai_responses`).
ENDPOINTS = {"openai": "/v1/chat/completions", "openai_responses": "/v1/responses"}
ENDPOINT = ENDPOINTS["openai"]
_ENDED = frozenset({"completed", "failed", "expired", "cancelled"})
_UNRUN = {"batch_expired": BatchExpiredError, "batch_cancelled": BatchCanceledError}


def _object(reply: Reply, what: str) -> dict[str, Any]:
    return named_object(reply, "id", f"OpenAI {what}: expected a JSON object with an id")


class OpenAIBatches:
    """The Batch API of an OpenAI(-compatible) server, over `adapter`'s settings."""

    name = "openai"
    #: The `url` of each request line and the batch's `endpoint`.
    endpoint = ENDPOINT

    def __init__(self, adapter: Adapter, limits: Limits = LIMITS) -> None:
        self.adapter = adapter
        self.limits = limits
        # The wire's name goes in the handle, so `load` rebuilds a model of the same wire.
        self.name = adapter.provider if adapter.provider in ENDPOINTS else "openai"
        self.endpoint = ENDPOINTS[self.name]

    def request_line(self, cid: str, request: HTTPRequest) -> bytes:
        body = {k: v for k, v in request.json.items() if k not in ("stream", "stream_options")}
        return compact_json(
            {"custom_id": cid, "method": "POST", "url": self.endpoint, "body": body}
        )

    def framing(self) -> tuple[int, int]:
        return 0, 1  # a newline after each line

    def create(self, requests_path: str, count: int, label: str) -> Steps[dict[str, Any]]:
        uploaded = _object(
            (yield Call("POST", "/files", upload=({"purpose": "batch"}, requests_path))),
            "file upload",
        )
        body = {
            "input_file_id": uploaded["id"],
            "endpoint": self.endpoint,
            "completion_window": "24h",
            "metadata": {"chatplex_job": label},  # finds the job if its reply was lost
        }
        batch = _object((yield Call("POST", "/batches", json=body, idempotent=False)), "batch")
        return {"id": batch["id"], "input_file_id": uploaded["id"], "status": batch.get("status")}

    def poll(self, job: Mapping[str, Any]) -> Steps[RemoteState]:
        reply = yield Call("GET", f"/batches/{job['id']}")
        return self.state(_object(reply, "batch"))

    def cancel(self, job: Mapping[str, Any]) -> Steps[RemoteState]:
        reply = yield Call("POST", f"/batches/{job['id']}/cancel")
        return self.state(_object(reply, "batch"))

    def state(self, batch: Mapping[str, Any]) -> RemoteState:
        """A batch object in chatplex's terms."""
        status = str(batch.get("status"))
        counts = batch.get("request_counts") or {}
        done, failed = int(counts.get("completed") or 0), int(counts.get("failed") or 0)
        total = int(counts.get("total") or 0)
        refs: dict[str, Any] = {
            "output_file_id": batch.get("output_file_id"),
            "error_file_id": batch.get("error_file_id"),
        }
        errors = (batch.get("errors") or {}).get("data") if batch.get("errors") else None
        if errors:
            refs["errors"] = "; ".join(str(e.get("message")) for e in errors[:5])
        return RemoteState(
            status=status,
            ended=status in _ENDED,
            counts={
                "pending": max(0, total - done - failed),
                "succeeded": done,
                "errored": failed,
                "expired": 0,
                "canceled": 0,
            },
            refs=refs,
        )

    def download(self, job: Mapping[str, Any], dest: str) -> Steps[list[str]]:
        paths = []
        for key, suffix in (
            ("output_file_id", ".output.jsonl"),
            ("error_file_id", ".errors.jsonl"),
        ):
            file_id = job.get(key)
            if file_id:
                yield Call("GET", f"/files/{file_id}/content", download_to=dest + suffix)
                paths.append(dest + suffix)
        return paths

    def parse_row(self, line: bytes) -> tuple[str, Outcome]:
        row = result_row(line, "OpenAI")
        cid = row.get("custom_id") if isinstance(row, dict) else None
        if not isinstance(cid, str):
            raise BatchFormatError(f"OpenAI result line without a custom_id: {line[:200]!r}")
        response, error = row.get("response"), row.get("error")
        if isinstance(response, dict) and isinstance(response.get("body"), dict):
            return cid, self._answer(response)
        if isinstance(error, dict):
            code = str(error.get("code"))
            message = str(error.get("message") or code)
            cls = _UNRUN.get(code, APIError)
            return cid, cls(message, provider=self.name, code=code, body=error)
        raise BatchFormatError(f"OpenAI result line with neither response nor error: {cid}")

    def _answer(self, response: Mapping[str, Any]) -> Outcome:
        status = int(response.get("status_code") or 0)
        headers = {"x-request-id": str(response.get("request_id") or "")}
        body = compact_json(response["body"])
        if status == 200:
            try:
                return self.adapter.parse_response(body, headers)
            except APIError as exc:  # a malformed reply is this row's error, not the job's
                return exc
        return self.adapter.map_error(status, body, headers)
