"""Beyond one machine: shared rate budgets and chatplex.ray, measured.

    python bench/bench_scale.py                  # everything (~12 min on 2 cores)
    python bench/bench_scale.py --only cost      # permit cost and ceilings (~30 s)
    python bench/bench_scale.py --only share     # 4 workers, one budget (~3 min)
    python bench/bench_scale.py --only share --rpm 600 --configured 900   # told too much
    python bench/bench_scale.py --only rows      # 100,000 rows, 5 % failing (~6 min)
    python bench/bench_scale.py --only kill      # a worker killed mid-run (~2 min)
    python bench/bench_scale.py --quick          # small sizes (smoke run)

Prints tables and writes bench/results_scale.json (--out elsewhere). Everything runs on
127.0.0.1: a local Ray cluster started here, and `chatplex.testing.limited_server`
enforcing requests/min and tokens/min with 429s, counting what it saw.

- cost: acquire + release of one permit, sequential, in one process: the in-process
  Budget, the machine budget (mapped file + flock), the same transaction on SQLite WAL
  (BEGIN IMMEDIATE: the alternative the machine budget was chosen against), and the Ray
  actor (one call per acquire, releases batched); the Ray actor again with 4 workers
  acquiring at once (its throughput). The ceiling is 60 / cost permits per minute.
- share: 4 workers for --seconds against a server enforcing --rpm requests/min and
  100x that tokens/min (each request is 100 tokens, so both bind). The limit is scaled
  up 10x from the issue's 600 req/min and 60,000 tokens/min to get 3,000 requests in
  30 s instead of 5 minutes; the ratio of the two limits is the issue's. Runs: 4 Ray
  actors on one cluster budget; 4 plain processes on one machine budget; 4 processes
  and 4 actors each with the whole limit to itself (no shared budget: the contrast).
  Achieved = accepted requests per second over the server's accepting window / limit.
- rows: map_chat over --rows rows, 5 % of them failing permanently (a 400): counts of
  text and error rows, failed Ray tasks (a failed task fails the write), wall time.
- kill: map_chat over --kill-rows rows while one worker process dies mid-batch: rows
  missing from the output, rows re-sent (from map_chat's report, and the server's count
  of prompts answered twice).
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import json
import multiprocessing
import os
import platform
import sqlite3
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
HELPERS = ROOT / "tests" / "ray"  # the load generator and row helpers the tests use
sys.path[:0] = [str(ROOT), str(HELPERS)]

from _raykit import FAIL  # noqa: E402
from _raykit import dies_once  # noqa: E402
from _raykit import make_model  # noqa: E402
from _raykit import rows  # noqa: E402
from _scalekit import REQUEST_TOKENS  # noqa: E402
from _scalekit import drive  # noqa: E402

from chatplex.http import Budget  # noqa: E402
from chatplex.http import RateLimit  # noqa: E402
from chatplex.http._budget_machine import MachineBudget  # noqa: E402
from chatplex.ray import map_chat  # noqa: E402
from chatplex.testing.limited_server import LimitedServer  # noqa: E402

UNPACED = RateLimit(requests_per_minute=1e12, tokens_per_minute=1e15, max_in_flight=1_000_000)


# ---- cost of a permit ----------------------------------------------------------------------


def per_permit_us(acquire_release: Any, n: int) -> float:
    for _ in range(min(n // 10, 1000)):  # warm up
        acquire_release()
    start = time.perf_counter()
    for _ in range(n):
        acquire_release()
    return (time.perf_counter() - start) / n * 1e6


def sqlite_permit(path: str) -> Any:
    """The machine budget's transaction on SQLite WAL: lock, read the five numbers and
    the count, write them back (admission), then again (release)."""
    db = sqlite3.connect(path, isolation_level=None, timeout=5.0)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=OFF")  # nothing to keep across a power cut
    db.execute(
        "CREATE TABLE IF NOT EXISTS budget (id INTEGER PRIMARY KEY, rt REAL, tt REAL, "
        "pause REAL, factor REAL, cut REAL, inflight INTEGER)"
    )
    db.execute("INSERT OR IGNORE INTO budget VALUES (1, 0, 0, 0, 1, 0, 0)")

    def transaction(delta: int) -> None:
        db.execute("BEGIN IMMEDIATE")
        rt, tt, pause, factor, cut, inflight = db.execute(
            "SELECT rt, tt, pause, factor, cut, inflight FROM budget WHERE id = 1"
        ).fetchone()
        db.execute(
            "UPDATE budget SET rt=?, tt=?, pause=?, factor=?, cut=?, inflight=? WHERE id = 1",
            (rt + 1e-9, tt + 1e-9, pause, factor, cut, inflight + delta),
        )
        db.execute("COMMIT")

    def acquire_release() -> None:
        transaction(+1)
        transaction(-1)

    return acquire_release


def machine_contended(path: str, n: int, start_at: float) -> float:
    """µs per permit in one of several processes acquiring at once (run in a pool)."""
    budget = MachineBudget(UNPACED, Path(path))
    while time.time() < start_at:
        time.sleep(0.001)
    return per_permit_us(lambda: budget.acquire(100).release(used_tokens=100, status=200), n)


async def ray_sequential_us(budget: Any, n: int) -> float:
    async def one() -> None:
        (await budget.aacquire(100)).release(used_tokens=100, status=200)

    for _ in range(50):
        await one()
    start = time.perf_counter()
    for _ in range(n):
        await one()
    return (time.perf_counter() - start) / n * 1e6


def ray_worker_throughput(n: int, concurrency: int, start_at: float) -> float:
    """Permits/s one worker gets from the cluster budget with `concurrency` acquiring."""
    from chatplex.http._budget_ray import cluster_budget

    budget = cluster_budget(("bench", "cost", "", "m"), UNPACED)

    async def run() -> float:
        await asyncio.sleep(max(0.0, start_at - time.time()))
        left = n

        async def loop() -> None:
            nonlocal left
            while left > 0:
                left -= 1
                (await budget.aacquire(100)).release(used_tokens=100, status=200)

        start = time.perf_counter()
        await asyncio.gather(*(loop() for _ in range(concurrency)))
        return n / (time.perf_counter() - start)

    return asyncio.run(run())


def bench_cost(ray: Any, quick: bool) -> dict[str, Any]:
    n = 2_000 if quick else 50_000
    tmp = Path(tempfile.mkdtemp(prefix="chatplex-bench-"))
    budget = Budget(UNPACED)
    machine = MachineBudget(UNPACED, tmp / "m.budget")
    results: dict[str, float] = {
        "process (in-process Budget)": per_permit_us(
            lambda: budget.acquire(100).release(used_tokens=100, status=200), n
        ),
        "machine (mapped file + flock)": per_permit_us(
            lambda: machine.acquire(100).release(used_tokens=100, status=200), n
        ),
        "sqlite WAL, BEGIN IMMEDIATE (not used)": per_permit_us(
            sqlite_permit(str(tmp / "s.db")), n // 5
        ),
    }
    start_at = time.time() + 2.0
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        per = pool.starmap(machine_contended, [(str(tmp / "c.budget"), n // 2, start_at)] * 4)
    # Four at once: the budget serves 4 permits per (mean) per-process time.
    results["machine, 4 processes at once (per budget)"] = sum(per) / len(per) / 4
    from chatplex.http._budget_ray import cluster_budget
    from chatplex.http._budget_ray import drop_cluster_budget

    key = ("bench", "cost", "", "m")
    cluster = cluster_budget(key, UNPACED)
    results["cluster (Ray actor), one caller"] = asyncio.run(ray_sequential_us(cluster, n // 20))
    start_at = time.time() + 3.0
    remote = ray.remote(num_cpus=1)(ray_worker_throughput)
    rates = ray.get([remote.remote(n // 10, 16, start_at) for _ in range(4)])
    actor_rate = sum(rates)
    drop_cluster_budget(key)
    rows_out = [
        {"backend": name, "us_per_permit": round(us, 1), "ceiling_per_minute": round(60e6 / us)}
        for name, us in results.items()
    ]
    rows_out.append(
        {
            "backend": "cluster (Ray actor), 4 workers x 16 at once",
            "us_per_permit": round(1e6 / actor_rate, 1),
            "ceiling_per_minute": round(actor_rate * 60),
        }
    )
    print("\n## Cost of one permit (acquire + release)\n")
    print("| backend | µs per permit | ceiling (permits/min per budget) |")
    print("|---|---:|---:|")
    for row in rows_out:
        print(f"| {row['backend']} | {row['us_per_permit']} | {row['ceiling_per_minute']:,} |")
    return {"permits": n, "rows": rows_out}


# ---- four workers, one budget ---------------------------------------------------------------


class Driver:
    """A Ray actor generating load (the class is made remote in `bench_share`)."""

    def run(self, *args: Any) -> dict[str, int]:
        return drive(*args)

    def ready(self) -> bool:
        return True


def share_run(
    ray: Any,
    kind: str,
    scope: str,
    rpm: float,
    seconds: float,
    concurrency: int,
    configured: float | None = None,
) -> dict[str, Any]:
    """`configured`: the requests/min the workers are told (default: the real `rpm`),
    e.g. above the server's real limit, which the shared budget must then find."""
    tpm = rpm * REQUEST_TOKENS
    told = rpm if configured is None else configured
    limit = {"requests_per_minute": told, "tokens_per_minute": told * REQUEST_TOKENS}
    limit["scope"] = scope
    with LimitedServer(requests_per_minute=rpm, tokens_per_minute=tpm) as srv:
        args = [(srv.base_url, limit, 0.0, seconds, concurrency, w) for w in range(4)]
        if kind == "ray actors":
            actors = [ray.remote(num_cpus=1)(Driver).remote() for _ in range(4)]
            ray.get([a.ready.remote() for a in actors])
            start = time.time() + 2.0
            results = ray.get(
                [a.run.remote(*a_[:2], start, *a_[3:]) for a, a_ in zip(actors, args, strict=True)]
            )
            for actor in actors:
                ray.kill(actor)
        else:
            with multiprocessing.get_context("spawn").Pool(4) as pool:
                pool.map(time.sleep, [0] * 4)
                start = time.time() + 2.0
                results = pool.starmap(drive, [(*a[:2], start, *a[3:]) for a in args])
        stats = srv.stats
    window = stats.last - stats.first
    return {
        "workers": f"4 {kind}",
        "configured_rpm": told,
        "budget": {"cluster": "one (Ray actor)", "machine": "one (machine file)"}.get(
            scope, "none: each has the whole limit"
        ),
        "requests": stats.requests,
        "accepted": stats.accepted,
        "answered_429": stats.limited,
        "share_429": round(stats.limited / max(1, stats.requests), 4),
        "window_s": round(window, 2),
        "achieved_of_limit": round((stats.accepted - 1) / window / (rpm / 60), 3),
        "tokens_achieved_of_limit": round(stats.tokens / window / (tpm / 60), 3),
        "failed_calls": sum(r["failed"] for r in results),
    }


