"""Composition beside langchain-core's: dicts coerced inside `|`, `assign` and `pick`
streaming, maps streaming, branches, `.map()`, generators in a chain."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from operator import itemgetter
from typing import Any

import pytest

from tests.core._families import same

pytest.importorskip("langchain_core")


def _chars(m: Any, text: str = "abc") -> Any:
    def chars(pieces: Iterator[Any]) -> Iterator[str]:
        for _ in pieces:
            yield from text

    return m.RunnableGenerator(chars)


def _per_key(pieces: list[dict[str, Any]]) -> dict[str, list[Any]]:
    """Each key's pieces in the order they came (branches interleave as threads run)."""
    out: dict[str, list[Any]] = {}
    for piece in pieces:
        assert len(piece) == 1  # one branch's piece at a time
        for key, value in piece.items():
            out.setdefault(key, []).append(value)
    return out


def test_dicts_and_functions_are_coerced_inside_pipes() -> None:
    def scenario(m: Any) -> Any:
        right = m.RunnableLambda(lambda x: x + 1) | {
            "a": lambda x: x * 2,
            "b": m.RunnablePassthrough(),
        }
        left = {"x": itemgetter("a"), "y": lambda d: d["b"]} | m.RunnablePassthrough()
        return (
            right.invoke(1),
            left.invoke({"a": 1, "b": 2}),
            (m.RunnablePassthrough() | itemgetter("a")).invoke({"a": 3}),
        )

    assert same(scenario) == ({"a": 4, "b": 2}, {"x": 1, "y": 2}, 3)


def test_assign_and_pick_stream_the_same_pieces() -> None:
    def scenario(m: Any) -> Any:
        assign = m.RunnablePassthrough.assign(s=_chars(m), t={"u": _chars(m, "xy")})
        return (
            _per_key(list(assign.stream({"q": 1}))),
            list(m.RunnablePassthrough.assign(s=_chars(m)).pick("s").stream({"q": 1})),
            list(m.RunnablePassthrough.assign(s=_chars(m)).pick(["s"]).stream({"q": 1})),
            list(m.RunnablePassthrough.assign(n=lambda d: 1).pick(["n", "q"]).stream({"q": 2})),
            list(m.RunnablePassthrough().pick(["z"]).stream({"q": 1})),
        )

    assert same(scenario)[1] == ["a", "b", "c"]


def test_a_maps_stream_keeps_each_branchs_order() -> None:
    """Which branch's piece comes first is the threads' choice in both libraries (it
    differs run to run in LangChain's): each branch's own pieces keep their order."""

    def scenario(m: Any) -> Any:
        return _per_key(
            list(m.RunnableParallel(a=_chars(m), b=_chars(m, "xyz"), c=lambda x: "c").stream(0))
        )

    assert same(scenario) == {"a": ["a", "b", "c"], "b": ["x", "y", "z"], "c": ["c"]}


def test_branches_and_maps_of_items() -> None:
    def scenario(m: Any) -> Any:
        branch = m.RunnableBranch(
            (m.RunnableLambda(lambda x: x > 0), _chars(m)),
            (lambda x: x < 0, lambda x: "neg"),
            lambda x: "zero",
        )
        double = m.RunnableLambda(lambda x: x * 2).map()
        return (
            branch.batch([1, -1, 0]),
            list(branch.stream(1)),
            double.invoke([1, 2]),
            list(double.stream([1, 2])),
            double.batch([[1], [2, 3]]),
            m.RunnableLambda(lambda x, config: config["tags"]).map().invoke([1], {"tags": ["t"]}),
        )

    assert same(scenario)[0] == ["abc", "neg", "zero"]


def _yields(x: Any) -> Iterator[Any]:
    yield {"a": 1}
    yield {"b": 2}


def test_generators_in_a_chain_and_in_a_lambda() -> None:
    def scenario(m: Any) -> Any:
        chain = m.RunnablePassthrough() | _chars(m) | m.RunnableLambda(str.upper) | _chars(m, "xy")
        return (
            list(chain.stream(1)),
            m.RunnableLambda(_yields).invoke(0),
            list(m.RunnableLambda(_yields).stream(0)),
        )

    assert same(scenario)[1] == {"b": 2}  # dicts do not add: the last one


def test_a_branch_or_assign_refuses_what_langchain_refuses() -> None:
    def scenario(m: Any) -> Any:
        refused = []
        for make, value in [
            (lambda: m.RunnableBranch((lambda x: x, lambda x: 1)), None),
            (lambda: m.RunnableBranch((lambda x: 1 / 0, lambda x: "p"), lambda x: "n"), 1),
            (lambda: m.RunnablePassthrough.assign(a=lambda x: 1), "not a dict"),
        ]:
            try:
                make().invoke(value)
            except (ValueError, ZeroDivisionError) as error:
                refused.append(type(error).__mro__[-3].__name__)
        return refused

    same(scenario)


def test_an_empty_map_or_assign_runs_as_langchains() -> None:
    """A script builds `RunnableParallel(**steps)` or `.assign(**steps)` from a dict
    that may be empty: LangChain's give `{}` and the input."""

    def scenario(m: Any) -> Any:
        async def both(r: Any, value: Any) -> Any:
            return await r.ainvoke(value), [p async for p in r.astream(value)]

        empty, assign = m.RunnableParallel(), m.RunnablePassthrough.assign()
        return (
            empty.invoke(1),
            list(empty.stream(1)),
            empty.batch([1, 2]),
            asyncio.run(both(empty, 1)),
            (m.RunnablePassthrough() | {}).invoke(1),
            assign.invoke({"a": 1}),
            list(assign.stream({"a": 1})),
            asyncio.run(both(assign, {"a": 1})),
        )

    assert same(scenario)[:3] == ({}, [], [{}, {}])
