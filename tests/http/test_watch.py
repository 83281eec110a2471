"""`_watch.Watch`: one timer per attempt, cutting the driver's waits at `until()`."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from _httpkit import PROMPTLY
from _httpkit import Bound

from chatplex.errors import APITimeoutError
from chatplex.http._watch import Watch


async def test_a_wait_inside_the_driver_is_cut_at_the_bound() -> None:
    watch = Watch(Bound(0.05))  # type: ignore[arg-type]
    watch.enter()
    with pytest.raises(asyncio.CancelledError) as info:
        await asyncio.sleep(60)
    err = watch.translate(info.value)
    assert isinstance(err, APITimeoutError)
    assert asyncio.current_task().cancelling() == 0  # type: ignore[union-attr]
    watch.stop()


async def test_the_consumers_time_is_never_cut() -> None:
    call = Bound(0.05)
    watch = Watch(call)  # type: ignore[arg-type]
    watch.enter()
    watch.leave()  # the consumer holds a chunk past the bound: nothing is cancelled
    await asyncio.sleep(0.15)
    call.end = time.monotonic() + 60  # content came: the bound moved on
    watch.enter()
    await asyncio.sleep(0.05)  # and the next wait is not cut either
    watch.stop()


async def test_a_bound_that_moved_re_arms_the_timer_instead_of_firing() -> None:
    call = Bound(0.05)
    watch = Watch(call)  # type: ignore[arg-type]
    watch.enter()
    call.end = time.monotonic() + 0.2  # progress before the first timer fires
    start = time.monotonic()
    with pytest.raises(asyncio.CancelledError) as info:
        await asyncio.sleep(60)
    assert time.monotonic() - start >= 0.1  # the new bound, not the first
    assert isinstance(watch.translate(info.value), APITimeoutError)


async def test_an_outside_cancellation_stays_a_cancellation() -> None:
    watch = Watch(Bound(60))  # type: ignore[arg-type]
    watch.enter()
    task = asyncio.current_task()
    assert task is not None
    asyncio.get_running_loop().call_later(0.01, task.cancel)
    with pytest.raises(asyncio.CancelledError) as info:
        await asyncio.sleep(60)
    assert watch.translate(info.value) is info.value  # not ours: passed on unchanged
    watch.stop()
    task.uncancel()


async def test_stop_leaves_no_timer() -> None:
    watch = Watch(Bound(0.02))  # type: ignore[arg-type]
    watch.enter()
    watch.stop()
    await asyncio.sleep(0.05)  # would have been cancelled had the timer survived


async def test_the_bounds_timeout_names_what_the_partners_async_clients_raise() -> None:
    """A cut wait's timeout holds the class an aiohttp client's total timeout raises
    for it and the name of httpx's async client's (read by the drop-ins whose partner's
    async client is aiohttp, or httpx); a passed deadline, which no client's timeout
    stands for, holds neither."""
    from chatplex.errors import DeadlineExceededError
    from chatplex.http._lean import AIOHTTP_CLASS
    from chatplex.http._lean import HTTPX_CLASS

    class Deadline(Bound):
        def timed_out(self) -> Exception:
            return DeadlineExceededError("the call's deadline passed")

    seen = []
    for call in (Bound(0.05), Deadline(0.05)):
        watch = Watch(call)  # type: ignore[arg-type]
        watch.enter()
        with pytest.raises(asyncio.CancelledError) as info:
            await asyncio.sleep(60)
        seen.append(watch.translate(info.value))
        watch.stop()
    timeout, deadline = seen
    assert getattr(timeout, AIOHTTP_CLASS) is TimeoutError
    assert isinstance(deadline, DeadlineExceededError) and not hasattr(deadline, AIOHTTP_CLASS)
    # And the class httpx's async client raises for the wait (its read timeout), read
    # by the drop-ins whose partner's async client is httpx.
    assert getattr(timeout, HTTPX_CLASS) == "ReadTimeout"
    assert not hasattr(deadline, HTTPX_CLASS)


async def test_a_far_bound_is_swept_without_a_timer_of_its_own() -> None:
    """A bound further off than `_FAR` arms no timer per call: the loop's sweep holds
    the watch until the attempt ends."""
    from chatplex.http import _watch

    watch = Watch(Bound(_watch._FAR * 4))  # type: ignore[arg-type]
    watch.enter()
    sweep = _watch._sweep(asyncio.get_running_loop())
    assert watch._handle is None and watch in sweep.watches
    watch.enter()  # a stream's next wait: still swept, not added again
    assert watch in sweep.watches
    watch.stop()
    assert watch not in sweep.watches


async def test_a_swept_bound_still_cuts_the_wait_on_time(monkeypatch: pytest.MonkeyPatch) -> None:
    """The sweep arms the watch's own timer once its bound is near: the wait is cut at
    the bound, not at the sweep after it."""
    from chatplex.http import _watch

    monkeypatch.setattr(_watch, "_FAR", 0.1)
    loop = asyncio.get_running_loop()
    armed: list[float] = []  # when each sweep left the watch's own timer set to fire
    sweep_run = _watch._Sweep._run

    def run(sweep: Any) -> None:
        sweep_run(sweep)
        if watch._handle is not None:
            armed.append(watch._handle.when())

    monkeypatch.setattr(_watch._Sweep, "_run", run)
    watch = Watch(Bound(0.35))  # type: ignore[arg-type]
    start, started = time.monotonic(), loop.time()
    watch.enter()
    assert watch._swept
    with pytest.raises(asyncio.CancelledError) as info:
        await asyncio.sleep(60)
    assert time.monotonic() - start >= 0.34
    # Cut by its own timer, set for the bound (not left to the next sweep) -- or, on a
    # machine so loaded that the sweep before the bound ran after it, by that sweep.
    assert all(abs(when - (started + 0.35)) < 0.02 for when in armed), armed
    assert time.monotonic() - start < PROMPTLY
    assert isinstance(watch.translate(info.value), APITimeoutError)
    watch.stop()
    assert watch not in _watch._sweep(asyncio.get_running_loop()).watches


def test_a_sweep_keeps_no_loop_alive() -> None:
    """A watch left swept when its loop is dropped (a call abandoned mid-wait) is held
    by that loop alone: nothing of the module keeps the loop, its tasks or the call."""
    import gc
    import weakref

    from chatplex.http import _watch

    async def abandoned() -> None:
        Watch(Bound(_watch._FAR * 4)).enter()  # type: ignore[arg-type]

    loop = asyncio.new_event_loop()
    loop.run_until_complete(abandoned())
    gone = weakref.ref(loop)
    loop.close()
    del loop
    gc.collect()
    assert gone() is None
