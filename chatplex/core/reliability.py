"""`with_retry` and `with_fallbacks`: reliability wrappers for any Runnable.

`RunnableRetry` runs its runnable again when it fails with a matching exception, waiting
with exponential backoff and jitter in between (tenacity strategies, as the HTTP layer's
retry policy). `RunnableWithFallbacks` tries other runnables, in order, when the first one
fails with a handled exception -- e.g. an OpenAI model falling back to an Anthropic one.

Rules shared by both:

* The call's deadline (`RunnableConfig(timeout=...)`) covers every attempt: when the next
  one could not start before it, `DeadlineExceededError` is raised at once.
* A stream is retried, or falls back, only before its first chunk: after a chunk has
  reached the caller the error propagates (a `StreamError` carries the partial reply).
* `batch` / `abatch`: only failed inputs are tried again (RunnableRetry: each input has its
  own attempts; RunnableWithFallbacks: the inputs the primary failed go, as one batch, to
  the first fallback, and so on). Successful results stay where they are, in input order.

A chat model already retries transient HTTP failures itself (`max_retries`); these are for
what remains: a provider that stays down, a parser that rejects a reply, a slow fallback.

>>> from chatplex import FakeChatModel
>>> primary = FakeChatModel(["unused"], errors={"hi": RuntimeError("down")})
>>> primary.with_fallbacks([FakeChatModel(["from the fallback"])]).invoke("hi").text
'from the fallback'
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from collections.abc import AsyncIterator
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from contextlib import aclosing
from typing import TYPE_CHECKING
from typing import Any

from ..errors import DeadlineExceededError
from .base import Input
from .base import Output
from .base import Runnable
from .batch_forwarding import BatchForwarding
from .batch_forwarding import BatchPlan
from .batch_forwarding import BatchTarget
from .batching import Batch
from .chunks import aclose_iterator
from .chunks import close_iterator
from .composition import coerce_to_runnable
from .deadline_errors import deadline_error_of_all
from .run_config import RunnableConfig
from .run_config import child_config
from .runs import OWN_START

if TYPE_CHECKING:
    from .retry import RetryPolicy

__all__ = ["RunnableRetry", "RunnableWithFallbacks"]


def _retry_condition(given: Any) -> Any:
    """Exception types as a tuple (one class as a tuple of one), or a predicate as is."""
    if isinstance(given, type):
        return (given,)
    if isinstance(given, tuple) or not callable(given):
        return tuple(given)
    return given


class RunnableRetry(Runnable[Input, Output]):
    """`runnable`, run again on a matching exception (see `Runnable.with_retry`).

    `retry_if_exception_type`: exceptions worth another attempt. `stop_after_attempt`:
    attempts in all (first included). `wait_exponential_jitter`: wait between attempts
    per tenacity's `wait_exponential_jitter(**exponential_jitter_params)` (by default
    1 s, 2 s, 4 s... plus up to 1 s of jitter), or not at all when False.

    Streamed, it makes no run of its own (LangChain's is then its binding: the events
    are the bound runnable's), and retries until the first piece, where LangChain's
    does not retry a stream.
    """

    _streams_as_binding = True

    def __init__(
        self,
        bound: Runnable[Input, Output],
        *,
        retry_if_exception_type: tuple[type[BaseException], ...]
        | Callable[[BaseException], bool] = (Exception,),
        stop_after_attempt: int = 3,
        wait_exponential_jitter: bool = True,
        exponential_jitter_params: Mapping[str, float] | None = None,
    ) -> None:
        if isinstance(stop_after_attempt, bool) or not isinstance(stop_after_attempt, int):
            raise TypeError(f"stop_after_attempt must be an int, got {stop_after_attempt!r}")
        if stop_after_attempt < 1:
            raise ValueError(f"stop_after_attempt must be >= 1, got {stop_after_attempt}")
        self.bound = bound
        #: The exception types to retry, or (as LangChain takes too) a predicate.
        self.retry_if_exception_type = _retry_condition(retry_if_exception_type)
        self.stop_after_attempt = stop_after_attempt
        self.wait_exponential_jitter = wait_exponential_jitter
        self.exponential_jitter_params = dict(exponential_jitter_params or {})
        self.name = bound.name
        self.policy: RetryPolicy = self._build_policy()

    def _deadline_error(self, err: DeadlineExceededError, config: RunnableConfig) -> BaseException:
        return self.bound._deadline_error(err, config)  # it retries the bound's calls

    def _build_policy(self) -> RetryPolicy:
        from tenacity import retry_if_exception
        from tenacity import retry_if_exception_type
        from tenacity import stop_after_attempt
        from tenacity.wait import wait_base
        from tenacity.wait import wait_exponential_jitter
        from tenacity.wait import wait_none

        from .retry import RetryPolicy

        wait: wait_base = (
            wait_exponential_jitter(**self.exponential_jitter_params)
            if self.wait_exponential_jitter
            else wait_none()
        )
        given = self.retry_if_exception_type
        return RetryPolicy(
            retry=retry_if_exception(given) if callable(given) else retry_if_exception_type(given),
            stop=stop_after_attempt(self.stop_after_attempt),
            wait=wait,
        )

    def _base_name(self) -> str:
        return self.bound.get_name()

    def _attempt_config(self, config: RunnableConfig, attempt: int) -> RunnableConfig:
        return child_config(config, tag=f"retry:attempt:{attempt}" if attempt > 1 else None)

    def _stream_config(self, config: RunnableConfig, attempt: int) -> RunnableConfig:
        """A streamed attempt's: the first is the bound runnable's own call (its run
        where the retry sits, as LangChain's binding streams it), a later one tagged."""
        return config if attempt == 1 else self._attempt_config(config, attempt)

    def _invoke(self, input: Input, config: RunnableConfig, **kwargs: Any) -> Output:
        policy, deadline = self.policy, config.get("deadline")
        attempt = 1
        while True:
            try:
                return self.bound.invoke(input, self._attempt_config(config, attempt), **kwargs)
            except Exception as exc:
                delay = policy.delay(exc, attempt, deadline)
                if delay is None:
                    raise
            policy.sleep(delay)  # outside `except`: the next error is not chained to this one
            attempt += 1

    async def _ainvoke(self, input: Input, config: RunnableConfig, **kwargs: Any) -> Output:
        policy, deadline = self.policy, config.get("deadline")
        attempt = 1
        while True:
            try:
                cfg = self._attempt_config(config, attempt)
                return await self.bound.ainvoke(input, cfg, **kwargs)
            except Exception as exc:
                delay = policy.delay(exc, attempt, deadline)
                if delay is None:
                    raise
            await policy.asleep(delay)
            attempt += 1

    def _v3_events(self, call: tuple[Any, Any, dict[str, Any]], asynchronous: bool) -> Any:
        # As LangChain's retry (a binding there): the bound model's v3 stream, not retried.
        return self.bound._v3_events(call, asynchronous)

    def _stream(self, input: Input, config: RunnableConfig, **kwargs: Any) -> Iterator[Output]:
        policy, deadline = self.policy, config.get("deadline")
        attempt = 1
        while True:
            iterator = self.bound.stream(input, self._stream_config(config, attempt), **kwargs)
            started = _started(iterator, (Exception,))
            if not isinstance(started, BaseException):
                yield from started
                return
            delay = policy.delay(started, attempt, deadline)
            if delay is None:
                raise started
            policy.sleep(delay)
            attempt += 1

    async def _astream(
        self, input: Input, config: RunnableConfig, **kwargs: Any
    ) -> AsyncIterator[Output]:
        policy, deadline = self.policy, config.get("deadline")
        attempt = 1
        while True:
            cfg = self._stream_config(config, attempt)
            started = await _astarted(self.bound.astream(input, cfg, **kwargs), (Exception,))
            if not isinstance(started, BaseException):
                async with aclosing(started):  # closed with this stream, not when collected
                    async for chunk in started:
                        yield chunk
                return
            delay = policy.delay(started, attempt, deadline)
            if delay is None:
                raise started
            await policy.asleep(delay)
            attempt += 1


class RunnableWithFallbacks(BatchForwarding[Input, Output]):
    """`runnable`, then each of `fallbacks` in turn while they fail with one of
    `exceptions_to_handle` (see `Runnable.with_fallbacks`). When all fail, the first
    runnable's error is raised (the others' are added to it as notes on Python 3.11+).

    Examples:
        >>> from chatplex import RunnableLambda
        >>> def broken(x: str) -> str:
        ...     raise KeyError(x)
        >>> RunnableLambda(broken).with_fallbacks([RunnableLambda(str.upper)]).invoke("ok")
        'OK'
    """

    _run_start_style = OWN_START  # LangChain's fallbacks starts its own run

    def __init__(
        self,
        runnable: Runnable[Input, Output],
        fallbacks: Sequence[Runnable[Input, Output]],
        *,
        exceptions_to_handle: tuple[type[BaseException], ...] = (Exception,),
        exception_key: str | None = None,
        name: str | None = None,
    ) -> None:
        if isinstance(fallbacks, Runnable) or not isinstance(fallbacks, Sequence):
            raise TypeError("fallbacks must be a list of runnables, e.g. [other_model]")
        if not fallbacks:
            raise ValueError("with_fallbacks needs at least one fallback")
        self.runnable = runnable
        self.fallbacks = tuple(coerce_to_runnable(f) for f in fallbacks)
        self.exceptions_to_handle = tuple(exceptions_to_handle)
        #: With a key, each fallback gets the input dict with the last error under it.
        self.exception_key = exception_key
        self._named(name)

    @property
    def runnables(self) -> tuple[Runnable[Input, Output], ...]:
        """The runnable, then its fallbacks: the order they are tried in."""
        return (self.runnable, *self.fallbacks)

    def _deadline_error(self, err: DeadlineExceededError, config: RunnableConfig) -> BaseException:
        # Whichever of them ran when the deadline passed: their class where all of them
        # would give the same one (fallbacks on one wire), else chatplex's own.
        return deadline_error_of_all(self.runnables, err, config)

    def _input(self, input: Any, errors: list[BaseException]) -> Any:
        """What the next runnable gets: the input, and with `exception_key` the last
        error under that key (LangChain's rule: the input must then be a dict)."""
        if self.exception_key is None:
            return input
        if not isinstance(input, dict):
            raise ValueError(
                "If 'exception_key' is specified then input must be a dictionary."
                f"However found a type of {type(input)} for input"
            )
        return {**input, self.exception_key: errors[-1]} if errors else input

    def _invoke(self, input: Input, config: RunnableConfig, **kwargs: Any) -> Output:
        errors: list[BaseException] = []
        for runnable in self.runnables:
            attempt = self._input(input, errors)
            try:
                return runnable.invoke(attempt, child_config(config), **kwargs)
            except self.exceptions_to_handle as exc:
                errors.append(exc)
        raise _first(errors)

    async def _ainvoke(self, input: Input, config: RunnableConfig, **kwargs: Any) -> Output:
        errors: list[BaseException] = []
        for runnable in self.runnables:
            attempt = self._input(input, errors)
            try:
                return await runnable.ainvoke(attempt, child_config(config), **kwargs)
            except self.exceptions_to_handle as exc:
                errors.append(exc)
        raise _first(errors)

    def _stream(self, input: Input, config: RunnableConfig, **kwargs: Any) -> Iterator[Output]:
        errors: list[BaseException] = []
        for runnable in self.runnables:
            iterator = runnable.stream(self._input(input, errors), child_config(config), **kwargs)
            started = _started(iterator, self.exceptions_to_handle)
            if not isinstance(started, BaseException):
                yield from started
                return
            errors.append(started)
        raise _first(errors)

    async def _astream(
        self, input: Input, config: RunnableConfig, **kwargs: Any
    ) -> AsyncIterator[Output]:
        errors: list[BaseException] = []
        for runnable in self.runnables:
            iterator = runnable.astream(self._input(input, errors), child_config(config), **kwargs)
            started = await _astarted(iterator, self.exceptions_to_handle)
            if not isinstance(started, BaseException):
                async with aclosing(started):  # closed with this stream, not when collected
                    async for chunk in started:
                        yield chunk
                return
            errors.append(started)
        raise _first(errors)

    def _batch_plan(self, batch: Batch) -> BatchPlan:
        rounds = _Rounds(len(batch.inputs), self.exceptions_to_handle, batch.return_exceptions)
        for runnable in self.runnables:
            pending = rounds.pending
            outs = yield BatchTarget(
                rounds.runnable(runnable),
                [self._input(batch.inputs[i], rounds.errors(i)) for i in pending],
                [batch.configs[i] for i in pending],
                batch.kwargs,
            )
            if not rounds.record(outs):
                break
        return rounds.results()


class _Rounds:
    """Bookkeeping of a fallback batch: which inputs still need a runnable to try.

    With `return_exceptions`, each round is the runnable's own batch, every error kept.
    Without it, a round runs `runnable` wrapped so that only handled errors come back
    (as `_Handled` values): an error no fallback handles is then the batch's first error,
    raised at once with the rest of the round cancelled, as in any batch.
    """

    def __init__(
        self, count: int, handled: tuple[type[BaseException], ...], return_exceptions: bool
    ) -> None:
        self.handled = handled
        self.return_exceptions = return_exceptions
        self.slots: list[Any] = [None] * count
        self.last_errors: dict[int, BaseException] = {}
        self.pending = list(range(count))

    def errors(self, index: int) -> list[BaseException]:
        """The last error of input `index` so far, as a list (empty before the first)."""
        return [self.last_errors[index]] if index in self.last_errors else []

    def runnable(self, runnable: Runnable[Any, Any]) -> Runnable[Any, Any]:
        """What to batch this round."""
        return runnable if self.return_exceptions else _CatchHandled(runnable, self.handled)

    def record(self, outs: Sequence[Any]) -> bool:
        """Store one runnable's results for the pending inputs; True if some failed with
        a handled error (they go to the next runnable). An unhandled error is raised here
        unless `return_exceptions`."""
        again: list[int] = []
        for index, out in zip(self.pending, outs, strict=True):
            if type(out) is _Handled:
                out = out.error
            if isinstance(out, self.handled) and isinstance(out, BaseException):
                self.last_errors[index] = out
                again.append(index)
            else:
                if isinstance(out, BaseException) and not self.return_exceptions:
                    raise out
                self.slots[index] = out
        self.pending = again
        return bool(again)

    def results(self) -> list[Any]:
        # Failed everywhere: the last runnable's error, as LangChain's batch reports it
        # (its invoke raises the first one's).
        for index in self.pending:
            self.slots[index] = self.last_errors[index]
        if self.pending and not self.return_exceptions:
            raise self.slots[self.pending[0]]
        return self.slots


class _Handled:
    """An error a fallback handles, returned by `_CatchHandled` instead of raised."""

    __slots__ = ("error",)

    def __init__(self, error: BaseException) -> None:
        self.error = error


class _CatchHandled(Runnable[Any, Any]):
    """`runnable`, returning its handled errors as `_Handled` values (transparent to
    callbacks and events: the runnable's own calls report themselves)."""

    _run_type = None

    def __init__(
        self, runnable: Runnable[Any, Any], handled: tuple[type[BaseException], ...]
    ) -> None:
        self.runnable = runnable
        self.handled = handled
        self.name = runnable.name
        self._async_native = runnable._async_native  # batch as the runnable would

    def _base_name(self) -> str:
        return self.runnable.get_name()

    def _deadline_error(self, err: DeadlineExceededError, config: RunnableConfig) -> BaseException:
        return self.runnable._deadline_error(err, config)

    def _invoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        try:
            return self.runnable.invoke(input, config, **kwargs)
        except self.handled as exc:
            return _Handled(exc)

    async def _ainvoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        try:
            return await self.runnable.ainvoke(input, config, **kwargs)
        except self.handled as exc:
            return _Handled(exc)


# ---- a stream is tried again, or falls back, only before its first piece -------------


def _started(
    iterator: Iterator[Output], handled: tuple[type[BaseException], ...]
) -> Iterator[Output] | BaseException:
    """`iterator` once its first piece came (as a stream of all its pieces, closing it
    when done), or the handled error the first piece failed with (`iterator` closed:
    the caller tries again). An error not handled propagates."""
    try:
        first = next(iterator)
    except StopIteration:
        return iterator  # over already: nothing to yield, nothing to close
    except handled as exc:
        close_iterator(iterator)
        return exc
    return _from_first(first, iterator)


def _from_first(first: Output, iterator: Iterator[Output]) -> Iterator[Output]:
    try:
        yield first
        yield from iterator
    finally:
        close_iterator(iterator)


async def _astarted(
    iterator: AsyncIterator[Output], handled: tuple[type[BaseException], ...]
) -> AsyncGenerator[Output, None] | BaseException:
    """The async `_started`: an async generator, for the caller to close (`aclosing`)."""
    try:
        first = await anext(iterator)
    except StopAsyncIteration:
        return _apieces((), iterator)
    except handled as exc:
        await aclose_iterator(iterator)
        return exc
    return _apieces((first,), iterator)


async def _apieces(
    firsts: tuple[Output, ...], iterator: AsyncIterator[Output]
) -> AsyncGenerator[Output, None]:
    """`firsts`, then the rest of `iterator`, closing it when done."""
    try:
        for piece in firsts:
            yield piece
        async for chunk in iterator:
            yield chunk
    finally:
        await aclose_iterator(iterator)


def _first(errors: list[BaseException]) -> BaseException:
    """The first runnable's error, noting what the fallbacks failed with."""
    first = errors[0]
    add_note = getattr(first, "add_note", None)  # Python 3.11+
    if add_note is not None:
        for later in errors[1:]:
            add_note(f"fallback failed too: {type(later).__name__}: {later}")
    return first
