from __future__ import annotations

import asyncio
from typing import Any

import pytest

from chatplex.core import RunnableBranch
from chatplex.core import RunnableLambda
from chatplex.core import RunnablePassthrough
from tests.core._twins import stream


def _branch() -> RunnableBranch:
    return RunnableBranch(
        (lambda x: x < 0, lambda x: "negative"),
        (RunnableLambda(lambda x: x == 0), RunnableLambda(lambda x: "zero")),
        lambda x: "positive",
    )


@pytest.mark.parametrize("sync", [True, False])
def test_first_true_condition_wins_else_default(sync: bool) -> None:
    branch = _branch()
    if sync:
        assert [branch.invoke(n) for n in (-1, 0, 1)] == ["negative", "zero", "positive"]
        assert branch.batch([-5, 5]) == ["negative", "positive"]
    else:

        async def run() -> list[Any]:
            return [await branch.ainvoke(n) for n in (-1, 0, 1)] + await branch.abatch([0])

        assert asyncio.run(run()) == ["negative", "zero", "positive", "zero"]


@pytest.mark.parametrize("sync", [True, False])
def test_the_chosen_branch_streams(sync: bool) -> None:
    def words(x: str) -> Any:
        yield from x.split()

    branch = RunnableBranch((lambda x: " " in x, RunnableLambda(words)), RunnablePassthrough())
    assert asyncio.run(stream(branch, sync, "a b")) == ["a", "b"]


def test_only_conditions_up_to_the_match_run() -> None:
    calls: list[int] = []

    def cond(n: int) -> Any:
        return lambda x: calls.append(n) or n == 2

    branch = RunnableBranch(
        (cond(1), lambda x: 1), (cond(2), lambda x: 2), (cond(3), lambda x: 3), lambda x: 0
    )
    assert branch.invoke(None) == 2 and calls == [1, 2]


def test_steps_are_tagged_by_position() -> None:
    branch = RunnableBranch(
        (lambda x: False, lambda x: 1), RunnableLambda(lambda x: 0, name="dflt")
    )
    events = [e for e in branch.stream_events(0) if e["event"] == "on_chain_start"]
    tags = {e["name"]: e["tags"] for e in events}
    assert tags["dflt"] == ["branch:default"]
    assert ["condition:1"] in tags.values()


def test_bad_forms_say_what_is_wrong() -> None:
    # In LangChain's words (tests/core/test_branch_beside.py compares them).
    with pytest.raises(ValueError, match="at least two branches"):
        RunnableBranch(lambda x: 1)
    with pytest.raises(TypeError, match="default must be Runnable"):
        RunnableBranch((lambda x: True, lambda x: 1), (lambda x: True, lambda x: 2))
    with pytest.raises(ValueError, match="length 2, not 3"):
        RunnableBranch((lambda x: 1, lambda x: 1, lambda x: 1), lambda x: 0)
    with pytest.raises(TypeError, match="must be tuples or lists"):
        RunnableBranch("nope", lambda x: 0)
