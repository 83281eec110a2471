"""A binding's config beside langchain-core's: the tags a bound runnable sees, the
binding's and the call's, as LangChain's `merge_configs` gives them (sorted)."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.core._families import same


def test_a_bindings_tags_merge_as_langchains() -> None:
    def scenario(m: Any) -> Any:
        def tags(x: int, config: Any) -> Any:
            return config.get("tags")

        plain = m.RunnableLambda(tags)
        bound = plain.with_config(tags=["z", "w"])
        return (
            bound.invoke(1),
            bound.invoke(1, {"tags": ["c", "a"]}),
            bound.batch([1, 2], {"tags": ["c"]}),
            list(bound.stream(1, {"tags": ["b"]})),
            asyncio.run(bound.ainvoke(1, {"tags": ["y", "x"]})),
            plain.bind().invoke(1, {"tags": ["z", "a"]}),
            plain.invoke(1, {"tags": ["z", "a"]}),  # no binding: as given
            (plain | plain).with_config(tags=["q", "p"]).invoke(1),
        )

    same(scenario)


def test_a_binding_bound_or_configured_again_is_one_binding_as_langchains() -> None:
    """`bind` and `with_config` on a binding make one binding over the same runnable, its
    kwargs merged and its config's keys replaced (tags too), as LangChain's."""

    def scenario(m: Any) -> Any:
        def seen(x: int, config: Any) -> Any:
            return config.get("tags"), config.get("metadata"), config.get("run_name")

        plain = m.RunnableLambda(seen)
        once = plain.with_config(tags=["a"], metadata={"k": 1}).bind()
        twice = once.with_config(tags=["b"], run_name="r").with_config({"metadata": {"j": 2}})
        bound = plain.bind(x=1).bind(y=2).with_config(tags=["t"])
        return (
            twice.bound is plain,
            twice.invoke(1),
            twice.invoke(1, {"tags": ["call"]}),
            bound.bound is plain,
            bound.kwargs,
            bound.config,
            type(bound).__name__,
        )

    assert same(scenario)[1] == (["b"], {"j": 2}, None)  # (a run name is not passed on)


def test_a_binding_with_listeners_keeps_them_when_bound_again() -> None:
    ends: list[Any] = []

    def scenario(m: Any) -> Any:
        listened = m.RunnableLambda(lambda x: x + 1).with_listeners(on_end=ends.append)
        return listened.with_config(tags=["t"]).bind().invoke(1)

    assert same(scenario) == 2
    assert len(ends) == 2  # once on each family
