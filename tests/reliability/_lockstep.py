"""A clock shared by threads and by the tasks of an event loop that moves only when all
of them wait (test helper): sync and async callers of one real `Budget` in virtual time.

Each caller is an `Actor`, made by `LockstepClock.actor()` before it starts and bound by
the thread or task that plays it (`bind`). The clock's `sleep` and `asleep` -- a
Budget's injected sleeps, and the callers' own "the server takes 10 ms" -- park the
caller until the clock reaches the end of its sleep. `run(budget)`, on the test's
thread, moves the clock: once every live caller is parked, it jumps to the earliest
wake-up and wakes that caller alone. So callers run one at a time (besides one the
budget wakes itself), and a run's figures depend on the order of events, not on how
fast the machine is.

A caller blocked in the budget waits on the budget's own event or future, which the
clock does not see, so "parked" is read from the budget's public counts: the callers
inside `acquire` that are not asleep must all be queued (`budget.waiting`), and a
non-empty queue must have its head asleep (a head woken but not yet polling again is
still running). That holds while admission waits on a pace alone -- a configured
requests or tokens rate, with no in-flight cap -- as it does in the suite's tests; a
run that never comes to rest fails after `STUCK` real seconds instead of hanging.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
import time
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from chatplex.http._ratelimit import Budget

POLL = 0.001  # real seconds between looks at the budget (its waits notify nobody)
STUCK = 60.0  # real seconds without rest before a run is declared stuck


@dataclass(eq=False)
class Actor:
    """One caller: what the clock knows of it."""

    name: str
    bound: bool = False  # its thread or task has started and said so
    in_acquire: bool = False
    wake_at: float | None = None  # asleep until then
    order: int = 0  # ties of wake_at go in the order the sleeps began
    done: bool = False
    wake: Callable[[], None] | None = None


class LockstepClock:
    """The clock (call it for the time), its `sleep` / `asleep`, and `run` to move it."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self._cond = threading.Condition()
        self._actors: list[Actor] = []
        self._by_thread: dict[int, Actor] = {}
        self._by_task: dict[asyncio.Task[object], Actor] = {}
        self._sleeps = itertools.count()

    def __call__(self) -> float:
        return self.now

    # ---- the callers' side -----------------------------------------------------------

    def actor(self, name: str) -> Actor:
        """A caller to be: the clock waits for it from now on, until it is `done`."""
        with self._cond:
            actor = Actor(name)
            self._actors.append(actor)
            return actor

    def bind(self, actor: Actor) -> None:
        """Called first by the thread or task that plays `actor`."""
        task = _current_task()
        with self._cond:
            if task is None:
                self._by_thread[threading.get_ident()] = actor
            else:
                self._by_task[task] = actor
            actor.bound = True
            self._cond.notify_all()

    @contextmanager
    def acquiring(self, actor: Actor) -> Iterator[None]:
        """Around a call of `budget.acquire` / `aacquire`."""
        self._set(actor, in_acquire=True)
        try:
            yield
        finally:
            self._set(actor, in_acquire=False)

    def done(self, actor: Actor) -> None:
        self._set(actor, done=True)

    def sleep(self, seconds: float) -> None:
        woken = threading.Event()
        self._park(self._by_thread[threading.get_ident()], seconds, woken.set)
        woken.wait()

    async def asleep(self, seconds: float) -> None:
        loop = asyncio.get_running_loop()
        woken: asyncio.Future[None] = loop.create_future()
        task = asyncio.current_task()
        assert task is not None

        def wake() -> None:
            loop.call_soon_threadsafe(lambda: woken.done() or woken.set_result(None))

        self._park(self._by_task[task], seconds, wake)
        await woken

    def _park(self, actor: Actor, seconds: float, wake: Callable[[], None]) -> None:
        with self._cond:
            actor.wake_at, actor.wake = self.now + max(0.0, seconds), wake
            actor.order = next(self._sleeps)
            self._cond.notify_all()

    def _set(self, actor: Actor, **state: bool) -> None:
        with self._cond:
            for name, value in state.items():
                setattr(actor, name, value)
            self._cond.notify_all()

    # ---- the clock's side ------------------------------------------------------------

    def run(self, budget: Budget) -> None:
        """Move the clock, one wake-up at a time, until every caller is done."""
        while True:
            with self._cond:
                since = time.monotonic()
                while not self._at_rest(budget):
                    if time.monotonic() - since > STUCK:
                        raise AssertionError(f"never at rest: {self._actors}, {budget!r}")
                    self._cond.wait(POLL)
                live = [a for a in self._actors if not a.done]
                if not live:
                    return
                asleep = [a for a in live if a.wake_at is not None]
                if not asleep:
                    raise AssertionError(f"stuck: every caller waits, none sleeps: {live}")
                first = min(asleep, key=lambda a: (a.wake_at, a.order))
                assert first.wake_at is not None and first.wake is not None
                self.now = max(self.now, first.wake_at)
                first.wake_at = None
                first.wake()

    def _at_rest(self, budget: Budget) -> bool:
        live = [a for a in self._actors if not a.done]
        if any(not a.bound or (a.wake_at is None and not a.in_acquire) for a in live):
            return False  # someone is running
        inside = [a for a in live if a.in_acquire]
        heads = sum(1 for a in inside if a.wake_at is not None)
        queued = budget.waiting
        return len(inside) == queued and (queued == 0 or heads == 1)


def _current_task() -> asyncio.Task[object] | None:
    try:
        return asyncio.current_task()
    except RuntimeError:  # no running loop: a thread
        return None
