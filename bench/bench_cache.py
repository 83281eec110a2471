"""CPU per cache hit: what a call answered from the cache costs the client.

    python bench/bench_cache.py            # 20,000 hits per row
    python bench/bench_cache.py --quick    # 2,000 (a smoke test of the harness)

A chat model (OpenAI wire; the Anthropic one for comparison) over a mock server fills
the cache with one reply, then asks the same question again and again: every call is a
hit, so no HTTP is sent and what is measured is chatplex's own work -- input coercion,
building the request, the key (canonical JSON + SHA-256), the lookup and decoding the
stored reply into a new message. CPU is `time.process_time()` (this process only),
median of 5 rounds. Rows: `invoke` and `ainvoke` one after another, `abatch` of hits,
`InMemoryCache` and `SQLiteCache`; the key alone and the lookup alone for reference.
Target: <= 20 us per `invoke` hit with `InMemoryCache`.

Prints a table and writes `bench/cache_results.json`.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from collections.abc import Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
TARGET_US = 20.0


def per_call_us(run: Callable[[int], object], n: int, rounds: int = 5) -> float:
    samples = []
    for _ in range(rounds):
        start = time.process_time()
        run(n)
        samples.append((time.process_time() - start) / n * 1e6)
    return float(statistics.median(samples))


def measure(n: int) -> list[dict[str, Any]]:
    from chatplex import InMemoryCache
    from chatplex import SQLiteCache
    from chatplex import init_chat_model
    from chatplex.chat.caching.entries import cache_key
    from chatplex.testing import MockServer

    rows: list[dict[str, Any]] = []
    with MockServer() as srv, tempfile.TemporaryDirectory() as tmp:
        caches = {"InMemoryCache": InMemoryCache(), "SQLiteCache": SQLiteCache(f"{tmp}/c.db")}
        for wire, base in (("openai", srv.openai_base_url), ("anthropic", srv.anthropic_base_url)):
            name = "gpt-4o-mini" if wire == "openai" else "claude-sonnet-4-5"
            for kind, cache in caches.items():
                model = init_chat_model(
                    f"{wire}:{name}", base_url=base, api_key="sk-bench", cache=cache
                )
                question = "What is the capital of France? Answer in one word."
                model.invoke(question)  # fills the cache
                sent = srv.stats.requests

                def invoke(k: int, model: Any = model, question: str = question) -> None:
                    for _ in range(k):
                        model.invoke(question)

                def ainvoke(k: int, model: Any = model, question: str = question) -> None:
                    async def go() -> None:
                        for _ in range(k):
                            await model.ainvoke(question)

                    asyncio.run(go())

                def abatch(k: int, model: Any = model, question: str = question) -> None:
                    asyncio.run(model.abatch([question] * k))

                for mode, run in (("invoke", invoke), ("ainvoke", ainvoke), ("abatch", abatch)):
                    rows.append(
                        {"wire": wire, "cache": kind, "mode": mode, "us": per_call_us(run, n)}
                    )
                assert srv.stats.requests == sent, "a hit sent a request"
                if wire == "openai":
                    adapter = model.adapter
                    messages = [("user", question)]
                    from chatplex.messages import coerce_messages

                    settings = model._settings({})
                    request = adapter.build_request(
                        coerce_messages(messages), settings, stream=False
                    )
                    key = cache_key("openai", request)

                    def keys(k: int, request: Any = request) -> None:
                        for _ in range(k):
                            cache_key("openai", request)

                    def lookups(k: int, cache: Any = cache, key: str = key) -> None:
                        for _ in range(k):
                            cache.lookup(key)

                    rows.append(
                        {
                            "wire": wire,
                            "cache": kind,
                            "mode": "key only",
                            "us": per_call_us(keys, n),
                        }
                    )
                    rows.append(
                        {
                            "wire": wire,
                            "cache": kind,
                            "mode": "lookup only",
                            "us": per_call_us(lookups, n),
                        }
                    )
    return rows


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--out", type=Path, default=HERE / "cache_results.json")
    args = parser.parse_args(argv)
    n = 2_000 if args.quick else 20_000
    rows = measure(n)
    print(f"CPU per cache hit, µs (median of 5 rounds of {n:,} hits)\n")
    print("| wire | cache | call | µs/hit |")
    print("|---|---|---|--:|")
    for r in rows:
        print(f"| {r['wire']} | {r['cache']} | {r['mode']} | {r['us']:.1f} |")
    headline = next(
        r["us"]
        for r in rows
        if (r["wire"], r["cache"], r["mode"]) == ("openai", "InMemoryCache", "invoke")
    )
    met = headline <= TARGET_US
    print(
        f"\ninvoke hit, InMemoryCache, OpenAI wire: {headline:.1f} µs "
        f"(target <= {TARGET_US:g} µs: {'met' if met else 'NOT met'})"
    )
    if not args.quick:
        meta = {"python": platform.python_version(), "machine": platform.machine(), "n": n}
        payload = {"rows": rows, "target_us": TARGET_US, "met": met, "meta": meta}
        args.out.write_text(json.dumps(payload, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
