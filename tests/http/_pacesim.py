"""A budget driven by simulated clients and servers in virtual time (test helper).

`virtual_loop()` is an asyncio loop whose clock only moves when every task waits: its
selector, asked to wait `t` seconds, adds `t` to the clock and returns at once. Nothing
here does real I/O, so thousands of answers over minutes of simulated time take well
under a second, the same on a loaded machine as on an idle one.

`simulate(budget, server, ...)` runs `workers` clients, each sending requests one after
the other through `budget` as the attempt engine does: acquire, wait `latency`, release
with the server's answer, and on a failure retry after its `retry_after` or the SDKs'
backoff (0.5 s * 2**n, jittered, capped at 8 s).
"""

from __future__ import annotations

import asyncio
import functools
import math
import random
import selectors
from collections import deque
from collections.abc import Callable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from chatplex.http._budget_shared import RateLimit
from chatplex.http._ratelimit import Budget


class _VirtualSelector(selectors.DefaultSelector):
    def __init__(self) -> None:
        super().__init__()
        self.now = 0.0

    def select(self, timeout: float | None = None) -> list:  # type: ignore[type-arg]
        if timeout is None:
            raise RuntimeError("the simulation is stuck: every task waits and no timer is due")
        self.now += max(0.0, timeout)
        return []


class VirtualLoop(asyncio.SelectorEventLoop):
    def __init__(self) -> None:
        self._virtual = _VirtualSelector()
        super().__init__(self._virtual)

    def time(self) -> float:
        return float(self._virtual.now)


@dataclass
class Answer:
    status: int
    retry_after: float | None = None
    headers: Mapping[str, str] | None = None


#: A server: (now, request id, attempt number) -> the answer.
Server = Callable[[float, int, int], Answer]


@dataclass
class Run:
    """What one simulation saw."""

    answers: list[tuple[float, int]] = field(default_factory=list)  # (when, status)
    paused: int = 0  # releases after which the budget was paused
    cap_seen: float = math.inf  # the narrowest in-flight cap
    pace_seen: float = math.inf  # the slowest request pace (per minute) in force
    waited: float = 0.0  # seconds callers spent waiting for a permit
    gave_up: int = 0  # requests that failed max_retries + 1 times...
    gave_up_at: list[float] = field(default_factory=list)  # ...and when
    finished_at: float = 0.0

    def rate(self, status: int, start: float, end: float) -> float:
        """Answers with `status` per second between `start` and `end`."""
        return sum(1 for at, s in self.answers if s == status and start <= at < end) / (end - start)

    def share(self, status: int, start: float, end: float) -> float:
        seen = [s for at, s in self.answers if start <= at < end]
        return seen.count(status) / len(seen) if seen else 0.0


def backoff(attempt: int, rng: random.Random) -> float:
    return min(8.0, 0.5 * 2.0 ** (attempt - 1)) * (1.0 - 0.25 * rng.random())


def simulate(
    server: Server,
    *,
    workers: int = 32,
    requests: int | None = None,
    until: float | None = None,
    latency: float = 0.05,
    budget: Budget | None = None,
    seed: int = 0,
    max_retries: int = 1000,
) -> tuple[Run, Budget]:
    """Run the clients until `requests` are done or virtual time `until`; a request
    that failed `max_retries + 1` times is given up."""
    loop = VirtualLoop()
    try:
        return loop.run_until_complete(
            _simulate(server, workers, requests, until, latency, budget, seed, max_retries)
        )
    finally:
        loop.close()


async def _simulate(
    server: Server,
    workers: int,
    requests: int | None,
    until: float | None,
    latency: float,
    budget: Budget | None,
    seed: int,
    max_retries: int,
) -> tuple[Run, Budget]:
    loop = asyncio.get_running_loop()
    if budget is None:
        budget = Budget(None, clock=loop.time, sleep=_no_sync_sleep, asleep=asyncio.sleep)
    rng = random.Random(seed)
    run = Run()
    ids = iter(range(requests if requests is not None else 10**9))
    end = math.inf if until is None else until

    async def worker() -> None:
        for rid in ids:
            attempt = 1
            while loop.time() < end:
                asked = loop.time()
                permit = await budget.aacquire(1)
                run.waited += loop.time() - asked
                await asyncio.sleep(latency)
                answer = server(loop.time(), rid, attempt)
                run.answers.append((loop.time(), answer.status))
                permit.release(
                    status=answer.status, retry_after=answer.retry_after, headers=answer.headers
                )
                if budget.paused_until is not None:
                    run.paused += 1
                pace = budget._pace
                if pace.cap is not None:
                    run.cap_seen = min(run.cap_seen, pace.cap)
                if pace.per_request:
                    run.pace_seen = min(run.pace_seen, 60.0 / pace.per_request)
                if answer.status < 400 or attempt > max_retries:
                    break
                delay = answer.retry_after
                await asyncio.sleep(delay if delay is not None else backoff(attempt, rng))
                attempt += 1
            if loop.time() >= end:
                return

    await asyncio.gather(*(worker() for _ in range(workers)))
    run.finished_at = loop.time()
    return run, budget


