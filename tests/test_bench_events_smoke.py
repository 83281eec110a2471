"""bench/bench_events.py runs end to end (tiny counts, chatplex only)."""

from __future__ import annotations

from tests._bench import quick_run


def test_bench_events_quick_run() -> None:
    stdout, _ = quick_run("bench_events.py", None, "--no-peers")
    assert "| chatplex |" in stdout
    assert "chatplex astream_events / chatplex astream:" in stdout
