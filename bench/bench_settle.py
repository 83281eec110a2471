"""A configured budget shared by sync and async callers, in real time: the rate it
settles at against a server enforcing that rate (tests/reliability/test_rate_limit.py
proves the same figures in virtual time, where the machine's speed cannot move them).

    python bench/bench_settle.py                    # both ways, 7 s each (~20 s)
    python bench/bench_settle.py --seconds 30 --warmup 5 --ways limiter

The server (`MockServer(rate_limit_rps=40, latency=0.01)`, fresh per run) allows 40
requests/s, a bucket of 40, and answers over it with provider-shaped 429s carrying
`retry-after` / `retry-after-ms`. Three sync callers (threads) and three async callers
(tasks on an event loop in another thread) share ONE budget of 2400 requests/min:

- limiter: `acquire` -> POST with httpx -> `release(status, retry_after)`, the limiter
  alone, around plain httpx calls; each caller stops once the limiter cannot admit it
  before the end (its acquire deadline).
- models: `init_chat_model(..., rate_limit={"requests_per_minute": 2400})`, two model
  instances sharing the budget by key, `invoke` from the threads and `ainvoke` from the
  tasks, the retry loop (a 429 retried after its `retry-after`) in between.

Measured after the warm-up: requests the server accepted per second (÷ the allowed
rate), the share it answered 429, successes per kind of caller, calls failed. Target
(the must-show): >= 90 % of the allowed rate and < 5 % 429s after the first two
seconds -- on a quiet machine: a loaded one cannot offer 40 requests/s.

Prints a table and writes `bench/results_settle.json` (`--out`).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import sys
import threading
import time
import uuid
from collections.abc import Callable
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import httpx

from chatplex import init_chat_model
from chatplex.errors import DeadlineExceededError
from chatplex.http._budget_shared import RateLimit
from chatplex.http._ratelimit import Budget
from chatplex.http._ratelimit import get_budget
from chatplex.testing import MockServer

HERE = Path(__file__).resolve().parent
RPS = 40.0  # what the server allows
LATENCY = 0.01
SYNC_CALLERS = ASYNC_CALLERS = 3
BODY = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}
WAYS = ("limiter", "models")

#: Called as each request or call finishes: (succeeded, kind of caller).
Done = Callable[[bool, str], None]


def retry_after(response: httpx.Response) -> float | None:
    """The server's wait hint: `retry-after-ms` first (finer), else `retry-after`."""
    if "retry-after-ms" in response.headers:
        return float(response.headers["retry-after-ms"]) / 1000
    if "retry-after" in response.headers:
        return float(response.headers["retry-after"])
    return None


def limiter_callers(server: MockServer, end: float, done: Done) -> tuple[Callable[[], None], Any]:
    """(one sync caller, the async callers' coroutine) driving a budget directly."""
    key = ("openai", server.openai_base_url, uuid.uuid4().hex, "gpt-4o-mini")
    budget: Budget = get_budget(key, RateLimit(requests_per_minute=RPS * 60))
    url = server.openai_base_url + "/chat/completions"

    def sync_caller() -> None:
        with httpx.Client(timeout=10) as client:
            while True:
                try:
                    permit = budget.acquire(1, deadline=end)
                except DeadlineExceededError:
                    return
                try:
                    response = client.post(url, json=BODY)
                except BaseException:
                    permit.release()
                    raise
                permit.release(status=response.status_code, retry_after=retry_after(response))
                done(response.status_code == 200, "sync")

    async def async_callers() -> None:
        async def one(client: httpx.AsyncClient) -> None:
            while True:
                try:
                    permit = await budget.aacquire(1, deadline=end)
                except DeadlineExceededError:
                    return
                try:
                    response = await client.post(url, json=BODY)
                except BaseException:
                    permit.release()
                    raise
                permit.release(status=response.status_code, retry_after=retry_after(response))
                done(response.status_code == 200, "async")

        async with httpx.AsyncClient(timeout=10) as client:
            await asyncio.gather(*(one(client) for _ in range(ASYNC_CALLERS)))

    return sync_caller, async_callers()


