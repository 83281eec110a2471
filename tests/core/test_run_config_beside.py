"""A call's config, beside langchain-core's: what reaches the runs and the functions
under it."""

from __future__ import annotations

import asyncio
import uuid
from typing import Any

import pytest

from tests.core._families import same

pytest.importorskip("langchain_core")

_GIVEN = uuid.UUID(int=7)


def _starts(m: Any, chain: Any, sync: bool) -> list[Any]:
    """Each chain run's name and whether its id, or its parent's, is the given run id."""
    seen: list[Any] = []

    class Starts(m.BaseCallbackHandler):  # type: ignore[misc,name-defined]
        def on_chain_start(
            self, serialized: Any, inputs: Any, *, run_id: Any, parent_run_id: Any = None, **kw: Any
        ) -> None:
            seen.append((kw.get("name"), run_id == _GIVEN, parent_run_id == _GIVEN))

    config = {"run_id": _GIVEN, "callbacks": [Starts()]}
    if sync:
        chain.invoke(1, config)
    else:
        asyncio.run(chain.ainvoke(1, config))
    return seen


@pytest.mark.parametrize("sync", [True, False])
def test_the_given_run_id_names_the_outer_run_only(sync: bool) -> None:
    def scenario(m: Any) -> Any:
        inner = m.RunnableLambda(lambda x: x, name="inner")
        chain = m.RunnablePassthrough() | m.RunnableLambda(lambda x: inner.invoke(x), name="outer")
        return _starts(m, chain, sync)

    assert same(scenario) == [
        ("RunnableSequence", True, False),
        ("RunnablePassthrough", False, True),
        ("outer", False, True),
        ("inner", False, False),
    ]


def test_a_function_under_the_call_is_not_handed_its_run_id() -> None:
    def scenario(m: Any) -> Any:
        seen = m.RunnableLambda(lambda x, config: "run_id" in config)
        given = {"run_id": _GIVEN}
        return (
            seen.invoke(1, given),
            (m.RunnablePassthrough() | seen).invoke(1, given),
            m.RunnableParallel(a=seen).invoke(1, given),
        )

    assert same(scenario) == (False, False, {"a": False})


@pytest.mark.parametrize("sync", [True, False])
def test_a_batchs_given_run_id_names_its_first_run_only(sync: bool) -> None:
    def scenario(m: Any) -> Any:
        named: list[Any] = []

        class Starts(m.BaseCallbackHandler):  # type: ignore[misc,name-defined]
            def on_chain_start(
                self, serialized: Any, inputs: Any, *, run_id: Any, **kw: Any
            ) -> None:
                named.append((inputs, run_id == _GIVEN))

        echo = m.RunnableLambda(lambda x: x)
        config = {"run_id": _GIVEN, "callbacks": [Starts()]}
        with pytest.warns(RuntimeWarning, match="only for the first element"):
            if sync:
                echo.batch([1, 2, 3], config)
            else:
                asyncio.run(echo.abatch([1, 2, 3], config))
        return sorted(named)

    assert same(scenario) == [(1, True), (2, False), (3, False)]
