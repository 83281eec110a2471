"""`inline_refs`: a schema's references inlined as langchain-core declares a class."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import BaseModel

from chatplex.adapters.inline_refs import inline_refs
from chatplex.adapters.tools import to_tool_spec
from tests._weather import Trip


class Node(BaseModel):
    """A tree."""

    children: list[Node] = []


def test_a_nested_models_tool_is_langchains_declaration() -> None:
    # What `bind_tools` sends for a class: its nested models in place, no `$defs`.
    parameters = to_tool_spec(Trip).parameters
    assert parameters == convert_to_openai_tool(Trip)["function"]["parameters"]
    assert "$defs" not in str(parameters) and "$ref" not in str(parameters)


def test_the_schema_given_is_left_as_it_was() -> None:
    schema = Trip.model_json_schema()
    before = str(schema)
    assert "$defs" not in inline_refs(schema)
    assert str(schema) == before


def test_a_references_siblings_are_kept_over_what_it_points_to() -> None:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {"a": {"$ref": "#/definitions/X", "description": "mine"}},
        "definitions": {"X": {"type": "string", "description": "theirs"}},
    }
    assert inline_refs(schema) == {
        "type": "object",
        "properties": {"a": {"type": "string", "description": "mine"}},
    }


def test_a_recursive_model_is_left_as_it_is() -> None:
    parameters = to_tool_spec(Node).parameters
    assert inline_refs(parameters) == parameters
    assert parameters["properties"]["children"]["items"] == {"$ref": "#/$defs/Node"}
    # Kept difference: langchain-core writes `{}` where the model recurses (the
    # children's shape is lost), where the tool keeps its reference.
    theirs = convert_to_openai_tool(Node)["function"]["parameters"]
    assert theirs["properties"]["children"]["items"] == {}


def test_a_reference_to_nothing_is_a_value_error() -> None:
    with pytest.raises(ValueError, match="points at nothing"):
        inline_refs({"properties": {"a": {"$ref": "#/$defs/Missing"}}})
