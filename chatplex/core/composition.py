"""Composition: `a | b` sequences and `{"k": runnable}` parallel maps.

A sequence streams end to end: the first step's stream feeds each later step's
`transform`, so `prompt | model | StrOutputParser()` yields text as the model yields
tokens. A sequence's `batch` batches each step in turn, so a model step gets the whole
batch (and its efficient batch path) rather than one call per thread.
"""

from __future__ import annotations

import asyncio
import collections
import contextvars
import queue
import sys
import threading
from collections.abc import AsyncIterator
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from concurrent.futures import Future
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from ..errors import DeadlineExceededError
from ._introspection import indented_after_first
from .base import Input
from .base import Output
from .base import Runnable
from .batch_forwarding import BatchForwarding
from .batch_forwarding import BatchPlan
from .batch_forwarding import BatchTarget
from .batching import Batch
from .chunks import AddableDict
from .chunks import aiter_one
from .deadline_errors import deadline_error_of_one
from .foreign import ForeignRunnable
from .foreign import is_foreign_runnable
from .lambdas import RunnableGenerator
from .lambdas import RunnableLambda
from .lambdas import is_stream_transformer
from .run_config import RunnableConfig
from .run_config import check_deadline
from .run_config import child_config
from .runs import OWN_START

__all__ = ["RunnableParallel", "RunnableSequence", "coerce_to_runnable"]


def coerce_to_runnable(thing: Any) -> Runnable[Any, Any]:
    """A Runnable as is; another library's runnable (anything with `invoke`, `ainvoke`,
    `stream`, `astream`, `batch`, `abatch`) → `ForeignRunnable`; a dict →
    `RunnableParallel`; a callable → a lambda."""
    if isinstance(thing, Runnable):
        return thing
    if isinstance(thing, Mapping):
        return RunnableParallel(dict(thing))
    if is_foreign_runnable(thing):  # before `callable`: some are callable too
        return ForeignRunnable(thing)
    if callable(thing):
        if is_stream_transformer(thing):
            return RunnableGenerator(thing)
        return RunnableLambda(thing)
    raise TypeError(
        f"cannot compose {type(thing).__name__}: expected a Runnable (or an object with "
        "invoke/ainvoke/stream/astream/batch/abatch), a callable or a dict"
    )


