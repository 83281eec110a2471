"""JSON schemas made "strict" for structured outputs, the ways the LangChain stack does
it, so that a drop-in sends the bytes a LangChain script sent.

- `strict_tool_schema`: langchain-core's rule for a tool or a dict / TypedDict schema
  with `strict=True` (`convert_to_openai_function(..., strict=True)`): every object with
  properties gets them all in `required`, and `additionalProperties: false`; nested
  objects, `anyOf`/`allOf` members, array items and `$defs` too.
- `strict_model_schema`: the openai SDK's rule for a pydantic model given as
  `response_format` (what langchain-openai hands the SDK for
  `with_structured_output(Model, method="json_schema")`, strict or not): pydantic's own
  schema with titles kept, `additionalProperties: false` on every object, all properties
  required, `None` defaults dropped, single-member `allOf` merged and a `$ref` with
  sibling keys inlined.
- `anthropic_output_schema`: the anthropic SDK's `transform_schema`, which
  langchain-anthropic applies to `with_structured_output(..., method="json_schema")`.

All return new dicts; the input is not changed.
"""

from __future__ import annotations

import copy
from typing import Any

from .request_types import ToolDefinitionError

__all__ = ["anthropic_output_schema", "strict_model_schema", "strict_tool_schema"]


def strict_tool_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """langchain-core's strict form of a tool's parameters (see the module doc).

    >>> out = strict_tool_schema({"type": "object", "properties": {"a": {"type": "string"}}})
    >>> out["required"], out["additionalProperties"]
    (['a'], False)
    """
    out = copy.deepcopy(schema)
    _tool_strict(out)
    return out


def _tool_strict(schema: Any) -> None:
    if not isinstance(schema, dict):
        return
    properties = schema.get("properties")
    if isinstance(properties, dict) and properties:
        schema["required"] = list(properties)
    if (
        "required" in schema
        or ("properties" in schema and not schema["properties"])
        or "additionalProperties" in schema
    ):
        schema["additionalProperties"] = False
    for key in ("anyOf", "allOf"):
        for sub in schema.get(key) or ():
            _tool_strict(sub)
    if isinstance(properties, dict):
        for sub in properties.values():
            _tool_strict(sub)
    if "items" in schema:
        _tool_strict(schema["items"])
    for key in ("$defs", "definitions"):
        defs = schema.get(key)
        if isinstance(defs, dict):
            for sub in defs.values():
                _tool_strict(sub)


