"""Must-show: against a server enforcing a fixed rate, the shared limiter settles to at
least 90% of the allowed rate with fewer than 5% of requests answered 429 after the first
two seconds, sync and async callers sharing one budget.

The limiter's promise is shown in virtual time (`_lockstep.py`), so it does not
depend on how fast a shared machine runs the callers: the real `Budget`, on a clock that
moves only when every caller waits, against a token bucket on the same clock
(`_pacesim.HiddenLimit`: 40 requests/s, burst 40, 429s carrying `retry-after`). Three
sync callers (threads, `acquire`) and three async callers (tasks on an event loop in
another thread, `aacquire`) loop acquire -> 10 ms server -> release(status, retry_after)
on ONE budget of 2400 requests/min for 7 virtual seconds; each stops by itself once the
limiter cannot admit it before the end (its acquire deadline). The limiter is driven
directly, so this proves the limiter itself, independently of the retry loop.

End to end -- chat models with `rate_limit=` sharing one budget by key, the retry loop
honouring `retry-after`, sync and async callers, against the mock server's real-time
bucket -- asserts what does not depend on the machine's speed: a low 429 share, every
call done, both kinds drawing. The rate they reach in real time is measured by
bench/bench_settle.py.

Run alone (prints the figures):
    .venv/bin/python -m pytest tests/reliability/test_rate_limit.py -q -s
"""

from __future__ import annotations

import asyncio
import itertools
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

from _lockstep import Actor
from _lockstep import LockstepClock
from _pacesim import HiddenLimit

from chatplex.errors import DeadlineExceededError
from chatplex.http._budget_shared import RateLimit
from chatplex.http._ratelimit import Budget
from chatplex.http._ratelimit import Permit

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))
import bench_settle  # noqa: E402

RPS = 40.0  # what the server allows
RUN = 7.0  # virtual seconds of sending
WARMUP = 2.0  # the "after the first two seconds"
LATENCY = 0.01  # the server's time to answer
E2E_RUN = 5.0  # real seconds of sending, end to end: three counted after the warm-up
SYNC_CALLERS = ASYNC_CALLERS = 3


@dataclass
class Row:
    """One request: the order it asked in, when it was admitted and answered, how."""

    asked: int
    admitted: float
    answered: float
    status: int
    kind: str


@dataclass
class Run:
    """The server, the budget and the callers of one virtual run; `rows` from every thread."""

    clock: LockstepClock = field(default_factory=LockstepClock)
    server: HiddenLimit = field(default_factory=lambda: HiddenLimit(RPS, RPS))
    lock: threading.Lock = field(default_factory=threading.Lock)
    rows: list[Row] = field(default_factory=list)
    asks: itertools.count[int] = field(default_factory=itertools.count)

    def __post_init__(self) -> None:
        clock = self.clock
        limit = RateLimit(requests_per_minute=RPS * 60)
        self.budget = Budget(limit, clock=clock, sleep=clock.sleep, asleep=clock.asleep)
        self.end = clock.now + RUN

    def answer(self, permit: Permit, asked: int, kind: str) -> None:
        """The server's answer, once LATENCY has passed: released and logged."""
        with self.lock:
            now = self.clock.now
            answer = self.server(now, asked, 1)
            self.rows.append(Row(asked, permit.admitted_at, now, answer.status, kind))
        permit.release(status=answer.status, retry_after=answer.retry_after)

    @contextmanager
    def playing(self, actor: Actor) -> Iterator[None]:
        """Around a caller's life: it stops once the limiter cannot admit it before the
        end (its acquire deadline)."""
        self.clock.bind(actor)
        try:
            yield
        except DeadlineExceededError:
            pass
        finally:
            self.clock.done(actor)

    @contextmanager
    def asking(self, actor: Actor) -> Iterator[int]:
        """Around one acquire: the order it asked in."""
        with self.clock.acquiring(actor):
            yield next(self.asks)

    def sync_caller(self, actor: Actor) -> None:
        with self.playing(actor):
            while True:
                with self.asking(actor) as asked:
                    permit = self.budget.acquire(1, deadline=self.end)
                self.clock.sleep(LATENCY)
                self.answer(permit, asked, "sync")

    async def async_caller(self, actor: Actor) -> None:
        with self.playing(actor):
            while True:
                with self.asking(actor) as asked:
                    permit = await self.budget.aacquire(1, deadline=self.end)
                await self.clock.asleep(LATENCY)
                self.answer(permit, asked, "async")

    async def async_callers(self, actors: list[Actor]) -> None:
        await asyncio.gather(*(self.async_caller(actor) for actor in actors))


