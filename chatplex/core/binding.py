"""`RunnableBinding`: a runnable with fixed config and keyword arguments, what
`with_config` and `bind` return (through `_late.py`'s `binding` slot: this module
subclasses `Runnable`, so `base.py` cannot import it)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from collections.abc import Iterator
from typing import Any

from ..errors import DeadlineExceededError
from .base import Input
from .base import Output
from .base import Runnable
from .batch_forwarding import BatchForwarding
from .batch_forwarding import BatchTarget
from .run_config import RunnableConfig
from .run_config import merge_configs

__all__ = ["RunnableBinding"]


class RunnableBinding(BatchForwarding[Input, Output]):
    """A runnable with fixed config and/or keyword arguments (from `with_config`/`bind`)."""

    _run_type = None  # transparent: the bound runnable's run carries the merged config

    def __init__(
        self,
        bound: Runnable[Input, Output],
        *,
        config: RunnableConfig | None = None,
        kwargs: dict[str, Any] | None = None,
        input_type: Any = None,
        output_type: Any = None,
    ) -> None:
        self.bound = bound
        self.config: RunnableConfig = config or {}
        self.kwargs = kwargs or {}
        self.name = bound.name
        # `with_types`: what the schemas say, in place of the bound runnable's.
        self.input_type = input_type
        self.output_type = output_type

    def __repr__(self) -> str:
        shown = f"bound={self.bound!r}, kwargs={self.kwargs!r}, config={self.config!r}"
        for name, given in (("input", self.input_type), ("output", self.output_type)):
            if given is not None:  # `with_types`: under LangChain's field names
                shown += f", custom_{name}_type={given!r}"
        return f"{type(self).__name__}({shown})"

    def bind(self, **kwargs: Any) -> Runnable[Input, Output]:
        """One binding with these keyword arguments over its own, as LangChain's."""
        return RunnableBinding(
            self.bound,
            config=self.config,
            kwargs={**self.kwargs, **kwargs},
            input_type=self.input_type,
            output_type=self.output_type,
        )

    def with_config(
        self, config: RunnableConfig | None = None, **fields: Any
    ) -> Runnable[Input, Output]:
        """One binding with these config values over its own, as LangChain's: a key
        given again replaces its value (tags too; a call's config is merged instead)."""
        return RunnableBinding(
            self.bound,
            config={**self.config, **(config or {}), **fields},  # type: ignore[arg-type]
            kwargs=self.kwargs,
            input_type=self.input_type,
            output_type=self.output_type,
        )

    def _base_name(self) -> str:
        # A config's run_name names the runs (the bound runnable's run gets the merged
        # config), not the runnable: as LangChain's, get_name and the tool name
        # `as_tool` picks stay the bound runnable's.
        return self.bound.get_name()

    def _run_name(self) -> str:
        return self.bound._run_name()

    def _deadline_error(self, err: DeadlineExceededError, config: RunnableConfig) -> BaseException:
        return self.bound._deadline_error(err, self._merged(config))  # its calls are the bound's

    def _listener_inputs(self, input: Any) -> dict[str, Any]:
        return self.bound._listener_inputs(input)  # the bound runnable's run is the run

    def _merged(self, config: RunnableConfig) -> RunnableConfig:
        # The binding's config is the base; what the caller passed wins. Not prepared
        # here: a bound `timeout` reaches the bound runnable's public method as a timeout,
        # so that call owns and enforces the deadline, as with a caller's own `timeout`.
        return _bound_config(self.config, config)

    def _invoke(self, input: Input, config: RunnableConfig, **kwargs: Any) -> Output:
        return self.bound.invoke(input, self._merged(config), **{**self.kwargs, **kwargs})

    async def _ainvoke(self, input: Input, config: RunnableConfig, **kwargs: Any) -> Output:
        return await self.bound.ainvoke(input, self._merged(config), **{**self.kwargs, **kwargs})

    def _stream(self, input: Input, config: RunnableConfig, **kwargs: Any) -> Iterator[Output]:
        return self.bound.stream(input, self._merged(config), **{**self.kwargs, **kwargs})

    def _astream(
        self, input: Input, config: RunnableConfig, **kwargs: Any
    ) -> AsyncIterator[Output]:
        return self.bound.astream(input, self._merged(config), **{**self.kwargs, **kwargs})

    def _transform(
        self, chunks: Iterator[Input], config: RunnableConfig, **kwargs: Any
    ) -> Iterator[Output]:
        return self.bound.transform(chunks, self._merged(config), **{**self.kwargs, **kwargs})

    def _atransform(
        self, chunks: AsyncIterator[Input], config: RunnableConfig, **kwargs: Any
    ) -> AsyncIterator[Output]:
        return self.bound.atransform(chunks, self._merged(config), **{**self.kwargs, **kwargs})

    def _batch_target(
        self, inputs: list[Input], configs: list[RunnableConfig], kwargs: dict[str, Any]
    ) -> BatchTarget:
        merged = [_bound_config(self.config, c) for c in configs]
        return BatchTarget(self.bound, inputs, merged, {**self.kwargs, **kwargs})

    def __getattr__(self, name: str) -> Any:
        # `model.with_config(...).bind_tools(...)` and similar keep working.
        attr = getattr(self.bound, name)
        if callable(attr) and name in ("bind_tools", "with_structured_output"):

            def rebind(*args: Any, **kw: Any) -> Any:
                return RunnableBinding(attr(*args, **kw), config=self.config, kwargs=self.kwargs)

            return rebind
        return attr


def _bound_config(bound: RunnableConfig, config: RunnableConfig) -> RunnableConfig:
    """A call's config merged over a binding's, as LangChain's binding merges them: the
    tags of either, sorted (LangChain's `merge_configs`)."""
    merged = merge_configs(bound, config) if bound else config
    if merged.get("tags"):
        merged = {**merged, "tags": sorted(set(merged["tags"]))}
    return merged
