"""Runnables whose settings, or which runnable runs, are chosen per call by
`config["configurable"]`, as LangChain's `configurable_fields` /
`configurable_alternatives`.

>>> from chatplex import PromptTemplate
>>> prompt = PromptTemplate.from_template("Tell a joke about {topic}").configurable_alternatives(
...     ConfigurableField(id="prompt"),
...     default_key="joke",
...     poem=PromptTemplate.from_template("Write a poem about {topic}"),
... )
>>> prompt.invoke({"topic": "tea"}, {"configurable": {"prompt": "poem"}}).to_string()
'Write a poem about tea'

Both are transparent in callbacks and events: the runnable chosen reports itself.

LangChain's own `ConfigurableField`, `ConfigurableFieldSingleOption` /
`ConfigurableFieldMultiOption` and `ConfigurableFieldSpec` are accepted wherever
chatplex's are: they are read by their fields (`as_field`), never by class. A runnable
may name other spellings of its attributes in `field_aliases` (a chat model takes
LangChain's `model_name=` for `model`). `config_specs` of a chain is the union of its
parts' specs, one per id (`config_specs_of`), as in LangChain.
"""

from __future__ import annotations

import enum
import functools
import inspect
import typing
from collections.abc import AsyncIterator
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from itertools import groupby
from typing import Any
from typing import NamedTuple

from ..errors import DeadlineExceededError
from .base import Input
from .base import Output
from .base import Runnable
from .composition import coerce_to_runnable
from .foreign import ForeignRunnable
from .foreign import is_foreign_runnable
from .run_config import RunnableConfig

