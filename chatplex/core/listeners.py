"""`with_listeners` / `with_alisteners`: call functions around each call of a runnable.

Listeners get a `Run` (LangChain's listeners read its attributes: `inputs`, `outputs`,
`error`, `start_time`, `end_time`, `name`, `run_type`, `id`, `tags`, `metadata`), and the
call's config as well when they take a parameter named `config`, as LangChain passes
it. That is what LangChain's `RunnableWithMessageHistory` needs to keep a chatplex
chain's history: it saves each turn from its `on_end` listener.

The wrapper keeps the books itself instead of going through the run tree: a call with
listeners but no callbacks stays on the untraced path, and costs one `Run` object.

>>> from chatplex import RunnableLambda
>>> seen = []
>>> chain = RunnableLambda(lambda x: x * 2).with_listeners(on_end=lambda run: seen.append(
...     (run.inputs, run.outputs)))
>>> chain.invoke(3), seen
(6, [({'input': 3}, {'output': 6})])
"""

from __future__ import annotations

import inspect
import traceback
import uuid
from collections.abc import AsyncIterator
from collections.abc import Callable
from collections.abc import Iterator
from datetime import UTC
from datetime import datetime
from typing import Any

from .base import Runnable
from .binding import RunnableBinding
from .chunks import merge_outputs
from .foreign import expose
from .portal import run_sync
from .run_config import RunnableConfig
from .run_config import user_config
from .runs import run_tags

__all__ = ["Run", "RunnableListeners"]


def _now() -> datetime:
    return datetime.now(UTC)


class Run:
    """What a listener is told about one call (the attributes of LangChain's `Run` that
    listeners use). `inputs` / `outputs` are dicts as in LangChain: a non-dict value is
    `{"input": value}` / `{"output": value}`, a chat model's input `{"messages": [[...]]}`.
    `error` is LangChain's text (the error's repr and traceback); `exception` is the
    exception itself."""

    __slots__ = (
        "end_time",
        "error",
        "exception",
        "id",
        "inputs",
        "metadata",
        "name",
        "outputs",
        "parent_run_id",
        "run_type",
        "start_time",
        "tags",
    )

    def __init__(
        self, name: str, run_type: str, config: RunnableConfig, inputs: dict[str, Any]
    ) -> None:
        self.id = uuid.uuid4()
        self.name = name
        self.run_type = run_type
        self.tags = run_tags(config)
        self.metadata: dict[str, Any] = dict(config.get("metadata") or {})
        parent = config.get("_parent_run")
        self.parent_run_id: uuid.UUID | None = getattr(parent, "run_id", None)
        self.inputs = inputs
        self.outputs: dict[str, Any] | None = None
        self.error: str | None = None
        self.exception: BaseException | None = None
        self.start_time = _now()
        self.end_time: datetime | None = None

    def __repr__(self) -> str:
        state = "error" if self.error else "ended" if self.end_time else "running"
        return f"Run(name={self.name!r}, run_type={self.run_type!r}, {state})"

    def _end(self, output: Any) -> None:
        self.outputs = output if isinstance(output, dict) else {"output": output}
        self.end_time = _now()

    def _fail(self, exc: BaseException) -> None:
        trace = "\n\n".join(traceback.format_exception(exc))
        self.error = (repr(exc) + trace).strip()
        self.exception = exc
        self.end_time = _now()


Listener = Callable[..., Any]


def _takes_config(listener: Listener) -> bool:
    try:
        return "config" in inspect.signature(listener).parameters
    except (TypeError, ValueError):
        return False


