"""Runnables whose settings, or which runnable runs, are chosen per call by
`config["configurable"]`, as LangChain's `configurable_fields` /
`configurable_alternatives`.

>>> from chatplex.runnables import PromptTemplate
>>> prompt = PromptTemplate.from_template("Tell a joke about {topic}").configurable_alternatives(
...     ConfigurableField(id="prompt"),
...     default_key="joke",
...     poem=PromptTemplate.from_template("Write a poem about {topic}"),
... )
>>> prompt.invoke({"topic": "tea"}, {"configurable": {"prompt": "poem"}}).to_string()
'Write a poem about tea'

Both are transparent in callbacks and events: the runnable chosen reports itself.
"""

from __future__ import annotations

import inspect
from collections.abc import AsyncIterator, Callable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

from .base import Runnable
from .composition import coerce_to_runnable
from .foreign import is_foreign_runnable
from .run_config import RunnableConfig

__all__ = [
    "ConfigurableField",
    "ConfigurableFieldMultiOption",
    "ConfigurableFieldSingleOption",
    "ConfigurableFieldSpec",
    "RunnableConfigurableAlternatives",
    "RunnableConfigurableFields",
]


class ConfigurableField(NamedTuple):
    """A field set per call by `config["configurable"][id]`."""

    id: str
    name: str | None = None
    description: str | None = None
    annotation: Any | None = None
    is_shared: bool = False


class ConfigurableFieldSingleOption(NamedTuple):
    """A field set per call to one of `options` by its key (`default`: the key used when
    the call names none)."""

    id: str
    options: Mapping[str, Any]
    default: str
    name: str | None = None
    description: str | None = None
    is_shared: bool = False


class ConfigurableFieldMultiOption(NamedTuple):
    """A field set per call to a list of `options`, named by their keys."""

    id: str
    options: Mapping[str, Any]
    default: Sequence[str]
    name: str | None = None
    description: str | None = None
    is_shared: bool = False


class ConfigurableFieldSpec(NamedTuple):
    """What a configurable runnable accepts under one `configurable` key (`config_specs`)."""

    id: str
    annotation: Any
    name: str | None = None
    description: str | None = None
    default: Any = None
    is_shared: bool = False
    dependencies: list[str] | None = None


AnyField = ConfigurableField | ConfigurableFieldSingleOption | ConfigurableFieldMultiOption


def _configurable(config: RunnableConfig) -> Mapping[str, Any]:
    return config.get("configurable") or {}


