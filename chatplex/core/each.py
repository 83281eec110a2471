"""`runnable.map()`: a runnable that runs another on each item of a list, as a batch
(LangChain's `RunnableEach`)."""

from __future__ import annotations

from typing import Any

from .base import Runnable
from .run_config import RunnableConfig
from .run_config import child_config

__all__ = ["RunnableEach"]


class RunnableEach(Runnable[list[Any], list[Any]]):
    """`bound` on every item of the input list; outputs in input order.

    Examples:
        >>> from chatplex import RunnableLambda
        >>> RunnableEach(RunnableLambda(str.upper)).invoke(["a", "b"])
        ['A', 'B']
    """

    def __init__(self, bound: Runnable[Any, Any]) -> None:
        self.bound = bound

    def _base_name(self) -> str:
        return self.name or f"RunnableEach<{self.bound.get_name()}>"

    def _items_config(self, config: RunnableConfig) -> RunnableConfig:
        return child_config(config)  # with the caller's concurrency limit, as LangChain's

    def _invoke(self, input: list[Any], config: RunnableConfig, **kwargs: Any) -> list[Any]:
        return self.bound.batch(input, self._items_config(config), **kwargs)

    async def _ainvoke(self, input: list[Any], config: RunnableConfig, **kwargs: Any) -> list[Any]:
        return await self.bound.abatch(input, self._items_config(config), **kwargs)
