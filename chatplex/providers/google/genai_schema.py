"""A function's JSON Schema parameters as the Gemini API's OpenAPI subset (a
declaration's `parameters`), as langchain-google-genai converts them, but only where
that loses nothing.

langchain-google-genai declares every function in the subset, whatever the tool's kind
(its bind_tools makes each an OpenAI-form tool first): types named in capitals; at the
top, the type, title, description, properties and `required` (`[]` when absent) kept;
a property kept as its type, description, enum, items and (an object's) properties,
every other key dropped: defaults, bounds, formats, `additionalProperties`, a
property's title. A nested object's `required` becomes every property without a
default; an array's `items` takes its title as its description when it has none. The
titles are names, not data; where the schema holds anything else the subset drops or
rewrites (a default, a bound, a null, an `anyOf`, a `$ref`, a property named `title`
without a description, which the partner describes as its own schema), chatplex sends
it whole as `parametersJsonSchema` (None here). (Not followed: bound beside a built-in
tool, which convert_to_openai_tool refuses, every tool goes by the partner's own
conversion, a `@tool`'s parameters then titled and described by its args schema.)

>>> genai_parameters({"type": "object", "properties": {"n": {"type": "integer", "title": "N"}}})
{'type': 'OBJECT', 'properties': {'n': {'type': 'INTEGER'}}, 'required': []}
>>> n = {"type": "integer", "default": 1}
>>> print(genai_parameters({"type": "object", "properties": {"n": n}}))
None
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .openapi_schema import TYPE_NAMES

__all__ = ["genai_parameters"]

#: The keys the partner keeps at the top of the parameters (a title among them).
_TOP_KEYS = frozenset({"type", "title", "description", "properties", "required"})
#: The keys it keeps of a property, or of an array's items (a title dropped, or made
#: the items' description).
_FIELD_KEYS = frozenset({"type", "title", "description", "enum", "items", "properties", "required"})


def genai_parameters(schema: Mapping[str, Any]) -> dict[str, Any] | None:
    """`schema` (an object's) as langchain-google-genai's `parameters`, or None where
    the subset would lose or change any of it."""
    if not schema.keys() <= _TOP_KEYS or schema.get("type", "object") != "object":
        return None
    properties = _properties(schema.get("properties"))
    if properties is None or not _texts(schema, "title", "description"):
        return None
    out: dict[str, Any] = {"type": "OBJECT"}
    out.update({key: schema[key] for key in ("title", "description") if key in schema})
    out["properties"] = properties
    required = schema.get("required", [])
    return {**out, "required": list(required)} if _names(required) else None


def _properties(value: Any) -> dict[str, Any] | None:
    if not isinstance(value, Mapping) or not value:
        return None
    out = {}
    for name, schema in value.items():
        field = _field(schema, role="property")
        # the partner describes a property named `title` without a description as
        # its own schema ("title is {...}")
        if field is None or (name == "title" and "description" not in field):
            return None
        out[name] = field
    return out


def _field(schema: Any, *, role: str) -> dict[str, Any] | None:
    """A property, a property's `items` or an array's deeper down (`role`) in the
    subset: its type, description, enum, items or properties; None where the partner
    would drop or change some of it."""
    if not isinstance(schema, Mapping) or not schema.keys() <= _FIELD_KEYS:
        return None
    given = schema.get("type")
    kind = TYPE_NAMES.get(given) if isinstance(given, str) else None
    if kind is None or not _texts(schema, "title", "description"):
        return None
    out: dict[str, Any] = {"type": kind}
    description = _description(schema, role)
    if description == "":  # kept or dropped by how often the partner reads it again
        return None
    if description is not None:
        out["description"] = description
    if "enum" in schema:
        if kind != "STRING" or not _names(schema["enum"]) or not schema["enum"]:
            return None
        out["enum"] = list(schema["enum"])
    rest = _array(schema, role=role) if kind == "ARRAY" else _object(schema, role=role)
    return None if rest is None else {**out, **rest}


def _description(schema: Mapping[str, Any], role: str) -> str | None:
    """The description the partner writes: a property's if not empty, an array's items'
    or else their title, deeper down the description as given."""
    if role == "property":
        return schema.get("description") or None
    if role == "items":
        return schema.get("description") or schema.get("title")
    return schema.get("description")


def _array(schema: Mapping[str, Any], *, role: str) -> dict[str, Any] | None:
    if "properties" in schema or "required" in schema:
        return None
    if "items" not in schema:
        return {}
    # a property's items are read apart (their title made their description); items
    # of items as the partner reads any schema's, their title dropped
    items = _field(schema["items"], role="items" if role == "property" else "deep")
    return None if items is None else {"items": items}


def _object(schema: Mapping[str, Any], *, role: str) -> dict[str, Any] | None:
    """An object's properties and `required`; a scalar has neither (nor `items`)."""
    if "items" in schema:
        return None
    if schema["type"] != "object":
        return {} if "properties" not in schema and "required" not in schema else None
    properties = _properties(schema.get("properties"))
    required = schema.get("required", [])
    if properties is None or not _names(required):
        return None
    if role != "property":  # an array's items: `required` as given, if given
        given = {"required": required} if "required" in schema else {}
        return {"properties": properties, **given}
    # a property's object: every property required (the partner's rule: those with no
    # default), which only says what the schema says where all of them are
    if sorted(required) != sorted(properties):
        return None
    return {"properties": properties, "required": list(properties)}


def _texts(schema: Mapping[str, Any], *keys: str) -> bool:
    return all(isinstance(schema.get(key, ""), str) for key in keys)


def _names(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)
