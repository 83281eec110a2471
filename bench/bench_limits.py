"""Shared limits learned with no configuration (issue 40): 4 real processes x 16 callers
against one embedded mock server that enforces a limit it never announces.

    python bench/bench_limits.py            # every case, 60 s windows (~20 min)
    python bench/bench_limits.py --quick    # 15 s windows at the same 10 requests/s (~7 min)
    python bench/bench_limits.py --quick --cases window   # one case
    python bench/bench_limits.py --cases "bucket, R|per-second, R" --merge  # re-measure two

Every process builds its own model (`init_chat_model("openai:gpt-4o-mini")`, the same
key and base URL, 2 retries: the defaults) and runs 16 callers sending distinct prompts
one after the other; a call that still fails after its retries counts as failed. The
server (`MockServer(latency=0.05)`, fresh per case) allows 10 requests/s:

- window: a strict sliding window, 600 in any 60 s (`rate_limit_window`); beyond it a
  bare 429 with ``retry-after: 1``, however long the real wait. Run with chatplex's
  defaults, with LangChain's ChatOpenAI (defaults) for contrast, with
  `RateLimit(600)` in each process (4x the real limit between them) and with one
  machine budget `RateLimit(900, scope="machine")` (1.5x the real limit).
- bucket: a token bucket of 10/s holding one second (429s carry ``retry-after`` and
  ``x-ratelimit-remaining-requests: 0``, as OpenAI's do); chatplex's defaults, and
  `RateLimit(600)` in each process.
- per-second: 10 in any 1 s (a sliding window of 1 s, bare 429s, ``retry-after: 1``);
  chatplex's defaults, and `RateLimit(600)` in each process.
- sporadic: no limit, 10 % 429 + 10 % 503 on first attempts: chatplex's wall time vs
  LangChain's (`bench_pace.sporadic`, the same run).

Measured per case: the share of calls failed (all processes, the whole run); the share of
the limit used after the first window (successes the server counted over the rest of the
run / 10 per second); the share of 429s then; accepted and 429 answers per bin of
`Plan.bin` s (10 s; 2.5 s with --quick). Targets (issue 40): defaults <= 5 % failed and >= 90 %
used; budgets over the limit <= 2 % failed; sporadic <= 1.1x LangChain's wall.

Writes `bench/results_limits.json` (`--out`; with `--merge`, the cases run replace theirs
in it and the others are kept, each with its own `bin_seconds` and `when`) and, when
matplotlib is importable (`--chart-python`: another interpreter that has it, e.g. the
peers venv), the chart
`bench/results_limits.png` through `bench/chart_limits.py`.
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import json
import multiprocessing
import platform
import subprocess
import sys
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
LATENCY = 0.05
RATE = 10.0  # requests/s the server allows
PROCESSES = 4
CALLERS = 16
MODEL = "gpt-4o-mini"


@dataclass(frozen=True)
class Case:
    name: str
    server: str  # "window", "bucket", "per-second"
    client: str = "chatplex"  # or "langchain"
    rate_limit: dict[str, Any] | None = None  # given to each process's model
    target_failed: float = 0.05
    target_used: float | None = 0.90


CASES = (
    Case("window", "window"),
    Case("window, langchain", "window", client="langchain", target_failed=1.0, target_used=None),
    Case(
        "window, RateLimit(600) per process",
        "window",
        rate_limit={"rpm": 600.0},
        target_failed=0.02,
    ),
    Case(
        "window, machine budget at 900",
        "window",
        rate_limit={"rpm": 900.0, "scope": "machine"},
        target_failed=0.02,
    ),
    Case("bucket", "bucket"),
    Case(
        "bucket, RateLimit(600) per process",
        "bucket",
        rate_limit={"rpm": 600.0},
        target_failed=0.02,
    ),
    Case("per-second", "per-second"),
    Case(
        "per-second, RateLimit(600) per process",
        "per-second",
        rate_limit={"rpm": 600.0},
        target_failed=0.02,
    ),
)


@dataclass(frozen=True)
class Plan:
    window: float = 60.0  # seconds of the sliding window (the first one is for learning)
    duration: float = 180.0  # seconds each case runs
    bin: float = 10.0  # seconds of one bin of the chart (a window holds a whole number)
    sporadic_sizes: tuple[int, ...] = (400, 2000)
    sporadic_repeat: int = 3


QUICK = Plan(window=15.0, duration=45.0, bin=2.5, sporadic_sizes=(400,), sporadic_repeat=1)


# ---- one process ---------------------------------------------------------------------------


def _process(
    case: Case, base_url: str, warm_url: str, key: str, ready: Any, go: Any, start: Any, end: Any
) -> dict[str, Any]:
    """One process: build the model, warm up (imports, pools) on another server, wait
    for the others, then run CALLERS callers until `end` (monotonic: system-wide)."""
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    call = _client(case, base_url, key, limited=True)
    asyncio.run(_client(case, warm_url, key + "-warm", limited=False)("warm"))
    ready.wait()
    go.wait()
    return asyncio.run(_callers(call, start.value, end.value))


def _client(case: Case, base_url: str, key: str, *, limited: bool) -> Any:
    if case.client == "langchain":
        from langchain_openai import ChatOpenAI

        lc: Any = ChatOpenAI(model=MODEL, base_url=base_url, api_key=key)  # type: ignore[arg-type]
        return lc.ainvoke
    from chatplex import init_chat_model
    from chatplex.http import RateLimit

    limit = None
    if case.rate_limit is not None and limited:
        scope = case.rate_limit.get("scope", "process")
        limit = RateLimit(case.rate_limit["rpm"], scope=scope)
    chat = init_chat_model(f"openai:{MODEL}", base_url=base_url, api_key=key, rate_limit=limit)
    return chat.ainvoke


async def _callers(call: Any, start: float, end: float) -> dict[str, Any]:
    await asyncio.sleep(max(0.0, start - time.monotonic()))
    ok: list[float] = []
    failed: list[float] = []
    numbers = iter(range(10**9))

    async def caller() -> None:
        for n in numbers:
            left = end - time.monotonic()
            if left <= 0:
                return
            try:
                await asyncio.wait_for(call(f"row {n}"), left)
            except TimeoutError:
                return  # still running at the end: not counted
            except Exception:  # its retries ran out
                failed.append(time.monotonic() - start)
            else:
                ok.append(time.monotonic() - start)

    await asyncio.gather(*(caller() for _ in range(CALLERS)))
    return {"ok": ok, "failed": failed}


# ---- one case ------------------------------------------------------------------------------


def run_case(case: Case, plan: Plan) -> dict[str, Any]:
    from chatplex.testing.mock_server import MockServer

    window = (
        plan.window if case.server == "window" else 1.0 if case.server == "per-second" else None
    )
    server = MockServer(latency=LATENCY, rate_limit_rps=RATE, rate_limit_window=window)
    ctx = multiprocessing.get_context("spawn")
    key = f"sk-limits-{time.monotonic_ns()}"
    with server as srv, MockServer() as warm, ctx.Manager() as manager, ctx.Pool(PROCESSES) as pool:
        ready, go = manager.Barrier(PROCESSES + 1), manager.Barrier(PROCESSES + 1)
        start, end = manager.Value("d", 0.0), manager.Value("d", 0.0)
        args = (case, srv.openai_base_url, warm.openai_base_url, key, ready, go, start, end)
        pending = [pool.apply_async(_process, args) for _ in range(PROCESSES)]
        ready.wait(timeout=120)
        srv.reset_stats()
        start.value = time.monotonic() + 0.2
        end.value = start.value + plan.duration
        go.wait(timeout=10)
        samples = _sample(srv, start.value, end.value, plan.bin)
        outcomes = [p.get(timeout=plan.duration + 120) for p in pending]
    return _summary(case, plan, samples, outcomes)


def _sample(srv: Any, start: float, end: float, step: float) -> list[tuple[int, int]]:
    """(accepted, 429) the server answered in each `step` s from `start` to `end`."""
    bins: list[tuple[int, int]] = []
    time.sleep(max(0.0, start - time.monotonic()))
    last = srv.stats
    t = start
    while t < end - 1e-9:
        t += step
        time.sleep(max(0.0, t - time.monotonic()))
        now = srv.stats
        bins.append(
            (
                now.rate_limit_accepted - last.rate_limit_accepted,
                now.rate_limit_rejected - last.rate_limit_rejected,
            )
        )
        last = now
    return bins


def _summary(
    case: Case, plan: Plan, bins: list[tuple[int, int]], outcomes: list[dict[str, Any]]
) -> dict[str, Any]:
    ok = sum(len(o["ok"]) for o in outcomes)
    failed = sum(len(o["failed"]) for o in outcomes)
    after = bins[round(plan.window / plan.bin) :]  # the first window is for learning
    accepted_after = sum(a for a, _ in after)
    refused_after = sum(r for _, r in after)
    span = plan.duration - plan.window
    return {
        "case": case.name,
        "server": case.server,
        "client": case.client,
        "rate_limit": case.rate_limit,
        "calls": ok + failed,
        "failed": failed,
        "failed_share": failed / (ok + failed) if ok + failed else 0.0,
        "used_after_first_window": accepted_after / (RATE * span),
        "share_429_after_first_window": refused_after / (accepted_after + refused_after)
        if accepted_after + refused_after
        else 0.0,
        "bin_seconds": plan.bin,
        "window_seconds": plan.window,
        "when": time.time(),
        "accepted_per_bin": [a for a, _ in bins],
        "refused_per_bin": [r for _, r in bins],
        "failed_per_bin": _per_bin([t for o in outcomes for t in o["failed"]], plan),
    }


def _per_bin(times: list[float], plan: Plan) -> list[int]:
    step = plan.bin
    counts = [0] * round(plan.duration / step)
    for t in times:
        counts[min(len(counts) - 1, max(0, int(t / step)))] += 1
    return counts


# ---- the report ----------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="15 s windows, 45 s runs")
    parser.add_argument(
        "--cases", default="", help="names (or name prefixes), separated by | (or by commas)"
    )
    parser.add_argument("--no-sporadic", action="store_true", help="skip the sporadic case")
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument(
        "--merge", action="store_true", help="keep the other cases (and sporadic) of --out"
    )
    parser.add_argument("--chart", type=Path, default=None)
    parser.add_argument(
        "--chart-python", default=sys.executable, help="a python with matplotlib for the chart"
    )
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    plan = QUICK if args.quick else Plan()
    # Case names hold commas: "|" separates them when given (commas do for the old names).
    wanted = [w.strip() for w in args.cases.split("|" if "|" in args.cases else ",")]
    wanted = [w for w in wanted if w]
    names = {c.name for c in CASES}  # a whole name picks that case alone, else a prefix
    cases = [
        c
        for c in CASES
        if not wanted
        or any(c.name == w or (w not in names and c.name.startswith(w)) for w in wanted)
    ]
    cases = [c for c in cases if c.client != "langchain" or _has("langchain_openai")]
    print(
        f"{PROCESSES} processes x {CALLERS} callers, {RATE * plan.window:g} in any "
        f"{plan.window:g} s, {plan.duration:g} s runs, {LATENCY * 1000:g} ms latency\n",
        flush=True,
    )
    print("| case | calls | failed | limit used after the first window | 429 share then | target |")
    print("|---|--:|--:|--:|--:|---|")
    out = args.out or (None if args.quick else HERE / "results_limits.json")
    results: dict[str, Any] = {"plan": dataclasses.asdict(plan), "cases": []}
    targets: dict[str, bool] = {}
    if args.merge and out is not None and out.exists():
        results = json.loads(out.read_text())
        results["plan"] = dataclasses.asdict(plan)
        targets = results.get("targets", {})
    for case in cases:
        r = run_case(case, plan)
        _put(results["cases"], r)
        met = r["failed_share"] <= case.target_failed and (
            case.target_used is None or r["used_after_first_window"] >= case.target_used
        )
        goal = f"<= {case.target_failed:.0%} failed" if case.target_failed < 1 else "-"
        if case.target_used is not None:
            goal += f", >= {case.target_used:.0%} used"
        if case.client == "chatplex":
            targets[f"{case.name}: {goal}"] = met
        print(
            f"| {case.name} | {r['calls']} | {r['failed_share']:.1%} "
            f"| {r['used_after_first_window']:.1%} | {r['share_429_after_first_window']:.1%} "
            f"| {goal}{' (met)' if met and case.client == 'chatplex' else ''} |",
            flush=True,
        )
    print()
    if not args.no_sporadic and _has("langchain_openai") and (not wanted or "sporadic" in wanted):
        import bench_pace

        pairs = [("chatplex", "openai"), ("langchain", "openai")]
        sporadic_plan = dataclasses.replace(
            bench_pace.Plan(), sporadic_sizes=plan.sporadic_sizes, repeat=plan.sporadic_repeat
        )
        results["sporadic"] = bench_pace.sporadic(pairs, sporadic_plan, targets)
    for name, met in targets.items():
        print(f"- {name}: {'met' if met else 'NOT met'}")
    results["targets"] = targets
    results["meta"] = {"python": platform.python_version(), "when": time.time()}
    if out is not None:
        out.write_text(json.dumps(results, indent=2) + "\n")
        chart = args.chart or out.with_suffix(".png")
        drawn = subprocess.run(
            [args.chart_python, str(HERE / "chart_limits.py"), str(out), str(chart)],
            capture_output=True,
            text=True,
            check=False,
        )
        print(f"chart: {chart}" if drawn.returncode == 0 else f"no chart: {drawn.stderr[-300:]}")
    return 0


def _put(cases: list[dict[str, Any]], result: dict[str, Any]) -> None:
    """`result` in place of the case of the same name, else after the others in CASES
    order (so a merged file keeps the table's order)."""
    order = [c.name for c in CASES]
    for i, old in enumerate(cases):
        if old["case"] == result["case"]:
            cases[i] = result
            return
    rank = order.index(result["case"]) if result["case"] in order else len(order)
    at = sum(1 for old in cases if old["case"] in order and order.index(old["case"]) < rank)
    cases.insert(at, result)


def _has(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    sys.exit(main())
