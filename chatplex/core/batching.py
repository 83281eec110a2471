"""How a runnable runs many inputs: `Runnable.batch`, `abatch`, `batch_as_completed` and
`abatch_as_completed` (one config per input, a run per input when callbacks watch), and
the default `_batch` / `_abatch` hooks: an async-native runnable's sync batch runs the
async one on the portal loop (one loop for N requests), any other's a thread per
concurrent call; at most `max_concurrency` calls are in flight, and an error raised
carries the outputs that had finished (`partial_results.keep_finished`).

`base.Runnable`'s methods call these; they read it through `Batched` (`base.py` imports
this module, so it is not imported here). A runnable that hands a batch on to others is
`batch_forwarding.py`'s.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from collections.abc import Awaitable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any
from typing import Protocol

from . import _traced
from .concurrency import agather_bounded
from .concurrency import aiter_bounded
from .concurrency import gather_threads
from .concurrency import iter_threads
from .concurrency import max_concurrency
from .partial_results import keep_finished
from .portal import iter_sync
from .portal import run_sync
from .run_config import RunnableConfig
from .run_config import get_config_list

__all__ = [
    "Batched",
    "abatch",
    "abatch_as_completed",
    "batch",
    "batch_as_completed",
    "default_abatch",
    "default_batch",
]

#: One config for every input, or one per input (as `batch` takes it).
Configs = RunnableConfig | Sequence[RunnableConfig] | None


class Batched(_traced.Hooks[Any], Protocol):
    """What a batch uses of its runnable (`base.Runnable` has it): its calls, its batch
    hooks and whether its real work is async."""

    def invoke(self, input: Any, config: RunnableConfig | None = None, **kwargs: Any) -> Any: ...
    async def ainvoke(
        self, input: Any, config: RunnableConfig | None = None, **kwargs: Any
    ) -> Any: ...
    def _batch(
        self,
        inputs: list[Any],
        configs: list[RunnableConfig],
        *,
        return_exceptions: bool,
        **kwargs: Any,
    ) -> list[Any]: ...
    async def _abatch(
        self,
        inputs: list[Any],
        configs: list[RunnableConfig],
        *,
        return_exceptions: bool,
        **kwargs: Any,
    ) -> list[Any]: ...
    def abatch_as_completed(
        self,
        inputs: Sequence[Any],
        config: Configs = None,
        *,
        return_exceptions: bool = False,
        **kwargs: Any,
    ) -> AsyncIterator[tuple[int, Any]]: ...


def batch(
    runnable: Batched,
    inputs: Sequence[Any],
    config: Configs,
    return_exceptions: bool,
    kwargs: Mapping[str, Any],
) -> list[Any]:
    """`runnable.batch(inputs, config, ...)`: its `_batch` hook, traced when watched."""
    inputs = list(inputs)
    if not inputs:
        return []
    configs = get_config_list(config, len(inputs))

    def hook() -> list[Any]:
        return runnable._batch(inputs, configs, return_exceptions=return_exceptions, **kwargs)

    return _traced.batch(runnable, inputs, configs, hook) if _traced.watched(config) else hook()


async def abatch(
    runnable: Batched,
    inputs: Sequence[Any],
    config: Configs,
    return_exceptions: bool,
    kwargs: Mapping[str, Any],
) -> list[Any]:
    """`runnable.abatch(inputs, config, ...)`: its `_abatch` hook, traced when watched."""
    inputs = list(inputs)
    if not inputs:
        return []
    configs = get_config_list(config, len(inputs))

    def hook() -> Awaitable[list[Any]]:
        return runnable._abatch(inputs, configs, return_exceptions=return_exceptions, **kwargs)

    if _traced.watched(config):
        return await _traced.abatch(runnable, inputs, configs, hook)
    return await hook()


def default_batch(
    runnable: Batched,
    inputs: list[Any],
    configs: list[RunnableConfig],
    return_exceptions: bool,
    kwargs: Mapping[str, Any],
) -> list[Any]:
    """The default `_batch`: the async batch on the portal loop for async-native
    runnables, else a thread per concurrent call (bounded). An error raised carries the
    outputs that had finished (`batch_finished`)."""
    if runnable._async_native:
        return run_sync(
            runnable._abatch(inputs, configs, return_exceptions=return_exceptions, **kwargs)
        )
    finished: dict[int, Any] = {}

    def call(index: int) -> Any:
        finished[index] = out = runnable.invoke(inputs[index], configs[index], **kwargs)
        return out

    try:
        return gather_threads(
            len(inputs), call, max_concurrency(configs), return_exceptions=return_exceptions
        )
    except BaseException as exc:
        keep_finished(exc, finished, len(inputs))
        raise


async def default_abatch(
    runnable: Batched,
    inputs: list[Any],
    configs: list[RunnableConfig],
    return_exceptions: bool,
    kwargs: Mapping[str, Any],
) -> list[Any]:
    """The default `_abatch`: bounded concurrent `ainvoke`s on the running loop; an error
    raised carries the outputs that had finished."""
    finished: dict[int, Any] = {}

    async def call(index: int) -> Any:
        finished[index] = out = await runnable.ainvoke(inputs[index], configs[index], **kwargs)
        return out

    try:
        return await agather_bounded(
            len(inputs), call, max_concurrency(configs), return_exceptions=return_exceptions
        )
    except BaseException as exc:
        keep_finished(exc, finished, len(inputs))
        raise


def batch_as_completed(
    runnable: Batched,
    inputs: Sequence[Any],
    config: Configs,
    return_exceptions: bool,
    kwargs: Mapping[str, Any],
) -> Iterator[tuple[int, Any]]:
    """`(index, result)` in completion order: the async ones on the portal loop for an
    async-native runnable, else threads. Closing the iterator early cancels the calls
    still running or the ones not started."""
    inputs = list(inputs)
    if not inputs:
        return iter(())
    configs = get_config_list(config, len(inputs))
    if runnable._async_native:
        return iter_sync(
            lambda: runnable.abatch_as_completed(
                inputs, configs, return_exceptions=return_exceptions, **kwargs
            )
        )
    return iter_threads(
        len(inputs),
        lambda i: runnable.invoke(inputs[i], configs[i], **kwargs),
        max_concurrency(configs),
        return_exceptions=return_exceptions,
    )


def abatch_as_completed(
    runnable: Batched,
    inputs: Sequence[Any],
    config: Configs,
    return_exceptions: bool,
    kwargs: Mapping[str, Any],
) -> AsyncIterator[tuple[int, Any]]:
    """Async `batch_as_completed`; closing the iterator cancels unfinished calls."""
    inputs = list(inputs)
    configs = get_config_list(config, len(inputs))
    return aiter_bounded(
        len(inputs),
        lambda i: runnable.ainvoke(inputs[i], configs[i], **kwargs),
        max_concurrency(configs),
        return_exceptions=return_exceptions,
    )
