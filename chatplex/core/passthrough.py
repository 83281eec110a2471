"""`RunnablePassthrough`: hand the input on unchanged, or `.assign(...)` new keys to it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any

from .base import Runnable
from .composition import RunnableParallel, _concurrency_of
from .run_config import RunnableConfig, child_config

__all__ = ["RunnableAssign", "RunnablePassthrough"]


class RunnablePassthrough(Runnable[Any, Any]):
    """Returns its input. In a parallel map it forwards the original input to a key.

    >>> from chatplex import RunnableParallel
    >>> RunnableParallel(orig=RunnablePassthrough(), n=lambda x: len(x)).invoke("abc")
    {'orig': 'abc', 'n': 3}
    """

    def _invoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        return input

    async def _ainvoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        return input

    def _transform(
        self, chunks: Iterator[Any], config: RunnableConfig, **kwargs: Any
    ) -> Iterator[Any]:
        yield from chunks  # pass pieces through as they come

    async def _atransform(
        self, chunks: AsyncIterator[Any], config: RunnableConfig, **kwargs: Any
    ) -> AsyncIterator[Any]:
        async for chunk in chunks:
            yield chunk

    def _batch(
        self,
        inputs: list[Any],
        configs: list[RunnableConfig],
        *,
        return_exceptions: bool,
        **kwargs: Any,
    ) -> list[Any]:
        return list(inputs)

    async def _abatch(
        self,
        inputs: list[Any],
        configs: list[RunnableConfig],
        *,
        return_exceptions: bool,
        **kwargs: Any,
    ) -> list[Any]:
        return list(inputs)

    @classmethod
    def assign(cls, **kwargs: Any) -> RunnableAssign:
        """Keep the input dict and add keys computed from it.

        >>> RunnablePassthrough.assign(n=lambda d: len(d["text"])).invoke({"text": "abc"})
        {'text': 'abc', 'n': 3}
        """
        return RunnableAssign(RunnableParallel(kwargs))


class RunnableAssign(Runnable[dict[str, Any], dict[str, Any]]):
    """`{**input, **mapper(input)}` where `mapper` is a parallel map."""

    def __init__(self, mapper: RunnableParallel[Any]) -> None:
        self.mapper = mapper

    def get_name(self) -> str:
        return self.name or f"RunnableAssign<{','.join(self.mapper.steps)}>"

    @staticmethod
    def _check(input: Any) -> Mapping[str, Any]:
        if not isinstance(input, Mapping):
            raise TypeError(f"assign() needs a dict input, got {type(input).__name__}")
        return input

    def _invoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> dict[str, Any]:
        # child_config: the map is a child of the assign, not in its position.
        return {**self._check(input), **self.mapper.invoke(input, child_config(config))}

    async def _ainvoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> dict[str, Any]:
        return {**self._check(input), **await self.mapper.ainvoke(input, child_config(config))}

    def _batch(
        self,
        inputs: list[Any],
        configs: list[RunnableConfig],
        *,
        return_exceptions: bool,
        **kwargs: Any,
    ) -> list[Any]:
        for item in inputs:
            self._check(item)
        cfgs = [child_config(c) | _concurrency_of(c) for c in configs]
        outs = self.mapper.batch(inputs, cfgs, return_exceptions=return_exceptions)
        return [
            o if isinstance(o, BaseException) else {**i, **o}
            for i, o in zip(inputs, outs, strict=True)
        ]

    async def _abatch(
        self,
        inputs: list[Any],
        configs: list[RunnableConfig],
        *,
        return_exceptions: bool,
        **kwargs: Any,
    ) -> list[Any]:
        for item in inputs:
            self._check(item)
        cfgs = [child_config(c) | _concurrency_of(c) for c in configs]
        outs = await self.mapper.abatch(inputs, cfgs, return_exceptions=return_exceptions)
        return [
            o if isinstance(o, BaseException) else {**i, **o}
            for i, o in zip(inputs, outs, strict=True)
        ]
