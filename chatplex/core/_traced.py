"""The traced versions of the public Runnable methods: each call becomes a run.

`Runnable.invoke` & co. come here only when the config has callbacks. Each function
creates the run (none for runnables that report themselves, like chat models, or are
transparent, like bindings), points the config's `_parent_run` at it, and wraps the hook.

Listeners hear about a run synchronously, where it happens: a token yielded by a model
passes the model's run, then each enclosing run's stream wrapper on its way out, so
`prompt | model | parser` reports model stream, parser stream, chain stream per token.

A streamed step whose class transforms its input natively (a parser, a sequence) starts
its run when its first input piece arrives, so its start follows the upstream events;
other steps collect their input first and start with it.

Each sync function has an async twin; what they share is written once, without I/O
(`_new_run`, `_Traced`'s call parts, `_Pieces`: what a piece does and what the run ends
with), and each twin is a shell that iterates and awaits the run's handlers. `invoke`
and `ainvoke` start and end their run themselves: a traced step's own cost is per call.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from collections.abc import AsyncIterator
from collections.abc import Awaitable
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from contextlib import asynccontextmanager
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any
from typing import ClassVar
from typing import Generic
from typing import Protocol
from typing import TypeVar

from ..errors import DeadlineExceededError
from . import tracers
from .chunks import aclose_iterator
from .chunks import acollect_chunks
from .chunks import close_iterator
from .chunks import collect_chunks
from .chunks import merge_outputs
from .run_config import RunnableConfig
from .run_config import current_config
from .run_config import deadline_cut
from .run_config import merge_configs
from .run_config import within_deadline
from .runs import TOLD
from .runs import UNKNOWN
from .runs import ChainRun
from .runs import RecordedChainRun
from .runs import ToolRun
from .runs import split_callbacks
from .stream_taps import StreamTaps

Out = TypeVar("Out")
Out_co = TypeVar("Out_co", covariant=True)

__all__ = [
    "abatch",
    "ainvoke",
    "astream",
    "atransform",
    "batch",
    "invoke",
    "stream",
    "transform",
    "watched",
]


class Hooks(Protocol[Out_co]):
    """What a traced call uses of its runnable (`base.Runnable` has it): the hooks it
    runs, its name and how it reports. `base.py` calls this module, so it is not
    imported here."""

    _overrides: ClassVar[frozenset[str]]

    @property
    def _run_type(self) -> str | None: ...
    @property
    def _async_native(self) -> bool: ...
    @property
    def _starts_on_first_piece(self) -> bool: ...

    def get_name(self) -> str: ...
    def _run_name(self) -> str: ...
    def _run_marks(self) -> tuple[list[str], dict[str, Any]] | None: ...
    def _invoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Out_co: ...
    async def _ainvoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Out_co: ...
    def _stream(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Iterator[Any]: ...
    def _astream(self, input: Any, config: RunnableConfig, **kwargs: Any) -> AsyncIterator[Any]: ...
    def _transform(
        self, chunks: Iterator[Any], config: RunnableConfig, **kwargs: Any
    ) -> Iterator[Any]: ...
    def _atransform(
        self, chunks: AsyncIterator[Any], config: RunnableConfig, **kwargs: Any
    ) -> AsyncIterator[Any]: ...
    def _deadline_error(
        self, err: DeadlineExceededError, config: RunnableConfig
    ) -> BaseException: ...


def _recording_class(handler: Any) -> type[ChainRun] | None:
    """The run class of a tracer that records its chain runs itself, in place, without
    the handler protocol (`records_chain_runs`: the class it names, else
    `RecordedChainRun`); None for any other handler."""
    if not getattr(handler, "records_chain_runs", False):
        return None
    kind: type[ChainRun] = getattr(handler, "chain_run_class", RecordedChainRun)
    return kind


def _styled(run: ChainRun, runnable: Any) -> ChainRun:
    """`run`, with how LangChain's class of `runnable` starts its runs (`ChainRun.style`:
    a class's `_run_start_style`; else unset, a start told `run_type`)."""
    style = getattr(runnable, "_run_start_style", None)
    if style is not None:
        run.style = style
    return run


