"""`with_structured_output`: a chat model whose replies are parsed into a schema.

Schemas: a pydantic class (replies become instances), a TypedDict or a JSON-schema dict
(replies become dicts; a TypedDict is validated too). Methods, on both providers:

- `"function_calling"`: the schema is offered as the only tool and the model is made to
  call it (Anthropic: a forced tool); the call's arguments are the reply.
- `"json_schema"`: the provider's structured-output format (OpenAI `response_format`
  `json_schema`, Anthropic `output_config.format`); the reply text is the JSON. On
  OpenAI the body is langchain-openai's: a pydantic class is always sent strict (the
  openai SDK's strict schema), other schemas with `"strict": false` unless
  `strict=True`, which also makes the schema strict (`adapters.strict_schema`).
- `"json_mode"`: OpenAI's `{"type": "json_object"}` (the prompt must ask for JSON; the
  schema only parses). Anthropic has no JSON mode: it gets `"json_schema"`, as in
  LangChain.

A reply that does not fit raises `StructuredOutputError`, which carries the raw message
(`.raw`); with `include_raw=True` the result is `{"raw", "parsed", "parsing_error"}`
instead and nothing raises. Streams yield the object as far as it has arrived (as
LangChain's parsers stream it): partial dicts, or pydantic objects once they validate.

>>> from pydantic import BaseModel
>>> class Joke(BaseModel):
...     setup: str
...     punchline: str
>>> joker = model.with_structured_output(Joke)  # doctest: +SKIP
>>> joker.invoke("Tell me a joke about cats")  # doctest: +SKIP
Joke(setup='...', punchline='...')
"""

from __future__ import annotations

import json
import warnings
from collections.abc import AsyncIterator
from collections.abc import Iterator
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import KW_ONLY
from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Any
from typing import Protocol

from ..adapters.output_formats import openai_json_schema
from ..adapters.output_formats import response_format_schema
from ..adapters.request_types import ToolDefinitionError
from ..adapters.structured_profile import StructuredProfile
from ..core import OutputParserException
from ..core import Runnable
from ..core import RunnableParallel
from ..core.frames import user_stacklevel
from ..core.run_config import RunnableConfig
from ..messages import AIMessage
from ..messages import AIMessageChunk
from ..messages import merge_chunks
from ..sdk_error_families import ErrorFamily
from ..sdk_errors import sdk_compatible
from .call import OnWire
from .partial_json import parse_json_text
from .partial_json import partial_value

if TYPE_CHECKING:
    from ..adapters.base import Adapter

__all__ = [
    "METHODS",
    "StructuredOutputError",
    "StructuredParser",
    "default_method",
    "format_settings",
    "structured_output",
    "wire_method",
]

METHODS = ("function_calling", "json_schema", "json_mode")


class Structurable(OnWire, Protocol):
    """What `structured_output` reads of a model (a `ChatModel`): its wire, provider and
    model name, its own default method, and the copies it binds settings or a forced
    tool on."""

    #: The method it asks when none is named and its wire declares none.
    structured_output_method: str

    def bind(self, **settings: Any) -> Runnable[Any, AIMessage]: ...

    def bind_tools(
        self,
        tools: Sequence[Any],
        *,
        tool_choice: Any = None,
        strict: bool | None = None,
        parallel_tool_calls: bool | None = None,
    ) -> Runnable[Any, AIMessage]: ...


class StructuredOutputError(OutputParserException):
    """A reply that does not fit the schema. `.raw`: the model's message; `.value`: the
    JSON that came (None when none parsed); `__cause__`: the validation error.

    An `OutputParserException` (chatplex's, with the reply's text as `llm_output`), as
    LangChain's structured output raises; when the script has imported langchain_core,
    LangChain's too, so an `except OutputParserException:` or a
    `with_retry`/`with_fallbacks` on it still holds after the import swap, whichever
    family the script's names come from."""

    def __init__(self, message: str, *, raw: AIMessage | None, value: Any = None) -> None:
        super().__init__(message, llm_output=raw.text if isinstance(raw, AIMessage) else None)
        self.raw = raw
        self.value = value
        sdk_compatible(self, (_OUTPUT_PARSER_ERRORS,))

    def __reduce__(self) -> tuple[Any, ...]:
        # Its keyword-only arguments: Exception's own pickling would call it without them
        # (a bulk run's or a Ray worker's row that failed to parse crosses processes).
        message = self.args[0] if self.args else ""
        return (_structured_error, (message, self.raw, self.value))


