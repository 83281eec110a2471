"""The `response_format` a preset's partner package sends for `with_structured_output`,
by the shape its profile declares (`Profile.json_schema_shape`), so a drop-in sends the
bytes its LangChain class sent:

- "openai": langchain-openai's (`adapters.output_formats.openai_json_schema`: a pydantic class
  strict, other schemas with `strict` as given).
- "titled": `{"type": "json_schema", "json_schema": {"name", "schema"}}`, the schema
  with its title and description (langchain-core's `convert_to_json_schema`: nested
  models inlined), `strict` only when given (made strict then).
- "json_object": `{"type": "json_object", "schema": ...}`, the same titled schema.
- "function": `json_schema` of the schema as a tool's function (name, description,
  `strict: true`, its parameters inlined and made strict as `schema`); `strict=` is
  ignored. A response-format dict goes as given.
- "bare": `{"type": "json_schema", "json_schema": {"schema": ...}}`, the titled schema;
  JSON mode is the same (the provider has no other).

JSON mode is `{"type": "json_object"}` on every other shape.

>>> from chatplex.chat.structured import output_schema
>>> spec = output_schema({"title": "Sum", "type": "object", "properties": {}})
>>> response_format("json_object", spec, None, "json_schema", None)["response_format"]
{'type': 'json_object', 'schema': {'title': 'Sum', 'type': 'object', 'properties': {}}}
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ...adapters.inline_refs import inline_refs
from ...adapters.output_formats import SchemaSpec
from ...adapters.output_formats import openai_json_schema
from ...adapters.output_formats import response_format_schema
from ...adapters.pydantic_schema import core_titles_removed
from ...adapters.pydantic_schema import quiet_generator
from ...adapters.strict_schema import strict_tool_schema

__all__ = ["JSON_SCHEMA_SHAPES", "response_format"]

JSON_SCHEMA_SHAPES = ("openai", "titled", "json_object", "function", "bare")


def response_format(
    shape: str, spec: SchemaSpec, given: Any, method: str, strict: bool | None
) -> dict[str, Any]:
    """The settings `with_structured_output(given, method=method, strict=strict)` binds
    on a preset whose profile declares `shape` (see the module doc)."""
    if shape not in JSON_SCHEMA_SHAPES:
        raise ValueError(f"unknown json_schema shape {shape!r}: one of {JSON_SCHEMA_SHAPES}")
    if method == "json_mode" and shape != "bare":
        return {"response_format": {"type": "json_object"}}
    if shape == "openai":
        return {"response_format": openai_json_schema(spec, given, strict)}
    if shape == "function":
        return {"response_format": _function_format(spec, given)}
    titled = _titled(spec, strict)
    if shape == "json_object":
        return {"response_format": {"type": "json_object", "schema": titled}}
    if shape == "bare":
        return {"response_format": {"type": "json_schema", "json_schema": {"schema": titled}}}
    inner: dict[str, Any] = {"name": spec.name, "schema": titled}
    if strict is not None:
        inner["strict"] = strict
    return {"response_format": {"type": "json_schema", "json_schema": inner}}


def _titled(spec: SchemaSpec, strict: bool | None) -> dict[str, Any]:
    """langchain-core's `convert_to_json_schema`: the title (the schema's name), the
    description (always for a pydantic class, even empty), the parameters (strict when
    `strict`)."""
    titled: dict[str, Any] = {"title": spec.name}
    if spec.description or spec.kind == "pydantic":
        titled["description"] = spec.description
    parameters = _core_parameters(spec)
    return {**titled, **(strict_tool_schema(parameters) if strict else parameters)}


def _core_parameters(spec: SchemaSpec) -> dict[str, Any]:
    """The schema's parameters as langchain-core's `convert_to_openai_tool` has them:
    nested models in place; a pydantic class's titles removed as it removes them (kept
    on the models inside `anyOf`); a JSON-schema dict's as given, its `$defs` and `$ref`s
    kept (it takes a dict as it is)."""
    if spec.kind == "json":
        return dict(spec.parameters)
    if spec.kind != "pydantic":
        return inline_refs(spec.parameters)
    own = inline_refs(spec.target.model_json_schema(schema_generator=quiet_generator()))
    parameters = core_titles_removed(own)
    parameters.pop("description", None)  # the docstring: the schema's description
    return parameters


def _function_format(spec: SchemaSpec, given: Any) -> dict[str, Any]:
    """The schema as a strict tool function, `parameters` named `schema`; a dict in
    OpenAI's response-format shapes as given."""
    if isinstance(given, Mapping):
        wrapped = response_format_schema(given)
        if wrapped is not None:
            return {"type": "json_schema", "json_schema": dict(wrapped)}
    function: dict[str, Any] = {"name": spec.name}
    if spec.description or spec.kind == "pydantic":
        function["description"] = spec.description
    function["strict"] = True
    function["schema"] = strict_tool_schema(_core_parameters(spec))
    return {"type": "json_schema", "json_schema": function}
