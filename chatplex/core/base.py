"""The Runnable protocol: one small base class, public methods over a few hooks.

Each public method (`invoke`, `ainvoke`, `stream`, `astream`, `transform`, `atransform`,
`batch`, `abatch`, `batch_as_completed`, `abatch_as_completed`) has one implementation,
here or, for streams and batches, in `streaming.py` and `batching.py`: it prepares the
config once (deadline, ambient config), reports the run when callbacks watch
(`_traced.py`), applies the deadline, and calls a hook. Subclasses
override only hooks; all of them are listed under "hooks" in `Runnable`, with their
defaults. The methods that build a runnable from this one (`|`, `bind`, `with_retry`...)
are here too, each handing over to the class it builds (defined above this module and
reached through `_late.py`'s slots); those that watch or describe it are mixed in from
`_introspection.py`.
Composition (`|`, dicts, callables) lives in `composition.py`, bindings
(`bind`, `with_config`) in `binding.py`, runnables that hand a batch on in
`batch_forwarding.py`, what a failed call keeps on its error in `partial_results.py`.
"""

from __future__ import annotations

import copy
from collections.abc import AsyncIterator
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any
from typing import ClassVar
from typing import Generic
from typing import TypeVar

from ..errors import DeadlineExceededError
from . import _traced
from . import batching
from . import streaming
from ._introspection import Introspection
from ._late import LATE
from .chunks import acollect_chunks
from .chunks import collect_chunks
from .run_config import RunnableConfig
from .run_config import check_deadline
from .run_config import ensure_config
from .run_config import within_deadline

__all__ = ["Input", "Output", "Runnable"]

Input = TypeVar("Input")
Output = TypeVar("Output")

#: The hooks a subclass may leave out (their defaults are below); `_overrides` lists
#: which of them a class overrides.
_OPTIONAL_HOOKS = ("_stream", "_astream", "_transform", "_atransform", "_batch", "_abatch")


