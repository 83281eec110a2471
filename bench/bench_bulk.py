"""Bulk runs (`chatplex run`, chatplex.bulk): memory, throughput, and resume after SIGKILL.

    python bench/bench_bulk.py                    # 10k and 100k rows (~3 minutes)
    python bench/bench_bulk.py --sizes 10000,100000,1000000     # the 1M case too (+~8 min)
    python bench/bench_bulk.py --quick            # tiny sizes (the smoke test)

One mock server process (chatplex.testing.MockServer, 20 ms latency, request counts read
over a pipe); every measured client is a fresh process, so its peak RSS (`ru_maxrss` from
`wait4`) is its own:

1. Peak RSS of `chatplex run` at each size (64 in flight): flat means bounded memory.
2. Throughput of `chatplex.bulk.arun` (file in, journal out) against a plain `abatch` of
   the same prompts (results in memory) on the same server, median of 3 alternating runs.
3. SIGKILL at half: `chatplex run` over N rows killed once half the output is written,
   then the same command again: N output lines, unique ids, every text right, and the
   server's requests at most N + the window (the rows in flight at the kill).

Prints a markdown table and writes JSON (`--out`, default bench/results_bulk.json).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import os
import platform
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MODEL = "openai:gpt-4o-mini"
WINDOW = 64
LATENCY = 0.02


# -- the server, in its own process ------------------------------------------------------


def _serve(conn: Connection, latency: float) -> None:
    from chatplex.testing import MockServer

    with MockServer(latency=latency) as server:
        conn.send(server.url)
        while True:
            command = conn.recv()
            if command == "requests":
                conn.send(server.stats.requests)
            else:
                return


class Server:
    def __init__(self, latency: float) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=_serve, args=(child, latency), daemon=True)
        self._process.start()
        self.url: str = self._conn.recv()

    def requests(self) -> int:
        self._conn.send("requests")
        return int(self._conn.recv())

    def close(self) -> None:
        self._conn.send("stop")
        self._process.join(10)


# -- clients -------------------------------------------------------------------------------


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CHATPLEX_")}
    env["OPENAI_API_KEY"] = "sk-mock-bench"
    return env


def write_input(path: Path, rows: int) -> None:
    with path.open("w") as file:
        for index in range(rows):
            file.write(f'{{"id": "r{index}", "text": "row {index}"}}\n')


def cli_args(source: Path, out: Path, url: str) -> list[str]:
    return [sys.executable, "-m", "chatplex", "run", str(source), "--model", MODEL,
            "--output", str(out), "--prompt", "{text}", "--base-url", url,
            "--concurrency", str(WINDOW), "-q"]  # fmt: skip


def run_measured(args: list[str]) -> tuple[int, float, int]:
    """(exit status, wall seconds, peak RSS in MiB) of one client process."""
    started = time.perf_counter()
    process = subprocess.Popen(args, env=_env(), cwd=ROOT)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, time.perf_counter() - started, usage.ru_maxrss // 1024


def check_output(out: Path, rows: int) -> dict[str, Any]:
    ids, wrong = set(), 0
    lines = 0
    with out.open() as file:
        for line in file:
            lines += 1
            record = json.loads(line)
            ids.add(record["id"])
            if record.get("text") != f"Echo: row {record['id'][1:]}":
                wrong += 1
    return {"lines": lines, "unique_ids": len(ids), "wrong_texts": wrong, "expected": rows}


def _one_client(kinds: str, source: str, out: str, url: str) -> None:
    """A throughput client (run in its own process): prints the wall time of each of
    `kinds` (comma-separated, run one after another) as a JSON line."""
    from chatplex import bulk
    from chatplex import init_chat_model

    model = init_chat_model(MODEL, base_url=url, api_key="sk-mock-bench")

    async def main() -> list[float]:
        return [await one(kind) for kind in kinds.split(",")]

    async def one(kind: str) -> float:
        if kind == "abatch":
            prompts = [json.loads(line)["text"] for line in Path(source).read_text().splitlines()]
            started = time.perf_counter()
            replies = await model.abatch(prompts, config={"max_concurrency": WINDOW})
            assert len(replies) == len(prompts)
            return time.perf_counter() - started
        started = time.perf_counter()
        summary = await bulk.arun(
            model, source, output=out, prompt="{text}", concurrency=WINDOW, progress=False
        )
        assert summary.complete
        return time.perf_counter() - started

    for wall in asyncio.run(main()):
        print(json.dumps({"wall_s": wall}))


def throughput(kinds: list[str], source: Path, out: Path, url: str) -> list[tuple[float, int]]:
    """(wall seconds, peak RSS in MiB) of each of `kinds`, run in one fresh process (the
    RSS is the process's)."""
    out.unlink(missing_ok=True)
    args = [sys.executable, __file__, "--client", ",".join(kinds), str(source), str(out), url]
    process = subprocess.Popen(args, env=_env(), cwd=ROOT, stdout=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    assert process.stdout is not None
    walls = [json.loads(line)["wall_s"] for line in process.stdout.read().splitlines()]
    assert os.waitstatus_to_exitcode(status) == 0 and len(walls) == len(kinds)
    return [(wall, usage.ru_maxrss // 1024) for wall in walls]


def kill_at_half(
    server: Server, directory: Path, rows: int, poll_s: float = 0.05
) -> dict[str, Any]:
    source, out = directory / "kill_in.jsonl", directory / "kill_out.jsonl"
    write_input(source, rows)
    before = server.requests()
    process = subprocess.Popen(cli_args(source, out, server.url), env=_env(), cwd=ROOT)
    while not out.exists() or out.stat().st_size == 0 or _count_lines(out) < rows // 2:
        if process.poll() is not None:
            raise RuntimeError("the run finished before it could be killed")
        time.sleep(poll_s)
    process.send_signal(signal.SIGKILL)
    process.wait()
    kept = _count_lines(out)
    status, wall, rss = run_measured(cli_args(source, out, server.url))
    sent = server.requests() - before
    result = check_output(out, rows)
    result.update(
        kept_at_kill=kept, requests=sent, window=WINDOW, rerun_status=status, rerun_wall_s=wall,
        ok=status == 0 and result["lines"] == result["unique_ids"] == rows
        and result["wrong_texts"] == 0 and sent <= rows + WINDOW,
    )  # fmt: skip
    return result


def _count_lines(path: Path) -> int:
    with path.open("rb") as file:
        return sum(block.count(b"\n") for block in iter(lambda: file.read(1 << 20), b""))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes (smoke test)")
    parser.add_argument("--sizes", default="10000,100000", help="rows for the RSS runs")
    parser.add_argument("--kill-rows", type=int, default=100_000)
    parser.add_argument("--throughput-rows", type=int, default=20_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--out", default=str(ROOT / "bench" / "results_bulk.json"))
    parser.add_argument("--client", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.client:
        _one_client(*args.client)
        return 0
    sizes = [int(s) for s in args.sizes.split(",")]
    # --quick: the harness, not the numbers; the kill keeps room to land mid-run (polled
    # often; the slower server gives its 400 rows the ~150 ms after half that 1,000 had
    # at 20 ms, for the CPU of 400), both throughput clients in one process (each was
    # mostly its imports)
    poll_s, latency = 0.05, LATENCY
    if args.quick:
        sizes, args.kill_rows, args.throughput_rows, args.rounds = [100], 400, 100, 1
        poll_s, latency = 0.01, 0.05
    server = Server(latency)
    results: dict[str, Any] = {
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "platform": platform.platform()},
        "settings": {"window": WINDOW, "server_latency_s": latency, "model": MODEL},
        "rss": [], "throughput": {}, "kill": {},
    }  # fmt: skip
    try:
        with tempfile.TemporaryDirectory() as tmp:
            directory = Path(tmp)
            for rows in sizes:
                source, out = directory / f"in_{rows}.jsonl", directory / f"out_{rows}.jsonl"
                write_input(source, rows)
                status, wall, rss = run_measured(cli_args(source, out, server.url))
                check = check_output(out, rows)
                results["rss"].append({"rows": rows, "peak_rss_mib": rss, "wall_s": round(wall, 2),
                                       "rows_per_s": round(rows / wall), "status": status,
                                       **check})  # fmt: skip
                out.unlink()
                source.unlink()
            source = directory / "tp_in.jsonl"
            write_input(source, args.throughput_rows)
            walls: dict[str, list[float]] = {"abatch": [], "bulk": []}
            rss_by_kind: dict[str, list[int]] = {"abatch": [], "bulk": []}
            groups = [["abatch", "bulk"]] if args.quick else [["abatch"], ["bulk"]]
            for _ in range(args.rounds):
                for kinds in groups:
                    tp_out = directory / "tp_out.jsonl"
                    measured = throughput(kinds, source, tp_out, server.url)
                    for kind, (wall, rss) in zip(kinds, measured, strict=True):
                        walls[kind].append(wall)
                        rss_by_kind[kind].append(rss)
            median = {kind: statistics.median(w) for kind, w in walls.items()}
            results["throughput"] = {
                "rows": args.throughput_rows,
                "abatch_rows_per_s": round(args.throughput_rows / median["abatch"]),
                "bulk_rows_per_s": round(args.throughput_rows / median["bulk"]),
                "bulk_vs_abatch": round(median["abatch"] / median["bulk"], 3),
                "abatch_peak_rss_mib": max(rss_by_kind["abatch"]),
                "bulk_peak_rss_mib": max(rss_by_kind["bulk"]),
                "walls": walls,
            }
            results["kill"] = kill_at_half(server, directory, args.kill_rows, poll_s)
    finally:
        server.close()
    Path(args.out).write_text(json.dumps(results, indent=2) + "\n")
    print(f"Bulk runs: {WINDOW} in flight, mock server latency {latency * 1000:.0f} ms.\n")
    print("| rows | peak RSS (MiB) | wall (s) | rows/s | output lines | unique ids |")
    print("|---:|---:|---:|---:|---:|---:|")
    for row in results["rss"]:
        print(f"| {row['rows']:,} | {row['peak_rss_mib']} | {row['wall_s']} | {row['rows_per_s']:,}"
              f" | {row['lines']:,} | {row['unique_ids']:,} |")  # fmt: skip
    tp = results["throughput"]
    print(f"\n| {tp['rows']:,} rows | rows/s (median of {args.rounds}) | peak RSS (MiB) |")
    print("|---|---:|---:|")
    for label, kind in (
        ("plain abatch (results in memory)", "abatch"),
        ("bulk.arun (file to journal)", "bulk"),
    ):
        print(f"| {label} | {tp[f'{kind}_rows_per_s']:,} | {tp[f'{kind}_peak_rss_mib']} |")
    print(f"| bulk / abatch | {tp['bulk_vs_abatch']:.3f} | |")
    kill = results["kill"]
    print(f"\nSIGKILL at half, then rerun ({kill['expected']:,} rows): "
          f"kept {kill['kept_at_kill']:,} at the kill; after the rerun {kill['lines']:,} lines, "
          f"{kill['unique_ids']:,} unique ids, {kill['wrong_texts']} wrong texts; "
          f"server requests {kill['requests']:,} "
          f"(limit {kill['expected'] + WINDOW:,}): {'OK' if kill['ok'] else 'FAILED'}")  # fmt: skip
    return 0 if kill["ok"] and all(r["status"] == 0 for r in results["rss"]) else 1


if __name__ == "__main__":
    sys.exit(main())