class _Dynamic(Runnable[Any, Any]):
    """Picks a runnable per call (`_prepare`) and runs it with the same config."""

    _run_type = None  # transparent: the chosen runnable reports itself

    default: Runnable[Any, Any]

    def _prepare(self, config: RunnableConfig) -> Runnable[Any, Any]:
        raise NotImplementedError

    def get_name(self) -> str:
        return self.name or self.default.get_name()

    def _invoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        return self._prepare(config).invoke(input, config, **kwargs)

    async def _ainvoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        return await self._prepare(config).ainvoke(input, config, **kwargs)

    def _stream(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Iterator[Any]:
        return self._prepare(config).stream(input, config, **kwargs)

    def _astream(self, input: Any, config: RunnableConfig, **kwargs: Any) -> AsyncIterator[Any]:
        return self._prepare(config).astream(input, config, **kwargs)

    def _transform(
        self, chunks: Iterator[Any], config: RunnableConfig, **kwargs: Any
    ) -> Iterator[Any]:
        return self._prepare(config).transform(chunks, config, **kwargs)

    def _atransform(
        self, chunks: AsyncIterator[Any], config: RunnableConfig, **kwargs: Any
    ) -> AsyncIterator[Any]:
        return self._prepare(config).atransform(chunks, config, **kwargs)

    def __getattr__(self, name: str) -> Any:
        # `prompt.configurable_fields(...).format(...)` and the like use the default.
        if name.startswith("__") or name == "default":
            raise AttributeError(name)
        return getattr(self.default, name)


class RunnableConfigurableFields(_Dynamic):
    """`default`, rebuilt per call with the fields the call's `configurable` sets.

    The copy is made by the runnable's `_configure` hook (a shallow copy with the
    attributes set, unless the class knows better: a prompt re-reads its template).
    """

    def __init__(self, default: Runnable[Any, Any], fields: Mapping[str, AnyField]) -> None:
        if not fields:
            raise ValueError("configurable_fields() needs at least one field=ConfigurableField")
        for key, spec in fields.items():
            if not isinstance(
                spec,
                (ConfigurableField, ConfigurableFieldSingleOption, ConfigurableFieldMultiOption),
            ):
                raise TypeError(
                    f"configurable_fields({key}=...) needs a ConfigurableField, got "
                    f"{type(spec).__name__}"
                )
            if not hasattr(default, key) or key.startswith("_"):
                raise ValueError(
                    f"configurable_fields: {type(default).__name__} has no field {key!r} "
                    f"to configure"
                )
        self.default = default
        self.fields = dict(fields)

    def configurable_fields(self, **fields: Any) -> Runnable[Any, Any]:
        return RunnableConfigurableFields(self.default, {**self.fields, **fields})

    @property
    def config_specs(self) -> list[ConfigurableFieldSpec]:
        specs = []
        for key, field in self.fields.items():
            annotation = getattr(field, "annotation", None)
            default = getattr(self.default, key, None)
            if not isinstance(field, ConfigurableField):
                annotation, default = str, field.default
            specs.append(
                ConfigurableFieldSpec(
                    field.id, annotation, field.name, field.description, default, field.is_shared
                )
            )
        return specs

    def _prepare(self, config: RunnableConfig) -> Runnable[Any, Any]:
        given = _configurable(config)
        values: dict[str, Any] = {}
        for key, field in self.fields.items():
            if isinstance(field, ConfigurableField):
                if field.id in given:
                    values[key] = given[field.id]
            elif isinstance(field, ConfigurableFieldSingleOption):
                values[key] = _option(field, given.get(field.id) or field.default)
            else:
                chosen = given.get(field.id, field.default)
                values[key] = [_option(field, k) for k in chosen]
        return self.default._configure(values) if values else self.default


def _option(field: ConfigurableFieldSingleOption | ConfigurableFieldMultiOption, key: str) -> Any:
    try:
        return field.options[key]
    except KeyError:
        raise ValueError(
            f"configurable {field.id!r}: unknown option {key!r}; choose from "
            f"{sorted(field.options)}"
        ) from None


Alternative = Runnable[Any, Any] | Callable[[], Runnable[Any, Any]]


class RunnableConfigurableAlternatives(_Dynamic):
    """One of several runnables, chosen per call by `configurable[which.id]`.

    `alternatives` are runnables (anything a chain step can be) or functions making one
    (called per call that chooses them). With `prefix_keys`, a `configurable` key
    `"<which.id>==<key>/<field>"` reaches the chosen alternative as `"<field>"`.
    """

    def __init__(
        self,
        which: ConfigurableField,
        default: Runnable[Any, Any],
        alternatives: Mapping[str, Alternative],
        default_key: str = "default",
        prefix_keys: bool = False,
    ) -> None:
        if not isinstance(which, ConfigurableField):
            raise TypeError(
                f"configurable_alternatives() needs a ConfigurableField first, got "
                f"{type(which).__name__}"
            )
        if default_key in alternatives:
            raise ValueError(
                f"configurable_alternatives: {default_key!r} names the default; give the "
                "alternative another key, or pass default_key="
            )
        self.which = which
        self.default = default
        self.alternatives: dict[str, Alternative] = {
            key: alt if _is_factory(alt) else coerce_to_runnable(alt)
            for key, alt in alternatives.items()
        }
        self.default_key = default_key
        self.prefix_keys = prefix_keys

    def configurable_fields(self, **fields: Any) -> Runnable[Any, Any]:
        return RunnableConfigurableAlternatives(
            self.which,
            self.default.configurable_fields(**fields),
            self.alternatives,
            self.default_key,
            self.prefix_keys,
        )

    @property
    def config_specs(self) -> list[ConfigurableFieldSpec]:
        return [
            ConfigurableFieldSpec(
                self.which.id,
                str,
                self.which.name,
                self.which.description,
                self.default_key,
                self.which.is_shared,
            )
        ]

    def _prepare(self, config: RunnableConfig) -> Runnable[Any, Any]:
        given = _configurable(config)
        key = given.get(self.which.id, self.default_key)
        if self.prefix_keys:
            prefix = f"{self.which.id}=={key}/"
            config["configurable"] = {k.removeprefix(prefix): v for k, v in given.items()}
        if key == self.default_key:
            return self.default
        if key not in self.alternatives:
            raise ValueError(
                f"configurable {self.which.id!r}: unknown alternative {key!r}; choose from "
                f"{sorted([self.default_key, *self.alternatives])}"
            )
        alt = self.alternatives[key]
        return alt if isinstance(alt, Runnable) else coerce_to_runnable(alt())


def _is_factory(alt: Any) -> bool:
    """A function of no arguments that makes the alternative (LangChain accepts these);
    a function of one argument is a step like any other."""
    if not callable(alt) or isinstance(alt, Runnable) or is_foreign_runnable(alt):
        return False
    try:
        params = inspect.signature(alt).parameters.values()
    except (TypeError, ValueError):
        return False
    optional = (inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD)
    return all(p.default is not inspect.Parameter.empty or p.kind in optional for p in params)
