"""Tracing's cost: CPU per request with tracing off, LangSmith on, OpenTelemetry on; and a
`chatplex run` of 1,000 rows with LangSmith tracing on vs off.

    python bench/bench_tracing.py            # ~1-2 minutes
    python bench/bench_tracing.py --quick    # tiny counts (the smoke test)

The mock server (`chatplex.testing.MockServer`) and the fake LangSmith endpoint
(`tests/tracing/fake_langsmith.py`, which decodes every multipart post) each run in
their own process, so their CPU is not counted. Every measurement is a fresh client
process whose CPU is read with getrusage (user + system, the LangSmith sender thread
included), so the "off" process never imports langsmith or opentelemetry (nor does the
LangSmith one, whose sender is chatplex's own):

1. CPU per request for `model.invoke`, `prompt | model | parser` and a `model.stream` of
   STREAM_CHUNKS content deltas, sequential:
   off; LangSmith on (`LANGSMITH_TRACING=true`, runs posted to the fake endpoint; the
   same chain in LangChain, langchain-openai under LangChain's own tracer, as reference);
   OpenTelemetry on (`chatplex.otel.instrument()` over the SDK's TracerProvider with a
   BatchSpanProcessor into an in-memory exporter, and an in-memory metric reader).
   Median of `--repeat` processes per mode, modes alternating. Each also on the calls'
   own thread alone (`time.thread_time`): the rest is the tracers' threads (chatplex's
   LangSmith sender, OTel's span processor), so where tracing's cost falls is read off.
2. The hook's cost when off: the one check `ensure_config` makes (`tracers.ACTIVE`),
   timed alone, as a share of a request's CPU.
3. `chatplex run` over `--rows` rows (64 in flight, 20 ms server latency) with LangSmith
   tracing off, off with the `langsmith` client imported (what importing it costs, once
   per process: LangChain users pay it with `import langchain_core`), and on: wall time
   and CPU of the process, median of `--repeat`, alternating; the fake endpoint's count
   of runs received checks every row was traced.

`--before DIR` adds the same measurements of another copy of chatplex (e.g. `git archive`
of an earlier commit unpacked in DIR) as mode "before",
alternating with the others, so old and new code are compared side by side on the same
loaded machine; in the `chatplex run` part it replaces "off, langsmith imported".

Prints markdown tables and writes JSON (`--out`, default bench/results_tracing.json).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import timeit
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
LATENCY = 0.02
WINDOW = 64
MODES = ("off", "langsmith", "otel")
#: chatplex's model, chatplex's chain, and the same chain in LangChain (LangSmith only).
WORKLOADS = ("invoke", "chain", "stream", "langchain-chain")
#: Content deltas per request of the "stream" workload (its CPU per chunk: / this).
STREAM_CHUNKS = 100
#: Untimed calls before each CPU sample (pools, imports, first-call caches).
WARMUP = 10
#: `--quick`'s modes of the workloads other than "invoke" (which runs every mode): each
#: mode and each workload once, every line of CLIENT run (the tracers' waits in
#: "langsmith"), a mode's workloads in one process: 3 processes, not 11 (a process is
#: mostly imports, LangChain's ~1.5 s).
QUICK_MODES: dict[str, tuple[str, ...]] = {
    "chain": ("off",),
    "stream": ("off",),
    "langchain-chain": ("langsmith",),
}


# -- servers, each in its own process ----------------------------------------------------


def _serve_mock(conn: Connection, latency: float) -> None:
    from chatplex.testing import MockServer

    with MockServer(latency=latency) as server:
        conn.send(server.url)
        conn.recv()


def _serve_langsmith(conn: Connection) -> None:
    sys.path.insert(0, str(ROOT))
    from tests.tracing.fake_langsmith import FakeLangSmith

    with FakeLangSmith(keep_alive=True) as fake:  # as LangSmith: one connection, reused
        conn.send(fake.url)
        while True:
            command = conn.recv()
            if command == "count":
                conn.send(len(fake.runs))
            elif command == "clear":
                fake.clear()
                conn.send(True)
            else:
                return


class Process:
    def __init__(self, target: Any, *args: Any) -> None:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(target=target, args=(child, *args), daemon=True)
        self._process.start()
        self.url: str = self._conn.recv()

    def ask(self, command: str) -> Any:
        self._conn.send(command)
        return self._conn.recv()

    def close(self) -> None:
        self._conn.send("stop")
        self._process.join(10)


# -- the measured clients ------------------------------------------------------------------


CLIENT = r"""
import gc, json, os, resource, sys, time
mode, workloads, n, base_url = sys.argv[1], sys.argv[2].split(","), int(sys.argv[3]), sys.argv[4]
warmup, quick = int(sys.argv[5]), sys.argv[6] == "quick"
if quick:  # its setup kept from the collector (bench/quick_setup.py says why)
    gc.disable()
