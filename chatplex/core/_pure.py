"""Base for quick, CPU-only runnables (prompt templates, parsers).

Their work takes microseconds, so batching them through threads or tasks would cost more
than the work: they run inline, one input after another.
"""

from __future__ import annotations

from typing import Any

from .base import Input
from .base import Output
from .base import Runnable
from .batching import Batch
from .run_config import RunnableConfig
from .run_config import ensure_config

__all__ = ["PureRunnable"]


class PureRunnable(Runnable[Input, Output]):
    """Implement `_invoke`; async and batch paths reuse it without threads."""

    async def _ainvoke(self, input: Input, config: RunnableConfig, **kwargs: Any) -> Output:
        return self._invoke(input, config, **kwargs)

    def _batch(self, batch: Batch) -> list[Output | BaseException]:
        out: list[Output | BaseException] = []
        for item, config in zip(batch.inputs, batch.configs, strict=True):
            try:
                out.append(self._invoke(item, ensure_config(config), **batch.kwargs))
            except Exception as exc:
                if not batch.return_exceptions:
                    raise
                out.append(exc)
        return out

    async def _abatch(self, batch: Batch) -> list[Output | BaseException]:
        return self._batch(batch)
