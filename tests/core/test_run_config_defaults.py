"""What user code sees of a config: LangChain's keys always present."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from chatplex.core import RunnableGenerator
from chatplex.core import RunnableLambda
from chatplex.core.run_config import user_config


def _seen(x: Any, config: Any) -> Any:
    return {k: config[k] for k in ("tags", "metadata", "configurable", "callbacks")}


EMPTY = {"tags": [], "metadata": {}, "configurable": {}, "callbacks": []}


@pytest.mark.parametrize("sync", [True, False])
def test_a_lambda_sees_empty_containers(sync: bool) -> None:
    chain = RunnableLambda(lambda x: x) | RunnableLambda(_seen)
    got = chain.invoke(1) if sync else asyncio.run(chain.ainvoke(1))
    assert got == EMPTY  # and no seq:step:2 in the tags: LangChain keeps those elsewhere


def test_given_values_are_kept() -> None:
    got = RunnableLambda(_seen).invoke(1, {"tags": ["a"], "metadata": {"k": 1}})
    assert got["tags"] == ["a"] and got["metadata"] == {"k": 1} and got["configurable"] == {}


def test_generators_see_them_too() -> None:
    def gen(chunks: Any, config: Any) -> Any:
        for _ in chunks:
            yield config["metadata"]

    assert RunnableGenerator(gen).invoke(1) == {}


def test_user_config_copies_containers() -> None:
    config: Any = {"metadata": {"a": 1}}
    out = user_config(config)
    out["metadata"]["b"] = 2
    assert config["metadata"] == {"a": 1}
