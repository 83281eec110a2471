"""The async bound of a call: one timer that cancels the call's wait at `until()`.

An `asyncio.timeout` around every read costs 4-13 us a chunk and is re-made each time;
here one loop timer per attempt is armed at the call's `until()`. When it fires it looks
again: if content moved `until()` later, it re-arms for the new time (so a stream costs
one timer event per idle period, not one per chunk); if not, it cancels the task -- but
only while the task is waiting inside the driver (`inside`), never while the consumer
holds a chunk. The driver turns that cancellation into the bound's typed error
(`translate`), and a cancellation from anyone else stays a cancellation.

A bound further off than `_FAR` (an SDK's default of minutes, most calls' only one) gets
no timer of its own: the loop's one sweep looks at every such watch each `_FAR / 2`
seconds and arms its timer once the bound is near, so it still fires on time. A call
answered well within its bound (the usual case) then costs a set's add and discard, not
a timer made, cancelled and left in the loop's heap.
"""

from __future__ import annotations

import asyncio
import math
import weakref
from typing import TYPE_CHECKING

from ..errors import APITimeoutError
from ._redaction import scrub

if TYPE_CHECKING:
    from ._engine import Call

__all__ = ["Watch"]

#: Seconds: a bound further off than this is left to the loop's sweep (`_Sweep`).
_FAR = 30.0


class _Sweep:
    """The watches of one loop whose bound is far off, looked at every `_FAR / 2`
    seconds by one timer (armed while there are any): each arms its own timer once its
    bound is within `_FAR`. Only its own timer keeps it: what it holds lives as long as
    the loop, never longer (`_sweeps` holds it and its loop weakly)."""

    __slots__ = ("__weakref__", "_handle", "watches")

    def __init__(self) -> None:
        self._handle: asyncio.TimerHandle | None = None
        self.watches: set[Watch] = set()

    def add(self, watch: Watch) -> None:
        self.watches.add(watch)
        if self._handle is None:
            self._handle = watch._loop.call_later(_FAR / 2, self._run)

    def _run(self) -> None:
        self._handle = None
        watches, self.watches = self.watches, set()
        for watch in watches:
            watch._swept = False
            watch._check()  # (adds it again while its bound is still far)


#: loop -> its sweep, while its timer is armed.
_sweeps: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, weakref.ref[_Sweep]] = (
    weakref.WeakKeyDictionary()
)


def _sweep(loop: asyncio.AbstractEventLoop) -> _Sweep:
    held = _sweeps.get(loop)
    sweep = held() if held is not None else None
    if sweep is None:
        sweep = _Sweep()
        _sweeps[loop] = weakref.ref(sweep)
    return sweep


class Watch:
    """Bounds the waits of one call's attempts on the running loop."""

    __slots__ = ("_call", "_fired", "_handle", "_loop", "_swept", "_task", "inside")

    def __init__(self, call: Call) -> None:
        self._call = call
        self._loop = asyncio.get_running_loop()
        self._task: asyncio.Task[object] | None = None
        self._handle: asyncio.TimerHandle | None = None
        self._fired = False
        self._swept = False  # in the loop's sweep (`_Sweep`), with no timer of its own
        self.inside = False

    def enter(self) -> None:
        """The driver is about to wait for the server (again): the timer runs."""
        self._task = asyncio.current_task()
        self.inside = True
        if self._handle is None and not self._swept:
            self._check()

    def leave(self) -> None:
        """The driver hands chunks to the consumer: its time is not the server's."""
        self.inside = False

    def stop(self) -> None:
        """The attempt ended: no timer left behind."""
        self.inside = False
        if self._swept:
            self._swept = False
            _sweep(self._loop).watches.discard(self)
        handle = self._handle
        if handle is not None:
            self._handle = None
            handle.cancel()

    def translate(self, exc: BaseException) -> BaseException:
        """`exc`, or -- if this watch's timer cut the wait short -- the bound's error
        (chained to what the cancellation became inside the transport)."""
        if not self._fired:
            return exc
        self._fired = False
        # Python 3.11+ counts cancellations: one left after ours is someone else's, and wins.
        uncancel = getattr(self._task, "uncancel", None)
        if uncancel is not None and uncancel() > 0 and isinstance(exc, asyncio.CancelledError):
            return exc
        # What the cancellation became inside the transport stays the error's context:
        # scrubbed of its frames (their locals hold the request's headers) and request.
        scrub(exc)
        bound = self._call.timed_out()
        if isinstance(bound, APITimeoutError):
            from ._lean import AIOHTTP_CLASS  # the lean module loads with the first request
            from ._lean import HTTPX_CLASS

            # aiohttp's total timeout, an async client's bound, raises asyncio's own
            # TimeoutError (for the drop-ins whose partner's async client is aiohttp);
            # httpx's async client, its read timeout (whose partner's is httpx), as the
            # sync client's bound is (its httpx error under it).
            setattr(bound, AIOHTTP_CLASS, TimeoutError)
            setattr(bound, HTTPX_CLASS, "ReadTimeout")
        return bound

    def _check(self) -> None:
        self._handle = None
        call = self._call
        until = call.until()
        if until == math.inf:
            return
        left = until - call.clock()
        if left > _FAR:
            self._swept = True
            _sweep(self._loop).add(self)
        elif left > 0:
            self._handle = self._loop.call_at(self._loop.time() + left, self._check)
        elif self.inside and not self._fired and self._task is not None:
            self._fired = True
            self._task.cancel()
