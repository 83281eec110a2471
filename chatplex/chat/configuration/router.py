"""`ModelRouter`: send each input to one of several models, chosen by a function.

The tutorials' routing (a cheap model for easy inputs, a strong one for the rest) as a
runnable that composes and batches like any other, so a bulk run routes row by row:

>>> router = ModelRouter(
...     {"cheap": "fake:small", "strong": "fake:large"},
...     lambda text: "strong" if len(text) > 20 else "cheap",
... )
>>> router.invoke("hi").response_metadata["model_name"]
'small'

Routes are runnables or "provider:model" names (built with `init_chat_model`). The reply
is the chosen model's, untouched: its `response_metadata["model_name"]` says which model
answered, which is what per-model totals (a bulk run's summary) group by.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from typing import Any

from ...core import Runnable
from ...core import RunnableConfig
from ...core.deadline_errors import deadline_error_of_all
from ...core.run_config import child_config
from ...errors import DeadlineExceededError
from .factory import init_chat_model

__all__ = ["ModelRouter"]


class ModelRouter(Runnable[Any, Any]):
    """Each input goes to `routes[choose(input)]`; an unknown name is a `KeyError`
    naming the known ones, raised before anything is sent.

    Args:
        routes: route name -> a runnable, or a "provider:model" name (built with
            `init_chat_model`).
        choose: input -> the name of its route.

    Raises:
        ValueError: no routes.

    Examples:
        >>> from chatplex import FakeChatModel
        >>> router = ModelRouter(
        ...     {"cheap": FakeChatModel(responses=["short"]), "strong": "fake:large"},
        ...     lambda text: "strong" if len(text) > 20 else "cheap",
        ... )
        >>> [reply.text for reply in router.batch(["hi", "a much longer question here"])]
        ['short', 'Hello from FakeChatModel.']
    """

    _async_native = True

    def __init__(
        self, routes: Mapping[str, Runnable[Any, Any] | str], choose: Callable[[Any], str]
    ) -> None:
        if not routes:
            raise ValueError("ModelRouter needs at least one route")
        self.routes: dict[str, Runnable[Any, Any]] = {
            name: init_chat_model(target) if isinstance(target, str) else target
            for name, target in routes.items()
        }
        self.choose = choose

    def __repr__(self) -> str:
        return f"ModelRouter(routes={sorted(self.routes)})"

    def _deadline_error(self, err: DeadlineExceededError, config: RunnableConfig) -> BaseException:
        return deadline_error_of_all(list(self.routes.values()), err, config)  # (by input)

    def _pick(
        self, input: Any, config: RunnableConfig
    ) -> tuple[Runnable[Any, Any], RunnableConfig]:
        name = self.choose(input)
        runnable = self.routes.get(name)
        if runnable is None:
            raise KeyError(f"ModelRouter: route {name!r} is not one of {sorted(self.routes)}")
        return runnable, child_config(config, tag=f"route:{name}")

    def _invoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        runnable, child = self._pick(input, config)
        return runnable.invoke(input, child, **kwargs)

    async def _ainvoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        runnable, child = self._pick(input, config)
        return await runnable.ainvoke(input, child, **kwargs)

    def _stream(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Iterator[Any]:
        runnable, child = self._pick(input, config)
        yield from runnable.stream(input, child, **kwargs)

    async def _astream(
        self, input: Any, config: RunnableConfig, **kwargs: Any
    ) -> AsyncIterator[Any]:
        runnable, child = self._pick(input, config)
        async for piece in runnable.astream(input, child, **kwargs):
            yield piece
