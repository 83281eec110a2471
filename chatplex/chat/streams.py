"""Chunk streams as a chat model hands them on: merged into one reply (`streaming=True`
under `invoke`), without their usage records (`stream_usage=False`), or closed with
LangChain's empty last chunk (`stream`). Each closes the stream it reads, however it ends."""

from __future__ import annotations

from collections.abc import AsyncIterator
from collections.abc import Iterator

from ..core.chunks import aclosing_iterator
from ..core.chunks import closing_iterator
from ..messages import AIMessage
from ..messages import AIMessageChunk
from ..messages import merge_chunks

__all__ = [
    "aclosed",
    "amerged",
    "awithout_usage",
    "closed",
    "closing_chunk",
    "merged",
    "without_usage",
]


def merged(chunks: Iterator[AIMessageChunk]) -> AIMessage:
    with closing_iterator(chunks):
        return merge_chunks(list(chunks)).to_message()


async def amerged(chunks: AsyncIterator[AIMessageChunk]) -> AIMessage:
    seen: list[AIMessageChunk] = []
    async with aclosing_iterator(chunks):
        async for chunk in chunks:
            seen.append(chunk)
    return merge_chunks(seen).to_message()


def without_usage(chunks: Iterator[AIMessageChunk]) -> Iterator[AIMessageChunk]:
    """`stream_usage=False`: the chunks without their usage records."""
    with closing_iterator(chunks):
        for chunk in chunks:
            if chunk.usage_metadata is not None:
                chunk = chunk.model_copy(update={"usage_metadata": None})
            yield chunk


async def awithout_usage(chunks: AsyncIterator[AIMessageChunk]) -> AsyncIterator[AIMessageChunk]:
    async with aclosing_iterator(chunks):
        async for chunk in chunks:
            if chunk.usage_metadata is not None:
                chunk = chunk.model_copy(update={"usage_metadata": None})
            yield chunk


def closing_chunk(last: AIMessageChunk | None) -> AIMessageChunk | None:
    """LangChain's rule (`BaseChatModel.stream`/`astream`): a stream that yielded
    something and whose last chunk is not marked `chunk_position="last"` (as an
    Anthropic `message_delta` with a stop reason, or a Responses `response.completed`,
    is marked) ends on one more chunk: empty (`""`, or `[]` when the last chunk's content
    is a list), marked last, with nothing else. None when no such chunk is due."""
    if last is None or last.chunk_position == "last":
        return None
    return AIMessageChunk(
        content="" if isinstance(last.content, str) else [], chunk_position="last"
    )


def _bare(chunk: AIMessageChunk) -> bool:
    """No text and no tool-call piece: a finish-reason or usage chunk."""
    return not chunk.content and not chunk.tool_call_chunks


class _Ending:
    """What `closed` and `aclosed` decide chunk by chunk: which chunks to pass on, which
    bare chunk to hold back, and what ends the stream."""

    __slots__ = ("held", "last", "usage_closes")

    def __init__(self, usage_closes: bool) -> None:
        self.usage_closes = usage_closes
        self.last: AIMessageChunk | None = None
        self.held: AIMessageChunk | None = None

    def passed_on(self, chunk: AIMessageChunk) -> tuple[AIMessageChunk, ...]:
        """The chunks to yield now that `chunk` came: the one held before it (it did not
        end the stream), then `chunk` unless it is bare and held in turn."""
        before = () if self.held is None else (self.held,)
        self.last = chunk
        if self.usage_closes and _bare(chunk) and chunk.chunk_position != "last":
            self.held = chunk
            return before
        self.held = None
        return (*before, chunk)

    def end(self) -> AIMessageChunk | None:
        """The chunk the stream ends on: the bare chunk held, marked last, or LangChain's
        closing chunk (None: none is due)."""
        if self.held is not None:
            return self.held.model_copy(update={"chunk_position": "last"})
        return closing_chunk(self.last)


def closed(chunks: Iterator[AIMessageChunk], *, usage_closes: bool) -> Iterator[AIMessageChunk]:
    """The stream, ended as LangChain ends it (`closing_chunk`). `usage_closes`: the
    model asked for a usage chunk its partner package would not have asked for (a listed
    difference); a stream ending on a bare chunk ends on it, marked last, in place of
    the closing chunk, so the stream keeps the partner package's length (a bare chunk
    is held until the next arrives, to know whether it ends the stream)."""
    ending = _Ending(usage_closes)
    with closing_iterator(chunks):
        for chunk in chunks:
            yield from ending.passed_on(chunk)
    if (last := ending.end()) is not None:
        yield last


async def aclosed(
    chunks: AsyncIterator[AIMessageChunk], *, usage_closes: bool
) -> AsyncIterator[AIMessageChunk]:
    """`closed` over an async stream."""
    ending = _Ending(usage_closes)
    async with aclosing_iterator(chunks):
        async for chunk in chunks:
            for passed in ending.passed_on(chunk):
                yield passed
    if (last := ending.end()) is not None:
        yield last
