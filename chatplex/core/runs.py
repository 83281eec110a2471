"""The run tree: one node per Runnable call while someone is watching.

A run exists only when the call's config carries callbacks: LangChain-style handler
objects, or the internal listeners behind `astream_events` / `astream_log`. With none,
the public Runnable methods never reach this module (one dict lookup decides), so plain
calls pay nothing for it.

Parentage travels with the config, which is how it crosses threads, tasks and generators
without help: a run records itself as `_parent_run` in the config its hooks receive,
composites copy that into their children's configs (`child_config`), and a lambda
publishes its config as the ambient config (a contextvar) while its function runs, so a
model invoked inside the lambda without a config still nests under the lambda.

The traced versions of the public methods, which create and close the runs, are in
`_traced.py`; chat models report themselves (`callbacks.ChatModelRun`). A run whose only
listener is a tracer that records chain runs itself is a `RecordedChainRun`: no handler
protocol, the tracer reads the node.
"""

from __future__ import annotations

import asyncio
import inspect
import logging
import os
from collections.abc import Callable
from collections.abc import Iterator
from typing import TYPE_CHECKING
from typing import Any
from typing import ClassVar

from .handlers import heard_method
from .portal import on_portal
from .portal import run_sync
from .run_config import POSITIONAL_PREFIXES
from .run_config import RunnableConfig

if TYPE_CHECKING:
    import uuid

__all__ = [
    "FOLLOWED_PARENT_IDS",
    "DEFERS",
    "OWN_START",
    "TOLD",
    "TOLD_RUN_TYPE",
    "UNKNOWN",
    "ChainRun",
    "RecordedChainRun",
    "RunListener",
    "RunNode",
    "new_run_id",
    "run_tags",
    "split_callbacks",
]

logger = logging.getLogger("chatplex.callbacks")


#: "Not known yet": the input of a run whose input is still streaming in.
UNKNOWN: Any = object()


class RunListener:
    """An internal consumer of the run tree (the event and log streams).

    Called synchronously from whichever thread or task runs the step, so implementations
    must be quick and thread-safe (they append to a queue). Unlike user handlers, a
    listener also hears every stream chunk of every run.
    """

    #: Set when the consumer behind this listener went away (closed its iterator): the
    #: call is being stopped, which is not an error, so its runs report no error to
    #: anyone (`RunNode.abandoned`).
    abandoned = False

    def on_start(self, run: RunNode, data: dict[str, Any]) -> None:
        """`data` is `{"input": ...}`, or `{}` when the input is still streaming in."""

    def on_stream(self, run: RunNode, chunk: Any) -> None:
        """One output piece of a streaming run."""

    def on_end(self, run: RunNode, data: dict[str, Any]) -> None:
        """`data` is `{"output": ..., "input": ...}` (no `input` if none ever arrived)."""

    def on_error(self, run: RunNode, error: BaseException) -> None:
        """The run failed; no `on_end` follows."""

    def on_custom(self, run: RunNode, name: str, data: Any) -> None:
        """`dispatch_custom_event(name, data)` was called inside this run."""


def split_callbacks(callbacks: Any) -> tuple[list[Any], list[RunListener]]:
    """User handlers (LangChain-style objects, managers unwrapped) and listeners."""
    items = callbacks if isinstance(callbacks, (list, tuple)) else [callbacks]
    handlers: list[Any] = []
    listeners: list[RunListener] = []
    for item in items:
        if isinstance(item, RunListener):
            listeners.append(item)
            continue
        inner = getattr(item, "handlers", None)  # LangChain's CallbackManager
        handlers.extend(inner if isinstance(inner, list) else [item])
    return handlers, listeners


def run_tags(config: RunnableConfig) -> list[str]:
    """This run's tags: its own positional tag first (as LangChain orders them), then
    the inherited ones, without the positional tags of its ancestors. A run that a
    LangChain composite started (no chatplex parent run) has its position in the
    callback manager LangChain passed (`seq:step:2`: a tag of that manager alone)."""
    tags = config.get("tags")
    position = config.get("_position_tag")
    if position is None and "_parent_run" not in config:
        position = _manager_position(config.get("callbacks"))
    if not tags:
        return [position] if position else []
    own = [t for t in tags if not t.startswith(POSITIONAL_PREFIXES)]
    return [position, *own] if position else own


def _manager_position(callbacks: Any) -> str | None:
    """The positional tag a LangChain callback manager gives its run, if any: one of its
    tags that its children do not inherit (`get_child("seq:step:2")`)."""
    tags = getattr(callbacks, "tags", None)
    if not tags or not isinstance(tags, list):
        return None
    inherited = getattr(callbacks, "inheritable_tags", None) or ()
    for tag in tags:
        if isinstance(tag, str) and tag.startswith(POSITIONAL_PREFIXES) and tag not in inherited:
            return tag
    return None