def bench_share(
    ray: Any, rpm: float, seconds: float, concurrency: int, configured: float | None = None
) -> dict[str, Any]:
    """With `configured`, only the shared budgets run, told that many requests/min."""
    if configured is None:
        runs = [
            share_run(ray, "ray actors", "cluster", rpm, seconds, concurrency),
            share_run(ray, "processes", "machine", rpm, seconds, concurrency),
            share_run(ray, "processes", "process", rpm, seconds, concurrency),
            share_run(ray, "ray actors", "process", rpm, seconds, concurrency),
        ]
    else:
        runs = [
            share_run(ray, "ray actors", "cluster", rpm, seconds, concurrency, configured),
            share_run(ray, "processes", "machine", rpm, seconds, concurrency, configured),
        ]
    print(f"\n## 4 workers against {rpm:,.0f} req/min and {rpm * REQUEST_TOKENS:,.0f} tok/min\n")
    print(
        "| workers | shared budget | configured/min | requests | 429s | share 429 "
        "| achieved (req) | (tokens) |"
    )
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for r in runs:
        print(
            f"| {r['workers']} | {r['budget']} | {r['configured_rpm']:,.0f} | {r['requests']} | "
            f"{r['answered_429']} | {r['share_429']:.2%} | {r['achieved_of_limit']:.1%} | "
            f"{r['tokens_achieved_of_limit']:.1%} |"
        )
    return {"rpm": rpm, "tpm": rpm * REQUEST_TOKENS, "seconds": seconds, "runs": runs}


