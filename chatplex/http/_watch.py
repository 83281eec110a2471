"""The async bound of a call: one timer that cancels the call's wait at `until()`.

An `asyncio.timeout` around every read costs 4-13 us a chunk and is re-made each time;
here one loop timer per attempt is armed at the call's `until()`. When it fires it looks
again: if content moved `until()` later, it re-arms for the new time (so a stream costs
one timer event per idle period, not one per chunk); if not, it cancels the task -- but
only while the task is waiting inside the driver (`inside`), never while the consumer
holds a chunk. The driver turns that cancellation into the bound's typed error
(`translate`), and a cancellation from anyone else stays a cancellation.
"""

from __future__ import annotations

import asyncio
import math
from typing import TYPE_CHECKING

from ..errors import APITimeoutError
from ._redaction import scrub

if TYPE_CHECKING:
    from ._engine import Call

__all__ = ["Watch"]


class Watch:
    """Bounds the waits of one call's attempts on the running loop."""

    __slots__ = ("_call", "_fired", "_handle", "_loop", "_task", "inside")

    def __init__(self, call: Call) -> None:
        self._call = call
        self._loop = asyncio.get_running_loop()
        self._task: asyncio.Task[object] | None = None
        self._handle: asyncio.TimerHandle | None = None
        self._fired = False
        self.inside = False

    def enter(self) -> None:
        """The driver is about to wait for the server (again): the timer runs."""
        self._task = asyncio.current_task()
        self.inside = True
        if self._handle is None:
            self._check()

    def leave(self) -> None:
        """The driver hands chunks to the consumer: its time is not the server's."""
        self.inside = False

    def stop(self) -> None:
        """The attempt ended: no timer left behind."""
        self.inside = False
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

            # aiohttp's total timeout, an async client's bound, raises asyncio's own
            # TimeoutError (for the drop-ins whose partner's async client is aiohttp).
            setattr(bound, AIOHTTP_CLASS, TimeoutError)
        return bound

    def _check(self) -> None:
        self._handle = None
        call = self._call
        until = call.until()
        if until == math.inf:
            return
        left = until - call.clock()
        if left > 0:
            self._handle = self._loop.call_at(self._loop.time() + left, self._check)
        elif self.inside and not self._fired and self._task is not None:
            self._fired = True
            self._task.cancel()
