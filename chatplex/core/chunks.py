"""Stream pieces: merging them, collecting a stream into one value, closing iterators.

A map's pieces (`AddableDict`) add up key by key; any other dict is a whole value (a
JSON parser's partial object), so the newer piece replaces it, as in LangChain:

>>> add_chunks(AddableDict(a="x"), AddableDict(a="y", b=1))
{'a': 'xy', 'b': 1}
>>> add_chunks({"a": "x"}, {"a": "xy"})
{'a': 'xy'}
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from collections.abc import Iterator
from collections.abc import Mapping
from contextlib import asynccontextmanager
from contextlib import contextmanager
from typing import Any
from typing import TypeVar

from ..messages import AIMessageChunk
from ..messages import BaseMessage
from ..messages import merge_chunks

T = TypeVar("T")

__all__ = [
    "AddableDict",
    "aclose_iterator",
    "aclosing_iterator",
    "acollect_chunks",
    "add_chunks",
    "aiter_one",
    "close_iterator",
    "closing_iterator",
    "collect_chunks",
    "merge_outputs",
]


class AddableDict(dict[str, Any]):
    """A piece of a dict stream that adds to the next key by key: what a map, `assign`
    and `pick` stream, as LangChain's `AddableDict` (a branch's pieces are one key's).
    A value that does not add is replaced by the newer one (LangChain raises TypeError
    there, and its stream then keeps only the newer piece, dropping the other keys)."""

    def __add__(self, other: Any) -> AddableDict:
        if not isinstance(other, Mapping):
            return NotImplemented
        return _merged(self, other)

    def __radd__(self, other: Any) -> AddableDict:
        if not isinstance(other, Mapping):
            return NotImplemented
        return _merged(other, self)


def _merged(first: Mapping[str, Any], then: Mapping[str, Any]) -> AddableDict:
    out = AddableDict(first)
    for key, value in then.items():
        if out.get(key) is None:
            out[key] = value
        elif value is not None:
            out[key] = add_chunks(out[key], value)
    return out


def add_chunks(a: Any, b: Any) -> Any:
    """Merge two stream pieces: `+` where defined (an `AddableDict` key by key), else the
    newer piece."""
    if isinstance(a, BaseMessage) and not isinstance(a, AIMessageChunk):
        return b  # a whole message's `+` composes a prompt: no merge of stream pieces
    try:
        return a + b
    except TypeError:
        return b


_NOTHING: Any = object()


def collect_chunks(chunks: Iterator[Any]) -> Any:
    final = _NOTHING
    for chunk in chunks:
        final = chunk if final is _NOTHING else add_chunks(final, chunk)
    if final is _NOTHING:
        raise ValueError("the previous step produced no output to consume")
    return final


async def acollect_chunks(chunks: AsyncIterator[Any]) -> Any:
    final = _NOTHING
    async for chunk in chunks:
        final = chunk if final is _NOTHING else add_chunks(final, chunk)
    if final is _NOTHING:
        raise ValueError("the previous step produced no output to consume")
    return final


async def aiter_one(value: Any) -> AsyncIterator[Any]:
    """An async stream of one piece: the async `iter([value])`, how a runnable that
    streams by transforming its input streams a single input."""
    yield value


def close_iterator(iterator: Iterator[Any]) -> None:
    close = getattr(iterator, "close", None)
    if close is not None:
        close()


async def aclose_iterator(iterator: AsyncIterator[Any]) -> None:
    aclose = getattr(iterator, "aclose", None)
    if aclose is not None:
        await aclose()


@contextmanager
def closing_iterator(iterator: Iterator[T]) -> Iterator[Iterator[T]]:
    """`iterator`, closed (`close_iterator`) however the block ends."""
    try:
        yield iterator
    finally:
        close_iterator(iterator)


@asynccontextmanager
async def aclosing_iterator(iterator: AsyncIterator[T]) -> AsyncIterator[AsyncIterator[T]]:
    """The async `closing_iterator`."""
    try:
        yield iterator
    finally:
        await aclose_iterator(iterator)


def merge_outputs(pieces: list[Any]) -> Any:
    """The whole value of a stream: strings joined, message chunks merged, else `+`."""
    if not pieces:
        return None
    first = pieces[0]
    if len(pieces) == 1:
        return first
    if isinstance(first, str) and all(isinstance(p, str) for p in pieces):
        return "".join(pieces)
    if isinstance(first, AIMessageChunk) and all(isinstance(p, AIMessageChunk) for p in pieces):
        return merge_chunks(pieces)
    total = first
    for piece in pieces[1:]:
        total = add_chunks(total, piece)
    return total
