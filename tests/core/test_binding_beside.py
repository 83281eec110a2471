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
