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
"""

from __future__ import annotations

from collections.abc import AsyncGenerator, AsyncIterator, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from . import tracers
from .chunks import aclose_iterator, acollect_chunks, close_iterator, collect_chunks, merge_outputs
from .run_config import RunnableConfig, current_config, merge_configs, within_deadline
from .runs import UNKNOWN, ChainRun, split_callbacks

if TYPE_CHECKING:
    from .base import Runnable

Out = TypeVar("Out")

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


def _new_run(runnable: Runnable[Any, Any], config: RunnableConfig) -> ChainRun | None:
    run_type = runnable._run_type
    callbacks = config.get("callbacks")
    if run_type is None or not callbacks:
        return None
    handlers, listeners = split_callbacks(callbacks)
    reports_itself = getattr(runnable, "_reports_to_handlers", False)
    if reports_itself:  # a foreign object tells the handlers itself; ours: events, logs
        handlers = []
    if not handlers and not listeners:
        return None
    run = ChainRun(config, runnable.get_name(), run_type, handlers, listeners)
    config["_parent_run"] = run  # the hooks' config: children nest under this run
    if reports_itself:
        config["_own_run"] = run
        run.metadata.update(runnable.run_metadata())  # type: ignore[attr-defined]
    return run


def _streams_natively(runnable: Runnable[Any, Any], sync: bool) -> bool:
    """Whether it streams for real (else `stream` is `invoke` with one piece).

    Only real streams report stream events, as in LangChain: a prompt's single output
    is its end event, not a stream."""
    hooks = type(runnable)._overrides
    if sync:
        return "_stream" in hooks or "_transform" in hooks
    return "_astream" in hooks or "_atransform" in hooks


def invoke(
    runnable: Runnable[Any, Out], input: Any, config: RunnableConfig, kwargs: dict[str, Any]
) -> Out:
    run = _new_run(runnable, config)
    if run is None:
        return runnable._invoke(input, config, **kwargs)
    run.start(input)
    try:
        output = runnable._invoke(input, config, **kwargs)
    except BaseException as exc:
        run.error(exc)
        raise
    run.end(output, input)
    return output


async def ainvoke(
    runnable: Runnable[Any, Out],
    input: Any,
    config: RunnableConfig,
    kwargs: dict[str, Any],
    deadline: float | None,
) -> Out:
    run = _new_run(runnable, config)
    if run is not None:
        await run.astart(input)
    try:
        call = runnable._ainvoke(input, config, **kwargs)
        output = await (call if deadline is None else within_deadline(call, deadline))
    except BaseException as exc:
        if run is not None:
            await run.aerror(exc)
        raise
    if run is not None:
        await run.aend(output, input)
    return output


def stream(
    runnable: Runnable[Any, Any], input: Any, config: RunnableConfig, kwargs: dict[str, Any]
) -> Iterator[Any]:
    run = _new_run(runnable, config)
    if run is None:
        return runnable._stream(input, config, **kwargs)
    return _stream_run(run, runnable, input, config, kwargs)


def _stream_run(
    run: ChainRun,
    runnable: Runnable[Any, Any],
    input: Any,
    config: RunnableConfig,
    kwargs: dict[str, Any],
) -> Iterator[Any]:
    native = _streams_natively(runnable, True)
    emit = bool(run.listeners) and native
    if not run.started:  # else started on the first piece of its input (`_starting`)
        run.start(input)
    pieces: list[Any] = []
    iterator = runnable._stream(input, config, **kwargs)
    try:
        for piece in iterator:
            pieces.append(piece)
            if emit:
                run.stream(piece)
            if native:
                yield piece
    except GeneratorExit:
        raise  # the consumer stopped early: not an error, and no end either
    except BaseException as exc:
        run.error(exc)
        raise
    finally:
        close_iterator(iterator)
    run.end(merge_outputs(pieces), input)
    if not native:
        # Its stream is its invoke: it ends before its one result goes on, as in
        # LangChain (a tool's end comes before the chain streams what it returned).
        yield from pieces


async def _astream_run(
    run: ChainRun,
    runnable: Runnable[Any, Any],
    input: Any,
    config: RunnableConfig,
    kwargs: dict[str, Any],
) -> AsyncIterator[Any]:
    native = _streams_natively(runnable, False)
    emit = bool(run.listeners) and native
    if not run.started:
        await run.astart(input)
    pieces: list[Any] = []
    iterator = runnable._astream(input, config, **kwargs)
    try:
        async for piece in iterator:
            pieces.append(piece)
            if emit:
                run.stream(piece)
            if native:
                yield piece
    except GeneratorExit:
        raise
    except BaseException as exc:
        await run.aerror(exc)
        raise
    finally:
        await aclose_iterator(iterator)
    await run.aend(merge_outputs(pieces), input)
    if not native:  # as in `_stream_run`: ended before its one result goes on
        for piece in pieces:
            yield piece


def astream(
    runnable: Runnable[Any, Any], input: Any, config: RunnableConfig, kwargs: dict[str, Any]
) -> AsyncIterator[Any]:
    run = _new_run(runnable, config)
    if run is None:
        return runnable._astream(input, config, **kwargs)
    return _astream_run(run, runnable, input, config, kwargs)


def transform(
    runnable: Runnable[Any, Any],
    chunks: Iterator[Any],
    config: RunnableConfig,
    kwargs: dict[str, Any],
) -> Iterator[Any]:
    run = _new_run(runnable, config)
    if run is None:
        return runnable._transform(chunks, config, **kwargs)
    if "_transform" not in type(runnable)._overrides:
        return _collected(run, runnable, chunks, config, kwargs)
    return _lazy(run, runnable, chunks, config, kwargs)


def _collected(
    run: ChainRun,
    runnable: Runnable[Any, Any],
    chunks: Iterator[Any],
    config: RunnableConfig,
    kwargs: dict[str, Any],
) -> Iterator[Any]:
    # What the default `_transform` does (collect, then stream), with the run started
    # once the input is known, or at its first piece (`_starts_on_first_piece`).
    if runnable._starts_on_first_piece:
        chunks = _starting(run, chunks)
    yield from _stream_run(run, runnable, collect_chunks(chunks), config, kwargs)


def _starting(run: ChainRun, chunks: Iterator[Any]) -> Iterator[Any]:
    """`chunks`, starting `run` (its input unknown yet) when the first one arrives."""
    try:
        for chunk in chunks:
            if not run.started:
                run.start()
            yield chunk
    except GeneratorExit:
        raise
    except BaseException as exc:
        if run.started:  # upstream failed after the run began: it fails with it
            run.error(exc)
        raise


async def _astarting(run: ChainRun, chunks: AsyncIterator[Any]) -> AsyncIterator[Any]:
    try:
        async for chunk in chunks:
            if not run.started:
                await run.astart()
            yield chunk
    except GeneratorExit:
        raise
    except BaseException as exc:
        if run.started:
            await run.aerror(exc)
        raise


def _lazy(
    run: ChainRun,
    runnable: Runnable[Any, Any],
    chunks: Iterator[Any],
    config: RunnableConfig,
    kwargs: dict[str, Any],
) -> Iterator[Any]:
    inputs: list[Any] = []

    def tap() -> Iterator[Any]:
        for chunk in chunks:
            if not run.started:
                run.start()
            inputs.append(chunk)
            yield chunk

    emit = bool(run.listeners)
    pieces: list[Any] = []
    iterator = runnable._transform(tap(), config, **kwargs)
    try:
        for piece in iterator:
            if not run.started:
                run.start()
            pieces.append(piece)
            if emit:
                run.stream(piece)
            yield piece
    except GeneratorExit:
        raise
    except BaseException as exc:
        if run.started:  # a run that never started (upstream failed first) stays silent
            run.error(exc)
        raise
    finally:
        close_iterator(iterator)
    if not run.started:
        run.start()
    run.end(merge_outputs(pieces), merge_outputs(inputs) if inputs else UNKNOWN)


def atransform(
    runnable: Runnable[Any, Any],
    chunks: AsyncIterator[Any],
    config: RunnableConfig,
    kwargs: dict[str, Any],
) -> AsyncIterator[Any]:
    run = _new_run(runnable, config)
    if run is None:
        return runnable._atransform(chunks, config, **kwargs)
    if "_atransform" not in type(runnable)._overrides:
        return _acollected(run, runnable, chunks, config, kwargs)
    return _alazy(run, runnable, chunks, config, kwargs)


async def _acollected(
    run: ChainRun,
    runnable: Runnable[Any, Any],
    chunks: AsyncIterator[Any],
    config: RunnableConfig,
    kwargs: dict[str, Any],
) -> AsyncIterator[Any]:
    if runnable._starts_on_first_piece:
        chunks = _astarting(run, chunks)
    value = await acollect_chunks(chunks)
    async for piece in _astream_run(run, runnable, value, config, kwargs):
        yield piece


async def _alazy(
    run: ChainRun,
    runnable: Runnable[Any, Any],
    chunks: AsyncIterator[Any],
    config: RunnableConfig,
    kwargs: dict[str, Any],
) -> AsyncIterator[Any]:
    inputs: list[Any] = []

    async def tap() -> AsyncGenerator[Any, None]:
        async for chunk in chunks:
            if not run.started:
                await run.astart()
            inputs.append(chunk)
            yield chunk

    emit = bool(run.listeners)
    pieces: list[Any] = []
    source = tap()
    iterator = runnable._atransform(source, config, **kwargs)
    try:
        async for piece in iterator:
            if not run.started:
                await run.astart()
            pieces.append(piece)
            if emit:
                run.stream(piece)
            yield piece
    except GeneratorExit:
        raise
    except BaseException as exc:
        if run.started:
            await run.aerror(exc)
        raise
    finally:
        await aclose_iterator(iterator)
        await source.aclose()
    if not run.started:
        await run.astart()
    await run.aend(merge_outputs(pieces), merge_outputs(inputs) if inputs else UNKNOWN)


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
    runnable: Runnable[Any, Any], configs: list[RunnableConfig]
) -> list[ChainRun | None] | None:
    """One run per input, for runnables whose batch does not go through `invoke` /
    `ainvoke` (which make their own runs): the default `_batch` does, and so does the
    default `_abatch` it runs for async-native runnables; those are left alone."""
    hooks = type(runnable)._overrides
    if runnable._run_type is None or (
        "_batch" not in hooks and (not runnable._async_native or "_abatch" not in hooks)
    ):
        return None
    ambient = current_config().get()
    if ambient:
        configs[:] = [merge_configs(ambient, c) for c in configs]
    runs = [_new_run(runnable, c) for c in configs]
    return runs if any(r is not None for r in runs) else None


def batch(
    runnable: Runnable[Any, Any],
    inputs: list[Any],
    configs: list[RunnableConfig],
    return_exceptions: bool,
    kwargs: dict[str, Any],
) -> list[Any]:
    runs = _batch_runs(runnable, configs)
    if runs is None:
        return runnable._batch(inputs, configs, return_exceptions=return_exceptions, **kwargs)
    for run, item in zip(runs, inputs, strict=True):
        if run is not None:
            run.start(item)
    try:
        outs = runnable._batch(inputs, configs, return_exceptions=return_exceptions, **kwargs)
    except BaseException as exc:
        for run in runs:
            if run is not None:
                run.error(exc)
        raise
    for run, item, out in zip(runs, inputs, outs, strict=True):
        if run is None:
            continue
        if isinstance(out, BaseException):
            run.error(out)
        else:
            run.end(out, item)
    return outs


async def abatch(
    runnable: Runnable[Any, Any],
    inputs: list[Any],
    configs: list[RunnableConfig],
    return_exceptions: bool,
    kwargs: dict[str, Any],
) -> list[Any]:
    runs = _batch_runs(runnable, configs)
    if runs is None:
        return await runnable._abatch(
            inputs, configs, return_exceptions=return_exceptions, **kwargs
        )
    for run, item in zip(runs, inputs, strict=True):
        if run is not None:
            await run.astart(item)
    try:
        outs = await runnable._abatch(
            inputs, configs, return_exceptions=return_exceptions, **kwargs
        )
    except BaseException as exc:
        for run in runs:
            if run is not None:
                await run.aerror(exc)
        raise
    for run, item, out in zip(runs, inputs, outs, strict=True):
        if run is None:
            continue
        if isinstance(out, BaseException):
            await run.aerror(out)
        else:
            await run.aend(out, item)
    return outs
