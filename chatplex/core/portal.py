"""A private event loop on a daemon thread, for running async work from sync code.

Sync `batch` of an async-native runnable (a chat model) submits one coroutine here instead
of starting a thread per request: the loop multiplexes all requests over one pooled async
client, which costs far less CPU than N threads each blocking on a sync client. The loop
lives for the process, so its connection pool is reused across `batch` calls.
"""

from __future__ import annotations

import asyncio
import atexit
import concurrent.futures
import contextlib
import contextvars
import os
import queue
import threading
from collections.abc import AsyncIterator
from collections.abc import Callable
from collections.abc import Coroutine
from collections.abc import Iterator
from typing import Any
from typing import TypeVar

__all__ = ["iter_sync", "on_portal", "run_on_portal", "run_sync"]

T = TypeVar("T")

_lock = threading.Lock()
_loop: asyncio.AbstractEventLoop | None = None
_thread: threading.Thread | None = None
#: Loops inherited through fork(): their selector and self-pipe are shared with the
#: parent's running loop, so the child must neither use nor close them (closing is
#: refused anyway: the copy believes it is running). Kept so GC never finalizes them.
_fork_orphans: list[asyncio.AbstractEventLoop] = []


def _portal_loop() -> asyncio.AbstractEventLoop:
    global _loop, _thread
    with _lock:
        if _loop is None or _loop.is_closed():
            loop = asyncio.new_event_loop()
            ready = threading.Event()

            def run() -> None:
                asyncio.set_event_loop(loop)
                loop.call_soon(ready.set)
                loop.run_forever()

            _thread = threading.Thread(target=run, name="chatplex-portal", daemon=True)
            _thread.start()
            ready.wait()
            _loop = loop
        return _loop


def on_portal() -> bool:
    """Whether the calling thread is the portal loop's (sync code must not block it)."""
    return _thread is not None and threading.current_thread() is _thread


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run `coro` on the portal loop and wait for its result in the calling thread.

    The caller's contextvars are carried over. If the waiting thread is interrupted
    (KeyboardInterrupt), the coroutine is cancelled rather than left running.
    """
    loop = _portal_loop()
    if on_portal():
        raise RuntimeError("run_sync called from the portal loop itself (would deadlock)")
    ctx = contextvars.copy_context()
    future: concurrent.futures.Future[T] = concurrent.futures.Future()

    def start() -> None:
        task = ctx.run(loop.create_task, coro)

        def done(t: asyncio.Task[T]) -> None:
            if t.cancelled():
                future.cancel()
            elif (exc := t.exception()) is not None:
                future.set_exception(exc)
            else:
                future.set_result(t.result())

        task.add_done_callback(done)
        future.add_done_callback(lambda f: f.cancelled() and loop.call_soon_threadsafe(task.cancel))

    loop.call_soon_threadsafe(start)
    try:
        return future.result()
    except BaseException:
        if not future.done():
            future.cancel()
        raise


_ITEM, _ERROR, _END = range(3)


def iter_sync(make: Callable[[], AsyncIterator[T]]) -> Iterator[T]:
    """Iterate `make()` on the portal loop, yielding its items in the calling thread as
    they come (a thread-safe queue between the two).

    The caller's contextvars are carried over. Closing the iterator early, or an
    exception (KeyboardInterrupt) while it waits, cancels the async side and waits until
    it has stopped: nothing keeps running on the portal afterwards.
    """
    loop = _portal_loop()
    if on_portal():
        raise RuntimeError("iter_sync called from the portal loop itself (would deadlock)")
    ctx = contextvars.copy_context()
    items: queue.SimpleQueue[tuple[int, Any]] = queue.SimpleQueue()
    stopped = threading.Event()
    tasks: list[asyncio.Task[None]] = []

    async def pump() -> None:
        source = make()
        try:
            async for item in source:
                items.put((_ITEM, item))
        except asyncio.CancelledError:
            raise  # the consumer left: nobody reads what follows
        except BaseException as exc:  # noqa: BLE001 - re-raised in the consumer's thread
            items.put((_ERROR, exc))
        else:
            items.put((_END, None))
        finally:
            aclose = getattr(source, "aclose", None)
            if aclose is not None:
                await aclose()

    def start() -> None:
        task = ctx.run(loop.create_task, pump())
        task.add_done_callback(lambda _: stopped.set())
        tasks.append(task)

    def cancel() -> None:  # runs after `start` (the loop runs callbacks in order)
        for task in tasks:
            task.cancel()

    loop.call_soon_threadsafe(start)
    try:
        while True:
            kind, value = items.get()
            if kind == _ITEM:
                yield value
            elif kind == _ERROR:
                raise value
            else:
                return
    finally:
        if not stopped.is_set():
            loop.call_soon_threadsafe(cancel)
        stopped.wait()


def run_on_portal(coro: Coroutine[Any, Any, T], timeout: float) -> T | None:
    """Run `coro` on the portal loop if it is running (None otherwise), waiting at most
    `timeout` s: how a lower layer closes what it opened on the portal (its pools)."""
    loop = _loop
    if loop is None or loop.is_closed() or threading.current_thread() is _thread:
        coro.close()
        return None
    return asyncio.run_coroutine_threadsafe(coro, loop).result(timeout=timeout)


def _stop_at_exit() -> None:
    loop = _loop
    if loop is None or loop.is_closed():
        return
    # Closes per-loop resources registered as async generators (the http layer's pooled
    # client), the same hook asyncio.run() uses. Best effort at interpreter exit.
    with contextlib.suppress(Exception):
        asyncio.run_coroutine_threadsafe(loop.shutdown_asyncgens(), loop).result(timeout=5)
    loop.call_soon_threadsafe(loop.stop)


atexit.register(_stop_at_exit)


def _after_fork_in_child() -> None:
    global _lock, _loop, _thread
    # Another thread may have held the lock at fork time; in the child nobody releases it.
    _lock = threading.Lock()
    if _loop is not None:
        _fork_orphans.append(_loop)
    _loop = None
    _thread = None


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)
