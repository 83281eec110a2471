"""`init_chat_model(configurable_fields=..., config_prefix=...)` as LangChain's: a model
whose named fields (or `"any"` field) come from `config["configurable"]` per call.

LangChain's `_ConfigurableModel` keeps a default configuration (the keyword arguments of
`init_chat_model`, `model` and `model_provider` among them), takes the fields it allows
from each call's `config["configurable"]` (their keys prefixed `{config_prefix}_` when a
prefix is given), builds the model from both, and applies the `bind_tools` /
`with_structured_output` calls made on it before (queued, in order). So does this one,
on chatplex's `ConfigurableChatModel`: the models it builds are cached and a batch runs
per model, which changes no result.

>>> switch = FieldsConfigurableModel({"model": "fake:a", "responses": ["hi"]}, ("model",))
>>> switch.invoke("x", {"configurable": {"model": "fake:b"}}).response_metadata["model_name"]
'b'
"""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Mapping
from collections.abc import Sequence
from typing import Any
from typing import Literal

from ...core import Runnable
from ...core.run_config import RunnableConfig
from ...messages import AIMessage
from .configurable import ConfigurableChatModel
from .registry import build
from .registry import qualified_model_name

__all__ = ["FieldsConfigurableModel", "Fields"]

Fields = Literal["any"] | Sequence[str]

#: What builds the model a call picks: its "provider:model" name and settings in.
Builder = Callable[[str, dict[str, Any]], Any]

#: The calls that wait for the model a call picks (LangChain's `_DECLARATIVE_METHODS`).
_QUEUED = ("bind_tools", "with_structured_output")


class FieldsConfigurableModel(ConfigurableChatModel):
    """A chat model built per call from `default_config` and the call's configurable
    fields (see the module docstring)."""

    def __init__(
        self,
        default_config: Mapping[str, Any],
        configurable_fields: Fields = "any",
        config_prefix: str = "",
        queued: Sequence[tuple[str, tuple[Any, ...], dict[str, Any]]] = (),
        builder: Builder = build,
    ) -> None:
        super().__init__(None)
        self.default_config = dict(default_config)
        self.fields: Literal["any"] | tuple[str, ...] = (
            "any" if configurable_fields == "any" else tuple(configurable_fields)
        )
        if config_prefix and not config_prefix.endswith("_"):
            config_prefix += "_"
        self.config_prefix = config_prefix
        self.queued = tuple(queued)
        self.builder = builder

    def __repr__(self) -> str:
        # The configuration stays out: it may hold an API key.
        model = getattr(self, "default_config", {}).get("model")
        fields = getattr(self, "fields", None)
        return f"{type(self).__name__}(model={model!r}, configurable_fields={fields!r})"

    def __getattr__(self, name: str) -> Any:
        if name in _QUEUED:
            return lambda *args, **kwargs: self.queue_call(name, args, kwargs)
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    def bind_tools(self, tools: Sequence[Any], *, tool_choice: Any = None) -> Any:
        """Offer these tools to whichever model a call builds (queued, as LangChain)."""
        kwargs = {} if tool_choice is None else {"tool_choice": tool_choice}
        return self.queue_call("bind_tools", (tools,), kwargs)

    def model_params(self, config: RunnableConfig | None) -> dict[str, Any]:
        """The fields a call's `config["configurable"]` sets, prefix taken off."""
        given: Mapping[str, Any] = (config or {}).get("configurable") or {}
        prefix = self.config_prefix
        params = {k.removeprefix(prefix): v for k, v in given.items() if k.startswith(prefix)}
        if self.fields != "any":
            params = {k: v for k, v in params.items() if k in self.fields}
        return params

    def resolve(self, config: RunnableConfig | None = None) -> Runnable[Any, AIMessage]:
        params = {**self.default_config, **self.model_params(config)}
        model = params.pop("model", None)
        provider = params.pop("model_provider", None)
        if not model:
            key = f"{self.config_prefix}model"
            raise ValueError(
                f"no model configured: set config['configurable'][{key!r}] on the call, "
                "give init_chat_model a model, or name one in CHATPLEX_MODEL or a "
                "chatplex.toml default profile"
            )
        name = qualified_model_name(model, provider)
        return self._cached(("fields", name), lambda: self._built(name, params), params)

    def _built(self, name: str, settings: dict[str, Any]) -> Runnable[Any, AIMessage]:
        model: Any = self.builder(name, dict(settings))
        for method, args, kwargs in self.queued:
            model = getattr(model, method)(*args, **kwargs)
        return model  # type: ignore[no-any-return]

    def building_with(self, builder: Builder) -> FieldsConfigurableModel:
        """A copy whose calls build their model with `builder` (LangChain's
        `init_chat_model` builds LangChain's classes: `chatplex.langchain.factory`)."""
        return FieldsConfigurableModel(
            self.default_config, self.fields, self.config_prefix, self.queued, builder
        )

    def defaulting_to(self, settings: Mapping[str, Any]) -> FieldsConfigurableModel:
        """A copy whose default configuration also holds `settings` (LangChain's
        `with_config(configurable=...)` on its configurable model)."""
        return FieldsConfigurableModel(
            {**self.default_config, **settings},
            self.fields,
            self.config_prefix,
            self.queued,
            self.builder,
        )

    def queue_call(
        self, method: str, args: tuple[Any, ...], kwargs: dict[str, Any]
    ) -> FieldsConfigurableModel:
        """A copy that calls `method(*args, **kwargs)` on each model it builds, after the
        calls queued before (`bind_tools`, `with_structured_output`...)."""
        return FieldsConfigurableModel(
            self.default_config,
            self.fields,
            self.config_prefix,
            (*self.queued, (method, args, kwargs)),
            self.builder,
        )
