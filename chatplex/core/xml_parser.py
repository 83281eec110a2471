"""`XMLOutputParser`, as langchain-core's: a reply's XML → nested dicts and lists
(`<a><b>x</b></a>` → `{"a": [{"b": "x"}]}`); streamed, each leaf element as it closes,
as a one-path `AddableDict` (`{"a": [{"b": "x"}]}`), so that the pieces added together
give the whole.

The default reader is defusedxml's, as LangChain's (its absence is LangChain's
ImportError); `parser="xml"` reads with the standard library's, which Python's docs warn
about for untrusted input.

>>> XMLOutputParser(parser="xml").invoke("<movies><title>Up</title></movies>")
{'movies': [{'title': 'Up'}]}
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import AsyncIterator
from collections.abc import Iterator
from typing import Any
from typing import Literal
from typing import cast
from xml.etree import ElementTree

from ..messages import BaseMessage
from ._pure import PureRunnable
from .chunks import AddableDict
from .parsers import OutputParserException
from .parsers import ParserMethods
from .parsers import parser_text
from .run_config import RunnableConfig

__all__ = ["XMLOutputParser"]

XML_FORMAT_INSTRUCTIONS = """The output should be formatted as a XML file.
1. Output should conform to the tags below.
2. If tags are not given, make them on your own.
3. Remember to always open and close all the tags.

As an example, for the tags ["foo", "bar", "baz"]:
1. String "<foo>\n   <bar>\n      <baz></baz>\n   </bar>\n</foo>" is a well-formatted instance of the schema.
2. String "<foo>\n   <bar>\n   </foo>" is a badly-formatted instance.
3. String "<foo>\n   <tag>\n   </tag>\n</foo>" is a badly-formatted instance.

Here are the output tags:
```
{tags}
```"""  # noqa: E501 - LangChain's text, as the model is shown it

_DEFUSEDXML_MISSING = (
    "defusedxml is not installed. Please install it to use the defusedxml parser. "
    "You can install it with `pip install defusedxml`. "
    "See https://github.com/tiran/defusedxml for more details"
)
_XML_START = re.compile(r"<[a-zA-Z:_]")
_FENCED = re.compile(r"```(xml)?(.*)```", re.DOTALL)
#: Where the XML starts after a declaration naming its encoding (LangChain's default).
ENCODING_DECLARATION = re.compile(r"<([^>]*encoding[^>]*)>\n(.*)", re.MULTILINE | re.DOTALL)


def _defusedxml() -> Any:
    try:
        from defusedxml import ElementTree as defused  # type: ignore[import-untyped]
    except ImportError:
        raise ImportError(_DEFUSEDXML_MISSING) from None
    return defused


class _Pieces:
    """A stream's text read as it comes: `feed` returns the leaf elements the new text
    closed, each as its path from the root (the plan both `transform`s share)."""

    def __init__(self, parser: Literal["defusedxml", "xml"]) -> None:
        reader = None
        if parser == "defusedxml":
            reader = _defusedxml().XMLParser(target=ElementTree.TreeBuilder())
        self._pull = ElementTree.XMLPullParser(["start", "end"], _parser=reader)
        self._path: list[str] = []
        self._has_children = False
        self._buffer = ""
        self._started = False

    def feed(self, chunk: Any) -> list[AddableDict]:
        if isinstance(chunk, BaseMessage):
            if not isinstance(chunk.content, str):
                return []  # as LangChain: a chunk of content blocks is skipped
            chunk = chunk.content
        self._buffer += chunk
        if not self._started:
            start = _XML_START.search(self._buffer)
            if start is None:
                return []  # text before the XML begins
            self._buffer = self._buffer[start.start() :]
            self._started = True
        self._pull.feed(self._buffer)
        self._buffer = ""
        pieces = []
        try:
            # (only "start" and "end" were asked for: each carries its element)
            events = cast("Iterator[tuple[str, ElementTree.Element]]", self._pull.read_events())
            for event, element in events:
                if event == "start":
                    self._path.append(element.tag)
                    self._has_children = False
                    continue
                self._path.pop()
                if not self._has_children:
                    pieces.append(_nested(self._path, element))
                if self._path:
                    self._has_children = True  # so its parent is not given again
                else:
                    self._started = False
        except ElementTree.ParseError:
            if self._path:
                raise
            # Text after the root closed (trailing junk), as LangChain lets it be.
        return pieces

    def end(self) -> None:
        with contextlib.suppress(ElementTree.ParseError):  # an unclosed tail is left
            self._pull.close()


def _nested(path: list[str], element: ElementTree.Element) -> AddableDict:
    if not path:
        return AddableDict({element.tag: element.text})
    return AddableDict({path[0]: [_nested(path[1:], element)]})


def _as_dict(root: ElementTree.Element) -> dict[str, Any]:
    if root.text and re.search(r"\S", root.text):
        return {root.tag: root.text}  # a text element: its children are not read
    return {
        root.tag: [
            {child.tag: child.text} if len(child) == 0 else _as_dict(child) for child in root
        ]
    }


class XMLOutputParser(ParserMethods, PureRunnable[Any, dict[str, Any]]):
    """A reply's XML → a dict (`{tag: text}` for a text element, `{tag: [children]}`
    otherwise); the XML may sit in a ```` ```xml ```` fence or after an XML declaration.

    Args:
        tags: the tags `get_format_instructions` asks the model for.
        parser: "defusedxml" (the default: install defusedxml) or "xml" (the standard
            library's reader).
        encoding_matcher: where the XML starts after a declaration naming its encoding.

    Raises:
        OutputParserException: the text is not well-formed XML.
        ImportError: the default parser without defusedxml installed.
    """

    _run_type = "parser"

    def __init__(
        self,
        *,
        tags: list[str] | None = None,
        parser: Literal["defusedxml", "xml"] = "defusedxml",
        encoding_matcher: re.Pattern[str] | None = ENCODING_DECLARATION,
        name: str | None = None,
    ) -> None:
        if parser not in ("defusedxml", "xml"):
            raise ValueError(f"parser must be 'defusedxml' or 'xml', got {parser!r}")
        self._named(name)
        self.tags = tags
        self.parser = parser
        self.encoding_matcher = encoding_matcher or ENCODING_DECLARATION

    def get_format_instructions(self) -> str:
        return XML_FORMAT_INSTRUCTIONS.format(tags=self.tags)

    def parse(self, text: str) -> dict[str, Any]:
        reader: Any = _defusedxml() if self.parser == "defusedxml" else ElementTree
        if fenced := _FENCED.search(text):
            text = fenced.group(2)
        if declared := self.encoding_matcher.search(text):
            text = declared.group(2)
        text = text.strip()
        try:
            return _as_dict(reader.fromstring(text))
        except reader.ParseError as exc:
            raise OutputParserException(
                f"Failed to parse XML format from completion {text}. Got: {exc}",
                llm_output=text,
            ) from exc

    def _invoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> dict[str, Any]:
        return self.parse(parser_text(input, type(self).__name__))

    def _transform(
        self, chunks: Iterator[Any], config: RunnableConfig, **kwargs: Any
    ) -> Iterator[AddableDict]:
        pieces = _Pieces(self.parser)
        for chunk in chunks:
            yield from pieces.feed(chunk)
        pieces.end()

    async def _atransform(
        self, chunks: AsyncIterator[Any], config: RunnableConfig, **kwargs: Any
    ) -> AsyncIterator[AddableDict]:
        pieces = _Pieces(self.parser)
        async for chunk in chunks:
            for piece in pieces.feed(chunk):
                yield piece
        pieces.end()
