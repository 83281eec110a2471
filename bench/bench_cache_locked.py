"""Calls through a SQLite reply cache that another process holds locked.

    python bench/bench_cache_locked.py            # 50 calls per row
    python bench/bench_cache_locked.py --calls 10

Another process opens the cache file and holds `BEGIN EXCLUSIVE` for the whole row (it
is killed after). "wal": the file is chatplex's own (WAL journal: reads go on, writes
wait); "rollback": a file in rollback-journal mode (reads wait too, and so does opening
it). Each row makes `--calls` calls, one after another, with a 3 s deadline
(`RunnableConfig(timeout=3)`), sync (`invoke`) or async (`ainvoke`, while a task ticks
every 20 ms on the same loop). Printed per row: the slowest call and all calls' wall
time, the loop's longest pause between ticks, the warnings the `chatplex.cache` logger
wrote (and how many carried a traceback), and the requests the mock server answered.
Wall time on a shared machine: read the figures as orders of magnitude.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from typing import Any

HOLDER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
if sys.argv[2] == "rollback":
    conn.execute("PRAGMA journal_mode=DELETE")
    conn.execute("CREATE TABLE IF NOT EXISTS other (x)")
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
time.sleep(120)
"""
DEADLINE = 3.0


class Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def row(journal: str, mode: str, calls: int) -> dict[str, Any]:
    from chatplex import SQLiteCache
    from chatplex import init_chat_model
    from chatplex.testing import MockServer

    collect = Collect()
    logging.getLogger("chatplex.cache").addHandler(collect)
    logging.getLogger("chatplex.cache").propagate = False  # counted, not printed
    with tempfile.TemporaryDirectory() as tmp:
        path = f"{tmp}/replies.db"
        if journal == "wal":
            SQLiteCache(path).close()
        holder = subprocess.Popen(
            [sys.executable, "-c", HOLDER, path, journal], stdout=subprocess.PIPE, text=True
        )
        try:
            assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
            with MockServer() as server:
                started = time.monotonic()
                model = init_chat_model(
                    "openai:gpt-4o-mini",
                    base_url=server.openai_base_url,
                    api_key="sk-bench",
                    cache=SQLiteCache(path),
                )
                construct = time.monotonic() - started
                walls: list[float] = []
                longest_pause = float("nan")
                config: Any = {"timeout": DEADLINE}
                if mode == "sync":
                    model.invoke("warm-up", config, cache=False)  # first use, not timed
                    for i in range(calls):
                        started = time.monotonic()
                        model.invoke(f"q{i}", config)
                        walls.append(time.monotonic() - started)
                else:

                    async def run() -> float:
                        pauses: list[float] = []
                        done = asyncio.Event()

                        async def tick() -> None:
                            last = time.monotonic()
                            while not done.is_set():
                                await asyncio.sleep(0.02)
                                pauses.append(time.monotonic() - last)
                                last = time.monotonic()

                        # First use of the async transport (imports, pool), not timed.
                        await model.ainvoke("warm-up", {"timeout": DEADLINE}, cache=False)
                        ticker = asyncio.create_task(tick())
                        await asyncio.sleep(0.1)
                        for i in range(calls):
                            started = time.monotonic()
                            await model.ainvoke(f"q{i}", config)
                            walls.append(time.monotonic() - started)
                        done.set()
                        await ticker
                        return max(pauses)

                    longest_pause = asyncio.run(run())
                requests = server.stats.requests - 1  # less the warm-up
            held = holder.poll() is None
        finally:
            holder.kill()
            holder.wait()
            if holder.stdout is not None:
                holder.stdout.close()
    logging.getLogger("chatplex.cache").removeHandler(collect)
    return {
        "journal": journal,
        "mode": mode,
        "construct_s": construct,
        "slowest_s": max(walls),
        "total_s": sum(walls),
        "longest_loop_pause_s": longest_pause,
        "warnings": len(collect.records),
        "tracebacks": sum(bool(r.exc_info) for r in collect.records),
        "requests": requests,
        "lock_held_throughout": held,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--calls", type=int, default=50)
    args = parser.parse_args(argv)
    print(
        f"{args.calls} calls, deadline {DEADLINE:g} s each, cache file locked by another process\n"
    )
    print(
        "| journal | call | open (s) | slowest call (s) | all calls (s) | loop pause (s) "
        "| warnings (tracebacks) | requests | lock held |"
    )
    print("|---|---|--:|--:|--:|--:|--:|--:|---|")
    for journal in ("wal", "rollback"):
        for mode in ("sync", "async"):
            r = row(journal, mode, args.calls)
            print(
                f"| {journal} | {mode} | {r['construct_s']:.2f} | {r['slowest_s']:.2f} | "
                f"{r['total_s']:.2f} | {r['longest_loop_pause_s']:.2f} | {r['warnings']} "
                f"({r['tracebacks']}) | {r['requests']} | {r['lock_held_throughout']} |"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