def _new_run(runnable: Hooks[Any], config: RunnableConfig) -> ChainRun | None:
    run_type = runnable._run_type
    callbacks = config.get("callbacks")
    if run_type is None or not callbacks:
        return None
    marks = runnable._run_marks()
    if marks is not None:  # (this call's own copy of its config)
        tags, metadata = marks
        config["tags"] = [*config.get("tags", ()), *tags]
        config["metadata"] = {**config.get("metadata", {}), **metadata}
    reports_itself = getattr(runnable, "_reports_to_handlers", False)
    # The one listener a tracer that records its runs itself (the usual traced call):
    # told without the protocol, in the run class it names (its record, written in place).
    if type(callbacks) is list and len(callbacks) == 1 and not reports_itself:
        only = callbacks[0]
        kind = _recording_class(only)
        if kind is not None:
            run: ChainRun = kind(config, runnable._run_name(), run_type, [only], [])
            config["_parent_run"] = run
            return _styled(run, runnable)
    handlers, listeners = split_callbacks(callbacks)
    if reports_itself:  # a foreign object tells the handlers itself; ours: events, logs
        handlers = []
    if not handlers and not listeners:
        return None
    kind = _recording_class(handlers[0]) if not listeners and len(handlers) == 1 else None
    if kind is None and run_type == "tool":
        description = getattr(runnable, "description", "")
        run = ToolRun(
            config, runnable._run_name(), run_type, handlers, listeners, description=description
        )
    else:
        run = (kind or ChainRun)(config, runnable._run_name(), run_type, handlers, listeners)
    config["_parent_run"] = run  # the hooks' config: children nest under this run
    _styled(run, runnable)
    if reports_itself:
        config["_own_run"] = run
        run.metadata.update(runnable.run_metadata())  # type: ignore[attr-defined]
        run.tags += [t for t in runnable.run_tags() if t not in run.tags]  # type: ignore[attr-defined]
    return run


def _streams_natively(runnable: Hooks[Any], sync: bool) -> bool:
    """Whether it streams for real (else `stream` is `invoke` with one piece).

    Only real streams report stream events, as in LangChain: a prompt's single output
    is its end event, not a stream."""
    hooks = type(runnable)._overrides
    if sync:
        return "_stream" in hooks or "_transform" in hooks
    return "_astream" in hooks or "_atransform" in hooks


def invoke(runnable: Hooks[Out], input: Any, config: RunnableConfig, kwargs: dict[str, Any]) -> Out:
    run = _new_run(runnable, config)
    if run is None:
        return runnable._invoke(input, config, **kwargs)
    run.start(input)
    try:  # `_failing`, inline: a context manager is most of a traced step's own cost
        output = runnable._invoke(input, config, **kwargs)
    except BaseException as exc:
        if _reportable(run, exc):
            run.error(exc)
        raise
    run.end(output, input)
    return output


async def ainvoke(
    runnable: Hooks[Out],
    input: Any,
    config: RunnableConfig,
    kwargs: dict[str, Any],
    deadline: float | None,
) -> Out:
    run = _new_run(runnable, config)
    if run is None:
        return await _within(runnable, runnable._ainvoke(input, config, **kwargs), deadline, config)
    await run.astart(input)
    try:
        call = runnable._ainvoke(input, config, **kwargs)
        output = await _within(runnable, call, deadline, config)
    except BaseException as exc:
        if _reportable(run, exc):
            await run.aerror(_heard(runnable, exc, config))
        raise
    await run.aend(output, input)
    return output


def _streamed(
    method: str, runnable: Hooks[Any], arg: Any, config: RunnableConfig, kwargs: dict[str, Any]
) -> Any:
    """The traced call's `method` (`stream`, `astream`, `transform`, `atransform`) of
    `arg` (the input, or its chunks), or the runnable's own hook of that name (`_stream`,
    ...) when it makes no run."""
    # A runnable LangChain streams as a binding (a retry) makes no run of its own there.
    streams_bound = getattr(runnable, "_streams_as_binding", False)
    call = None if streams_bound else _Traced.of(runnable, config, kwargs)
    if call is None:
        return getattr(runnable, f"_{method}")(arg, config, **kwargs)
    return getattr(call, method)(arg)


