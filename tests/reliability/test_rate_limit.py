"""Must-show: against a server enforcing a fixed rate, the shared limiter settles to at
least 90% of the allowed rate with fewer than 5% of requests answered 429 after the first
two seconds, sync and async callers sharing one budget.

Scaled down in time: the mock server allows 40 requests/s (token bucket, burst 40) and
answers over it with provider-shaped 429s carrying `retry-after` / `retry-after-ms`. Three
sync callers (threads) and three async callers (tasks on an event loop in another thread)
loop acquire -> POST -> release(status, retry_after) on ONE budget of 2400 requests/min
for 7 s (after the first two, more requests than 20/s for 10 s gave); each stops by
itself once the limiter cannot admit it before the end (its acquire deadline). The
limiter is driven directly around plain httpx calls, so this proves the limiter itself,
independently of the retry loop.

Run alone (prints the measured figures):
    .venv/bin/python -m pytest tests/reliability/test_rate_limit.py -q -s
"""

from __future__ import annotations

import asyncio
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import httpx
import pytest

from chatplex.errors import DeadlineExceededError
from chatplex.http._ratelimit import Budget
from chatplex.http._ratelimit import RateLimit
from chatplex.http._ratelimit import get_budget
from chatplex.lean import init_chat_model
from chatplex.testing import MockServer

RPS = 40.0  # what the server allows
RUN = 7.0  # seconds of sending
WARMUP = 2.0  # the "after the first two seconds"
SYNC_CALLERS = ASYNC_CALLERS = 3
BODY = {"model": "gpt-4o-mini", "messages": [{"role": "user", "content": "hi"}]}


@dataclass
class Log:
    """(admitted at, status, caller kind) per request, appended from every thread."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    rows: list[tuple[float, int, str]] = field(default_factory=list)

    def add(self, at: float, status: int, kind: str) -> None:
        with self.lock:
            self.rows.append((at, status, kind))


def retry_after(response: httpx.Response) -> float | None:
    """The server's wait hint: `retry-after-ms` first (finer), else `retry-after`."""
    if "retry-after-ms" in response.headers:
        return float(response.headers["retry-after-ms"]) / 1000
    if "retry-after" in response.headers:
        return float(response.headers["retry-after"])
    return None


def sync_caller(budget: Budget, url: str, end: float, log: Log) -> None:
    with httpx.Client(timeout=10) as client:
        while True:
            try:
                permit = budget.acquire(1, deadline=end)
            except DeadlineExceededError:
                return
            admitted = time.monotonic()
            try:
                response = client.post(url, json=BODY)
            except BaseException:
                permit.release()
                raise
            permit.release(status=response.status_code, retry_after=retry_after(response))
            log.add(admitted, response.status_code, "sync")


async def async_callers(budget: Budget, url: str, end: float, log: Log) -> None:
    async def one(client: httpx.AsyncClient) -> None:
        while True:
            try:
                permit = await budget.aacquire(1, deadline=end)
            except DeadlineExceededError:
                return
            admitted = time.monotonic()
            try:
                response = await client.post(url, json=BODY)
            except BaseException:
                permit.release()
                raise
            permit.release(status=response.status_code, retry_after=retry_after(response))
            log.add(admitted, response.status_code, "async")

    async with httpx.AsyncClient(timeout=10) as client:
        await asyncio.gather(*(one(client) for _ in range(ASYNC_CALLERS)))


@pytest.fixture
def server() -> Iterator[MockServer]:
    with MockServer(rate_limit_rps=RPS, latency=0.01) as srv:
        yield srv


