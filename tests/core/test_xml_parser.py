"""`XMLOutputParser` (core/xml_parser.py) beside langchain-core's: the same texts parsed
with both readers, streamed in pieces, sync and async, in a chain, and the same errors."""

from __future__ import annotations

import doctest
import sys
from collections.abc import AsyncIterator
from typing import Any

import pytest
from langchain_core import exceptions as lc_exceptions
from langchain_core.language_models import GenericFakeChatModel
from langchain_core.messages import AIMessage as LCAIMessage
from langchain_core.messages import AIMessageChunk as LCAIMessageChunk
from langchain_core.output_parsers import xml as lc_xml

import chatplex
from chatplex import AIMessageChunk
from chatplex import FakeChatModel
from chatplex import OutputParserException
from chatplex.core import xml_parser

READERS = ("defusedxml", "xml")

TEXTS = [
    "<movies><title>Up</title><year>2009</year></movies>",
    "<a><b><c>deep</c><d>x</d></b><e>y</e></a>",
    "<a>text<b>child</b></a>",  # a text element: its children are not read
    "<a><b/><c></c></a>",  # empty leaves: None
    '<a kind="x"><b n="1">one</b></a>',  # attributes are not read
    "Here you are:\n```xml\n<a><b>fenced</b></a>\n```\nDone.",
    '<?xml version="1.0" encoding="UTF-8"?>\n<a><b>declared</b></a>',
    "  \n<a>\n  <b>spaced</b>\n</a>\n  ",
    "<root>only text</root>",
]

BAD = ["<a><b>x</a>", "no xml here", "<a>", ""]


def parsers(reader: str) -> tuple[Any, Any]:
    return lc_xml.XMLOutputParser(parser=reader), chatplex.XMLOutputParser(parser=reader)


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("text", TEXTS)
def test_a_text_parses_as_langchains(reader: str, text: str) -> None:
    theirs, ours = parsers(reader)
    assert ours.parse(text) == theirs.parse(text)
    assert ours.invoke(text) == theirs.invoke(text)
    assert ours.invoke(chatplex.AIMessage(text)) == theirs.invoke(LCAIMessage(text))


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("text", BAD)
def test_a_bad_text_raises_langchains_error(reader: str, text: str) -> None:
    theirs, ours = parsers(reader)
    with pytest.raises(lc_exceptions.OutputParserException) as their:
        theirs.parse(text)
    with pytest.raises(OutputParserException) as our:
        ours.parse(text)
    # The same words (LangChain's add its troubleshooting link).
    assert str(their.value).startswith(str(our.value))
    assert our.value.llm_output == their.value.llm_output


def test_entities_are_refused_by_defusedxml_on_both() -> None:
    bomb = '<?xml version="1.0"?><!DOCTYPE a [<!ENTITY e "x">]><a>&e;</a>'
    theirs, ours = parsers("defusedxml")
    with pytest.raises(Exception) as their:
        theirs.parse(bomb)
    with pytest.raises(Exception) as our:
        ours.parse(bomb)
    assert type(our.value) is type(their.value)
    assert type(our.value).__module__.startswith("defusedxml")


def test_without_defusedxml_the_default_reader_raises_langchains_import_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "defusedxml", None)  # an import of it fails
    monkeypatch.setattr(lc_xml, "_HAS_DEFUSEDXML", False)
    theirs, ours = parsers("defusedxml")
    for call in ("parse", "stream"):
        errors = []
        for parser in (theirs, ours):
            with pytest.raises(ImportError) as info:
                if call == "parse":
                    parser.parse("<a/>")
                else:
                    list(parser.transform(iter(["<a/>"])))
            errors.append(str(info.value))
        assert errors[1] == errors[0]
    # The standard library's reader needs nothing more.
    assert chatplex.XMLOutputParser(parser="xml").invoke("<a>x</a>") == {"a": "x"}


def pieces_of(text: str, size: int) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)]


STREAMED = [
    "<movies><title>Up</title><year>2009</year></movies>",
    "Sure! <a><b><c>deep</c><d>x</d></b><e>y</e></a> and that's all.",  # prose around
    "<a><b>one</b></a><c><d>two</d></c>",  # a second root after the first
    "<a><b>unclosed",  # the tail never closes: what closed is given
]


@pytest.mark.parametrize("reader", READERS)
@pytest.mark.parametrize("text", STREAMED)
@pytest.mark.parametrize("size", [1, 3, 7, 1000])
async def test_a_stream_gives_langchains_pieces(reader: str, text: str, size: int) -> None:
    theirs, ours = parsers(reader)
    chunks = pieces_of(text, size)
    expected = list(theirs.transform(iter(chunks)))
    assert list(ours.transform(iter(chunks))) == expected

    async def given() -> AsyncIterator[str]:
        for chunk in chunks:
            yield chunk

    assert [piece async for piece in ours.atransform(given())] == expected
    assert [piece async for piece in theirs.atransform(given())] == expected


def test_a_streams_pieces_add_up_and_messages_are_read_by_their_text() -> None:
    text = "<a><b>one</b><c><d>two</d></c></a>"
    theirs, ours = parsers("xml")
    ours_pieces = list(ours.transform(AIMessageChunk(p) for p in pieces_of(text, 4)))
    lc_pieces = list(theirs.transform(LCAIMessageChunk(p) for p in pieces_of(text, 4)))
    assert ours_pieces == lc_pieces
    total = ours_pieces[0]
    for piece in ours_pieces[1:]:
        total = total + piece
    assert total == {"a": [{"b": "one"}, {"c": [{"d": "two"}]}]}
    # A chunk of content blocks is skipped, as LangChain skips it.
    blocks = AIMessageChunk([{"type": "text", "text": "<x>1</x>"}])
    assert list(ours.transform(iter([blocks]))) == []


@pytest.mark.parametrize("sync", [True, False])
async def test_in_a_chain_as_langchains(sync: bool) -> None:
    reply = "<answer><city>Oslo</city><weather>sunny</weather></answer>"
    ours = FakeChatModel([reply]) | chatplex.XMLOutputParser(parser="xml")
    theirs = GenericFakeChatModel(messages=iter([reply, reply])) | lc_xml.XMLOutputParser(
        parser="xml"
    )
    if sync:
        assert ours.invoke("hi") == theirs.invoke("hi")
        assert list(ours.stream("hi")) == list(theirs.stream("hi"))
    else:
        assert await ours.ainvoke("hi") == await theirs.ainvoke("hi")
        assert [p async for p in ours.astream("hi")] == [p async for p in theirs.astream("hi")]


def test_format_instructions_and_settings_as_langchains() -> None:
    theirs = lc_xml.XMLOutputParser(tags=["foo", "bar"])
    ours = chatplex.XMLOutputParser(tags=["foo", "bar"])
    assert ours.get_format_instructions() == theirs.get_format_instructions()
    assert ours.parser == theirs.parser == "defusedxml"
    assert ours.encoding_matcher.pattern == theirs.encoding_matcher.pattern
    with pytest.raises(ValueError, match="parser must be"):
        chatplex.XMLOutputParser(parser="lxml")  # type: ignore[arg-type]


def test_the_doctests() -> None:
    assert doctest.testmod(xml_parser).failed == 0
