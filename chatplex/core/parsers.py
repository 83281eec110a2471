"""Output parsers: turn model messages into plain values."""

from __future__ import annotations

from collections.abc import AsyncIterator
from collections.abc import Iterator
from typing import Any

from ..errors import ChatplexError
from ..messages import BaseMessage
from ._pure import PureRunnable
from .run_config import RunnableConfig

__all__ = [
    "NotTextError",
    "OutputParserException",
    "ParserMethods",
    "StrOutputParser",
    "parser_text",
]


class OutputParserException(ChatplexError, ValueError):  # noqa: N818 - LangChain's name
    """A model's output could not be parsed: `llm_output` is the text that failed.

    A `ValueError`, as LangChain's, so `except ValueError` in ported code still catches it.
    """

    def __init__(
        self,
        error: Any,
        observation: str | None = None,
        llm_output: str | None = None,
        send_to_llm: bool = False,
    ) -> None:
        super().__init__(str(error))
        self.observation = observation
        self.llm_output = llm_output
        self.send_to_llm = send_to_llm


class NotTextError(TypeError, ValueError):
    """A parser given neither a message nor a str: a TypeError, and the ValueError
    (pydantic's ValidationError) LangChain's parsers raise there, so a ported
    `except ValueError` still catches."""


def parser_text(value: Any, parser: str) -> str:
    """The text a parser reads: a message's (or chunk's) text, or a str."""
    if isinstance(value, BaseMessage):
        return value.text
    if isinstance(value, str):
        return value
    text = getattr(value, "text", None)  # another library's message
    if isinstance(text, str) and hasattr(value, "content"):
        return text
    raise NotTextError(f"{parser} expects a message or a str, got {type(value).__name__}")


class ParserMethods:
    """LangChain's `BaseOutputParser` methods, all made from `parse(text)`: the async
    form, parsing generations (anything with `.text`: LangChain's or chatplex's
    `ChatGeneration`), and parsing beside the prompt (which a plain parser ignores)."""

    def parse(self, text: str) -> Any:
        raise NotImplementedError

    async def aparse(self, text: str) -> Any:
        return self.parse(text)

    def parse_result(self, result: list[Any], *, partial: bool = False) -> Any:
        """The first generation's text, parsed."""
        return self.parse(result[0].text)

    async def aparse_result(self, result: list[Any], *, partial: bool = False) -> Any:
        return self.parse_result(result, partial=partial)

    def parse_with_prompt(self, completion: str, prompt: Any) -> Any:
        return self.parse(completion)

    def get_format_instructions(self) -> str:
        """What to tell the model; a parser with nothing to ask raises, as LangChain's."""
        raise NotImplementedError


class StrOutputParser(ParserMethods, PureRunnable[Any, str]):
    """A message (or chunk) → its text. Streams: each chunk's text as it arrives, one
    piece per chunk, as LangChain's: a chunk without text (role, usage or finish-reason
    only) yields `""`, so a script that counts pieces or writes one line per piece (an
    SSE endpoint's `data:` lines) sees what it saw with LangChain.

    Examples:
        >>> from chatplex import AIMessage
        >>> StrOutputParser().invoke(AIMessage(content="hi"))
        'hi'
    """

    _run_type = "parser"  # events: on_parser_start / on_parser_stream / on_parser_end

    def __init__(self, *, name: str | None = None) -> None:
        self._named(name)

    @staticmethod
    def _text(value: Any) -> str:
        return parser_text(value, "StrOutputParser")

    def parse(self, text: str) -> str:
        return text

    def _invoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> str:
        return self._text(input)

    def _transform(
        self, chunks: Iterator[Any], config: RunnableConfig, **kwargs: Any
    ) -> Iterator[str]:
        for chunk in chunks:
            yield self._text(chunk)

    async def _atransform(
        self, chunks: AsyncIterator[Any], config: RunnableConfig, **kwargs: Any
    ) -> AsyncIterator[str]:
        async for chunk in chunks:
            yield self._text(chunk)
