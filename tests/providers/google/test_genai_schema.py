"""A function's JSON Schema as the Gemini API's OpenAPI subset, as
langchain-google-genai converts it, where nothing of it is lost."""

from __future__ import annotations

import copy
import doctest
import logging
from typing import Any

import pytest

from chatplex.providers.google import genai_schema as module
from chatplex.providers.google.genai_schema import genai_parameters

genai_tools = pytest.importorskip("langchain_google_genai._function_utils")

_ITEM = {
    "type": "object",
    "title": "Stop",
    "properties": {"city": {"type": "string", "title": "City"}},
    "required": ["city"],
}
_UNTITLED = {key: value for key, value in _ITEM.items() if key != "title"}
#: Schemas the subset holds whole: titled as a dict tool or an MCP tool gives them, a
#: nested object, a list of objects, a list of lists, an enum, no `required`.
WHOLE: list[dict[str, Any]] = [
    {
        "type": "object",
        "title": "UserInfo",
        "description": "What is known of the user.",
        "properties": {
            "name": {"type": "string", "title": "Name"},
            "age": {"type": "integer", "title": "Age", "description": "In years."},
            "score": {"type": "number"},
            "vip": {"type": "boolean"},
        },
        "required": ["name", "age"],
    },
    {"type": "object", "properties": {"city": {"type": "string"}}},
    {
        "type": "object",
        "properties": {
            "unit": {"type": "string", "enum": ["c", "f"]},
            "where": {
                "type": "object",
                "description": "A place.",
                "properties": {"lat": {"type": "number"}, "lon": {"type": "number"}},
                "required": ["lon", "lat"],
            },
            "stops": {"type": "array", "items": _ITEM},
            "untitled": {"type": "array", "items": {**_UNTITLED, "required": []}},
            "grid": {"type": "array", "items": {"type": "array", "items": _ITEM}},
            "tags": {"type": "array"},
            "title": {"type": "string", "description": "The note's title."},
        },
        "required": ["unit"],
    },
]


def _partners(parameters: dict[str, Any]) -> Any:
    """The `parameters` langchain-google-genai sends for an OpenAI-form tool."""
    tool = {"type": "function", "function": {"name": "f", "parameters": copy.deepcopy(parameters)}}
    logging.disable(logging.WARNING)  # its warnings of the keys it drops
    try:
        [converted] = genai_tools.convert_to_genai_function_declarations([tool])
    finally:
        logging.disable(logging.NOTSET)
    dumped = converted.model_dump(mode="json", by_alias=True, exclude_none=True)
    return dumped["functionDeclarations"][0]["parameters"]


@pytest.mark.parametrize("schema", WHOLE)
def test_a_schema_the_subset_holds_goes_as_langchain_google_genai_writes_it(
    schema: dict[str, Any],
) -> None:
    assert genai_parameters(schema) == _partners(schema)


def test_the_subset_upper_cases_types_drops_property_titles_and_fills_required() -> None:
    schema = {
        "type": "object",
        "title": "T",
        "properties": {"a": {"type": "integer", "title": "A"}},
    }
    assert genai_parameters(schema) == {
        "type": "OBJECT",
        "title": "T",
        "properties": {"a": {"type": "INTEGER"}},
        "required": [],
    }


@pytest.mark.parametrize(
    "field",
    [
        # what langchain-google-genai drops: a default, bounds, a format, a pattern...
        {"type": "string", "default": "c"},
        {"type": "integer", "minimum": 0},
        {"type": "string", "format": "date"},
        {"type": "string", "pattern": "^a"},
        {"type": "array", "items": {"type": "string"}, "maxItems": 3},
        {"type": "object", "additionalProperties": {"type": "string"}},
        {"type": "object", "properties": {"a": {"type": "string"}}, "additionalProperties": False},
        # ...what it narrows or rewrites: a null, a union, a reference, no type
        {"anyOf": [{"type": "string"}, {"type": "null"}]},
        {"anyOf": [{"type": "string"}, {"type": "integer"}]},
        {"type": ["string", "null"]},
        {"type": "null"},
        {"$ref": "#/$defs/Address"},
        {},
        {"type": "array", "items": {}},
        {"type": "integer", "enum": [1, 2]},
        {"type": "string", "enum": []},
        # an object without properties goes as a string; a nested object's `required`
        # becomes all its properties
        {"type": "object"},
        {"type": "object", "properties": {"a": {"type": "string"}}},
        {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["b"]},
        {"type": "string", "items": {"type": "string"}},
        {"type": "array", "properties": {"a": {"type": "string"}}},
    ],
)
def test_a_schema_it_would_change_is_none_anywhere_in_it(field: dict[str, Any]) -> None:
    nested = {"type": "object", "properties": {"a": {"type": "array", "items": field}}}
    assert genai_parameters({"type": "object", "properties": {"x": field}}) is None
    assert genai_parameters({"type": "object", "properties": {"x": nested}}) is None


@pytest.mark.parametrize(
    "schema",
    [
        # a property named `title` with no description: the partner describes it as
        # "title is {'type': 'string'}"
        {"type": "object", "properties": {"title": {"type": "string"}}},
        {"type": "object", "properties": {"a": {"type": "string"}}, "$defs": {}},
        {"type": "object", "properties": {"a": {"type": "string"}}, "default": {}},
        {"type": "array", "items": {"type": "string"}},
        {"type": "object", "properties": {}},
        {"type": "object", "properties": {"a": "string"}},
        {"type": "object", "properties": {"a": {"type": "string"}}, "required": "a"},
        {"type": "object", "properties": {"a": {"type": "string", "description": 1}}},
        # an empty description in an array's items: kept or dropped by how deep it lies
        {
            "type": "object",
            "properties": {"a": {"type": "array", "items": {"type": "string", "title": ""}}},
        },
    ],
)
def test_parameters_it_would_change_or_cannot_read_are_none(schema: dict[str, Any]) -> None:
    assert genai_parameters(schema) is None


def test_docstring_examples() -> None:
    result = doctest.testmod(module)
    assert result.attempted >= 1 and result.failed == 0
