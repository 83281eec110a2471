"""A file of rows through a Batch API, in two calls: what `chatplex run ... --batch-api`
runs (the bulk-run CLI wires it).

    run_file(model, "in.jsonl", "out.jsonl")   # 1st call: submits, returns "submitted"
    run_file(model, "in.jsonl", "out.jsonl")   # later: "running" (status), or "written"

The first call submits every row and keeps the handle in `<OUTPUT>.batch/` next to
OUTPUT (with the row ids, in input order); any later call loads it, polls once (or
waits, with `wait=True`), and once every job ended writes OUTPUT in the bulk-run format:
one JSON line per input row, in input order,
`{"id", "text", "usage", "cost", "attempts", "latency_s", "cached"}` or
`{"id", "error": {"type", "status", "message"}}`. `latency_s` is the time from
submission to collection (a batch row has no latency of its own).

Input rows are JSON lines with an `id` (else the line number) and the model's input in
`prompt`, `messages` or `text`.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..adapters.batch_api import Limits
from ..chat.accounting.cost import cost_of
from ..errors import APIError
from ..messages import AIMessage
from ..secret.urls import redact_urls_in
from .job import DEFAULT_POLL_INTERVAL
from .job import DEFAULT_TIMEOUT
from .job import BatchJob
from .job import BatchStatus
from .store import find
from .submit import load
from .submit import split_chain
from .submit import submit_batch

__all__ = ["RunFileResult", "run_file"]

_INPUT_KEYS = ("prompt", "messages", "text")


@dataclass(frozen=True)
class RunFileResult:
    """`state`: "submitted", "running" or "written"; the batch's `status`; the handle's
    path; the total cost written at batch prices, and what the same replies would have
    cost in real time (None when unpriced or not written yet)."""

    state: str
    status: BatchStatus
    handle: Path
    cost: float | None = None
    real_time_cost: float | None = None


def _rows(path: Path) -> Iterator[tuple[Any, Any]]:
    with open(path, encoding="utf-8") as lines:
        for number, line in enumerate(lines, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as exc:
                raise ValueError(f"{path}:{number}: not JSON ({exc})") from None
            if not isinstance(record, dict):
                raise ValueError(f"{path}:{number}: expected a JSON object")
            key = next((k for k in _INPUT_KEYS if k in record), None)
            if key is None:
                raise ValueError(f"{path}:{number}: no 'prompt', 'messages' or 'text' field")
            yield record.get("id", number), record[key]


def run_file(
    runnable: Any,
    input_path: str | Path,
    output_path: str | Path,
    *,
    wait: bool = False,
    poll_interval: float = DEFAULT_POLL_INTERVAL,
    timeout: float = DEFAULT_TIMEOUT,
    limits: Limits | None = None,
    rows: Iterable[tuple[Any, Any]] | None = None,
) -> RunFileResult:
    """Submit `input_path`'s rows (first call) or collect them into `output_path` (any
    later call, once the batch ended; with `wait`, the first call too, once it has
    submitted them); see the module docstring. `rows`: (id, input)
    pairs to submit instead of reading `input_path` (`chatplex run --batch-api` passes
    its checked rows: CSV, Parquet, `--prompt` templates)."""
    output = Path(output_path)
    folder = output.with_name(output.name + ".batch")
    ids_path = folder / "ids.jsonl"
    existing = sorted(folder.glob("cpb-*.json")) if folder.exists() else []
    if not existing:
        split_chain(runnable)  # refuses what cannot be batched before reading the file
        folder.mkdir(parents=True, exist_ok=True)
        ids_partial = ids_path.with_suffix(".partial")
        with open(ids_partial, "w", encoding="utf-8") as ids:

            def inputs() -> Iterator[Any]:
                for row_id, value in _rows(Path(input_path)) if rows is None else rows:
                    ids.write(json.dumps(row_id) + "\n")
                    yield value

            job = submit_batch(runnable, inputs(), handle_dir=folder, limits=limits)
        os.replace(ids_partial, ids_path)
        if not wait:
            return RunFileResult("submitted", job._summary(), job.path)
    else:
        _, _, post = split_chain(runnable)
        job = load(find(str(existing[-1])), model=split_chain(runnable)[0], then=post)
    status = job.wait(poll_interval, timeout, progress=False) if wait else job.status()
    if not status.done:
        return RunFileResult("running", status, job.path)
    cost, real_time = _write(job, ids_path, output)
    return RunFileResult("written", job._summary(), job.path, cost, real_time)


def _write(job: BatchJob, ids_path: Path, output: Path) -> tuple[float | None, float | None]:
    """Write OUTPUT (streamed: one slice of rows in memory); the cost of its rows at
    batch prices and at real-time prices."""
    rows = job.iter_results(return_exceptions=True)
    latency = round(time.time() - job.handle.created_at, 3)
    total: float | None = None
    real_time: float | None = None
    partial = output.with_name(output.name + ".partial")
    with open(ids_path, encoding="utf-8") as ids, open(partial, "w", encoding="utf-8") as out:
        for row, line in zip(rows, ids, strict=True):
            record = _record(json.loads(line), row, latency)
            if isinstance(record.get("cost"), float):
                total = (total or 0.0) + record["cost"]
                unbatched = _real_time_cost(job, row)
                if unbatched is not None:
                    real_time = (real_time or 0.0) + unbatched
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    os.replace(partial, output)
    return total, real_time


def _real_time_cost(job: BatchJob, row: Any) -> float | None:
    """What `row` would have cost sent in real time (the saving a summary shows)."""
    if not isinstance(row, AIMessage):
        return None
    model = row.response_metadata.get("model_name") or job.handle.model
    price = cost_of(row.usage_metadata, model, provider=job.provider, url=job.transport.base_url)
    return None if price is None else price["total"]


def _record(row_id: Any, row: Any, latency: float) -> dict[str, Any]:
    if isinstance(row, BaseException):
        status = row.status if isinstance(row, APIError) else None
        message = redact_urls_in(str(row))[:2000]
        return {
            "id": row_id,
            "error": {"type": type(row).__name__, "status": status, "message": message},
        }
    if isinstance(row, AIMessage):
        cost = row.response_metadata.get("cost")
        total = cost.get("total") if isinstance(cost, dict) else None
        return {
            "id": row_id,
            "text": row.text,
            "usage": dict(row.usage_metadata) if row.usage_metadata else None,
            "cost": float(total) if isinstance(total, (int, float)) else None,
            "attempts": 1,
            "latency_s": latency,
            "cached": False,
        }
    text = row.model_dump(mode="json") if hasattr(row, "model_dump") else row
    return {
        "id": row_id,
        "text": text,
        "usage": None,
        "cost": None,
        "attempts": 1,
        "latency_s": latency,
        "cached": False,
    }
