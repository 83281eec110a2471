"""`StrOutputParser`: messages, chunks and strs to text; streams piece by piece."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from itertools import pairwise
from typing import Any

import pytest

from chatplex import AIMessage
from chatplex import AIMessageChunk
from chatplex import ChatPromptTemplate
from chatplex import FakeChatModel
from chatplex import HumanMessage
from chatplex import StrOutputParser
from chatplex import SystemMessage
from chatplex import ToolMessage

BLOCKS = [
    {"type": "thinking", "thinking": "hmm"},
    {"type": "text", "text": "Hello, "},
    {"type": "text", "text": "world"},
]


async def aiter_of(items: list[Any]) -> AsyncIterator[Any]:
    for item in items:
        yield item


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (AIMessage("hi"), "hi"),
        (AIMessage(BLOCKS), "Hello, world"),
        (AIMessage(""), ""),
        (AIMessageChunk("piece"), "piece"),
        (AIMessageChunk(BLOCKS), "Hello, world"),
        (HumanMessage("human text"), "human text"),
        (SystemMessage("sys"), "sys"),
        (ToolMessage("22C", tool_call_id="c"), "22C"),
        ("already a str", "already a str"),
        ("", ""),
    ],
)
@pytest.mark.parametrize("sync", [True, False])
async def test_invoke(sync: bool, value: Any, expected: str) -> None:
    parser = StrOutputParser()
    out = parser.invoke(value) if sync else await parser.ainvoke(value)
    assert out == expected
    # A message's text is a str LangChain's way, which may still be called (`.text()`).
    assert type(out).__name__ == ("str" if isinstance(value, str) else "TextAccessor")


@pytest.mark.parametrize("value", [42, None, b"bytes", {"content": "x"}, ["a"], 1.5])
@pytest.mark.parametrize("sync", [True, False])
async def test_other_inputs_are_a_type_error(sync: bool, value: Any) -> None:
    parser = StrOutputParser()
    with pytest.raises(TypeError, match=type(value).__name__):
        if sync:
            parser.invoke(value)
        else:
            await parser.ainvoke(value)


@pytest.mark.parametrize("sync", [True, False])
async def test_batch(sync: bool) -> None:
    parser = StrOutputParser()
    inputs: list[Any] = [AIMessage("a"), "b", AIMessageChunk("c"), 3]
    if sync:
        out = parser.batch(inputs, return_exceptions=True)
    else:
        out = await parser.abatch(inputs, return_exceptions=True)
    assert out[:3] == ["a", "b", "c"]
    assert isinstance(out[3], TypeError)


_TEXTLESS_AMONG_TEXT = [
    AIMessageChunk("", id="m"),
    AIMessageChunk("Hel"),
    AIMessageChunk([{"type": "thinking", "thinking": "x", "index": 0}]),
    AIMessageChunk("lo"),
    AIMessageChunk(""),
    "!",
]


@pytest.mark.parametrize("sync", [True, False])
async def test_transform_yields_one_piece_per_chunk_empty_ones_included(sync: bool) -> None:
    # Role-only, thinking-only and usage-only chunks yield "" as LangChain's parser does:
    # a script writing one SSE line per piece sends as many lines with either library.
    parser = StrOutputParser()
    if sync:
        out = list(parser.transform(_TEXTLESS_AMONG_TEXT))
    else:
        out = [piece async for piece in parser.atransform(aiter_of(_TEXTLESS_AMONG_TEXT))]
    assert out == ["", "Hel", "", "lo", "", "!"]


def test_transform_is_lazy() -> None:
    """Each piece is produced before the next chunk is pulled from upstream."""
    events: list[str] = []

    def upstream() -> Any:
        for text in ("a", "b", "c"):
            events.append(f"pull {text}")
            yield AIMessageChunk(text)

    for piece in StrOutputParser().transform(upstream()):
        events.append(f"got {piece}")
    assert events == ["pull a", "got a", "pull b", "got b", "pull c", "got c"]


def test_transform_rejects_a_bad_chunk() -> None:
    stream = StrOutputParser().transform([AIMessageChunk("ok"), 7])
    assert next(stream) == "ok"
    with pytest.raises(TypeError, match="int"):
        next(stream)


@pytest.mark.parametrize("sync", [True, False])
async def test_chain_streams_text_pieces(sync: bool) -> None:
    model = FakeChatModel(responses=["one two three"])
    chain = ChatPromptTemplate.from_template("Count {n}") | model | StrOutputParser()
    if sync:
        pieces = list(chain.stream({"n": 3}))
        whole = chain.invoke({"n": 3})
    else:
        pieces = [p async for p in chain.astream({"n": 3})]
        whole = await chain.ainvoke({"n": 3})
    assert pieces == ["one ", "two ", "three"]
    assert whole == "one two three"
    assert model.calls[0] == [HumanMessage("Count 3")]


@pytest.mark.parametrize("sync", [True, False])
async def test_chain_stream_pieces_arrive_spaced_out(sync: bool) -> None:
    """Pieces reach the consumer as the model yields them, not all at the end."""
    delay = 0.03
    chain = FakeChatModel(responses=["a b c d"], chunk_delay=delay) | StrOutputParser()
    arrivals: list[float] = []
    pieces: list[str] = []
    if sync:
        for piece in chain.stream("go"):
            arrivals.append(time.monotonic())
            pieces.append(piece)
    else:
        async for piece in chain.astream("go"):
            arrivals.append(time.monotonic())
            pieces.append(piece)
    assert pieces == ["a ", "b ", "c ", "d"]
    gaps = [b - a for a, b in pairwise(arrivals)]
    # A lower bound only: each later piece waited for its own delay.
    assert all(gap >= delay / 2 for gap in gaps), gaps


def test_docstring_examples() -> None:
    import doctest

    from chatplex.core import parsers

    failures, tried = doctest.testmod(parsers)
    assert failures == 0 and tried > 0