def _no_sync_sleep(seconds: float) -> None:
    raise AssertionError("the simulation only waits asynchronously")


# ---- servers -------------------------------------------------------------------------------


def noisy(share_429: float = 0.1, share_503: float = 0.1, seed: int = 0) -> Server:
    """First attempts: a seeded `share_429` answered 429 (retry-after 0.05 s, no rate-limit
    headers) and `share_503` answered 503; every retry succeeds."""

    def answer(now: float, rid: int, attempt: int) -> Answer:
        if attempt > 1:
            return Answer(200)
        draw = random.Random(seed * 1_000_003 + rid).random()
        if draw < share_429:
            return Answer(429, 0.05)
        if draw < share_429 + share_503:
            return Answer(503)
        return Answer(200)

    return answer


class HiddenLimit:
    """A token bucket of `rate` requests/s holding `burst` (default: one second's). Its
    429s carry `retry-after` and, with `headers`, ``x-ratelimit-remaining-requests: 0``;
    with `announce`, every answer carries the limit, what is left and when it is full."""

    def __init__(
        self,
        rate: float = 10.0,
        burst: float | None = None,
        *,
        headers: bool = False,
        announce: bool = False,
    ) -> None:
        self.rate, self.capacity = rate, burst if burst is not None else rate
        self.level, self.stamp = self.capacity, 0.0
        self.headers, self.announce = headers, announce

    def __call__(self, now: float, rid: int, attempt: int) -> Answer:
        self.level = min(self.capacity, self.level + (now - self.stamp) * self.rate)
        self.stamp = now
        told: dict[str, str] = {}
        if self.level >= 1.0:
            self.level -= 1.0
            if self.announce:
                told = self._told()
            return Answer(200, None, told or None)
        wait = (1.0 - self.level) / self.rate
        if self.announce:
            told = self._told()
        elif self.headers:
            told = {"x-ratelimit-remaining-requests": "0"}
        return Answer(429, wait, told or None)

    def _told(self) -> dict[str, str]:
        full_in = (self.capacity - self.level) / self.rate
        return {
            "x-ratelimit-limit-requests": f"{self.rate * 60:g}",
            "x-ratelimit-remaining-requests": str(max(0, math.floor(self.level))),
            "x-ratelimit-reset-requests": f"{math.ceil(full_in * 1000)}ms",
        }


def overload_burst(start: float, end: float, share: float = 0.5, seed: int = 0) -> Server:
    """`share` of the answers between `start` and `end` are 529 (no retry-after)."""
    rng = random.Random(seed)

    def answer(now: float, rid: int, attempt: int) -> Answer:
        if start <= now < end and rng.random() < share:
            return Answer(529)
        return Answer(200)

    return answer


@dataclass(frozen=True)
class Jitter:
    """A loaded machine's scheduling delays, drawn per request (exponential, seeded):
    `send`, the mean seconds between a permit and the server seeing its request (a
    process waiting for a core, building and writing the request), and `answer`, the
    mean seconds between the server's answer and the client reading it. Requests paced
    evenly in each process reach the server bunched, as the live bench's do."""

    send: float = 0.0
    answer: float = 0.0

    def draw(self, rng: random.Random) -> tuple[float, float]:
        """(send, answer) delays of one request."""
        return _exponential(rng, self.send), _exponential(rng, self.answer)


def _exponential(rng: random.Random, mean: float) -> float:
    return rng.expovariate(1.0 / mean) if mean else 0.0


async def adrive(
    acquire: Callable[[], Any],
    release: Callable[[Any, Answer], None],
    server: Server,
    *,
    workers: int,
    until: float,
    latency: float = 0.05,
    seed: int = 0,
    max_retries: int = 1000,
    jitter: Jitter | None = None,
) -> Run:
    """`workers` clients sending through any budget until virtual time `until`:
    `await acquire()` for a permit, `release(permit, answer)` to hand it back; retries
    after the answer's `retry_after` or the SDKs' backoff. Run it on a `VirtualLoop`.
    `jitter`: each request's send and answer delayed (None: never)."""
    loop = asyncio.get_running_loop()
    rng = random.Random(seed)
    delays = random.Random(seed + 1_000_003)  # its own draws: the backoffs stay the same
    run = Run()
    ids = iter(range(10**9))

    async def worker() -> None:
        for rid in ids:
            attempt = 1
            while loop.time() < until:
                permit = await acquire()
                send, read = jitter.draw(delays) if jitter else (0.0, 0.0)
                await asyncio.sleep(latency + send)  # (the server answers at the end)
                answer = server(loop.time(), rid, attempt)
                run.answers.append((loop.time(), answer.status))
                if read:
                    await asyncio.sleep(read)
                release(permit, answer)
                if answer.status < 400:
                    break
                if attempt > max_retries:
                    run.gave_up += 1
                    run.gave_up_at.append(loop.time())
                    break
                delay = answer.retry_after
                await asyncio.sleep(delay if delay is not None else backoff(attempt, rng))
                attempt += 1
            if loop.time() >= until:
                return

    await asyncio.gather(*(worker() for _ in range(workers)))
    run.finished_at = loop.time()
    return run


