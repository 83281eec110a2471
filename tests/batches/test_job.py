"""BatchJob over the mock server's batch endpoints: split jobs, results in input order,
typed errors per row, retry_failed until every row succeeds, cancel; sync and async."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from chatplex.batches import BatchJob
from chatplex.batches import BatchNotFinishedError
from chatplex.batches import Limits
from chatplex.batches import load
from chatplex.batches import submit_batch
from chatplex.batches.errors import BatchCanceledError
from chatplex.batches.errors import BatchExpiredError
from chatplex.batches.job import BatchStatus
from chatplex.errors import APIError
from chatplex.errors import DeadlineExceededError
from chatplex.messages import AIMessage

PROVIDERS = ["openai", "anthropic"]
#: Small limits so 1,200 rows still split (the 120,000-row run is bench/bench_batches.py).
SMALL = Limits(max_requests=500, max_bytes=10_000_000)
ROWS = [f"question {i}" for i in range(1200)]


def _texts(rows: list[Any]) -> list[str]:
    return [row.text if isinstance(row, AIMessage) else type(row).__name__ for row in rows]


@pytest.mark.parametrize("provider", PROVIDERS)
def test_1200_rows_split_collect_in_order_and_retry_until_all_succeed(
    provider: str, make_model: Callable[..., Any], handle_dir: Path
) -> None:
    model = make_model(provider, errored=0.05, expired=0.03)
    job = submit_batch(model, ROWS, limits=SMALL)
    assert len(job.ids) == 3  # 500 + 500 + 200
    assert job.path.exists()
    status = job.wait(poll_interval=0.02, timeout=60, progress=False)
    assert status.done and status.total == 1200
    rows = job.results()
    failed = [i for i, row in enumerate(rows) if isinstance(row, APIError)]
    assert 0 < len(failed) < 200
    assert any(isinstance(rows[i], BatchExpiredError) for i in failed)
    assert all(rows[i].text == f"Echo: question {i}" for i in range(1200) if i not in failed)
    rounds = 0
    while failed:
        rounds += 1
        job = job.retry_failed()
        job.wait(poll_interval=0.02, timeout=60, progress=False)
        rows = job.results()
        failed = [i for i, row in enumerate(rows) if isinstance(row, APIError)]
    assert rounds == 1  # the mock fails each row at most once
    assert _texts(rows) == [f"Echo: {q}" for q in ROWS]
    final = job.status()
    assert (final.succeeded, final.errored, final.expired, final.pending) == (1200, 0, 0, 0)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_async_twins(provider: str, make_model: Callable[..., Any], handle_dir: Path) -> None:
    model = make_model(provider, errored=0.1)

    async def main() -> list[Any]:
        job: BatchJob = await model.asubmit_batch(ROWS[:300])
        seen: list[BatchStatus] = []
        await job.await_completion(poll_interval=0.02, timeout=60, progress=seen.append)
        assert seen and seen[-1].done
        first = await job.aresults()
        assert any(isinstance(row, APIError) for row in first)
        await job.aretry_failed()
        await job.await_completion(poll_interval=0.02, timeout=60, progress=False)
        return await job.aresults()

    rows = asyncio.run(main())
    assert _texts(rows) == [f"Echo: {q}" for q in ROWS[:300]]


def test_results_before_the_end_say_so(make_model: Callable[..., Any], handle_dir: Path) -> None:
    job = submit_batch(make_model("openai", seconds=30), ROWS[:5])
    with pytest.raises(BatchNotFinishedError, match="wait"):
        job.results()
    assert job.status().pending == 5


def test_wait_is_bounded(make_model: Callable[..., Any], handle_dir: Path) -> None:
    job = submit_batch(make_model("anthropic", seconds=30), ROWS[:5])
    with pytest.raises(DeadlineExceededError, match="load"):
        job.wait(poll_interval=0.01, timeout=0.05, progress=False)
    with pytest.raises(ValueError, match="poll_interval"):
        job.wait(poll_interval=0, timeout=1)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_cancel_ends_unrun_rows_as_canceled(
    provider: str, make_model: Callable[..., Any], handle_dir: Path
) -> None:
    job = submit_batch(make_model(provider, seconds=30), ROWS[:20])
    job.cancel()
    job.wait(poll_interval=0.02, timeout=30, progress=False)
    rows = job.results()
    assert all(isinstance(row, BatchCanceledError) for row in rows)
    assert job.status().canceled == 20
    # Canceled rows are the user's decision: retry_failed leaves them.
    assert job.retry_failed().ids == job.ids


def test_return_exceptions_false_raises_the_first_failed_row(
    make_model: Callable[..., Any], handle_dir: Path
) -> None:
    job = submit_batch(make_model("openai", errored=0.3), ROWS[:50])
    job.wait(poll_interval=0.02, timeout=30, progress=False)
    rows = job.results()
    first = next(i for i, row in enumerate(rows) if isinstance(row, APIError))
    with pytest.raises(APIError) as caught:
        job.results(return_exceptions=False)
    assert caught.value.status == 500
    assert f"(batch row {first})" in getattr(caught.value, "__notes__", [f"(batch row {first})"])


def test_progress_prints_to_stderr(
    make_model: Callable[..., Any], handle_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    job = submit_batch(make_model("openai"), ROWS[:3])
    job.wait(poll_interval=0.02, timeout=30)
    assert f"[batch {job.id}] 3/3 done" in capsys.readouterr().err


def test_collecting_again_costs_no_request(
    make_model: Callable[..., Any], handle_dir: Path, server: Any
) -> None:
    job = submit_batch(make_model("anthropic"), ROWS[:10])
    job.wait(poll_interval=0.02, timeout=30, progress=False)
    first = job.results()
    before = server.stats.requests
    again = load(job.path).results()
    assert server.stats.requests == before
    assert _texts(again) == _texts(first)


def test_a_row_its_job_never_answered_is_an_error_not_a_gap(
    make_model: Callable[..., Any], handle_dir: Path
) -> None:
    job = submit_batch(make_model("openai"), ROWS[:4])
    job.wait(poll_interval=0.02, timeout=30, progress=False)
    job.results()
    output = Path(job.handle.jobs[0]["results"][0])
    lines = output.read_bytes().splitlines(keepends=True)
    output.write_bytes(b"".join(lines[1:]))  # one row lost from the file
    job.handle.jobs[0]["collected"] = True
    rows = job.results()
    missing = [row for row in rows if isinstance(row, APIError)]
    assert len(missing) == 1 and "no result for row" in str(missing[0])
    assert json.loads(job.path.read_text())["jobs"][0]["counts"]["errored"] == 1


@pytest.mark.parametrize("provider", PROVIDERS)
def test_iter_results_streams_every_row_in_order_across_slices(
    provider: str, make_model: Callable[..., Any], handle_dir: Path
) -> None:
    job = submit_batch(make_model(provider, errored=0.05), ROWS, limits=SMALL)
    job.wait(poll_interval=0.02, timeout=60, progress=False)
    rows = job.iter_results()
    first = next(rows)  # a generator: nothing past the first slice is read yet
    streamed = [first, *rows]
    assert len(streamed) == 1200
    assert _texts(streamed) == _texts(job.results())

    async def collect() -> list[Any]:
        return [row async for row in job.aiter_results()]

    assert _texts(asyncio.run(collect())) == _texts(streamed)


def test_the_first_failed_row_past_a_slice_is_named_by_its_input_index(
    make_model: Callable[..., Any], handle_dir: Path
) -> None:
    job = submit_batch(make_model("openai"), ROWS, limits=SMALL)
    job.wait(poll_interval=0.02, timeout=60, progress=False)
    job.results()
    output = Path(job.handle.jobs[2]["results"][0])  # rows 1000-1199
    lines = output.read_bytes().splitlines(keepends=True)
    output.write_bytes(b"".join(line for line in lines if b'-1100"' not in line))
    with pytest.raises(APIError, match="no result for row 1100") as caught:
        list(job.iter_results(return_exceptions=False))
    assert "(batch row 1100)" in caught.value.__notes__
