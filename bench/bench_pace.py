"""The adaptive pace side by side with LangChain's ChatOpenAI / ChatAnthropic and the
openai / anthropic SDKs, every client against the same embedded mock server, in one run.

    python bench/bench_pace.py                     # every scenario, both wires (~10 min)
    python bench/bench_pace.py --quick             # small counts, short runs (~1 min)
    python bench/bench_pace.py --quick --clients chatplex --wires openai   # smoke (~5 s)

Every client runs with no rate limit configured and its defaults otherwise (2 retries,
the SDKs' backoff), 32 requests in flight, against `MockServer(latency=0.05)` started
afresh for each run (so chatplex's budget learns from scratch and the server's counts
are that client's). Faults are seeded (`FaultMix`): a prompt meets the same fault
whichever client sends it.

- sporadic: 10 % of first attempts answered 429 (`retry-after: 0.05`, no rate-limit
  headers) and 10 % 503; 400 and 5,000 requests. Target: chatplex's wall time at most
  1.1x the faster peer's (median of `--repeat` runs, taken in rounds).
- hidden: the server allows 10 requests/s (600/min, a bucket of 10) and announces
  nothing but, on a 429, that nothing is left (``remaining: 0``), as OpenAI does.
  Target after the first 10 s: >= 95 % of the limit, <= 2 % of requests answered 429.
- announced: the same limit, announced on every response. Target: 100 % (>= 99 %) of
  the limit after the first 10 s, no 429 at all.
- burst: 50 % of answers 529 (overloaded) for 5 s, 3 s into the run, then healthy.
  Target: back to full speed (90 % of the healthy rate -- before the burst, or at the
  run's end if lower: the machine's load drifts -- over 1 s) within 5 s of the burst's
  end; the time to recover is reported.

Prints a table per scenario and writes `bench/pace_results.json` (`--out`; not in
`--quick` unless `--out` is given).
"""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import itertools
import json
import platform
import statistics
import sys
import time
import warnings
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from typing import NamedTuple

HERE = Path(__file__).resolve().parent
LATENCY = 0.05
IN_FLIGHT = 32
LIMIT_RPS = 10.0
SPORADIC = {"status=429;retry_after=0.05": 0.1, "status=503": 0.1}
SEED = 24
MODELS = {"openai": "gpt-4o-mini", "anthropic": "claude-sonnet-4-5"}
CLIENTS = ("chatplex", "langchain", "sdk")
_keys = itertools.count()

Call = Callable[[str], Awaitable[None]]


@dataclass(frozen=True)
class Plan:
    sporadic_sizes: tuple[int, ...] = (400, 5000)
    repeat: int = 3  # runs per client of the 400-request case (the larger ones: 1)
    duration: float = 30.0  # hidden / announced
    settle: float = 10.0
    burst_start: float = 3.0
    burst: float = 5.0
    after_burst: float = 7.0
    #: The healthy rate at the run's end: over [end - tail, end - 0.5 s).
    tail: float = 3.0


#: The harness, not the targets: two rounds of sporadic requests (a dozen of them
#: faulted, so retried), and a burst just long enough that every rate has a window of 1 s
#: (before, after the burst, the end's) in which replies must arrive.
QUICK = Plan((64,), 1, 6.0, 3.0, 1.5, 0.5, 1.5, 1.5)


# ---- clients ------------------------------------------------------------------------------


class Client(NamedTuple):
    """One client on one wire, with a fresh key."""

    call: Call  # one prompt
    close: Callable[[], Awaitable[None]]
    #: The requests/min its budget learned from the server (None: nothing learned, or a
    #: client without a budget).
    learned: Callable[[], float | None]