def _structured_error(message: str, raw: AIMessage | None, value: Any) -> StructuredOutputError:
    return StructuredOutputError(message, raw=raw, value=value)


def _output_parser_class(err: BaseException, exceptions: Any) -> type[BaseException] | None:
    found = getattr(exceptions, "OutputParserException", None)
    return found if isinstance(found, type) and isinstance(err, StructuredOutputError) else None


def _fill_output_parser_fields(err: BaseException) -> None:
    raw = err.__dict__.get("raw")
    err.__dict__.update(
        llm_output=raw.text if isinstance(raw, AIMessage) else None,
        observation=None,
        send_to_llm=False,
    )


_OUTPUT_PARSER_ERRORS = ErrorFamily(
    "langchain_core.exceptions", _output_parser_class, _fill_output_parser_fields
)


@dataclass(frozen=True)
class OutputSchema:
    """A schema as the parsers use it: the JSON schema sent, and how to validate."""

    name: str
    description: str
    parameters: dict[str, Any]
    kind: str  # "pydantic" | "typeddict" | "json" | "none" (json_mode without schema)
    target: Any = None
    #: False where a dict schema gave no description (`ToolSpec.described`).
    described: bool = True

    def validate(self, value: Any, raw: AIMessage | None) -> Any:
        """The schema's value for `value` (JSON); StructuredOutputError if it does not fit."""
        if self.kind in ("json", "none"):
            return value
        from pydantic import TypeAdapter
        from pydantic import ValidationError

        try:
            if self.kind == "pydantic":
                return self.target.model_validate(value)
            return TypeAdapter(self.target).validate_python(value)
        except ValidationError as exc:
            raise StructuredOutputError(
                f"the reply does not fit {self.name}: {exc}", raw=raw, value=value
            ) from exc

    def partial(self, value: Any) -> Any:
        """A partial value as streams yield it: pydantic objects only once they validate."""
        if self.kind != "pydantic" or value is None:
            return value
        from pydantic import ValidationError

        try:
            return self.target.model_validate(value)
        except ValidationError:
            return None


def output_schema(schema: Any, *, untitled: bool = False) -> OutputSchema:
    """Whatever `with_structured_output` was given, as an `OutputSchema`. `untitled`: a
    JSON-schema dict without a title is taken as given, nameless (a wire that sends it
    as given, `Adapter.untitled_schema_sent`), where it is otherwise a ValueError."""
    from ..adapters.inline_refs import inline_refs
    from ..adapters.tools import to_tool_spec
    from ..adapters.typeddicts import is_typeddict

    if schema is None:
        return OutputSchema("json", "", {}, "none")
    if isinstance(schema, Mapping) and response_format_schema(schema) is not None:
        inner = response_format_schema(schema) or {}
        name, described = inner.get("name"), inner.get("description")
        if not isinstance(name, str) or not isinstance(inner.get("schema"), Mapping):
            raise ToolDefinitionError(
                f"a json_schema response format needs a name and a schema: {schema!r:.80}"
            )
        spec = to_tool_spec({"name": name, "parameters": inner["schema"]})
        description = described if isinstance(described, str) else ""
        return OutputSchema(spec.name, description, spec.parameters, "json")
    try:
        spec = to_tool_spec(schema)
    except TypeError as exc:
        if not isinstance(schema, Mapping):
            raise
        if untitled and ("properties" in schema or "type" in schema):
            return OutputSchema("", "", dict(schema), "json", schema)
        # A dict that names no schema (a JSON schema without a title): a bad value, the
        # ValueError langchain-core's convert_to_openai_tool raises for it.
        raise ValueError(str(exc)) from exc
    if isinstance(schema, type) and is_typeddict(schema):
        # Nested TypedDicts in place, as langchain-core's convert_to_json_schema has them.
        inlined = inline_refs(spec.parameters)
        return OutputSchema(spec.name, spec.description, inlined, "typeddict", schema)
    is_model = isinstance(schema, type) and hasattr(schema, "model_validate")
    kind = "pydantic" if is_model else "json"
    return OutputSchema(spec.name, spec.description, spec.parameters, kind, schema, spec.described)