def test_shared_limiter_settles_at_the_allowed_rate(server: MockServer) -> None:
    key = ("openai", server.openai_base_url, uuid.uuid4().hex, "gpt-4o-mini")
    budget = get_budget(key, RateLimit(requests_per_minute=RPS * 60))
    url = server.openai_base_url + "/chat/completions"
    log = Log()
    start = time.monotonic()
    end = start + RUN
    threads = [
        threading.Thread(target=sync_caller, args=(budget, url, end, log), daemon=True)
        for _ in range(SYNC_CALLERS)
    ]
    callers = async_callers(budget, url, end, log)
    threads.append(threading.Thread(target=asyncio.run, args=(callers,), daemon=True))
    for t in threads:
        t.start()
    time.sleep(max(0.0, start + WARMUP - time.monotonic()))
    before, counted_from = server.stats, time.monotonic()
    for t in threads:
        t.join(RUN + 30)  # bounded: every caller stops at `end` by itself
    assert not any(t.is_alive() for t in threads), "a caller did not stop"
    after = server.stats

    # The server's own counts, from two seconds in (or when this thread woke to count,
    # later on a loaded machine) until everyone stopped.
    accepted = after.rate_limit_accepted - before.rate_limit_accepted
    rejected = after.rate_limit_rejected - before.rate_limit_rejected
    window = RUN - WARMUP
    rate = accepted / (end - counted_from)
    share_429 = rejected / max(1, accepted + rejected)
    # The callers' view, by admission time: the same figures, and who sent them.
    late = [row for row in log.rows if row[0] >= start + WARMUP]
    ok = [row for row in late if row[1] == 200]
    by_kind = {kind: sum(1 for row in ok if row[2] == kind) for kind in ("sync", "async")}
    print(
        f"\nallowed {RPS:.0f}/s; after {WARMUP:.0f} s: server accepted {accepted} and "
        f"rejected {rejected} in {end - counted_from:.2f} s = {rate:.2f}/s "
        f"({rate / RPS:.1%} of allowed), "
        f"429 share {share_429:.2%}; callers saw {len(ok)} ok of {len(late)} "
        f"(sync {by_kind['sync']}, async {by_kind['async']}); whole run: "
        f"{len(log.rows)} requests, {sum(1 for r in log.rows if r[1] == 429)} answered 429; "
        f"final pace {budget.current_rate_per_minute:.0f}/min"
    )

    assert rate >= 0.9 * RPS
    assert share_429 < 0.05
    assert len(ok) >= 0.9 * RPS * window and len(ok) / max(1, len(late)) > 0.95
    # Sync and async callers both drew on the one budget (FIFO: about half each).
    assert min(by_kind.values()) >= 0.25 * len(ok)
    assert budget.in_flight == 0 and budget.waiting == 0


def test_through_chat_models_sync_and_async(server: MockServer) -> None:
    """The same, end to end: `rate_limit=` on the models, `invoke` from threads and
    `ainvoke` from an event loop, two model instances sharing one budget by key, and
    the retry loop (which retries a 429 after its `retry-after`) in between."""
    api_key = f"sk-{uuid.uuid4().hex}"  # a fresh budget for this test

    def model() -> Any:
        return init_chat_model(
            "openai:gpt-4o-mini",
            base_url=server.openai_base_url,
            api_key=api_key,
            rate_limit={"requests_per_minute": RPS * 60},
        )

    sync_model, async_model = model(), model()
    done = {"sync": 0, "async": 0}
    lock = threading.Lock()
    start = time.monotonic()
    end = start + RUN

    def sync_caller() -> None:
        while time.monotonic() < end:
            sync_model.invoke("hi", config={"timeout": 10})
            with lock:
                done["sync"] += 1

    async def async_callers() -> None:
        async def one() -> None:
            while time.monotonic() < end:
                await async_model.ainvoke("hi", config={"timeout": 10})
                with lock:
                    done["async"] += 1

        await asyncio.gather(*(one() for _ in range(ASYNC_CALLERS)))

    threads = [threading.Thread(target=sync_caller, daemon=True) for _ in range(SYNC_CALLERS)]
    threads.append(threading.Thread(target=asyncio.run, args=(async_callers(),), daemon=True))
    for t in threads:
        t.start()
    time.sleep(max(0.0, start + WARMUP - time.monotonic()))
    before, counted_from = server.stats, time.monotonic()
    time.sleep(max(0.0, end - time.monotonic()))
    at_end, counted_to = server.stats, time.monotonic()  # both maybe late on a loaded machine
    for t in threads:
        t.join(30)  # each finishes the call it is in (queued at most a few slots)
    assert not any(t.is_alive() for t in threads), "a caller did not stop"

    accepted = at_end.rate_limit_accepted - before.rate_limit_accepted
    rejected = at_end.rate_limit_rejected - before.rate_limit_rejected
    rate = accepted / (counted_to - counted_from)
    share_429 = rejected / max(1, accepted + rejected)
    print(
        f"\nvia ChatModel: {rate:.2f}/s ({rate / RPS:.1%} of allowed), 429 share "
        f"{share_429:.2%} after {WARMUP:.0f} s; calls done: {done}"
    )
    assert rate >= 0.9 * RPS
    assert share_429 < 0.05
    assert min(done.values()) >= 0.25 * sum(done.values())
