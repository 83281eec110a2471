"""The interface of a reply cache: a store of serialized replies by key (the backends are
`memory.py` and `sqlite.py`, keys and stored format `entries.py`; `inflight.py` the calls
through it).

`lookup` / `update` / `clear` are what a backend must have. Calls use the `*_within`
methods, which get the call's deadline: a backend that can wait (a lock, a network)
overrides them to stop waiting in time and, on an event loop, to wait without blocking
it; by default they call `lookup` / `update`, right for a store that answers in
microseconds.
"""

from __future__ import annotations

from abc import ABC
from abc import abstractmethod

__all__ = ["BaseCache"]


class BaseCache(ABC):
    """A store of serialized replies by key. Implementations must be thread-safe."""

    @abstractmethod
    def lookup(self, key: str) -> str | None:
        """The value stored under `key`, or None."""

    @abstractmethod
    def update(self, key: str, value: str) -> None:
        """Store `value` under `key` (replacing any)."""

    @abstractmethod
    def clear(self) -> None:
        """Drop every entry."""

    # What calls use: a backend that can wait (a lock, a network) overrides these to stop
    # waiting by the call's `deadline` (a `time.monotonic()` instant; None: none) and, on
    # an event loop, to wait without blocking it. They may raise: the call then goes on
    # as a miss (`chat/caching/faults.py`). The defaults call `lookup` / `update`.

    def lookup_within(self, key: str, deadline: float | None) -> str | None:
        """`lookup`, for a call that must end by `deadline`."""
        return self.lookup(key)

    def update_within(self, key: str, value: str, deadline: float | None) -> None:
        """`update`, for a call that must end by `deadline`."""
        self.update(key, value)

    async def alookup_within(self, key: str, deadline: float | None) -> str | None:
        """`lookup_within` on an event loop."""
        return self.lookup(key)

    async def aupdate_within(self, key: str, value: str, deadline: float | None) -> None:
        """`update_within` on an event loop."""
        self.update(key, value)
