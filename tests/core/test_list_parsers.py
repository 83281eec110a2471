"""chatplex's list parsers beside langchain-core's: the same lists from the same replies,
whole and streamed (sync and async), and the same format instructions."""

from __future__ import annotations

import pytest
from langchain_core import output_parsers as lc_parsers
from langchain_core.messages import AIMessageChunk as LCChunk

from chatplex import AIMessage
from chatplex import AIMessageChunk
from chatplex import core
from tests.core._twins import transformed

NAMES = ["CommaSeparatedListOutputParser", "NumberedListOutputParser", "MarkdownListOutputParser"]

TEXTS = [
    "red, green, blue",
    'a,"b, c", d',
    "one",
    "",
    "1. tea\n2. coffee\n3. milk",
    "Here:\n1. a b\n\n2. c\n",
    "- x\n* y\n  - z\nnot an item",
    'broken "quote, here',
]

STREAMS = [
    ["red, gr", "een, bl", "ue"],
    ["1. tea\n2. co", "ffee\n", "3. milk"],
    ["- x\n", "* y", "\n- z\n"],
    ['a, "b,', ' c", d'],
    ["", "a", ""],
]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("text", TEXTS)
def test_a_reply_becomes_the_same_list(name: str, text: str) -> None:
    theirs = getattr(lc_parsers, name)()
    ours = getattr(core, name)()
    assert ours.invoke(text) == theirs.invoke(text)
    assert ours.invoke(AIMessage(text)) == theirs.invoke(text)
    assert ours.parse(text) == theirs.parse(text)


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("pieces", STREAMS)
@pytest.mark.parametrize("sync", [True, False])
def test_a_stream_yields_the_same_items(name: str, pieces: list[str], sync: bool) -> None:
    theirs = list(getattr(lc_parsers, name)().transform(iter([LCChunk(p) for p in pieces])))
    chunks = [AIMessageChunk(p) for p in pieces] if sync else pieces  # async: bare strs
    ours = transformed(getattr(core, name)(), sync, chunks)
    assert ours == theirs


def test_a_chunk_of_content_blocks_is_skipped_as_langchain_skips_it() -> None:
    pieces = [[{"type": "text", "text": "x, "}], "a, b"]
    theirs = list(lc_parsers.CommaSeparatedListOutputParser().transform(iter(map(LCChunk, pieces))))
    ours = list(core.CommaSeparatedListOutputParser().transform(iter(map(AIMessageChunk, pieces))))
    assert ours == theirs == [["a"], ["b"]]


@pytest.mark.parametrize("name", NAMES)
def test_the_same_format_instructions(name: str) -> None:
    theirs = getattr(lc_parsers, name)().get_format_instructions()
    assert getattr(core, name)().get_format_instructions() == theirs


def test_a_pattern_of_ones_own() -> None:
    pattern = r"\((\w+)\)"
    theirs = lc_parsers.NumberedListOutputParser(pattern=pattern)
    ours = core.NumberedListOutputParser(pattern=pattern)
    assert ours.invoke("(a) (b)") == theirs.invoke("(a) (b)") == ["a", "b"]
