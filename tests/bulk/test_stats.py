from __future__ import annotations

from chatplex.bulk.stats import RunStats
from chatplex.bulk.stats import Timeline


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_counts_rates_eta_and_per_model_totals() -> None:
    clock = Clock()
    stats = RunStats(total=10, clock=clock)
    stats.skipped = 2
    clock.now += 2.0
    usage = {"input_tokens": 3, "output_tokens": 1}
    stats.record_success({"usage": usage, "cost": 0.5, "attempts": 2, "model": "a", "latency_s": 1})
    stats.record_success({"usage": usage, "cost": None, "cached": True, "model": "b"})
    stats.record_failure(attempts=3, latency_s=0.5)
    assert (stats.succeeded, stats.failed, stats.cached, stats.requests) == (2, 1, 1, 5)
    assert (
        stats.cost == 0.5 and stats.by_model["a"].cost == 0.5 and stats.by_model["b"].cost is None
    )
    assert stats.rows_per_s() == 1.5 and stats.tokens_per_s() == 4.0
    assert stats.remaining() == 5 and stats.eta_s() == 5 / 1.5


def test_timeline_stays_bounded_by_coarsening() -> None:
    timeline = Timeline(max_buckets=4)
    for second in range(10):
        timeline.record(second + 0.5, 1.0, failed=second == 9)
    assert len(timeline.buckets) <= 4 and timeline.width_s == 4.0
    assert sum(b.succeeded for b in timeline.buckets) == 9
    assert sum(b.failed for b in timeline.buckets) == 1
