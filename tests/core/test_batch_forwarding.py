"""`BatchForwarding` (`core/batch_forwarding.py`): a runnable that hands its batch on
runs the targets its plan yields, round after round, with the same sync and async hooks,
and each target batches its share its own way."""

from __future__ import annotations

from typing import Any

import pytest

from chatplex import RunnableLambda
from chatplex.core.batch_forwarding import BatchForwarding
from chatplex.core.batch_forwarding import BatchPlan
from chatplex.core.batch_forwarding import BatchTarget
from chatplex.core.batching import Batch
from chatplex.core.run_config import RunnableConfig

DOUBLE = RunnableLambda(lambda x: x * 2)
ADD_ONE = RunnableLambda(lambda x: x + 1)


class ToDouble(BatchForwarding[int, Any]):
    """The default plan: one target, then `_batch_results` on what it returned."""

    def _batch_target(
        self, inputs: list[int], configs: list[RunnableConfig], kwargs: dict[str, Any]
    ) -> BatchTarget:
        return BatchTarget(DOUBLE, inputs, configs, kwargs)

    def _batch_results(self, inputs: list[int], outs: Any) -> list[Any]:
        return [(x, out) for x, out in zip(inputs, outs, strict=True)]


class DoubleThenAddOne(BatchForwarding[int, int]):
    """Two rounds: every input doubled, then the doubled ones plus one."""

    def _batch_plan(self, batch: Batch) -> BatchPlan:
        doubled = yield BatchTarget(DOUBLE, batch.inputs, batch.configs, batch.kwargs)
        return (yield BatchTarget(ADD_ONE, doubled, batch.configs, batch.kwargs))


async def batch(runnable: Any, sync: bool, inputs: list[Any], **kwargs: Any) -> list[Any]:
    if sync:
        return runnable.batch(inputs, **kwargs)  # type: ignore[no-any-return]
    return await runnable.abatch(inputs, **kwargs)  # type: ignore[no-any-return]


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_the_default_plan_sends_the_batch_to_its_target_and_maps_the_results(
    sync: bool,
) -> None:
    assert await batch(ToDouble(), sync, [1, 2, 3]) == [(1, 2), (2, 4), (3, 6)]


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_a_plan_runs_its_rounds_in_turn(sync: bool) -> None:
    assert await batch(DoubleThenAddOne(), sync, [1, 2, 3]) == [3, 5, 7]


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_the_targets_batch_with_the_callers_return_exceptions(sync: bool) -> None:
    inverse = RunnableLambda(lambda x: 1 // x)

    class ToInverse(ToDouble):
        def _batch_target(
            self, inputs: list[int], configs: list[RunnableConfig], kwargs: dict[str, Any]
        ) -> BatchTarget:
            return BatchTarget(inverse, inputs, configs, kwargs)

    outs = await batch(ToInverse(), sync, [1, 0], return_exceptions=True)
    assert outs[0] == (1, 1) and isinstance(outs[1][1], ZeroDivisionError)
    with pytest.raises(ZeroDivisionError):
        await batch(ToInverse(), sync, [1, 0])