__all__ = [
    "ConfigurableField",
    "ConfigurableFieldMultiOption",
    "ConfigurableFieldSingleOption",
    "ConfigurableFieldSpec",
    "RunnableConfigurableAlternatives",
    "RunnableConfigurableFields",
    "as_field",
    "as_spec",
    "config_specs_of",
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

_FIELD_SHAPE = ("id", "name", "description", "annotation", "is_shared")
_OPTION_SHAPE = ("id", "options", "default", "name", "description", "is_shared")


def as_field(field: Any, where: str) -> AnyField:
    """chatplex's field for `field`: one of chatplex's as is, another library's (LangChain's
    `ConfigurableField`, `...SingleOption`, `...MultiOption`) by its fields. A
    `ConfigurableFieldSpec` given as a field is a field of its id (its default is the
    runnable's own value). Anything else is a TypeError naming `where`.

    >>> class Field:  # e.g. langchain_core.runnables.ConfigurableField
    ...     id, name, description, annotation, is_shared = "t", None, None, None, False
    >>> as_field(Field(), "configurable_fields(temperature=...)")
    ConfigurableField(id='t', name=None, description=None, annotation=None, is_shared=False)
    """
    if isinstance(
        field, (ConfigurableField, ConfigurableFieldSingleOption, ConfigurableFieldMultiOption)
    ):
        return field
    if isinstance(getattr(field, "id", None), str):
        if all(hasattr(field, a) for a in _OPTION_SHAPE):
            values = [getattr(field, a) for a in _OPTION_SHAPE]
            values[1] = dict(values[1])
            if isinstance(field.default, str):
                return ConfigurableFieldSingleOption(*values)
            values[2] = list(values[2])
            return ConfigurableFieldMultiOption(*values)
        if all(hasattr(field, a) for a in _FIELD_SHAPE):
            return ConfigurableField(*(getattr(field, a) for a in _FIELD_SHAPE))
    raise TypeError(
        f"{where} needs a ConfigurableField (or a ConfigurableFieldSingleOption / "
        f"MultiOption), got {type(field).__name__}"
    )


_SPEC_SHAPE = ConfigurableFieldSpec._fields


@functools.cache
def _field_types(cls: Any) -> dict[str, Any]:
    """The types of a runnable class's settings, as its constructor and class declare
    them: what a spec names where its field gives none (LangChain takes the pydantic
    field's). Empty where they cannot be read (a name known only to type checkers)."""
    try:
        return {**typing.get_type_hints(cls), **typing.get_type_hints(cls.__init__)}
    except Exception:  # (not resolvable here: the spec then names no type, as before)
        return {}


def as_spec(spec: Any) -> ConfigurableFieldSpec:
    """chatplex's `ConfigurableFieldSpec` for another library's (read by its fields)."""
    if isinstance(spec, ConfigurableFieldSpec):
        return spec
    values: list[Any] = [getattr(spec, a, None) for a in _SPEC_SHAPE]
    return ConfigurableFieldSpec(*values)


def _parts(runnable: Any) -> Iterator[Any]:
    """The runnables a composite holds (its steps, branches, bound runnable...), read
    from its public attributes."""
    for name, value in getattr(runnable, "__dict__", {}).items():
        if name.startswith("_"):
            continue
        items: Iterable[Any] = (
            value.values()
            if isinstance(value, Mapping)
            else value
            if isinstance(value, (list, tuple))
            else (value,)
        )
        for item in items:
            if isinstance(item, Runnable) or is_foreign_runnable(item):
                yield item
            elif isinstance(item, tuple):  # a branch's (condition, runnable)
                yield from (i for i in item if isinstance(i, Runnable))


def config_specs_of(runnable: Runnable[Any, Any]) -> list[ConfigurableFieldSpec]:
    """`runnable.config_specs` for a runnable that defines none itself: its parts'
    specs (a foreign runnable's own), one per id, sorted by id (LangChain's
    `get_unique_config_specs`); the same id with different specs is a ValueError."""
    if isinstance(runnable, ForeignRunnable):
        return unique_specs(getattr(runnable.foreign, "config_specs", None) or [])
    return unique_specs(
        spec for part in _parts(runnable) for spec in getattr(part, "config_specs", None) or []
    )


def unique_specs(specs: Iterable[Any]) -> list[ConfigurableFieldSpec]:
    """One spec per id, sorted by id; identical duplicates merged, others a ValueError."""
    converted = sorted((as_spec(s) for s in specs), key=lambda s: (s.id, *(s.dependencies or [])))
    unique: list[ConfigurableFieldSpec] = []
    for spec_id, group in groupby(converted, key=lambda s: s.id):
        first, *others = list(group)
        if any(other != first for other in others):
            raise ValueError(f"conflicting config specs for {spec_id!r}: {[first, *others]}")
        unique.append(first)
    return unique


def _configurable(config: RunnableConfig) -> Mapping[str, Any]:
    return config.get("configurable") or {}


class DelegatingRunnable(Runnable[Input, Output]):
    """Runs each call on the runnable `_prepare` picks for its config, with the same
    config; transparent in callbacks and events (the chosen runnable reports itself).
    Shared by the configurable runnables here and `chat`'s `ConfigurableChatModel`."""

    _run_type = None

    def _prepare(self, config: RunnableConfig) -> Runnable[Input, Output]:
        raise NotImplementedError

    def _deadline_error(self, err: DeadlineExceededError, config: RunnableConfig) -> BaseException:
        try:
            chosen = self._prepare(config)  # the runnable this call ran on
        except Exception:  # (a configurable value it refuses: no call ran)
            return err
        return chosen._deadline_error(err, config)

    def _invoke(self, input: Input, config: RunnableConfig, **kwargs: Any) -> Output:
        return self._prepare(config).invoke(input, config, **kwargs)

    async def _ainvoke(self, input: Input, config: RunnableConfig, **kwargs: Any) -> Output:
        return await self._prepare(config).ainvoke(input, config, **kwargs)

    def _stream(self, input: Input, config: RunnableConfig, **kwargs: Any) -> Iterator[Output]:
        return self._prepare(config).stream(input, config, **kwargs)

    def _astream(
        self, input: Input, config: RunnableConfig, **kwargs: Any
    ) -> AsyncIterator[Output]:
        return self._prepare(config).astream(input, config, **kwargs)


class _Dynamic(DelegatingRunnable[Any, Any]):
    """Picks a runnable per call (`_prepare`); its input streams through it too."""

    default: Runnable[Any, Any]

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

    def __init__(self, default: Runnable[Any, Any], fields: Mapping[str, Any]) -> None:
        if not fields:
            raise ValueError("configurable_fields() needs at least one field=ConfigurableField")
        aliases: Mapping[str, str] = getattr(default, "field_aliases", None) or {}
        checked: dict[str, AnyField] = {}
        for given, spec in fields.items():
            key = aliases.get(given, given)
            if key in checked:
                raise ValueError(f"configurable_fields: {given!r} names {key!r} again")
            checked[key] = as_field(spec, f"configurable_fields({given}=...)")
            if not hasattr(default, key) or key.startswith("_"):
                named = f"{given!r} ({key!r})" if key != given else repr(key)
                raise ValueError(
                    f"configurable_fields: {type(default).__name__} has no field {named} "
                    f"to configure"
                )
        self.default = default
        self.fields = checked

    def configurable_fields(self, **fields: Any) -> Runnable[Any, Any]:
        return RunnableConfigurableFields(self.default, {**self.fields, **fields})

    @property
    def config_specs(self) -> list[ConfigurableFieldSpec]:
        specs = []
        for key, field in self.fields.items():
            kind: Any = type(self.default)  # (mypy reads a Runnable class as unhashable)
            declared = _field_types(kind)
            annotation = getattr(field, "annotation", None) or declared.get(key)
            default = getattr(self.default, key, None)
            if not isinstance(field, ConfigurableField):
                annotation, default = str, field.default
            specs.append(
                ConfigurableFieldSpec(
                    field.id, annotation, field.name, field.description, default, field.is_shared
                )
            )
        return unique_specs([*specs, *self.default.config_specs])

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
        field = as_field(which, "configurable_alternatives()")
        if not isinstance(field, ConfigurableField):
            raise TypeError(
                f"configurable_alternatives() needs a ConfigurableField first, got "
                f"{type(which).__name__}"
            )
        which = field
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
        # The spec's annotation, as LangChain's: an enum of the keys (a config schema
        # lists them), made once so the same runnable twice in a chain gives equal specs.
        self._choices = enum.Enum(  # type: ignore[misc]
            which.name or which.id, [(k, k) for k in [*self.alternatives, default_key]], type=str
        )

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
        """Which alternative, then the default's and the alternatives' own specs (their
        ids prefixed `"<which.id>==<key>/"` with `prefix_keys`), as LangChain's."""
        which = self.which
        specs = [
            ConfigurableFieldSpec(
                which.id,
                self._choices,
                which.name,
                which.description,
                self.default_key,
                which.is_shared,
            )
        ]
        options = [(self.default_key, self.default)]
        options += [(k, alt) for k, alt in self.alternatives.items() if isinstance(alt, Runnable)]
        for key, option in options:
            for spec in option.config_specs:
                if self.prefix_keys and not spec.is_shared:
                    spec = spec._replace(id=f"{which.id}=={key}/{spec.id}")
                specs.append(spec)
        return unique_specs(specs)

    def _prepare(self, config: RunnableConfig) -> Runnable[Any, Any]:
        given = _configurable(config)
        key = given.get(self.which.id, self.default_key)
        if self.prefix_keys:
            prefix = f"{self.which.id}=={key}/"
            config["configurable"] = {k.removeprefix(prefix): v for k, v in given.items()}
        if key == self.default_key:
            return self.default
        if key not in self.alternatives:
            raise ValueError(f"Unknown alternative: {key}")  # LangChain's words
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