def strict_model_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The openai SDK's strict form of a pydantic model's JSON schema (module doc)."""
    root = copy.deepcopy(schema)
    return _model_strict(root, root)


def _model_strict(schema: Any, root: dict[str, Any]) -> dict[str, Any]:
    if not isinstance(schema, dict):
        raise ToolDefinitionError(f"expected a JSON schema object, got {schema!r:.80}")
    for key in ("$defs", "definitions"):
        defs = schema.get(key)
        if isinstance(defs, dict):
            for sub in defs.values():
                _model_strict(sub, root)
    if schema.get("type") == "object" and "additionalProperties" not in schema:
        schema["additionalProperties"] = False
    properties = schema.get("properties")
    if isinstance(properties, dict):
        schema["required"] = list(properties)
        schema["properties"] = {k: _model_strict(v, root) for k, v in properties.items()}
    items = schema.get("items")
    if isinstance(items, dict):
        schema["items"] = _model_strict(items, root)
    any_of = schema.get("anyOf")
    if isinstance(any_of, list):
        schema["anyOf"] = [_model_strict(v, root) for v in any_of]
    all_of = schema.get("allOf")
    if isinstance(all_of, list):
        if len(all_of) == 1:
            schema.update(_model_strict(all_of[0], root))
            schema.pop("allOf")
        else:
            schema["allOf"] = [_model_strict(v, root) for v in all_of]
    if "default" in schema and schema["default"] is None:
        schema.pop("default")
    ref = schema.get("$ref")
    if isinstance(ref, str) and len(schema) > 1:
        # A $ref may not have siblings (a description, say): inline what it points to.
        schema.update({**_resolve(root, ref), **schema})
        schema.pop("$ref")
        return _model_strict(schema, root)
    return schema


def _resolve(root: dict[str, Any], ref: str) -> dict[str, Any]:
    if not ref.startswith("#/"):
        raise ValueError(f"unexpected $ref {ref!r}: only local references (#/...) are supported")
    node: Any = root
    for key in ref[2:].split("/"):
        node = node[key]
        if not isinstance(node, dict):
            raise ValueError(f"$ref {ref!r} does not point at a schema object")
    return dict(node)


#: String formats Anthropic's structured outputs take; others go into the description.
_ANTHROPIC_STRING_FORMATS = frozenset(
    {"date-time", "time", "date", "duration", "email", "hostname", "uri", "ipv4", "ipv6", "uuid"}
)


def anthropic_output_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """The anthropic SDK's `transform_schema` (what langchain-anthropic sends as
    `output_config.format.schema`): keywords the API takes are kept, objects get
    `additionalProperties: false`, and any other keyword is appended to the description
    as `{key: value}` so the model may still follow it.

    >>> anthropic_output_schema({"type": "integer", "minimum": 1, "description": "A number"})
    {'type': 'integer', 'description': 'A number\\n\\n{minimum: 1}'}
    """
    rest = dict(schema)
    out: dict[str, Any] = {}
    defs = rest.pop("$defs", None)
    if defs is not None:  # before the $ref return: a root $ref keeps its definitions
        out["$defs"] = {name: anthropic_output_schema(sub) for name, sub in defs.items()}
    ref = rest.pop("$ref", None)
    if ref is not None:
        out["$ref"] = ref
        return out
    kind = rest.pop("type", None)
    any_of, one_of, all_of = (
        rest.pop("anyOf", None),
        rest.pop("oneOf", None),
        rest.pop("allOf", None),
    )
    enum = rest.get("enum")
    if isinstance(enum, list) and enum and all(_primitive(v) for v in enum):
        out["enum"] = list(rest.pop("enum"))
    if "const" in rest and _primitive(rest["const"]):
        out["const"] = rest.pop("const")
    literal = "enum" in out or "const" in out
    if literal:
        kind = None
    if isinstance(any_of, list):
        out["anyOf"] = [anthropic_output_schema(v) for v in any_of]
    elif isinstance(one_of, list):
        out["anyOf"] = [anthropic_output_schema(v) for v in one_of]
    elif isinstance(all_of, list):
        out["allOf"] = [anthropic_output_schema(v) for v in all_of]
    elif not literal:
        if kind is None:
            raise ValueError(  # the anthropic SDK's words, as its transform_schema raises
                "Schema must have a 'type', 'anyOf', 'oneOf', or 'allOf' field, "
                "or a 'const' or non-empty 'enum' of strings, numbers, booleans, or null."
            )
        out["type"] = kind
    for key in ("description", "title"):
        value = rest.pop(key, None)
        if value is not None:
            out[key] = value
    if kind == "object":
        props = rest.pop("properties", {})
        out["properties"] = {k: anthropic_output_schema(v) for k, v in props.items()}
        rest.pop("additionalProperties", None)
        out["additionalProperties"] = False
        required = rest.pop("required", None)
        if required is not None:
            out["required"] = list(required) if isinstance(required, list) else required
    elif kind == "string":
        fmt = rest.pop("format", None)
        if fmt in _ANTHROPIC_STRING_FORMATS:
            out["format"] = fmt
        elif fmt:
            rest["format"] = fmt  # not taken: goes into the description below
    elif kind == "array":
        items = rest.pop("items", None)
        if items is not None:
            out["items"] = anthropic_output_schema(items)
        min_items = rest.pop("minItems", None)
        if min_items in (0, 1):
            out["minItems"] = min_items
        elif min_items is not None:
            rest["minItems"] = min_items
    if rest:
        described = out.get("description")
        extra = "{" + ", ".join(f"{key}: {value}" for key, value in rest.items()) + "}"
        out["description"] = f"{described}\n\n{extra}" if described is not None else extra
    return out


def _primitive(value: object) -> bool:
    return value is None or isinstance(value, (str, int, float, bool))
