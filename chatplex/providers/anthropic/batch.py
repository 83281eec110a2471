"""Anthropic's Message Batches, pure: request items, the steps of a job, result rows.

A job is one `POST /v1/messages/batches` whose body lists `{"custom_id", "params"}`
items (`params`: the exact body a real-time `/v1/messages` call sends, built by the
adapter); its results are a JSONL file of `{"custom_id", "result": {"type": ...}}` rows,
`succeeded` ones parsed by the adapter's `parse_response` (so a batch row equals the
real-time reply of the same body), `errored` ones mapped to the typed error a real-time
call would raise, `expired` / `canceled` ones to `BatchExpiredError` / `BatchCanceledError`.

The request body is streamed from the job's local request file, never held whole.
"""

from __future__ import annotations

from collections.abc import Iterator
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
from ...batches.wire import json_array_body
from ...batches.wire import named_object
from ...batches.wire import result_row
from ...errors import APIError

__all__ = ["LIMITS", "AnthropicBatches"]

#: The documented limits of one message batch.
LIMITS = Limits(max_requests=100_000, max_bytes=256 * 1024 * 1024)
_PATH = "/v1/messages/batches"
_HEAD, _TAIL = b'{"requests":[', b"]}"
#: The status an error type stands for (batch rows carry the type, not the status).
_STATUS = {
    "invalid_request_error": 400,
    "authentication_error": 401,
    "billing_error": 402,
    "permission_error": 403,
    "not_found_error": 404,
    "request_too_large": 413,
    "rate_limit_error": 429,
    "api_error": 500,
    "timeout_error": 504,
    "overloaded_error": 529,
}


def _object(reply: Reply) -> dict[str, Any]:
    return named_object(reply, "id", "Anthropic message batch: expected a JSON object with an id")


def stream_body(requests_path: str) -> Iterator[bytes]:
    """`{"requests":[item,item,...]}` from a file of one item per line, in chunks."""
    return json_array_body(requests_path, _HEAD, _TAIL)


class AnthropicBatches:
    """Message Batches of the Anthropic API, over `adapter`'s settings."""

    name = "anthropic"

    def __init__(self, adapter: Adapter, limits: Limits = LIMITS) -> None:
        self.adapter = adapter
        self.limits = limits

    def request_line(self, cid: str, request: HTTPRequest) -> bytes:
        params = {k: v for k, v in request.json.items() if k != "stream"}
        return compact_json({"custom_id": cid, "params": params})

    def framing(self) -> tuple[int, int]:
        return len(_HEAD) + len(_TAIL), 1  # the list's brackets; a comma per item

    def create(self, requests_path: str, count: int, label: str) -> Steps[dict[str, Any]]:
        call = Call("POST", _PATH, body=lambda: stream_body(requests_path), idempotent=False)
        batch = _object((yield call))
        return {"id": batch["id"], "status": batch.get("processing_status")}

    def poll(self, job: Mapping[str, Any]) -> Steps[RemoteState]:
        return self.state(_object((yield Call("GET", f"{_PATH}/{job['id']}"))))

    def cancel(self, job: Mapping[str, Any]) -> Steps[RemoteState]:
        return self.state(_object((yield Call("POST", f"{_PATH}/{job['id']}/cancel"))))

    def state(self, batch: Mapping[str, Any]) -> RemoteState:
        """A message batch object in chatplex's terms."""
        status = str(batch.get("processing_status"))
        counts = batch.get("request_counts") or {}
        return RemoteState(
            status=status,
            ended=status == "ended",
            counts={
                "pending": int(counts.get("processing") or 0),
                "succeeded": int(counts.get("succeeded") or 0),
                "errored": int(counts.get("errored") or 0),
                "expired": int(counts.get("expired") or 0),
                "canceled": int(counts.get("canceled") or 0),
            },
        )

    def download(self, job: Mapping[str, Any], dest: str) -> Steps[list[str]]:
        # Built from the base URL rather than the batch's `results_url`, so the key is
        # only ever sent to the host the user configured.
        path = dest + ".results.jsonl"
        yield Call("GET", f"{_PATH}/{job['id']}/results", download_to=path)
        return [path]

    def parse_row(self, line: bytes) -> tuple[str, Outcome]:
        row = result_row(line, "Anthropic")
        cid = row.get("custom_id") if isinstance(row, dict) else None
        result = row.get("result") if isinstance(row, dict) else None
        if not isinstance(cid, str) or not isinstance(result, dict):
            raise BatchFormatError(
                f"Anthropic result line without custom_id/result: {line[:200]!r}"
            )
        kind = result.get("type")
        if kind == "succeeded" and isinstance(result.get("message"), dict):
            try:
                return cid, self.adapter.parse_response(compact_json(result["message"]), {})
            except APIError as exc:
                return cid, exc
        if kind == "errored":
            raw = result.get("error")
            body: dict[str, Any] = raw if isinstance(raw, dict) else {}
            nested = body.get("error")
            inner: dict[str, Any] = nested if isinstance(nested, dict) else body
            status = _STATUS.get(str(inner.get("type")), 500)
            return cid, self.adapter.map_error(status, compact_json(body), {})
        if kind == "expired":
            return cid, BatchExpiredError(
                "the batch expired before this request ran", provider=self.name
            )
        if kind == "canceled":
            return cid, BatchCanceledError(
                "the batch was canceled before this request ran", provider=self.name
            )
        raise BatchFormatError(f"Anthropic result of unknown type {kind!r} for {cid}")
