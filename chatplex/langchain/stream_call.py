"""Which of a model's `_stream` calls LangChain's `stream()` / `astream()` made.

LangChain's `BaseChatModel` reaches `_stream` two ways with the same arguments: from
`stream()`, which skips every reply cache, and from an invoke that streams underneath
(`streaming=True`, an `astream_events` handler), which a cache answers first. A drop-in
runs on chatplex's engine, whose cache (`chatplex.set_llm_cache`, under LangChain's name)
would answer both; `stream_marked` wraps a `stream()`'s chunks so that the `_stream` call
its first step makes can tell (`from_stream`), and the drop-in skips the cache there, as
its partner class does.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from collections.abc import AsyncIterator
from collections.abc import Generator
from collections.abc import Iterator
from contextvars import ContextVar
from typing import Any
from typing import TypeVar

from ..core.chunks import aclosing_iterator
from ..core.chunks import closing_iterator

__all__ = ["astream_marked", "from_stream", "stream_marked"]

T = TypeVar("T")

#: The model whose `stream()` is taking its first step (where LangChain calls `_stream`);
#: set only for that step, so nothing the consumer runs between chunks sees it.
_STREAMING: ContextVar[object | None] = ContextVar("chatplex_langchain_streaming", default=None)

_END: Any = object()


def from_stream(model: object) -> bool:
    """Whether this `_stream` call of `model` was made by its `stream()` / `astream()`."""
    return _STREAMING.get() is model


def stream_marked(model: object, chunks: Iterator[T]) -> Generator[T, None, None]:
    """`chunks` (a `stream()` of `model`), with its first step marked as `model`'s."""
    with closing_iterator(chunks):
        token = _STREAMING.set(model)
        try:
            first = next(chunks, _END)
        finally:
            _STREAMING.reset(token)
        if first is _END:
            return
        yield first
        yield from chunks


async def astream_marked(model: object, chunks: AsyncIterator[T]) -> AsyncGenerator[T, None]:
    """`stream_marked` of an `astream()`."""
    async with aclosing_iterator(chunks):
        token = _STREAMING.set(model)
        try:
            first = await anext(chunks, _END)
        finally:
            _STREAMING.reset(token)
        if first is _END:
            return
        yield first
        async for chunk in chunks:
            yield chunk
