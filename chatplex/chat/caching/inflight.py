"""Calls through a reply cache, and one HTTP call for identical requests in flight.

`cached_call` / `acached_call` answer a non-stream call from the cache, from an identical
call already on the wire, or by sending it (then storing the reply); `cached_stream` /
`acached_stream` replay a stored reply as one chunk, or store a stream that ended
normally. Keys and the stored format are in `entries.py`, the backends in `memory.py`
and `sqlite.py`.

In flight: while a non-stream call for a key is on the wire, identical calls (same cache,
same key) wait for it instead of sending, then read its reply; sync and async callers, any
thread, any event loop (waiters are woken through their own loop). If that call fails with
a provider error the waiters get the same error; if it is cancelled or times out, one of
them sends instead. Streams look the cache up and fill it, but do not wait for each other.
A backend that fails to store or look up (or is locked past the call's bounds) is a miss,
logged once per cache and kind of failure (`chat/caching/faults.py`): the cache never fails
a call. Lookups and stores get the call's deadline (`BaseCache.lookup_within` ...), and
async calls await the backend's async methods, so a waiting backend never blocks a loop;
the waiters of a call whose reply could not be stored still get that reply.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import AsyncIterator
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Iterator
from typing import TYPE_CHECKING
from typing import NamedTuple

from ...core.chunks import aclosing_iterator
from ...core.chunks import closing_iterator
from ...errors import APIError
from ...errors import DeadlineExceededError
from ...messages import AIMessage
from ...messages import AIMessageChunk
from ...messages import merge_chunks
from ...messages import reply_as_chunk
from .base import BaseCache
from .entries import dump_reply
from .entries import load_reply
from .faults import describe
from .faults import warn_once

if TYPE_CHECKING:
    import asyncio

__all__ = ["Entry", "acached_call", "acached_stream", "cached_call", "cached_stream"]


@contextlib.contextmanager
def _fault_is_miss(cache: BaseCache, doing: str) -> Iterator[None]:
    """A backend failure inside the block (a full disk, a locked file, an odd value) is
    logged once and goes no further: the cache never fails a call."""
    try:
        yield
    except Exception as exc:
        warn_once(cache, describe(exc), exc, doing)


def _dump(cache: BaseCache, message: AIMessage) -> str | None:
    with _fault_is_miss(cache, "storing a reply"):
        return dump_reply(message)
    return None


class Entry(NamedTuple):
    """A reply's place: its cache and key, and the call's deadline, which bounds each
    lookup and store."""

    cache: BaseCache
    key: str
    deadline: float | None

    def lookup(self) -> AIMessage | None:
        value = None
        with _fault_is_miss(self.cache, "looking a reply up"):
            value = self.cache.lookup_within(self.key, self.deadline)
        return None if value is None else load_reply(value)

    async def alookup(self) -> AIMessage | None:
        value = None
        with _fault_is_miss(self.cache, "looking a reply up"):
            value = await self.cache.alookup_within(self.key, self.deadline)
        return None if value is None else load_reply(value)

    def store(self, value: str | None) -> None:
        if value is not None:
            with _fault_is_miss(self.cache, "storing a reply"):
                self.cache.update_within(self.key, value, self.deadline)

    async def astore(self, value: str | None) -> None:
        if value is not None:
            with _fault_is_miss(self.cache, "storing a reply"):
                await self.cache.aupdate_within(self.key, value, self.deadline)


# ---- identical calls in flight ----------------------------------------------------------


class _Waiter:
    __slots__ = ("event", "future", "loop")

    def __init__(self, loop: asyncio.AbstractEventLoop | None) -> None:
        # asyncio is imported by whoever has a loop: `import chatplex` stays without it
        self.loop = loop
        self.event: threading.Event | None = None if loop is not None else threading.Event()
        self.future: asyncio.Future[None] | None = None if loop is None else loop.create_future()

    def wake(self) -> None:
        if self.event is not None:
            self.event.set()
        elif self.loop is not None and self.future is not None:
            # A closed loop raises RuntimeError: nobody waits there any more.
            with contextlib.suppress(RuntimeError):
                self.loop.call_soon_threadsafe(_resolve, self.future)


def _resolve(future: asyncio.Future[None]) -> None:
    if not future.done():
        future.set_result(None)


class _Flight:
    """One call on the wire for a key; `value`/`error` are set when it lands."""

    __slots__ = ("error", "loop", "thread", "value", "waiters")

    def __init__(self, loop: asyncio.AbstractEventLoop | None) -> None:
        self.loop = loop  # the leader's event loop (None: a sync leader)
        self.thread = threading.get_ident()
        self.waiters: list[_Waiter] = []
        self.value: str | None = None
        self.error: APIError | None = None


#: By the entry's cache and key.
_flights: dict[tuple[BaseCache, str], _Flight] = {}
_flights_lock = threading.Lock()


def _running_loop() -> asyncio.AbstractEventLoop | None:
    events = sys.modules.get("asyncio.events")  # no asyncio imported: no loop running
    if events is None:
        return None
    loop: asyncio.AbstractEventLoop | None = events._get_running_loop()
    return loop


def _join(
    entry: Entry, loop: asyncio.AbstractEventLoop | None, sync: bool
) -> tuple[_Flight | None, _Waiter | None]:
    """(flight, None): lead it; (flight, waiter): wait for it; (None, None): go alone
    (a sync caller must not block the thread the leader needs)."""
    with _flights_lock:
        place = entry.cache, entry.key
        flight = _flights.get(place)
        if flight is None:
            flight = _flights[place] = _Flight(loop)
            return flight, None
        if sync and (
            flight.thread == threading.get_ident() or (loop is not None and flight.loop is loop)
        ):
            return None, None
        waiter = _Waiter(None if sync else loop)
        flight.waiters.append(waiter)
        return flight, waiter


def _land(entry: Entry, flight: _Flight, value: str | None, error: APIError | None) -> None:
    place = entry.cache, entry.key
    with _flights_lock:
        if _flights.get(place) is flight:
            del _flights[place]
        flight.value, flight.error = value, error
        waiters = flight.waiters
        flight.waiters = []
    for waiter in waiters:
        waiter.wake()


def _leave(flight: _Flight, waiter: _Waiter) -> None:
    with _flights_lock:
        if waiter in flight.waiters:
            flight.waiters.remove(waiter)


def _outcome(flight: _Flight) -> AIMessage | None:
    """What a waiter gets once the flight landed: the reply, the leader's provider error
    (raised), or None -- the leader gave up: try again."""
    if flight.error is not None:
        err = flight.error
        raise _copy_error(err) from err.__cause__
    return None if flight.value is None else load_reply(flight.value)


def _copy_error(err: APIError) -> APIError:
    import copy

    clone = copy.copy(err)
    clone.__traceback__ = None
    return clone


def _seconds_left(deadline: float | None) -> float | None:
    return None if deadline is None else max(0.0, deadline - time.monotonic())


def cached_call(entry: Entry, call: Callable[[], AIMessage]) -> tuple[AIMessage, bool]:
    """The reply for `key`: from the cache, from an identical call in flight, or from
    `call()` (then stored). Returns (reply, whether it cost an HTTP call here)."""
    while True:
        hit = entry.lookup()
        if hit is not None:
            return hit, False
        flight, waiter = _join(entry, _running_loop(), sync=True)
        if flight is None:
            message = call()
            entry.store(_dump(entry.cache, message))
            return message, True
        if waiter is None:
            return _lead(entry, flight, call), True
        shared = _wait(flight, waiter, entry.deadline)
        if shared is not None:
            return shared, False


async def acached_call(
    entry: Entry, call: Callable[[], Awaitable[AIMessage]]
) -> tuple[AIMessage, bool]:
    """The async `cached_call`."""
    import asyncio

    loop = asyncio.get_running_loop()
    while True:
        hit = await entry.alookup()
        if hit is not None:
            return hit, False
        flight, waiter = _join(entry, loop, sync=False)
        assert flight is not None
        if waiter is None:
            return await _alead(entry, flight, call), True
        shared = await _await(flight, waiter, entry.deadline)
        if shared is not None:
            return shared, False


@contextlib.contextmanager
def _lands_if_failed(entry: Entry, flight: _Flight) -> Iterator[None]:
    """The leader's call: if it fails, the waiters get its provider error, or (cancelled,
    timed out) nothing: one of them then sends instead."""
    try:
        yield
    except APIError as err:
        _land(entry, flight, None, err)
        raise
    except BaseException:
        _land(entry, flight, None, None)
        raise


def _lead(entry: Entry, flight: _Flight, call: Callable[[], AIMessage]) -> AIMessage:
    with _lands_if_failed(entry, flight):
        message = call()
    # The waiters get the reply even when the cache cannot store it (a locked file).
    value = _dump(entry.cache, message)
    try:
        entry.store(value)
    finally:
        _land(entry, flight, value, None)
    return message


async def _alead(
    entry: Entry, flight: _Flight, call: Callable[[], Awaitable[AIMessage]]
) -> AIMessage:
    with _lands_if_failed(entry, flight):
        message = await call()
    value = _dump(entry.cache, message)
    try:  # the store may wait (a locked file): the waiters are woken even if cancelled
        await entry.astore(value)
    finally:
        _land(entry, flight, value, None)
    return message


def _wait(flight: _Flight, waiter: _Waiter, deadline: float | None) -> AIMessage | None:
    """Block until the flight lands: its `_outcome`."""
    assert waiter.event is not None
    if not waiter.event.wait(_seconds_left(deadline)):
        _leave(flight, waiter)
        raise _deadline_passed()
    return _outcome(flight)


async def _await(flight: _Flight, waiter: _Waiter, deadline: float | None) -> AIMessage | None:
    """`_wait` on an event loop."""
    import asyncio

    assert waiter.future is not None
    try:
        await asyncio.wait((waiter.future,), timeout=_seconds_left(deadline))
    finally:
        _leave(flight, waiter)
    if not waiter.future.done():
        raise _deadline_passed()
    return _outcome(flight)


def _deadline_passed() -> DeadlineExceededError:
    return DeadlineExceededError("the deadline passed while waiting for an identical call")


def cached_stream(
    entry: Entry,
    start: Callable[[], Iterator[AIMessageChunk]],
    on_hit: Callable[[AIMessage], object],
) -> Iterator[AIMessageChunk]:
    """Chunks for `entry`: the stored reply replayed (`on_hit(reply)`), or `start()`'s
    chunks, stored once the stream ended normally."""
    hit = entry.lookup()
    if hit is not None:
        on_hit(hit)
        yield reply_as_chunk(hit)
        return
    received: list[AIMessageChunk] = []
    with closing_iterator(start()) as chunks:
        for chunk in chunks:
            received.append(chunk)
            yield chunk
    entry.store(_dump(entry.cache, merge_chunks(received).to_message()))


async def acached_stream(
    entry: Entry,
    start: Callable[[], AsyncIterator[AIMessageChunk]],
    on_hit: Callable[[AIMessage], object],
) -> AsyncIterator[AIMessageChunk]:
    """The async `cached_stream`."""
    hit = await entry.alookup()
    if hit is not None:
        on_hit(hit)
        yield reply_as_chunk(hit)
        return
    received: list[AIMessageChunk] = []
    async with aclosing_iterator(start()) as chunks:
        async for chunk in chunks:
            received.append(chunk)
            yield chunk
    await entry.astore(_dump(entry.cache, merge_chunks(received).to_message()))