if mode == "otel":
    from opentelemetry.sdk.metrics import MeterProvider
    from opentelemetry.sdk.metrics.export import InMemoryMetricReader
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
    provider = TracerProvider()
    exporter = InMemorySpanExporter()
    provider.add_span_processor(BatchSpanProcessor(exporter))
    meters = MeterProvider(metric_readers=[InMemoryMetricReader()])
import chatplex
if mode == "otel":
    import chatplex.otel
    chatplex.otel.instrument(provider, meters)
model = chatplex.init_chat_model("openai:gpt-4o-mini", base_url=base_url, api_key="sk-bench")
for workload in workloads:  # one JSON line each (several: --quick's processes only)
    if quick:
        gc.disable()
    if workload == "chain":
        prompt = chatplex.ChatPromptTemplate.from_messages([("system", "brief"), ("human", "{q}")])
        runnable = prompt | model | chatplex.StrOutputParser()
        arg = {"q": "hello"}
    elif workload == "langchain-chain":  # the reference: LangChain's chain and its own tracer
        from langchain_core.output_parsers import StrOutputParser
        from langchain_core.prompts import ChatPromptTemplate
        from langchain_openai import ChatOpenAI
        lc_model = ChatOpenAI(model="gpt-4o-mini", base_url=base_url, api_key="sk-bench")
        prompt = ChatPromptTemplate.from_messages([("system", "brief"), ("human", "{q}")])
        runnable = prompt | lc_model | StrOutputParser()
        arg = {"q": "hello"}
    elif workload == "dropin-chain":  # the drop-in family: chatplex's model in LangChain's chain
        from chatplex.langchain import ChatOpenAI as DropIn
        from langchain_core.output_parsers import StrOutputParser
        from langchain_core.prompts import ChatPromptTemplate
        dropin = DropIn(model="gpt-4o-mini", base_url=base_url, api_key="sk-bench")
        prompt = ChatPromptTemplate.from_messages([("system", "brief"), ("human", "{q}")])
        runnable = prompt | dropin | StrOutputParser()
        arg = {"q": "hello"}
    else:
        runnable, arg = model, "hello"
    if workload == "stream":  # a stream of STREAM_CHUNKS content deltas per request
        runnable = chatplex.init_chat_model("openai:gpt-4o-mini", base_url=base_url,
                                            api_key="sk-bench",
                                            default_headers={"x-mock-chunks": "%(chunks)d"})
        call = lambda: sum(1 for _ in runnable.stream(arg))
    else:
        call = lambda: runnable.invoke(arg)
    def sent():  # what was traced so far, sent (or exported)
        if mode == "langsmith":
            from chatplex.tracing.langsmith import wait_for_all_tracers
            wait_for_all_tracers()
            if workload in ("langchain-chain", "dropin-chain"):
                from langchain_core.tracers.langchain import wait_for_all_tracers as lc_wait
                lc_wait()
        if mode == "otel":
            provider.force_flush()
    for _ in range(warmup):  # warm up: pools, imports, first-call caches
        call()
    # The warm-up's runs sent too: a tracer's first batch does its one-time work then
    # (its HTTP client, `platform.platform()`'s `uname -p`), outside the per-request cost.
    sent()
    if quick:  # what the setup made frozen; the measured calls under a live collector
        gc.freeze()
        gc.enable()
    start = resource.getrusage(resource.RUSAGE_SELF)
    caller = time.thread_time()
    for _ in range(n):
        call()
    caller = time.thread_time() - caller  # the calls' own thread (not the tracers' senders)
    sent()  # the sending is part of the cost
    end = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (end.ru_utime - start.ru_utime) + (end.ru_stime - start.ru_stime)
    loaded = sorted({m.split(".")[0] for m in sys.modules} & {"langsmith", "opentelemetry"})
    print(json.dumps({"workload": workload, "cpu_us": cpu / n * 1e6,
                      "caller_us": caller / n * 1e6, "loaded": loaded}))