class RunnableListeners(RunnableBinding[Any, Any]):
    """`bound`, with `on_start` / `on_end` / `on_error` called around each call.

    A listener may be sync or async (async ones are awaited on the async path, and run to
    completion on chatplex's portal loop on the sync path). A listener that raises makes
    the call raise: nothing is dropped silently."""

    def __init__(
        self,
        bound: Runnable[Any, Any],
        on_start: Listener | None = None,
        on_end: Listener | None = None,
        on_error: Listener | None = None,
    ) -> None:
        super().__init__(bound)
        for label, fn in (("on_start", on_start), ("on_end", on_end), ("on_error", on_error)):
            if fn is not None and not callable(fn):
                raise TypeError(f"with_listeners({label}=...) needs a callable, got {fn!r}")
        self.on_start = on_start
        self.on_end = on_end
        self.on_error = on_error
        self._async_native = bound._async_native  # batch as the bound runnable would
        expose()  # LangChain's RunnableWithMessageHistory checks isinstance on what it gets

    # A binding of its own (its listeners are its state): bound and configured around.
    bind = Runnable.bind
    with_config = Runnable.with_config

    # ---- bookkeeping -------------------------------------------------------------------

    def _run(self, config: RunnableConfig, input: Any) -> Run:
        return Run(
            config.get("run_name") or self.bound._run_name(),
            self.bound._run_type or "chain",
            config,
            self.bound._listener_inputs(input),
        )

    def _stream_run(self, config: RunnableConfig, input: Any) -> tuple[Run, dict[str, Any]]:
        """A stream's run, and the inputs it shows once started: where LangChain's bound
        runnable streams as a transform, its start shows no input yet (LangChain's
        placeholder), the input being filled in after, as LangChain's tracer fills it in."""
        run = self._run(config, input)
        inputs = run.inputs
        if self.bound._starts_on_first_piece:
            run.inputs = {"input": ""}
        return run, inputs

    def _args(self, fn: Listener, run: Run, config: RunnableConfig) -> tuple[Any, ...]:
        return (run, user_config(config)) if _takes_config(fn) else (run,)

    def _call(self, fn: Listener | None, run: Run, config: RunnableConfig) -> None:
        if fn is not None:
            result = fn(*self._args(fn, run, config))
            if inspect.isawaitable(result):
                run_sync(_awaited(result))

    async def _acall(self, fn: Listener | None, run: Run, config: RunnableConfig) -> None:
        if fn is not None:
            result = fn(*self._args(fn, run, config))
            if inspect.isawaitable(result):
                await result

    def _failed(self, run: Run, exc: BaseException, config: RunnableConfig) -> None:
        run._fail(exc)
        self._call(self.on_error, run, config)

    # ---- hooks -------------------------------------------------------------------------

    def _invoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        run = self._run(config, input)
        self._call(self.on_start, run, config)
        try:
            output = super()._invoke(input, config, **kwargs)
        except Exception as exc:
            self._failed(run, exc, config)
            raise
        run._end(output)
        self._call(self.on_end, run, config)
        return output

    async def _ainvoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        run = self._run(config, input)
        await self._acall(self.on_start, run, config)
        try:
            output = await super()._ainvoke(input, config, **kwargs)
        except Exception as exc:
            run._fail(exc)
            await self._acall(self.on_error, run, config)
            raise
        run._end(output)
        await self._acall(self.on_end, run, config)
        return output

    def _stream(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Iterator[Any]:
        run, inputs = self._stream_run(config, input)
        self._call(self.on_start, run, config)
        run.inputs = inputs
        pieces: list[Any] = []
        try:
            for piece in super()._stream(input, config, **kwargs):
                pieces.append(piece)
                yield piece
        except Exception as exc:
            self._failed(run, exc, config)
            raise
        run._end(merge_outputs(pieces))
        self._call(self.on_end, run, config)

    async def _astream(
        self, input: Any, config: RunnableConfig, **kwargs: Any
    ) -> AsyncIterator[Any]:
        run, inputs = self._stream_run(config, input)
        await self._acall(self.on_start, run, config)
        run.inputs = inputs
        pieces: list[Any] = []
        try:
            async for piece in super()._astream(input, config, **kwargs):
                pieces.append(piece)
                yield piece
        except Exception as exc:
            run._fail(exc)
            await self._acall(self.on_error, run, config)
            raise
        run._end(merge_outputs(pieces))
        await self._acall(self.on_end, run, config)

    # Runnable's own hooks, not the binding's hand-offs to `bound`: a stream of input
    # pieces is gathered first, so that listeners see the whole input when the run starts
    # (as `_stream` and `_astream` do), and a batch goes through `invoke` / `ainvoke`,
    # one run per input.
    _transform = Runnable._transform
    _atransform = Runnable._atransform
    _batch = Runnable._batch
    _abatch = Runnable._abatch


async def _awaited(awaitable: Any) -> Any:
    return await awaitable
