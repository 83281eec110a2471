"""Lambdas and generators in chains, beside langchain-core's: what they stream."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from collections.abc import Iterator
from typing import Any

import pytest

from tests.core._families import same

pytest.importorskip("langchain_core")


def _twice(pieces: Iterator[Any]) -> Iterator[str]:
    for _ in pieces:
        yield "a1"
        yield "a2"


async def _atwice(pieces: AsyncIterator[Any]) -> AsyncIterator[str]:
    async for _ in pieces:
        yield "a1"
        yield "a2"


def _chars(pieces: Iterator[str]) -> Iterator[str]:
    for piece in pieces:
        yield from piece


def _astreamed(r: Any, value: Any) -> list[Any]:
    async def run() -> list[Any]:
        return [piece async for piece in r.astream(value)]

    return asyncio.run(run())


@pytest.mark.parametrize("sync", [True, False])
def test_a_runnable_a_lambda_returns_is_streamed_piece_by_piece(sync: bool) -> None:
    def scenario(m: Any) -> Any:
        routed = m.RunnableLambda(lambda x: m.RunnableGenerator(_twice, _atwice))
        chain = m.RunnablePassthrough() | routed
        if sync:
            return list(routed.stream(1)), list(chain.stream(1)), routed.invoke(1)
        return _astreamed(routed, 1), _astreamed(chain, 1), asyncio.run(routed.ainvoke(1))

    assert same(scenario) == (["a1", "a2"], ["a1", "a2"], "a1a2")


def test_generator_functions_in_a_chain_transform_the_stream() -> None:
    def scenario(m: Any) -> Any:
        chain = m.RunnablePassthrough() | _chars | _chars
        return list(chain.stream("abc")), chain.invoke("abc"), chain.invoke(["ab", "c"])

    assert same(scenario)[0] == ["a", "b", "c"]
