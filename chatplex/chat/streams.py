"""Chunk streams as a chat model hands them on: merged into one reply (`streaming=True`
under `invoke`), or without their usage records (`stream_usage=False`). Each closes the
stream it reads, however it ends."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

from ..core.chunks import aclose_iterator, close_iterator
from ..messages import AIMessage, AIMessageChunk, merge_chunks

__all__ = ["amerged", "awithout_usage", "merged", "without_usage"]


def merged(chunks: Iterator[AIMessageChunk]) -> AIMessage:
    try:
        return merge_chunks(list(chunks)).to_message()
    finally:
        close_iterator(chunks)


async def amerged(chunks: AsyncIterator[AIMessageChunk]) -> AIMessage:
    seen: list[AIMessageChunk] = []
    try:
        async for chunk in chunks:
            seen.append(chunk)
    finally:
        await aclose_iterator(chunks)
    return merge_chunks(seen).to_message()


def without_usage(chunks: Iterator[AIMessageChunk]) -> Iterator[AIMessageChunk]:
    """`stream_usage=False`: the chunks without their usage records."""
    try:
        for chunk in chunks:
            if chunk.usage_metadata is not None:
                chunk = chunk.model_copy(update={"usage_metadata": None})
            yield chunk
    finally:
        close_iterator(chunks)


async def awithout_usage(chunks: AsyncIterator[AIMessageChunk]) -> AsyncIterator[AIMessageChunk]:
    try:
        async for chunk in chunks:
            if chunk.usage_metadata is not None:
                chunk = chunk.model_copy(update={"usage_metadata": None})
            yield chunk
    finally:
        await aclose_iterator(chunks)
