"""The structured-output formats of the two wires most others copy, as their LangChain
packages send them (pure data, no I/O): an OpenAI `response_format` (the interface's
default, `chat.structured.format_settings`, and the OpenAI-compatible presets' "openai"
shape) and Anthropic's `output_config.format` schema (Anthropic's wire, and any wire
that carries Anthropic's models); and the schema as given, where a wire's partner
package passes schemas through (`given_json_schema`). Below chat/ so that a provider
folder's translation builds on it without reaching up.

>>> response_format_schema({"type": "json_schema", "json_schema": {"name": "N", "schema": {}}})
{'name': 'N', 'schema': {}}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from typing import Protocol

__all__ = [
    "SchemaSpec",
    "anthropic_json_schema",
    "given_json_schema",
    "openai_json_schema",
    "response_format_schema",
    "titled_schema",
]


class SchemaSpec(Protocol):
    """What these formats read of a structured-output schema (`chat.structured.OutputSchema`)."""

    @property
    def name(self) -> str: ...

    @property
    def description(self) -> str: ...

    @property
    def parameters(self) -> dict[str, Any]: ...

    @property
    def kind(self) -> str: ...

    @property
    def target(self) -> Any: ...


def response_format_schema(schema: Mapping[str, Any]) -> Mapping[str, Any] | None:
    """The `json_schema` object of a dict given in OpenAI's response-format shapes
    (`{"type": "json_schema", "json_schema": {...}}` or `{"name", "schema"}`), else None."""
    if schema.get("type") == "json_schema" and isinstance(schema.get("json_schema"), Mapping):
        inner: Mapping[str, Any] = schema["json_schema"]
        return inner
    if "name" in schema and "schema" in schema:
        return schema
    return None


def anthropic_json_schema(spec: SchemaSpec, given: Any) -> dict[str, Any]:
    """The `output_config.format.schema` langchain-anthropic sends for
    `method="json_schema"`: the anthropic SDK's `transform_schema` of the pydantic
    model's schema, of the dict as given, or of a TypedDict's schema with its title and
    description."""
    from .strict_schema import anthropic_output_schema

    if spec.kind == "pydantic":
        return anthropic_output_schema(spec.target.model_json_schema())
    if isinstance(given, Mapping) and response_format_schema(given) is None:
        return anthropic_output_schema(dict(given))
    return anthropic_output_schema(titled_schema(spec))


def titled_schema(spec: SchemaSpec) -> dict[str, Any]:
    """langchain-core's `convert_to_json_schema` of a TypedDict or a tool dict: its title
    (the schema's name), its description when it has one, then its parameters.

    >>> class Spec:
    ...     name, description, kind, target = "Reminder", "A reminder.", "typeddict", None
    ...     parameters = {"type": "object", "properties": {}}
    >>> titled_schema(Spec())
    {'title': 'Reminder', 'description': 'A reminder.', 'type': 'object', 'properties': {}}
    """
    titled: dict[str, Any] = {"title": spec.name}
    if spec.description:
        titled["description"] = spec.description
    return {**titled, **spec.parameters}


def openai_json_schema(spec: SchemaSpec, given: Any, strict: bool | None) -> dict[str, Any]:
    """The `response_format` langchain-openai sends for `method="json_schema"`: a
    pydantic class goes through the openai SDK, which always sends it strict (its strict
    form of the model's own schema, titles kept); other schemas go with `strict` as
    given, else the schema dict's own `strict`, else false, made strict when true."""
    from .strict_schema import strict_model_schema
    from .strict_schema import strict_tool_schema

    if spec.kind == "pydantic":
        schema = strict_model_schema(spec.target.model_json_schema())
        inner: dict[str, Any] = {"schema": schema, "name": spec.target.__name__, "strict": True}
        return {"type": "json_schema", "json_schema": inner}
    if isinstance(given, Mapping):
        wrapped = response_format_schema(given)
        if wrapped is not None:
            if strict is not None and "strict" in wrapped and wrapped["strict"] is not strict:
                raise ValueError(
                    f"the schema already has strict={wrapped['strict']}, which differs from "
                    f"strict={strict}: set it in one place"
                )
            return {"type": "json_schema", "json_schema": dict(wrapped)}
        if strict is None and isinstance(given.get("strict"), bool):
            strict = given["strict"]
    strict = bool(strict)
    inner = {"name": spec.name, "schema": spec.parameters, "strict": strict}
    if spec.description:
        inner["description"] = spec.description
    if strict:
        inner["schema"] = strict_tool_schema(spec.parameters)
    return {"type": "json_schema", "json_schema": inner}


def given_json_schema(spec: Any, given: object) -> dict[str, Any] | None:
    """The schema a wire sends for `with_structured_output` as the partner packages that
    pass schemas through send it: a pydantic model's own JSON schema (titles kept,
    nothing made strict), a JSON-schema dict (one with `properties` or `type`) as given;
    None for anything else (a TypedDict, a tool dict: the wire builds it from
    `spec.parameters`). `spec` is `with_structured_output`'s reading of the schema
    (`kind`, `target`)."""
    if spec.kind == "pydantic":
        return spec.target.model_json_schema()  # type: ignore[no-any-return]
    if isinstance(given, Mapping) and ("properties" in given or "type" in given):
        return dict(given)
    return None