def make_client(name: str, wire: str, base: str) -> Client:
    """The client `name` on `wire`, with a fresh key."""
    key = f"sk-pace-{time.monotonic_ns()}-{next(_keys)}"
    model = MODELS[wire]
    if name == "chatplex":
        from chatplex import init_chat_model
        from chatplex.http import get_budget

        chat = init_chat_model(f"{wire}:{model}", base_url=base, api_key=key)

        async def call(prompt: str) -> None:
            reply = await chat.ainvoke(prompt)
            assert reply.text

        def learned() -> float | None:
            limits = get_budget(chat.adapter.budget_key(model)).learned
            return None if limits is None else limits.requests_per_minute

        return Client(call, _nothing, learned)
    if name == "langchain" and wire == "openai":
        from langchain_openai import ChatOpenAI

        lc: Any = ChatOpenAI(model=model, base_url=base, api_key=key)  # type: ignore[arg-type]
    elif name == "langchain":
        from langchain_anthropic import ChatAnthropic

        lc = ChatAnthropic(model=model, base_url=base, api_key=key)  # type: ignore[call-arg,arg-type]
    if name == "langchain":

        async def call_langchain(prompt: str) -> None:
            reply = await lc.ainvoke(prompt)
            assert reply.text

        return Client(call_langchain, _nothing, _none)
    if wire == "openai":
        from openai import AsyncOpenAI

        oa = AsyncOpenAI(base_url=base, api_key=key)

        async def call_openai(prompt: str) -> None:
            reply = await oa.chat.completions.create(
                model=model, messages=[{"role": "user", "content": prompt}]
            )
            assert reply.choices[0].message.content

        return Client(call_openai, oa.close, _none)
    from anthropic import AsyncAnthropic

    an = AsyncAnthropic(base_url=base, api_key=key)

    async def call_anthropic(prompt: str) -> None:
        reply = await an.messages.create(
            model=model, max_tokens=64, messages=[{"role": "user", "content": prompt}]
        )
        assert reply.content

    return Client(call_anthropic, an.close, _none)


async def _nothing() -> None:
    return None


def _none() -> None:
    return None


def available(name: str, wire: str) -> bool:
    module = {
        ("langchain", "openai"): "langchain_openai",
        ("langchain", "anthropic"): "langchain_anthropic",
        ("sdk", "openai"): "openai",
        ("sdk", "anthropic"): "anthropic",
    }.get((name, wire))
    if module is None:
        return True
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def _base(server: Any, wire: str) -> str:
    return str(server.openai_base_url if wire == "openai" else server.anthropic_base_url)


# ---- the runs -----------------------------------------------------------------------------


async def _drive(
    call: Call, *, count: int | None = None, until: float | None = None
) -> tuple[list[float], int]:
    """IN_FLIGHT workers sending distinct prompts until `count` are done or `until`
    (monotonic); returns the success times and the number of failed calls."""
    done: list[float] = []
    failed = 0
    numbers = itertools.count()

    async def worker() -> None:
        nonlocal failed
        while True:
            n = next(numbers)
            if (count is not None and n >= count) or (
                until is not None and time.monotonic() >= until
            ):
                return
            try:
                await call(f"row {n}")
            except Exception:  # the client gave up on it (its retries ran out)
                failed += 1
            else:
                done.append(time.monotonic())

    await asyncio.gather(*(worker() for _ in range(IN_FLIGHT)))
    return done, failed


def sporadic_run(name: str, wire: str, count: int) -> dict[str, Any]:
    from chatplex.testing.mock_server import FaultMix
    from chatplex.testing.mock_server import MockServer

    plan = FaultMix(SPORADIC, seed=SEED, first_attempts_only=True)
    with MockServer(latency=LATENCY, fault_plan=plan) as srv:
        call, close, _ = make_client(name, wire, _base(srv, wire))

        async def main() -> tuple[float, int]:
            start = time.monotonic()
            done, failed = await _drive(call, count=count)
            wall = time.monotonic() - start
            await close()
            assert len(done) + failed == count
            return wall, failed

        wall, failed = asyncio.run(main())
        stats = srv.stats
    return {"wall_s": wall, "failed": failed, "attempts": stats.requests}


def limit_run(
    name: str, wire: str, announce: bool, duration: float, settle: float
) -> dict[str, Any]:
    from chatplex.testing.mock_server import MockServer

    server = MockServer(latency=LATENCY, rate_limit_rps=LIMIT_RPS, rate_limit_announce=announce)
    with server as srv:
        call, close, learned = make_client(name, wire, _base(srv, wire))

        async def main() -> tuple[float, list[float], int, Any]:
            start = time.monotonic()
            task = asyncio.ensure_future(_drive(call, until=start + duration))
            await asyncio.sleep(settle)
            at_settle = srv.stats
            done, failed = await task
            await close()
            return start, done, failed, at_settle

        start, done, failed, at_settle = asyncio.run(main())
        end = srv.stats
    ok_after = sum(1 for t in done if settle <= t - start <= duration)
    requests_after = end.requests - at_settle.requests
    limited_after = end.too_many_requests - at_settle.too_many_requests
    return {
        "achieved_after_settle": ok_after / (duration - settle) / LIMIT_RPS,
        "share_429_after_settle": limited_after / requests_after if requests_after else 0.0,
        "answered_429": end.too_many_requests,
        "requests": end.requests,
        "failed": failed,
        "learned_per_minute": learned(),
    }


