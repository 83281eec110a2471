"""`RunnableConfig` (`core/run_config.py`): preparing, merging and splitting configs per
batch input, validation, and the deadline helpers."""

from __future__ import annotations

from typing import Any

import pytest

from chatplex import FakeChatModel, RunnableLambda
from chatplex.core.run_config import RunnableConfig
from chatplex.runnables import Runnable


async def run_batch(r: Runnable[Any, Any], sync: bool, inputs: list[Any], **kw: Any) -> list[Any]:
    if sync:
        return r.batch(inputs, **kw)
    return await r.abatch(inputs, **kw)


@pytest.mark.parametrize("sync", [True, False])
async def test_one_config_per_input(sync: bool) -> None:
    seen: list[str] = []

    def record(x: int, config: RunnableConfig) -> int:
        seen.append(config["metadata"]["who"])
        return x

    configs: list[RunnableConfig] = [{"metadata": {"who": f"n{i}"}} for i in range(3)]
    await run_batch(RunnableLambda(record), sync, [0, 1, 2], config=configs)
    assert sorted(seen) == ["n0", "n1", "n2"]


def test_config_list_must_match_inputs() -> None:
    with pytest.raises(ValueError, match="3 inputs but 2 configs"):
        RunnableLambda(lambda x: x).batch([1, 2, 3], config=[{}, {}])


@pytest.mark.parametrize("bad", [0, -1, 1.5, "3"])
def test_bad_max_concurrency_is_rejected(bad: Any) -> None:
    with pytest.raises(ValueError, match="max_concurrency"):
        RunnableLambda(lambda x: x).batch([1], config={"max_concurrency": bad})


@pytest.mark.parametrize("bad", [0, -2, "5"])
def test_bad_timeout_is_rejected(bad: Any) -> None:
    with pytest.raises(ValueError, match="timeout"):
        FakeChatModel().invoke("x", {"timeout": bad})
