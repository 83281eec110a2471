"""The garbage collector's share of a batch's CPU, with chatplex's batches raising its
young threshold and freezing older objects (decision 015) and with the collector as
CPython sets it.

    python bench/bench_collector.py              # ~2 minutes
    python bench/bench_collector.py --quick      # a smoke test of the harness

Each variant runs in a fresh process (`--quick`: all in one, the setting changed between
them, the clients' imports frozen: a smoke test of the harness, not the collector's
figures) against one mock server process (20 ms latency):
`ChatPromptTemplate | model | StrOutputParser()` (`chain`) or the model alone (`model`),
`abatch` of `--requests` at 64 in flight after a warm-up batch, the clients of
`bench_langchain.py` (`dropin`, `chatplex`, `langchain-openai`, `langchain-floor`).
`gc.callbacks` time every collection by generation; `in chatplex's batch` counts those
that ran while a chatplex batch had the threshold raised (`chatplex.core.collector`).
`CHATPLEX_GC_THRESHOLD=0` gives the collector as CPython sets it. A table and JSON
(`--out`, default bench/results_collector.json).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import bench_langchain  # noqa: E402

CLIENTS = ("dropin", "chatplex", "langchain-openai", "langchain-floor")
SHAPES = ("chain", "model")
SETTINGS = {"raised": None, "cpython": "0"}  # CHATPLEX_GC_THRESHOLD per variant

WORKER = r"""
import asyncio, gc, json, sys, time
sys.path.insert(0, sys.argv[1])
import bench_langchain
from chatplex.core import collector
from quick_setup import setup_untracked
url, n, variants = sys.argv[2], int(sys.argv[3]), json.loads(sys.argv[4])
quick = sys.argv[5] == "quick"
async def one(client, shape):
    spent, counts, inside = [0.0, 0.0, 0.0], [0, 0, 0], [0, 0, 0]
    started = [0.0]
    def timed(phase, info):
        if phase == "start":
            started[0] = time.process_time()
            return
        generation = info["generation"]
        spent[generation] += time.process_time() - started[0]
        counts[generation] += 1
        inside[generation] += collector._running > 0
    with setup_untracked(quick):  # --quick: its imports frozen, never walked
        chain = bench_langchain.build_chain(client, url)
    runnable = chain if shape == "chain" else chain.steps[1]
    inputs = ([{"topic": f"t {i}"} for i in range(n)] if shape == "chain"
              else [[("user", f"t {i}")] for i in range(n)])
    config = {"max_concurrency": 64}
    await runnable.abatch(inputs[:64], config)
    gc.callbacks.append(timed)
    start = time.process_time()
    await runnable.abatch(inputs, config)
    cpu = time.process_time() - start
    gc.callbacks.remove(timed)
    print(json.dumps({"cpu_us": cpu / n * 1e6, "gc_us": [s / n * 1e6 for s in spent],
                      "collections": counts, "inside": inside,
                      "tracked": len(gc.get_objects())}), flush=True)
async def main():
    for client, shape, setting in variants:  # CHATPLEX_GC_THRESHOLD is read per batch
        with bench_langchain.collector_setting(setting):
            await one(client, shape)
asyncio.run(main())
"""

Variant = tuple[str, str, str]  # (client, shape, setting)


def run_variants(
    variants: list[Variant], url: str, n: int, quick: bool = False
) -> list[dict[str, Any]]:
    """Each of `variants` measured in turn in one fresh process: a result each (`quick`:
    the clients' imports frozen, so its collections walk the batch's objects alone)."""
    env = {**os.environ, "PYTHONWARNINGS": "ignore", "PYTHONPATH": str(ROOT)}
    env.pop("CHATPLEX_GC_THRESHOLD", None)
    settings = [(client, shape, SETTINGS[setting]) for client, shape, setting in variants]
    command = [sys.executable, "-c", WORKER, str(HERE), url, str(n), json.dumps(settings)]
    command += ["quick" if quick else "-"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=600)
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    lines = done.stdout.strip().splitlines()[-len(variants) :]
    return [json.loads(line) for line in lines]


def summary(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """The medians of a variant's processes (collections: the first process's)."""
    cpu = statistics.median(r["cpu_us"] for r in runs)
    collector_us = statistics.median(sum(r["gc_us"]) for r in runs)
    return {
        "cpu_us": cpu,
        "gc_us": collector_us,
        "gc_share": collector_us / cpu,
        "full_us": statistics.median(r["gc_us"][2] for r in runs),
        "collections": runs[0]["collections"],
        "inside": runs[0]["inside"],
        "tracked": runs[0]["tracked"],
    }


def table(results: dict[str, dict[str, Any]]) -> str:
    lines = [
        "| client, shape | collector | CPU µs/request | in the collector | of it full "
        "collections | collections young/middle/full (in chatplex's batch) |",
        "|---|---|--:|--:|--:|---|",
    ]
    for key, row in results.items():
        client, shape, setting = key.split("/")
        counts = "/".join(
            f"{c} ({i})" for c, i in zip(row["collections"], row["inside"], strict=True)
        )
        lines.append(
            f"| {client}, {shape} | {setting} | {row['cpu_us']:,.0f} | "
            f"{row['gc_us']:,.0f} µs ({row['gc_share']:.0%}) | {row['full_us']:,.0f} µs | "
            f"{counts} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--rounds", type=int, default=3, help="processes per variant")
    parser.add_argument("--clients", default=",".join(CLIENTS))
    parser.add_argument("--shapes", default=",".join(SHAPES))
    parser.add_argument("--quick", action="store_true", help="tiny counts (smoke test)")
    parser.add_argument("--out", type=Path, default=HERE / "results_collector.json")
    args = parser.parse_args()
    n, rounds = (40, 1) if args.quick else (args.requests, args.rounds)
    clients = [c for c in CLIENTS if c in args.clients.split(",")]
    shapes = [s for s in SHAPES if s in args.shapes.split(",")]
    runs: dict[str, list[dict[str, Any]]] = {}
    variants: list[Variant] = [
        (client, shape, setting)
        for client in clients
        for shape in shapes
        # (A client with no chatplex batch runs as CPython sets the collector.)
        for setting in (SETTINGS if client in ("dropin", "chatplex") else ["cpython"])
    ]
    # --quick: the harness, not the numbers: every variant in one process (each process
    # is mostly LangChain's imports); else each in a fresh one.
    groups = [variants] if args.quick else [[variant] for variant in variants]
    with bench_langchain.mock_server(1) as url:
        for _ in range(rounds):  # variants alternate, so drift hits them alike
            for group in groups:
                measured = run_variants(group, url, n, args.quick)
                for variant, run in zip(group, measured, strict=True):
                    runs.setdefault("/".join(variant), []).append(run)
    results = {key: summary(r) for key, r in runs.items()}
    print(table(results))
    args.out.write_text(
        json.dumps({"requests": n, "rounds": rounds, "results": results, "runs": runs}, indent=1)
        + "\n",
        encoding="utf-8",
    )
    print(f"\nwritten to {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
