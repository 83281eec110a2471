"""Runnables of other libraries (LangChain's tools, retrievers, parsers, prompts...) inside
chatplex chains, and chatplex runnables inside theirs.

In: any object with the Runnable protocol's six methods (`invoke`, `ainvoke`, `stream`,
`astream`, `batch`, `abatch`) is wrapped by `coerce_to_runnable` in a `ForeignRunnable`.
Nothing is matched by class name: the protocol is the contract. The wrapper calls the
object's own async methods on the async path, its `transform` / `atransform` when it has
them (so a streaming parser keeps streaming), and its own `batch`. The object gets a
config dict in LangChain's shape (tags, metadata, configurable, recursion_limit, the
user's callback handlers); chatplex's private keys (deadline, run-tree links) stay out.

In events, logs and filters the wrapper reports what LangChain would: the object's run
type, told by the methods it has (`run_type_of`: a tool, a retriever, a prompt, a
parser, a chat model, an LLM, else a chain), and its name (a binding's `run_name`
first). Tools, retrievers and prompts return one value, as in LangChain: they get no
`*_stream` events (`ForeignCall`). Callback handlers hear of the call from the object
itself (`on_tool_start`, `on_retriever_end`...), as a child of the chatplex run around
it and with the run id events report: when LangChain is loaded, its `CallbackManager`
(found in `sys.modules`, never imported here) carries the parent run id.

Out: chatplex runnables are callables (`Runnable.__call__`), which is how LangChain takes
any function. LangChain also asks `isinstance(x, Runnable)` in places where no callable
will do: `RunnableWithMessageHistory` returns the chain it wraps from one of its own
lambdas, and only a LangChain `Runnable` returned there is run. `expose()` registers
chatplex's `Runnable` as a virtual subclass of LangChain's (`abc.ABCMeta.register`) when
LangChain is loaded, before or after chatplex; it never imports LangChain itself (so
`import chatplex` stays fast).
"""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator
from collections.abc import Iterator
from types import ModuleType
from typing import TYPE_CHECKING
from typing import Any

from ..postimport import when_imported
from .base import Runnable
from .batch_forwarding import BatchForwarding
from .batch_forwarding import BatchTarget
from .run_config import POSITIONAL_PREFIXES
from .run_config import RunnableConfig
from .runs import split_callbacks

if TYPE_CHECKING:
    from pydantic import BaseModel

__all__ = [
    "ForeignCall",
    "ForeignModel",
    "ForeignRunnable",
    "expose",
    "is_foreign_runnable",
    "run_type_of",
]

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


#: Run types whose LangChain objects return one value (no native stream, no stream events).
_SINGLE_VALUE = frozenset({"tool", "retriever", "prompt"})
#: Run types whose LangChain objects collect their input, then stream (their `transform`).
_MODELS = frozenset({"chat_model", "llm"})


def _innermost(thing: Any) -> Any:
    """What a binding (`.with_config(...)`, `.bind(...)`) runs: its run type is that."""
    for _ in range(32):  # bindings of bindings; bounded in case of a cycle
        bound = getattr(thing, "bound", None)
        if bound is None or not is_foreign_runnable(bound):
            return thing
        thing = bound
    return thing


def run_type_of(thing: Any) -> str:
    """The run type LangChain gives this object's runs, told by its methods (never by
    class name): `tool`, `retriever`, `prompt`, `parser`, `chat_model`, `llm` or `chain`.

    >>> class Search:
    ...     def _get_relevant_documents(self, query): return []
    >>> run_type_of(Search())
    'retriever'
    """
    inner = _innermost(thing)

    def has(*names: str) -> bool:
        return all(callable(getattr(inner, n, None)) for n in names)

    if has("_get_relevant_documents"):
        return "retriever"
    if has("run", "arun") and hasattr(inner, "args_schema"):
        return "tool"
    if has("format_prompt") and hasattr(inner, "input_variables"):
        return "prompt"
    if has("parse_result"):
        return "parser"
    if has("generate_prompt"):
        return "chat_model" if has("bind_tools") else "llm"
    return "chain"


def _run_name(thing: Any) -> str | None:
    """A LangChain binding's `run_name` (`.with_config(run_name=...)`), if any."""
    for _ in range(32):
        config = getattr(thing, "config", None)
        if isinstance(config, dict) and isinstance(config.get("run_name"), str):
            return str(config["run_name"])
        thing = getattr(thing, "bound", None)
        if thing is None or not is_foreign_runnable(thing):
            return None
    return None


def _name_of(thing: Any) -> str:
    run_name = _run_name(thing)
    if run_name:
        return run_name
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
    own = config.get("_own_run")  # this call's run, when events or logs watch it
    if own is not None:
        out["run_id"] = own.run_id
    callbacks = config.get("callbacks")
    if callbacks:
        handlers, _ = split_callbacks(callbacks)
        if handlers:
            parent = own.parent if own is not None else config.get("_parent_run")
            positional = [t for t in config.get("tags", ()) if t.startswith(POSITIONAL_PREFIXES)]
            out["callbacks"] = _under(handlers, parent, positional)
    return out


