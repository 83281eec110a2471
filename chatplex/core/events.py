"""Event streams: `astream_events` / `stream_events` in LangChain's v2 shape, and custom
events.

Every step of a call reports its start, its output pieces and its end as a plain dict::

    {"event": "on_chat_model_stream", "data": {"chunk": AIMessageChunk(content="Hi")},
     "name": "ChatModel", "tags": ["seq:step:2"], "run_id": "5c0f…",
     "metadata": {}, "parent_ids": ["9a1e…"]}

- `event`: `on_{type}_{start,stream,end}` with type `chain` (sequences, maps, lambdas,
  passthroughs), `prompt`, `parser`, `chat_model` (or a custom runnable's `_run_type`,
  e.g. `tool`, `retriever`), and `on_custom_event` for `dispatch_custom_event`.
- `run_id`: a UUID string per step; `parent_ids`: the enclosing steps' run ids, from the
  root (the runnable you called) to the immediate parent; `[]` for the root.
- `tags` / `metadata`: from the config and `with_config`, inherited by every descendant;
  a sequence's step also gets `seq:step:N`, a map's branch `map:key:K` (its own only).
- `name`: `run_name` from the config if set, else the runnable's name.
- `data`: starts carry `{"input": ...}` (`{}` for a step whose input is still
  streaming in), a chat model's `{"input": {"messages": [[...]]}}`; streams carry
  `{"chunk": ...}`; ends carry `{"output": ...}` (a streamed model's merged message)
  and, except at the root, the whole `input`.
- Errors: a failing step and each enclosing step report `on_{type}_error` with
  `{"error": exc}` and no end; the iterator then raises the original exception. (LangChain
  emits no error events; consumers that ignore unknown events see the same stream.)

Events are yielded as they happen: a model token reaches the consumer before the next one
is read. Events share their `tags`/`metadata` lists with the run: treat them as read-only.

>>> import asyncio
>>> from chatplex import FakeChatModel
>>> async def watch():
...     model = FakeChatModel(responses=["Hi there"])
...     return [e["event"] async for e in model.astream_events("hello")]
>>> asyncio.run(watch())
['on_chat_model_start', 'on_chat_model_stream', 'on_chat_model_stream', 'on_chat_model_end']
"""

from __future__ import annotations

import asyncio
import contextvars
import queue
import threading
import warnings
from collections.abc import AsyncIterator
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import KW_ONLY
from dataclasses import dataclass
from typing import Any
from typing import TypedDict

from ._watch import DONE
from ._watch import AsyncChannel
from ._watch import EventFilter
from ._watch import Failed
from ._watch import WatchedCall
from ._watch import drain
from ._watch import finished
from ._watch import watch_config
from .run_config import RunnableConfig
from .run_config import current_config
from .runs import RunListener
from .runs import RunNode

__all__ = [
    "StreamEvent",
    "adispatch_custom_event",
    "astream_events",
    "dispatch_custom_event",
    "stream_events",
]


class StreamEvent(TypedDict):
    """One event of `astream_events` / `stream_events` (LangChain's v2 `StreamEvent`)."""

    event: str
    data: Any
    name: str
    tags: list[str]
    run_id: str
    metadata: dict[str, Any]
    parent_ids: list[str]


# ---- the listener: run tree → event dicts ----------------------------------------------

_NAMES: dict[str, tuple[str, str, str, str]] = {}


def _names(run_type: str) -> tuple[str, str, str, str]:
    names = _NAMES.get(run_type)
    if names is None:
        prefix = f"on_{run_type}"
        names = _NAMES[run_type] = (
            f"{prefix}_start",
            f"{prefix}_stream",
            f"{prefix}_end",
            f"{prefix}_error",
        )
    return names


