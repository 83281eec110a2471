"""Stream pieces (`core/chunks.py`): adding two pieces, collecting a stream into one value,
the whole value of a stream, closing iterators."""

from __future__ import annotations

import doctest
from collections.abc import AsyncIterator
from collections.abc import Iterator
from typing import Any

import pytest

from chatplex import core
from chatplex.core import AddableDict
from chatplex.core import chunks
from chatplex.core.chunks import aclose_iterator
from chatplex.core.chunks import aclosing_iterator
from chatplex.core.chunks import acollect_chunks
from chatplex.core.chunks import add_chunks
from chatplex.core.chunks import aiter_one
from chatplex.core.chunks import close_iterator
from chatplex.core.chunks import closing_iterator
from chatplex.core.chunks import collect_chunks
from chatplex.core.chunks import merge_outputs
from chatplex.messages import AIMessageChunk
from chatplex.messages import merge_chunks

from ._twins import stream


async def aiter_of(items: list[Any]) -> AsyncIterator[Any]:
    for item in items:
        yield item


def test_add_chunks_adds_what_adds() -> None:
    assert add_chunks("a", "b") == "ab"
    assert add_chunks([1], [2]) == [1, 2]
    assert add_chunks(AIMessageChunk("a"), AIMessageChunk("b")).text == "ab"


def test_a_maps_pieces_add_key_by_key_and_other_dicts_are_whole() -> None:
    a = AddableDict(text="x", nested=AddableDict(n="1"), whole={"n": "1"}, gap=None)
    b = {"text": "y", "nested": {"n": "2", "m": 0}, "whole": {"n": "12"}, "gap": "g", "new": 1}
    merged = add_chunks(a, b)
    expected = {"text": "xy", "nested": {"n": "12", "m": 0}, "whole": {"n": "12"}, "gap": "g"}
    assert merged == {**expected, "new": 1} and isinstance(merged, AddableDict)
    assert a == {"text": "x", "nested": {"n": "1"}, "whole": {"n": "1"}, "gap": None}
    assert add_chunks(AddableDict(a="x"), {"a": None}) == {"a": "x"}  # None adds nothing
    assert add_chunks({"a": "x"}, AddableDict(a="y", b=2)) == {"a": "xy", "b": 2}
    # A plain dict is a whole value (a JSON parser's partial object): the newer wins.
    assert add_chunks({"a": "x", "b": [1]}, {"a": "xy", "b": [1, 2]}) == {"a": "xy", "b": [1, 2]}


@pytest.mark.parametrize("sync", [True, False])
async def test_a_stream_of_partial_objects_is_its_last_one_as_in_langchain(sync: bool) -> None:
    # A JSON parser streams whole partial objects: what follows it gets the last one
    # (summing them gave {"name": "AAnAnn", "tags": ["a", "a", "b"]}), and a map after
    # it still adds its own keyed pieces.
    runnables = pytest.importorskip("langchain_core.runnables")
    parsers = pytest.importorskip("langchain_core.output_parsers")
    text = ['{"name": "A', "n", 'n", "tags": ["a"', ', "b"]}']

    def reply(_: Iterator[Any]) -> Iterator[str]:
        yield from text

    async def areply(_: AsyncIterator[Any]) -> AsyncIterator[str]:
        for piece in text:
            yield piece

    def chain(runnables: Any, parsers: Any) -> Any:
        parsed = runnables.RunnableGenerator(reply, areply) | parsers.JsonOutputParser()
        keyed = runnables.RunnableParallel(same=lambda d: d, size=len)
        return parsed | keyed | runnables.RunnableLambda(lambda d: (d["same"], d["size"]))

    ours = await stream(chain(core, core), sync, "x")
    theirs = await stream(chain(runnables, parsers), sync, "x")
    assert ours == theirs == [({"name": "Ann", "tags": ["a", "b"]}, 2)]


def test_add_chunks_keeps_the_newer_piece_when_nothing_adds() -> None:
    assert add_chunks(1, "x") == "x"
    assert add_chunks(None, {"a": 1}) == {"a": 1}