def model_callers(server: MockServer, end: float, done: Done) -> tuple[Callable[[], None], Any]:
    """(one sync caller, the async callers' coroutine) calling two chat models that share
    one budget by key; a call that raises counts as failed."""
    api_key = f"sk-{uuid.uuid4().hex}"  # a fresh budget for this run

    def model() -> Any:
        return init_chat_model(
            "openai:gpt-4o-mini",
            base_url=server.openai_base_url,
            api_key=api_key,
            rate_limit={"requests_per_minute": RPS * 60},
        )

    sync_model, async_model = model(), model()

    def sync_caller() -> None:
        while time.monotonic() < end:
            try:
                sync_model.invoke("hi", config={"timeout": 10})
            except Exception:
                done(False, "sync")
            else:
                done(True, "sync")

    async def async_callers() -> None:
        async def one() -> None:
            while time.monotonic() < end:
                try:
                    await async_model.ainvoke("hi", config={"timeout": 10})
                except Exception:
                    done(False, "async")
                else:
                    done(True, "async")

        await asyncio.gather(*(one() for _ in range(ASYNC_CALLERS)))

    return sync_caller, async_callers()


def settle_run(way: str, seconds: float = 7.0, warmup: float = 2.0) -> dict[str, Any]:
    """One run of `seconds` (`way`: "limiter" or "models"); its figures after `warmup`."""
    make = limiter_callers if way == "limiter" else model_callers
    rows: list[tuple[float, bool, str]] = []
    lock = threading.Lock()

    def done(ok: bool, kind: str) -> None:
        with lock:
            rows.append((time.monotonic(), ok, kind))

    with MockServer(rate_limit_rps=RPS, latency=LATENCY) as server:
        start = time.monotonic()
        end = start + seconds
        sync_caller, async_callers = make(server, end, done)
        threads = [threading.Thread(target=sync_caller, daemon=True) for _ in range(SYNC_CALLERS)]
        threads.append(threading.Thread(target=asyncio.run, args=(async_callers,), daemon=True))
        for t in threads:
            t.start()
        time.sleep(max(0.0, start + warmup - time.monotonic()))
        before, counted_from = server.stats, time.monotonic()
        time.sleep(max(0.0, end - time.monotonic()))
        at_end, counted_to = server.stats, time.monotonic()  # both maybe late when loaded
        for t in threads:
            t.join(seconds + 30)  # every caller stops at `end` (finishing the call it is in)
        stuck = sum(1 for t in threads if t.is_alive())
    accepted = at_end.rate_limit_accepted - before.rate_limit_accepted
    rejected = at_end.rate_limit_rejected - before.rate_limit_rejected
    rate = accepted / (counted_to - counted_from)
    late = [row for row in rows if row[0] >= counted_from]
    return {
        "way": way,
        "seconds": seconds,
        "warmup": warmup,
        "accepted": accepted,
        "rejected": rejected,
        "rate": rate,
        "of_allowed": rate / RPS,
        "share_429": rejected / max(1, accepted + rejected),
        "ok_sync": sum(1 for _, ok, kind in late if ok and kind == "sync"),
        "ok_async": sum(1 for _, ok, kind in late if ok and kind == "async"),
        "failed": sum(1 for _, ok, _ in rows if not ok),
        "stuck_callers": stuck,
    }


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=7.0, help="of sending, per run")
    parser.add_argument("--warmup", type=float, default=2.0, help="seconds not counted")
    parser.add_argument("--ways", default=",".join(WAYS), help="of " + ",".join(WAYS))
    parser.add_argument("--out", type=Path, default=HERE / "results_settle.json")
    args = parser.parse_args(argv)
    ways = [w for w in args.ways.split(",") if w]
    if set(ways) - set(WAYS):
        parser.error(f"unknown way(s): {sorted(set(ways) - set(WAYS))}")
    print(
        f"allowed {RPS:g}/s; {SYNC_CALLERS} threads + {ASYNC_CALLERS} tasks on one budget; "
        f"{args.seconds:g} s runs, counted after {args.warmup:g} s\n"
    )
    print("| way | accepted/s | ÷ allowed | 429 share | ok sync | ok async | failed | met |")
    print("|---|--:|--:|--:|--:|--:|--:|---|")
    runs = []
    for way in ways:
        r = settle_run(way, args.seconds, args.warmup)
        r["met"] = r["of_allowed"] >= 0.9 and r["share_429"] < 0.05
        runs.append(r)
        print(
            f"| {way} | {r['rate']:.2f} | {r['of_allowed']:.1%} | {r['share_429']:.2%} "
            f"| {r['ok_sync']} | {r['ok_async']} | {r['failed']} | {'yes' if r['met'] else 'NO'} |",
            flush=True,
        )
    meta = {
        "python": platform.python_version(),
        "machine": platform.machine(),
        "when": time.time(),
        "load_average": os.getloadavg(),  # the figures are this machine's, at this load
    }
    args.out.write_text(json.dumps({"runs": runs, "meta": meta}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