# ---- rows: per-row errors, and a worker lost -------------------------------------------------


def read_rows(path: str) -> Any:
    import pyarrow.dataset as pads

    return pads.dataset(path, format="parquet").to_table(columns=["id", "text", "error"])


def bench_rows(ray: Any, n: int) -> dict[str, Any]:
    out = tempfile.mkdtemp(prefix="chatplex-rows-")
    with LimitedServer(requests_per_minute=6e6) as srv:
        model = functools.partial(make_model, srv.base_url)
        start = time.perf_counter()
        run = map_chat(
            ray.data.from_items(rows(n)), model, concurrency=2, batch_size=500, max_in_flight=64
        )
        failed_tasks = 0
        try:
            run.dataset.write_parquet(out)
        except Exception:  # a failed Ray task fails the write: that is the count to show
            failed_tasks = 1
        wall = time.perf_counter() - start
        sent = srv.stats.requests
    table = read_rows(out)
    texts = table.filter(table["text"].is_valid()).num_rows
    errors = table.filter(table["error"].is_valid()).num_rows
    report = run.report()
    result = {
        "rows": n,
        "failing_inputs": sum(1 for r in rows(n) if FAIL in r["prompt"]),
        "text_rows": texts,
        "error_rows": errors,
        "distinct_ids": len(set(table.column("id").to_pylist())),
        "failed_ray_tasks": failed_tasks,
        "requests_sent": sent,
        "report": vars(report) | {"resent": report.resent},
        "wall_s": round(wall, 1),
        "rows_per_s": round(n / wall),
    }
    print(f"\n## {n:,} rows, 5 % failing permanently\n")
    print("| rows | text rows | error rows | failed Ray tasks | requests | wall (s) | rows/s |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    print(
        f"| {n:,} | {texts:,} | {errors:,} | {failed_tasks} | {sent:,} | "
        f"{result['wall_s']} | {result['rows_per_s']} |"
    )
    return result


