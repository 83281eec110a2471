"""`.pick` and `.assign` on any runnable."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from chatplex.core import RunnableLambda
from chatplex.core import RunnableParallel
from chatplex.core import RunnablePassthrough
from chatplex.core import RunnablePick


@pytest.mark.parametrize("sync", [True, False])
def test_pick_one_key_or_several(sync: bool) -> None:
    both = RunnableParallel(a=lambda x: x + 1, b=lambda x: x * 2)
    chains = [both.pick("a"), both.pick(["a", "b"]), both.pick(["b", "zzz"]), both.pick(["zzz"])]
    if sync:
        got = [c.invoke(3) for c in chains]
    else:

        async def run() -> list[Any]:
            return [await c.ainvoke(3) for c in chains]

        got = asyncio.run(run())
    assert got == [4, {"a": 4, "b": 6}, {"b": 6}, None]


def test_pick_streams_each_piece() -> None:
    both = RunnableParallel(a=lambda x: x + 1, b=lambda x: x * 2)
    assert list(both.pick("b").stream(2)) == [4]
    assert RunnablePick("a").get_name() == "RunnablePick<a>"


def test_pick_needs_keys_and_a_dict() -> None:
    with pytest.raises(TypeError, match="list of keys"):
        RunnablePick([])
    with pytest.raises(TypeError, match="dict input"):
        RunnablePick("a").invoke(3)


@pytest.mark.parametrize("sync", [True, False])
def test_assign_on_an_assign_and_on_any_runnable(sync: bool) -> None:
    chain = RunnablePassthrough.assign(n=lambda d: len(d["t"])).assign(m=lambda d: d["n"] * 2)
    lifted = RunnableLambda(lambda s: {"t": s}).assign(up=lambda d: d["t"].upper())
    if sync:
        got = [chain.invoke({"t": "ab"}), lifted.invoke("x"), lifted.batch(["y"])]
    else:

        async def run() -> list[Any]:
            return [
                await chain.ainvoke({"t": "ab"}),
                await lifted.ainvoke("x"),
                await lifted.abatch(["y"]),
            ]

        got = asyncio.run(run())
    assert got == [{"t": "ab", "n": 2, "m": 4}, {"t": "x", "up": "X"}, [{"t": "y", "up": "Y"}]]


def test_assign_with_nothing_to_add_passes_the_dict_on() -> None:
    # as LangChain's: `assign(**steps)` with steps built by a script may be empty
    assert RunnableLambda(lambda x: {"a": x}).assign().invoke(1) == {"a": 1}
