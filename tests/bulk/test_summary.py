from __future__ import annotations

from pathlib import Path

from chatplex.bulk.stats import RunStats
from chatplex.bulk.summary import RunSummary


def _stats() -> RunStats:
    stats = RunStats(total=5)
    stats.skipped = 1
    usage = {"input_tokens": 10, "output_tokens": 5}
    stats.record_success({"usage": usage, "cost": 0.002, "model": "cheap", "attempts": 1})
    stats.record_success({"usage": usage, "cost": 0.02, "model": "strong", "attempts": 2})
    stats.record_success({"usage": usage, "cached": True, "model": "cheap", "cost": 0.0})
    stats.record_failure(attempts=1, latency_s=0.1)
    stats.finish()
    return stats


def test_summary_lines_and_per_model_cost() -> None:
    summary = RunSummary.from_stats(_stats(), output=Path("o.jsonl"), stop_reason=None)
    text = summary.format()
    assert summary.complete and summary.requests == 4
    assert "3 done, 1 failed, 1 cached, 1 already in the output (of 5)" in text
    assert "requests  4" in text and "30 in, 15 out" in text and "$0.022000" in text
    assert "cheap: 2 rows, 30 tokens, $0.002000" in text
    assert "strong: 1 rows, 15 tokens, $0.020000" in text
    assert "1 rows failed: a plain rerun sends again" in text and "--retry-failed" in text


def test_stopped_run_says_how_to_finish() -> None:
    stats = RunStats(total=10)
    stats.finish()
    summary = RunSummary.from_stats(stats, output=Path("o.jsonl"), stop_reason="interrupted")
    assert not summary.complete
    assert "stopped: interrupted" in str(summary) and "command again" in str(summary)
    assert "cost      $0 (nothing sent)" in str(summary)  # (no row was sent: nothing spent)
    stats.requests = 2  # two sent, none priced
    unpriced = RunSummary.from_stats(stats, output=Path("o.jsonl"), stop_reason="interrupted")
    assert "cost      unknown (no price)" in str(unpriced)