# LangChain's parser class for each (source, kind), used as the parser's run name so
# events and logs read as they do there.
_PARSER_NAMES = {
    ("tool", "pydantic"): "PydanticToolsParser",
    ("tool", "typeddict"): "JsonOutputKeyToolsParser",
    ("tool", "json"): "JsonOutputKeyToolsParser",
    ("text", "pydantic"): "PydanticOutputParser",
}


class StructuredParser(Runnable[Any, Any]):
    """A reply (message or stream of chunks) → the schema's value.

    `source`: "tool" (the arguments of the call to the schema's tool) or "text" (the
    reply's JSON text). `partials`: whether a stream yields the value as it grows."""

    _run_type = "parser"

    def __init__(self, schema: OutputSchema, source: str, *, partials: bool = True) -> None:
        self.schema = schema
        self.source = source
        self.partials = partials
        self.name = _PARSER_NAMES.get((source, schema.kind), "JsonOutputParser")

    def _json(self, message: AIMessage, *, partial: bool) -> Any:
        """The JSON of the reply (None: none yet, while partial)."""
        if self.source == "text":
            try:
                return parse_json_text(message.text, partial=partial)
            except json.JSONDecodeError as exc:
                raise StructuredOutputError(
                    f"the reply is not JSON: {exc}", raw=message, value=message.text
                ) from exc
        if isinstance(message, AIMessageChunk) and partial:
            for call in message.tool_call_chunks:
                if call.get("name") == self.schema.name:
                    raw = call.get("args") or ""
                    value = partial_value(raw) if raw else {}
                    return value if isinstance(value, dict) else None
            return None
        if isinstance(message, AIMessageChunk):
            message = message.to_message()
        for tool_call in message.tool_calls:
            if tool_call["name"] == self.schema.name:
                return tool_call["args"]
        bad = [c for c in message.invalid_tool_calls if c.get("name") == self.schema.name]
        what = f"arguments that are not JSON: {bad[0].get('args')!r}" if bad else "no call"
        raise StructuredOutputError(
            f"the reply has {what} of the tool {self.schema.name!r}", raw=message
        )

    def parse(self, message: AIMessage) -> Any:
        """The schema's value for a complete reply; StructuredOutputError if none fits."""
        if not isinstance(message, AIMessage):
            raise TypeError(f"expected the model's AIMessage, got {type(message).__name__}")
        return self.schema.validate(self._json(message, partial=False), message)

    def _invoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        return self.parse(input)

    async def _ainvoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Any:
        return self.parse(input)

    def _transform(
        self, chunks: Iterator[Any], config: RunnableConfig, **kwargs: Any
    ) -> Iterator[Any]:
        values = _StreamedValues(self)
        for chunk in chunks:
            if not isinstance(chunk, AIMessageChunk):  # a whole message: nothing partial
                yield self.parse(chunk)
                return
            yield from values.grown(chunk)
        yield from values.final()

    async def _atransform(
        self, chunks: AsyncIterator[Any], config: RunnableConfig, **kwargs: Any
    ) -> AsyncIterator[Any]:
        values = _StreamedValues(self)
        async for chunk in chunks:
            if not isinstance(chunk, AIMessageChunk):
                yield self.parse(chunk)
                return
            for value in values.grown(chunk):
                yield value
        for value in values.final():
            yield value

    def _stream(self, input: Any, config: RunnableConfig, **kwargs: Any) -> Iterator[Any]:
        yield self.parse(input)

    async def _astream(
        self, input: Any, config: RunnableConfig, **kwargs: Any
    ) -> AsyncIterator[Any]:
        yield self.parse(input)


class _StreamedValues:
    """What a streamed reply yields through a `StructuredParser`: each partial value that
    differs from the one before (when `partials`) as the reply grows, then the final
    value unless it repeats the last one."""

    __slots__ = ("parser", "previous", "seen")

    def __init__(self, parser: StructuredParser) -> None:
        self.parser = parser
        self.seen: list[AIMessageChunk] = []
        self.previous: Any = None

    def grown(self, chunk: AIMessageChunk) -> tuple[Any, ...]:
        """The new partial value `chunk` brings, if any."""
        self.seen.append(chunk)
        if not self.parser.partials:
            return ()
        parser = self.parser
        value = parser.schema.partial(parser._json(merge_chunks(self.seen), partial=True))
        if value is None or value == self.previous:
            return ()
        self.previous = value
        return (value,)

    def final(self) -> tuple[Any, ...]:
        """The value of the whole reply, unless it is the last partial one again."""
        if not self.seen:
            return ()
        value = self.parser.parse(merge_chunks(self.seen).to_message())
        return () if value == self.previous else (value,)