class Runnable(Introspection, Generic[Input, Output]):
    """A unit of work with sync/async, single/batch and streaming entry points.

    Examples:
        >>> from chatplex import RunnableLambda
        >>> (RunnableLambda(lambda x: x + 1) | RunnableLambda(lambda x: x * 2)).invoke(1)
        4
    """

    # ---- hooks -------------------------------------------------------------------------
    # What a subclass may override; everything else is the same for every runnable.
    #   _invoke / _ainvoke      required: one call, sync and async
    #   _stream / _astream      to stream output (default: the one result as one piece)
    #   _transform / _atransform  to consume a stream of input pieces as they come
    #                           (default: collect the whole input, then `_stream`)
    #   _batch / _abatch        to batch differently, given the call as a `batching.Batch`
    #                           (default: bounded concurrent calls; `BatchForwarding`
    #                           hands the batch on to other runnables, written once for
    #                           both as a `_batch_plan`)
    #   _run_type, _async_native  class attributes below
    #   _configure              a copy with attributes changed (`configurable_fields`)
    #   _deadline_error         the error a call raises when its deadline passes
    #   _run_marks              tags and metadata its runs add to the call's (prompts)
    # `get_name` and the composition methods (`bind`, `with_config`, ...) are public API,
    # overridden only by wrappers that delegate to what they wrap.

    #: The kind of run a call makes when callbacks or event streams watch (events are
    #: named `on_{run_type}_start`...); None: no run of its own (it is transparent, or
    #: reports itself, like a chat model). See `runs.py`.
    _run_type: str | None = "chain"
    #: True when the real work is async I/O (chat models): sync `batch` and
    #: `batch_as_completed` then run the async path on chatplex's portal loop (one loop
    #: and pool for N requests, see `portal.py`) instead of a thread per call.
    _async_native: bool = False
    #: True when LangChain's class of the same name streams as a transform (its `stream`
    #: is `transform(iter([x]))`: lambdas, sequences, maps, passthroughs, generators): its
    #: run starts before it reads its input (told none yet, as LangChain tells it), and,
    #: fed a stream, at the first input piece, though the work may wait for them all.
    _starts_on_first_piece: bool = False
    #: The names of the stream and batch hooks this class overrides (set per subclass):
    #: how tracing tells a real stream from a single result without calling anything.
    _overrides: ClassVar[frozenset[str]] = frozenset()

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        cls._overrides = frozenset(
            hook for hook in _OPTIONAL_HOOKS if getattr(cls, hook) is not getattr(Runnable, hook)
        )

    def _invoke(self, input: Input, config: RunnableConfig, **kwargs: Any) -> Output:
        raise NotImplementedError(f"{type(self).__name__} does not implement invoke")

    async def _ainvoke(self, input: Input, config: RunnableConfig, **kwargs: Any) -> Output:
        raise NotImplementedError(f"{type(self).__name__} does not implement ainvoke")

    def _stream(self, input: Input, config: RunnableConfig, **kwargs: Any) -> Iterator[Output]:
        yield self._invoke(input, config, **kwargs)

    async def _astream(
        self, input: Input, config: RunnableConfig, **kwargs: Any
    ) -> AsyncIterator[Output]:
        yield await self._ainvoke(input, config, **kwargs)

    def _transform(
        self, chunks: Iterator[Input], config: RunnableConfig, **kwargs: Any
    ) -> Iterator[Output]:
        """Consume an input stream. Default: wait for the whole input, then stream."""
        yield from self._stream(collect_chunks(chunks), config, **kwargs)

    async def _atransform(
        self, chunks: AsyncIterator[Input], config: RunnableConfig, **kwargs: Any
    ) -> AsyncIterator[Output]:
        async for out in self._astream(await acollect_chunks(chunks), config, **kwargs):
            yield out

    def _batch(self, batch: batching.Batch) -> list[Output | BaseException]:
        """Default sync batch: the async batch on the portal loop for async-native
        runnables, else a thread per concurrent call (bounded). An error raised carries
        the outputs that had finished (`batch_finished`)."""
        return batch.default_batch()

    async def _abatch(self, batch: batching.Batch) -> list[Output | BaseException]:
        """The default: bounded concurrent `ainvoke`s (`batching.py`)."""
        return await batch.default_abatch()

    def _run_marks(self) -> tuple[list[str], dict[str, Any]] | None:
        """The tags and metadata its runs carry beside the call's (a prompt's `tags=`
        and `metadata=`, as LangChain's prompts add theirs); None: the call's alone."""
        return None

    def _deadline_error(self, err: DeadlineExceededError, config: RunnableConfig) -> BaseException:
        """What a call raises when its deadline passes: `err` (`deadline_errors.py`)."""
        return err

    def _configure(self, values: Mapping[str, Any]) -> Runnable[Input, Output]:
        """A copy with these attributes changed (what `configurable_fields` runs).
        Default: a shallow copy with the attributes set; override when attributes
        derive from each other (a prompt's variables from its template)."""
        clone = copy.copy(self)
        for key, value in values.items():
            setattr(clone, key, value)
        return clone

    # ---- public API --------------------------------------------------------------------

    def _listener_inputs(self, input: Any) -> dict[str, Any]:
        """What a listener's `Run.inputs` shows for `input`: LangChain's shape, a dict as
        given, anything else as `{"input": value}` (a chat model shows its messages)."""
        return input if isinstance(input, dict) else {"input": input}

    def __call__(self, input: Input, config: RunnableConfig | None = None, **kwargs: Any) -> Output:
        """`invoke`: a runnable is accepted wherever a one-argument callable is (a
        LangChain chain, `map`, a callback)."""
        return self.invoke(input, config, **kwargs)

    def invoke(self, input: Input, config: RunnableConfig | None = None, **kwargs: Any) -> Output:
        """Run once, synchronously.

        Args:
            input: what the runnable takes (for a chat model: a str, a list of messages,
                `(role, text)` tuples or dicts, or a prompt value).
            config: the call's settings: `callbacks`, `tags`, `metadata`, `run_name`,
                `max_concurrency`, `configurable`, and `timeout` (a deadline in seconds
                for the whole call, retries included).
            **kwargs: passed to the runnable (a chat model takes per-call settings such
                as `stop` or `extra_headers`).

        Returns:
            The output (a chat model's is an `AIMessage`).

        Raises:
            DeadlineExceededError: `config["timeout"]` passed.

        Examples:
            >>> from chatplex import RunnableLambda
            >>> RunnableLambda(lambda x: x * 2).invoke(21)
            42
        """
        cfg = ensure_config(config)
        try:
            check_deadline(cfg)
            if cfg.get("callbacks"):  # the only cost of the run tree when nobody watches
                return _traced.invoke(self, input, cfg, kwargs)
            return self._invoke(input, cfg, **kwargs)
        except DeadlineExceededError as err:
            raise self._deadline_error(err, cfg) from err.__cause__  # the same chain

    async def ainvoke(
        self, input: Input, config: RunnableConfig | None = None, **kwargs: Any
    ) -> Output:
        """Run once on the running event loop (real async I/O, no threads).

        Args:
            input: as for `invoke`.
            config: as for `invoke`.
            **kwargs: as for `invoke`.

        Returns:
            The output, as `invoke` returns it.

        Examples:
            >>> import asyncio
            >>> from chatplex import RunnableLambda
            >>> asyncio.run(RunnableLambda(lambda x: x * 2).ainvoke(21))
            42
        """
        owns_deadline = bool(config and config.get("timeout"))
        cfg = ensure_config(config)
        try:
            check_deadline(cfg)
            if cfg.get("callbacks"):
                deadline = cfg["deadline"] if owns_deadline else None
                return await _traced.ainvoke(self, input, cfg, kwargs, deadline)
            if owns_deadline:
                call = self._ainvoke(input, cfg, **kwargs)
                return await within_deadline(call, cfg["deadline"])
        except DeadlineExceededError as err:
            raise self._deadline_error(err, cfg) from err.__cause__  # the same chain
        return await self._ainvoke(input, cfg, **kwargs)

    def stream(
        self, input: Input, config: RunnableConfig | None = None, **kwargs: Any
    ) -> Iterator[Output]:
        """Yield output pieces as they are produced.

        Args:
            input: as for `invoke`.
            config: as for `invoke`; a `timeout` cut raises `DeadlineExceededError`,
                whose `partial` holds what had arrived.
            **kwargs: as for `invoke`.

        Yields:
            The output in pieces (a chat model's are `AIMessageChunk`s, which `+` merges).

        Examples:
            >>> from chatplex import FakeChatModel
            >>> model = FakeChatModel(responses=["hello world"])
            >>> "".join(chunk.text for chunk in model.stream("hi"))
            'hello world'
        """
        return streaming.stream(self, input, config, kwargs)

    def astream(
        self, input: Input, config: RunnableConfig | None = None, **kwargs: Any
    ) -> AsyncIterator[Output]:
        """Yield output pieces as they are produced, asynchronously (see `stream`).

        Yields:
            The output in pieces, as `stream` yields them.
        """
        return streaming.astream(self, input, config, kwargs)

    def transform(
        self, input: Iterable[Input], config: RunnableConfig | None = None, **kwargs: Any
    ) -> Iterator[Output]:
        """Stream over a stream of input pieces (how chains stream end to end)."""
        cfg = ensure_config(config)
        if cfg.get("callbacks"):
            return _traced.transform(self, iter(input), cfg, kwargs)
        return self._transform(iter(input), cfg, **kwargs)

    def atransform(
        self, input: AsyncIterator[Input], config: RunnableConfig | None = None, **kwargs: Any
    ) -> AsyncIterator[Output]:
        """Stream over an async stream of input pieces."""
        cfg = ensure_config(config)
        if cfg.get("callbacks"):
            return _traced.atransform(self, input, cfg, kwargs)
        return self._atransform(input, cfg, **kwargs)

    def batch(
        self,
        inputs: Sequence[Input],
        config: RunnableConfig | Sequence[RunnableConfig] | None = None,
        *,
        return_exceptions: bool = False,
        **kwargs: Any,
    ) -> list[Output]:
        """Run many inputs; results in input order.

        At most `config["max_concurrency"]` calls are in flight (default
        `DEFAULT_MAX_CONCURRENCY`). With `return_exceptions=True` a failed input's slot
        holds its exception; otherwise the first error is raised and the rest cancelled.

        Args:
            inputs: the inputs, each what `invoke` takes.
            config: one config for every input, or one per input.
            return_exceptions: put a failed input's exception in its slot instead of
                raising it.
            **kwargs: as for `invoke`.

        Returns:
            One output per input, in input order.

        Examples:
            >>> from chatplex import RunnableLambda
            >>> divide = RunnableLambda(lambda x: 10 // x)
            >>> divide.batch([1, 2, 5], config={"max_concurrency": 2})
            [10, 5, 2]
            >>> [type(r).__name__ for r in divide.batch([1, 0], return_exceptions=True)]
            ['int', 'ZeroDivisionError']
        """
        return batching.Batch.of(self, inputs, config, return_exceptions, kwargs).batch()

    async def abatch(
        self,
        inputs: Sequence[Input],
        config: RunnableConfig | Sequence[RunnableConfig] | None = None,
        *,
        return_exceptions: bool = False,
        **kwargs: Any,
    ) -> list[Output]:
        """Async `batch`: same ordering, concurrency and error rules.

        Returns:
            One output per input, in input order.
        """
        return await batching.Batch.of(self, inputs, config, return_exceptions, kwargs).abatch()

    def batch_as_completed(
        self,
        inputs: Sequence[Input],
        config: RunnableConfig | Sequence[RunnableConfig] | None = None,
        *,
        return_exceptions: bool = False,
        **kwargs: Any,
    ) -> Iterator[tuple[int, Output | BaseException]]:
        """Yield `(index, result)` in completion order. Closing the iterator early cancels
        the calls still running (async-native runnables) or the ones not started."""
        return batching.Batch.of(
            self, inputs, config, return_exceptions, kwargs
        ).batch_as_completed()

    def abatch_as_completed(
        self,
        inputs: Sequence[Input],
        config: RunnableConfig | Sequence[RunnableConfig] | None = None,
        *,
        return_exceptions: bool = False,
        **kwargs: Any,
    ) -> AsyncIterator[tuple[int, Output | BaseException]]:
        """Async `batch_as_completed`; closing the iterator cancels unfinished calls."""
        return batching.Batch.of(
            self, inputs, config, return_exceptions, kwargs
        ).abatch_as_completed()

    # ---- runnables built from this one ---------------------------------------------------
    # Composition (`|`, `pipe`, `pick`, `assign`), bindings (`bind`, `with_config`), and
    # the runnables that wrap it (`with_retry`, `with_fallbacks`, `with_listeners`,
    # `configurable_fields`, `configurable_alternatives`).

    def __or__(self, other: Any) -> Runnable[Input, Any]:
        return LATE.sequence(self, LATE.coerce(other))  # type: ignore[no-any-return]

    def __ror__(self, other: Any) -> Runnable[Any, Output]:
        return LATE.sequence(LATE.coerce(other), self)  # type: ignore[no-any-return]

    def pipe(self, *others: Any, name: str | None = None) -> Runnable[Input, Any]:
        """`self | others[0] | ...`, as one sequence named `name`."""
        steps = (LATE.coerce(o) for o in others)
        return LATE.sequence(self, *steps, name=name)  # type: ignore[no-any-return]

    def map(self) -> Runnable[Sequence[Input], list[Output]]:
        """A runnable that runs this one on each item of a list (as a batch).

        Examples:
            >>> from chatplex import RunnableLambda
            >>> RunnableLambda(lambda x: x * 2).map().invoke([1, 2, 3])
            [2, 4, 6]
        """
        return LATE.each(self)  # type: ignore[no-any-return]

    def with_types(
        self, *, input_type: type[Input] | None = None, output_type: type[Output] | None = None
    ) -> Runnable[Input, Output]:
        """A copy whose input and output schemas say these types (what `as_tool`, a
        server or a graph reads); the calls are unchanged."""
        return LATE.binding(  # type: ignore[no-any-return]
            self, input_type=input_type, output_type=output_type
        )

    def as_tool(
        self,
        args_schema: Any = None,
        *,
        name: str | None = None,
        description: str | None = None,
        arg_types: dict[str, type] | None = None,
    ) -> Any:
        """This runnable as a tool a model can call (`model.bind_tools([tool])`): a
        `chatplex.core.tools.RunnableTool`, made as LangChain's `as_tool` makes one.

        Args:
            args_schema: a pydantic model of the tool's arguments (the runnable gets
                them as a dict).
            name: the tool's name (default: the runnable's).
            description: what the tool does (default: "Takes <its input schema>.").
            arg_types: argument name -> type, for a runnable that takes an untyped dict.

        Examples:
            >>> from typing_extensions import TypedDict
            >>> from chatplex import RunnableLambda
            >>> class Args(TypedDict):
            ...     a: int
            ...     b: int
            >>> def add(args: Args) -> int:
            ...     return args["a"] + args["b"]
            >>> tool = RunnableLambda(add).as_tool(name="add", description="Add two ints.")
            >>> tool.invoke({"a": 2, "b": 3}), sorted(tool.args)
            (5, ['a', 'b'])
        """
        return LATE.as_tool(
            self, args_schema, name=name, description=description, arg_types=arg_types
        )

    def pick(self, keys: str | Sequence[str]) -> Runnable[Input, Any]:
        """Then keep only these keys of the output dict (one key: its value).

        Examples:
            >>> from chatplex import RunnableLambda
            >>> RunnableLambda(lambda x: {"a": x, "b": 2}).pick("a").invoke(1)
            1
        """
        return LATE.sequence(self, LATE.pick(keys))  # type: ignore[no-any-return]

    def assign(self, **steps: Any) -> Runnable[Input, dict[str, Any]]:
        """Then add keys computed from the output dict, keeping its own keys.

        Examples:
            >>> from chatplex import RunnableLambda
            >>> RunnableLambda(lambda x: {"n": x}).assign(m=lambda d: d["n"] * 2).invoke(2)
            {'n': 2, 'm': 4}
        """
        return LATE.sequence(self, LATE.assign(steps))  # type: ignore[no-any-return]

    def with_listeners(
        self, *, on_start: Any = None, on_end: Any = None, on_error: Any = None
    ) -> Runnable[Input, Output]:
        """A copy that calls `on_start(run)`, then `on_end(run)` or `on_error(run)` around
        each call (`(run, config)` when the listener takes `config`); `run` carries
        LangChain's `Run` attributes. See `listeners.RunnableListeners`."""
        return LATE.listeners(self, on_start, on_end, on_error)  # type: ignore[no-any-return]

    def with_alisteners(
        self, *, on_start: Any = None, on_end: Any = None, on_error: Any = None
    ) -> Runnable[Input, Output]:
        """`with_listeners` for async listeners (awaited; run to completion in sync calls)."""
        return LATE.listeners(self, on_start, on_end, on_error)  # type: ignore[no-any-return]

    def configurable_fields(self, **fields: Any) -> Runnable[Input, Output]:
        """A copy whose attributes can be set per call: `temperature=ConfigurableField(
        id="temp")`, then `config={"configurable": {"temp": 0.9}}`. See `configurable.py`."""
        return LATE.configurable_fields(self, fields)  # type: ignore[no-any-return]

    def configurable_alternatives(
        self,
        which: Any,
        *,
        default_key: str = "default",
        prefix_keys: bool = False,
        **alternatives: Any,
    ) -> Runnable[Input, Output]:
        """A switch between this runnable (`default_key`) and `alternatives`, chosen per
        call by `config={"configurable": {which.id: key}}`. See `configurable.py`."""
        return LATE.configurable_alternatives(  # type: ignore[no-any-return]
            self, which, default_key, prefix_keys, alternatives
        )

    def with_config(
        self, config: RunnableConfig | None = None, **fields: Any
    ) -> Runnable[Input, Output]:
        """A copy that always runs with these config values (call-time config on top)."""
        merged: dict[str, Any] = {**(config or {}), **fields}
        return LATE.binding(self, config=merged)  # type: ignore[no-any-return]

    def bind(self, **kwargs: Any) -> Runnable[Input, Output]:
        """A copy whose calls always receive these keyword arguments."""
        return LATE.binding(self, kwargs=kwargs)  # type: ignore[no-any-return]

    def with_retry(
        self,
        *,
        retry_if_exception_type: tuple[type[BaseException], ...]
        | Callable[[BaseException], bool] = (Exception,),
        stop_after_attempt: int = 3,
        wait_exponential_jitter: bool = True,
        exponential_jitter_params: dict[str, float] | None = None,
    ) -> Runnable[Input, Output]:
        """A copy that runs again on these exceptions, up to `stop_after_attempt` attempts
        in all, with exponential backoff; the call's deadline covers every attempt. A
        stream is retried only before its first chunk. See `reliability.RunnableRetry`.

        Args:
            retry_if_exception_type: the exceptions that cause another attempt, or a
                function of the exception that says whether to try again.
            stop_after_attempt: the most attempts, the first included.
            wait_exponential_jitter: wait between attempts, longer each time (else not).
            exponential_jitter_params: `initial`, `max`, `exp_base`, `jitter` of the wait.

        Returns:
            A runnable that retries this one.

        Examples:
            >>> from chatplex import RunnableLambda
            >>> attempts = []
            >>> def flaky(x: str) -> str:
            ...     attempts.append(x)
            ...     if len(attempts) < 2:
            ...         raise ConnectionError("reset")
            ...     return x.upper()
            >>> step = RunnableLambda(flaky).with_retry(
            ...     retry_if_exception_type=(ConnectionError,),
            ...     stop_after_attempt=2,
            ...     wait_exponential_jitter=False,
            ... )
            >>> step.invoke("hi"), len(attempts)
            ('HI', 2)
        """
        return LATE.retry(  # type: ignore[no-any-return]
            self,
            retry_if_exception_type=retry_if_exception_type,
            stop_after_attempt=stop_after_attempt,
            wait_exponential_jitter=wait_exponential_jitter,
            exponential_jitter_params=exponential_jitter_params,
        )

    def with_fallbacks(
        self,
        fallbacks: Sequence[Runnable[Input, Output]],
        *,
        exceptions_to_handle: tuple[type[BaseException], ...] = (Exception,),
        exception_key: str | None = None,
    ) -> Runnable[Input, Output]:
        """A copy that tries `fallbacks` in order when this fails with one of
        `exceptions_to_handle` (a stream: only before its first chunk; a batch: only the
        failed inputs). See `reliability.RunnableWithFallbacks`.

        Args:
            fallbacks: the runnables to try next, in order.
            exceptions_to_handle: the exceptions that move on to the next one.
            exception_key: give each fallback the input dict with the last error
                under this key (the input must then be a dict).

        Returns:
            A runnable that answers with the first one that succeeds.

        Examples:
            >>> from chatplex import FakeChatModel, init_chat_model
            >>> from chatplex.testing import MockServer
            >>> with MockServer() as server:
            ...     failing = init_chat_model(
            ...         "openai:gpt-4o-mini",
            ...         base_url=server.openai_base_url,
            ...         api_key="sk-test",
            ...         max_retries=0,
            ...         default_headers={"x-mock-fault": "status=503"},
            ...     )
            ...     model = failing.with_fallbacks([FakeChatModel(responses=["from the fallback"])])
            ...     model.invoke("hi").text
            'from the fallback'
        """
        return LATE.fallbacks(  # type: ignore[no-any-return]
            self, fallbacks, exceptions_to_handle=exceptions_to_handle, exception_key=exception_key
        )

    # ---- provider Batch APIs (chatplex.batches) ---------------------------------------

    def submit_batch(self, inputs: Iterable[Any], config: RunnableConfig | None = None) -> Any:
        """Send `inputs` through the provider's Batch API (half price, answers within
        24 h); returns a `chatplex.batches.BatchJob`. A chat model, or a chain around one
        (`prompt | model | parser`: the steps before the model run now, the steps after
        it on the results). See `chatplex.batches.submit_batch` for the options."""
        return LATE.submit_batch(self, inputs, config, False)

    async def asubmit_batch(
        self, inputs: Iterable[Any], config: RunnableConfig | None = None
    ) -> Any:
        """The async `submit_batch`."""
        return await LATE.submit_batch(self, inputs, config, True)
