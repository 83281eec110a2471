"""How a runnable runs many inputs: `Runnable.batch`, `abatch`, `batch_as_completed` and
`abatch_as_completed` (one config per input, a run per input when callbacks watch), and
the default `_batch` / `_abatch` hooks: an async-native runnable's sync batch runs the
async one on the portal loop (one loop for N requests), any other's a thread per
concurrent call; at most `max_concurrency` calls are in flight, and an error raised
carries the outputs that had finished (`partial_results.Finished`).

`base.Runnable`'s methods call these; they read it through `Batched` (`base.py` imports
this module, so it is not imported here). A runnable that hands a batch on to others is
`batch_forwarding.py`'s.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from collections.abc import Iterator
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any
from typing import Protocol

from . import _traced
from .concurrency import agather_bounded
from .concurrency import aiter_bounded
from .concurrency import gather_threads
from .concurrency import iter_threads
from .concurrency import max_concurrency
from .partial_results import Finished
from .portal import iter_sync
from .portal import run_sync
from .run_config import RunnableConfig
from .run_config import get_config_list

__all__ = ["Batch", "Batched"]

#: One config for every input, or one per input (as `batch` takes it).
Configs = RunnableConfig | Sequence[RunnableConfig] | None


class Batched(_traced.Hooks[Any], Protocol):
    """What a batch uses of its runnable (`base.Runnable` has it): its calls, its batch
    hooks and whether its real work is async."""

    def invoke(self, input: Any, config: RunnableConfig | None = None, **kwargs: Any) -> Any: ...
    async def ainvoke(
        self, input: Any, config: RunnableConfig | None = None, **kwargs: Any
    ) -> Any: ...
    def _batch(self, batch: Batch) -> list[Any]: ...
    async def _abatch(self, batch: Batch) -> list[Any]: ...
    def abatch_as_completed(
        self,
        inputs: Sequence[Any],
        config: Configs = None,
        *,
        return_exceptions: bool = False,
        **kwargs: Any,
    ) -> AsyncIterator[tuple[int, Any]]: ...


@dataclass(frozen=True, slots=True)
class Batch:
    """One call of `batch`, `abatch`, `batch_as_completed` or `abatch_as_completed` (or
    of the default `_batch` / `_abatch` hooks): the inputs and one config each, run by
    the method of the entry point's name."""

    runnable: Batched
    inputs: list[Any]
    configs: list[RunnableConfig]
    return_exceptions: bool
    kwargs: dict[str, Any]

    @classmethod
    def of(
        cls,
        runnable: Batched,
        inputs: Sequence[Any],
        config: Configs,
        return_exceptions: bool,
        kwargs: dict[str, Any],
    ) -> Batch:
        """The batch of a public entry point: none asks for a config of an empty batch."""
        inputs = list(inputs)
        configs = get_config_list(config, len(inputs)) if inputs else []
        return cls(runnable, inputs, configs, return_exceptions, kwargs)

    def batch(self) -> list[Any]:
        """Its `_batch` hook, traced when watched."""
        if not self.inputs:
            return []
        hook = partial(self.runnable._batch, self)
        if _traced.watched(self.configs):
            return _traced.batch(self.runnable, self.inputs, self.configs, hook)
        return hook()

    async def abatch(self) -> list[Any]:
        """Its `_abatch` hook, traced when watched."""
        if not self.inputs:
            return []
        hook = partial(self.runnable._abatch, self)
        if _traced.watched(self.configs):
            return await _traced.abatch(self.runnable, self.inputs, self.configs, hook)
        return await hook()

    def default_batch(self) -> list[Any]:
        """The default `_batch`: the async batch on the portal loop for async-native
        runnables, else a thread per concurrent call (bounded). An error raised carries
        the outputs that had finished (`batch_finished`)."""
        runnable, inputs, configs, kwargs = self.runnable, self.inputs, self.configs, self.kwargs
        if runnable._async_native:
            return run_sync(runnable._abatch(self))
        with Finished(len(inputs)) as finished:

            def call(index: int) -> Any:
                finished[index] = out = runnable.invoke(inputs[index], configs[index], **kwargs)
                return out

            return gather_threads(
                len(inputs),
                call,
                max_concurrency(configs),
                return_exceptions=self.return_exceptions,
            )

    async def default_abatch(self) -> list[Any]:
        """The default `_abatch`: bounded concurrent `ainvoke`s on the running loop; an
        error raised carries the outputs that had finished."""
        runnable, inputs, configs, kwargs = self.runnable, self.inputs, self.configs, self.kwargs
        with Finished(len(inputs)) as finished:

            async def call(index: int) -> Any:
                finished[index] = out = await runnable.ainvoke(
                    inputs[index], configs[index], **kwargs
                )
                return out

            return await agather_bounded(
                len(inputs),
                call,
                max_concurrency(configs),
                return_exceptions=self.return_exceptions,
            )

    def batch_as_completed(self) -> Iterator[tuple[int, Any]]:
        """`(index, result)` in completion order: the async ones on the portal loop for an
        async-native runnable, else threads. Closing the iterator early cancels the calls
        still running or the ones not started."""
        runnable, inputs, configs, kwargs = self.runnable, self.inputs, self.configs, self.kwargs
        if not inputs:
            return iter(())
        if runnable._async_native:
            return iter_sync(
                lambda: runnable.abatch_as_completed(
                    inputs, configs, return_exceptions=self.return_exceptions, **kwargs
                )
            )
        return iter_threads(
            len(inputs),
            lambda i: runnable.invoke(inputs[i], configs[i], **kwargs),
            max_concurrency(configs),
            return_exceptions=self.return_exceptions,
        )

    def abatch_as_completed(self) -> AsyncIterator[tuple[int, Any]]:
        """Async `batch_as_completed`; closing the iterator cancels unfinished calls."""
        runnable, inputs, configs, kwargs = self.runnable, self.inputs, self.configs, self.kwargs
        return aiter_bounded(
            len(inputs),
            lambda i: runnable.ainvoke(inputs[i], configs[i], **kwargs),
            max_concurrency(configs),
            return_exceptions=self.return_exceptions,
        )
