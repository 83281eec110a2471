"""Stopping a sync call from another thread: what closing a sync `stream_events` needs.

Sync `stream_events` runs the call in a producer thread. When the consumer leaves, that
thread is usually blocked in a socket read (the model's stream waiting for its next
event), which nothing in Python can interrupt -- except shutting the socket down. An
`Interrupter` is the consumer's handle on that thread: whatever blocking work the
producer starts registers an `abort()` with it (the http layer registers each open
response, see `chatplex.http.interruptible_client`, and each read of the shared sync
client inside `interrupting`, the wait for a reply's head included), and `stop()` aborts
them all: the blocked read returns at once, the stream ends with an error nobody hears
(the run tree drops errors of an abandoned call), the response is closed and the
connection leaves the pool's busy set. Waits (retry backoff, a fake model's chunk delay)
end early too.

Only calls watched by a sync event stream go through this, and the calls of a LangChain
drop-in's sync `batch` (`interrupting`): its threads' reads are cut when Ctrl-C reaches
the caller, instead of holding the process until each read's timeout. Other calls never
see it.
"""

from __future__ import annotations

import copy
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TYPE_CHECKING
from typing import Protocol

if TYPE_CHECKING:
    from .retry import RetryPolicy
    from .run_config import RunnableConfig

__all__ = [
    "Abortable",
    "ConsumerGone",
    "Interrupter",
    "current_interrupter",
    "interrupter_of",
    "interrupting",
]


class ConsumerGone(BaseException):
    """Raised inside the producer once the consumer closed the iterator, so the call
    stops at its next step instead of running on unobserved. A BaseException, like
    GeneratorExit, so user code catching Exception does not swallow it."""


class Abortable(Protocol):
    """Blocking work another thread can cut short (e.g. a response body being read)."""

    def abort(self) -> None: ...


class Interrupter:
    """The consumer's handle on a producer thread's blocking work."""

    __slots__ = ("_lock", "_stopped", "_work")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._work: set[Abortable] = set()
        self._stopped = threading.Event()

    @property
    def stopped(self) -> bool:
        return self._stopped.is_set()

    def check(self) -> None:
        if self._stopped.is_set():
            raise ConsumerGone

    def stop(self) -> None:
        """Stop the producer: wake its waits, abort its registered work."""
        with self._lock:  # work unregistering concurrently waits: it is aborted or not
            self._stopped.set()
            for work in self._work:
                work.abort()
            self._work.clear()

    def register(self, work: Abortable) -> bool:
        """Track `work` until `unregister`; False (nothing tracked) once stopped."""
        with self._lock:
            if self._stopped.is_set():
                return False
            self._work.add(work)
            return True

    def unregister(self, work: Abortable) -> None:
        """Forget `work`; after this returns, `stop()` no longer aborts it."""
        with self._lock:
            self._work.discard(work)

    def sleep(self, seconds: float) -> None:
        """`time.sleep`, ended by `stop()` (then raises `ConsumerGone`)."""
        if self._stopped.wait(seconds):
            raise ConsumerGone

    def retry_policy(self, policy: RetryPolicy) -> RetryPolicy:
        """`policy`, sleeping through `self.sleep` (a backoff ends when stopped)."""
        policy = copy.copy(policy)
        policy.sleep = self.sleep
        return policy


def interrupter_of(config: RunnableConfig) -> Interrupter | None:
    """The interrupter of the sync event stream watching this call, if any."""
    callbacks = config.get("callbacks")
    if not callbacks:
        return None
    items = callbacks if isinstance(callbacks, (list, tuple)) else [callbacks]
    for item in items:
        interrupter = getattr(item, "interrupter", None)
        if isinstance(interrupter, Interrupter):
            return interrupter
    return None


#: The interrupter of the calls made in this context (threads started with a copy of it).
_CURRENT: ContextVar[Interrupter | None] = ContextVar("chatplex_interrupter", default=None)


def current_interrupter() -> Interrupter | None:
    """The interrupter the calls in this context register their blocking reads with."""
    return _CURRENT.get()


@contextmanager
def interrupting(interrupter: Interrupter) -> Iterator[Interrupter]:
    """Calls made inside the block (and in threads given a copy of its context) register
    their blocking reads with `interrupter`."""
    token = _CURRENT.set(interrupter)
    try:
        yield interrupter
    finally:
        _CURRENT.reset(token)
