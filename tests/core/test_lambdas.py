"""`RunnableLambda` and `RunnableGenerator` (`core/lambdas.py`): sync and async functions,
the config they may ask for, the ambient config while they run, generators that
transform a stream."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from collections.abc import Iterator
from typing import Any

import pytest

from chatplex import FakeChatModel
from chatplex import RunnableLambda
from chatplex import StrOutputParser
from chatplex.core import RunnableGenerator
from chatplex.core.lambdas import is_stream_transformer
from chatplex.core.run_config import RunnableConfig
from chatplex.core.run_config import current_config
from tests.core._twins import call
from tests.core._twins import stream


@pytest.mark.parametrize("sync", [True, False])
async def test_async_functions_are_lambdas_too(sync: bool) -> None:
    async def add_one(x: int) -> int:
        return x + 1

    chain = RunnableLambda(add_one) | (lambda x: x * 10)
    assert await call(chain, sync, 1) == 20


@pytest.mark.parametrize("sync", [True, False])
async def test_lambda_receives_config_when_it_asks(sync: bool) -> None:
    def tagged(x: int, config: RunnableConfig) -> list[str]:
        return list(config.get("tags", []))

    chain = RunnableLambda(lambda x: x) | RunnableLambda(tagged)
    tags = await call(chain, sync, 1, {"tags": ["outer"]})
    assert tags == ["outer"]  # positional tags (seq:step:N) stay out of it, as in LangChain


@pytest.mark.parametrize("sync", [True, False])
async def test_lambda_returning_a_runnable_invokes_it(sync: bool) -> None:
    route = RunnableLambda(lambda x: RunnableLambda(lambda y: y.upper()) if x == "a" else x)
    assert await call(route, sync, "a") == "A"
    assert await call(route, sync, "b") == "b"


@pytest.mark.parametrize("sync", [True, False])
async def test_generator_in_a_chain_transforms_the_stream(sync: bool) -> None:
    def upper(chunks: Iterator[str]) -> Iterator[str]:
        for c in chunks:
            yield c.upper()

    async def aupper(chunks: AsyncIterator[str]) -> AsyncIterator[str]:
        async for c in chunks:
            yield c.upper()

    model = FakeChatModel(responses=["one two three"])
    for gen in (upper, aupper):
        chain = model | StrOutputParser() | gen
        assert isinstance(chain.steps[-1], RunnableGenerator)
        assert await stream(chain, sync, "hi") == ["ONE ", "TWO ", "THREE"]
        assert await call(chain, sync, "hi") == "ONE TWO THREE"


def test_async_generator_in_a_sync_chain_after_an_async_step() -> None:
    # The async generator runs on the portal loop; the sync upstream (here an async
    # lambda, itself run through the portal) must not be pulled from that loop.
    async def add_one(x: int) -> int:
        return x + 1

    async def double(chunks: AsyncIterator[int]) -> AsyncIterator[int]:
        async for c in chunks:
            yield c * 2

    chain = RunnableLambda(add_one) | double
    assert list(chain.stream(1)) == [4]
    assert chain.invoke(1) == 4


def test_docstring_examples() -> None:
    import doctest

    from chatplex.core import lambdas

    failures, tried = doctest.testmod(lambdas)
    assert failures == 0 and tried > 0


def test_names_and_what_is_accepted() -> None:
    def named(x: int) -> int:
        return x

    assert RunnableLambda(named).get_name() == "named"
    assert RunnableLambda(lambda x: x).get_name() == "RunnableLambda"
    assert RunnableLambda(lambda x: x, name="given").get_name() == "given"
    assert RunnableLambda(len).invoke("abc") == 3  # a builtin without a signature
    with pytest.raises(TypeError, match="needs a callable"):
        RunnableLambda(42)  # type: ignore[arg-type]


@pytest.mark.parametrize("sync", [True, False])
async def test_the_call_config_is_ambient_while_the_function_runs(sync: bool) -> None:
    seen: list[Any] = []

    def look(x: int) -> int:
        ambient = current_config().get()
        seen.append(None if ambient is None else ambient.get("tags"))
        return x

    async def alook(x: int) -> int:
        return look(x)

    await call(RunnableLambda(look, alook), sync, 1, {"tags": ["outer"]})
    assert seen == [["outer"]]
    assert current_config().get() is None  # reset once the function returned


@pytest.mark.parametrize("sync", [True, False])
async def test_the_async_function_is_used_on_the_async_path(sync: bool) -> None:
    used: list[str] = []

    def f(x: int) -> int:
        used.append("sync")
        return x

    async def af(x: int) -> int:
        used.append("async")
        return x

    await call(RunnableLambda(f, af), sync, 1)
    assert used == ["sync" if sync else "async"]


def test_generators_are_stream_transformers() -> None:
    def gen(chunks: Iterator[str]) -> Iterator[str]:
        yield from chunks

    async def agen(chunks: AsyncIterator[str]) -> AsyncIterator[str]:
        async for c in chunks:
            yield c

    assert is_stream_transformer(gen) and is_stream_transformer(agen)
    assert not is_stream_transformer(lambda x: x)
    assert RunnableGenerator(gen).invoke("abc") == "abc"


def test_the_chain_decorator_makes_a_named_runnable_as_langchains() -> None:
    from chatplex import chain

    @chain
    def shout(text: str) -> str:
        return text.upper()

    assert isinstance(shout, RunnableLambda)
    assert shout.name == "shout"
    assert shout.invoke("hi") == "HI"
    assert (shout | (lambda s: s + "!")).invoke("hi") == "HI!"

    @chain
    async def whisper(text: str) -> str:
        return text.lower()

    assert asyncio.run(whisper.ainvoke("HI")) == "hi"
    lc = pytest.importorskip("langchain_core.runnables")

    @lc.chain
    def theirs(text: str) -> str:
        return text.upper()

    assert theirs.name == "theirs"  # both name the runnable after the function


@pytest.mark.parametrize("sync", [True, False])
async def test_a_generator_pair_runs_its_sync_or_async_side_as_langchains(sync: bool) -> None:
    # LangChain's `RunnableGenerator(transform, atransform)`: the sync side for sync
    # calls, the async one for async calls, named after the sync one.
    lc = pytest.importorskip("langchain_core.runnables")

    def upper(pieces: Any) -> Any:
        for piece in pieces:
            yield piece.upper()

    async def lower(pieces: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for piece in pieces:
            yield piece.lower()

    def seen(generator: Any) -> Any:
        return generator.get_name(), generator

    name, ours = seen(RunnableGenerator(upper, lower))
    lc_name, theirs = seen(lc.RunnableGenerator(upper, lower))
    assert name == lc_name == "upper"
    assert await stream(ours, sync, "Ab") == await stream(theirs, sync, "Ab")
    expected = "AB" if sync else "ab"
    assert await call(ours, sync, "Ab") == await call(theirs, sync, "Ab") == expected


@pytest.mark.parametrize("sync", [True, False])
async def test_each_side_of_a_generator_pair_gets_the_config_it_asks_for(sync: bool) -> None:
    def tagged(pieces: Any, config: Any) -> Any:
        for piece in pieces:
            yield f"{piece}:{config['tags']}"

    async def plain(pieces: AsyncIterator[Any]) -> AsyncIterator[Any]:
        async for piece in pieces:
            yield piece

    pair = RunnableGenerator(tagged, plain).with_config(tags=["t"])
    assert await call(pair, sync, "x") == ("x:['t']" if sync else "x")
