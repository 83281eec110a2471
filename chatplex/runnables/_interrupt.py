"""Stopping a sync call from another thread: what closing a sync `stream_events` needs.

Sync `stream_events` runs the call in a producer thread. When the consumer leaves, that
thread is usually blocked in a socket read (the model's stream waiting for its next
event), which nothing in Python can interrupt -- except shutting the socket down. An
`Interrupter` tracks the HTTP responses the producer's chat models open (through a thin
proxy of their sync client) and, on `stop()`, shuts their sockets down: the blocked read
returns at once, the stream ends with an error nobody hears (the run tree drops errors of
an abandoned call), the response is closed and the connection leaves the pool's busy set.
Waits (retry backoff, a fake model's chunk delay) end early too.

Only calls watched by a sync event stream go through this; other calls never see it.
"""

from __future__ import annotations

import contextlib
import copy
import functools
import socket
import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    import httpx

    from ..http._retry import RetryPolicy
    from .config import RunnableConfig

__all__ = ["ConsumerGone", "Interrupter", "interrupter_of"]


class ConsumerGone(BaseException):
    """Raised inside the producer once the consumer closed the iterator, so the call
    stops at its next step instead of running on unobserved. A BaseException, like
    GeneratorExit, so user code catching Exception does not swallow it."""


class Interrupter:
    """The consumer's handle on a producer thread's blocking I/O."""

    __slots__ = ("_bodies", "_lock", "_stopped")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._bodies: set[_Body] = set()
        self._stopped = threading.Event()

    @property
    def stopped(self) -> bool:
        return self._stopped.is_set()

    def check(self) -> None:
        if self._stopped.is_set():
            raise ConsumerGone

    def stop(self) -> None:
        """Stop the producer: wake its waits, cut its open responses' sockets."""
        with self._lock:  # a body closing concurrently waits, so its socket stays ours
            self._stopped.set()
            for body in self._bodies:
                body.abort()
            self._bodies.clear()

    def sleep(self, seconds: float) -> None:
        """`time.sleep`, ended by `stop()` (then raises `ConsumerGone`)."""
        if self._stopped.wait(seconds):
            raise ConsumerGone

    def client(self, client: httpx.Client) -> httpx.Client:
        """`client`, with the responses it opens tracked (so `stop()` can cut them)."""
        return cast("httpx.Client", _TrackingClient(client, self))

    def retry_policy(self, policy: RetryPolicy) -> RetryPolicy:
        """`policy`, sleeping through `self.sleep` (a backoff ends when stopped)."""
        policy = copy.copy(policy)
        policy.sleep = self.sleep
        return policy

    def _track(self, response: httpx.Response) -> None:
        import httpx

        network = response.extensions.get("network_stream")
        sock = network.get_extra_info("socket") if network is not None else None
        if isinstance(sock, socket.socket) and isinstance(response.stream, httpx.SyncByteStream):
            body = _body_class()(response.stream, sock, self)
            response.stream = cast("httpx.SyncByteStream", body)
            with self._lock:
                if not self._stopped.is_set():
                    self._bodies.add(body)
                    return
        response.close()  # stopped while the request was on its way: do not read it
        raise ConsumerGone

    def _untrack(self, body: _Body) -> None:
        with self._lock:
            self._bodies.discard(body)


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


class _TrackingClient:
    """A sync httpx client whose `send` registers each response with the interrupter;
    everything else is the wrapped client's."""

    def __init__(self, client: httpx.Client, interrupter: Interrupter) -> None:
        self._client = client
        self._interrupter = interrupter

    def send(self, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        self._interrupter.check()
        response = self._client.send(request, **kwargs)
        self._interrupter._track(response)
        return response

    def __getattr__(self, name: str) -> Any:
        return getattr(self._client, name)


class _Body:
    """A response body whose socket another thread may shut down while it is read.

    Closing untracks it first (under the interrupter's lock), so a socket is only ever
    shut down while its connection still belongs to this response. (Used as a subclass
    of `httpx.SyncByteStream`, made on first use: importing this module stays cheap.)"""

    def __init__(self, inner: Any, sock: socket.socket, interrupter: Interrupter) -> None:
        self._inner = inner
        self._sock = sock
        self._interrupter = interrupter

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._inner)

    def abort(self) -> None:
        with contextlib.suppress(OSError):
            # socket.socket's own shutdown, also for an SSLSocket: the reading thread's
            # TLS object stays intact and sees EOF.
            socket.socket.shutdown(self._sock, socket.SHUT_RDWR)

    def close(self) -> None:
        self._interrupter._untrack(self)
        self._inner.close()


@functools.cache
def _body_class() -> type[_Body]:
    import httpx

    return type("_Body", (_Body, httpx.SyncByteStream), {})
