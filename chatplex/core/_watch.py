"""What `astream_events` and `astream_log` share: the runnable they watch (`Watched`),
the filters, attaching a listener to a config, and the producer/consumer queue that
yields while the call runs.

The watched call runs as a task that pushes into a deque; the iterator sleeps only when
the deque is empty, so a burst of events costs one wake-up, not one per event.
"""

from __future__ import annotations

import asyncio
import threading
from collections import deque
from collections.abc import AsyncIterator
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Sequence
from typing import Any
from typing import NamedTuple
from typing import Protocol
from typing import TypeVar

from .run_config import RunnableConfig
from .run_config import current_config
from .run_config import merge_configs
from .runs import RunListener
from .runs import RunNode

__all__ = [
    "DONE",
    "AsyncChannel",
    "FILTER_NAMES",
    "EventFilter",
    "Failed",
    "Filters",
    "Watched",
    "WatchedCall",
    "drain",
    "finished",
    "watch_config",
]

Listener = TypeVar("Listener", bound=RunListener)


class Watched(Protocol):
    """What the watchers call on the runnable they watch (`base.Runnable` has it): its
    streams and its runs' name. `Runnable` reaches the watchers, so they do not import it."""

    def stream(
        self, input: Any, config: RunnableConfig | None = None, **kwargs: Any
    ) -> Iterator[Any]: ...

    def astream(
        self, input: Any, config: RunnableConfig | None = None, **kwargs: Any
    ) -> AsyncIterator[Any]: ...

    def _run_name(self) -> str: ...


#: The six filters of `astream_events` / `astream_log`, in the order their signatures
#: list them (a `Filters` tuple holds their values in this order).
FILTER_NAMES = (
    "include_names",
    "include_types",
    "include_tags",
    "exclude_names",
    "exclude_types",
    "exclude_tags",
)
Filters = tuple[Sequence[str] | None, ...]


class WatchedCall(NamedTuple):
    """The call an event stream or a run log watches: `runnable.astream(input, config,
    **kwargs)` (or `stream`), and the `Filters` of what it reports."""

    runnable: Watched
    input: Any
    config: RunnableConfig | None
    filters: Filters
    kwargs: dict[str, Any]

    def stream(self, config: RunnableConfig) -> Iterator[Any]:
        return self.runnable.stream(self.input, config, **self.kwargs)

    def astream(self, config: RunnableConfig) -> AsyncIterator[Any]:
        return self.runnable.astream(self.input, config, **self.kwargs)


class EventFilter:
    """LangChain's rule: kept if no include filter is given or it matches any include
    (name, type, or any tag); then dropped if it matches any exclude. Built from a
    `Filters` tuple (`FILTER_NAMES`' order; those left off are None)."""

    __slots__ = ("exclude", "include")

    def __init__(self, filters: Filters = ()) -> None:
        given = dict(zip(FILTER_NAMES, filters, strict=False))
        sets = tuple(_as_set(given.get(name), name) for name in FILTER_NAMES)
        self.include, self.exclude = sets[:3], sets[3:]

    def keep(self, name: str, type_: str, tags: Sequence[str]) -> bool:
        no_include = all(s is None for s in self.include)
        included = no_include or _matches(self.include, name, type_, tags)
        return included and not _matches(self.exclude, name, type_, tags)


def _matches(
    sets: tuple[frozenset[str] | None, ...], name: str, type_: str, tags: Sequence[str]
) -> bool:
    """Whether a run matches any of one side's (names, types, tags) sets."""
    names, types, tag_set = sets
    return (
        (names is not None and name in names)
        or (types is not None and type_ in types)
        or (tag_set is not None and any(t in tag_set for t in tags))
    )


def _as_set(values: Sequence[str] | None, what: str) -> frozenset[str] | None:
    if values is None:
        return None
    if isinstance(values, str):  # a lone name would otherwise match its letters
        raise TypeError(f"{what} must be a list of strings, got the string {values!r}")
    return frozenset(values)


def watch_config(
    config: RunnableConfig | None, make_listener: Callable[[RunNode | None], Listener]
) -> tuple[RunnableConfig, Listener]:
    """A copy of `config` with a listener added to its callbacks, and the listener
    (`make_listener(the run the call nests under)`).

    The config is not prepared here (`timeout` stays a timeout), so the watched call
    applies its deadline exactly as an unwatched one would."""
    cfg: dict[str, Any] = dict(config or {})
    ambient = current_config().get()
    effective = merge_configs(ambient, cfg) if ambient else cfg
    listener = make_listener(effective.get("_parent_run"))
    callbacks = cfg.get("callbacks")
    if callbacks is None:
        cfg["callbacks"] = [listener]
    elif isinstance(callbacks, (list, tuple)):
        cfg["callbacks"] = [*callbacks, listener]
    else:  # one handler object, or a LangChain CallbackManager
        cfg["callbacks"] = [callbacks, listener]
    return cfg, listener  # type: ignore[return-value]


class Failed:
    __slots__ = ("error",)

    def __init__(self, error: BaseException) -> None:
        self.error = error


DONE: Any = object()


def finished(item: Any) -> bool:
    """Whether the producer is through: True at `DONE`; a `Failed` raises its error.
    What each consumer (the async `drain`, the sync event thread's) asks of an item."""
    if item is DONE:
        return True
    if type(item) is Failed:
        raise item.error
    return False


# ---- async: a producer task and a queue the iterator drains ----------------------------


class AsyncChannel:
    """A deque the producer appends to; the consumer sleeps only when it is empty.

    Pushes may come from other threads (a sync step run in a thread pool, the portal
    loop): those wake the consumer through `call_soon_threadsafe`."""

    __slots__ = ("items", "loop", "thread", "waiter")

    loop: asyncio.AbstractEventLoop  # set by `drain`, in the loop that consumes
    thread: int

    def __init__(self) -> None:
        self.items: deque[Any] = deque()
        self.waiter: asyncio.Future[None] | None = None

    def push(self, item: Any) -> None:
        self.items.append(item)
        waiter = self.waiter
        if waiter is not None:
            self.waiter = None
            if threading.get_ident() == self.thread:
                _wake(waiter)
            else:
                self.loop.call_soon_threadsafe(_wake, waiter)

    async def wait(self) -> None:
        """Return once there is an item."""
        while not self.items:
            waiter = self.loop.create_future()
            self.waiter = waiter
            if self.items:  # pushed from another thread before it could see the waiter
                self.waiter = None
                return
            await waiter


def _wake(waiter: asyncio.Future[None]) -> None:
    if not waiter.done():
        waiter.set_result(None)


async def drain(
    channel: AsyncChannel, produce: Callable[[], Any], listener: RunListener
) -> AsyncIterator[Any]:
    """Run `produce()` (an async function that ends by pushing `DONE` or a `Failed`)
    as a task and yield what it pushes; closing the iterator cancels it, with
    `listener` marked abandoned first (the cancellation is no error of the call's)."""
    channel.loop = asyncio.get_running_loop()
    channel.thread = threading.get_ident()
    task = asyncio.ensure_future(produce())  # runs in a copy of the caller's context
    items = channel.items
    try:
        while True:
            if not items:
                await channel.wait()
            item = items.popleft()
            if finished(item):
                return
            yield item
    finally:
        if not task.done():
            listener.abandoned = True
            task.cancel()
        await asyncio.gather(task, return_exceptions=True)