@dataclass(eq=False, repr=False)  # a runnable is itself, not its fields
class _WithRaw(Runnable[Any, dict[str, Any]]):
    """`include_raw=True`: `{"raw": message}` → `{"raw", "parsed", "parsing_error"}`.

    `parsed_key`: the raw reply also carries `additional_kwargs["parsed"]`, as the openai
    SDK's `parse()` gives langchain-openai's replies to a `response_format` call: the
    pydantic object for a pydantic schema, else None."""

    _run_type = "chain"
    name = "RunnableAssign"

    parser: StructuredParser
    _: KW_ONLY
    parsed_key: bool = False
    #: Whether the key is there (None) when no pydantic object was parsed.
    parsed_none: bool = True
    #: Where not `parsed_none`: whether a schema's JSON (a dict's, a TypedDict's) is
    #: kept too (a JSON schema's reply, which langchain-openai's Responses path reads
    #: into the key; a JSON mode reply it leaves without).
    schema_json: bool = False

    def _invoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> dict[str, Any]:
        raw = input["raw"]
        try:
            parsed = self.parser.parse(raw)
        except StructuredOutputError as exc:
            return {"raw": self._keyed(raw, None), "parsed": None, "parsing_error": exc}
        return {"raw": self._keyed(raw, parsed), "parsed": parsed, "parsing_error": None}

    def _keyed(self, raw: Any, parsed: Any) -> Any:
        if not self.parsed_key or not isinstance(raw, AIMessage):
            return raw
        kept = parsed if self.parser.schema.kind == "pydantic" else None
        if kept is None and not self.parsed_none:
            if not self.schema_json or parsed is None:
                return raw
            kept = parsed
        raw.additional_kwargs = {**raw.additional_kwargs, "parsed": kept}
        return raw

    async def _ainvoke(self, input: Any, config: RunnableConfig, **kwargs: Any) -> dict[str, Any]:
        return self._invoke(input, config)