class RunnableSequence(BatchForwarding[Input, Output]):
    """Steps run one after another, each getting the previous step's output."""

    _starts_on_first_piece = True  # LangChain's sequence streams as a transform
    _run_start_style = OWN_START  # LangChain's sequence starts its own run

    steps: list[Runnable[Any, Any]]

    def __init__(
        self,
        *steps: Runnable[Any, Any],
        name: str | None = None,
        first: Runnable[Any, Any] | None = None,
        middle: list[Runnable[Any, Any]] | None = None,
        last: Runnable[Any, Any] | None = None,
    ) -> None:
        """`steps`, or (as LangChain's fields) `first`, `middle` and `last` where no
        step is given."""
        if not steps and first is not None and last is not None:
            steps = (first, *(middle or ()), last)
        flat: list[Runnable[Any, Any]] = []
        for step in steps:
            if isinstance(step, RunnableSequence) and step.name is None:
                flat.extend(step.steps)
            else:
                flat.append(coerce_to_runnable(step))
        if len(flat) < 2:
            raise ValueError("a sequence needs at least two steps")
        self.steps = flat
        self.name = name

    @property
    def first(self) -> Runnable[Any, Any]:
        return self.steps[0]

    @property
    def middle(self) -> list[Runnable[Any, Any]]:
        return self.steps[1:-1]

    @property
    def last(self) -> Runnable[Any, Any]:
        return self.steps[-1]

    def __repr__(self) -> str:
        """Its steps, one per line after `| `, as LangChain prints a chain."""
        first, *rest = map(repr, self.steps)
        return "\n| ".join([first, *(indented_after_first(step, "| ") for step in rest)])

    def _step_config(self, config: RunnableConfig, index: int) -> RunnableConfig:
        return child_config(config, tag=f"seq:step:{index + 1}")

    def _deadline_error(self, err: DeadlineExceededError, config: RunnableConfig) -> BaseException:
        # A chain of one model (`prompt | model | parser`, with_structured_output's) raises
        # that model's class, as its wire does on the sync path.
        return deadline_error_of_one(self.steps, err, config)

    def _invoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        value = input
        for i, step in enumerate(self.steps):
            check_deadline(config)
            value = step.invoke(value, self._step_config(config, i))
        return value

    async def _ainvoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        value = input
        for i, step in enumerate(self.steps):
            value = await step.ainvoke(value, self._step_config(config, i))
        return value

    def _stream(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Iterator[Any]:
        return self._transform(iter([input]), config)

    def _transform(
        self, chunks: Iterator[Any], config: RunnableConfig, **kwargs: Any
    ) -> Iterator[Any]:
        return self._through_steps("transform", chunks, config)  # type: ignore[no-any-return]

    def _astream(self, input: Any, config: RunnableConfig, **kwargs: Any) -> AsyncIterator[Any]:
        return self._atransform(aiter_one(input), config)

    def _atransform(
        self, chunks: AsyncIterator[Any], config: RunnableConfig, **kwargs: Any
    ) -> AsyncIterator[Any]:
        return self._through_steps("atransform", chunks, config)  # type: ignore[no-any-return]

    def _through_steps(self, method: str, stream: Any, config: RunnableConfig) -> Any:
        """`stream` through each step's `method` (`transform` or `atransform`) in turn."""
        for i, step in enumerate(self.steps):
            stream = getattr(step, method)(stream, self._step_config(config, i))
        return stream

    def _batch_plan(self, batch: Batch) -> BatchPlan:
        """Batch each step over the inputs still alive (with no call keywords, as in
        `_invoke`); failed inputs keep their exception."""
        results, configs = list(batch.inputs), batch.configs
        alive = list(range(len(results)))
        for i, step in enumerate(self.steps):
            if not alive:
                break
            step_configs = [self._step_config(configs[j], i) for j in alive]
            outs = yield BatchTarget(step, [results[j] for j in alive], step_configs, {})
            for j, out in zip(alive, outs, strict=True):
                results[j] = out
            alive = [j for j in alive if not isinstance(results[j], BaseException)]
        return results


class RunnableParallel(Runnable[Input, dict[str, Any]]):
    """Run several runnables on the same input; the output is a dict of their outputs.

    Examples:
        >>> RunnableParallel(a=lambda x: x + 1, b=lambda x: x * 2).invoke(3)
        {'a': 4, 'b': 6}
    """

    _starts_on_first_piece = True  # LangChain's map streams as a transform
    _run_start_style = OWN_START  # LangChain's map starts its own run

    def __init__(self, steps: Mapping[str, Any] | None = None, /, **kwargs: Any) -> None:
        merged = {**(steps or {}), **kwargs}
        self.steps: dict[str, Runnable[Any, Any]] = {
            key: coerce_to_runnable(value) for key, value in merged.items()
        }

    @property
    def steps__(self) -> dict[str, Runnable[Any, Any]]:
        """The branches under LangChain's field name (`RunnableParallel.steps__`)."""
        return self.steps

    def _base_name(self) -> str:
        # LangChain's name for a map, which event and log filters may rely on.
        return self.name or f"RunnableParallel<{','.join(self.steps)}>"

    def __repr__(self) -> str:
        """`{key: step, ...}`, a key per line, as LangChain prints a map."""
        keyed = (
            f"{key}: {indented_after_first(repr(step), f'  {key}: ')}"
            for key, step in self.steps.items()
        )
        return "{\n  " + ",\n  ".join(keyed) + "\n}"

    def _deadline_error(self, err: DeadlineExceededError, config: RunnableConfig) -> BaseException:
        # A map with one model among its branches raises that model's class, as a chain.
        return deadline_error_of_one(list(self.steps.values()), err, config)

    def _branch_config(self, config: RunnableConfig, key: str) -> RunnableConfig:
        return child_config(config, tag=f"map:key:{key}")

    def _threads(self, config: RunnableConfig) -> int:
        """A thread per branch, at most the config's `max_concurrency` (LangChain's
        executor for a map's sync calls is bounded so too)."""
        return max(1, min(len(self.steps), config.get("max_concurrency") or len(self.steps)))

    def _invoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> dict[str, Any]:
        if len(self.steps) == 1:
            key, step = next(iter(self.steps.items()))
            return {key: step.invoke(input, self._branch_config(config, key))}
        # Branches may block on I/O; a thread each lets them overlap.
        with ThreadPoolExecutor(max_workers=self._threads(config)) as pool:
            futures = {
                key: _submit(pool, step.invoke, input, self._branch_config(config, key))
                for key, step in self.steps.items()
            }
            return {key: future.result() for key, future in futures.items()}

    async def _ainvoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> dict[str, Any]:
        keys = list(self.steps)
        results = await _gather_or_cancel(
            [self.steps[k].ainvoke(input, self._branch_config(config, k)) for k in keys]
        )
        return dict(zip(keys, results, strict=True))

    def _stream(
        self, input: Any, config: RunnableConfig, **kwargs: Any
    ) -> Iterator[dict[str, Any]]:
        """Yield `{key: piece}` as each branch streams, branches interleaved."""
        return self._pumped(lambda step, cfg: step.stream(input, cfg), config)

    def _transform(
        self, chunks: Iterator[Any], config: RunnableConfig, **kwargs: Any
    ) -> Iterator[dict[str, Any]]:
        """As LangChain's map: each branch transforms the input stream as it comes (a
        passthrough branch yields every piece); a single piece is streamed as above."""
        first, second = next(chunks, _DONE), next(chunks, _DONE)
        if second is _DONE:
            yield from (
                super()._transform(iter(()), config)
                if first is _DONE
                else self._stream(first, config)
            )
            return
        shared = _SharedInput([first, second], chunks, len(self.steps))
        yield from self._pumped(lambda step, cfg: step.transform(shared.reader(), cfg), config)

    def _pumped(
        self,
        open_branch: Callable[[Runnable[Any, Any], RunnableConfig], Iterator[Any]],
        config: RunnableConfig,
    ) -> Iterator[dict[str, Any]]:
        out: queue.Queue[tuple[str, Any, bool]] = queue.Queue()
        room = threading.Semaphore(_AHEAD)
        stop = threading.Event()

        def pump(key: str, step: Runnable[Any, Any]) -> None:
            try:
                for piece in open_branch(step, self._branch_config(config, key)):
                    room.acquire()
                    if stop.is_set():
                        return
                    out.put((key, piece, False))
            except BaseException as exc:  # noqa: BLE001 - re-raised in the consumer
                out.put((key, exc, True))
            finally:
                out.put((key, _DONE, False))

        with ThreadPoolExecutor(max_workers=self._threads(config)) as pool:
            for key, step in self.steps.items():
                _submit(pool, pump, key, step)
            branches = _Branches(len(self.steps))
            try:
                while branches.running:
                    if (piece := branches.piece(out.get())) is not None:
                        room.release()
                        yield piece
            finally:
                stop.set()
                for _ in self.steps:
                    room.release()  # a pump waiting for room wakes to see the stop

    def _astream(
        self, input: Any, config: RunnableConfig, **kwargs: Any
    ) -> AsyncIterator[dict[str, Any]]:
        return self._apumped(lambda step, cfg: step.astream(input, cfg), config)

    async def _atransform(
        self, chunks: AsyncIterator[Any], config: RunnableConfig, **kwargs: Any
    ) -> AsyncIterator[dict[str, Any]]:
        first, second = await anext(chunks, _DONE), await anext(chunks, _DONE)
        if second is _DONE:
            pieces = (
                super()._atransform(_none(), config)
                if first is _DONE
                else self._astream(first, config)
            )
            async for piece in pieces:
                yield piece
            return
        shared = _SharedInput([first, second], chunks, len(self.steps))
        opened = self._apumped(lambda step, cfg: step.atransform(shared.areader(), cfg), config)
        async for piece in opened:
            yield piece

    async def _apumped(
        self,
        open_branch: Callable[[Runnable[Any, Any], RunnableConfig], AsyncIterator[Any]],
        config: RunnableConfig,
    ) -> AsyncIterator[dict[str, Any]]:
        out: asyncio.Queue[tuple[str, Any, bool]] = asyncio.Queue()
        # As LangChain's map: a branch is asked for its next piece once the one before has
        # gone on (so its run ends after its last piece went on, as there).
        turns = {key: asyncio.Semaphore(0) for key in self.steps}

        async def pump(key: str, step: Runnable[Any, Any]) -> None:
            try:
                async for piece in open_branch(step, self._branch_config(config, key)):
                    out.put_nowait((key, piece, False))
                    await turns[key].acquire()
            except BaseException as exc:  # noqa: BLE001 - re-raised in the consumer
                # Any failure, as in the sync pump: a BaseException left in the task
                # would be dropped and the map would end as if the branch had finished.
                out.put_nowait((key, exc, True))
                if not isinstance(exc, Exception):
                    raise
            finally:
                out.put_nowait((key, _DONE, False))

        tasks = [asyncio.ensure_future(pump(k, s)) for k, s in self.steps.items()]
        branches = _Branches(len(tasks))
        try:
            while branches.running:
                item = await out.get()
                if (piece := branches.piece(item)) is not None:
                    yield piece
                    turns[item[0]].release()
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    def _batch(self, batch: Batch) -> list[Any]:
        # Each branch batches all inputs (a model branch uses its own batch path).
        def branch(key: str) -> list[Any]:
            cfgs = [self._branch_config(c, key) for c in batch.configs]
            return self.steps[key].batch(
                batch.inputs, cfgs, return_exceptions=batch.return_exceptions
            )

        threads = self._threads(batch.configs[0] if batch.configs else {})
        with ThreadPoolExecutor(max_workers=threads) as pool:
            futures = {k: _submit(pool, branch, k) for k in self.steps}
            columns = {k: f.result() for k, f in futures.items()}
        return _rows(columns, len(batch.inputs))

    async def _abatch(self, batch: Batch) -> list[Any]:
        keys = list(self.steps)
        columns = await _gather_or_cancel(
            [
                self.steps[k].abatch(
                    batch.inputs,
                    [self._branch_config(c, k) for c in batch.configs],
                    return_exceptions=batch.return_exceptions,
                )
                for k in keys
            ]
        )
        return _rows(dict(zip(keys, columns, strict=True)), len(batch.inputs))


_DONE: Any = object()
#: How many pieces a map's branches streamed in threads may have made that its consumer has
#: not yet taken: past it they wait, so a slow consumer bounds what is held.
_AHEAD = 64


class _SharedInput:
    """One input stream read by every branch of a map, each at its own pace (a tee safe
    across the branches' threads): each piece is pulled once, under a lock, and kept
    until every branch has read it (or closed its reader), so what is held is bounded by
    how far the slowest branch lags, not by the stream's length."""

    def __init__(self, pieces: list[Any], rest: Any, branches: int) -> None:
        self._pieces = collections.deque(pieces)
        self._first = 0  # the stream index of self._pieces[0]
        self._rest = rest  # the rest of the stream, sync or async
        self._at = [0] * branches  # each branch's next index; handed out by _join
        self._joined = 0
        self._lock = threading.Lock()
        self._alock = asyncio.Lock()
        #: None while the stream runs; then StopIteration, or what the stream raised.
        self._end: BaseException | None = None

    def _join(self) -> int:
        with self._lock:
            self._joined += 1
            return self._joined - 1

    def _wants_more(self, me: int) -> bool:
        return self._at[me] == self._first + len(self._pieces) and self._end is None

    def _take(self, me: int) -> tuple[bool, Any]:
        """The branch's next piece, if there is one; the stream's error is raised to
        every branch that reads past it. Called under the lock."""
        index = self._at[me]
        if index < self._first + len(self._pieces):
            piece = self._pieces[index - self._first]
            self._at[me] = index + 1
            self._forget()
            return True, piece
        if isinstance(self._end, StopIteration):
            return False, None
        raise self._end  # type: ignore[misc]

    def _forget(self) -> None:
        """Drop the pieces every branch has read."""
        while self._pieces and min(self._at) > self._first:
            self._pieces.popleft()
            self._first += 1

    def _leave(self, me: int) -> None:
        self._at[me] = sys.maxsize  # a closed reader holds nothing back
        self._forget()

    def reader(self) -> Iterator[Any]:
        me = self._join()
        try:
            while True:
                with self._lock:
                    if self._wants_more(me):
                        self._end = _pulled(lambda: self._pieces.append(next(self._rest)))
                    found, piece = self._take(me)
                if not found:
                    return
                yield piece
        finally:
            with self._lock:
                self._leave(me)

    async def areader(self) -> AsyncIterator[Any]:
        me = self._join()
        try:
            while True:
                async with self._alock:
                    if self._wants_more(me):
                        try:
                            self._pieces.append(await anext(self._rest))
                        except StopAsyncIteration:
                            self._end = StopIteration()
                        except BaseException as exc:  # noqa: BLE001 - raised to each branch
                            self._end = exc
                    found, piece = self._take(me)
                if not found:
                    return
                yield piece
        finally:
            self._leave(me)  # one loop: no other reader runs between these lines


def _pulled(pull: Callable[[], None]) -> BaseException | None:
    """None once `pull` got a piece; else how the stream ended (StopIteration, or its
    error)."""
    try:
        pull()
    except StopIteration:
        return StopIteration()
    except BaseException as exc:  # noqa: BLE001 - raised to each branch
        return exc
    return None


async def _none() -> AsyncIterator[Any]:
    return
    yield  # an empty async stream


class _Branches:
    """A map's streaming branches, as their pumps report: how many still run."""

    __slots__ = ("running",)

    def __init__(self, running: int) -> None:
        self.running = running

    def piece(self, item: tuple[str, Any, bool]) -> dict[str, Any] | None:
        """The map's piece for what a pump put (`key, piece, failed`): None where a
        branch ended; a branch's failure is raised."""
        key, piece, failed = item
        if failed:
            raise piece
        if piece is _DONE:
            self.running -= 1
            return None
        return AddableDict({key: piece})


def _rows(columns: dict[str, list[Any]], count: int) -> list[Any]:
    """Transpose branch results; an input with any failed branch gets that exception."""
    rows: list[Any] = []
    for i in range(count):
        row = {key: column[i] for key, column in columns.items()}
        failure = next((v for v in row.values() if isinstance(v, BaseException)), None)
        rows.append(failure if failure is not None else row)
    return rows


async def _gather_or_cancel(awaitables: list[Any]) -> list[Any]:
    """gather, but the first failure cancels (and awaits) the siblings."""
    tasks = [asyncio.ensure_future(a) for a in awaitables]
    try:
        return list(await asyncio.gather(*tasks))
    finally:
        pending = [t for t in tasks if not t.done()]
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)


def _submit(pool: ThreadPoolExecutor, fn: Callable[..., Any], *args: Any) -> Future[Any]:
    """Submit in a copy of the caller's context, so callbacks and config flow along."""
    return pool.submit(contextvars.copy_context().run, fn, *args)