@dataclass(eq=False, repr=False)  # a listener is itself, not its fields
class EventListener(RunListener):
    """Turns run-tree notifications into `StreamEvent` dicts and hands them to `push`.

    `outer` is the run the watched call nests under (None at top level): `parent_ids`
    are reported from the watched call's own run down, as LangChain does. `v1`: the
    deprecated version's shapes where a script can tell (`_v1_output`). `given`: the
    watched call's input, which its own start carries even when the run starts before
    reading it (as LangChain puts it there).
    """

    push: Callable[[Any], None]
    filter: EventFilter
    outer: RunNode | None
    _: KW_ONLY
    v1: bool = False
    given: Any = None

    def __post_init__(self) -> None:
        outer = self.outer
        self.depth = 0 if outer is None else len(outer.parent_ids) + 1
        # run -> (its parent_ids as reported, its event names); absent when filtered out.
        self.kept: dict[RunNode, tuple[list[str], tuple[str, str, str, str]]] = {}

    def _event(self, run: RunNode, event: str, data: Any, parent_ids: list[str]) -> StreamEvent:
        return {
            "event": event,
            "data": data,
            "name": run.name,
            "tags": run.tags,
            "run_id": run.id,
            "metadata": run.metadata,
            "parent_ids": parent_ids,
        }

    def on_start(self, run: RunNode, data: dict[str, Any]) -> None:
        if self.filter.keep(run.name, run.run_type, run.tags):
            if run.run_type == "chat_model":
                data = _model_start_data(data)
            elif "input" not in data and run.parent is self.outer:
                data = {"input": self.given}
            parent_ids = list(run.parent_ids[self.depth :])
            names = _names(run.run_type)
            self.kept[run] = (parent_ids, names)
            self.push(self._event(run, names[0], data, parent_ids))

    def on_stream(self, run: RunNode, chunk: Any) -> None:
        # The per-token path: one lookup, one dict, one append.
        kept = self.kept.get(run)
        if kept is not None:
            self.push(
                {
                    "event": kept[1][1],
                    "data": {"chunk": chunk},
                    "name": run.name,
                    "tags": run.tags,
                    "run_id": run.id,
                    "metadata": run.metadata,
                    "parent_ids": kept[0],
                }
            )

    def on_end(self, run: RunNode, data: dict[str, Any]) -> None:
        kept = self.kept.pop(run, None)
        if kept is not None:
            if run.parent is self.outer:  # the root: LangChain reports its output only
                data = {"output": data["output"]}
            if self.v1:
                data = _v1_output(run, data)
            self.push(self._event(run, kept[1][2], data, kept[0]))

    def on_error(self, run: RunNode, error: BaseException) -> None:
        kept = self.kept.pop(run, None)
        if kept is not None:
            self.push(self._event(run, kept[1][3], {"error": error}, kept[0]))

    def on_custom(self, run: RunNode, name: str, data: Any) -> None:
        # As in LangChain: named after the event, filtered by that name (as name and
        # as type) and the tags the dispatching run passes on, under that run's parents.
        tags = run.inherited_tags
        if self.filter.keep(name, name, tags):
            parent_ids = list(run.parent_ids[self.depth :])
            event = self._event(run, "on_custom_event", data, parent_ids)
            event["name"] = name
            event["tags"] = tags
            self.push(event)


def _model_start_data(data: dict[str, Any]) -> dict[str, Any]:
    """A chat model's start as LangChain reports it: the messages it was given, as one
    list in a batch of one. (A foreign model's run is told its raw input: a prompt value.)"""
    to_messages = getattr(data.get("input"), "to_messages", None)
    if callable(to_messages):
        return {**data, "input": {"messages": [to_messages()]}}
    return data


def _v1_output(run: RunNode, data: dict[str, Any]) -> dict[str, Any]:
    """An end event's data as LangChain's v1 reports it: v1 reads outputs off its run
    tree, where a retriever's output is `{"documents": [...]}`."""
    if run.run_type == "retriever":
        return {**data, "output": {"documents": data["output"]}}
    return data


def _check_version(version: str) -> None:
    if version == "v2":
        return
    if version == "v1":
        warnings.warn(
            "astream_events(version='v1') is deprecated: chatplex yields the v2 events "
            "for it (a retriever's output as v1 shapes it); pass version='v2'",
            DeprecationWarning,
            stacklevel=4,  # the caller of Runnable.astream_events
        )
        return
    raise ValueError(
        f"version must be 'v2' ('v3' on a chat model, or the deprecated 'v1'), got {version!r}"
    )


def astream_events(call: WatchedCall, version: str) -> AsyncIterator[StreamEvent]:
    """`runnable.astream(input, config)`, observed: yields its `StreamEvent`s.

    A bad `version` raises here, before anything runs; `"v1"` warns and yields the same
    events, but for a retriever's output (`{"documents": [...]}`, as v1 has it). If the
    call fails, the events so far are yielded, then its exception raised.
    """
    _check_version(version)
    event_filter, v1 = EventFilter(call.filters), version == "v1"
    channel = AsyncChannel()
    cfg, listener = watch_config(
        call.config,
        lambda outer: EventListener(channel.push, event_filter, outer, v1=v1, given=call.input),
    )

    async def produce() -> None:
        try:
            async for _ in call.astream(cfg):
                pass  # the root's pieces reach the channel as its stream events
        except asyncio.CancelledError:
            raise  # the consumer went away
        except BaseException as exc:  # noqa: BLE001 - re-raised by the consumer
            channel.push(Failed(exc))
        else:
            channel.push(DONE)

    return drain(channel, produce, listener)


# ---- sync: a producer thread and a queue -----------------------------------------------


