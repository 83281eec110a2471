"""`batch` / `abatch` of a chatplex model under LangChain's names: LangChain's, plus the
replies that had finished kept on the error a batch raises (`batch_finished`: input
index -> reply, as chatplex's own runnables keep them, `chatplex.core`'s
`Finished`). LangChain's raise drops them, and each was a paid call.

What runs is what LangChain runs: sync, the inputs on LangChain's thread pool, the
first failed input's error raised in input order (the calls running then finish and are
kept; those still queued are cancelled); async, the first error raised as it comes. There
the calls still running are cancelled, as chatplex's own `abatch` cancels them, where
LangChain leaves them running unawaited, their replies lost (a script's `asyncio.run`
cancels them as it ends). Both raise the garbage collector's young threshold while they
run, as chatplex's own batches do (`chatplex.core.collector`).

No batch outlives its caller by a stalled call. On Ctrl-C the sync calls running are cut
at once (`batch`, with `return_exceptions` too, and `batch_as_completed`), and when the
caller leaves an `as_completed` iterator early (a `break`) the calls still running are cut
(sync) or cancelled (async): LangChain's pool waits for each to time out (600 s by
default), and its async iterator leaves them running, each holding its socket.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from collections.abc import Callable
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED
from concurrent.futures import wait
from contextlib import contextmanager
from typing import TYPE_CHECKING
from typing import Any

from langchain_core.runnables import Runnable as LCRunnable
from langchain_core.runnables.config import get_config_list
from langchain_core.runnables.config import get_executor_for_config

from ..core import collector
from ..core.concurrency import agather_bounded
from ..core.concurrency import aiter_bounded
from ..core.interrupt import Interrupter
from ..core.interrupt import interrupting
from ..core.partial_results import Finished

__all__ = [
    "CutBatches",
    "abatch_as_completed_cut",
    "abatch_keeping_finished",
    "batch_as_completed_cut",
    "batch_keeping_finished",
    "batch_of",
]


def batch_keeping_finished(
    model: LCRunnable[Any, Any], inputs: list[Any], config: Any, kwargs: dict[str, Any]
) -> list[Any]:
    """LangChain's `model.batch(inputs, config, **kwargs)` (return_exceptions=False)."""
    configs = get_config_list(config, len(inputs))
    with collector.batching(), Finished(len(inputs)) as finished:

        def call(index: int) -> Any:
            finished[index] = out = model.invoke(inputs[index], configs[index], **kwargs)
            return out

        return _pooled(call, configs)


def batch_of(
    model: LCRunnable[Any, Any],
    inputs: list[Any],
    config: Any,
    return_exceptions: bool,
    kwargs: dict[str, Any],
) -> list[Any]:
    """`model.batch(inputs, config, return_exceptions=..., **kwargs)`: as LangChain's,
    `batch_keeping_finished` where it raises; where it returns the errors, each in its
    input's place."""
    if not inputs:
        return []
    if not return_exceptions:
        return batch_keeping_finished(model, inputs, config, kwargs)
    configs = get_config_list(config, len(inputs))

    def call(index: int) -> Any:
        try:
            return model.invoke(inputs[index], configs[index], **kwargs)
        except Exception as exc:
            return exc

    return _pooled(call, configs)


def _pooled(call: Callable[[int], Any], configs: list[Any]) -> list[Any]:
    """`call(index)` for each config on LangChain's pool, as its `batch` runs them (one
    in place), the calls in flight cut when Ctrl-C reaches the caller (`_cut_when_left`)."""
    if len(configs) == 1:  # (LangChain calls it in place, without a pool)
        return [call(0)]
    # The pool's threads copy this context: their reads register with `interrupter`.
    with (
        interrupting(Interrupter()) as interrupter,
        get_executor_for_config(configs[0]) as executor,
        _cut_when_left(interrupter),
    ):
        return list(executor.map(call, range(len(configs))))


