"""Output parsers beside langchain-core's: JSON parsed as a reply streams in, the
failure class of a Pydantic parser, and text from a message with list content."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel

from tests.core._families import same

pytest.importorskip("langchain_core")


def _replying(m: Any, pieces: list[str], as_chunks: bool) -> Any:
    def reply(_: Iterator[Any]) -> Iterator[Any]:
        for piece in pieces:
            yield m.AIMessageChunk(content=piece) if as_chunks else piece

    return m.RunnableGenerator(reply)


@pytest.mark.parametrize("as_chunks", [True, False], ids=["chunks", "text"])
@pytest.mark.parametrize(
    "pieces",
    [
        ['{"a": [1', ', 2], "b": {"c": "he', 'llo"}', "}"],
        ['```json\n{"a": "x', 'y"', ', "n": nul', "l}\n```"],
    ],
    ids=["plain", "fenced"],
)
def test_json_streams_partial_objects(pieces: list[str], as_chunks: bool) -> None:
    def scenario(m: Any) -> Any:
        reply = _replying(m, pieces, as_chunks)
        return (
            list((reply | m.JsonOutputParser()).stream(1)),
            list((reply | m.JsonOutputParser(diff=True)).stream(1)),
        )

    assert len(same(scenario)[0]) > 1


class _Person(BaseModel):
    name: str
    age: int


@pytest.mark.parametrize("text", ['{"name": "x"}', "nope", "not json"])
def test_a_parse_failure_is_an_output_parser_exception(text: str) -> None:
    def scenario(m: Any) -> Any:
        failures = []
        parsers = [m.PydanticOutputParser(pydantic_object=_Person)]
        if not text.startswith("{"):
            parsers.append(m.JsonOutputParser())
        for parser in parsers:
            with pytest.raises(m.OutputParserException) as info:
                parser.invoke(text)
            failures.append((isinstance(info.value, ValueError), info.value.llm_output))
        return failures

    same(scenario)


def test_text_is_read_from_list_content() -> None:
    def scenario(m: Any) -> Any:
        message = m.AIMessage(
            content=[
                {"type": "reasoning", "reasoning": "r"},
                {"type": "text", "text": "a"},
                "b",
                {"type": "image_url", "image_url": {"url": "u"}},
            ]
        )
        pieces = [
            m.AIMessageChunk(content=[{"type": "text", "text": "a", "index": 0}]),
            m.AIMessageChunk(content=[{"type": "text", "text": "b", "index": 0}]),
        ]

        def reply(_: Iterator[Any]) -> Iterator[Any]:
            yield from pieces

        chunks = m.RunnableGenerator(reply) | m.StrOutputParser()
        return m.StrOutputParser().invoke(message), list(chunks.stream(1))

    assert same(scenario) == ("ab", ["a", "b"])


@pytest.mark.parametrize("value", [{"a": 1}, 3, None], ids=["dict", "int", "none"])
def test_a_parser_given_no_text_raises_a_value_error(value: Any) -> None:
    """langchain-core raises pydantic's ValidationError (a ValueError) there; chatplex a
    TypeError that is also a ValueError, so a ported `except ValueError` catches it."""

    def scenario(m: Any) -> Any:
        caught = []
        for parser in (
            m.StrOutputParser(),
            m.JsonOutputParser(),
            m.CommaSeparatedListOutputParser(),
        ):
            with pytest.raises(ValueError):
                parser.invoke(value)
            caught.append(type(parser).__name__)
        return caught

    same(scenario)
