"""The client floor (issue 64, step 7): the four rows side by side in one run.

    python bench/bench_floor.py                    # ~10 minutes on the shared machine
    python bench/bench_floor.py --rounds 5 --rows abatch,import
    python bench/bench_floor.py --quick            # tiny counts (harness smoke test)

Every figure is a ratio of two clients measured in the same run, fresh processes
alternating in rounds (medians), so drift on a shared machine hits both alike:

- `abatch`: client CPU per request of an `abatch` of 2,000 at 64 in flight on the mock
  server (20 ms latency), chatplex on the OpenAI and the Anthropic wire ÷ raw aiohttp
  (`bench/clients.py`, as `bench/bench_direct.py` runs it), and on the OpenAI wire with
  the garbage collector as CPython sets it (`CHATPLEX_GC_THRESHOLD=0`, decision 015).
  Target <= 1.4x.
- `import`: a whole `python -c "import chatplex"` process ÷ `python -c "import asyncio"`,
  CPU (user + sys, `wait4`) and wall, bytecode cached. Target <= 1.25x.
- `traced`: `prompt | model | StrOutputParser` with LangSmith tracing on (to the fake
  endpoint) ÷ off, CPU per request, chatplex's own chain and the drop-in's
  (`chatplex.langchain.ChatOpenAI` in LangChain's chain), as `bench/bench_tracing.py`
  measures them, beside LangChain's own chain (langchain-openai under LangChain's tracer).
  Target <= 1.3x in each family.
- `reader`: one 8 MB reply in 64-byte chunks, in bursts: `invoke`'s client CPU ÷ raw
  aiohttp's (`bench/bench_reader.py`), beside `ainvoke` and `h1-socket` (chatplex's own
  HTTP/1.1 parser over a blocking socket: what a sync reader on it would cost). Target
  <= 2x.

Prints a markdown table and writes `bench/results_floor.json` (`--out`).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import bench_direct  # noqa: E402
import bench_reader  # noqa: E402
import bench_tracing  # noqa: E402
from bench_langchain import collector_setting  # noqa: E402

ROWS = ("abatch", "import", "traced", "reader")
IMPORTS = {
    "chatplex": "import chatplex",
    "asyncio": "import asyncio",
    # Not the target's: what a script runs before its first call (`bench/run.py`'s too).
    "first_model": "import chatplex; chatplex.init_chat_model('openai:gpt-4o-mini', api_key='k')",
}


def abatch(rounds: int, n: int, quick: bool) -> dict[str, Any]:
    server, url = bench_direct.start_server(0.02, 200, 0.0)
    # "openai-gc-off": the collector as CPython sets it (chatplex's abatch raises its young
    # threshold while it runs, decision 015; raw aiohttp's gather leaves it alone).
    runs: dict[str, list[float]] = {
        "openai": [],
        "openai-gc-off": [],
        "anthropic": [],
        "aiohttp": [],
    }
    common = ["abatch", "--url", url, "--n", str(n), "--concurrency", "64"]
    common += ["--warmup", str(min(n, 64))]
    measurements = {}
    for label in runs:
        wire = label.removesuffix("-gc-off")
        client = "aiohttp" if label == "aiohttp" else f"chatplex-{wire}"
        extra = ["--wire", "openai"] if label == "aiohttp" else []
        extra += ["--gc-threshold", "0"] if label != wire else []
        measurements[label] = [client, *common, *extra]
    # --quick: the harness, not the numbers: every client in one process (each was
    # mostly its imports); else each in a fresh one.
    groups = [list(runs)] if quick else [[label] for label in runs]
    try:
        for _ in range(rounds):
            for group in groups:
                with collector_setting(None):  # each client's own (`--gc-threshold`)
                    done = bench_direct.run_clients(str(ROOT), [measurements[k] for k in group])
                for label, result in zip(group, done, strict=True):
                    runs[label].append(result["cpu_s"] / n * 1e6)
    finally:
        server.terminate()
        server.wait(10)
    floor = statistics.median(runs["aiohttp"])
    return {
        "unit": "us CPU per request",
        "runs": runs,
        "median": {k: statistics.median(v) for k, v in runs.items()},
        "ratio": {
            k: statistics.median(runs[k]) / floor for k in ("openai", "openai-gc-off", "anthropic")
        },
    }


def imports(rounds: int, warm_up: bool = True) -> dict[str, Any]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPATH"] = str(ROOT)
    env["PYTHONHASHSEED"] = "0"

    def once(code: str) -> tuple[float, float]:
        started = time.perf_counter()
        process = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=env)
        _, status, usage = os.wait4(process.pid, 0)
        wall = time.perf_counter() - started
        assert os.waitstatus_to_exitcode(status) == 0
        return usage.ru_utime + usage.ru_stime, wall

    for code in IMPORTS.values() if warm_up else ():
        once(code)  # the bytecode caches
    cpu: dict[str, list[float]] = {k: [] for k in IMPORTS}
    wall: dict[str, list[float]] = {k: [] for k in IMPORTS}
    for _ in range(rounds):
        for name, code in IMPORTS.items():
            used, took = once(code)
            cpu[name].append(used * 1000)
            wall[name].append(took * 1000)
    med = {k: statistics.median(v) for k, v in cpu.items()}
    med_wall = {k: statistics.median(v) for k, v in wall.items()}
    return {
        "unit": "ms per process",
        "cpu_runs": cpu,
        "wall_runs": wall,
        "median_cpu": med,
        "median_wall": med_wall,
        "ratio": {
            "cpu": med["chatplex"] / med["asyncio"],
            "wall": med_wall["chatplex"] / med_wall["asyncio"],
            "first_model_cpu": med["first_model"] / med["asyncio"],
        },
    }


def traced(rounds: int, n: int, warmup: int) -> dict[str, Any]:
    mock = bench_tracing.Process(bench_tracing._serve_mock, 0.0)
    fake = bench_tracing.Process(bench_tracing._serve_langsmith)
    # LangChain's own chain (langchain-openai, LangChain's tracer): the peer of the drop-in's.
    workloads = ["chain", "dropin-chain", "langchain-chain"]
    runs: dict[str, dict[str, list[float]]] = {w: {"off": [], "langsmith": []} for w in workloads}
    try:
        for _ in range(rounds):
            for mode in ("off", "langsmith"):
                rows = bench_tracing.cpu_per_request(mode, workloads, n, mock.url, fake.url, warmup)
                for row in rows:
                    runs[row["workload"]][mode].append(row["cpu_us"])
                fake.ask("clear")
    finally:
        mock.close()
        fake.close()
    med = {w: {m: statistics.median(v) for m, v in by.items()} for w, by in runs.items()}
    return {
        "unit": "us CPU per request",
        "runs": runs,
        "median": med,
        "ratio": {w: med[w]["langsmith"] / med[w]["off"] for w in workloads},
    }


def reader(rounds: int, size: int, quick: bool) -> dict[str, Any]:
    saved = dict(bench_reader.PACINGS)
    bench_reader.PACINGS.clear()
    bench_reader.PACINGS["burst"] = 0.0  # trickled, every reader is level (bench/README.md)
    try:
        rows = bench_reader.measure(size, 64, rounds, quick)
    finally:
        bench_reader.PACINGS.clear()
        bench_reader.PACINGS.update(saved)
    by = {str(row["client"]): row for row in rows}
    return {
        "unit": "s CPU of the call",
        "size": size,
        "chunk": 64,
        "runs": {k: v["runs"] for k, v in by.items()},
        "median": {k: v["cpu_s"] for k, v in by.items()},
        "ratio": {k: v["ratio_to_aiohttp"] for k, v in by.items() if k != "aiohttp"},
    }


def table(result: dict[str, Any]) -> str:
    lines = ["| row | chatplex | peer | chatplex ÷ peer | target |", "|---|---|---|--:|--:|"]
    if "abatch" in result:
        a = result["abatch"]
        for wire, label in (
            ("openai", "openai wire"),
            ("openai-gc-off", "openai wire, collector as CPython sets it"),
            ("anthropic", "anthropic wire"),
        ):
            lines.append(
                f"| abatch CPU/request, {label} | {a['median'][wire]:.0f} µs | raw aiohttp "
                f"{a['median']['aiohttp']:.0f} µs | {a['ratio'][wire]:.2f}x | <= 1.4x |"
            )
    if "import" in result:
        i = result["import"]
        lines.append(
            f"| `import chatplex` process CPU (wall) | {i['median_cpu']['chatplex']:.1f} ms "
            f"({i['median_wall']['chatplex']:.1f}) | `import asyncio` "
            f"{i['median_cpu']['asyncio']:.1f} ms ({i['median_wall']['asyncio']:.1f}) | "
            f"{i['ratio']['cpu']:.2f}x ({i['ratio']['wall']:.2f}x) | <= 1.25x |"
        )
        lines.append(
            f"| a first `init_chat_model(...)` process CPU | {i['median_cpu']['first_model']:.1f} "
            f"ms | `import asyncio` {i['median_cpu']['asyncio']:.1f} ms | "
            f"{i['ratio']['first_model_cpu']:.2f}x | - |"
        )
    if "traced" in result:
        t = result["traced"]
        for w, label in (
            ("chain", "chatplex's chain"),
            ("dropin-chain", "drop-in chain"),
            ("langchain-chain", "LangChain's chain (langchain-openai; peer)"),
        ):
            lines.append(
                f"| {label}, LangSmith on ÷ off | {t['median'][w]['langsmith']:.0f} µs | off "
                f"{t['median'][w]['off']:.0f} µs | {t['ratio'][w]:.2f}x | "
                f"{'-' if w == 'langchain-chain' else '<= 1.3x'} |"
            )
    if "reader" in result:
        r = result["reader"]
        for which in ("invoke", "ainvoke", "h1-socket"):
            lines.append(
                f"| {r['size'] / 1e6:g} MB in 64-byte chunks, `{which}` | "
                f"{r['median'][which]:.2f} s | raw aiohttp {r['median']['aiohttp']:.2f} s | "
                f"{r['ratio'][which]:.2f}x | {'<= 2x' if which == 'invoke' else '-'} |"
            )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", default=",".join(ROWS), help="comma-separated subset")
    parser.add_argument("--rounds", type=int, default=5, help="processes per client")
    parser.add_argument("--quick", action="store_true", help="tiny counts (smoke test)")
    parser.add_argument("--out", type=Path, default=HERE / "results_floor.json")
    args = parser.parse_args()
    rows = args.rows.split(",")
    rounds = 1 if args.quick else args.rounds
    started = time.perf_counter()
    result: dict[str, Any] = {}
    loads = [os.getloadavg()[0]]
    if "abatch" in rows:
        result["abatch"] = abatch(rounds, 40 if args.quick else 2000, args.quick)
        loads.append(os.getloadavg()[0])
    if "import" in rows:
        # (--quick: no warm-up processes; the numbers are not its point)
        result["import"] = imports(1 if args.quick else max(15, 3 * rounds), not args.quick)
        loads.append(os.getloadavg()[0])
    if "traced" in rows:
        result["traced"] = traced(rounds, 5 if args.quick else 300, 1 if args.quick else 10)
        loads.append(os.getloadavg()[0])
    if "reader" in rows:
        result["reader"] = reader(max(1, rounds // 2) if not args.quick else 1,
                                  int(2e4) if args.quick else int(8e6), args.quick)  # fmt: skip
        loads.append(os.getloadavg()[0])
    shown = table(result)
    print(shown)
    report = {
        "command": "python bench/bench_floor.py " + " ".join(sys.argv[1:]),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "seconds": round(time.perf_counter() - started, 1),
        "python": platform.python_version(),
        "load_average": loads,
        "rounds": rounds,
        **result,
        "markdown": shown,
    }
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
