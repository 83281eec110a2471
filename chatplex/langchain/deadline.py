"""The run config's `timeout` on a LangChain chat model: the whole call's deadline, as in
chatplex's own family (`chatplex.core.run_config`).

langchain-core's `ensure_config` files a key it does not know under `configurable`, and
`BaseChatModel.invoke` passes no config to `_generate`, so the deadline is read where the
call starts (`invoke`, `ainvoke`, the first piece of `stream` / `astream`) and reaches the
engine's call through a context variable: the engine then bounds every send, retry and
stream read by it, sync and async, and raises `DeadlineExceededError` (a `TimeoutError`).
LangChain's v3 streams (`stream_events(version="v3")`) start the call later, from their
pump: `DeadlineOfV3Streams` fixes the deadline when the stream is asked for and puts it in
force where the pump makes the stream's events.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from collections.abc import Iterator
from collections.abc import Mapping
from contextlib import AbstractContextManager
from contextlib import nullcontext
from contextvars import ContextVar
from typing import TYPE_CHECKING
from typing import Any
from typing import TypeVar

from langchain_core.runnables import RunnableConfig as LCRunnableConfig
from langchain_core.runnables.config import var_child_runnable_config

from ..core import Runnable
from ..core import RunnableConfig
from ..core.chunks import aclosing_iterator
from ..core.chunks import closing_iterator
from ..core.run_config import check_timeout
from ..core.run_config import passed_deadline

__all__ = [
    "DeadlineOfV3Streams",
    "adeadline_pieces",
    "deadline_pieces",
    "engine_config",
    "run_deadline",
]

T = TypeVar("T")

#: The monotonic time the current LangChain call must end by (None: unbounded).
_DEADLINE: ContextVar[float | None] = ContextVar("chatplex_langchain_deadline", default=None)

#: The config of the engine's call: LangChain reports this call to its handlers and
#: tracer itself, so process-wide tracers LangChain covers (LangSmith) skip it
#: (`chatplex.core.tracers`); copied by every call, never changed.
_INSIDE_LANGCHAIN: RunnableConfig = {"_traced_by": "langchain"}


def _timeout(config: Mapping[str, Any] | None) -> float | None:
    """The `timeout` a run config sets, at its top level or where langchain-core's
    `ensure_config` moved it (`configurable`); the enclosing run's config if none given."""
    if config is None:
        config = var_child_runnable_config.get()
        if config is None:
            return None
    timeout = config.get("timeout")
    if timeout is None:
        configurable = config.get("configurable")
        timeout = configurable.get("timeout") if configurable else None
    return check_timeout(timeout)  # as chatplex's own run config checks it


def _deadline(config: Mapping[str, Any] | None) -> float | None:
    timeout = _timeout(config)
    outer = _DEADLINE.get()
    if timeout is None:
        return outer
    deadline = time.monotonic() + timeout
    return deadline if outer is None else min(deadline, outer)


def run_deadline(config: Mapping[str, Any] | None) -> AbstractContextManager[None]:
    """Bound the call made inside by the config's `timeout` (and any enclosing one).
    (Plain context managers, not a generator's: every LangChain call enters one.)"""
    deadline = _deadline(config)
    return _UNBOUNDED if deadline is None else _Bounded(deadline)


#: A call without a deadline of its own nor an enclosing one.
_UNBOUNDED: AbstractContextManager[None] = nullcontext()


class _Bounded:
    """The deadline in force inside (`run_deadline`)."""

    __slots__ = ("deadline", "token")

    def __init__(self, deadline: float) -> None:
        self.deadline = deadline

    def __enter__(self) -> None:
        self.token = _DEADLINE.set(self.deadline)

    def __exit__(self, *exc_info: object) -> None:
        _DEADLINE.reset(self.token)


def deadline_pieces(config: Mapping[str, Any] | None, pieces: Iterator[T]) -> Iterator[T]:
    """`pieces` (a stream) under the config's deadline, fixed when the stream is asked
    for: each piece is read with it in force (the engine's stream starts at the first).
    Without a deadline, `pieces` itself: closing the stream closes LangChain's own."""
    deadline = _deadline(config)
    return pieces if deadline is None else _within(pieces, deadline)