def burst_run(name: str, wire: str, plan: Plan) -> dict[str, Any]:
    from chatplex.testing.mock_server import FaultMix
    from chatplex.testing.mock_server import MockServer

    faults = FaultMix({"status=529": 0.5}, seed=SEED, start=plan.burst_start, duration=plan.burst)
    total = plan.burst_start + plan.burst + plan.after_burst
    with MockServer(latency=LATENCY, fault_plan=faults) as srv:
        call, close, _ = make_client(name, wire, _base(srv, wire))

        async def main() -> tuple[list[float], int]:
            done, failed = await _drive(call, until=time.monotonic() + total)
            await close()
            return done, failed

        done, failed = asyncio.run(main())
    began = faults.began if faults.began is not None else min(done)
    times = sorted(t - began for t in done)
    burst_end = plan.burst_start + plan.burst
    before = _rate(times, 0.5, plan.burst_start)
    tail = _rate(times, total - plan.tail, total - 0.5)
    # Full speed: the healthy rate before the burst, or at the run's end if that is lower
    # (on a machine shared with other work the client's own speed drifts).
    healthy = min(before, tail)
    during = _rate(times, plan.burst_start, burst_end)
    recovered = None
    step = 0.05
    t = burst_end
    while t + 1.0 <= total:
        if _rate(times, t, t + 1.0) >= 0.9 * healthy:
            recovered = t - burst_end
            break
        t += step
    return {
        "healthy_rps": healthy,
        "before_rps": before,
        "end_rps": tail,
        "during_burst_rps": during,
        "recover_s": recovered,
        "failed": failed,
    }


def _rate(times: list[float], start: float, end: float) -> float:
    return sum(1 for t in times if start <= t < end) / (end - start) if end > start else 0.0


# ---- the report ---------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small counts, short runs")
    parser.add_argument("--clients", default=",".join(CLIENTS), help="of " + ",".join(CLIENTS))
    parser.add_argument("--wires", default="openai,anthropic")
    parser.add_argument("--scenarios", default="sporadic,hidden,announced,burst")
    parser.add_argument("--repeat", type=int, default=None, help="runs of the small sporadic case")
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    # The anthropic SDK warns that the mock's model name is deprecated, once per call.
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    plan = QUICK if args.quick else Plan()
    if args.repeat is not None:
        plan = dataclasses.replace(plan, repeat=args.repeat)
    clients = [c for c in args.clients.split(",") if c]
    wires = [w for w in args.wires.split(",") if w]
    scenarios = set(args.scenarios.split(","))
    unknown = (set(clients) - set(CLIENTS)) | (set(wires) - set(MODELS))
    if unknown:
        parser.error(f"unknown client(s)/wire(s): {sorted(unknown)}")
    pairs = [(c, w) for w in wires for c in clients if available(c, w)]
    print(f"{IN_FLIGHT} in flight, {LATENCY * 1000:g} ms latency; clients: {pairs}\n", flush=True)
    results: dict[str, Any] = {"plan": dataclasses.asdict(plan), "pairs": pairs}
    targets: dict[str, bool] = {}
    if "sporadic" in scenarios:
        results["sporadic"] = sporadic(pairs, plan, targets)
    for announce, name in ((False, "hidden"), (True, "announced")):
        if name in scenarios:
            results[name] = limits(pairs, plan, announce, targets)
    if "burst" in scenarios:
        results["burst"] = bursts(pairs, plan, targets)
    print()
    for name, met in targets.items():
        print(f"- {name}: {'met' if met else 'NOT met'}")
    results["targets"] = targets
    results["meta"] = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "when": time.time(),
    }
    out = args.out if args.out is not None else (None if args.quick else HERE / "pace_results.json")
    if out is not None:
        out.write_text(json.dumps(results, indent=2) + "\n")
    return 0


