"""Runnables that hand their batch on to other runnables (`BatchForwarding`), so that
those batch it their own way: where a batch goes is described once, as a plan of
`BatchTarget`s, and run by one sync and one async hook."""

from __future__ import annotations

from collections.abc import Generator
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any
from typing import NamedTuple

from .base import Input
from .base import Output
from .base import Runnable
from .batching import Batch
from .run_config import RunnableConfig

__all__ = ["BatchForwarding", "BatchPlan", "BatchTarget"]


class BatchTarget(NamedTuple):
    """Where a `BatchForwarding` runnable sends a batch, or one round of it:
    `runnable.batch(inputs, configs, **kwargs)` (or `abatch`)."""

    runnable: Any  # a Runnable, or a foreign object with `batch` / `abatch`
    inputs: list[Any]
    configs: Sequence[Mapping[str, Any]]  # as `runnable` takes them
    kwargs: dict[str, Any]

    def batch(self, return_exceptions: bool) -> list[Any]:
        return self.runnable.batch(  # type: ignore[no-any-return]
            self.inputs, self.configs, return_exceptions=return_exceptions, **self.kwargs
        )

    async def abatch(self, return_exceptions: bool) -> list[Any]:
        return await self.runnable.abatch(  # type: ignore[no-any-return]
            self.inputs, self.configs, return_exceptions=return_exceptions, **self.kwargs
        )


#: A batch written once for `batch` and `abatch`: it yields each `BatchTarget` to run
#: (at least one: the hooks never get an empty batch), is sent back its results, and
#: returns the batch's results.
BatchPlan = Generator[BatchTarget, list[Any], list[Any]]


class BatchForwarding(Runnable[Input, Output]):
    """A runnable that hands its batch to other runnables (a binding to what it binds, an
    `assign` to its map, a foreign runnable to its object, a sequence to each step in
    turn, fallbacks to each runnable the failed inputs go to), so that they batch it
    their own way. A subclass says where the batch goes: one place (`_batch_target`,
    and if it must, what the results become: `_batch_results`) or, round after round,
    as a `_batch_plan`. The sync and async hooks that run a plan are written once, here.
    """

    def _batch_target(
        self, inputs: list[Input], configs: list[RunnableConfig], kwargs: dict[str, Any]
    ) -> BatchTarget:
        raise NotImplementedError

    def _batch_results(
        self, inputs: list[Input], outs: Sequence[Any]
    ) -> list[Output | BaseException]:
        return list(outs)

    def _batch_plan(self, batch: Batch) -> BatchPlan:
        """Default: the whole batch to `_batch_target`, its results through
        `_batch_results`."""
        outs = yield self._batch_target(batch.inputs, batch.configs, batch.kwargs)
        return self._batch_results(batch.inputs, outs)

    def _batch(self, batch: Batch) -> list[Output | BaseException]:
        plan = self._batch_plan(batch)
        target = next(plan)
        while True:
            outs = target.batch(batch.return_exceptions)
            try:
                target = plan.send(outs)
            except StopIteration as done:
                return done.value  # type: ignore[no-any-return]

    async def _abatch(self, batch: Batch) -> list[Output | BaseException]:
        plan = self._batch_plan(batch)
        target = next(plan)
        while True:
            outs = await target.abatch(batch.return_exceptions)
            try:
                target = plan.send(outs)
            except StopIteration as done:
                return done.value  # type: ignore[no-any-return]
