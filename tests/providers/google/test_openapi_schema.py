"""A function's JSON Schema as Vertex AI's OpenAPI subset, where it holds it all."""

from __future__ import annotations

import doctest
from typing import Any

import pytest

from chatplex.providers.google import openapi_schema as module
from chatplex.providers.google.openapi_schema import openapi_parameters


def test_a_schema_the_subset_holds_goes_as_langchain_google_vertexai_writes_it() -> None:
    schema = {
        "type": "object",
        "description": "Look a word up.",
        "properties": {
            "word": {"type": "string", "description": "The word.", "minLength": 1},
            "langs": {"type": "array", "items": {"type": "string"}, "maxItems": 3},
            "unit": {"type": "string", "enum": ["c", "f"], "default": "c", "title": "Unit"},
            "count": {"type": "integer", "minimum": 0, "maximum": 9},
            "score": {"type": "number", "format": "float"},
            "exact": {"type": "boolean"},
            "where": {"type": "object", "properties": {"city": {"type": "string"}}},
        },
        "required": ["word"],
    }
    assert openapi_parameters(schema) == {
        "type": "OBJECT",
        "description": "Look a word up.",
        "properties": {
            "word": {"type": "STRING", "description": "The word.", "minLength": "1"},
            "langs": {"type": "ARRAY", "items": {"type": "STRING"}, "maxItems": "3"},
            "unit": {"type": "STRING", "enum": ["c", "f"], "default": "c", "title": "Unit"},
            "count": {"type": "INTEGER", "minimum": 0, "maximum": 9},
            "score": {"type": "NUMBER", "format": "float"},
            "exact": {"type": "BOOLEAN"},
            "where": {"type": "OBJECT", "properties": {"city": {"type": "STRING"}}},
        },
        "required": ["word"],
    }


@pytest.mark.parametrize(
    "field",
    [
        # a nullable field: langchain-google-vertexai drops the null
        {"anyOf": [{"type": "string"}, {"type": "null"}]},
        {"type": ["string", "null"]},
        {"type": "null"},
        # keys it drops, or resolves
        {"type": "object", "additionalProperties": False},
        {"$ref": "#/$defs/Address"},
        {"allOf": [{"type": "string"}]},
        {"type": "string", "const": "x"},
        {"type": "integer", "enum": [1, 2]},
        {"type": "array", "items": [{"type": "string"}]},
        {"type": "string", "minLength": True},
    ],
)
def test_a_schema_it_would_change_is_none_anywhere_in_it(field: dict[str, Any]) -> None:
    nested = {"type": "object", "properties": {"a": {"type": "array", "items": field}}}
    assert openapi_parameters({"type": "object", "properties": {"x": field}}) is None
    assert openapi_parameters({"type": "object", "properties": {"x": nested}}) is None


def test_properties_that_are_no_schemas_are_none() -> None:
    assert openapi_parameters({"type": "object", "properties": []}) is None
    assert openapi_parameters({"type": "object", "properties": {"a": "string"}}) is None


def test_docstring_examples() -> None:
    result = doctest.testmod(module)
    assert result.attempted >= 1 and result.failed == 0
