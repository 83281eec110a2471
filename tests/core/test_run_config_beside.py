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


def _fails_on_two(x: int) -> int:
    if x == 2:
        raise ValueError("two")
    return x


@pytest.mark.parametrize("sync", [True, False])
def test_batches_return_or_raise_each_rows_outcome(sync: bool) -> None:
    def scenario(m: Any) -> Any:
        step = m.RunnableLambda(_fails_on_two)

        async def as_completed(**kw: Any) -> list[Any]:
            return [(i, repr(out)) async for i, out in step.abatch_as_completed([1, 2, 3], **kw)]

        def run(**kw: Any) -> Any:
            try:
                if sync:
                    return (
                        [repr(o) for o in step.batch([1, 2, 3], {"max_concurrency": 1}, **kw)],
                        sorted((i, repr(o)) for i, o in step.batch_as_completed([1, 2, 3], **kw)),
                    )
                listed = asyncio.run(step.abatch([1, 2, 3], {"max_concurrency": 1}, **kw))
                return [repr(o) for o in listed], sorted(asyncio.run(as_completed(**kw)))
            except ValueError as error:
                return repr(error)

        return run(return_exceptions=True), run(), step.batch([]), list(step.batch_as_completed([]))

    assert same(scenario)[0][0] == ["1", "ValueError('two')", "3"]


def test_a_configs_keys_reach_a_function_as_langchains() -> None:
    def scenario(m: Any) -> Any:
        seen = m.RunnableLambda(
            lambda x, config: (config["tags"], config["metadata"], config["configurable"])
        )
        bound = (
            m.RunnableLambda(lambda x, config, **kw: (kw, config["tags"])).bind(k=1).bind(k=2, j=3)
        )
        given = {"tags": ["b"], "metadata": {"k": 2, "j": 3}, "configurable": {"b": 2}}
        return (
            seen.with_config(tags=["a"], metadata={"k": 1}, configurable={"a": 1, "b": 1}).invoke(
                0, given
            ),
            (m.RunnablePassthrough() | seen).invoke(0, given),
            bound.with_config(tags=["w"]).invoke(0),
            m.RunnableLambda(lambda x, config: config.get("max_concurrency")).invoke(
                0, {"max_concurrency": 4}
            ),
            m.RunnableLambda(lambda x, config: config["tags"]).batch(
                [1, 2], [{"tags": ["a"]}, {"tags": ["b"]}]
            ),
        )

    same(scenario)


def _deep(m: Any, depth: int) -> Any:
    """A lambda returning a lambda, `depth` deep (each is invoked with the same input)."""

    def level(n: int) -> Any:
        return m.RunnableLambda(lambda x: x + n if n >= depth else level(n + 1))

    return level(0)


def test_the_recursion_limit_counts_returned_runnables() -> None:
    def scenario(m: Any) -> Any:
        with pytest.raises(RecursionError):
            _deep(m, 3).invoke(0, {"recursion_limit": 2})
        return _deep(m, 3).invoke(0, {"recursion_limit": 3})

    assert same(scenario) == 3


@pytest.mark.parametrize("prefix_keys", [True, False])
def test_configurable_alternatives_and_fields_switch_per_call(prefix_keys: bool) -> None:
    def scenario(m: Any) -> Any:
        other = m.PromptTemplate.from_template("B {x}").configurable_fields(
            template=m.ConfigurableField(id="tpl")
        )
        prompt = m.PromptTemplate.from_template("A {x}").configurable_alternatives(
            m.ConfigurableField(id="which"), default_key="a", prefix_keys=prefix_keys, b=other
        )
        picks = [
            {},
            {"which": "b"},
            {"which": "b", "tpl": "C {x}"},
            {"which": "b", "which==b/tpl": "D {x}"},
        ]
        texts = [prompt.invoke({"x": 1}, {"configurable": c}).to_string() for c in picks]
        return texts, sorted(s.id for s in prompt.config_specs)

    same(scenario)


def test_nested_runs_hear_the_merged_name_tags_and_metadata() -> None:
    def scenario(m: Any) -> Any:
        seen: list[Any] = []

        class Starts(m.BaseCallbackHandler):  # type: ignore[misc,name-defined]
            def on_chain_start(self, serialized: Any, inputs: Any, **kw: Any) -> None:
                seen.append((kw.get("name"), sorted(kw.get("tags") or []), kw.get("metadata")))

        inner = m.RunnableLambda(lambda x: x, name="inner").with_config(
            tags=["in"], metadata={"b": 2}
        )
        outer = (m.RunnablePassthrough() | inner.with_config(run_name="renamed")).with_config(
            run_name="top", tags=["top"], metadata={"a": 0, "c": 3}
        )
        outer.invoke(1, {"callbacks": [Starts()], "tags": ["call"], "metadata": {"a": 1}})
        m.RunnableLambda(lambda x: inner.invoke(x), name="calls").invoke(
            1, {"callbacks": [Starts()]}
        )
        return seen

    assert same(scenario)[0] == ("top", ["call", "top"], {"a": 1, "c": 3})