class _SyncListener(EventListener):
    """Stops the producer at its next start or piece once the consumer left; its
    `interrupter` lets chat models' blocking reads be cut short (see `core/interrupt.py`)."""

    def __post_init__(self) -> None:
        from .interrupt import Interrupter

        super().__post_init__()
        self.interrupter = Interrupter()

    def on_start(self, run: RunNode, data: dict[str, Any]) -> None:
        self.interrupter.check()
        super().on_start(run, data)

    def on_stream(self, run: RunNode, chunk: Any) -> None:
        self.interrupter.check()
        super().on_stream(run, chunk)


def stream_events(call: WatchedCall, version: str) -> Iterator[StreamEvent]:
    """`astream_events` for sync code: the call runs `runnable.stream` in a worker thread
    (so events arrive while it runs) and the iterator yields its events.

    Closing the iterator early (`break` in a `with contextlib.closing(...)` block, or
    `.close()`) stops the call at once -- a chat model's HTTP stream is cut, its
    connection released -- and joins the thread before returning; handlers hear no
    error for it."""
    _check_version(version)
    return _stream_events(call, EventFilter(call.filters), version == "v1")


def _stream_events(call: WatchedCall, event_filter: EventFilter, v1: bool) -> Iterator[StreamEvent]:
    out: queue.SimpleQueue[Any] = queue.SimpleQueue()
    cfg, watcher = watch_config(
        call.config,
        lambda outer: _SyncListener(out.put, event_filter, outer, v1=v1, given=call.input),
    )

    def produce() -> None:
        from .interrupt import interrupting

        try:
            # (the shared client's reads check it too: the wait for a reply's head)
            with interrupting(watcher.interrupter):
                for _ in call.stream(cfg):
                    pass
        except BaseException as exc:  # noqa: BLE001 - re-raised by the consumer
            if not watcher.abandoned:  # else the stop signal, or what it caused
                out.put(Failed(exc))
        else:
            out.put(DONE)

    ctx = contextvars.copy_context()  # the ambient config and other contextvars go along
    thread = threading.Thread(
        target=ctx.run, args=(produce,), name="chatplex-stream-events", daemon=True
    )
    thread.start()
    try:
        while True:
            item = out.get()
            if finished(item):
                return
            yield item
    finally:
        if thread.is_alive():
            # The consumer left early (or is being interrupted): stop the call where it
            # waits -- its next step, a backoff, a socket read -- and wait for the thread,
            # so nothing runs on unobserved and its connection is back in the pool.
            watcher.abandoned = True
            watcher.interrupter.stop()
        thread.join()


# ---- custom events ---------------------------------------------------------------------


def _dispatching_run(name: str, config: RunnableConfig | None) -> RunNode | None:
    if not isinstance(name, str):
        raise TypeError(f"a custom event's name must be a str, got {type(name).__name__}")
    cfg = config if config is not None else current_config().get()
    if cfg is None:
        raise RuntimeError(
            "dispatch_custom_event() must be called inside a runnable (e.g. the function "
            "of a RunnableLambda), or be given that runnable's config"
        )
    run: RunNode | None = cfg.get("_parent_run")
    return run


def dispatch_custom_event(name: str, data: Any, *, config: RunnableConfig | None = None) -> None:
    """Report `on_custom_event` with this name and data from inside a runnable.

    Event streams watching the call yield it (under the runnable it was called in), and
    handlers with `on_custom_event(name, data, run_id=..., ...)` receive it. With nobody
    watching it costs nothing. Outside any runnable it raises `RuntimeError`.

    Examples:
        >>> from chatplex import RunnableLambda
        >>> def step(x: int) -> int:
        ...     dispatch_custom_event("progress", {"done": x})
        ...     return x
        >>> events = RunnableLambda(step).stream_events(3)
        >>> data = [e["data"] for e in events if e["event"] == "on_custom_event"]
        >>> data
        [{'done': 3}]
    """
    run = _dispatching_run(name, config)
    if run is not None:
        run.custom(name, data)


async def adispatch_custom_event(
    name: str, data: Any, *, config: RunnableConfig | None = None
) -> None:
    """`dispatch_custom_event` for async code: async handler methods are awaited.

    Examples:
        >>> import asyncio
        >>> from chatplex import RunnableLambda
        >>> async def step(x: int) -> int:
        ...     await adispatch_custom_event("progress", {"done": x})
        ...     return x
        >>> async def main() -> list:
        ...     events = RunnableLambda(step).astream_events(3)
        ...     return [e["data"] async for e in events if e["event"] == "on_custom_event"]
        >>> asyncio.run(main())
        [{'done': 3}]
    """
    run = _dispatching_run(name, config)
    if run is not None:
        await run.acustom(name, data)
