"""The live counters of a bulk run (or of any batch, through `ProgressCallback`).

One `RunStats` is updated as rows finish and read by the progress display, the summary
and the report. Its memory is fixed: totals, per-model totals (one entry per model name)
and a `Timeline` of at most `Timeline.max_buckets` time buckets (buckets double in width
when a run outgrows them), never anything per row.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any
from typing import Protocol

__all__ = ["Bucket", "ModelTotals", "RunStats", "Timeline", "add_row_usage"]


@dataclass(slots=True)
class Bucket:
    """What finished during one stretch of time."""

    succeeded: int = 0
    failed: int = 0
    latency_sum: float = 0.0
    latency_max: float = 0.0

    def add(self, other: Bucket) -> None:
        self.succeeded += other.succeeded
        self.failed += other.failed
        self.latency_sum += other.latency_sum
        self.latency_max = max(self.latency_max, other.latency_max)


@dataclass(slots=True)
class Timeline:
    """Completions, errors and latency over time, in equal buckets from the start."""

    width_s: float = 1.0
    max_buckets: int = 600
    buckets: list[Bucket] = field(default_factory=list)

    def record(self, at_s: float, latency_s: float, *, failed: bool) -> None:
        index = int(max(0.0, at_s) / self.width_s)
        while index >= self.max_buckets:
            self._coarsen()
            index = int(max(0.0, at_s) / self.width_s)
        while len(self.buckets) <= index:
            self.buckets.append(Bucket())
        bucket = self.buckets[index]
        if failed:
            bucket.failed += 1
        else:
            bucket.succeeded += 1
        bucket.latency_sum += latency_s
        bucket.latency_max = max(bucket.latency_max, latency_s)

    def _coarsen(self) -> None:
        merged = []
        for start in range(0, len(self.buckets), 2):
            bucket = Bucket()
            for part in self.buckets[start : start + 2]:
                bucket.add(part)
            merged.append(bucket)
        self.buckets = merged
        self.width_s *= 2


class _Totals(Protocol):
    input_tokens: int
    output_tokens: int
    cost: float | None


def add_row_usage(totals: _Totals, record: Mapping[str, Any]) -> None:
    """Add a success row's tokens and price (its `usage` and `cost`, see
    `records.success_record`) to `totals`: a run's, a model's, an output file's. A row
    without a price leaves `cost` as it was (None until some row had one)."""
    usage = record.get("usage") or {}
    totals.input_tokens += int(usage.get("input_tokens") or 0)
    totals.output_tokens += int(usage.get("output_tokens") or 0)
    cost = record.get("cost")
    if isinstance(cost, (int, float)) and not isinstance(cost, bool):
        totals.cost = (totals.cost or 0.0) + cost


@dataclass(slots=True)
class ModelTotals:
    """Rows, tokens and cost of one model (a router sends rows to several)."""

    rows: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost: float | None = None


@dataclass(slots=True)
class RunStats:
    """Counts of one run. `requests` counts HTTP attempts (retries included, cache hits
    not); `cost` is None until some reply carried a price."""

    total: int | None = None
    skipped: int = 0
    succeeded: int = 0
    failed: int = 0
    cached: int = 0
    in_flight: int = 0
    cancelled: int = 0  # rows cancelled in flight (a second Ctrl-C), not written
    requests: int = 0
    input_tokens: int = 0
    output_tokens: int = 0
    cost: float | None = None
    by_model: dict[str, ModelTotals] = field(default_factory=dict)
    timeline: Timeline = field(default_factory=Timeline)
    clock: Callable[[], float] = time.monotonic
    started: float = 0.0
    finished: float | None = None

    def __post_init__(self) -> None:
        self.started = self.clock()

    @property
    def finished_rows(self) -> int:
        return self.succeeded + self.failed

    def elapsed(self) -> float:
        end = self.finished if self.finished is not None else self.clock()
        return max(end - self.started, 1e-9)

    def rows_per_s(self) -> float:
        return self.finished_rows / self.elapsed()

    def requests_per_s(self) -> float:
        return self.requests / self.elapsed()

    def tokens_per_s(self) -> float:
        return (self.input_tokens + self.output_tokens) / self.elapsed()

    def remaining(self) -> int | None:
        if self.total is None:
            return None
        return max(self.total - self.skipped - self.finished_rows, 0)

    def eta_s(self) -> float | None:
        remaining, rate = self.remaining(), self.rows_per_s()
        if remaining is None or rate <= 0:
            return None
        return remaining / rate

    def record_success(self, record: dict[str, Any]) -> None:
        """Count a success row (see `records.success_record`)."""
        self.succeeded += 1
        cached = bool(record.get("cached"))
        if cached:
            self.cached += 1
        else:
            attempts = record.get("attempts")
            self.requests += attempts if isinstance(attempts, int) else 1
        add_row_usage(self, record)
        model = record.get("model")
        if isinstance(model, str):
            totals = self.by_model.get(model)
            if totals is None:
                totals = self.by_model[model] = ModelTotals()
            totals.rows += 1
            add_row_usage(totals, record)
        self.timeline.record(
            self.clock() - self.started, record.get("latency_s") or 0.0, failed=False
        )

    def record_failure(
        self, attempts: int, latency_s: float, record: Mapping[str, Any] | None = None
    ) -> None:
        """Count a row that ended in an error after `attempts` HTTP attempts (its
        `record`'s usage and cost: a reply that came but did not parse was paid for)."""
        self.failed += 1
        self.requests += attempts
        if record is not None:
            add_row_usage(self, record)
        self.timeline.record(self.clock() - self.started, latency_s, failed=True)

    def finish(self) -> None:
        self.finished = self.clock()