def test_shared_limiter_settles_at_the_allowed_rate() -> None:
    run = Run()
    clock, start = run.clock, run.clock.now
    sync_actors = [clock.actor(f"sync{i}") for i in range(SYNC_CALLERS)]
    async_actors = [clock.actor(f"async{i}") for i in range(ASYNC_CALLERS)]
    # daemons: a run that fails stuck leaves its callers parked, not the interpreter waiting
    threads = [
        threading.Thread(target=run.sync_caller, args=(a,), daemon=True) for a in sync_actors
    ]
    callers = run.async_callers(async_actors)
    loop = threading.Thread(target=asyncio.run, args=(callers,), daemon=True)
    threads.append(loop)
    for t in threads:
        t.start()
    clock.run(run.budget)  # until every caller is done
    for t in threads:
        t.join(30)
    assert not any(t.is_alive() for t in threads), "a caller did not stop"

    # The server's view, by answer time, from two seconds in until the end.
    counted = [r for r in run.rows if start + WARMUP <= r.answered < run.end]
    accepted = sum(1 for r in counted if r.status == 200)
    rejected = sum(1 for r in counted if r.status == 429)
    rate = accepted / (RUN - WARMUP)
    share_429 = rejected / max(1, accepted + rejected)
    # The callers' view, by admission time: the same figures, and who sent them.
    late = [r for r in run.rows if r.admitted >= start + WARMUP]
    ok = [r for r in late if r.status == 200]
    by_kind = {kind: sum(1 for r in ok if r.kind == kind) for kind in ("sync", "async")}
    print(
        f"\nallowed {RPS:.0f}/s; after {WARMUP:.0f} virtual s: server accepted {accepted} "
        f"and rejected {rejected} = {rate:.2f}/s ({rate / RPS:.1%} of allowed), "
        f"429 share {share_429:.2%}; callers saw {len(ok)} ok of {len(late)} "
        f"(sync {by_kind['sync']}, async {by_kind['async']}); whole run: "
        f"{len(run.rows)} requests, {sum(1 for r in run.rows if r.status == 429)} answered "
        f"429; final pace {run.budget.current_rate_per_minute:.0f}/min"
    )

    assert rate >= 0.9 * RPS
    assert share_429 < 0.05
    assert len(ok) >= 0.9 * RPS * (RUN - WARMUP) and len(ok) / max(1, len(late)) > 0.95
    # Sync and async callers both drew on the one budget (about half each), in the order
    # they asked: FIFO, whichever kind asked.
    assert min(by_kind.values()) >= 0.25 * len(ok)
    admitted = [r.admitted for r in sorted(run.rows, key=lambda r: r.asked)]
    assert admitted == sorted(admitted)
    assert run.budget.in_flight == 0 and run.budget.waiting == 0


def test_through_chat_models_sync_and_async() -> None:
    """End to end, in real time: `rate_limit=` on the models, `invoke` from threads and
    `ainvoke` from an event loop, two model instances sharing one budget by key, and the
    retry loop (which retries a 429 after its `retry-after`) in between. How fast the
    callers go is the machine's; what may not depend on it is asserted."""
    run = bench_settle.settle_run("models", seconds=E2E_RUN, warmup=WARMUP)
    print(f"\nvia ChatModel, {E2E_RUN:g} s in real time: {run}")
    assert run["stuck_callers"] == 0 and run["failed"] == 0  # every call done
    assert run["share_429"] < 0.05  # the shared budget held the callers under the limit
    assert run["ok_sync"] > 0 and run["ok_async"] > 0  # both kinds drew on it
