"""Plain Python callables as runnables.

`RunnableLambda(f)` wraps a function of one input: sync, async, or a generator that yields
output pieces. A generator *in a chain* (`... | gen`) becomes a `RunnableGenerator`: it
receives the iterator of input pieces, so it can transform a stream as it flows.

While a lambda runs, its config is the ambient config: a model invoked inside it without
a config still reports to the same callbacks and honours the same deadline.

Sync functions called from the async path run inline on the event loop (no thread): keep
them quick, or write them as `async def`. An `async def` function under a sync `invoke`
runs to completion on chatplex's portal loop (LangChain raises `TypeError` there): the
caller asked for the result, and the function can produce it.

A function that takes `config` gets LangChain's shape: `tags`, `metadata`, `configurable`
and `callbacks` are always present (empty when unset).
"""

from __future__ import annotations

import contextvars
import inspect
import operator
from collections.abc import AsyncIterator
from collections.abc import Callable
from collections.abc import Iterator
from typing import TYPE_CHECKING
from typing import Any

from .base import Runnable
from .chunks import acollect_chunks
from .chunks import aiter_one
from .chunks import collect_chunks
from .portal import run_sync
from .run_config import RunnableConfig
from .run_config import child_config
from .run_config import current_config
from .run_config import nested_config
from .run_config import user_config
from .runs import DEFERS

if TYPE_CHECKING:
    import ast

__all__ = ["RunnableGenerator", "RunnableLambda", "chain", "is_stream_transformer"]

_CONFIG = current_config()


def is_stream_transformer(func: Callable[..., Any]) -> bool:
    return inspect.isgeneratorfunction(func) or inspect.isasyncgenfunction(func)


def takes_config(func: Callable[..., Any]) -> bool:
    """Whether `func` has a `config` parameter (the run's config is passed to it)."""
    try:
        return "config" in inspect.signature(func).parameters
    except (TypeError, ValueError):  # builtins without a signature
        return False


def source_tree(func: Callable[..., Any]) -> ast.Module | None:
    """The syntax tree of the lines `func` is written on (dedented), as LangChain reads a
    function's source; None where there is none to read (a builtin, code without a
    file) or the lines are no statement (a lambda inside a chain's `|` line)."""
    import ast  # (a repr's and a schema's: not loaded with chatplex)
    import textwrap

    try:
        return ast.parse(textwrap.dedent(inspect.getsource(func)))
    except (SyntaxError, TypeError, OSError, SystemError):
        return None


def _source_of(func: Callable[..., Any]) -> str:
    """How a function reads in a lambda's repr, as in LangChain's: an itemgetter as
    written, a function's name, a lambda's source where its lines hold that one
    lambda, else `...`."""
    if isinstance(func, (operator.itemgetter, operator.attrgetter)):
        return repr(func).removeprefix("operator.")
    name = getattr(func, "__name__", None)
    if name is not None and name != "<lambda>":
        return str(name)
    import ast

    tree = source_tree(func)
    lambdas = [] if tree is None else [n for n in ast.walk(tree) if isinstance(n, ast.Lambda)]
    return ast.unparse(lambdas[0]) if len(lambdas) == 1 else "..."


def _func_name(func: Callable[..., Any]) -> str:
    name = getattr(func, "__name__", None)
    return name if name and name != "<lambda>" else "RunnableLambda"


