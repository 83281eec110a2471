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
from .run_config import RunnableConfig

__all__ = ["BatchCall", "BatchForwarding", "BatchPlan", "BatchTarget"]


class BatchTarget(NamedTuple):
    """Where a `BatchForwarding` runnable sends a batch, or one round of it:
    `runnable.batch(inputs, configs, **kwargs)` (or `abatch`)."""

    runnable: Any  # a Runnable, or a foreign object with `batch` / `abatch`
    inputs: list[Any]
    configs: Sequence[Mapping[str, Any]]  # as `runnable` takes them
    kwargs: dict[str, Any]


class BatchCall(NamedTuple):
    """A `batch` / `abatch` call as a `_batch_plan` receives it."""

    inputs: list[Any]
    configs: list[RunnableConfig]
    return_exceptions: bool
    kwargs: dict[str, Any]


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

    def _batch_plan(self, call: BatchCall) -> BatchPlan:
        """Default: the whole batch to `_batch_target`, its results through
        `_batch_results`."""
        outs = yield self._batch_target(call.inputs, call.configs, call.kwargs)
        return self._batch_results(call.inputs, outs)

    def _batch(
        self,
        inputs: list[Input],
        configs: list[RunnableConfig],
        *,
        return_exceptions: bool,
        **kwargs: Any,
    ) -> list[Output | BaseException]:
        plan = self._batch_plan(BatchCall(inputs, configs, return_exceptions, kwargs))
        target = next(plan)
        while True:
            outs = target.runnable.batch(
                target.inputs, target.configs, return_exceptions=return_exceptions, **target.kwargs
            )
            try:
                target = plan.send(outs)
            except StopIteration as done:
                return done.value  # type: ignore[no-any-return]

    async def _abatch(
        self,
        inputs: list[Input],
        configs: list[RunnableConfig],
        *,
        return_exceptions: bool,
        **kwargs: Any,
    ) -> list[Output | BaseException]:
        plan = self._batch_plan(BatchCall(inputs, configs, return_exceptions, kwargs))
        target = next(plan)
        while True:
            outs = await target.runnable.abatch(
                target.inputs, target.configs, return_exceptions=return_exceptions, **target.kwargs
            )
            try:
                target = plan.send(outs)
            except StopIteration as done:
                return done.value  # type: ignore[no-any-return]