def batch_as_completed_cut(
    model: LCRunnable[Any, Any],
    inputs: list[Any],
    config: Any,
    return_exceptions: bool,
    kwargs: dict[str, Any],
) -> Iterator[tuple[int, Any]]:
    """LangChain's `model.batch_as_completed(inputs, config, ...)`, its pool's calls still
    running cut when Ctrl-C reaches the caller or the caller leaves the iterator early."""
    configs = get_config_list(config, len(inputs))

    def call(index: int) -> tuple[int, Any]:
        try:
            return index, model.invoke(inputs[index], configs[index], **kwargs)
        except Exception as exc:
            if not return_exceptions:
                raise
            return index, exc

    if len(inputs) < 2:  # (LangChain calls it in place, without a pool)
        yield from map(call, range(len(inputs)))
        return
    interrupter = Interrupter()
    with get_executor_for_config(configs[0]) as executor, _cut_when_left(interrupter):
        with interrupting(interrupter):  # (each thread copies this context when submitted)
            running = {executor.submit(call, index) for index in range(len(inputs))}
        try:
            while running:
                done, running = wait(running, return_when=FIRST_COMPLETED)
                while done:
                    yield done.pop().result()
        finally:
            for future in running:
                future.cancel()


def abatch_as_completed_cut(
    model: LCRunnable[Any, Any],
    inputs: list[Any],
    config: Any,
    return_exceptions: bool,
    kwargs: dict[str, Any],
) -> AsyncIterator[tuple[int, Any]]:
    """LangChain's `model.abatch_as_completed(inputs, config, ...)`, whose calls still
    running are cancelled when the caller leaves the iterator (or an error is raised), as
    chatplex's own are: LangChain's leaves them running unawaited, a stalled one holding
    its socket to its timeout. LangChain's bound, the first config's max_concurrency."""
    configs = get_config_list(config, len(inputs))
    bound = (configs[0].get("max_concurrency") if configs else None) or len(inputs)

    def call(index: int) -> Any:
        return model.ainvoke(inputs[index], configs[index], **kwargs)

    return aiter_bounded(len(inputs), call, bound, return_exceptions=return_exceptions)


class CutBatches:
    """A LangChain chat model's `batch_as_completed` and `abatch_as_completed`, their
    calls cut (`batch_as_completed_cut`, `abatch_as_completed_cut`) when the caller leaves.
    (A mixin before `BaseChatModel`: each method is LangChain's, typed by its overloads.)"""

    if not TYPE_CHECKING:

        def batch_as_completed(self, inputs, config=None, *, return_exceptions=False, **kwargs):
            return batch_as_completed_cut(self, list(inputs), config, return_exceptions, kwargs)

        def abatch_as_completed(self, inputs, config=None, *, return_exceptions=False, **kwargs):
            return abatch_as_completed_cut(self, list(inputs), config, return_exceptions, kwargs)


@contextmanager
def _cut_when_left(interrupter: Interrupter) -> Iterator[None]:
    """Ctrl-C, SystemExit or a caller leaving a generator (GeneratorExit) reaching the
    block: the pool's exit waits for its threads, each in a read bounded only by its
    timeout (600 s by default), so their reads are cut and their sockets closed first.
    (Inside the pool's block: it exits first.)"""
    try:
        yield
    except BaseException as exc:
        if not isinstance(exc, Exception):
            interrupter.stop()
        raise


async def abatch_keeping_finished(
    model: LCRunnable[Any, Any], inputs: list[Any], config: Any, kwargs: dict[str, Any]
) -> list[Any]:
    """LangChain's `await model.abatch(inputs, config, **kwargs)` (return_exceptions=False)."""
    configs = get_config_list(config, len(inputs))
    # LangChain's bound: the first config's max_concurrency, else none.
    bound = configs[0].get("max_concurrency") or len(inputs)
    with Finished(len(inputs)) as finished:

        async def call(index: int) -> Any:
            finished[index] = out = await model.ainvoke(inputs[index], configs[index], **kwargs)
            return out

        return await agather_bounded(len(inputs), call, bound, return_exceptions=False)
