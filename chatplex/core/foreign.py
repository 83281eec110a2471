"""Runnables of other libraries (LangChain's tools, retrievers, parsers, prompts...) inside
chatplex chains, and chatplex runnables inside theirs.

In: any object with the Runnable protocol's six methods (`invoke`, `ainvoke`, `stream`,
`astream`, `batch`, `abatch`) is wrapped by `coerce_to_runnable` in a `ForeignRunnable`.
Nothing is matched by class name: the protocol is the contract. The wrapper calls the
object's own async methods on the async path, its `transform` / `atransform` when it has
them (so a streaming parser keeps streaming), and its own `batch`. The object gets a
config dict in LangChain's shape (tags, metadata, configurable, recursion_limit, the
user's callback handlers); chatplex's private keys (deadline, run-tree links) stay out.

Out: chatplex runnables are callables (`Runnable.__call__`), which is how LangChain takes
any function. LangChain also asks `isinstance(x, Runnable)` in places where no callable
will do: `RunnableWithMessageHistory` returns the chain it wraps from one of its own
lambdas, and only a LangChain `Runnable` returned there is run. `expose()` registers
chatplex's `Runnable` as a virtual subclass of LangChain's (`abc.ABCMeta.register`) when
LangChain is loaded, before or after chatplex; it never imports LangChain itself (so
`import chatplex` stays fast).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from types import ModuleType
from typing import Any

from ..postimport import when_imported
from .base import Runnable
from .run_config import POSITIONAL_PREFIXES, RunnableConfig
from .runs import split_callbacks

__all__ = ["ForeignRunnable", "expose", "is_foreign_runnable"]

#: The methods that make an object a runnable, whoever made it.
PROTOCOL = ("invoke", "ainvoke", "stream", "astream", "batch", "abatch")

#: (module, class) of the Runnable base classes of other libraries whose `isinstance`
#: checks should accept chatplex runnables, once the module is loaded by the user.
_HOSTS = (("langchain_core.runnables.base", "Runnable"),)
_exposed: set[type] = set()
_hooked = False


def expose() -> None:
    """Register `Runnable` with each host library's Runnable ABC: at once for a host
    already imported, else the moment it is imported (`chatplex.postimport`), so the
    order of `import chatplex` and `import langchain_core` does not matter. Idempotent."""
    global _hooked
    if _hooked:
        return
    _hooked = True
    for module_name, _ in _HOSTS:
        when_imported(module_name, _register_with)


def _register_with(module: ModuleType) -> None:
    for module_name, class_name in _HOSTS:
        if module_name != module.__name__:
            continue
        host = getattr(module, class_name, None)
        register = getattr(host, "register", None)
        if isinstance(host, type) and host not in _exposed and callable(register):
            register(Runnable)
            _exposed.add(host)


def is_foreign_runnable(thing: Any) -> bool:
    """Whether `thing` speaks the Runnable protocol without being a chatplex Runnable."""
    if isinstance(thing, (Runnable, type)):
        return False
    return all(callable(getattr(thing, name, None)) for name in PROTOCOL)


def _name_of(thing: Any) -> str:
    get_name = getattr(thing, "get_name", None)
    if callable(get_name):
        try:
            name = get_name()
        except Exception:  # noqa: BLE001 - a name is a label; fall back to the type's
            name = None
        if isinstance(name, str) and name:
            return name
    name = getattr(thing, "name", None)
    return name if isinstance(name, str) and name else type(thing).__name__


def foreign_config(config: RunnableConfig) -> dict[str, Any]:
    """The config a foreign runnable understands: LangChain's keys only.

    Tags lose chatplex's positional tags (`seq:step:N`: LangChain sets its own), and
    callbacks keep the user's handler objects only: chatplex's internal listeners
    (behind `astream_events`) have no LangChain handler methods, and they hear about
    this step through the wrapper's own run."""
    out: dict[str, Any] = {
        "tags": [t for t in config.get("tags", ()) if not t.startswith(POSITIONAL_PREFIXES)],
        "metadata": dict(config.get("metadata") or {}),
        "configurable": dict(config.get("configurable") or {}),
    }
    for key in ("recursion_limit", "max_concurrency"):
        if config.get(key) is not None:
            out[key] = config[key]
    callbacks = config.get("callbacks")
    if callbacks:
        handlers, _ = split_callbacks(callbacks)
        if handlers:
            out["callbacks"] = handlers
    return out