class RunnableLambda(Runnable[Any, Any]):
    """Wrap a function of one argument (optionally also taking `config=`).

    If the function returns a Runnable, that runnable is invoked (or streamed, piece by
    piece) with the same input (handy for routing).

    Examples:
        >>> RunnableLambda(lambda x: x.upper()).invoke("hi")
        'HI'
    """

    _starts_on_first_piece = True  # LangChain's lambda streams as a transform

    def __init__(
        self,
        func: Callable[..., Any],
        afunc: Callable[..., Any] | None = None,
        *,
        name: str | None = None,
    ) -> None:
        if not callable(func):
            raise TypeError(f"RunnableLambda needs a callable, got {type(func).__name__}")
        self.func = func
        self.afunc = afunc
        self.name = name or _func_name(func)
        self._is_async = inspect.iscoroutinefunction(func)
        self._is_gen = inspect.isgeneratorfunction(func)
        self._is_agen = inspect.isasyncgenfunction(func)
        self._takes_config = takes_config(func)

    def __repr__(self) -> str:
        """`RunnableLambda(<its function>)` (`afunc=` for a coroutine function)."""
        if self._is_async:
            return f"RunnableLambda(afunc={_source_of(self.func)})"
        return f"RunnableLambda({_source_of(self.func)})"

    def _args(
        self, input: Any, config: RunnableConfig, kwargs: dict[str, Any]
    ) -> tuple[tuple[Any, ...], dict[str, Any]]:
        """The function's arguments: the input, the call's keyword arguments (`bind`
        passes them, as LangChain's lambda does), and `config` if it takes one."""
        if self._takes_config:
            return (input,), {**kwargs, "config": user_config(config)}
        return (input,), kwargs

    def _invoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        inner = child_config(config)
        if self._is_async or self._is_agen:
            return run_sync(self._ainvoke(input, config, **kwargs))
        if self._is_gen:
            return collect_chunks(self._stream(input, config, **kwargs))
        out = self._call(input, inner, kwargs)
        if isinstance(out, Runnable):
            return out.invoke(input, self._nested(inner, input))
        return out

    def _call(self, input: Any, inner: RunnableConfig, kwargs: dict[str, Any]) -> Any:
        """The sync function's own output, under the ambient config."""
        token = _CONFIG.set(inner)
        try:
            args, kw = self._args(input, inner, kwargs)
            return self.func(*args, **kw)
        finally:
            _CONFIG.reset(token)

    async def _acall(self, input: Any, inner: RunnableConfig, kwargs: dict[str, Any]) -> Any:
        """The function's own output (`afunc` first), awaited, under the ambient config."""
        func = self.afunc or self.func
        token = _CONFIG.set(inner)
        try:
            args, kw = self._args(input, inner, kwargs)
            out = func(*args, **kw)
            if inspect.isawaitable(out):
                out = await out
        finally:
            _CONFIG.reset(token)
        return out

    def _nested(self, inner: RunnableConfig, input: Any) -> RunnableConfig:
        """The config of a runnable the function returned: one level deeper."""
        return nested_config(inner, f"RunnableLambda({self.get_name()})", input)

    async def _ainvoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        inner = child_config(config)
        if self._is_gen or self._is_agen:
            return await acollect_chunks(self._astream(input, config, **kwargs))
        out = await self._acall(input, inner, kwargs)
        if isinstance(out, Runnable):
            return await out.ainvoke(input, self._nested(inner, input))
        return out

    def _stream(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Iterator[Any]:
        if self._is_async or self._is_agen:
            yield self._invoke(input, config, **kwargs)
            return
        inner = child_config(config)
        if not self._is_gen:
            out = self._call(input, inner, kwargs)
            # A runnable returned is streamed, piece by piece, as LangChain's lambda does.
            if isinstance(out, Runnable):
                yield from out.stream(input, self._nested(inner, input))
            else:
                yield out
            return
        # Each step of the generator runs in a context carrying the ambient config,
        # without leaking it into the consumer's context between steps.
        ctx = contextvars.copy_context()
        ctx.run(_CONFIG.set, inner)
        args, kw = self._args(input, inner, kwargs)
        gen = ctx.run(self.func, *args, **kw)
        try:
            while True:
                try:
                    yield ctx.run(next, gen)
                except StopIteration:
                    return
        finally:
            gen.close()

    async def _astream(
        self, input: Any, config: RunnableConfig, **kwargs: Any
    ) -> AsyncIterator[Any]:
        if self._is_gen:
            for piece in self._stream(input, config, **kwargs):
                yield piece
            return
        inner = child_config(config)
        if not self._is_agen:
            out = await self._acall(input, inner, kwargs)
            if isinstance(out, Runnable):
                async for piece in out.astream(input, self._nested(inner, input)):
                    yield piece
            else:
                yield out
            return
        args, kw = self._args(input, inner, kwargs)
        agen = self.func(*args, **kw)
        try:
            while True:
                # The ambient config is set around each step only (as for sync
                # generators), so it never leaks into the consumer between pieces.
                token = _CONFIG.set(inner)
                try:
                    piece = await agen.__anext__()
                except StopAsyncIteration:
                    return
                finally:
                    _CONFIG.reset(token)
                yield piece
        finally:
            await agen.aclose()


#: A generator function over input pieces, sync or async.
_Generator = Callable[..., Any]


class RunnableGenerator(Runnable[Any, Any]):
    """A generator over the stream of input pieces: `def f(chunks): for c in chunks: yield`.

    Examples:
        >>> def shout(chunks):
        ...     for c in chunks:
        ...         yield c.upper()
        >>> RunnableGenerator(shout).invoke("hi")
        'HI'
    """

    _starts_on_first_piece = True  # LangChain's generator streams as a transform
    _run_start_style = DEFERS  # and says it defers its inputs

    def __init__(
        self,
        transform: _Generator,
        atransform: _Generator | None = None,
        *,
        name: str | None = None,
    ) -> None:
        if not is_stream_transformer(transform):
            raise TypeError("RunnableGenerator needs a generator or async generator function")
        if atransform is not None and not inspect.isasyncgenfunction(atransform):
            raise TypeError("RunnableGenerator's atransform must be an async generator function")
        self.func = transform
        self.name = name or _func_name(transform)
        self._is_async = inspect.isasyncgenfunction(transform)  # no sync side
        # As LangChain's: async calls run `atransform` where given (or an async transform).
        self.afunc = transform if self._is_async else atransform
        #: Which of them take the run's config (read once: a signature costs ~10 us).
        self._config_takers = [f for f in (transform, atransform) if f and takes_config(f)]

    def __repr__(self) -> str:
        return f"RunnableGenerator({self.name})"

    def _call(self, chunks: Any, config: RunnableConfig, func: Callable[..., Any]) -> Any:
        takes = any(func is taker for taker in self._config_takers)
        kw = {"config": user_config(child_config(config))} if takes else {}
        return func(chunks, **kw)

    def _invoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        return collect_chunks(self._transform(iter([input]), config))

    async def _ainvoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        return await acollect_chunks(self._atransform(aiter_one(input), config))

    def _stream(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Iterator[Any]:
        return self._transform(iter([input]), config)

    def _astream(self, input: Any, config: RunnableConfig, **kwargs: Any) -> AsyncIterator[Any]:
        return self._atransform(aiter_one(input), config)

    def _transform(
        self, chunks: Iterator[Any], config: RunnableConfig, **kwargs: Any
    ) -> Iterator[Any]:
        if self._is_async:
            # An async generator in a sync chain: run it on the portal loop to the end.
            # The input is read here first: pulled from the portal, a sync upstream would
            # block that shared loop and could not itself use it (run_sync refuses).
            pieces = list(chunks)

            async def run() -> list[Any]:
                async def source() -> AsyncIterator[Any]:
                    for chunk in pieces:
                        yield chunk

                return [piece async for piece in self._call(source(), config, self.func)]

            yield from run_sync(run())
            return
        yield from self._call(chunks, config, self.func)

    async def _atransform(
        self, chunks: AsyncIterator[Any], config: RunnableConfig, **kwargs: Any
    ) -> AsyncIterator[Any]:
        if self.afunc is not None:
            async for piece in self._call(chunks, config, self.afunc):
                yield piece
            return
        # A sync generator cannot pull from an async source: gather the input first.
        pieces = [chunk async for chunk in chunks]
        for piece in self._call(iter(pieces), config, self.func):
            yield piece


def chain(func: Callable[..., Any]) -> RunnableLambda:
    """LangChain's `@chain` decorator: the function as a runnable, named after it.

    Examples:
        >>> @chain
        ... def shout(text):
        ...     return text.upper()
        >>> shout.invoke("hi"), shout.name
        ('HI', 'shout')
    """
    return RunnableLambda(func, name=getattr(func, "__name__", None))
