"""`batch` / `abatch` of a chatplex model under LangChain's names: LangChain's, plus the
replies that had finished kept on the error a batch raises (`batch_finished`: input
index -> reply, as chatplex's own runnables keep them, `chatplex.core`'s
`Finished`). LangChain's raise drops them, and each was a paid call.

What runs is what LangChain runs: sync, the inputs on LangChain's thread pool, the
first failed input's error raised in input order (the calls running then finish and are
kept; those still queued are cancelled), and on Ctrl-C the calls running are cut at once
(LangChain's pool waits for each to time out); async, the first error raised as it comes. There
the calls still running are cancelled, as chatplex's own `abatch` cancels them, where
LangChain leaves them running unawaited, their replies lost (a script's `asyncio.run`
cancels them as it ends). Both raise the garbage collector's young threshold while they
run, as chatplex's own batches do (`chatplex.core.collector`).
"""

from __future__ import annotations

from typing import Any

from langchain_core.runnables import Runnable as LCRunnable
from langchain_core.runnables.config import get_config_list
from langchain_core.runnables.config import get_executor_for_config

from ..core import collector
from ..core.concurrency import agather_bounded
from ..core.interrupt import Interrupter
from ..core.interrupt import interrupting
from ..core.partial_results import Finished

__all__ = ["abatch_keeping_finished", "batch_keeping_finished"]


def batch_keeping_finished(
    model: LCRunnable[Any, Any], inputs: list[Any], config: Any, kwargs: dict[str, Any]
) -> list[Any]:
    """LangChain's `model.batch(inputs, config, **kwargs)` (return_exceptions=False)."""
    configs = get_config_list(config, len(inputs))
    with collector.batching(), Finished(len(inputs)) as finished:

        def call(index: int, config: Any) -> Any:
            finished[index] = out = model.invoke(inputs[index], config, **kwargs)
            return out

        if len(inputs) == 1:  # (LangChain calls it in place, without a pool)
            return [call(0, configs[0])]
        # The pool's threads copy this context: their reads register with `interrupter`.
        with (
            interrupting(Interrupter()) as interrupter,
            get_executor_for_config(configs[0]) as executor,
        ):
            try:
                return list(executor.map(call, range(len(inputs)), configs))
            except BaseException as exc:
                # Ctrl-C (or SystemExit) reached the caller: the pool's exit waits for its
                # threads, each in a read bounded only by its timeout (600 s by default),
                # so their reads are cut and their sockets closed first.
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
