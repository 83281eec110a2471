"""The adaptive pace against a server that enforces a rate limit, announced or not.

    python bench/bench_pace.py            # 30 s per scenario, 4 scenarios (~2 min)
    python bench/bench_pace.py --quick    # 4 s per scenario (tests/http/test_ratelimit_adaptive.py runs shorter ones)

Each scenario starts the embedded mock server (`MockServer(rate_limit_rps=20,
latency=0.05)`: a token bucket of 20 requests/s, 20 of burst, per API) and a chat model
with no `rate_limit` configured, so its budget has to learn the pace: 32 async workers
each send one distinct request after the other (`ainvoke`, retries allowed) for the
scenario's duration, far more than the server allows (32 in flight / 50 ms = 640 req/s).

- hidden: the server enforces the limit but announces nothing; the budget discovers the
  pace from 429s. Target: after the first 10 s, >= 90 % of the limit achieved (successful
  replies per second / 20) and < 5 % of the requests answered 429.
- announced: the server sends its `x-ratelimit-*` / `anthropic-ratelimit-*` headers on
  every response (`rate_limit_announce=True`). Target: no 429 at all.

Both wires (OpenAI, Anthropic). Prints a table and writes `bench/pace_results.json`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
RATE = 20.0  # requests/s the server allows
LATENCY = 0.05
WORKERS = 32
MODELS = {"openai": "gpt-4o-mini", "anthropic": "claude-sonnet-4-5"}


async def _load(model: Any, until: float, done: list[float]) -> None:
    n = 0
    while time.monotonic() < until:
        n += 1
        reply = await model.ainvoke(f"row {id(done)}-{n}-{time.monotonic()}")
        assert reply.text
        done.append(time.monotonic())


def run_scenario(wire: str, announce: bool, duration: float, settle: float) -> dict[str, Any]:
    """One run: the figures over the whole run and after `settle` seconds."""
    from chatplex import init_chat_model
    from chatplex.testing import MockServer

    with MockServer(rate_limit_rps=RATE, latency=LATENCY, rate_limit_announce=announce) as srv:
        base = srv.openai_base_url if wire == "openai" else srv.anthropic_base_url
        # A fresh key per run: its own budget, learning from scratch.
        model = init_chat_model(
            f"{wire}:{MODELS[wire]}",
            base_url=base,
            api_key=f"sk-pace-{time.monotonic_ns()}",
            max_retries=1000,
            max_retry_after=5.0,
        )
        done: list[float] = []

        async def main() -> dict[str, int]:
            start = time.monotonic()
            until = start + duration
            workers = [asyncio.ensure_future(_load(model, until, done)) for _ in range(WORKERS)]
            await asyncio.sleep(settle)
            at_settle = srv.stats
            await asyncio.gather(*workers)
            end = srv.stats
            return {
                "start": start,  # type: ignore[dict-item]
                "requests_before": at_settle.requests,
                "limited_before": at_settle.too_many_requests,
                "requests": end.requests,
                "limited": end.too_many_requests,
            }

        counts = asyncio.run(main())
    start = float(counts.pop("start"))
    ok_after = sum(1 for t in done if t - start >= settle and t - start <= duration)
    requests_after = counts["requests"] - counts["requests_before"]
    limited_after = counts["limited"] - counts["limited_before"]
    window = duration - settle
    return {
        "wire": wire,
        "announced": announce,
        "duration_s": duration,
        "settle_s": settle,
        "limit_rps": RATE,
        "replies": len(done),
        "requests": counts["requests"],
        "answered_429": counts["limited"],
        "achieved_after_settle": ok_after / window / RATE,
        "share_429_after_settle": limited_after / requests_after if requests_after else 0.0,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="4 s per scenario")
    parser.add_argument("--out", type=Path, default=HERE / "pace_results.json")
    args = parser.parse_args(argv)
    duration, settle = (4.0, 1.5) if args.quick else (30.0, 10.0)
    runs = []
    print(f"limit {RATE:g} req/s (20 of burst), {LATENCY * 1000:g} ms latency, {WORKERS} workers")
    print(f"{duration:g} s per run; 'after' = after the first {settle:g} s\n")
    print("| wire | limit | replies/s after ÷ limit | 429 share after | 429s in all |")
    print("|---|---|--:|--:|--:|")
    for announce in (False, True):
        for wire in ("openai", "anthropic"):
            r = run_scenario(wire, announce, duration, settle)
            runs.append(r)
            kind = "announced" if announce else "hidden"
            print(
                f"| {wire} | {kind} | {r['achieved_after_settle']:.1%} "
                f"| {r['share_429_after_settle']:.2%} | {r['answered_429']} |",
                flush=True,
            )
    hidden = [r for r in runs if not r["announced"]]
    announced = [r for r in runs if r["announced"]]
    targets = {
        "hidden: >= 90% of the limit after settling": all(
            r["achieved_after_settle"] >= 0.9 for r in hidden
        ),
        "hidden: < 5% of requests answered 429 after settling": all(
            r["share_429_after_settle"] < 0.05 for r in hidden
        ),
        "announced: no 429 at all": all(r["answered_429"] == 0 for r in announced),
    }
    print()
    for name, met in targets.items():
        print(f"- {name}: {'met' if met else 'NOT met'}")
    if not args.quick:
        meta = {"python": platform.python_version(), "machine": platform.machine()}
        payload = {"runs": runs, "targets": targets, "meta": meta, "when": time.time()}
        args.out.write_text(json.dumps(payload, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