_Call = Callable[[Hooks[Any], Any, RunnableConfig, dict[str, Any]], Out]
stream: _Call[Iterator[Any]] = partial(_streamed, "stream")
astream: _Call[AsyncIterator[Any]] = partial(_streamed, "astream")
#: (`arg`: the input's chunks, an iterator or an async iterator)
transform: _Call[Iterator[Any]] = partial(_streamed, "transform")
atransform: _Call[AsyncIterator[Any]] = partial(_streamed, "atransform")


async def _within(
    runnable: Hooks[Any], call: Awaitable[Out], deadline: float | None, config: RunnableConfig
) -> Out:
    if deadline is None:
        return await call
    try:
        return await within_deadline(call, deadline)
    except DeadlineExceededError as err:  # the run is told the class the call raises
        raise runnable._deadline_error(err, config) from err.__cause__


def _heard(runnable: Hooks[Any], exc: BaseException, config: RunnableConfig) -> BaseException:
    """`exc` as `runnable`'s run is told it: the cancellation by which an enclosing
    call's deadline cut it short is that deadline's error (`deadline_cut`), in the class
    the runnable raises for it."""
    cut = deadline_cut(exc, config)
    return exc if cut is None else runnable._deadline_error(cut, config)


@contextmanager
def _failing(run: ChainRun, read: list[Any] | None = None) -> Iterator[None]:
    """Tell `run` of an error raised inside, if it is one to report (`_reportable`);
    `read`: the input pieces read so far, which a run started before it read them tells
    its error (as LangChain's does)."""
    try:
        yield
    except BaseException as exc:
        if _reportable(run, exc):
            _note_read(run, read)
            run.error(exc)
        raise


@asynccontextmanager
async def _afailing(call: _Traced[Any], read: list[Any] | None = None) -> AsyncIterator[None]:
    """`_failing` of an async call: its run told of an error raised inside, a deadline
    that cut it short as that deadline's error (`_heard`)."""
    run = call.run
    try:
        yield
    except BaseException as exc:
        if _reportable(run, exc):
            _note_read(run, read)
            await run.aerror(_heard(call.runnable, exc, call.config))
        raise


def _note_read(run: ChainRun, read: list[Any] | None) -> None:
    if read and getattr(run, "given", TOLD) is None:
        run.given = merge_outputs(read)


def _reportable(run: ChainRun, exc: BaseException) -> bool:
    """Whether `exc` is `run`'s error: not if the run never started (its upstream failed
    first: it stays silent), nor if a consumer left its stream early (GeneratorExit is no
    error, and the run then has no end either)."""
    return run.started and not isinstance(exc, GeneratorExit)


class _Pieces:
    """A traced stream's output pieces, I/O aside. Each is kept (the run's output is their
    merge); a real stream tells its listeners of each and passes it on at once, while a
    stream that is an invoke holds its one result until its run has ended."""

    __slots__ = ("emit", "kept", "native", "run", "taps")

    def __init__(self, run: ChainRun, native: bool) -> None:
        self.run = run
        self.native = native
        self.emit = native and bool(run.listeners)
        self.kept: list[Any] = []
        # LangChain's event and log handlers hear every piece, as of LangChain's runnables.
        self.taps = StreamTaps(run.handlers, run.run_id) if run.handlers else None

    def take(self, piece: Any) -> bool:
        """Keep `piece`; whether it goes on now."""
        self.kept.append(piece)
        if self.emit:
            self.run.stream(piece)
        if self.taps:
            self.taps.push(piece)
        return self.native

    def output(self) -> Any:
        return merge_outputs(self.kept)

    def held(self) -> list[Any]:
        """What goes on once the run has ended."""
        return [] if self.native else self.kept