def test_whole_messages_streamed_as_pieces_keep_the_newer_not_a_prompt() -> None:
    # `message + message` is a prompt (LangChain's composition), so a stream of whole
    # messages must not be summed with it: LangChain's collection turns a generator of
    # AIMessages into a ChatPromptTemplate (or a TypeError further on); the newer
    # message is the stream's value here, as before messages could be added.
    from chatplex import AIMessage
    from chatplex import RunnableLambda

    def replies(text: str) -> Iterator[AIMessage]:
        yield AIMessage("draft")
        yield AIMessage("final")

    assert add_chunks(AIMessage("a"), AIMessage("b")) == AIMessage("b")
    assert RunnableLambda(replies).invoke("x") == AIMessage("final")
    assert add_chunks(AIMessageChunk("a"), AIMessageChunk("b")) == merge_chunks(
        [AIMessageChunk("a"), AIMessageChunk("b")]
    )


@pytest.mark.parametrize("sync", [True, False])
async def test_collect_merges_the_pieces_in_order(sync: bool) -> None:
    pieces = [AddableDict(a="x"), AddableDict(a="y", b=1), AddableDict(b=2)]
    if sync:
        assert collect_chunks(iter(pieces)) == {"a": "xy", "b": 3}
    else:
        assert await acollect_chunks(aiter_of(pieces)) == {"a": "xy", "b": 3}
    whole = [{"a": "x"}, {"a": "xy"}]
    assert collect_chunks(iter(whole)) == await acollect_chunks(aiter_of(whole)) == whole[1]


@pytest.mark.parametrize("sync", [True, False])
async def test_collecting_nothing_is_an_error(sync: bool) -> None:
    with pytest.raises(ValueError, match="produced no output"):
        if sync:
            collect_chunks(iter([]))
        else:
            await acollect_chunks(aiter_of([]))


def test_a_single_none_piece_is_output() -> None:
    assert collect_chunks(iter([None])) is None  # "no output" means no piece at all


def test_merge_outputs() -> None:
    assert merge_outputs([]) is None
    one = {"a": 1}
    assert merge_outputs([one]) is one
    assert merge_outputs(["a", "b", "c"]) == "abc"
    message = [AIMessageChunk("a", id="m"), AIMessageChunk("b")]
    assert merge_outputs(message) == merge_chunks(message)
    assert merge_outputs([AddableDict(a="x"), AddableDict(a="y")]) == {"a": "xy"}
    assert merge_outputs([{"a": "x"}, {"a": "xy"}]) == {"a": "xy"}
    assert merge_outputs(["a", 1]) == 1  # no common way to add: the last piece


async def test_aiter_one_streams_its_one_value() -> None:
    value = {"topic": "tea"}
    assert [piece async for piece in aiter_one(value)] == [value]
    assert [piece async for piece in aiter_one(None)] == [None]


def _two(closed: list[bool]) -> Iterator[int]:
    """1 and 2, noting in `closed` that it was closed (or ran out)."""
    try:
        yield 1
        yield 2
    finally:
        closed.append(True)


async def _atwo(closed: list[bool]) -> AsyncIterator[int]:
    """The async `_two`."""
    try:
        yield 1
        yield 2
    finally:
        closed.append(True)


def test_close_iterator_closes_generators_and_skips_plain_iterators() -> None:
    closed: list[bool] = []
    running = _two(closed)
    next(running)
    close_iterator(running)
    assert closed == [True]
    close_iterator(iter([1, 2]))  # nothing to close, no error


async def test_aclose_iterator_closes_async_generators() -> None:
    closed: list[bool] = []
    running = _atwo(closed)
    await running.__anext__()
    await aclose_iterator(running)
    assert closed == [True]

    class Plain:
        def __aiter__(self) -> Plain:
            return self

        async def __anext__(self) -> int:
            raise StopAsyncIteration

    await aclose_iterator(Plain())


def test_closing_iterator_closes_on_leaving_the_block_even_by_an_error() -> None:
    closed: list[bool] = []
    with pytest.raises(KeyError), closing_iterator(_two(closed)) as running:
        assert next(running) == 1
        assert not closed  # open inside the block
        raise KeyError("stop")
    assert closed == [True]
    with closing_iterator(iter([1, 2])) as plain:  # nothing to close, no error
        assert list(plain) == [1, 2]


async def test_aclosing_iterator_closes_on_leaving_the_block() -> None:
    closed: list[bool] = []
    async with aclosing_iterator(_atwo(closed)) as running:
        assert await anext(running) == 1
        assert not closed
    assert closed == [True]


def test_docstring_examples() -> None:
    failures, tried = doctest.testmod(chunks)
    assert failures == 0 and tried > 0
