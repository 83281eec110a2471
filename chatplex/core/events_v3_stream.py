"""The v3 stream objects: `ChatModelStream` (sync, pulled as it is read) and
`AsyncChatModelStream` (async, fed by a producer task), with langchain-core's surface.

Projections: `.text` and `.reasoning` (`str` deltas; the whole text by `str()` / `get()`,
or `await`), `.tool_calls` (tool call chunk deltas; the finished calls by `get()` or
`await`), `.output` (the assembled `AIMessage`: a property that waits, or an awaitable).
Iterating the stream itself replays its raw protocol events from the first. Every
iteration starts at the first delta: several readers each see them all.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Generator
from collections.abc import Iterator
from typing import Any

from ..messages import AIMessage
from .events_v3_state import MessageState

__all__ = [
    "AsyncChatModelStream",
    "AsyncProjection",
    "AsyncTextProjection",
    "ChatModelStream",
    "SyncProjection",
    "SyncTextProjection",
]


class _Projection:
    """Deltas so far, the final value once set, the error once failed."""

    def __init__(self) -> None:
        self._deltas: list[Any] = []
        self._final: Any = None
        self._final_set = False
        self._done = False
        self._error: BaseException | None = None

    # Whether it finished (with a value or an error), and the error it ended with.
    done = property(lambda self: self._done)
    error = property(lambda self: self._error)

    def _ready(self, cursor: int) -> bool:
        """Whether the delta at `cursor` has come; once all have been read, the error the
        projection ended with is raised."""
        if cursor < len(self._deltas):
            return True
        if self._error is not None:
            raise self._error
        return False

    def push(self, delta: Any) -> None:
        self._deltas.append(delta)

    def complete(self, value: Any) -> None:
        self._final, self._final_set, self._done = value, True, True

    def fail(self, error: BaseException) -> None:
        self._error, self._done = error, True


class SyncProjection(_Projection):
    """An iterable of deltas that reads more of the stream when it catches up; `get()`
    reads to the end and gives the final value."""

    def __init__(self, start: Callable[[], None], pull: Callable[[], bool]) -> None:
        super().__init__()
        self._start, self._pull = start, pull

    def __iter__(self) -> Iterator[Any]:
        self._start()
        cursor = 0
        while True:
            if self._ready(cursor):
                cursor += 1
                yield self._deltas[cursor - 1]
            elif (self._done or not self._pull()) and not self._ready(cursor):
                return  # (a last pull may still have brought deltas)

    def get(self) -> Any:
        """Read to the end; the final value (raises the stream's error)."""
        self._start()
        while not self._done and self._pull():
            pass
        if self._error is not None:
            raise self._error
        return self._final


class SyncTextProjection(SyncProjection):
    """`SyncProjection` of text: `str()` reads the whole, `bool()` says whether any came."""

    def get(self) -> str:
        value = super().get()
        return "" if value is None else str(value)

    def __str__(self) -> str:
        return self.get()

    def __bool__(self) -> bool:
        return bool(self._deltas)

    def __repr__(self) -> str:
        return repr(self._final if self._final_set else "".join(self._deltas))


class AsyncProjection(_Projection):
    """An async iterable of deltas, also awaitable for the final value."""

    def __init__(self, start: Callable[[], Awaitable[None]]) -> None:
        super().__init__()
        self._start = start
        self._changed = asyncio.Event()

    def push(self, delta: Any) -> None:
        super().push(delta)
        self._changed.set()

    def complete(self, value: Any) -> None:
        super().complete(value)
        self._changed.set()

    def fail(self, error: BaseException) -> None:
        super().fail(error)
        self._changed.set()

    async def _wait(self) -> None:
        self._changed.clear()
        await self._changed.wait()

    async def __aiter__(self) -> AsyncIterator[Any]:
        await self._start()
        cursor = 0
        while not self._done or self._ready(cursor):
            if self._ready(cursor):
                cursor += 1
                yield self._deltas[cursor - 1]
            else:
                await self._wait()

    async def _final_value(self) -> Any:
        await self._start()
        while not self._final_set and self._error is None:
            await self._wait()
        if self._error is not None:
            raise self._error
        return self._final

    def __await__(self) -> Generator[Any, None, Any]:
        return self._final_value().__await__()


class AsyncTextProjection(AsyncProjection):
    """`AsyncProjection` of text: awaiting it gives the whole text."""

    async def _final_value(self) -> str:
        value = await super()._final_value()
        return "" if value is None else str(value)


class ChatModelStream(MessageState[SyncTextProjection, SyncProjection]):
    """A chat model's v3 stream for sync code: nothing is read until a projection, the
    stream or `.output` is read, then only as far as the reader needs."""

    def __init__(self, start: Callable[[], None], pump: Callable[[], bool]) -> None:
        super().__init__(
            lambda: SyncTextProjection(start, pump), lambda: SyncProjection(start, pump)
        )

    @property
    def output(self) -> AIMessage:
        """The assembled message: reads the stream to its end."""
        self._events_proj.get()  # (raises the stream's error)
        if self._output_message is None:
            raise RuntimeError("Stream finished without producing a message")
        return self._output_message

    def __iter__(self) -> Iterator[dict[str, Any]]:
        """The raw protocol events, from the first."""
        return iter(self._events_proj)


class AsyncChatModelStream(MessageState[AsyncTextProjection, AsyncProjection]):
    """A chat model's v3 stream for async code: a producer task, started on the first
    read, feeds it. `await stream` gives the message once the run ended; `aclose()` (or
    leaving `async with stream:`) cancels a run still going."""

    def __init__(self, start: Callable[[], Awaitable[None]]) -> None:
        super().__init__(lambda: AsyncTextProjection(start), lambda: AsyncProjection(start))
        self._start = start
        self._output_proj = AsyncProjection(start)
        self._producer_task: asyncio.Task[None] | None = None

    @property
    def output(self) -> AsyncProjection:
        """The assembled message: `await stream.output`."""
        return self._output_proj

    def _finished_message(self, event: dict[str, Any]) -> None:
        super()._finished_message(event)
        self._output_proj.complete(self._output_message)

    def fail(self, error: BaseException) -> None:
        super().fail(error)
        self._output_proj.fail(error)

    def __aiter__(self) -> AsyncIterator[Any]:
        """The raw protocol events, from the first."""
        return self._events_proj.__aiter__()

    def __await__(self) -> Generator[Any, None, AIMessage]:
        return self._whole().__await__()

    async def _whole(self) -> AIMessage:
        await self._start()
        message: AIMessage = await self._output_proj
        if self._producer_task is not None:
            await self._producer_task  # its end (the run's handlers told) comes first
        return message

    async def aclose(self) -> None:
        """Cancel the run if it is still going, and wait for it to stop. A run that
        already produced its message is waited for, not cancelled. Idempotent."""
        if self._producer_task is None:
            await self._start()
        task = self._producer_task
        if task is None or (task.done() and self._done):
            return
        cancelling = not (self._output_message is not None and self._error is None)
        if cancelling and not task.done():
            task.cancel()
        if not task.done():
            ended = asyncio.get_running_loop().create_future()

            def _ended(_: object) -> None:
                if not ended.done():
                    ended.set_result(None)

            task.add_done_callback(_ended)
            try:
                await ended  # raises only if our caller is cancelled, not the task
            finally:
                task.remove_done_callback(_ended)
        if cancelling and not self._done:  # cancelled before it began
            self.fail(asyncio.CancelledError())

    async def __aenter__(self) -> AsyncChatModelStream:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()