def bench_kill(ray: Any, n: int) -> dict[str, Any]:
    out = tempfile.mkdtemp(prefix="chatplex-kill-")
    marker = os.path.join(out, "..", f"died-{os.getpid()}-{time.time()}")
    victim = f"q{n // 2 + 150}"  # mid-batch: rows before it in its batch were sent
    with LimitedServer(requests_per_minute=6e6, count_prompts=True) as srv:
        runnable = functools.partial(dies_once, srv.base_url, victim, marker)

        run = map_chat(
            ray.data.from_items(rows(n, fail_every=None)),
            runnable,
            concurrency=2,
            batch_size=200,
            max_in_flight=32,
        )
        start = time.perf_counter()
        run.dataset.write_parquet(os.path.join(out, "rows"))
        wall = time.perf_counter() - start
        answered_twice = sum(count - 1 for count in srv.stats.prompts.values())
    table = read_rows(os.path.join(out, "rows"))
    ids = table.column("id").to_pylist()
    report = run.report()
    result = {
        "rows": n,
        "worker_died": os.path.exists(marker),
        "rows_written": len(ids),
        "rows_missing": n - len(set(ids)),
        "rows_duplicated": len(ids) - len(set(ids)),
        "resent_reported": report.resent,
        "answered_twice_by_server": answered_twice,
        "report": vars(report) | {"resent": report.resent},
        "wall_s": round(wall, 1),
    }
    print(f"\n## {n:,} rows, one worker process killed mid-batch\n")
    print("| rows | worker died | missing | duplicated | re-sent (reported) | answered twice |")
    print("|---:|---|---:|---:|---:|---:|")
    print(
        f"| {n:,} | {result['worker_died']} | {result['rows_missing']} | "
        f"{result['rows_duplicated']} | {report.resent} | {answered_twice} |"
    )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", choices=["cost", "share", "rows", "kill"], action="append")
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--rpm", type=float, default=6000.0)
    parser.add_argument("--seconds", type=float, default=30.0)
    parser.add_argument(
        "--configured",
        type=float,
        default=None,
        help="share: tell the shared budgets this many requests/min (above --rpm: the "
        "server's real limit is lower than configured); writes the 'share_configured' key",
    )
    parser.add_argument("--concurrency", type=int, default=16, help="per worker")
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--kill-rows", type=int, default=20_000)
    parser.add_argument("--out", type=Path, default=HERE / "results_scale.json")
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.rows, args.kill_rows = 5.0, 2_000, 1_000
    only = set(args.only or ["cost", "share", "rows", "kill"])

    os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT), str(HELPERS)])
    os.environ.setdefault("CHATPLEX_BUDGET_DIR", tempfile.mkdtemp(prefix="chatplex-budgets-"))
    import ray
    import ray.data

    ray.init(
        address="local",
        num_cpus=4,
        include_dashboard=False,
        _node_ip_address="127.0.0.1",
        log_to_driver=False,
    )
    ray.data.DataContext.get_current().enable_progress_bars = False
    results: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "ray": ray.__version__,
        }
    }
    try:
        if "cost" in only:
            results["cost"] = bench_cost(ray, args.quick)
        if "share" in only and args.configured is not None:
            results["share_configured"] = bench_share(
                ray, args.rpm, args.seconds, args.concurrency, args.configured
            )
        elif "share" in only:
            results["share"] = bench_share(ray, args.rpm, args.seconds, args.concurrency)
        if "rows" in only:
            results["rows"] = bench_rows(ray, args.rows)
        if "kill" in only:
            results["kill"] = bench_kill(ray, args.kill_rows)
    finally:
        ray.shutdown()
    previous = json.loads(args.out.read_text()) if args.out.exists() else {}
    args.out.write_text(json.dumps(previous | results, indent=2) + "\n")
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