def sporadic(pairs: list[tuple[str, str]], plan: Plan, targets: dict[str, bool]) -> list[Any]:
    rows = []
    print("sporadic faults: 10 % 429 (retry-after 0.05) + 10 % 503 on first attempts")
    print(
        "| wire | requests | client | wall s (median) | runs | attempts | failed | ÷ faster peer |"
    )
    print("|---|--:|---|--:|--:|--:|--:|--:|")
    for size in plan.sporadic_sizes:
        repeat = plan.repeat if size <= 1000 else 1
        for wire in sorted({w for _, w in pairs}):
            names = [c for c, w in pairs if w == wire]
            runs: dict[str, list[dict[str, Any]]] = {c: [] for c in names}
            for _ in range(repeat):  # in rounds: drift on the machine hits every client
                for name in names:
                    runs[name].append(sporadic_run(name, wire, size))
            walls = {c: statistics.median(r["wall_s"] for r in runs[c]) for c in names}
            peers = [walls[c] for c in names if c != "chatplex"]
            best = min(peers) if peers else None
            for name in names:
                ratio = walls[name] / best if best else None
                last = runs[name][-1]
                row = {"wire": wire, "requests": size, "client": name, "wall_s": walls[name]}
                row |= {"walls": [r["wall_s"] for r in runs[name]], "ratio_to_faster_peer": ratio}
                row |= {"attempts": last["attempts"], "failed": last["failed"]}
                rows.append(row)
                shown = f"{ratio:.2f}x" if ratio is not None else "-"
                print(
                    f"| {wire} | {size} | {name} | {walls[name]:.2f} | {repeat} "
                    f"| {last['attempts']} | {last['failed']} | {shown} |",
                    flush=True,
                )
            if best is not None and "chatplex" in walls:
                targets[f"sporadic {wire} {size}: chatplex <= 1.1x the faster peer"] = (
                    walls["chatplex"] <= 1.1 * best
                )
    print()
    return rows


def limits(
    pairs: list[tuple[str, str]], plan: Plan, announce: bool, targets: dict[str, bool]
) -> list[Any]:
    kind = "announced" if announce else "hidden"
    rows = []
    print(
        f"{kind} limit {LIMIT_RPS * 60:g}/min; {plan.duration:g} s runs, "
        f"'after' = after {plan.settle:g} s"
    )
    print("| wire | client | replies/s after ÷ limit | 429 share after | 429s in all | failed |")
    print("|---|---|--:|--:|--:|--:|")
    for name, wire in pairs:
        r = limit_run(name, wire, announce, plan.duration, plan.settle)
        rows.append({"wire": wire, "client": name} | r)
        print(
            f"| {wire} | {name} | {r['achieved_after_settle']:.1%} "
            f"| {r['share_429_after_settle']:.2%} | {r['answered_429']} | {r['failed']} |",
            flush=True,
        )
        if name != "chatplex":
            continue
        if announce:
            targets[f"announced {wire}: >= 99% of the limit, no 429"] = (
                r["achieved_after_settle"] >= 0.99 and r["answered_429"] == 0
            )
        else:
            targets[f"hidden {wire}: >= 95% of the limit, <= 2% 429 after settling"] = (
                r["achieved_after_settle"] >= 0.95 and r["share_429_after_settle"] <= 0.02
            )
    print()
    return rows


def bursts(pairs: list[tuple[str, str]], plan: Plan, targets: dict[str, bool]) -> list[Any]:
    rows = []
    print(f"overload burst: 50 % 529 for {plan.burst:g} s, {plan.burst_start:g} s in, then healthy")
    print(
        "| wire | client | replies/s before | during | at the end "
        "| time to 90 % of min(before, end) after the burst | failed |"
    )
    print("|---|---|--:|--:|--:|--:|--:|")
    for name, wire in pairs:
        r = burst_run(name, wire, plan)
        rows.append({"wire": wire, "client": name} | r)
        recover = "never" if r["recover_s"] is None else f"{r['recover_s']:.2f} s"
        print(
            f"| {wire} | {name} | {r['before_rps']:.0f} | {r['during_burst_rps']:.0f} "
            f"| {r['end_rps']:.0f} | {recover} | {r['failed']} |",
            flush=True,
        )
        if name == "chatplex":
            targets[f"burst {wire}: full speed within 5 s"] = (
                r["recover_s"] is not None and r["recover_s"] <= 5.0
            )
    print()
    return rows


if __name__ == "__main__":
    sys.exit(main())