def structured_output(
    model: Structurable,
    schema: Any,
    *,
    method: str,
    include_raw: bool,
    strict: bool | None,
) -> Runnable[Any, Any]:
    """The runnable `model.with_structured_output(...)` returns (see the module doc)."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(METHODS)}; got {method!r}")
    adapter = model.adapter
    profile = adapter.structured if adapter is not None else StructuredProfile()
    # A wire whose schema outputs are enforced by design (its profile says so): strict=
    # is refused there, and partial values are streamed.
    enforced = profile.schema_enforced
    if method == "json_mode":
        method = profile.json_mode  # a wire without JSON mode maps it, as LangChain does
    refused = profile.strict_refused
    if strict is not None and (refused or enforced or method == "json_mode"):
        raise ValueError(f"strict= is not supported with method={method!r} on {model.provider}")
    if schema is None and method != "json_mode":
        raise ValueError(f"method={method!r} needs a schema (only json_mode works without)")
    sent_as_given = profile.untitled_schema_sent
    spec = output_schema(schema, untitled=sent_as_given and method != "function_calling")
    bound: Runnable[Any, Any]
    parsed_key = False
    if method == "function_calling":
        bound = _forced_tool(model, spec, strict)
        parser = StructuredParser(spec, "tool")
    else:
        # Whether the raw reply of a response_format call carries
        # `additional_kwargs["parsed"]` (OpenAI's wires, read as the SDK's parse()).
        parsed_key = profile.parsed_key
        settings = format_settings(model.provider, spec, schema, method, strict, adapter)
        bound = model.bind(**settings)
        # LangChain's OpenAI parser for pydantic schemas takes the whole reply at once;
        # a wire that streams partial values says so.
        streams = profile.partials
        partials = method != "json_schema" or enforced or streams or spec.kind != "pydantic"
        parser = StructuredParser(spec, "text", partials=partials)
    if include_raw:
        parsed_none = profile.parsed_none
        keyed = _WithRaw(
            parser,
            parsed_key=parsed_key,
            parsed_none=parsed_none,
            schema_json=method == "json_schema",
        )
        return RunnableParallel(raw=bound) | keyed
    return bound | parser


def default_method(adapter: Adapter | None, own: Any) -> str:
    """The method `with_structured_output` uses when none is named: the one the wire's
    adapter names (a wire that takes no tools, or cannot force a tool call, asks for
    "json_schema"), else the model's `own`, else LangChain's "function_calling"."""
    declared = None if adapter is None else adapter.structured.method
    return next((m for m in (declared, own) if isinstance(m, str)), "function_calling")


def wire_method(model: Structurable, method: str | None, name: str | None) -> str | None:
    """`method` (None: the default) as `model`'s wire answers it on the model `name`:
    "json_schema" by function calling where its profile says the model lacks it (with
    the wire's warning), else as asked."""
    adapter = model.adapter
    fallback = None if adapter is None else adapter.structured.json_schema_fallback
    own = model.structured_output_method
    if fallback is None or (method or default_method(adapter, own)) != "json_schema":
        return method
    warning = fallback(name)
    if warning is None:
        return method
    warnings.warn(warning, stacklevel=user_stacklevel())  # either family's caller
    return "function_calling"


def format_settings(
    provider: str,
    spec: OutputSchema,
    schema: Any,
    method: str,
    strict: bool | None,
    adapter: Adapter | None = None,
) -> dict[str, Any]:
    """The settings that ask `provider`'s wire for the reply as JSON text, by `method`
    ("json_schema" or "json_mode", already mapped by the adapter's `json_mode`), as the
    provider's LangChain package sends them. `chatplex.langchain` binds the same ones.
    The adapter's `structured_output_settings(spec, schema, method, strict)` says them
    for its own wire; the default (no adapter, or it returns None) is a
    `response_format`, the shape most wires copy."""
    own = adapter.structured_output_settings(spec, schema, method, strict) if adapter else None
    if own is not None:
        return own
    if method == "json_schema":
        return {"response_format": openai_json_schema(spec, schema, strict)}
    return {"response_format": {"type": "json_object"}}


def _forced_tool(
    model: Structurable, spec: OutputSchema, strict: bool | None
) -> Runnable[Any, AIMessage]:
    """The schema as the one tool the model must call (`forced_tool_keywords`)."""
    from ..adapters.request_types import ToolSpec

    tool = ToolSpec(spec.name, spec.description, spec.parameters, described=spec.described)
    profile = _profile(model)
    keywords = _forced_keywords(model, profile, spec.name, strict)
    if not profile.forces(model.model):  # the model refuses a forced choice
        warnings.warn(
            f"{model.model} refuses a forced tool choice: the tool {spec.name!r} is offered "
            "unforced, and a reply may come without its call. Consider method='json_schema'.",
            UserWarning,
            stacklevel=user_stacklevel(),
        )
    return model.bind_tools([tool], **keywords)


def _profile(model: Structurable) -> StructuredProfile:
    adapter = model.adapter
    return adapter.structured if adapter is not None else StructuredProfile()


def _forced_keywords(
    model: Structurable, profile: StructuredProfile, name: str, strict: bool | None
) -> dict[str, Any]:
    keywords: dict[str, Any] = {}
    if profile.forces(model.model):
        keywords["tool_choice"] = profile.tool_choice or name
    if profile.forced_tool_settings:
        keywords["strict"] = strict
        if profile.single_call(model.model):
            keywords["parallel_tool_calls"] = False
    return profile.enabled(keywords)


def forced_tool_keywords(
    model: Structurable, schema: Any, strict: bool | None = None
) -> dict[str, Any]:
    """The `bind_tools` keywords `forced_tool_model` binds `schema` with, as its partner
    package binds them for `with_structured_output(method="function_calling")`: the
    `tool_choice` names the tool, unless the wire's profile declares the keyword its
    form takes instead (`StructuredProfile.tool_choice`, e.g. "any"); on OpenAI,
    `parallel_tool_calls` false and `strict` as given."""
    return _forced_keywords(model, _profile(model), output_schema(schema).name, strict)


def forced_tool_model(
    model: Structurable, schema: Any, strict: bool | None = None
) -> Runnable[Any, AIMessage]:
    """`model` with `schema` bound as the one tool it must call, as its partner package
    binds it for `with_structured_output(method="function_calling")`: what the LangChain
    chat models over the drop-ins (`chatplex.langchain`) send, their parsing LangChain's."""
    return _forced_tool(model, output_schema(schema), strict)
