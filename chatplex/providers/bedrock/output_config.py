"""OpenAI's `response_format` (json_schema, what `with_structured_output(method=
"json_schema")` binds) as Bedrock Converse's native structured output, `outputConfig`
(`output_config`), as langchain-aws converts it."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any

__all__ = ["output_config"]


def output_config(response_format: Any) -> dict[str, Any]:
    """OpenAI's `response_format` (what `with_structured_output(method="json_schema")`
    binds) as Converse's native structured output, `outputConfig.textFormat`, as
    langchain-aws converts it: the schema as a JSON string, `additionalProperties: false`
    on every object (Bedrock requires it). Only `json_schema` has a Converse form."""
    fmt = response_format if isinstance(response_format, Mapping) else {}
    if fmt.get("type") != "json_schema":
        raise ValueError(
            f"response_format type {fmt.get('type')!r} has no Bedrock Converse form; "
            "use {'type': 'json_schema', ...} (with_structured_output(method='json_schema')) "
            "or a forced tool (method='function_calling')"
        )
    inner = fmt.get("json_schema") or fmt.get("jsonSchema") or {}
    schema = inner.get("schema", {})
    schema = json.loads(schema) if isinstance(schema, str) else copy.deepcopy(schema)
    described = _own_description(schema)
    _closed_objects(schema)
    name = inner.get("name") or "output_schema"
    definition = {
        "schema": json.dumps(schema, ensure_ascii=False),
        "name": name,
        "description": inner.get("description") or described or name,
    }
    structure = {"jsonSchema": definition}
    return {"textFormat": {"type": "json_schema", "structure": structure}}


def _own_description(schema: Any) -> str | None:
    """The schema's own description (a pydantic model's docstring), as langchain-aws
    sends it: at its top, or in the definition its top-level `$ref` names (a recursive
    model's schema is a `$ref` to itself in `$defs`)."""
    if not isinstance(schema, dict):
        return None
    ref = schema.get("$ref")
    if "description" not in schema and isinstance(ref, str) and ref.startswith("#/$defs/"):
        named = (schema.get("$defs") or {}).get(ref.removeprefix("#/$defs/"))
        return named.get("description") if isinstance(named, dict) else None
    return schema.get("description")


def _closed_objects(schema: Any) -> None:
    """`additionalProperties: false` on every object schema inside `schema` (in place)."""
    if isinstance(schema, dict):
        if schema.get("type") == "object":
            schema["additionalProperties"] = False
        for value in schema.values():
            _closed_objects(value)
    elif isinstance(schema, list):
        for item in schema:
            _closed_objects(item)
