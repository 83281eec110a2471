"""The bulk-run examples (examples/bulk_*.py) run on the mock server and show what they say."""

from __future__ import annotations

from ._scripts import SideBySide
from .conftest import SCRIPTS_GROUP

pytestmark = SCRIPTS_GROUP  # the scripts run side by side with the folder's others


def test_chunked_run_resumes_and_the_batch_gets_a_bar(scripts: SideBySide) -> None:
    done = scripts.result("bulk_chunked")
    assert done.returncode == 0, done.stderr
    assert "before the rerun: 300 rows on disk" in done.stdout
    assert "after the rerun: 1000 rows on disk, 300 skipped, 700 sent now" in done.stdout
    assert "batch with a progress callback: 50 replies" in done.stdout
    assert "300 already in the output (of 1000)" in done.stderr  # the summary


def test_routed_run_counts_each_model(scripts: SideBySide) -> None:
    done = scripts.result("bulk_routed")
    assert done.returncode == 0, done.stderr
    assert "rows per model: {'gpt-4o': 8, 'gpt-4o-mini': 32}" in done.stdout
    assert (
        "model     gpt-4o: 8 rows" in done.stderr
        and "model     gpt-4o-mini: 32 rows" in done.stderr
    )


def test_cached_run_sends_each_distinct_prompt_once_and_a_rerun_nothing(
    scripts: SideBySide,
) -> None:
    done = scripts.result("bulk_cached")
    assert done.returncode == 0, done.stderr
    assert "first run: 200 rows, 50 sent, 150 from the cache" in done.stdout
    assert "rerun: 200 rows, 0 sent, 200 from the cache, cost $0.000000" in done.stdout


def test_cost_run_stops_at_its_budget_then_carries_on(scripts: SideBySide) -> None:
    done = scripts.result("bulk_cost")
    assert done.returncode == 0, done.stderr
    assert "stopped: cost budget reached;" in done.stdout
    stopped = int(done.stdout.split("cost budget reached; ")[1].split(" rows")[0])
    assert 100 <= stopped < 500  # about a hundred rows' worth, plus those in flight
    assert f"finished: {stopped} already done, {500 - stopped} sent now;" in done.stdout
    assert "cost=$0.0" in done.stderr  # the running total on the progress line
