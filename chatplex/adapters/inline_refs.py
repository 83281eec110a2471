"""A schema's local references inlined, as langchain-core's `convert_to_openai_tool` and
`convert_to_json_schema` declare a class (nested models in place, no `$defs`), so that a
wire whose partner package sends that form gets the same bytes.

>>> inline_refs({
...     "type": "object",
...     "properties": {"home": {"$ref": "#/$defs/Place", "description": "Where"}},
...     "$defs": {"Place": {"type": "object"}},
... })
{'type': 'object', 'properties': {'home': {'type': 'object', 'description': 'Where'}}}
"""

from __future__ import annotations

from typing import Any

__all__ = ["inline_refs"]

_DEFINITIONS = ("$defs", "definitions")


class _Loop(Exception):
    """A reference that leads back to itself (a recursive model)."""


def inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """`schema` with each local `$ref` replaced by what it points to (its sibling keys
    kept over it) and its definitions dropped; a schema whose references loop (a
    recursive model), which cannot be inlined, is returned as it is. A new dict."""
    try:
        inlined = _inlined(schema, schema, ())
    except _Loop:
        return dict(schema)
    return {k: v for k, v in inlined.items() if k not in _DEFINITIONS}


def _inlined(value: Any, root: dict[str, Any], seen: tuple[str, ...]) -> Any:
    if isinstance(value, list):
        return [_inlined(v, root, seen) for v in value]
    if not isinstance(value, dict):
        return value
    ref = value.get("$ref")
    if isinstance(ref, str) and ref.startswith("#/"):
        if ref in seen:
            raise _Loop(ref)
        siblings = {k: v for k, v in value.items() if k != "$ref"}
        return _inlined({**_target(root, ref), **siblings}, root, (*seen, ref))
    return {k: v if k in _DEFINITIONS else _inlined(v, root, seen) for k, v in value.items()}


def _target(root: dict[str, Any], ref: str) -> dict[str, Any]:
    node: Any = root
    for key in ref[2:].split("/"):
        if not isinstance(node, dict) or key not in node:
            raise ValueError(f"$ref {ref!r} points at nothing in the schema")
        node = node[key]
    if not isinstance(node, dict):
        raise ValueError(f"$ref {ref!r} does not point at a schema object")
    return node
