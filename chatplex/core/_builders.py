"""What a runnable builds from itself: composition (`|`, `pipe`, `pick`, `assign`),
bindings (`bind`, `with_config`), and the runnables that wrap it (`with_retry`,
`with_fallbacks`, `with_listeners`, `configurable_fields`, `configurable_alternatives`).

Mixed into `Runnable`, beside how it runs (`base.py`). Each method hands over to the
class it builds, which is defined above `base.py` and reached through `_late.py`'s slots.
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from typing import Generic
from typing import TypeVar

from ._late import LATE

if TYPE_CHECKING:
    from .base import Runnable
    from .composition import RunnableSequence
    from .run_config import RunnableConfig

__all__ = ["Builders"]

# `Runnable`'s own type variables are bound to these by its base `Builders[Input, Output]`.
Input = TypeVar("Input")
Output = TypeVar("Output")


class Builders(Generic[Input, Output]):
    """The methods every runnable has that return a new runnable made from it."""

    def __or__(self, other: Any) -> RunnableSequence[Input, Any]:
        return LATE.sequence(self, LATE.coerce(other))  # type: ignore[no-any-return]

    def __ror__(self, other: Any) -> RunnableSequence[Any, Output]:
        return LATE.sequence(LATE.coerce(other), self)  # type: ignore[no-any-return]

    def pipe(self, *others: Any, name: str | None = None) -> RunnableSequence[Input, Any]:
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

    def pick(self, keys: str | Sequence[str]) -> RunnableSequence[Input, Any]:
        """Then keep only these keys of the output dict (one key: its value).

        Examples:
            >>> from chatplex import RunnableLambda
            >>> RunnableLambda(lambda x: {"a": x, "b": 2}).pick("a").invoke(1)
            1
        """
        return LATE.sequence(self, LATE.pick(keys))  # type: ignore[no-any-return]

    def assign(self, **steps: Any) -> RunnableSequence[Input, dict[str, Any]]:
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
