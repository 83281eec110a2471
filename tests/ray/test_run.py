"""`map_chat` on a local Ray cluster against a local server (chatplex/ray/_run.py): one
outcome per row, no failed task, resumable, and a lost worker's rows re-sent and counted
(each row once; its re-sent requests as the server saw them).
The 100,000-row figures are bench/bench_scale.py's; these are small."""

from __future__ import annotations

import functools
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("ray", reason="needs Ray: pip install 'chatplex[ray]'")

import pyarrow.dataset as pads  # noqa: E402  (comes with ray[data])
from _raykit import FAIL  # noqa: E402
from _raykit import dies_once  # noqa: E402
from _raykit import make_model  # noqa: E402
from _raykit import rows  # noqa: E402

from chatplex.ray import TallyReport  # noqa: E402
from chatplex.ray import map_chat  # noqa: E402
from chatplex.testing.limited_server import LimitedServer  # noqa: E402

pytestmark = pytest.mark.ray


@pytest.fixture(scope="module")
def server() -> Iterator[LimitedServer]:
    """One server for the module's runs, so one cluster budget actor too (the budget is
    named by the base URL): each run's own server started one more actor (~0.7 s of CPU
    and of the run's start). Counts and buckets are fresh for each test."""
    with LimitedServer(requests_per_minute=600_000, count_prompts=True) as srv:
        yield srv


@pytest.fixture
def srv(server: LimitedServer) -> LimitedServer:
    server.reset()
    return server


def dataset(ray: Any, items: list[dict[str, Any]], batch_size: int) -> Any:
    """`items` in blocks of one batch each. `from_items` alone makes a block per row, each
    an object in the store that the executor moves and Ray Data's actors join into
    batches: the same batches and tasks, at ~1.1 s more CPU per 100 rows (measured)."""
    return ray.data.from_items(items, override_num_blocks=-(-len(items) // batch_size))


def read(path: Path) -> list[dict[str, Any]]:
    table = pads.dataset(str(path), format="parquet").to_table()
    return sorted(table.to_pylist(), key=lambda row: row["id"])


def test_failing_rows_become_error_rows_and_every_row_is_written(
    ray_cluster: Any, srv: LimitedServer, tmp_path: Path
) -> None:
    # 100 rows in 4 batches on one actor: what is checked is each row's outcome and the
    # count of them, which no second actor changes (~1.5 s of CPU a map actor process);
    # several actors counting into one tally: the lost worker's test below. The model is
    # the drop-in (the other Ray tests run chatplex's own): its errors, named as
    # langchain-openai names a 400, reach the rows.
    ds = dataset(ray_cluster, rows(100), 25)
    model = functools.partial(make_model, srv.base_url, dropin=True)
    run = map_chat(ds, model, concurrency=1, batch_size=25)
    run.dataset.write_parquet(str(tmp_path / "out"))
    out = read(tmp_path / "out")
    assert [row["id"] for row in out] == list(range(100))
    errors = [row for row in out if row["error"] is not None]
    texts = [row for row in out if row["text"] is not None]
    assert (len(texts), len(errors)) == (95, 5)
    assert all(FAIL in row["prompt"] and row["text"] is None for row in errors)
    assert all("OpenAIInvalidRequestError" in row["error"] for row in errors)
    assert texts[0]["text"] == f"reply to {texts[0]['prompt']}"
    assert texts[0]["usage"]["total_tokens"] > 0
    report = run.report()
    assert report == TallyReport(started=100, finished=100, errors=5, resent=0)
    assert srv.stats.requests == 100  # a 400 is not retried


def test_a_resumed_run_sends_only_the_missing_rows(
    ray_cluster: Any, srv: LimitedServer, tmp_path: Path
) -> None:
    model = functools.partial(make_model, srv.base_url)
    first = map_chat(dataset(ray_cluster, rows(100)[:60], 64), model, concurrency=1)
    first.dataset.write_parquet(str(tmp_path / "part1"))
    sent_first = srv.stats.requests
    everything = dataset(ray_cluster, rows(100), 64)
    rest = map_chat(everything, model, concurrency=1, skip_done=str(tmp_path / "part1"))
    rest.dataset.write_parquet(str(tmp_path / "part2"))
    ids = [row["id"] for row in read(tmp_path / "part1") + read(tmp_path / "part2")]
    assert sorted(ids) == list(range(100))  # every row once
    assert (sent_first, srv.stats.requests - sent_first) == (60, 40)


def test_a_worker_lost_mid_batch_loses_no_row_and_its_rows_are_counted_as_resent(
    ray_cluster: Any, srv: LimitedServer, tmp_path: Path
) -> None:
    runnable = functools.partial(dies_once, srv.base_url, "q130", str(tmp_path / "died"))
    ds = dataset(ray_cluster, rows(200, fail_every=None), 20)
    run = map_chat(ds, runnable, concurrency=2, batch_size=20, max_in_flight=4)
    run.dataset.write_parquet(str(tmp_path / "out"))
    answered = Counter(srv.stats.prompts)
    assert (tmp_path / "died").exists()  # a worker did die
    out = read(tmp_path / "out")
    assert [row["id"] for row in out] == list(range(200))
    assert [row["error"] for row in out if row["error"]] == []
    report = run.report()
    assert (report.finished, report.errors, report.answered) == (200, 0, 200)  # once each
    answered_twice = sum(n - 1 for n in answered.values())
    assert report.resent > 0 and report.started == 200 + report.resent
    # Every prompt the server answered twice is counted (measured: equal, 8 and 8); the
    # only excess possible is a request counted by the client's hook and lost with its
    # worker before it reached the socket (at most the 4 rows that worker had in the air).
    assert answered_twice <= report.resent <= answered_twice + 4, (answered_twice, report)