def _within(pieces: Iterator[T], deadline: float) -> Iterator[T]:
    with closing_iterator(pieces):  # a stream left early ends LangChain's run there and then
        while True:
            token = _DEADLINE.set(deadline)
            try:
                piece = next(pieces)
            except StopIteration:
                return
            finally:
                _DEADLINE.reset(token)
            yield piece


def adeadline_pieces(
    config: Mapping[str, Any] | None, pieces: AsyncIterator[T]
) -> AsyncIterator[T]:
    """`deadline_pieces` of an async stream."""
    deadline = _deadline(config)
    return pieces if deadline is None else _awithin(pieces, deadline)


async def _awithin(pieces: AsyncIterator[T], deadline: float) -> AsyncIterator[T]:
    async with aclosing_iterator(pieces):
        while True:
            token = _DEADLINE.set(deadline)
            try:
                piece = await anext(pieces)
            except StopAsyncIteration:
                return
            finally:
                _DEADLINE.reset(token)
            yield piece


#: The deadline of each v3 stream asked for and not started yet, by its run's id.
_V3_DEADLINES: dict[Any, float] = {}


class DeadlineOfV3Streams:
    """A LangChain chat model's v3 streams under the run config's deadline, as its other
    calls: LangChain makes the stream object at once and its events later, as they are
    pulled (sync) or from a task (async), outside the frame that was given the config.
    The deadline goes by the run's id, so the stream is made and awaited as LangChain's
    own (its beta warning given where the partner's is).
    (A mixin before `BaseChatModel`: each method is LangChain's, the deadline added.)"""

    if not TYPE_CHECKING:  # (typed as LangChain's own, by its overloads)

        def stream_events(self, input, config=None, *, version="v2", **kwargs):
            config = _run_with_deadline(config) if version == "v3" else config
            return super().stream_events(input, config, version=version, **kwargs)

        def astream_events(self, input, config=None, *, version="v2", **kwargs):
            config = _run_with_deadline(config) if version == "v3" else config
            return super().astream_events(input, config, version=version, **kwargs)

    def _iter_v2_events(self, messages: Any, *, run_manager: Any, **kwargs: Any) -> Iterator[Any]:
        events = super()._iter_v2_events(messages, run_manager=run_manager, **kwargs)  # type: ignore[misc]
        deadline = _V3_DEADLINES.pop(run_manager.run_id, None)
        return events if deadline is None else _within(events, deadline)

    def _aiter_v2_events(
        self, messages: Any, *, run_manager: Any, **kwargs: Any
    ) -> AsyncIterator[Any]:
        events = super()._aiter_v2_events(messages, run_manager=run_manager, **kwargs)  # type: ignore[misc]
        deadline = _V3_DEADLINES.pop(run_manager.run_id, None)
        return events if deadline is None else _awithin(events, deadline)


def _run_with_deadline(config: LCRunnableConfig | None) -> LCRunnableConfig | None:
    """`config` naming its run's id (drawn here as LangChain draws it, unless given), that
    run's deadline kept for its pump: fixed now, when the stream is asked for. Deadlines
    of streams never started are dropped once they have passed."""
    deadline = _deadline(config)
    if deadline is None:
        return config
    from langchain_core.utils.uuid import uuid7  # (langchain-core 1.8 and up, as v3)

    config = LCRunnableConfig(**(config or {}))
    run_id = config.get("run_id") or uuid7()
    config["run_id"] = run_id
    now = time.monotonic()
    for stale, passed in list(_V3_DEADLINES.items()):
        if passed <= now:
            _V3_DEADLINES.pop(stale, None)
    _V3_DEADLINES[run_id] = deadline
    return config


def engine_config(engine: Runnable[Any, Any]) -> RunnableConfig:
    """The config of `engine`'s call: LangChain's marker, and what is left of the
    LangChain call's deadline as the engine's own `timeout` (none left: the error the
    engine raises when its deadline passes)."""
    deadline = _DEADLINE.get()
    if deadline is None:
        return _INSIDE_LANGCHAIN
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise engine._deadline_error(passed_deadline(), _INSIDE_LANGCHAIN)
    return {"_traced_by": "langchain", "timeout": remaining}
