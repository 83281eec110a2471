"""The model `init_chat_model(configurable_fields=...)` (or with no model) gives under
LangChain's name: a LangChain `Runnable`, as LangChain's `_ConfigurableModel`, that
builds on each call the drop-in LangChain's `init_chat_model` would build for the name
and fields the call's config sets, and hands it the call, config and all (its callbacks,
tracer and event stream are LangChain's, as the partner's are).

Which fields a call may set, under which prefix, and the `bind_tools` /
`with_structured_output` calls waiting for the model are chatplex's
`FieldsConfigurableModel`'s (built with the drop-ins' factory): this class is the
LangChain face over it, method for method as LangChain's.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from collections.abc import Iterator
from collections.abc import Sequence
from typing import Any
from typing import cast

from langchain_core.language_models import LanguageModelInput
from langchain_core.messages import AnyMessage
from langchain_core.prompt_values import ChatPromptValueConcrete
from langchain_core.prompt_values import StringPromptValue
from langchain_core.runnables import Runnable
from langchain_core.runnables import RunnableConfig
from langchain_core.runnables import ensure_config

from ..chat.configuration.configurable_fields import FieldsConfigurableModel

__all__ = ["ConfigurableModel"]

#: The calls that wait for the model a call picks (LangChain's `_DECLARATIVE_METHODS`).
_QUEUED = ("bind_tools", "with_structured_output")


def _one_config(config: Any) -> tuple[bool, Any]:
    """Whether a batch's config names one model (None, a dict, a list of at most one),
    and that config: LangChain's configurable model batches it on that model."""
    config = config or None
    if config is None or isinstance(config, dict):
        return True, config
    if len(config) <= 1:
        return True, config[0] if config else None
    return False, None


class _ConfigurableModel(Runnable[LanguageModelInput, Any]):
    """A chat model chosen per call (see the module docstring). Its class name is
    LangChain's (what `get_name()`, a trace and `type(model).__name__` show)."""

    def __init__(self, fields: FieldsConfigurableModel) -> None:
        self._fields = fields

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._fields!r})"

    def __getattr__(self, name: str) -> Any:
        fields: FieldsConfigurableModel | None = self.__dict__.get("_fields")
        if fields is None:
            raise AttributeError(name)
        if name in _QUEUED:
            return lambda *args, **kwargs: _ConfigurableModel(fields.queue_call(name, args, kwargs))
        if fields.default_config.get("model"):
            model = self._model()
            if hasattr(model, name):
                return getattr(model, name)
        words = " and is not implemented on the default model" if fields.default_config else ""
        raise AttributeError(f"{name} is not a BaseChatModel attribute{words}.")

    @property
    def InputType(self) -> Any:  # noqa: N802 - Runnable's name
        """LangChain's configurable model's: the messages' concrete classes, not their
        abstract base (what `get_input_jsonschema()` and LangServe's schema show)."""
        return str | StringPromptValue | ChatPromptValueConcrete | list[AnyMessage]

    def bind_tools(self, tools: Sequence[Any], **kwargs: Any) -> _ConfigurableModel:
        """Offer `tools` to whichever model a call builds (queued, as LangChain)."""
        return _ConfigurableModel(self._fields.queue_call("bind_tools", (tools,), kwargs))

    def with_structured_output(self, schema: Any, **kwargs: Any) -> _ConfigurableModel:
        """Structured output from whichever model a call builds (queued, as LangChain)."""
        queued = self._fields.queue_call("with_structured_output", (schema,), kwargs)
        return _ConfigurableModel(queued)

    def with_config(self, config: RunnableConfig | None = None, **kwargs: Any) -> Any:
        """As LangChain's: the fields the config sets become the default model's; the
        rest of the config is applied to each model built (queued)."""
        merged = ensure_config(cast("RunnableConfig", {**(config or {}), **kwargs}))
        params = self._fields.model_params(cast("Any", merged))
        prefix = self._fields.config_prefix
        rest: dict[str, Any] = {k: v for k, v in merged.items() if k != "configurable"}
        rest["configurable"] = {
            k: v
            for k, v in merged.get("configurable", {}).items()
            if k.removeprefix(prefix) not in params
        }
        fields = self._fields.defaulting_to(params).queue_call("with_config", (), {"config": rest})
        return _ConfigurableModel(fields)

    def _model(self, config: RunnableConfig | None = None) -> Runnable[Any, Any]:
        # The same keys in LangChain's config as in chatplex's (`configurable`). Without
        # one, the config of the run it is called in (a LangGraph node's, a lambda's):
        # LangChain's `ensure_config` reads it, as its configurable model does.
        merged = ensure_config(config)
        return cast("Runnable[Any, Any]", self._fields.resolve(cast("Any", merged)))

    # ---- calls: handed to the model the config picks -------------------------------------

    def invoke(self, input: Any, config: RunnableConfig | None = None, **kwargs: Any) -> Any:
        return self._model(config).invoke(input, config=config, **kwargs)

    async def ainvoke(self, input: Any, config: RunnableConfig | None = None, **kwargs: Any) -> Any:
        return await self._model(config).ainvoke(input, config=config, **kwargs)

    def stream(
        self, input: Any, config: RunnableConfig | None = None, **kwargs: Any
    ) -> Iterator[Any]:
        yield from self._model(config).stream(input, config=config, **kwargs)

    async def astream(
        self, input: Any, config: RunnableConfig | None = None, **kwargs: Any
    ) -> AsyncIterator[Any]:
        async for piece in self._model(config).astream(input, config=config, **kwargs):
            yield piece

    def transform(
        self, input: Iterator[Any], config: RunnableConfig | None = None, **kwargs: Any
    ) -> Iterator[Any]:
        yield from self._model(config).transform(input, config=config, **kwargs)

    async def atransform(
        self, input: AsyncIterator[Any], config: RunnableConfig | None = None, **kwargs: Any
    ) -> AsyncIterator[Any]:
        async for piece in self._model(config).atransform(input, config=config, **kwargs):
            yield piece

    def batch(
        self,
        inputs: list[Any],
        config: RunnableConfig | list[RunnableConfig] | None = None,
        *,
        return_exceptions: bool = False,
        **kwargs: Any,
    ) -> list[Any]:
        one, single = _one_config(config)
        if one:
            model = self._model(single)
            return model.batch(inputs, single, return_exceptions=return_exceptions, **kwargs)
        return super().batch(inputs, config, return_exceptions=return_exceptions, **kwargs)

    async def abatch(
        self,
        inputs: list[Any],
        config: RunnableConfig | list[RunnableConfig] | None = None,
        *,
        return_exceptions: bool = False,
        **kwargs: Any,
    ) -> list[Any]:
        one, single = _one_config(config)
        if one:
            model = self._model(single)
            return await model.abatch(inputs, single, return_exceptions=return_exceptions, **kwargs)
        return await super().abatch(inputs, config, return_exceptions=return_exceptions, **kwargs)

    async def astream_log(
        self, input: Any, config: RunnableConfig | None = None, **kwargs: Any
    ) -> AsyncIterator[Any]:
        async for patch in self._model(config).astream_log(input, config, **kwargs):
            yield patch

    async def astream_events(  # type: ignore[override]
        self, input: Any, config: RunnableConfig | None = None, **kwargs: Any
    ) -> AsyncIterator[Any]:
        async for event in self._model(config).astream_events(input, config, **kwargs):
            yield event


#: The public name of LangChain's configurable model here.
ConfigurableModel = _ConfigurableModel