@dataclass(slots=True)
class _Traced(Generic[Out]):
    """A streamed call that makes a run: the runnable, its run, and what its hook gets
    besides the input. Each method has an async twin right after it."""

    run: ChainRun
    runnable: Hooks[Out]
    config: RunnableConfig
    kwargs: dict[str, Any]

    @classmethod
    def of(
        cls, runnable: Hooks[Out], config: RunnableConfig, kwargs: dict[str, Any]
    ) -> _Traced[Out] | None:
        """The traced call, or None if this runnable makes no run (its hook then runs as
        it is)."""
        run = _new_run(runnable, config)
        return None if run is None else cls(run, runnable, config, kwargs)

    def stream(self, input: Any) -> Iterator[Any]:
        run, pieces = self.run, _Pieces(self.run, _streams_natively(self.runnable, True))
        if run.started:  # started on the first piece of its input (`_starting`)
            pass
        elif self.runnable._starts_on_first_piece:
            run.start_before_reading(input)
        else:
            run.start(input)
        iterator = self.runnable._stream(input, self.config, **self.kwargs)
        try:
            with _failing(run, [input]):
                for piece in iterator:
                    if pieces.take(piece):
                        yield piece
        finally:
            close_iterator(iterator)
        run.end(pieces.output(), input)
        # Its stream is its invoke: it ends before its one result goes on, as in
        # LangChain (a tool's end comes before the chain streams what it returned).
        yield from pieces.held()

    async def astream(self, input: Any) -> AsyncIterator[Any]:
        run, pieces = self.run, _Pieces(self.run, _streams_natively(self.runnable, False))
        if run.started:
            pass
        elif self.runnable._starts_on_first_piece:
            await run.astart_before_reading(input)
        else:
            await run.astart(input)
        iterator = self.runnable._astream(input, self.config, **self.kwargs)
        try:
            async with _afailing(self, [input]):
                async for piece in iterator:
                    if pieces.take(piece):
                        yield piece
        finally:
            await aclose_iterator(iterator)
        await run.aend(pieces.output(), input)
        for piece in pieces.held():
            yield piece

    def transform(self, chunks: Iterator[Any]) -> Iterator[Any]:
        if "_transform" in type(self.runnable)._overrides:
            return self._lazy(chunks)
        return self._collected(chunks)

    def atransform(self, chunks: AsyncIterator[Any]) -> AsyncIterator[Any]:
        if "_atransform" in type(self.runnable)._overrides:
            return self._alazy(chunks)
        return self._acollected(chunks)

    def _collected(self, chunks: Iterator[Any]) -> Iterator[Any]:
        # What the default `_transform` does (collect, then stream), with the run started
        # once the input is known, or at its first piece (`_starts_on_first_piece`).
        if self.runnable._starts_on_first_piece:
            chunks = _starting(self.run, chunks)
        yield from self.stream(collect_chunks(chunks))

    async def _acollected(self, chunks: AsyncIterator[Any]) -> AsyncIterator[Any]:
        if self.runnable._starts_on_first_piece:
            chunks = _astarting(self, chunks)
        async for piece in self.astream(await acollect_chunks(chunks)):
            yield piece

    def _lazy(self, chunks: Iterator[Any]) -> Iterator[Any]:
        """A native transform: the run starts at its first input or output piece."""
        run, pieces, inputs = self.run, _Pieces(self.run, True), []

        def tap() -> Iterator[Any]:
            for chunk in chunks:
                if not run.started:
                    run.start()
                inputs.append(chunk)
                yield chunk

        iterator = self.runnable._transform(tap(), self.config, **self.kwargs)
        try:
            with _failing(run, inputs):
                for piece in iterator:
                    if not run.started:
                        run.start()
                    pieces.take(piece)
                    yield piece
        finally:
            close_iterator(iterator)
        if not run.started:
            run.start()
        run.end(pieces.output(), merge_outputs(inputs) if inputs else UNKNOWN)

    async def _alazy(self, chunks: AsyncIterator[Any]) -> AsyncIterator[Any]:
        run, pieces, inputs = self.run, _Pieces(self.run, True), []

        async def tap() -> AsyncGenerator[Any, None]:
            async for chunk in chunks:
                if not run.started:
                    await run.astart()
                inputs.append(chunk)
                yield chunk

        source = tap()
        iterator = self.runnable._atransform(source, self.config, **self.kwargs)
        try:
            async with _afailing(self, inputs):
                async for piece in iterator:
                    if not run.started:
                        await run.astart()
                    pieces.take(piece)
                    yield piece
        finally:
            await aclose_iterator(iterator)
            await source.aclose()
        if not run.started:
            await run.astart()
        await run.aend(pieces.output(), merge_outputs(inputs) if inputs else UNKNOWN)