#: The generator of run ids, made at the first run (see `new_run_id`).
_ids: Any = None  # a random.Random
_UUID: Any = None  # uuid.UUID, imported with the first run


def new_run_id() -> uuid.UUID:
    """A random (version 4) UUID for a run.

    Not `uuid.uuid4()`: that asks the OS for 16 bytes per run, a system call that cost
    ~6 µs of a traced call in a bulk run. A generator of this module's own, seeded by
    the OS, so a script's `random.seed(...)` cannot make two runs share ids; a forked
    child reseeds it (its ids must not repeat the parent's)."""
    global _ids, _UUID, _UNKNOWN
    if _ids is None:
        # (not at import: uuid with `platform` was ~20% of `import chatplex`'s own time)
        import random
        import uuid

        _UUID, _UNKNOWN = uuid.UUID, uuid.SafeUUID.unknown
        _ids = random.Random()
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=_ids.seed)
    # `UUID(int=...)` without its checks of arguments made right here (half its cost):
    # the two slots it sets, as it sets them.
    run_id = _new(_UUID)
    _set(run_id, "int", (_ids.getrandbits(128) & _V4_CLEAR) | _V4_SET)
    _set(run_id, "is_safe", _UNKNOWN)
    return run_id  # type: ignore[no-any-return]


_new = object.__new__
_set = object.__setattr__
_UNKNOWN: Any = None  # uuid.SafeUUID.unknown


#: Version 4, RFC 4122 variant: the bits `uuid.UUID(..., version=4)` sets.
_V4_CLEAR = ~((0xF000 << 64) | (0xC000 << 48)) & ((1 << 128) - 1)
_V4_SET = (0x4000 << 64) | (0x8000 << 48)


_ACCEPTED: dict[tuple[type, str], frozenset[str] | None] = {}


