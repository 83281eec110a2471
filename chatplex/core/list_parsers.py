"""List output parsers: a reply → a list of strings, as LangChain's `list` parsers split
it (comma-separated, numbered, Markdown). Streamed, each item comes as `[item]` once the
text after it shows it is complete, and the last at the end.

>>> CommaSeparatedListOutputParser().invoke("red, green, blue")
['red', 'green', 'blue']
>>> list(NumberedListOutputParser().transform(iter(["1. tea\\n2. co", "ffee\\n"])))
[['tea'], ['coffee']]
"""

from __future__ import annotations

import csv
import re
from collections.abc import AsyncIterator
from collections.abc import Iterator
from io import StringIO
from typing import Any

from ..messages import BaseMessage
from ._pure import PureRunnable
from .parsers import ParserMethods
from .parsers import parser_text
from .run_config import RunnableConfig

__all__ = [
    "CommaSeparatedListOutputParser",
    "ListOutputParser",
    "MarkdownListOutputParser",
    "NumberedListOutputParser",
]


class _Items:
    """A stream's text split into items as it comes: `feed` returns the items the new
    text completed, `end` the rest (the plan both `transform`s share)."""

    def __init__(self, parser: ListOutputParser) -> None:
        self._parser = parser
        self._buffer = ""

    def feed(self, chunk: Any) -> list[list[str]]:
        if isinstance(chunk, BaseMessage):
            if not isinstance(chunk.content, str):
                return []  # as LangChain: a chunk of content blocks is skipped
            self._buffer += chunk.content
        else:
            self._buffer += chunk
        try:
            found = list(self._parser.parse_iter(self._buffer))[:-1]  # the last may grow
        except NotImplementedError:
            parts = self._parser.parse(self._buffer)
            if len(parts) < 2:
                return []
            self._buffer = parts[-1]
            return [[part] for part in parts[:-1]]
        if found:
            self._buffer = self._buffer[found[-1].end() :]
        return [[match.group(1)] for match in found]

    def end(self) -> list[list[str]]:
        return [[part] for part in self._parser.parse(self._buffer)]


class ListOutputParser(ParserMethods, PureRunnable[Any, list[str]]):
    """A reply's text → a list of strings (subclasses say how it is split)."""

    _run_type = "parser"
    #: The pattern one item matches (its text in group 1), if items are matched.
    pattern: str | None = None
    _flags = 0

    def __init__(self, *, pattern: str | None = None, name: str | None = None) -> None:
        if pattern is not None:
            self.pattern = pattern
        self._named(name)

    def parse(self, text: str) -> list[str]:
        if self.pattern is None:
            raise NotImplementedError
        return re.findall(self.pattern, text, self._flags)

    def parse_iter(self, text: str) -> Iterator[re.Match[str]]:
        """Each item's match, for a parser whose items match `pattern`."""
        if self.pattern is None:
            raise NotImplementedError
        return re.finditer(self.pattern, text, self._flags)

    def _invoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> list[str]:
        return self.parse(parser_text(input, type(self).__name__))

    def _transform(
        self, chunks: Iterator[Any], config: RunnableConfig, **kwargs: Any
    ) -> Iterator[list[str]]:
        items = _Items(self)
        for chunk in chunks:
            yield from items.feed(chunk)
        yield from items.end()

    async def _atransform(
        self, chunks: AsyncIterator[Any], config: RunnableConfig, **kwargs: Any
    ) -> AsyncIterator[list[str]]:
        items = _Items(self)
        async for chunk in chunks:
            for item in items.feed(chunk):
                yield item
        for item in items.end():
            yield item


class CommaSeparatedListOutputParser(ListOutputParser):
    """`"a, b, c"` → `["a", "b", "c"]` (read as one CSV record: `"a, b"` in quotes is one
    item)."""

    def get_format_instructions(self) -> str:
        return (
            "Your response should be a list of comma separated values, "
            "eg: `foo, bar, baz` or `foo,bar,baz`"
        )

    def parse(self, text: str) -> list[str]:
        try:
            reader = csv.reader(StringIO(text), quotechar='"', delimiter=",", skipinitialspace=True)
            return [item for row in reader for item in row]
        except csv.Error:
            return [part.strip() for part in text.split(",")]


class NumberedListOutputParser(ListOutputParser):
    """`"1. a\\n2. b"` → `["a", "b"]`."""

    pattern = r"\d+\.\s([^\n]+)"

    def get_format_instructions(self) -> str:
        return (
            "Your response should be a numbered list with each item on a new line. "
            "For example: \n\n1. foo\n\n2. bar\n\n3. baz"
        )


class MarkdownListOutputParser(ListOutputParser):
    """`"- a\\n* b"` → `["a", "b"]`."""

    pattern = r"^\s*[-*]\s([^\n]+)$"
    _flags = re.MULTILINE

    def get_format_instructions(self) -> str:
        return "Your response should be a markdown list, eg: `- foo\n- bar\n- baz`"