"""


#: Where mode "before" imports chatplex from (`--before`).
BEFORE: Path | None = None


def _env(mode: str, langsmith_url: str | None) -> dict[str, str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("CHATPLEX_", "LANGSMITH_", "LANGCHAIN_", "OTEL_"))
    }
    env["PYTHONPATH"] = str(BEFORE if mode == "before" else ROOT)
    env["OPENAI_API_KEY"] = "sk-mock-bench"
    if mode in ("langsmith", "before"):
        assert langsmith_url is not None
        env.update(
            LANGSMITH_TRACING="true",
            LANGSMITH_ENDPOINT=langsmith_url,
            LANGSMITH_API_KEY="lsv2-fake-bench-key",
            LANGSMITH_PROJECT="bench",
        )
    return env


def cpu_per_request(
    mode: str,
    workloads: list[str],
    n: int,
    mock: str,
    ls_url: str,
    warmup: int = WARMUP,
    quick: bool = False,
) -> list[dict[str, Any]]:
    """Per workload, in one fresh process, one after another: CPU per request and the
    tracing libraries loaded by then (`quick`: its setup kept from the collector)."""
    client_mode = "langsmith" if mode == "before" else mode
    out = subprocess.run(
        [
            sys.executable,
            "-c",
            CLIENT % {"chunks": STREAM_CHUNKS},
            client_mode,
            ",".join(workloads),
            str(n),
            mock + "/v1",
            str(warmup),
            "quick" if quick else "-",
        ],  # fmt: skip
        env=_env(mode, ls_url),
        capture_output=True,
        text=True,
        check=True,
        cwd=tempfile.gettempdir(),  # `-c` puts the cwd first on the path: not ./chatplex
    )
    return [json.loads(line) for line in out.stdout.strip().splitlines()[-len(workloads) :]]


def hook_check_ns(number: int) -> float:
    """Nanoseconds of the check every call makes when no tracer is registered (timed
    `number` times)."""
    from chatplex.core import tracers
    from chatplex.core.run_config import ensure_config

    ensure_config({})  # the first call reads the environment once (the probe), then leaves
    assert tracers.ACTIVE == ()
    empty = timeit.timeit("pass", number=number)
    check = timeit.timeit("if t.ACTIVE: pass", globals={"t": tracers}, number=number)
    return max(0.0, (check - empty) / number * 1e9)


#: `chatplex run` with the langsmith client imported but tracing off: the import's cost
#: apart from the per-row cost of tracing.
PRELOADED = (
    "import runpy, sys, langsmith.client; sys.argv = ['chatplex', *sys.argv[1:]]; "
    "runpy.run_module('chatplex', run_name='__main__', alter_sys=True)"
)


def bulk_run(
    rows: int, source: Path, out: Path, mock: str, mode: str, ls_url: str, window: int
) -> dict[str, float]:
    if out.exists():
        out.unlink()
    cli = ["run", str(source), "--model", "openai:gpt-4o-mini", "--output", str(out),
           "--prompt", "{text}", "--base-url", mock + "/v1", "--concurrency", str(window),
           "-q"]  # fmt: skip
    if mode == "preloaded":  # tracing off, langsmith imported first (as LangChain users have)
        args = [sys.executable, "-c", PRELOADED, *cli]
    else:
        args = [sys.executable, "-m", "chatplex", *cli]
    started = time.perf_counter()
    # Not run from ROOT: "before" must import its own copy, not ./chatplex.
    process = subprocess.Popen(args, env=_env(mode, ls_url), cwd=out.parent)
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"chatplex run failed ({mode})")
    lines = sum(1 for _ in out.open())
    if lines != rows:
        raise SystemExit(f"chatplex run wrote {lines} rows, not {rows} ({mode})")
    return {"wall_s": wall, "cpu_s": usage.ru_utime + usage.ru_stime}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per CPU sample")
    parser.add_argument("--rows", type=int, default=1000, help="rows of the `chatplex run`")
    parser.add_argument("--repeat", type=int, default=5, help="processes per mode (median)")
    parser.add_argument("--quick", action="store_true", help="tiny counts (smoke test)")
    parser.add_argument("--bulk-only", action="store_true", help="only the `chatplex run` part")
    parser.add_argument(
        "--latency", type=float, default=LATENCY, help="server latency of the `chatplex run`"
    )
    parser.add_argument(
        "--concurrency", type=int, default=WINDOW, help="rows in flight in the `chatplex run`"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results_tracing.json")
    parser.add_argument(
        "--before", type=Path, help="another chatplex tree, measured as mode 'before'"
    )
    options = parser.parse_args()
    global BEFORE
    BEFORE = options.before.resolve() if options.before else None
    modes = (*MODES, "before") if BEFORE else MODES
    bulk_modes = ("off", "before", "langsmith") if BEFORE else ("off", "preloaded", "langsmith")
    warmup, hook_checks = WARMUP, 1_000_000
    if options.quick:  # the harness, not the numbers: every process is mostly imports
        options.requests, options.rows, options.repeat = 2, 10, 1
        options.latency = 0.0  # so one server serves both parts
        warmup, hook_checks = 0, 10_000

    # Measured as users run it, with bytecode caches: an installed package has them,
    # and a checkout writes them at its first import, unless PYTHONDONTWRITEBYTECODE is
    # set (as on this project's machines), when every process would compile each
    # module again, the tracer's too (~0.1 s a process here).
    for tree in (ROOT, BEFORE):
        if tree is not None:
            subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "chatplex")],
                           check=True, stdout=subprocess.DEVNULL)  # fmt: skip
    mock = Process(_serve_mock, 0.0)
    slow_mock = Process(_serve_mock, options.latency) if options.latency else mock
    langsmith = Process(_serve_langsmith)
    try:
        samples: dict[str, dict[str, list[float]]] = {}
        #: The part of `samples` spent on the calls' own thread (the rest: other threads,
        #: the LangSmith sender's, OTel's span processor).
        caller_samples: dict[str, dict[str, list[float]]] = {}
        loaded: dict[str, list[str]] = {}
        # LangChain's chain is the LangSmith reference only: chatplex's OTel is not its.
        modes_of: dict[str, tuple[str, ...]] = {
            w: ("off", "langsmith") if w == "langchain-chain" else modes for w in WORKLOADS
        }
        if options.quick:
            modes_of.update(QUICK_MODES)
        # modes alternate: drift hits all alike; --quick: a mode's workloads in one process
        runs = [([w], m) for w in WORKLOADS for m in modes_of[w]]
        if options.quick:
            grouped = [([w for w in WORKLOADS if m in modes_of[w]], m) for m in modes]
            runs = [(workloads, m) for workloads, m in grouped if workloads]
        for _ in range(0 if options.bulk_only else options.repeat):
            for workloads, mode in runs:
                results = cpu_per_request(
                    mode, workloads, options.requests, mock.url, langsmith.url, warmup,
                    options.quick,
                )  # fmt: skip
                for workload, result in zip(workloads, results, strict=True):
                    samples.setdefault(workload, {}).setdefault(mode, []).append(result["cpu_us"])
                    caller_samples.setdefault(workload, {}).setdefault(mode, []).append(
                        result["caller_us"]
                    )
                    if workload != "langchain-chain":  # langchain_core imports langsmith
                        loaded[mode] = result["loaded"]
        received = langsmith.ask("count")
        cpu = {
            w: {m: statistics.median(v) for m, v in modes.items()} for w, modes in samples.items()
        }
        caller_cpu = {
            w: {m: statistics.median(v) for m, v in modes.items()}
            for w, modes in caller_samples.items()
        }
        check_ns = hook_check_ns(hook_checks)
        if options.bulk_only:  # the ratios below divide by these: nothing was measured
            cpu = {"invoke": {"off": float("nan")}}

        bulk: dict[str, list[dict[str, float]]] = {mode: [] for mode in bulk_modes}
        traced_runs = []
        with tempfile.TemporaryDirectory() as tmp:
            source = Path(tmp) / "rows.jsonl"
            with source.open("w") as file:
                for index in range(options.rows):
                    file.write(f'{{"id": "r{index}", "text": "row {index}"}}\n')
            for _ in range(options.repeat):
                for mode in bulk_modes:
                    langsmith.ask("clear")
                    result = bulk_run(
                        options.rows, source, Path(tmp) / f"{mode}.jsonl", slow_mock.url,
                        mode, langsmith.url, options.concurrency,
                    )  # fmt: skip
                    bulk[mode].append(result)
                    if mode in ("langsmith", "before"):
                        arrived = langsmith.ask("count")
                        traced_runs.append(arrived)
                        if arrived != options.rows:
                            raise SystemExit(f"{arrived} runs arrived, not {options.rows} ({mode})")
    finally:
        mock.close()
        if slow_mock is not mock:
            slow_mock.close()
        langsmith.close()

    def median(mode: str, key: str) -> float:
        return statistics.median(r[key] for r in bulk[mode])

    wall_ratio = median("langsmith", "wall_s") / median("off", "wall_s")
    cpu_ratio = median("langsmith", "cpu_s") / median("off", "cpu_s")
    second = "before" if BEFORE else "preloaded"
    per_row_wall = median("langsmith", "wall_s") / median(second, "wall_s")
    per_row_cpu = median("langsmith", "cpu_s") / median(second, "cpu_s")
    request_cpu_ns = cpu["invoke"]["off"] * 1000

    if not options.bulk_only:
        counts = f"median of {options.repeat} processes x {options.requests}"
        print(f"\n## CPU per request (µs, {counts})\n")
        print(
            "| workload | off | LangSmith on | OTel on | LangSmith before "
            "| LangSmith / off | OTel / off | before / off |"
        )
        print("|---|---:|---:|---:|---:|---:|---:|---:|")
        for workload, row in cpu.items():

            def cell(mode: str, row: dict[str, float] = row) -> str:
                return f"{row[mode]:.0f}" if mode in row else "-"

            def ratio(mode: str, row: dict[str, float] = row) -> str:
                return f"{row[mode] / row['off']:.2f}" if mode in row and "off" in row else "-"

            print(
                f"| {workload} | {cell('off')} | {cell('langsmith')} | {cell('otel')} "
                f"| {cell('before')} | {ratio('langsmith')} | {ratio('otel')} "
                f"| {ratio('before')} |"
            )
        print("\nOf which on the calls' own thread (µs; the rest is other threads: the tracers')\n")
        print("| workload | off | LangSmith on | OTel on | LangSmith before |")
        print("|---|---:|---:|---:|---:|")
        for workload, row in caller_cpu.items():
            cells = " | ".join(f"{row[m]:.0f}" if m in row else "-" for m in (*MODES, "before"))
            print(f"| {workload} | {cells} |")
        print(f"\nLibraries loaded per mode: {loaded}")
        print(f"Runs the fake LangSmith endpoint received: {received}")
        print(
            f"\nHook cost when off: {check_ns:.1f} ns per call "
            f"({check_ns / request_cpu_ns * 100:.4f} % of an invoke's CPU)"
        )
    title = f"`chatplex run`, {options.rows} rows, {options.concurrency} in flight"
    print(f"\n## {title}, {options.latency * 1000:.0f} ms latency\n")
    print("| tracing | wall (s) | CPU (s) |")
    print("|---|---:|---:|")
    labels = {
        "off": "off",
        "preloaded": "off, langsmith imported",
        "before": "LangSmith on, before (the --before tree)",
        "langsmith": "LangSmith on",
    }
    for mode, label in labels.items():
        if mode not in bulk:
            continue
        print(f"| {label} | {median(mode, 'wall_s'):.2f} | {median(mode, 'cpu_s'):.2f} |")
    print(f"\non / off: wall {wall_ratio:.3f} (target <= 1.05), CPU {cpu_ratio:.3f}")
    if BEFORE:
        before_wall = median("before", "wall_s") / median("off", "wall_s")
        before_cpu = median("before", "cpu_s") / median("off", "cpu_s")
        print(f"before / off: wall {before_wall:.3f}, CPU {before_cpu:.3f}")
        print(f"on / before: wall {per_row_wall:.3f}, CPU {per_row_cpu:.3f}")
    else:
        print(f"on / off with langsmith imported: wall {per_row_wall:.3f}, CPU {per_row_cpu:.3f}")
    print(f"runs received per traced run: {traced_runs} (rows: {options.rows})")

    result = {
        "settings": {
            "requests": options.requests,
            "rows": options.rows,
            "repeat": options.repeat,
            "window": options.concurrency,
            "latency_s": options.latency,
            "bulk_only": options.bulk_only,
            "before": str(BEFORE) if BEFORE else None,
            "python": platform.python_version(),
            "machine": platform.machine(),
            "cpus": os.cpu_count(),
        },
        "cpu_us_per_request": cpu,
        "samples_us": samples,
        "caller_cpu_us_per_request": caller_cpu,
        "loaded": loaded,
        "hook_check_ns": check_ns,
        "bulk": bulk,
        "bulk_wall_ratio": wall_ratio,
        "bulk_cpu_ratio": cpu_ratio,
        # against "before" when --before was given, else against "preloaded"
        f"bulk_wall_ratio_vs_{second}": per_row_wall,
        f"bulk_cpu_ratio_vs_{second}": per_row_cpu,
        "bulk_traced_runs": traced_runs,
    }
    options.out.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nwritten: {options.out}")
    return 0


if __name__ == "__main__":
    resource.getrlimit(resource.RLIMIT_NOFILE)  # POSIX only (getrusage, wait4)
    sys.exit(main())
