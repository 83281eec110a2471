"""A budget shared by every worker of a Ray cluster: one named, detached async actor per
budget key, which keeps the numbers (`_schedule.Schedule`) and serves waiters in arrival
order.

Acquiring a permit is one actor call, which returns when the permit is granted (the
actor waits, not the caller: no polling across the network). The acquires waiting in one
event loop go in one call: the actor serves the first, then reserves slots of the
schedule at most HORIZON s ahead for the others (each is sent after its delay), unless
other callers are queued. Releases are queued on the caller's side and sent in batches:
with the caller's next acquire, or in one call per event-loop turn (at once outside a
loop). A worker that dies holding permits does not
hold them for ever: each in-flight slot is a lease that expires after `LEASE` s. An actor
lost with its node is restarted by Ray (with fresh numbers) and the calls to it re-sent.

The actor is named from a digest of the budget key (provider, base URL, key digest,
model): the name says nothing about the key. It lives in the "chatplex" namespace and
takes no CPU. Ray is imported only when a cluster budget is made.

>>> budget = cluster_budget(key, RateLimit(600, scope="cluster"))  # doctest: +SKIP
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import hashlib
import itertools
import math
import threading
import time
import weakref
from typing import Any

from ..errors import DeadlineExceededError
from ._budget_shared import Outcome
from ._budget_shared import RateLimit
from ._budget_shared import SharedPermit
from ._learn import Announced
from ._learn import read_limits
from ._schedule import MAX_PAUSE
from ._schedule import Schedule
from ._schedule import admit
from ._schedule import settle

__all__ = ["LEASE", "NAMESPACE", "BudgetActor", "ClusterBudget", "actor_name", "cluster_budget"]

NAMESPACE = "chatplex"
LEASE = 600.0  #: seconds an in-flight slot stays taken if its holder never releases it
POLL = 0.05  #: seconds between checks of a waiter held by the in-flight cap
HORIZON = 0.25  #: how far ahead (s) one call may reserve slots for a caller's other acquires
#: (lease, admitted_at, tokens, the answer without its headers, max_pause, the limits
#: the headers announced) of one release: read on the caller's side, so only these
#: numbers travel.
Release = tuple[int, float, int, Outcome, float, "Announced | None"]
#: (lease, admitted_at, delay): the permit, and the seconds to wait before sending.
Grant = tuple[int, float, float]


def actor_name(key: tuple[str, ...]) -> str:
    """The actor's name: a digest of the budget key, never the key's parts."""
    return "chatplex-budget-" + hashlib.sha256("\0".join(key).encode()).hexdigest()[:32]


class BudgetActor:
    """The actor's class (made a Ray actor by `cluster_budget`): one budget's numbers.

    Plain Python, so it is tested without Ray; `clock` is injectable."""

    def __init__(self, limit: RateLimit, clock: Any = time.monotonic) -> None:
        self.limit = limit
        self._clock = clock
        self._schedule = Schedule.fresh(clock())
        self._leases: dict[int, float] = {}  # in flight: lease -> when it expires
        self._ids = itertools.count(1)
        self._head: asyncio.Lock | None = None  # made on the actor's loop
        self._queued = 0  # callers waiting for the head (reservations never pass them)
        self._released: asyncio.Event | None = None
        self.granted = self.expired = self.calls = 0
        #: The longest spacing of a learned pace: the latest release's `max_pause` (as the
        #: latest caller's limits: sharers should agree).
        self.max_pause = MAX_PAUSE

    async def stats(self) -> dict[str, Any]:
        """Permits granted, leases expired, in flight, and the pace factor. (Every method
        is async: all run on the actor's one event loop, never beside each other.)"""
        return {
            "granted": self.granted,
            "calls": self.calls,
            "expired": self.expired,
            "in_flight": len(self._leases),
            "factor": self._schedule.factor,
        }

    async def acquire(
        self, tokens: int, timeout: float | None, limit: RateLimit, releases: list[Release]
    ) -> tuple[int, float] | None:
        """(lease, admitted_at) once a request of `tokens` may go; None if that cannot
        happen within `timeout` s. `releases`: the caller's queued releases, first."""
        self.calls += 1
        self._settle(releases)
        self.limit = limit  # the latest caller's limits (sharers should agree)
        head = self._head = self._head or asyncio.Lock()
        give_up = math.inf if timeout is None else self._clock() + timeout
        self._queued += 1
        try:
            await asyncio.wait_for(head.acquire(), None if timeout is None else timeout)
        except TimeoutError:
            return None
        finally:
            self._queued -= 1
        try:
            while True:
                now = self._clock()
                self._expire(now)
                wait = admit(
                    self._schedule,
                    self.limit,
                    now=now,
                    tokens=tokens,
                    in_flight=len(self._leases),
                    max_pause=self.max_pause,
                )
                if wait <= 0.0:
                    lease = next(self._ids)
                    self._leases[lease] = now + LEASE
                    self.granted += 1
                    return lease, now
                if now + (0.0 if wait == math.inf else wait) >= give_up:
                    return None
                step = min(POLL if wait == math.inf else wait, give_up - now)
                if wait == math.inf:
                    released = self._released = self._released or asyncio.Event()
                    released.clear()
                    with contextlib.suppress(asyncio.TimeoutError):
                        await asyncio.wait_for(released.wait(), step)
                else:
                    await asyncio.sleep(step)
        finally:
            head.release()

    async def acquire_many(
        self, asks: list[tuple[int, float | None]], limit: RateLimit, releases: list[Release]
    ) -> list[Grant | None | bool]:
        """One call for a caller's waiting acquires, (tokens, timeout) in arrival order:
        the first is served as `acquire` serves one; then, unless other callers are
        queued, the next ones are granted as reservations -- a slot of the schedule at
        most HORIZON s ahead, (lease, admitted_at, delay): send after `delay` s. Each
        result: a grant, None (its timeout passed), or False (not served: ask again)."""
        tokens, timeout = asks[0]
        first = await self.acquire(tokens, timeout, limit, releases)
        results: list[Grant | None | bool] = [None if first is None else (*first, 0.0)]
        rest = asks[1:]
        if first is None or self._queued:
            return results + [False] * len(rest)
        now = self._clock()
        for index, (tokens, _timeout) in enumerate(rest):
            grant = self._reserve(now, tokens)
            if grant is None:
                return results + [False] * (len(rest) - index)
            results.append(grant)
        return results

    def _reserve(self, now: float, tokens: int) -> Grant | None:
        """A grant at the first free slot if it is within HORIZON s, else None."""
        schedule, in_flight = self._schedule, len(self._leases)
        probe = dataclasses.replace(schedule)  # the wait, without charging yet
        asked = functools.partial(
            admit, limit=self.limit, tokens=tokens, in_flight=in_flight, max_pause=self.max_pause
        )
        wait = asked(probe, now=now)
        if wait > HORIZON:  # math.inf too: the cap is full
            return None
        at = now + max(0.0, wait)
        if asked(schedule, now=at) != 0.0:
            return None
        lease = next(self._ids)
        self._leases[lease] = at + LEASE
        self.granted += 1
        return lease, at, at - now

    async def release_many(self, releases: list[Release]) -> None:
        """Settle released permits (each lease once; an expired lease still teaches)."""
        self._settle(releases)

    def _settle(self, releases: list[Release]) -> None:
        if not releases:
            return
        now = self._clock()
        for lease, admitted_at, tokens, answer, max_pause, told in releases:
            self._leases.pop(lease, None)
            self.max_pause = max_pause
            settle(
                self._schedule,
                self.limit,
                answer,
                now=now,
                admitted_at=admitted_at,
                tokens=tokens,
                max_pause=max_pause,
                announced=told,
                in_flight=len(self._leases),
            )
        if self._released is not None:
            self._released.set()

    def _expire(self, now: float) -> None:
        if not self._leases:
            return
        gone = [lease for lease, until in self._leases.items() if until <= now]
        for lease in gone:
            del self._leases[lease]
        self.expired += len(gone)


class _Ask:
    """One waiting `aacquire`."""

    __slots__ = ("cancelled", "deadline", "future", "tokens")

    def __init__(self, tokens: int, deadline: float | None, future: asyncio.Future[Grant]) -> None:
        self.tokens, self.deadline, self.future = tokens, deadline, future
        self.cancelled = False


class _Lane:
    """One event loop's acquires: those waiting, and whether a call is out for them."""

    __slots__ = ("asks", "busy", "task")

    def __init__(self) -> None:
        self.asks: list[_Ask] = []
        self.busy = False
        self.task: asyncio.Task[None] | None = None


class ClusterBudget:
    """This process's handle on a cluster budget: a sync `acquire` is one call to the
    actor; the `aacquire`s waiting in one event loop share one call; releases are batched
    (see the module doc)."""

    def __init__(self, limit: RateLimit, actor: Any, *, key: tuple[str, ...] = ()) -> None:
        self.key = key
        self.limit = limit
        self.actor = actor
        self.counts_tokens = bool(limit.tokens_per_minute)
        self.max_pause = MAX_PAUSE  # as `Budget.max_pause`
        self._pending: list[Release] = []
        self._lock = threading.Lock()
        self._flush_scheduled = False
        #: Per event loop: the acquires waiting for its next actor call.
        self._lanes: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _Lane] = (
            weakref.WeakKeyDictionary()
        )

    def __repr__(self) -> str:
        return f"ClusterBudget({self.limit!r})"

    def set_limit(self, limit: RateLimit) -> None:
        self.limit = limit
        self.counts_tokens = bool(limit.tokens_per_minute)

    def acquire(self, tokens: int, *, deadline: float | None = None) -> SharedPermit:
        import ray

        timeout = _timeout(deadline)
        ref = self.actor.acquire.remote(tokens, timeout, self.limit, self._take_pending())
        return self._permit(ray.get(ref), tokens)

    async def aacquire(self, tokens: int, *, deadline: float | None = None) -> SharedPermit:
        """Queue for the next actor call of this event loop: the acquires waiting in one
        loop go in one call (`BudgetActor.acquire_many`); a reservation is slept off here."""
        loop = asyncio.get_running_loop()
        ask = _Ask(tokens, deadline, loop.create_future())
        lane = self._lanes.get(loop)
        if lane is None:
            lane = self._lanes[loop] = _Lane()
        lane.asks.append(ask)
        if not lane.busy:
            lane.busy = True
            loop.call_soon(self._send, loop, lane)
        try:
            lease, admitted_at, delay = await ask.future
        except asyncio.CancelledError:
            ask.cancelled = True  # a grant that still comes is handed straight back
            raise
        permit = SharedPermit(self._settle, tokens, admitted_at, lease)
        if delay > 0:
            try:
                await asyncio.sleep(delay)
            except BaseException:
                permit.release()  # cancelled while its slot came: the slot is given back
                raise
        return permit

    def _send(self, loop: asyncio.AbstractEventLoop, lane: _Lane) -> None:
        asks, lane.asks = lane.asks, []
        asks = [ask for ask in asks if not ask.cancelled]
        if not asks:
            lane.busy = False
            return
        wanted = [(ask.tokens, _timeout(ask.deadline)) for ask in asks]
        ref = self.actor.acquire_many.remote(wanted, self.limit, self._take_pending())
        task = loop.create_task(self._answer(ref, asks, loop, lane))
        lane.task = task  # held: a task nobody holds may be collected before it ends

    async def _answer(
        self, ref: Any, asks: list[_Ask], loop: asyncio.AbstractEventLoop, lane: _Lane
    ) -> None:
        try:
            results = await ref
        except Exception as exc:  # the actor is gone: every waiter hears why
            for ask in asks:
                if not ask.future.done():
                    ask.future.set_exception(exc)
            lane.busy = False
            return
        except BaseException:  # this loop is closing: its waiters are cancelled with it
            for ask in asks:
                ask.future.cancel()
            lane.busy = False
            raise
        again = []
        for ask, result in zip(asks, results, strict=True):
            if result is False:
                again.append(ask)  # not served this time: first in the next call
            elif ask.cancelled or ask.future.done():
                if result is not None:
                    lease, admitted_at, _delay = result
                    SharedPermit(self._settle, ask.tokens, admitted_at, lease).release()
            elif result is None:
                ask.future.set_exception(
                    DeadlineExceededError("the deadline passed while waiting in the rate limiter")
                )
            else:
                ask.future.set_result(result)
        lane.asks[:0] = again
        self._send(loop, lane)

    def _permit(self, granted: tuple[int, float] | None, tokens: int) -> SharedPermit:
        if granted is None:
            raise DeadlineExceededError("the deadline passed while waiting in the rate limiter")
        lease, admitted_at = granted
        return SharedPermit(self._settle, tokens, admitted_at, lease)

    def _settle(
        self,
        permit: SharedPermit,
        answer: Outcome,
    ) -> None:
        told = read_limits(answer.headers) if answer.headers is not None else None
        sent = dataclasses.replace(answer, headers=None)  # what they told travels instead
        entry = (permit.lease, permit.admitted_at, permit.tokens, sent, self.max_pause, told)
        with self._lock:
            self._pending.append(entry)
            if self._flush_scheduled:
                return
            self._flush_scheduled = True
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            self.flush()
        else:
            loop.call_soon(self.flush)  # the releases of this loop turn go in one call

    def _take_pending(self) -> list[Release]:
        with self._lock:
            pending, self._pending = self._pending, []
            return pending

    def flush(self) -> None:
        """Send the queued releases now (one actor call, not waited for)."""
        with self._lock:
            self._flush_scheduled = False
            pending, self._pending = self._pending, []
        if pending:
            self.actor.release_many.remote(pending)

    def stats(self) -> dict[str, Any]:
        """The actor's counts (`BudgetActor.stats`)."""
        import ray

        self.flush()
        result: dict[str, Any] = ray.get(self.actor.stats.remote())
        return result


