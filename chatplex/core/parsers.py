"""Output parsers: turn model messages into plain values."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from ..messages import BaseMessage
from ._pure import PureRunnable
from .run_config import RunnableConfig

__all__ = ["StrOutputParser"]


class StrOutputParser(PureRunnable[Any, str]):
    """A message (or chunk) → its text. Streams: each chunk's text as it arrives;
    chunks without text (role, usage or finish-reason only) yield nothing.

    >>> from chatplex import AIMessage
    >>> StrOutputParser().invoke(AIMessage(content="hi"))
    'hi'
    """

    _run_type = "parser"  # events: on_parser_start / on_parser_stream / on_parser_end

    @staticmethod
    def _text(value: Any) -> str:
        if isinstance(value, BaseMessage):
            return value.text
        if isinstance(value, str):
            return value
        raise TypeError(f"StrOutputParser expects a message or a str, got {type(value).__name__}")

    def _invoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> str:
        return self._text(input)

    def _transform(
        self, chunks: Iterator[Any], config: RunnableConfig, **kwargs: Any
    ) -> Iterator[str]:
        for chunk in chunks:
            if text := self._text(chunk):
                yield text

    async def _atransform(
        self, chunks: AsyncIterator[Any], config: RunnableConfig, **kwargs: Any
    ) -> AsyncIterator[str]:
        async for chunk in chunks:
            if text := self._text(chunk):
                yield text