class SlidingWindow:
    """A strict sliding window: at most `limit` requests accepted in any `window` s
    (600 in any 60 s, as a per-minute limit is often kept). Beyond it, 429 with
    `retry-after: retry_after` -- the server's fixed word, not the real wait, which may
    be most of a minute -- and, with `headers`, ``x-ratelimit-remaining-requests: 0``."""

    def __init__(
        self,
        limit: int = 600,
        window: float = 60.0,
        *,
        retry_after: float = 1.0,
        headers: bool = False,
    ) -> None:
        self.limit, self.window, self.retry_after = limit, window, retry_after
        self.headers = headers
        self.accepted: deque[float] = deque()

    def __call__(self, now: float, rid: int, attempt: int) -> Answer:
        while self.accepted and self.accepted[0] <= now - self.window:
            self.accepted.popleft()
        if len(self.accepted) < self.limit:
            self.accepted.append(now)
            return Answer(200)
        told = {"x-ratelimit-remaining-requests": "0"} if self.headers else None
        return Answer(429, self.retry_after, told)


class PerSecond:
    """At most `limit` requests per calendar second (a fixed window); beyond it, 429 with
    `retry-after` the rest of that second."""

    def __init__(self, limit: int = 10) -> None:
        self.limit, self.second, self.count = limit, -1, 0

    def __call__(self, now: float, rid: int, attempt: int) -> Answer:
        second = math.floor(now)
        if second != self.second:
            self.second, self.count = second, 0
        if self.count < self.limit:
            self.count += 1
            return Answer(200)
        return Answer(429, max(0.001, second + 1 - now))


@dataclass
class Fleet:
    """What several processes saw, each with its own budget, against one server."""

    runs: list[Run]
    budgets: list[Any]

    @property
    def answers(self) -> list[tuple[float, int]]:
        return sorted(a for run in self.runs for a in run.answers)

    @property
    def calls(self) -> int:
        """Calls finished: succeeded, or given up after their retries."""
        return self.succeeded + self.failed

    @property
    def succeeded(self) -> int:
        return sum(1 for run in self.runs for _, status in run.answers if status < 400)

    @property
    def failed(self) -> int:
        return sum(run.gave_up for run in self.runs)

    @property
    def failed_share(self) -> float:
        return self.failed / self.calls if self.calls else 0.0

    def rate(self, status: int, start: float, end: float) -> float:
        return sum(1 for at, s in self.answers if s == status and start <= at < end) / (end - start)

    def share(self, status: int, start: float, end: float) -> float:
        seen = [s for at, s in self.answers if start <= at < end]
        return seen.count(status) / len(seen) if seen else 0.0


def simulate_fleet(
    server: Server,
    *,
    processes: int = 4,
    workers: int = 16,
    until: float = 300.0,
    latency: float = 0.05,
    limit: RateLimit | None = None,
    max_retries: int = 2,
    seed: int = 0,
    make: Callable[[Callable[[], float]], Any] | None = None,
    jitter: Jitter | None = None,
) -> Fleet:
    """`processes` budgets sharing nothing (one per simulated process, each configured
    with `limit`, None: the defaults), each driven by `workers` callers that give a call
    up after `max_retries` retries (the clients' default 2), all against one `server`
    until virtual time `until`. `make(clock)`: another kind of budget per process (a
    machine budget on one file: then they share it). `jitter`: each request's send and
    answer delayed, as on a loaded machine (None: never)."""
    loop = VirtualLoop()

    def budget() -> Any:
        if make is not None:
            return make(loop.time)
        return Budget(limit, clock=loop.time, sleep=_no_sync_sleep, asleep=asyncio.sleep)

    async def main() -> Fleet:
        budgets = [budget() for _ in range(processes)]
        runs = await asyncio.gather(
            *(
                adrive(
                    functools.partial(budget.aacquire, 1),
                    _releaser,
                    server,
                    workers=workers,
                    until=until,
                    latency=latency,
                    seed=seed * 1000 + i,
                    max_retries=max_retries,
                    jitter=jitter,
                )
                for i, budget in enumerate(budgets)
            )
        )
        return Fleet(list(runs), budgets)

    try:
        return loop.run_until_complete(main())
    finally:
        loop.close()


def _releaser(permit: Any, answer: Answer) -> None:
    permit.release(status=answer.status, retry_after=answer.retry_after, headers=answer.headers)
