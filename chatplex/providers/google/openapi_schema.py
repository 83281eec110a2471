"""A function's JSON Schema parameters as Vertex AI's OpenAPI subset (a declaration's
`parameters`), as langchain-google-vertexai converts them, but only where that loses
nothing.

langchain-google-vertexai declares every function in the subset: types named in
capitals, the fields of Vertex AI's `Schema` kept and every other key dropped (with a
warning), a `null` taken out of an `anyOf`, `$ref`s resolved. Where the schema holds
none of what it drops or rewrites, its `parameters` say what the JSON Schema says, and
chatplex sends them so; any other schema goes whole as `parametersJsonSchema` (None
here).

>>> openapi_parameters({"type": "object", "properties": {"n": {"type": "integer"}}})
{'type': 'OBJECT', 'properties': {'n': {'type': 'INTEGER'}}}
>>> print(openapi_parameters({"type": "object", "additionalProperties": False}))
None
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["TYPE_NAMES", "openapi_parameters"]

#: JSON Schema's types as the OpenAPI subset's `Type` names them (Vertex AI's and the
#: Gemini API's alike).
TYPE_NAMES = {
    "string": "STRING",
    "number": "NUMBER",
    "integer": "INTEGER",
    "boolean": "BOOLEAN",
    "array": "ARRAY",
    "object": "OBJECT",
}
#: Keys the subset holds as they are (strings, a number, any JSON value, a list of names).
_KEPT = frozenset(
    {"description", "title", "format", "pattern", "default", "example", "nullable"}
    | {"minimum", "maximum", "required"}
)
#: Keys the subset holds as int64, which proto3's JSON writes as a string.
_INT64 = frozenset(
    {"minItems", "maxItems", "minLength", "maxLength", "minProperties", "maxProperties"}
)


def openapi_parameters(schema: Mapping[str, Any]) -> dict[str, Any] | None:
    """`schema` in the OpenAPI subset, or None where the subset would lose or change
    any of it (a key it drops, an `anyOf`, a `$ref`, a type it has no name for...)."""
    out: dict[str, Any] = {}
    for key, value in schema.items():
        converted = _converted(key, value)
        if converted is None:
            return None
        out[key] = converted[0]
    return out


def _converted(key: str, value: Any) -> tuple[Any] | None:
    """(`value` as the subset holds `key`'s), or None where it cannot."""
    if key == "type":
        return (TYPE_NAMES[value],) if isinstance(value, str) and value in TYPE_NAMES else None
    if key == "items":
        items = openapi_parameters(value) if isinstance(value, Mapping) else None
        return None if items is None else (items,)
    if key == "properties":
        return _properties(value)
    if key == "enum":
        return (list(value),) if _strings(value) else None
    if key in _INT64:
        return (str(value),) if isinstance(value, int) and not isinstance(value, bool) else None
    return (value,) if key in _KEPT else None


def _properties(value: Any) -> tuple[dict[str, Any]] | None:
    if not isinstance(value, Mapping):
        return None
    out = {}
    for name, schema in value.items():
        converted = openapi_parameters(schema) if isinstance(schema, Mapping) else None
        if converted is None:
            return None
        out[name] = converted
    return (out,)


def _strings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)
