"""`RunnableBranch`: run the first branch whose condition holds, else the default.

>>> branch = RunnableBranch(
...     (lambda x: x < 0, lambda x: "negative"),
...     (lambda x: x == 0, lambda x: "zero"),
...     lambda x: "positive",
... )
>>> [branch.invoke(n) for n in (-1, 0, 1)]
['negative', 'zero', 'positive']
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from collections.abc import Iterator
from typing import Any

from .base import Runnable
from .composition import coerce_to_runnable
from .foreign import is_foreign_runnable
from .run_config import RunnableConfig
from .run_config import child_config
from .runs import OWN_START

__all__ = ["RunnableBranch"]


class RunnableBranch(Runnable[Any, Any]):
    """`RunnableBranch((condition, runnable), ..., default)`, as in LangChain.

    Conditions and branches are anything a chain step can be (runnables, callables,
    dicts, other libraries' runnables); a condition's result is tested for truth. The
    default (last argument) is required. Conditions run in order, each as a child step
    tagged `condition:N`; the chosen branch is tagged `branch:N` or `branch:default`, and
    streams when it streams.
    """

    _run_start_style = OWN_START  # LangChain's branch starts its own run

    def __init__(self, *branches: Any) -> None:
        # LangChain's checks, in its words (a ported script may print them).
        if len(branches) < 2:
            raise ValueError("RunnableBranch requires at least two branches")
        *pairs, default = branches
        if isinstance(default, (tuple, list)) or not (
            isinstance(default, (Runnable, dict))
            or callable(default)
            or is_foreign_runnable(default)
        ):
            raise TypeError("RunnableBranch default must be Runnable, callable or mapping.")
        self.default = coerce_to_runnable(default)
        self.branches: list[tuple[Runnable[Any, Any], Runnable[Any, Any]]] = []
        for pair in pairs:
            if not isinstance(pair, (tuple, list)):
                raise TypeError(
                    f"RunnableBranch branches must be tuples or lists, not {type(pair)}"
                )
            if len(pair) != 2:
                raise ValueError(
                    f"RunnableBranch branches must be tuples or lists of length 2, not {len(pair)}"
                )
            condition, runnable = pair
            self.branches.append((coerce_to_runnable(condition), coerce_to_runnable(runnable)))

    def __repr__(self) -> str:
        return f"RunnableBranch(branches={self.branches!r}, default={self.default!r})"

    def _pick(self, input: Any, config: RunnableConfig) -> tuple[Runnable[Any, Any], str]:
        for index, (condition, runnable) in enumerate(self.branches, start=1):
            if condition.invoke(input, child_config(config, tag=f"condition:{index}")):
                return runnable, f"branch:{index}"
        return self.default, "branch:default"

    async def _apick(self, input: Any, config: RunnableConfig) -> tuple[Runnable[Any, Any], str]:
        for index, (condition, runnable) in enumerate(self.branches, start=1):
            if await condition.ainvoke(input, child_config(config, tag=f"condition:{index}")):
                return runnable, f"branch:{index}"
        return self.default, "branch:default"

    def _invoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        runnable, tag = self._pick(input, config)
        return runnable.invoke(input, child_config(config, tag=tag), **kwargs)

    async def _ainvoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        runnable, tag = await self._apick(input, config)
        return await runnable.ainvoke(input, child_config(config, tag=tag), **kwargs)

    def _stream(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Iterator[Any]:
        runnable, tag = self._pick(input, config)
        yield from runnable.stream(input, child_config(config, tag=tag), **kwargs)

    async def _astream(
        self, input: Any, config: RunnableConfig, **kwargs: Any
    ) -> AsyncIterator[Any]:
        runnable, tag = await self._apick(input, config)
        async for piece in runnable.astream(input, child_config(config, tag=tag), **kwargs):
            yield piece