def _under(handlers: list[Any], parent: Any, positional: list[str] | None = None) -> Any:
    """The handlers as LangChain's `CallbackManager` with `parent`'s run id (so the
    foreign object's run nests under the chatplex run around it), or as a plain list
    when there is no parent or LangChain's callbacks module is not loaded."""
    module = sys.modules.get("langchain_core.callbacks.manager")
    manager = getattr(module, "CallbackManager", None)
    if manager is not None:  # a tracer may hand LangChain its own kind (tracing/langsmith.py)
        handlers = [h.for_langchain(parent) if hasattr(h, "for_langchain") else h for h in handlers]
    if parent is None or manager is None:
        return handlers
    # The step's own position (`seq:step:N`) is its run's tag, not its children's: as
    # LangChain's sequence tags a step (a non-inheritable tag of the child manager).
    return manager(
        handlers=handlers,
        inheritable_handlers=handlers,
        parent_run_id=parent.run_id,
        tags=list(positional or ()),
        inheritable_tags=[],
    )


class ForeignRunnable(BatchForwarding[Any, Any]):
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

    `ForeignRunnable(tool)` gives a `ForeignCall` for objects that return one value
    (tools, retrievers, prompts), so tracing treats their stream as one result.
    """

    def __new__(cls, *args: Any, **kwargs: Any) -> ForeignRunnable:
        # copy.copy and pickle call __new__ without arguments: keep the class then.
        if cls is ForeignRunnable and args:
            run_type = run_type_of(args[0])
            if run_type in _SINGLE_VALUE:
                cls = ForeignCall
            elif run_type in _MODELS:
                cls = ForeignModel
        return super().__new__(cls)

    #: Tracing (`_traced.py`): the object reports its own run to the handlers.
    _reports_to_handlers = True

    def __init__(self, foreign: Any, *, name: str | None = None) -> None:
        if not is_foreign_runnable(foreign):
            missing = [m for m in PROTOCOL if not callable(getattr(foreign, m, None))]
            raise TypeError(
                f"{type(foreign).__name__} is not a runnable: it lacks {', '.join(missing)}"
            )
        self.foreign = foreign
        self.name = name or _name_of(foreign)
        self._run_type = run_type_of(foreign)  # events: on_tool_start, on_retriever_end...
        expose()  # a foreign runnable is here, so its library is loaded

    def __repr__(self) -> str:
        return f"ForeignRunnable({self.foreign!r})"

    def run_metadata(self) -> dict[str, Any]:
        """What LangChain adds to this object's run metadata: a model's `ls_*` keys
        (its `_get_ls_params()`, read by protocol), else nothing."""
        get_ls_params = getattr(_innermost(self.foreign), "_get_ls_params", None)
        if self._run_type not in ("chat_model", "llm") or not callable(get_ls_params):
            return {}
        try:
            return dict(get_ls_params())
        except Exception:  # noqa: BLE001 - labels for tracing; a model without them runs
            return {}

    def run_tags(self) -> list[str]:
        """The tags the object's own bindings (`.with_config(tags=...)`) give its run, as
        LangChain's events and filters see them (`include_tags`)."""
        tags: list[str] = []
        thing = self.foreign
        for _ in range(32):  # bindings of bindings; bounded in case of a cycle
            config = getattr(thing, "config", None)
            if isinstance(config, dict):
                tags += [t for t in config.get("tags") or () if isinstance(t, str)]
            bound = getattr(thing, "bound", None)
            if bound is None or not is_foreign_runnable(bound):
                break
            thing = bound
        return tags

    def get_input_schema(self, config: RunnableConfig | None = None) -> type[BaseModel]:
        """The object's own input schema where it has one (a LangChain runnable's), as a
        LangChain chain reads its step's; else chatplex's reading of its type."""
        own = getattr(self.foreign, "get_input_schema", None)
        return own(config) if callable(own) else super().get_input_schema(config)

    def get_output_schema(self, config: RunnableConfig | None = None) -> type[BaseModel]:
        """The object's own output schema where it has one (a LangChain model's is the
        union of its message types), as a LangChain chain reads its last step's."""
        own = getattr(self.foreign, "get_output_schema", None)
        return own(config) if callable(own) else super().get_output_schema(config)

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

    def _batch_target(
        self, inputs: list[Any], configs: list[RunnableConfig], kwargs: dict[str, Any]
    ) -> BatchTarget:
        return BatchTarget(self.foreign, inputs, [foreign_config(c) for c in configs], kwargs)


class ForeignCall(ForeignRunnable):
    """A foreign runnable that returns one value (a tool, a retriever, a prompt): its
    `stream` is its `invoke`, as in LangChain, so it reports a start and an end, no
    stream events. Made by `ForeignRunnable(...)` for such objects."""

    _stream = Runnable._stream
    _astream = Runnable._astream
    _transform = Runnable._transform
    _atransform = Runnable._atransform


class ForeignModel(ForeignRunnable):
    """A foreign chat model or LLM (a LangChain drop-in among them): as LangChain's models
    do, it collects its input before it starts, so its start event carries that input
    (`{"input": {"messages": [[...]]}}`, as LangChain reports it), then streams."""

    _transform = Runnable._transform
    _atransform = Runnable._atransform
