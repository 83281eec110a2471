"""Watching and describing a runnable: its names, repr, event streams, run logs,
input/output schemas, its graph and the config keys it reads.

Mixed into `Runnable`. Each method imports its implementation on first use, so
`import chatplex` pays neither for pydantic nor for the event machinery.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import AsyncIterator
from collections.abc import Awaitable
from collections.abc import Iterator
from collections.abc import Sequence
from typing import TYPE_CHECKING
from typing import Any
from typing import Literal
from typing import overload

from ._late import LATE

if TYPE_CHECKING:
    from pydantic import BaseModel

    from .events import StreamEvent
    from .events_v3_stream import AsyncChatModelStream
    from .events_v3_stream import ChatModelStream
    from .log import RunLog
    from .log import RunLogPatch
    from .run_config import RunnableConfig

__all__ = ["Introspection"]


def _schema_type(model: Any) -> Any:
    """The type a schema stands for: a root model's value type, else the model class
    (read from pydantic's attributes: this module does not import pydantic)."""
    if getattr(model, "__pydantic_root_model__", False):
        return model.model_fields["root"].annotation
    return model


@functools.cache
def _constructor_parameters(kind: Any) -> tuple[inspect.Parameter, ...]:
    """The parameters of class `kind`'s constructor (a signature costs ~20 us: read once
    per class)."""
    try:
        return tuple(inspect.signature(kind).parameters.values())
    except (TypeError, ValueError):  # (a constructor in C)
        return ()


def given_arguments(runnable: Any) -> list[tuple[str, Any]]:
    """The arguments of `runnable`'s constructor it holds under their own names, those
    not at their default, in the constructor's order."""
    held = getattr(runnable, "__dict__", {})
    shown = []
    for parameter in _constructor_parameters(runnable.__class__):
        if parameter.name not in held:
            continue
        value = held[parameter.name]
        try:
            at_default = value is parameter.default or bool(value == parameter.default)
        except Exception:  # an object whose == cannot answer: shown
            at_default = False
        if not at_default:
            shown.append((parameter.name, value))
    return shown


def indented_after_first(text: str, prefix: str) -> str:
    """`text` with its lines after the first indented by `prefix`'s width (a step's repr
    under `| ` or `key: `, as LangChain lays a chain out)."""
    return text.replace("\n", "\n" + " " * len(prefix))


class Introspection:
    """Its names, repr, `to_json`, `astream_events`, `stream_events`, `astream_log`, the
    schema accessors, `config_specs` and `get_graph`."""

    name: str | None = None

    def _named(self, name: str | None) -> None:
        """A constructor's `name=`: its runs' (LangChain's `name` field of every runnable)."""
        if name is not None:
            self.name = name

    def __repr__(self) -> str:
        """`Class(argument=value, ...)`, its constructor's arguments not at their
        default, as LangChain's runnables show their fields (`StrOutputParser()`,
        `JsonOutputParser(pydantic_object=...)`); compositions show their steps. A
        credential is masked (a subclass's `api_key=`, a header, a URL's key)."""
        from ..secret.arguments import masked_settings  # (a repr's: loaded on first use)

        shown = ", ".join(
            f"{name}={masked_settings(value, name)!r}" for name, value in given_arguments(self)
        )
        return f"{type(self).__name__}({shown})"

    def to_json(self) -> dict[str, Any]:
        """Not built: LangChain's serialized form (what `dumpd` and `prompt.save` write)."""
        raise NotImplementedError(
            f"{type(self).__name__}.to_json() is not built: chatplex's own family has no "
            "serialized form or loader (LangChain's `dumpd`/`loads`)"
        )

    def get_name(self, suffix: str | None = None, *, name: str | None = None) -> str:
        """The runnable's name (`name` given here first), with `suffix` added as
        LangChain adds it: `PromptInput`, `my_step_input`."""
        own = name or self._base_name()
        if not suffix:
            return own
        return own + suffix.title() if own[:1].isupper() else f"{own}_{suffix.lower()}"

    def _base_name(self) -> str:
        """The name before any suffix; a runnable whose name is made of its parts'
        (`RunnableParallel<a,b>`) overrides this."""
        return self.name or type(self).__name__

    def _run_name(self) -> str:
        """Its runs' name where their config names none (default: its name)."""
        return self.get_name()

    @overload
    def astream_events(
        self,
        input: Any,
        config: RunnableConfig | None = None,
        *,
        version: Literal["v1", "v2"] = "v2",
        **kwargs: Any,
    ) -> AsyncIterator[StreamEvent]: ...

    @overload
    def astream_events(
        self,
        input: Any,
        config: RunnableConfig | None = None,
        *,
        version: Literal["v3"],
        **kwargs: Any,
    ) -> Awaitable[AsyncChatModelStream]: ...

    def astream_events(
        self,
        input: Any,
        config: RunnableConfig | None = None,
        *,
        version: Literal["v1", "v2", "v3"] = "v2",
        include_names: Sequence[str] | None = None,
        include_types: Sequence[str] | None = None,
        include_tags: Sequence[str] | None = None,
        exclude_names: Sequence[str] | None = None,
        exclude_types: Sequence[str] | None = None,
        exclude_tags: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[StreamEvent] | Awaitable[AsyncChatModelStream]:
        """Stream every step's start, stream and end as LangChain v2 event dicts.

        >>> async for event in chain.astream_events({"topic": "tea"}):  # doctest: +SKIP
        ...     if event["event"] == "on_chat_model_stream":
        ...         print(event["data"]["chunk"].text, end="", flush=True)

        See `chatplex.core.events` for the event shapes, filters and error rules.
        `version="v3"` (a chat model's): awaited, its typed stream
        (`chatplex.core.events_v3`).
        """
        if version == "v3":
            return self._v3_events((input, config, kwargs), True)  # type: ignore[no-any-return]
        from ._watch import WatchedCall
        from .events import astream_events

        filters = (
            include_names,
            include_types,
            include_tags,
            exclude_names,
            exclude_types,
            exclude_tags,
        )
        call = WatchedCall(self, input, config, filters, kwargs)  # type: ignore[arg-type]
        return astream_events(call, version)

    @overload
    def stream_events(
        self,
        input: Any,
        config: RunnableConfig | None = None,
        *,
        version: Literal["v1", "v2"] = "v2",
        **kwargs: Any,
    ) -> Iterator[StreamEvent]: ...

    @overload
    def stream_events(
        self,
        input: Any,
        config: RunnableConfig | None = None,
        *,
        version: Literal["v3"],
        **kwargs: Any,
    ) -> ChatModelStream: ...

    def stream_events(
        self,
        input: Any,
        config: RunnableConfig | None = None,
        *,
        version: Literal["v1", "v2", "v3"] = "v2",
        include_names: Sequence[str] | None = None,
        include_types: Sequence[str] | None = None,
        include_tags: Sequence[str] | None = None,
        exclude_names: Sequence[str] | None = None,
        exclude_types: Sequence[str] | None = None,
        exclude_tags: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> Iterator[StreamEvent] | ChatModelStream:
        """`astream_events` for sync code: the same events, from the sync `stream` path.

        >>> for event in chain.stream_events({"topic": "tea"}):  # doctest: +SKIP
        ...     print(event["event"], event["name"])
        """
        if version == "v3":
            return self._v3_events((input, config, kwargs), False)  # type: ignore[no-any-return]
        from ._watch import WatchedCall
        from .events import stream_events

        filters = (
            include_names,
            include_types,
            include_tags,
            exclude_names,
            exclude_types,
            exclude_tags,
        )
        call = WatchedCall(self, input, config, filters, kwargs)  # type: ignore[arg-type]
        return stream_events(call, version)

    def _v3_events(self, call: tuple[Any, Any, dict[str, Any]], asynchronous: bool) -> Any:
        """Version "v3" of `stream_events` / `astream_events` (`call`: the input, config
        and keyword arguments): a chat model's typed stream, or a binding's of one. A chat
        model is known as `foreign.py` knows one, by its `bind_tools`. Any other runnable
        refuses it, as LangChain's do (async: on `await`)."""
        from . import events_v3

        if callable(getattr(self, "bind_tools", None)):
            opened = events_v3.astream_v3 if asynchronous else events_v3.stream_v3
            return opened(self, *call)
        if asynchronous:
            return events_v3.async_unsupported(self)
        raise events_v3.unsupported(self, "stream_events")

    @overload
    def astream_log(
        self,
        input: Any,
        config: RunnableConfig | None = None,
        *,
        diff: Literal[True] = True,
        with_streamed_output_list: bool = True,
        include_names: Sequence[str] | None = None,
        include_types: Sequence[str] | None = None,
        include_tags: Sequence[str] | None = None,
        exclude_names: Sequence[str] | None = None,
        exclude_types: Sequence[str] | None = None,
        exclude_tags: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[RunLogPatch]: ...

    @overload
    def astream_log(
        self,
        input: Any,
        config: RunnableConfig | None = None,
        *,
        diff: Literal[False],
        with_streamed_output_list: bool = True,
        include_names: Sequence[str] | None = None,
        include_types: Sequence[str] | None = None,
        include_tags: Sequence[str] | None = None,
        exclude_names: Sequence[str] | None = None,
        exclude_types: Sequence[str] | None = None,
        exclude_tags: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[RunLog]: ...

    def astream_log(
        self,
        input: Any,
        config: RunnableConfig | None = None,
        *,
        diff: bool = True,
        with_streamed_output_list: bool = True,
        include_names: Sequence[str] | None = None,
        include_types: Sequence[str] | None = None,
        include_tags: Sequence[str] | None = None,
        exclude_names: Sequence[str] | None = None,
        exclude_types: Sequence[str] | None = None,
        exclude_tags: Sequence[str] | None = None,
        **kwargs: Any,
    ) -> AsyncIterator[RunLogPatch] | AsyncIterator[RunLog]:
        """Stream the run as JSON-Patch operations (`RunLogPatch`; add them up into a
        `RunLog`), or the accumulated `RunLog` after each step with `diff=False`.

        >>> async for patch in chain.astream_log({"topic": "tea"}):  # doctest: +SKIP
        ...     print(patch.ops)

        See `chatplex.core.log` for the state's shape.
        """
        from ._watch import WatchedCall
        from .log import astream_log

        filters = (
            include_names,
            include_types,
            include_tags,
            exclude_names,
            exclude_types,
            exclude_tags,
        )
        call = WatchedCall(self, input, config, filters, kwargs)  # type: ignore[arg-type]
        return astream_log(call, diff, with_streamed_output_list)

    # ---- schemas -----------------------------------------------------------------------

    @property
    def input_schema(self) -> type[BaseModel]:
        """A pydantic model of what `invoke` accepts.

        >>> ChatPromptTemplate.from_template("{topic}").input_schema.model_json_schema()
        ... # doctest: +SKIP
        {'properties': {'topic': {'title': 'Topic', 'type': 'string'}}, ...}
        """
        return self.get_input_schema()

    @property
    def output_schema(self) -> type[BaseModel]:
        """A pydantic model of what `invoke` returns."""
        return self.get_output_schema()

    @property
    def InputType(self) -> Any:  # noqa: N802 - LangChain's name
        """The type `invoke` accepts (a pydantic model class for an object input)."""
        return _schema_type(self.get_input_schema())

    @property
    def OutputType(self) -> Any:  # noqa: N802 - LangChain's name
        """The type `invoke` returns."""
        return _schema_type(self.get_output_schema())

    def get_input_schema(self, config: RunnableConfig | None = None) -> type[BaseModel]:
        """`input_schema`; override to describe a custom runnable's input."""
        return LATE.input_schema(self)  # type: ignore[no-any-return]

    def get_output_schema(self, config: RunnableConfig | None = None) -> type[BaseModel]:
        """`output_schema`; override to describe a custom runnable's output."""
        return LATE.output_schema(self)  # type: ignore[no-any-return]

    def get_input_jsonschema(self, config: RunnableConfig | None = None) -> dict[str, Any]:
        """The input schema as a JSON Schema dict."""
        return self.get_input_schema(config).model_json_schema()

    def get_output_jsonschema(self, config: RunnableConfig | None = None) -> dict[str, Any]:
        """The output schema as a JSON Schema dict."""
        return self.get_output_schema(config).model_json_schema()

    # ---- its parts and settings --------------------------------------------------------

    @property
    def config_specs(self) -> list[Any]:
        """The `config["configurable"]` keys this runnable reads (`ConfigurableFieldSpec`s):
        a composite's are its parts', one per id, as in LangChain. See `configurable.py`."""
        return LATE.config_specs(self)  # type: ignore[no-any-return]

    def config_schema(self, *, include: Sequence[str] | None = None) -> type[BaseModel]:
        """A pydantic model of the config this runnable reads: `configurable` (one field
        per `config_specs` entry) and the config keys named in `include`."""
        return LATE.config_schema(self, include)  # type: ignore[no-any-return]

    def get_config_jsonschema(self, *, include: Sequence[str] | None = None) -> dict[str, Any]:
        """`config_schema` as a JSON Schema dict."""
        return self.config_schema(include=include).model_json_schema()

    def get_graph(self, config: RunnableConfig | None = None) -> Any:
        """The steps as a graph (`.nodes`, `.edges`, `.draw_mermaid()`, `.draw_ascii()`),
        as LangChain's."""
        return LATE.graph(self, config)

    def get_prompts(self, config: RunnableConfig | None = None) -> list[Any]:
        """The prompt templates among this runnable's steps, in graph order."""
        return [
            node.data
            for node in self.get_graph(config).nodes.values()
            if getattr(node.data, "_run_type", None) == "prompt"
            and callable(getattr(node.data, "format_prompt", None))
        ]