def _accepted(cls: type, method_name: str) -> frozenset[str] | None:
    """Keyword names a handler method takes; None means it takes **kwargs (all).
    Cached per class: signatures are read once, not on every token."""
    key = (cls, method_name)
    if key in _ACCEPTED:
        return _ACCEPTED[key]
    accepted: frozenset[str] | None
    try:
        params = inspect.signature(getattr(cls, method_name)).parameters.values()
    except (TypeError, ValueError):
        params = None
    if params is None or any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params):
        accepted = None
    else:
        kinds = (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
        accepted = frozenset(p.name for p in params if p.kind in kinds)
    _ACCEPTED[key] = accepted
    return accepted


def _followed_parent_ids(run: Any) -> tuple[str, ...]:
    parent = run.parent
    return () if parent is None else (*parent.parent_ids, parent.id)


def _fixed_parent_ids(run: Any, value: tuple[str, ...]) -> None:
    raise AttributeError(f"a {type(run).__name__}'s parent_ids follow its parent")


#: `RunNode.parent_ids` made when read, for a run recorded in place (a traced run never
#: reads it; an event stream inside the call does).
FOLLOWED_PARENT_IDS = property(_followed_parent_ids, _fixed_parent_ids)


#: The flag that keeps a handler from a method's calls, as LangChain's manager reads it
#: (a chat model's own steps: `chat/callbacks.py`).
_IGNORED_BY = {
    **dict.fromkeys(("on_chain_start", "on_chain_end", "on_chain_error"), "ignore_chain"),
    **dict.fromkeys(("on_tool_start", "on_tool_end", "on_tool_error"), "ignore_agent"),
    "on_custom_event": "ignore_custom_event",
    "on_retry": "ignore_retry",
}


#: The handler methods LangChain calls with the run's ids and tags alone (and what the
#: run adds: `inputs`, a token's `chunk`), no name or metadata.
_CLOSING = {"on_chain_end", "on_chain_error", "on_llm_end", "on_llm_error", "on_llm_new_token"}

#: `ChainRun.style`: LangChain's class starts its run told `run_type` (`_call_with_config`),
#: or its own without it (sequences, maps, branches, fallbacks; not in a stream that is a
#: transform); a generator's stream also says `defers_inputs=True`.
TOLD_RUN_TYPE, OWN_START, DEFERS = 0, 1, 2

#: `ChainRun.given` once the run's start was told its input.
TOLD: Any = object()


class RunNode:
    """One node of the run tree: identity, labels, and who hears about it.

    Handler methods are called with LangChain's positional arguments and the keyword
    arguments their signature accepts (`run_id`, `parent_run_id`, `tags`, `metadata`,
    `name`, ...). A handler that raises is logged and skipped, unless it sets
    `raise_error = True`.
    """

    __slots__ = (
        "_id",
        "handlers",
        "listeners",
        "metadata",
        "name",
        "parent",
        "parent_ids",
        "run_id",
        "run_type",
        "started",
        "tags",
    )

    def __init__(
        self,
        config: RunnableConfig,
        name: str,
        run_type: str,
        handlers: list[Any],
        listeners: list[RunListener],
    ) -> None:
        parent: RunNode | None = config.get("_parent_run")
        self.run_id: uuid.UUID = config.get("run_id") or new_run_id()  # the caller's, if given
        self._id: str | None = None  # `id`, made when first read
        self.parent = parent
        self.name: str = config.get("run_name") or name
        self.run_type = run_type
        self.tags = run_tags(config)
        metadata = config.get("metadata")
        self.metadata: dict[str, Any] = dict(metadata) if metadata else {}
        self.handlers = handlers
        self.listeners = listeners
        self.started = False
        self._place(parent)

    def _place(self, parent: RunNode | None) -> None:
        """What the node keeps of where it sits: its ancestors' ids, root first (from
        the outermost run of the process). A subclass may keep more, or make them when
        read."""
        self.parent_ids: tuple[str, ...] = () if parent is None else (*parent.parent_ids, parent.id)

    @property
    def id(self) -> str:
        """The run id as a string (what events carry), converted once, when first read:
        a run only tracers hear never needs it."""
        if self._id is None:
            self._id = str(self.run_id)
        return self._id

    @property
    def parent_run_id(self) -> uuid.UUID | None:
        return None if self.parent is None else self.parent.run_id

    @property
    def inherited_tags(self) -> list[str]:
        """The tags code running inside this run passes on: all but its own position
        (`seq:step:2`), which LangChain's child callback manager does not inherit. A
        custom event dispatched inside the run carries these."""
        return [t for t in self.tags if not t.startswith(POSITIONAL_PREFIXES)]

    def abandoned(self) -> bool:
        """Whether the event stream watching this call was closed: the call is being
        stopped (its error is the stop signal, or a consequence of it), not failing."""
        return any(listener.abandoned for listener in self.listeners)

    #: The handler method told about a failure (`on_chain_error`, `on_llm_error`).
    error_callback: ClassVar[str] = "on_chain_error"

    def error(self, exc: BaseException) -> None:
        if self.abandoned():  # the event stream's consumer left: not an error
            return
        for listener in self.listeners:
            listener.on_error(self, exc)
        if self.handlers:
            self.fire(self.error_callback, exc, **self._error_extra())

    async def aerror(self, exc: BaseException) -> None:
        if self.abandoned():
            return
        for listener in self.listeners:
            listener.on_error(self, exc)
        if self.handlers:
            await self.afire(self.error_callback, exc, **self._error_extra())

    def _error_extra(self) -> dict[str, Any]:
        """Keywords the error callback takes besides LangChain's ids and tags."""
        return {}

    # ---- user handlers ---------------------------------------------------------------

    def _calls(
        self, method: str, extra: dict[str, Any]
    ) -> list[tuple[Any, Callable[..., Any], dict[str, Any]]]:
        calls = []
        if method == "on_custom_event":  # LangChain's keywords here: `name` is positional
            kwargs = {"run_id": self.run_id, "tags": self.inherited_tags, "metadata": self.metadata}
        elif method in _CLOSING:  # LangChain tells an end or error no name or metadata
            kwargs = {
                "run_id": self.run_id,
                "parent_run_id": self.parent_run_id,
                "tags": self.tags,
                **extra,
            }
        else:
            kwargs = {
                "run_id": self.run_id,
                "parent_run_id": self.parent_run_id,
                "tags": self.tags,
                "metadata": self.metadata,
                "name": self.name,
                **extra,
            }
        ignored = _IGNORED_BY.get(method)
        for handler in self.handlers:
            if (fn := heard_method(handler, method)) is None:
                continue  # (none, or a base handler's no-op left as it is)
            if ignored is not None and getattr(handler, ignored, False):
                continue  # LangChain's manager rule: `ignore_chain = True` hears no chain
            accepted = _accepted(type(handler), method) if hasattr(type(handler), method) else None
            kw = kwargs if accepted is None else {k: v for k, v in kwargs.items() if k in accepted}
            calls.append((handler, fn, kw))
        return calls

    def fire(self, method: str, *args: Any, **extra: Any) -> None:
        """Call `method` on every handler that has it (async ones run to completion)."""
        for handler, fn, kw in self._calls(method, extra):
            try:
                result = fn(*args, **kw)
                if result is not None and inspect.isawaitable(result):
                    run_sync(_awaited(result))
            except Exception as exc:
                _handler_failed(handler, method, exc)

    async def afire(self, method: str, *args: Any, **extra: Any) -> None:
        """`fire` from async code: async handler methods are awaited in place.

        On the portal loop (a sync `batch` of a chat model), sync methods run in a worker
        thread: the caller chose sync code, and a slow handler there would stall every
        request on that shared loop, as if the batch ran one call at a time."""
        offload: bool | None = None  # asked only for a handler that could be offloaded
        for handler, fn, kw in self._calls(method, extra):
            try:
                # A tracer that only records (`run_inline`: LangSmith, OpenTelemetry) is
                # quicker than a hop to a thread.
                if getattr(handler, "run_inline", False) or inspect.iscoroutinefunction(fn):
                    result = fn(*args, **kw)
                else:
                    if offload is None:
                        offload = on_portal()
                    if offload:
                        result = await asyncio.to_thread(fn, *args, **kw)
                    else:
                        result = fn(*args, **kw)
                if result is not None and inspect.isawaitable(result):
                    await result
            except Exception as exc:
                _handler_failed(handler, method, exc)

    # ---- custom events (dispatch_custom_event) -----------------------------------------

    def custom(self, name: str, data: Any) -> None:
        for listener in self.listeners:
            listener.on_custom(self, name, data)
        if self.handlers:
            self.fire("on_custom_event", name, data)

    async def acustom(self, name: str, data: Any) -> None:
        for listener in self.listeners:
            listener.on_custom(self, name, data)
        if self.handlers:
            await self.afire("on_custom_event", name, data)


def _handler_failed(handler: Any, method: str, exc: Exception) -> None:
    if getattr(handler, "raise_error", False):
        raise exc
    logger.warning("callback %s.%s failed: %r", type(handler).__name__, method, exc)


async def _awaited(awaitable: Any) -> Any:
    return await awaitable


class ChainRun(RunNode):
    """A run of any runnable but a chat model: chains, lambdas, prompts, parsers...

    Handlers get LangChain's `on_chain_start` / `on_chain_end` / `on_chain_error`
    (with `run_type="prompt"` / `"parser"` for those), listeners everything.
    """

    #: `style`: how LangChain's class of the runnable starts it (`TOLD_RUN_TYPE` when
    #: unset). `given`: `TOLD` once a start was told the input, else the input (None:
    #: unknown), which LangChain's end and error then tell (`inputs`).
    __slots__ = ("given", "style")
    style: int
    given: Any
    start_callback: ClassVar[str] = "on_chain_start"
    end_callback: ClassVar[str] = "on_chain_end"

    def _start_args(self, input: Any) -> tuple[tuple[Any, ...], dict[str, Any]]:
        run_type = None if self.run_type == "chain" else self.run_type
        # LangChain's chains pass no serialized form; its prompts and parsers their own.
        serialized = None if run_type is None else {"name": self.name}
        if input is UNKNOWN:  # LangChain's placeholder, in a stream that is a transform
            told = {"run_type": run_type, "defers_inputs": self._style() == DEFERS}
            return (serialized, {"input": ""}), told
        own = self._style() == OWN_START
        return (serialized, input), {} if own else {"run_type": run_type}

    def _style(self) -> int:  # set for a runnable that says (`_traced._styled`)
        return getattr(self, "style", TOLD_RUN_TYPE)

    def _end_extra(self, input: Any) -> dict[str, Any]:
        told = getattr(self, "given", TOLD) is TOLD
        return {} if told else {"inputs": None if input is UNKNOWN else input}

    def _error_extra(self) -> dict[str, Any]:
        given = getattr(self, "given", TOLD)
        return {} if given is TOLD else {"inputs": given}

    def _notify_start(self, input: Any) -> None:
        self.started = True
        self.given = None if input is UNKNOWN else TOLD
        data = {} if input is UNKNOWN else {"input": input}
        for listener in self.listeners:
            listener.on_start(self, data)

    def start(self, input: Any = UNKNOWN) -> None:
        self._notify_start(input)
        if self.handlers:
            args, extra = self._start_args(input)
            self.fire(self.start_callback, *args, **extra)

    async def astart(self, input: Any = UNKNOWN) -> None:
        self._notify_start(input)
        if self.handlers:
            args, extra = self._start_args(input)
            await self.afire(self.start_callback, *args, **extra)

    def start_before_reading(self, input: Any) -> None:
        """The start of a run LangChain begins before it reads `input` (a stream that is
        a transform there): handlers and listeners are told no input yet, as `start()`
        tells them; a tracer that records runs itself (`records_chain_runs`) is told
        `input`, what LangChain's tracer holds once the run ends."""
        for args, extra in self._told_before_reading(input):
            self.fire(self.start_callback, *args, **extra)

    async def astart_before_reading(self, input: Any) -> None:
        for args, extra in self._told_before_reading(input):
            await self.afire(self.start_callback, *args, **extra)

    def _told_before_reading(self, input: Any) -> Iterator[tuple[tuple[Any, ...], Any]]:
        """Each group of handlers in turn (`self.handlers` while it is told), and its
        start's arguments: tracers that record runs themselves `input`, the rest none."""
        self._notify_start(UNKNOWN)
        self.given, everyone = input, self.handlers
        recorders = [h for h in everyone if getattr(h, "records_chain_runs", False)]
        others = [h for h in everyone if h not in recorders]
        try:
            for self.handlers, told in ((recorders, input), (others, UNKNOWN)):
                if self.handlers:
                    yield self._start_args(told)
        finally:
            self.handlers = everyone

    def stream(self, chunk: Any) -> None:
        for listener in self.listeners:
            listener.on_stream(self, chunk)

    def _notify_end(self, output: Any, input: Any) -> None:
        data = {"output": output} if input is UNKNOWN else {"output": output, "input": input}
        for listener in self.listeners:
            listener.on_end(self, data)

    def end(self, output: Any, input: Any) -> None:
        self._notify_end(output, input)
        if self.handlers:
            self.fire(self.end_callback, output, **self._end_extra(input))

    async def aend(self, output: Any, input: Any) -> None:
        self._notify_end(output, input)
        if self.handlers:
            await self.afire(self.end_callback, output, **self._end_extra(input))


class ToolRun(ChainRun):
    """A tool's run: handlers get LangChain's `on_tool_start` (the tool's name and
    description, its arguments as text and as `inputs`), `on_tool_end` (its output, a
    `ToolMessage` when called with a tool call) and `on_tool_error`."""

    __slots__ = ("description",)
    start_callback = "on_tool_start"
    end_callback = "on_tool_end"
    error_callback = "on_tool_error"

    def __init__(self, *args: Any, description: str = "") -> None:
        super().__init__(*args)
        self.description = description

    def _start_args(self, input: Any) -> tuple[tuple[Any, ...], dict[str, Any]]:
        if isinstance(input, dict) and input.get("type") == "tool_call" and "args" in input:
            input = input["args"]  # a tool call's arguments, as LangChain's tools tell
        serialized = {"name": self.name, "description": self.description}
        text = input if isinstance(input, str) else str(input)
        return (serialized, text), {"inputs": input if isinstance(input, dict) else None}

    def _end_extra(self, input: Any) -> dict[str, Any]:
        return {}


class RecordedChainRun(ChainRun):
    """A chain run whose only listener is a tracer that records chain runs itself
    (`records_chain_runs`: no user handler, no event stream). Its start, end and error
    are told to the tracer's `chain_started(run, input)`, `chain_ended(run, output)` and
    `chain_failed(run, error)` directly, without the handler protocol's keyword building
    and per-signature filtering: the tracer reads what it needs from the run. Anything
    else (a custom event) still goes through `fire`."""

    __slots__ = ()

    def start(self, input: Any = UNKNOWN) -> None:
        self.started = True
        tracer = self.handlers[0]
        try:
            tracer.chain_started(self, input)
        except Exception as exc:
            _handler_failed(tracer, "on_chain_start", exc)

    async def astart(self, input: Any = UNKNOWN) -> None:
        self.start(input)

    def start_before_reading(self, input: Any) -> None:
        self.start(input)  # the recorded run's input: what LangChain's end tells its tracer

    async def astart_before_reading(self, input: Any) -> None:
        self.start(input)

    def end(self, output: Any, input: Any) -> None:
        tracer = self.handlers[0]
        try:
            tracer.chain_ended(self, output)
        except Exception as exc:
            _handler_failed(tracer, "on_chain_end", exc)

    async def aend(self, output: Any, input: Any) -> None:
        self.end(output, input)

    def error(self, exc: BaseException) -> None:
        tracer = self.handlers[0]
        try:
            tracer.chain_failed(self, exc)
        except Exception as failure:
            _handler_failed(tracer, "on_chain_error", failure)

    async def aerror(self, exc: BaseException) -> None:
        self.error(exc)
