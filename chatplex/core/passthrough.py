"""`RunnablePassthrough`: hand the input on unchanged, or `.assign(...)` new keys to it;
`RunnablePick`: keep some keys of a dict (`.pick(...)` on any runnable)."""

from __future__ import annotations

import functools
from collections.abc import AsyncIterator
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any

from ._pure import PureRunnable
from .batch_forwarding import BatchForwarding
from .batch_forwarding import BatchTarget
from .chunks import AddableDict
from .chunks import add_chunks
from .chunks import aiter_one
from .composition import RunnableParallel
from .lambdas import takes_config
from .run_config import RunnableConfig
from .run_config import child_config
from .run_config import user_config

__all__ = [
    "DictInputError",
    "RunnableAssign",
    "RunnablePassthrough",
    "RunnablePick",
    "assign_steps",
]


class DictInputError(TypeError, ValueError):
    """`assign()` or `pick()` given something other than a dict: a TypeError, and the
    ValueError LangChain raises there, so a ported `except ValueError` still catches."""


class RunnablePassthrough(PureRunnable[Any, Any]):
    """Returns its input. In a parallel map it forwards the original input to a key.
    `func` (and, on the async paths, `afunc` where given) is called with the input
    first, for its side effect (a stream's: with the merged pieces once all passed), and
    with the run's `config` where it takes one, as LangChain's passthrough calls them.

    Examples:
        >>> from chatplex import RunnableParallel
        >>> RunnableParallel(orig=RunnablePassthrough(), n=lambda x: len(x)).invoke("abc")
        {'orig': 'abc', 'n': 3}
        >>> RunnablePassthrough(print).invoke("abc")
        abc
        'abc'
    """

    _starts_on_first_piece = True  # LangChain's passthrough streams as a transform

    def __init__(
        self,
        func: Callable[..., Any] | None = None,
        afunc: Callable[..., Awaitable[Any]] | None = None,
        *,
        input_type: Any = None,
        name: str | None = None,
    ) -> None:
        self.func, self.afunc = func, afunc
        self.input_type = input_type  # its input's and its output's (LangChain's field)
        self._named(name)
        #: Which of them take the run's config (read once: a signature costs ~10 us).
        self._config_takers = [f for f in (func, afunc) if f is not None and takes_config(f)]

    def __repr__(self) -> str:
        return "RunnablePassthrough()"  # (its functions unshown, as in LangChain's)

    @property
    def InputType(self) -> Any:  # noqa: N802 - LangChain's name
        return Any if self.input_type is None else self.input_type

    @property
    def OutputType(self) -> Any:  # noqa: N802 - LangChain's name
        return self.InputType

    def _invoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        if self.func is not None:
            self._call(self.func, input, config, kwargs)
        return input

    async def _ainvoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        await self._acall(input, config, kwargs)
        return input

    def _transform(
        self, chunks: Iterator[Any], config: RunnableConfig, **kwargs: Any
    ) -> Iterator[Any]:
        if self.func is None:
            yield from chunks  # pass pieces through as they come, holding none
            return
        final = _NONE
        for chunk in chunks:
            yield chunk
            final = chunk if final is _NONE else add_chunks(final, chunk)
        if final is not _NONE:
            self._call(self.func, final, config, kwargs)

    async def _atransform(
        self, chunks: AsyncIterator[Any], config: RunnableConfig, **kwargs: Any
    ) -> AsyncIterator[Any]:
        if self.func is None and self.afunc is None:
            async for chunk in chunks:  # holding none
                yield chunk
            return
        final = _NONE
        async for chunk in chunks:
            yield chunk
            final = chunk if final is _NONE else add_chunks(final, chunk)
        if final is not _NONE:
            await self._acall(final, config, kwargs)

    def _call(
        self, func: Callable[..., Any], value: Any, config: RunnableConfig, kwargs: Any
    ) -> Any:
        """`func(value, **kwargs)`, with `config=` (as user code sees it) where it takes one."""
        if any(func is taker for taker in self._config_takers):
            return func(value, config=user_config(config), **kwargs)
        return func(value, **kwargs)

    async def _acall(self, value: Any, config: RunnableConfig, kwargs: Any) -> None:
        """The async paths' call: `afunc`, awaited, where given, else `func`."""
        if self.afunc is not None:
            await self._call(self.afunc, value, config, kwargs)
        elif self.func is not None:
            self._call(self.func, value, config, kwargs)

    @classmethod
    def assign(cls, **kwargs: Any) -> RunnableAssign:
        """Keep the input dict and add keys computed from it.

        (On an instance or class alike: the passthrough itself adds nothing to keep.)

        Examples:
            >>> RunnablePassthrough.assign(n=lambda d: len(d["text"])).invoke({"text": "abc"})
            {'text': 'abc', 'n': 3}
        """
        return assign_steps(kwargs)


#: No piece has passed yet.
_NONE: Any = object()


def assign_steps(steps: Mapping[str, Any]) -> RunnableAssign:
    """`RunnableAssign` over a parallel map of `steps` (what `.assign(**steps)` adds)."""
    return RunnableAssign(RunnableParallel(dict(steps)))