class ForeignRunnable(Runnable[Any, Any]):
    """A runnable of another library, used as a chatplex step (see the module doc).

    >>> class Upper:  # any object with the six protocol methods
    ...     def invoke(self, x, config=None, **kw): return x.upper()
    ...     async def ainvoke(self, x, config=None, **kw): return x.upper()
    ...     def stream(self, x, config=None, **kw): yield x.upper()
    ...     async def astream(self, x, config=None, **kw): yield x.upper()
    ...     def batch(self, xs, config=None, **kw): return [x.upper() for x in xs]
    ...     async def abatch(self, xs, config=None, **kw): return [x.upper() for x in xs]
    >>> from chatplex import RunnableLambda
    >>> (RunnableLambda(lambda x: x + "!") | Upper()).invoke("hi")
    'HI!'
    """

    def __init__(self, foreign: Any, *, name: str | None = None) -> None:
        if not is_foreign_runnable(foreign):
            missing = [m for m in PROTOCOL if not callable(getattr(foreign, m, None))]
            raise TypeError(
                f"{type(foreign).__name__} is not a runnable: it lacks {', '.join(missing)}"
            )
        self.foreign = foreign
        self.name = name or _name_of(foreign)
        expose()  # a foreign runnable is here, so its library is loaded

    def __repr__(self) -> str:
        return f"ForeignRunnable({self.foreign!r})"

    def _invoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        return self.foreign.invoke(input, foreign_config(config), **kwargs)

    async def _ainvoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        return await self.foreign.ainvoke(input, foreign_config(config), **kwargs)

    def _stream(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Iterator[Any]:
        yield from self.foreign.stream(input, foreign_config(config), **kwargs)

    async def _astream(
        self, input: Any, config: RunnableConfig, **kwargs: Any
    ) -> AsyncIterator[Any]:
        async for piece in self.foreign.astream(input, foreign_config(config), **kwargs):
            yield piece

    def _transform(
        self, chunks: Iterator[Any], config: RunnableConfig, **kwargs: Any
    ) -> Iterator[Any]:
        transform = getattr(self.foreign, "transform", None)
        if not callable(transform):  # collect the input, then stream (the default)
            yield from super()._transform(chunks, config, **kwargs)
            return
        yield from transform(chunks, foreign_config(config), **kwargs)

    async def _atransform(
        self, chunks: AsyncIterator[Any], config: RunnableConfig, **kwargs: Any
    ) -> AsyncIterator[Any]:
        atransform = getattr(self.foreign, "atransform", None)
        if not callable(atransform):
            async for piece in super()._atransform(chunks, config, **kwargs):
                yield piece
            return
        async for piece in atransform(chunks, foreign_config(config), **kwargs):
            yield piece

    def _batch(
        self,
        inputs: list[Any],
        configs: list[RunnableConfig],
        *,
        return_exceptions: bool,
        **kwargs: Any,
    ) -> list[Any]:
        cfgs = [foreign_config(c) for c in configs]
        return list(self.foreign.batch(inputs, cfgs, return_exceptions=return_exceptions, **kwargs))

    async def _abatch(
        self,
        inputs: list[Any],
        configs: list[RunnableConfig],
        *,
        return_exceptions: bool,
        **kwargs: Any,
    ) -> list[Any]:
        cfgs = [foreign_config(c) for c in configs]
        return list(
            await self.foreign.abatch(inputs, cfgs, return_exceptions=return_exceptions, **kwargs)
        )
