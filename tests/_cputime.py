"""Where the suite's CPU goes: a pytest plugin, and a summary of what it wrote.

`--durations` names wall time, which on a loaded machine mostly measures the load. This
counts CPU seconds: each test's (setup, call and teardown, with the children it waited
for), each worker's collection and garbage collections, by file and by folder. Each
worker's first test start and last test end (wall clock, from the first worker's start)
show whether the run ended balanced or waited on one worker's tail.

    CHATPLEX_CPUTIME_DIR=/tmp/cpu .venv/bin/python -m pytest -p tests._cputime -n 4 ...
    .venv/bin/python -m tests._cputime /tmp/cpu

A child's CPU is counted where it is reaped (`os.times`' children fields), so a server a
fixture started lands on the test that stopped it; the sums by folder are what to read.
"""

from __future__ import annotations

import argparse
import collections
import gc
import json
import os
import sys
import time
from collections.abc import Generator
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

_VARIABLE = "CHATPLEX_CPUTIME_DIR"


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


class _Counter:
    def __init__(self) -> None:
        self.started = _cpu()
        self.collection = 0.0
        self.tests: dict[str, float] = {}
        #: Each test's wall time less its CPU: what it waited for (sleeps, servers, its
        #: children until reaped, and a core, on a loaded machine).
        self.waits: dict[str, float] = {}
        self.gc_seconds = [0.0, 0.0, 0.0]
        self.gc_runs = [0, 0, 0]
        self._gc_start = 0.0
        # Wall clock (`time.time()`: the workers' clocks are one machine's).
        self.configured = time.time()
        self.first_test: float | None = None
        self.last_end: float | None = None

    def on_gc(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._gc_start = time.process_time()
            return
        generation = info["generation"]
        self.gc_runs[generation] += 1
        self.gc_seconds[generation] += time.process_time() - self._gc_start

    def written(self) -> dict[str, Any]:
        return {
            "total": _cpu() - self.started,
            "collection": self.collection,
            "gc_seconds": self.gc_seconds,
            "gc_runs": self.gc_runs,
            "tests": self.tests,
            "waits": self.waits,
            "wall": {
                "configured": self.configured,
                "first_test": self.first_test,
                "last_end": self.last_end,
            },
        }


_COUNTER: _Counter | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _COUNTER
    if os.environ.get(_VARIABLE):
        _COUNTER = _Counter()
        gc.callbacks.append(_COUNTER.on_gc)


def pytest_collection_finish(session: pytest.Session) -> None:
    if _COUNTER is not None:
        _COUNTER.collection = _cpu() - _COUNTER.started


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Generator[None, Any, Any]:
    if _COUNTER is None:
        return (yield)
    started, began = _cpu(), time.time()
    if _COUNTER.first_test is None:
        _COUNTER.first_test = began
    try:
        return (yield)
    finally:
        used = _COUNTER.tests[item.nodeid] = _cpu() - started
        _COUNTER.last_end = time.time()
        _COUNTER.waits[item.nodeid] = max(0.0, _COUNTER.last_end - began - used)


def pytest_unconfigure(config: pytest.Config) -> None:
    global _COUNTER
    if _COUNTER is None:
        return
    gc.callbacks.remove(_COUNTER.on_gc)
    folder = Path(os.environ[_VARIABLE])
    folder.mkdir(parents=True, exist_ok=True)
    worker = os.environ.get("PYTEST_XDIST_WORKER", "controller")
    (folder / f"{worker}.json").write_text(json.dumps({"worker": worker, **_COUNTER.written()}))
    _COUNTER = None


def summary(runs: Iterable[dict[str, Any]], top: int = 25) -> str:
    """The workers' files as a table: totals, each worker's first and last test on the
    wall clock, then the costliest folders and files."""
    runs = [run for run in runs if run["tests"]]  # (the controller's total holds its workers')
    by_file: collections.Counter[str] = collections.Counter()
    by_folder: collections.Counter[str] = collections.Counter()
    lines, collection, gc_seconds, workers = [], 0.0, 0.0, 0
    for run in runs:
        workers += 1
        collection += run["collection"]
        gc_seconds += sum(run["gc_seconds"])
        for nodeid, seconds in run["tests"].items():
            path = nodeid.split("::", 1)[0]
            by_file[path] += seconds
            parts = path.split("/")
            by_folder["/".join(parts[:3]) if len(parts) > 3 else path] += seconds
    tests = sum(by_file.values())
    lines.append(
        f"{workers} workers: tests {tests:.1f} s CPU, collection {collection:.1f} s, "
        f"garbage collector {gc_seconds:.1f} s (within the others)"
    )
    walls: list[dict[str, Any]] = [run.get("wall") or {} for run in runs]
    if all(wall.get("first_test") for wall in walls):
        start = min(wall["configured"] for wall in walls)
        for run, wall in zip(runs, walls, strict=True):
            lines.append(
                f"{run.get('worker', '?')}: first test at {wall['first_test'] - start:.0f} s, "
                f"last one ended at {wall['last_end'] - start:.0f} s (wall clock)"
            )
    for title, counter in (("folders", by_folder), ("files", by_file)):
        lines.append(f"-- costliest {title} (s CPU, share of the tests')")
        for name, seconds in counter.most_common(top):
            lines.append(f"{seconds:8.1f} {100 * seconds / tests:5.1f}% {name}")
    # A worker waiting on a sleep or a server leaves its share of the cores to whatever
    # else runs: read on an idle machine, the longest waits are where a run stretches.
    waits = collections.Counter({k: v for run in runs for k, v in run.get("waits", {}).items()})
    if waits:
        lines.append(
            f"-- longest waits (s of wall clock less CPU; {sum(waits.values()):.0f} s in all)"
        )
        for name, seconds in waits.most_common(top):
            lines.append(f"{seconds:8.1f} {name}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, help=f"what {_VARIABLE} named")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    runs = [json.loads(p.read_text()) for p in sorted(args.folder.glob("*.json"))]
    if not runs:
        print(f"no *.json in {args.folder}", file=sys.stderr)
        return 1
    print(summary(runs, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