class RunnableAssign(BatchForwarding[dict[str, Any], dict[str, Any]]):
    """`{**input, **mapper(input)}` where `mapper` is a parallel map.

    Streams as LangChain's does: each input piece is passed on as it comes (without the
    keys the map computes), then the map's pieces (`{key: piece}`) as its branches
    stream; the map runs on the whole input, once it has arrived.
    """

    _starts_on_first_piece = True  # LangChain's assign streams as a transform

    def __init__(self, mapper: RunnableParallel[Any], *, name: str | None = None) -> None:
        self.mapper = mapper
        self._named(name)

    def _base_name(self) -> str:
        return self.name or f"RunnableAssign<{','.join(self.mapper.steps)}>"

    @staticmethod
    def _check(input: Any) -> Mapping[str, Any]:
        if not isinstance(input, Mapping):
            raise DictInputError(f"assign() needs a dict input, got {type(input).__name__}")
        return input

    def _invoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> dict[str, Any]:
        # child_config: the map is a child of the assign, not in its position.
        return {**self._check(input), **self.mapper.invoke(input, child_config(config))}

    async def _ainvoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> dict[str, Any]:
        return {**self._check(input), **await self.mapper.ainvoke(input, child_config(config))}

    def _passed_on(self, chunk: Any) -> dict[str, Any]:
        """An input piece as passed on: the keys the map computes are the map's."""
        items = self._check(chunk).items()
        return AddableDict({k: v for k, v in items if k not in self.mapper.steps})

    def _stream(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Iterator[Any]:
        yield from self._transform(iter([input]), config, **kwargs)

    async def _astream(
        self, input: Any, config: RunnableConfig, **kwargs: Any
    ) -> AsyncIterator[Any]:
        async for piece in self._atransform(aiter_one(input), config, **kwargs):
            yield piece

    def _transform(
        self, chunks: Iterator[Any], config: RunnableConfig, **kwargs: Any
    ) -> Iterator[Any]:
        pieces: list[Any] = []
        for chunk in chunks:
            pieces.append(chunk)
            if passed := self._passed_on(chunk):
                yield passed
        yield from self.mapper.stream(_whole(pieces), child_config(config))

    async def _atransform(
        self, chunks: AsyncIterator[Any], config: RunnableConfig, **kwargs: Any
    ) -> AsyncIterator[Any]:
        pieces: list[Any] = []
        async for chunk in chunks:
            pieces.append(chunk)
            if passed := self._passed_on(chunk):
                yield passed
        async for piece in self.mapper.astream(_whole(pieces), child_config(config)):
            yield piece

    def _batch_target(
        self, inputs: list[Any], configs: list[RunnableConfig], kwargs: dict[str, Any]
    ) -> BatchTarget:
        for item in inputs:
            self._check(item)
        # The map gets no call keywords, as in `_invoke`.
        cfgs = [child_config(c) for c in configs]
        return BatchTarget(self.mapper, inputs, cfgs, {})

    def _batch_results(self, inputs: list[Any], outs: Sequence[Any]) -> list[Any]:
        return [
            o if isinstance(o, BaseException) else {**i, **o}
            for i, o in zip(inputs, outs, strict=True)
        ]


def _whole(pieces: list[Any]) -> Any:
    """The whole input of a streamed `assign`, what its map runs on: its pieces added up."""
    if not pieces:
        raise ValueError("assign() got no input to add keys to")
    return functools.reduce(add_chunks, pieces)


class RunnablePick(PureRunnable[Any, Any]):
    """Keep some keys of a dict: one key (a str) gives its value, a list gives a dict of
    the keys present (None when none is), as LangChain's `RunnablePick`.

    >>> RunnablePick(["a", "c"]).invoke({"a": 1, "b": 2})
    {'a': 1}
    """

    _starts_on_first_piece = True  # LangChain's pick streams as a transform

    def __init__(self, keys: str | Sequence[str], *, name: str | None = None) -> None:
        if not isinstance(keys, str):
            keys = list(keys)
            bad = [k for k in keys if not isinstance(k, str)]
            if bad or not keys:
                raise TypeError(f"pick() needs a key or a list of keys (str), got {keys!r}")
        self.keys = keys
        self._named(name)

    def __repr__(self) -> str:
        named = "" if self.name is None else f"name={self.name!r}, "
        return f"RunnablePick({named}keys={self.keys!r})"  # (dict keys: no credential to mask)

    @property
    def InputType(self) -> Any:  # noqa: N802 - LangChain's name
        return dict[str, Any]  # (what LangChain's class is typed to take)

    def _base_name(self) -> str:
        keys = [self.keys] if isinstance(self.keys, str) else self.keys
        return self.name or f"RunnablePick<{','.join(keys)}>"

    def _pick(self, value: Any) -> Any:
        if not isinstance(value, Mapping):
            raise DictInputError(f"pick() needs a dict input, got {type(value).__name__}")
        if isinstance(self.keys, str):
            return value.get(self.keys)
        picked = AddableDict({k: value[k] for k in self.keys if k in value})
        return picked or None

    def _invoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        return self._pick(input)

    # Streaming: each piece of a dict stream is picked as it comes; pieces without the
    # keys yield nothing (LangChain's behaviour).
    def _transform(
        self, chunks: Iterator[Any], config: RunnableConfig, **kwargs: Any
    ) -> Iterator[Any]:
        for chunk in chunks:
            picked = self._pick(chunk)
            if picked is not None:
                yield picked

    async def _atransform(
        self, chunks: AsyncIterator[Any], config: RunnableConfig, **kwargs: Any
    ) -> AsyncIterator[Any]:
        async for chunk in chunks:
            picked = self._pick(chunk)
            if picked is not None:
                yield picked
