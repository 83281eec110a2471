"""Bounded concurrent execution for batch / abatch and their as-completed forms.

Async: a fixed pool of `max_concurrency` worker tasks pulls input indexes from a shared
iterator, so exactly that many calls are ever in flight and memory does not grow with
the number of inputs (no task per input). On the first error without
`return_exceptions`, every other worker is cancelled and awaited before the error is
raised: nothing keeps running in the background.

Sync (for runnables without a native async path): a thread pool of the same size; on the
first error, queued work is cancelled and running work is waited for before raising.

Either way the garbage collector's young threshold is raised while the batch runs
(`collector.batching`).
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import AsyncIterator
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Sequence
from concurrent.futures import FIRST_COMPLETED
from concurrent.futures import Future
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import wait
from typing import Any
from typing import TypeVar

from . import collector
from .run_config import DEFAULT_MAX_CONCURRENCY
from .run_config import RunnableConfig

__all__ = [
    "agather_bounded",
    "aiter_bounded",
    "gather_threads",
    "iter_threads",
    "max_concurrency",
]

T = TypeVar("T")


async def agather_bounded(
    count: int,
    call: Callable[[int], Awaitable[T]],
    max_concurrency: int,
    *,
    return_exceptions: bool,
) -> list[T | BaseException]:
    """Results of `call(0..count-1)` in input order, at most `max_concurrency` at once."""
    results: list[Any] = [None] * count
    async for index, result in aiter_bounded(
        count, call, max_concurrency, return_exceptions=return_exceptions
    ):
        results[index] = result
    return results


async def aiter_bounded(
    count: int,
    call: Callable[[int], Awaitable[T]],
    max_concurrency: int,
    *,
    return_exceptions: bool,
) -> AsyncIterator[tuple[int, T | BaseException]]:
    """Yield `(index, result)` as calls finish. Closing the iterator cancels the rest."""
    if count == 0:
        return
    indexes = iter(range(count))
    done: asyncio.Queue[tuple[int, Any, bool]] = asyncio.Queue()

    async def worker() -> None:
        for index in indexes:  # shared iterator: each index is taken by one worker
            try:
                result = await call(index)
            except BaseException as exc:  # noqa: BLE001 - reported through the queue
                # Even a BaseException is reported, or the consumer would wait forever.
                done.put_nowait((index, exc, True))
                if not return_exceptions or not isinstance(exc, Exception):
                    return
            else:
                done.put_nowait((index, result, False))

    with collector.batching():
        workers = [asyncio.ensure_future(worker()) for _ in range(min(max_concurrency, count))]
        try:
            for _ in range(count):
                index, value, failed = await done.get()
                if failed and (not return_exceptions or not isinstance(value, Exception)):
                    raise value
                yield index, value
        finally:
            await _cancel_all(workers)


async def _cancel_all(tasks: Sequence[asyncio.Future[None]]) -> None:
    for task in tasks:
        task.cancel()
    # Wait even if we are being cancelled ourselves, so no worker outlives the batch.
    results = await asyncio.shield(asyncio.gather(*tasks, return_exceptions=True))
    del results


def gather_threads(
    count: int,
    call: Callable[[int], T],
    max_concurrency: int,
    *,
    return_exceptions: bool,
) -> list[T | BaseException]:
    """Sync counterpart of `agather_bounded` on a thread pool."""
    results: list[Any] = [None] * count
    for index, result in iter_threads(
        count, call, max_concurrency, return_exceptions=return_exceptions
    ):
        results[index] = result
    return results


def iter_threads(
    count: int,
    call: Callable[[int], T],
    max_concurrency: int,
    *,
    return_exceptions: bool,
) -> Iterator[tuple[int, T | BaseException]]:
    """Yield `(index, result)` as threads finish; each thread runs in a copy of the
    caller's context so contextvars (callbacks, config) flow into it."""
    if count == 0:
        return
    executor = ThreadPoolExecutor(max_workers=min(max_concurrency, count))
    futures: dict[Future[T], int] = {}
    with collector.batching():
        try:
            for index in range(count):
                ctx = contextvars.copy_context()
                futures[executor.submit(ctx.run, call, index)] = index
            pending = set(futures)
            while pending:
                # Each result as soon as its thread is done (`batch_as_completed` yields it
                # while the others run); those done together, in input order.
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in sorted(finished, key=futures.__getitem__):
                    exc = future.exception()
                    if exc is not None and not return_exceptions:
                        raise exc
                    yield futures[future], exc if exc is not None else future.result()
        finally:
            executor.shutdown(wait=True, cancel_futures=True)


def max_concurrency(configs: Sequence[RunnableConfig]) -> int:
    """A batch's concurrency bound: its first config's `max_concurrency`, else the default."""
    return (configs[0].get("max_concurrency") if configs else None) or DEFAULT_MAX_CONCURRENCY