def _starting(run: ChainRun, chunks: Iterator[Any]) -> Iterator[Any]:
    """`chunks`, starting `run` (its input unknown yet) when the first one arrives; if
    upstream fails after that, the run fails with it."""
    with _failing(run):
        for chunk in chunks:
            if not run.started:
                run.start()
            yield chunk


async def _astarting(call: _Traced[Any], chunks: AsyncIterator[Any]) -> AsyncIterator[Any]:
    run = call.run
    async with _afailing(call):
        async for chunk in chunks:
            if not run.started:
                await run.astart()
            yield chunk


# ---- batch -----------------------------------------------------------------------------


def watched(config: RunnableConfig | Sequence[RunnableConfig] | None) -> bool:
    """Whether a batch has anyone to report to (its config's or the ambient callbacks,
    or a process-wide tracer)."""
    if tracers.ACTIVE:
        return True
    if isinstance(config, Mapping):
        if config.get("callbacks"):
            return True
    elif config is not None and any(c.get("callbacks") for c in config):
        return True
    ambient = current_config().get()
    return bool(ambient and ambient.get("callbacks"))


def _batch_runs(
    runnable: Hooks[Any], configs: list[RunnableConfig]
) -> list[tuple[int, ChainRun]] | None:
    """`(index, run)` for each input that makes a run, for runnables whose batch does not
    go through `invoke` / `ainvoke` (which make their own runs): the default `_batch`
    does, and so does the default `_abatch` it runs for async-native runnables; those
    are left alone."""
    hooks = type(runnable)._overrides
    if runnable._run_type is None or (
        "_batch" not in hooks and (not runnable._async_native or "_abatch" not in hooks)
    ):
        return None
    ambient = current_config().get()
    if ambient:
        configs[:] = [merge_configs(ambient, c) for c in configs]
    runs = [(i, _new_run(runnable, c)) for i, c in enumerate(configs)]
    watched = [(i, run) for i, run in runs if run is not None]
    return watched or None


def batch(
    runnable: Hooks[Any],
    inputs: list[Any],
    configs: list[RunnableConfig],
    hook: Callable[[], list[Any]],
) -> list[Any]:
    """`hook()`, the runnable's `_batch` of `inputs`, with a run per input."""
    watched = _batch_runs(runnable, configs)
    if watched is None:
        return hook()
    for i, run in watched:
        run.start(inputs[i])
    try:
        outs = hook()
    except BaseException as exc:
        for _, run in watched:
            run.error(exc)
        raise
    for i, run in watched:
        if isinstance(outs[i], BaseException):
            run.error(outs[i])
        else:
            run.end(outs[i], inputs[i])
    return outs


async def abatch(
    runnable: Hooks[Any],
    inputs: list[Any],
    configs: list[RunnableConfig],
    hook: Callable[[], Awaitable[list[Any]]],
) -> list[Any]:
    """`await hook()`, the runnable's `_abatch` of `inputs`, with a run per input."""
    watched = _batch_runs(runnable, configs)
    if watched is None:
        return await hook()
    for i, run in watched:
        await run.astart(inputs[i])
    try:
        outs = await hook()
    except BaseException as exc:
        for _, run in watched:
            await run.aerror(exc)
        raise
    for i, run in watched:
        if isinstance(outs[i], BaseException):
            await run.aerror(outs[i])
        else:
            await run.aend(outs[i], inputs[i])
    return outs
