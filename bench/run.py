"""chatplex against its peers, side by side, on one local mock server, in one run.

    python bench/run.py                 # the full run (`make bench`), ~5-8 minutes
    python bench/run.py --quick         # small counts, a smoke test of the harness
    python bench/run.py --no-peers      # chatplex only (no peers venv needed)

One mock server process (`python -m chatplex.testing.mock_server`, 20 ms before each
response head, 200 content deltas per stream) serves every client. Each measurement runs
in a fresh client process (`bench/clients.py`), so getrusage() counts that client's CPU
and nothing of the server's. chatplex runs from bench/.chatplex-venv (`pip install .`,
no dev extras: as a user installs it; `make bench` makes it), or from this interpreter
when that venv is absent (CI's smoke run) or `--chatplex-python` names another;
the peers run from bench/.peers-venv (`bench/requirements-peers.txt`), so they never
become chatplex dependencies. CPU figures are the median of `--repeat` processes, taken
in rounds (every client once per round) so that drift on the machine hits all alike.

Prints markdown tables (the numbers, chatplex's ratio to each peer, the issue's targets)
and writes them with every raw run to `bench/results.json` (or `--out`).
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
from collections.abc import Iterator
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import asdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
CLIENTS_PY = HERE / "clients.py"
PEERS_PYTHON = HERE / ".peers-venv" / "bin" / "python"
#: LiteLLM needs openai < 3, the other peers openai 3.x: it has a venv of its own.
LITELLM_PYTHON = HERE / ".litellm-venv" / "bin" / "python"
# chatplex as a user installs it (`pip install .`, no dev extras), made by `make bench`:
# the project's .venv also holds dev tools, and `import httpx` loads rich/click/pygments
# wherever they are installed (~7 MB of RSS the peers' venv does not pay). Without it
# (CI's --quick smoke run) the chatplex clients run in the interpreter running this file.
CHATPLEX_PYTHON = HERE / ".chatplex-venv" / "bin" / "python"
CHART_PY = HERE / "chart.py"

CHATPLEX = ("chatplex-openai", "chatplex-anthropic")
PEERS = (
    "langchain-openai",
    "langchain-anthropic",
    "openai-sdk",
    "anthropic-sdk",
    "httpx",
    "aiohttp",
)
CLIENTS = CHATPLEX + PEERS
WIRE = {
    "chatplex-openai": "openai",
    "chatplex-anthropic": "anthropic",
    "langchain-openai": "openai",
    "langchain-anthropic": "anthropic",
    "openai-sdk": "openai",
    "anthropic-sdk": "anthropic",
}
RAW = ("httpx", "aiohttp")
#: Sync `batch`: the chat-model clients (the SDKs and raw clients have no batch).
BATCHERS = ("chatplex-openai", "chatplex-anthropic", "langchain-openai", "langchain-anthropic")
#: Peak RSS of a 10,000-request abatch: chatplex, the target's peer, and the floor.
RSS_CLIENTS = ("chatplex-openai", "langchain-openai", "aiohttp")
#: The chart's sweep: abatch CPU/request and peak RSS at each number of requests in flight.
SWEEP_CLIENTS = ("chatplex-openai", "aiohttp", "openai-sdk", "langchain-openai", "litellm")
VERSIONS_OF = {
    "chatplex": ("chatplex", "httpx", "aiohttp"),
    "litellm": ("litellm", "openai", "httpx", "aiohttp"),
    "peers": ("langchain-openai", "langchain-anthropic", "langchain-core", "openai", "anthropic")
    + ("httpx", "aiohttp", "matplotlib"),
}


@dataclass(frozen=True)
class Plan:
    abatch_n: int = 2000
    abatch_concurrency: int = 64
    stream_n: int = 200
    stream_concurrency: int = 16
    chunks: int = 200
    batch_n: int = 500
    batch_concurrency: int = 16
    import_runs: int = 5
    rss_n: int = 10_000
    latency: float = 0.02
    repeat: int = 3
    warmup: int = 64
    #: The sweep: the same abatch size at each level (so RSS differs by what is in flight).
    sweep_n: int = 320
    sweep_levels: tuple[int, ...] = (1, 4, 16, 64, 256)
    #: `import chatplex` against `import asyncio`: fresh processes of each, alternating.
    import_ratio_runs: int = 15
    #: Consecutive measurements on one interpreter share a process (all but `import`, which
    #: times a fresh one): the harness runs, the CPU and RSS figures are the process's.
    batched: bool = False


FULL = Plan()
#: The harness, not the numbers: each client process is mostly its imports, so a few
#: requests per measurement, no server latency, no warm-up, one sweep point, and the
#: measurements of an interpreter in one process still run every scenario, table and the
#: sweep.
QUICK = Plan(
    abatch_n=8,
    stream_n=2,
    chunks=20,
    batch_n=4,
    import_runs=1,
    rss_n=64,
    latency=0.0,
    repeat=1,
    warmup=0,
    sweep_n=8,
    sweep_levels=(16,),  # the sweep's code once
    import_ratio_runs=1,
    batched=True,
)


# --- processes ---------------------------------------------------------------------------


@contextmanager
def mock_server(python: str, plan: Plan) -> Iterator[str]:
    """Start the mock server in its own process; yield its URL; stop it."""
    cmd = [python, "-m", "chatplex.testing.mock_server", "--port", "0"]
    cmd += ["--latency", str(plan.latency), "--chunks", str(plan.chunks)]
    proc = subprocess.Popen(
        cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline().strip()
        if not line.startswith("listening on "):
            raise RuntimeError(
                f"mock server did not start: {line!r} {proc.stderr.read() if proc.stderr else ''}"
            )
        yield line.removeprefix("listening on ")
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def run_clients(
    python: str, measurements: Sequence[Sequence[str]], timeout: float = 600
) -> list[dict[str, Any]]:
    """Each measurement's result, all run one after another in one client process."""
    env = {**os.environ, "PYTHONHASHSEED": "0", "LANGSMITH_TRACING": "false"}
    if python == str(CHATPLEX_PYTHON):
        # This checkout's code (its installed copy may be older); the venv's dependencies.
        env["PYTHONPATH"] = str(ROOT)
    args: list[str] = []
    for one in measurements:  # clients.py's separator: `JOB + JOB + ...`
        args += ["+", *one] if args else [*one]
    done = subprocess.run(
        [python, str(CLIENTS_PY), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )
    if done.returncode != 0:
        tail = "\n".join(done.stderr.strip().splitlines()[-5:])
        return [{"error": f"exit {done.returncode}: {tail}"}] * len(measurements)
    lines = done.stdout.strip().splitlines()[-len(measurements) :]
    return [json.loads(line) for line in lines]


def versions(python: str, names: Sequence[str]) -> dict[str, str]:
    code = (
        "import importlib.metadata as m, json, sys\n"
        "out = {}\n"
        "for n in sys.argv[1:]:\n"
        "    try: out[n] = m.version(n)\n"
        "    except m.PackageNotFoundError: pass\n"
        "print(json.dumps(out))"
    )
    done = subprocess.run([python, "-c", code, *names], capture_output=True, text=True)
    return json.loads(done.stdout) if done.returncode == 0 else {}


def machine() -> dict[str, Any]:
    cpu = platform.processor() or "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        mem_kb = int(Path("/proc/meminfo").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        mem_kb = 0
    return {
        "platform": platform.platform(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
    }


# --- the run -----------------------------------------------------------------------------


@dataclass
class Job:
    key: str  # where the result goes: "<scenario>/<client>[/<wire>]"
    python: str
    args: list[str]
    heading: str = ""  # printed before the job runs: the part of the run it starts


def jobs(plan: Plan, url: str, clients: Sequence[str], pythons: dict[str, str]) -> list[Job]:
    """One round: every (scenario, client) once."""
    out: list[Job] = []

    def add(scenario: str, client: str, n: int, concurrency: int, wire: str | None = None) -> None:
        key = f"{scenario}/{client}" + (f"/{wire}" if wire else "")
        args = [client, scenario, "--url", url, "--n", str(n), "--concurrency", str(concurrency)]
        if scenario != "rss":
            args += ["--warmup", str(plan.warmup)]
        if wire:
            args += ["--wire", wire]
        out.append(Job(key, pythons[client], args))

    for client in clients:
        add("abatch", client, plan.abatch_n, plan.abatch_concurrency)
    for client in clients:
        for wire in ("openai", "anthropic") if client in RAW else (None,):
            add("stream", client, plan.stream_n, plan.stream_concurrency, wire)
    for client in clients:
        if client in BATCHERS:
            add("batch", client, plan.batch_n, plan.batch_concurrency)
    return out


def measure_jobs(
    plan: Plan, clients: Sequence[str], pythons: dict[str, str], url: str
) -> list[Job]:
    """The rounds of `jobs`, then the import times and the peak RSS."""
    out: list[Job] = []
    for round_no in range(plan.repeat):
        round_jobs = jobs(plan, url, clients, pythons)
        if round_jobs:
            round_jobs[0].heading = f"round {round_no + 1}/{plan.repeat}"
        out += round_jobs
    seen_modules: set[str] = set()
    for client in clients:
        module = "chatplex" if client in CHATPLEX else client
        if module in seen_modules:
            continue
        seen_modules.add(module)
        for _ in range(plan.import_runs):
            out.append(Job(f"import/{module}", pythons[client], [client, "import"]))
    imports = next((job for job in out if job.key.startswith("import/")), None)
    if imports:
        imports.heading = "import times"
    rss_heading = f"peak RSS of an abatch of {plan.rss_n}"
    for client in clients:
        if client in RSS_CLIENTS:
            args = [client, "rss", "--url", url, "--n", str(plan.rss_n)]
            args += ["--concurrency", str(plan.abatch_concurrency)]
            out.append(Job(f"rss/{client}", pythons[client], args, rss_heading))
            rss_heading = ""
    return out


def sweep_jobs(plan: Plan, clients: Sequence[str], pythons: dict[str, str], url: str) -> list[Job]:
    """abatch of `sweep_n` at each level of concurrency, every client once per level (one
    process per point: the chart shows a trend, the tables above have the medians)."""
    out: list[Job] = []
    heading = f"sweep: abatch of {plan.sweep_n} at {plan.sweep_levels}"
    for level in plan.sweep_levels:
        for client in clients:
            args = [client, "abatch", "--url", url, "--n", str(plan.sweep_n)]
            args += ["--concurrency", str(level), "--warmup", str(min(level, plan.warmup))]
            out.append(Job(f"sweep/{client}/{level}", pythons[client], args, heading))
            heading = ""
    return out


def run_jobs(plan: Plan, found: Sequence[Job]) -> dict[str, list[dict[str, Any]]]:
    """Every job's result under its key, in order: each in a fresh process, or with
    `plan.batched` consecutive jobs of one interpreter in one (an import always alone)."""
    groups: list[list[Job]] = []
    for job in found:
        alone = not plan.batched or job.args[1] == "import"
        last = groups[-1][-1] if groups else None
        if last and not alone and last.python == job.python and last.args[1] != "import":
            groups[-1].append(job)
        else:
            groups.append([job])
    runs: dict[str, list[dict[str, Any]]] = {}
    for group in groups:
        for job in group:
            if job.heading:
                print(job.heading, file=sys.stderr, flush=True)
        start = time.perf_counter()
        results = run_clients(group[0].python, [job.args for job in group])
        for job, result in zip(group, results, strict=True):
            runs.setdefault(job.key, []).append(result)
            if "error" in result:
                shown = result["error"]
            elif "import_s" in result:
                shown = f"import {result['import_s'] * 1000:.0f} ms"
            else:
                cpu, wall, rss = result["cpu_s"], result["wall_s"], result["maxrss_mb"]
                shown = f"cpu {cpu:.2f}s wall {wall:.2f}s rss {rss:.0f} MB"
            print(
                f"  {job.key:<32} {shown}  ({time.perf_counter() - start:.1f}s)",
                file=sys.stderr,
                flush=True,
            )
    return runs


IMPORT_TIMER = "import time; t = time.perf_counter(); {code}; print(time.perf_counter() - t)"

#: What each fresh process times. `import chatplex` loads almost nothing (every name
#: resolves on first use), so the figure a user feels is the first model: the import
#: and construction of chatplex's own (the chat model, the Runnable core, messages,
#: adapter). LangChain's class names live in the drop-in family, an extra's import.
IMPORT_CASES = {
    "chatplex": "import chatplex",
    "asyncio": "import asyncio",
    "first_model": ("import chatplex; chatplex.init_chat_model('openai:gpt-4o-mini', api_key='k')"),
}


def measure_import_ratio(python: str, runs: int, warm_up: bool = True) -> dict[str, float]:
    """Median `import chatplex` and `import asyncio` (and a first `init_chat_model`) in
    fresh processes of the same interpreter, alternating (this host's speed drifts within
    minutes), after one untimed run of each (`warm_up`) so the bytecode caches exist. The
    ratio is what compares across hosts."""
    # Bytecode caches on: the untimed first import writes them where they are missing.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONHASHSEED"] = "0"

    def once(case: str) -> float:
        done = subprocess.run(
            [python, "-c", IMPORT_TIMER.format(code=IMPORT_CASES[case])],
            cwd=ROOT,  # `-c` puts the cwd first on the path: this checkout's chatplex
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        return float(done.stdout.strip().splitlines()[-1])

    for case in IMPORT_CASES if warm_up else ():
        once(case)
    times: dict[str, list[float]] = {case: [] for case in IMPORT_CASES}
    for _ in range(runs):
        for case in times:
            times[case].append(once(case))
    chatplex_ms = statistics.median(times["chatplex"]) * 1000
    asyncio_ms = statistics.median(times["asyncio"]) * 1000
    first_model_ms = statistics.median(times["first_model"]) * 1000
    print(
        f"  import chatplex {chatplex_ms:.0f} ms, asyncio {asyncio_ms:.0f} ms, "
        f"first model {first_model_ms:.0f} ms (median of {runs} each)",
        file=sys.stderr,
        flush=True,
    )
    return {
        "chatplex_ms": chatplex_ms,
        "asyncio_ms": asyncio_ms,
        "ratio": chatplex_ms / asyncio_ms,
        "first_model_ms": first_model_ms,
        "first_model_ratio": first_model_ms / asyncio_ms,
        "runs": runs,
    }


def draw_chart(python: str, results: Path, png: Path) -> bool:
    """bench/chart.py in the peers venv (matplotlib lives there only)."""
    done = subprocess.run(
        [python, str(CHART_PY), str(results), str(png)], capture_output=True, text=True
    )
    if done.returncode != 0:
        print(f"chart not drawn: {done.stderr.strip()[-500:]}", file=sys.stderr)
        return False
    print(f"wrote {png}", file=sys.stderr)
    return True


# --- summarising -------------------------------------------------------------------------


def summarise(plan: Plan, runs: dict[str, list[dict[str, Any]]]) -> dict[str, dict[str, float]]:
    """Per measurement key, the medians the tables use."""
    out: dict[str, dict[str, float]] = {}
    for key, results in runs.items():
        ok = [r for r in results if "error" not in r]
        if not ok:
            continue
        scenario = key.split("/", 1)[0]
        if scenario == "import":
            out[key] = {"import_ms": statistics.median(r["import_s"] for r in ok) * 1000}
        elif scenario == "rss":
            out[key] = {"peak_rss_mb": max(r["maxrss_mb"] for r in ok)}
        elif scenario == "sweep":
            n = ok[0]["n"]
            out[key] = {
                "cpu_us_per_request": statistics.median(r["cpu_s"] for r in ok) / n * 1e6,
                "requests_per_s": statistics.median(n / r["wall_s"] for r in ok),
                "peak_rss_mb": max(r["maxrss_mb"] for r in ok),
            }
        elif scenario == "stream":
            chunks = plan.stream_n * plan.chunks  # the same work for everyone
            out[key] = {
                "cpu_us_per_chunk": statistics.median(r["cpu_s"] for r in ok) / chunks * 1e6
            }
        else:
            n = ok[0]["n"]
            out[key] = {
                "cpu_us_per_request": statistics.median(r["cpu_s"] for r in ok) / n * 1e6,
                "requests_per_s": statistics.median(n / r["wall_s"] for r in ok),
            }
    return out


def stream_key(client: str, wire: str) -> str:
    return f"stream/{client}/{wire}" if client in RAW else f"stream/{client}"


def value(summary: dict[str, dict[str, float]], key: str, metric: str) -> float | None:
    return summary.get(key, {}).get(metric)


@dataclass
class Target:
    name: str
    chatplex: float | None
    bound: float | None
    unit: str
    rule: str  # "<=" or ">="

    @property
    def met(self) -> bool | None:
        if self.chatplex is None or self.bound is None:
            return None
        return self.chatplex <= self.bound if self.rule == "<=" else self.chatplex >= self.bound


def targets(summary: dict[str, dict[str, float]]) -> list[Target]:
    v = lambda key, metric: value(summary, key, metric)  # noqa: E731
    scale = lambda x, k: None if x is None else x * k  # noqa: E731
    out: list[Target] = []
    lc_req = v("abatch/langchain-openai", "cpu_us_per_request")
    aio_req = v("abatch/aiohttp", "cpu_us_per_request")
    lc_chunk = v("stream/langchain-openai", "cpu_us_per_chunk")
    for client in CHATPLEX:
        req = v(f"abatch/{client}", "cpu_us_per_request")
        out.append(
            Target(
                f"abatch CPU/request, {client} <= 1/6 langchain-openai",
                req,
                scale(lc_req, 1 / 6),
                "us",
                "<=",
            )
        )
        out.append(
            Target(
                f"abatch CPU/request, {client} <= 3x raw aiohttp",
                req,
                scale(aio_req, 3),
                "us",
                "<=",
            )
        )
        out.append(
            Target(
                f"abatch CPU/request, {client} <= 1.5x raw aiohttp (the aim)",
                req,
                scale(aio_req, 1.5),
                "us",
                "<=",
            )
        )
    for client in CHATPLEX:
        wire = WIRE[client]
        chunk = v(f"stream/{client}", "cpu_us_per_chunk")
        raw = v(stream_key("httpx", wire), "cpu_us_per_chunk")
        out.append(
            Target(
                f"stream CPU/chunk, {client} <= 1/5 langchain-openai",
                chunk,
                scale(lc_chunk, 1 / 5),
                "us",
                "<=",
            )
        )
        out.append(
            Target(
                f"stream CPU/chunk, {client} <= 1.5x raw httpx lines+json ({wire})",
                chunk,
                scale(raw, 1.5),
                "us",
                "<=",
            )
        )
        floor = v(stream_key("aiohttp", wire), "cpu_us_per_chunk")
        out.append(
            Target(
                f"stream CPU/chunk, {client} <= 1.0x raw aiohttp lines+json ({wire}) (the aim)",
                chunk,
                floor,
                "us",
                "<=",
            )
        )
    for client in CHATPLEX:
        sync = v(f"batch/{client}", "cpu_us_per_request")
        own = v(f"abatch/{client}", "cpu_us_per_request")
        out.append(
            Target(
                f"sync batch CPU/request, {client} <= 1.5x its abatch",
                sync,
                scale(own, 1.5),
                "us",
                "<=",
            )
        )
    out.append(
        Target("import chatplex <= 150 ms", v("import/chatplex", "import_ms"), 150.0, "ms", "<=")
    )
    out.append(
        Target(
            "import chatplex <= 1.3x import asyncio (fresh processes, median)",
            v("import_ratio/chatplex", "ratio"),
            1.3,
            "x",
            "<=",
        )
    )
    out.append(
        Target(
            "peak RSS, 10k abatch, chatplex <= 1/2 langchain-openai",
            v("rss/chatplex-openai", "peak_rss_mb"),
            scale(v("rss/langchain-openai", "peak_rss_mb"), 0.5),
            "MB",
            "<=",
        )
    )
    out.append(
        Target(
            "peak RSS, 10k abatch, chatplex <= 0.45x langchain-openai (the aim)",
            v("rss/chatplex-openai", "peak_rss_mb"),
            scale(v("rss/langchain-openai", "peak_rss_mb"), 0.45),
            "MB",
            "<=",
        )
    )
    out.append(
        Target(
            "abatch requests/s, chatplex >= 3x langchain-openai",
            v("abatch/chatplex-openai", "requests_per_s"),
            scale(v("abatch/langchain-openai", "requests_per_s"), 3),
            "req/s",
            ">=",
        )
    )
    return out


def fmt(x: float | None, digits: int = 0) -> str:
    return "–" if x is None else f"{x:,.{digits}f}"


def ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b == 0:
        return "–"
    r = a / b
    return f"{r:.2f}×" if r < 10 else f"{r:.1f}×"


def markdown(
    plan: Plan, clients: Sequence[str], summary: dict[str, dict[str, float]], found: list[Target]
) -> str:
    v = lambda key, metric: value(summary, key, metric)  # noqa: E731
    lines = [
        f"Non-stream: abatch of {plan.abatch_n} at {plan.abatch_concurrency} in flight, "
        f"{plan.latency * 1000:g} ms server latency. Streams: {plan.stream_n} x {plan.chunks} "
        f"chunks, {plan.stream_concurrency} at a time. Sync batch: {plan.batch_n} at "
        f"{plan.batch_concurrency}. CPU = client process user+sys (median of {plan.repeat}). "
        f"Import: median of {plan.import_runs} fresh processes. RSS: abatch of {plan.rss_n}.",
        "",
        "| client | abatch CPU µs/req | abatch req/s "
        "| stream CPU µs/chunk (openai / anthropic wire) "
        "| sync batch CPU µs/req | import ms | peak RSS MB |",
        "|---|--:|--:|--:|--:|--:|--:|",
    ]
    for client in clients:
        if client in RAW:
            stream = " / ".join(
                fmt(v(stream_key(client, w), "cpu_us_per_chunk"), 1)
                for w in ("openai", "anthropic")
            )
        else:
            stream = fmt(v(f"stream/{client}", "cpu_us_per_chunk"), 1)
        module = "chatplex" if client in CHATPLEX else client
        lines.append(
            f"| {client} | {fmt(v(f'abatch/{client}', 'cpu_us_per_request'))} "
            f"| {fmt(v(f'abatch/{client}', 'requests_per_s'))} | {stream} "
            f"| {fmt(v(f'batch/{client}', 'cpu_us_per_request'))} "
            f"| {fmt(v(f'import/{module}', 'import_ms'))} "
            f"| {fmt(v(f'rss/{client}', 'peak_rss_mb'))} |"
        )
    peers = [c for c in clients if c in PEERS]
    if peers:
        lines += [
            "",
            "chatplex's ratio to each peer (chatplex ÷ peer: below 1× is better, except req/s).",
            "",
            "| metric | " + " | ".join(peers) + " |",
            "|---|" + "--:|" * len(peers),
        ]
        for client in (c for c in clients if c in CHATPLEX):
            wire = WIRE[client]
            rows = [
                (
                    "abatch CPU/req",
                    f"abatch/{client}",
                    "cpu_us_per_request",
                    lambda p: f"abatch/{p}",
                ),
                ("abatch req/s", f"abatch/{client}", "requests_per_s", lambda p: f"abatch/{p}"),
                (
                    "stream CPU/chunk",
                    f"stream/{client}",
                    "cpu_us_per_chunk",
                    lambda p, w=wire: stream_key(p, w),
                ),
                (
                    "sync batch CPU/req",
                    f"batch/{client}",
                    "cpu_us_per_request",
                    lambda p: f"batch/{p}",
                ),
            ]
            for label, own, metric, peer_key in rows:
                cells = [ratio(v(own, metric), v(peer_key(p), metric)) for p in peers]
                lines.append(f"| {label} ({client}) | " + " | ".join(cells) + " |")
        module_cells = [
            ratio(v("import/chatplex", "import_ms"), v(f"import/{p}", "import_ms")) for p in peers
        ]
        lines.append("| import time | " + " | ".join(module_cells) + " |")
        rss_cells = [
            ratio(v("rss/chatplex-openai", "peak_rss_mb"), v(f"rss/{p}", "peak_rss_mb"))
            for p in peers
        ]
        lines.append("| peak RSS (chatplex-openai) | " + " | ".join(rss_cells) + " |")
    ratio_of_imports = summary.get("import_ratio/chatplex")
    if ratio_of_imports:
        lines += [
            "",
            f"`import chatplex` {ratio_of_imports['chatplex_ms']:.0f} ms against `import "
            f"asyncio` {ratio_of_imports['asyncio_ms']:.0f} ms in fresh processes (median of "
            f"{ratio_of_imports['runs']:.0f} each, alternating): "
            f"{ratio_of_imports['ratio']:.2f}×. A first model (`chatplex.init_chat_model("
            f"'openai:gpt-4o-mini', ...)`): {ratio_of_imports['first_model_ms']:.0f} ms, "
            f"{ratio_of_imports['first_model_ratio']:.2f}× `import asyncio`.",
        ]
    lines += sweep_markdown(plan, summary)
    lines += ["", "| target | chatplex | bound | met |", "|---|--:|--:|:-:|"]
    for t in found:
        met = {True: "yes", False: "**no**", None: "–"}[t.met]
        lines.append(
            f"| {t.name} | {fmt(t.chatplex, 1)} {t.unit} "
            f"| {t.rule} {fmt(t.bound, 1)} {t.unit} | {met} |"
        )
    return "\n".join(lines)


def sweep_markdown(plan: Plan, summary: dict[str, dict[str, float]]) -> list[str]:
    clients = [c for c in SWEEP_CLIENTS if any(k.startswith(f"sweep/{c}/") for k in summary)]
    if not clients:
        return []
    levels = plan.sweep_levels
    lines = [
        "",
        f"Sweep (the chart): abatch of {plan.sweep_n} at each number of requests in flight, "
        "one process per point. CPU µs/request · peak RSS MB.",
        "",
        "| client | " + " | ".join(f"{level} in flight" for level in levels) + " |",
        "|---|" + "--:|" * len(levels),
    ]
    for client in clients:
        cells = []
        for level in levels:
            point = summary.get(f"sweep/{client}/{level}", {})
            cells.append(
                f"{fmt(point.get('cpu_us_per_request'))} · {fmt(point.get('peak_rss_mb'))}"
            )
        lines.append(f"| {client} | " + " | ".join(cells) + " |")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small counts: a smoke test")
    parser.add_argument("--no-peers", action="store_true", help="measure chatplex only")
    parser.add_argument("--clients", default=",".join(CLIENTS), help="comma-separated subset")
    parser.add_argument(
        "--chatplex-python",
        default=None,
        help=f"interpreter of the chatplex clients (default: {CHATPLEX_PYTHON} when present, "
        "else this one)",
    )
    parser.add_argument("--peers-python", default=str(PEERS_PYTHON))
    parser.add_argument("--litellm-python", default=str(LITELLM_PYTHON))
    parser.add_argument("--no-sweep", action="store_true", help="skip the chart's sweep")
    parser.add_argument("--repeat", type=int, default=None, help="processes per CPU figure")
    parser.add_argument("--out", default=str(HERE / "results.json"))
    args = parser.parse_args(argv)

    plan = QUICK if args.quick else FULL
    if args.repeat:
        plan = Plan(**{**asdict(plan), "repeat": args.repeat})
    clients = [c for c in args.clients.split(",") if c]
    unknown = set(clients) - set(CLIENTS)
    if unknown:
        parser.error(f"unknown client(s): {', '.join(sorted(unknown))}")
    if args.no_peers:
        clients = [c for c in clients if c in CHATPLEX]
    elif any(c in PEERS for c in clients) and not Path(args.peers_python).exists():
        parser.error(
            f"no peers interpreter at {args.peers_python}: run `make bench` or pass --no-peers"
        )
    chatplex_python = args.chatplex_python or (
        str(CHATPLEX_PYTHON) if CHATPLEX_PYTHON.exists() else sys.executable
    )
    pythons = {c: chatplex_python if c in CHATPLEX else args.peers_python for c in clients}
    sweepers = [] if args.no_sweep else [c for c in SWEEP_CLIENTS if c in pythons]
    if not args.no_sweep and not args.no_peers:
        if Path(args.litellm_python).exists():
            pythons["litellm"] = args.litellm_python
            sweepers.append("litellm")
        else:
            print(f"no LiteLLM at {args.litellm_python}: not in the sweep", file=sys.stderr)

    started = time.perf_counter()
    with mock_server(sys.executable, plan) as url:
        print(f"mock server at {url}", file=sys.stderr, flush=True)
        planned = measure_jobs(plan, clients, pythons, url)
        runs = run_jobs(plan, planned + sweep_jobs(plan, sweepers, pythons, url))
    summary = summarise(plan, runs)
    if any(c in CHATPLEX for c in clients):
        print("import chatplex against import asyncio", file=sys.stderr, flush=True)
        summary["import_ratio/chatplex"] = measure_import_ratio(
            chatplex_python, plan.import_ratio_runs, warm_up=plan.warmup > 0
        )
    found = targets(summary)
    table = markdown(plan, clients, summary, found)
    print(table)

    report: dict[str, Any] = {
        "command": "python bench/run.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "seconds": round(time.perf_counter() - started, 1),
        "machine": machine(),
        "chatplex_python": chatplex_python,
        "versions": {"chatplex venv": versions(chatplex_python, VERSIONS_OF["chatplex"])},
        "plan": asdict(plan),
        "summary": summary,
        "targets": [{**asdict(t), "met": t.met} for t in found],
        "runs": runs,
        "markdown": table,
    }
    if any(c in PEERS for c in clients):
        report["versions"]["peers venv"] = versions(args.peers_python, VERSIONS_OF["peers"])
    if "litellm" in sweepers:
        report["versions"]["litellm venv"] = versions(args.litellm_python, VERSIONS_OF["litellm"])
    out = Path(args.out)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(json.dumps(report, indent=2) + "\n")
    tmp.replace(out)
    print(f"\nwrote {out} in {report['seconds']} s", file=sys.stderr)
    if sweepers and Path(args.peers_python).exists():
        draw_chart(args.peers_python, out, out.with_suffix(".png"))
    failed = [key for key, results in runs.items() if any("error" in r for r in results)]
    if failed:
        print(f"failed measurements: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