def _timeout(deadline: float | None) -> float | None:
    """A deadline (this process's monotonic clock) as seconds left: the actor's clock is
    another machine's."""
    return None if deadline is None else max(0.0, deadline - time.monotonic())


_budgets: dict[tuple[str, ...], ClusterBudget] = {}
_budgets_lock = threading.Lock()


def cluster_budget(key: tuple[str, ...], limit: RateLimit) -> ClusterBudget:
    """This process's handle on the cluster-wide budget of `key`: the named actor is found,
    or made (detached: it outlives the driver; `drop_cluster_budget` removes it). Needs
    Ray initialised (`ray.init`), as inside any Ray task or actor."""
    with _budgets_lock:
        budget = _budgets.get(key)
        if budget is None:
            budget = _budgets[key] = ClusterBudget(limit, _actor(key, limit), key=key)
    if budget.limit != limit:
        budget.set_limit(limit)
    return budget


def drop_cluster_budget(key: tuple[str, ...]) -> bool:
    """Kill the actor of `key`'s cluster budget, if there is one; whether there was."""
    import ray

    with _budgets_lock:
        _budgets.pop(key, None)
    try:
        actor = ray.get_actor(actor_name(key), namespace=NAMESPACE)
    except ValueError:
        return False
    ray.kill(actor)
    return True


def _actor(key: tuple[str, ...], limit: RateLimit) -> Any:
    import ray

    remote = ray.remote(BudgetActor)
    return remote.options(
        name=actor_name(key),
        namespace=NAMESPACE,
        lifetime="detached",
        get_if_exists=True,
        num_cpus=0,
        max_concurrency=10_000,  # waiters are coroutines parked in the actor
        # Lost with its node: made again (fresh numbers: a burst, then the pace), and the
        # calls in flight to it are sent again rather than failing every caller's row.
        max_restarts=-1,
        max_task_retries=-1,
    ).remote(limit)
