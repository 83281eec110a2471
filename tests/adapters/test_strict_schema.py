"""The strict schema forms, compared with the code LangChain's stack runs for them:
langchain-core's strict tool schema and the openai SDK's strict model schema."""

from __future__ import annotations

import copy
from typing import Any
from typing import Literal

import pytest
from langchain_core.utils.function_calling import convert_to_openai_tool
from openai.lib._pydantic import to_strict_json_schema
from pydantic import BaseModel
from pydantic import Field

from chatplex.adapters.strict_schema import anthropic_output_schema
from chatplex.adapters.strict_schema import strict_model_schema
from chatplex.adapters.strict_schema import strict_tool_schema
from chatplex.adapters.tools import to_tool_spec


class Address(BaseModel):
    """Where."""

    street: str
    zip_code: str | None = None


class Person(BaseModel):
    """A person."""

    name: str = Field(description="full name")
    age: int | None = None
    home: Address = Field(description="home address")  # a $ref with a sibling key
    others: list[Address] = []
    tags: dict[str, int] = {}
    kind: Literal["a", "b"] = "a"
    either: int | Address | None = None


class Tree(BaseModel):
    """A recursive model."""

    value: int
    children: list[Tree] = []


class Empty(BaseModel):
    """Nothing."""


MODELS = [Address, Person, Tree, Empty]


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_model_schema_is_the_openai_sdks(model: type[BaseModel]) -> None:
    schema = model.model_json_schema()
    before = copy.deepcopy(schema)
    assert strict_model_schema(schema) == to_strict_json_schema(model)
    assert schema == before  # not changed in place


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m.__name__)
def test_tool_schema_is_langchain_cores(model: type[BaseModel]) -> None:
    from langchain_core.utils.function_calling import (
        _recursive_set_additional_properties_false as langchain_strict,
    )

    parameters = to_tool_spec(model).parameters
    assert strict_tool_schema(parameters) == langchain_strict(copy.deepcopy(parameters))


def test_a_flat_models_strict_tool_is_langchains_whole() -> None:
    ours = strict_tool_schema(to_tool_spec(Address).parameters)
    assert ours == convert_to_openai_tool(Address, strict=True)["function"]["parameters"]


def test_tool_schema_of_raw_json_schemas() -> None:
    raw: dict[str, Any] = {
        "type": "object",
        "properties": {
            "a": {"type": "object", "properties": {"b": {"type": "string"}}},
            "c": {"type": "array", "items": {"$ref": "#/$defs/D"}},
            "e": {"type": "object", "additionalProperties": True},
        },
        "$defs": {"D": {"type": "object", "properties": {"x": {"type": "integer"}}}},
    }
    theirs = convert_to_openai_tool(
        {"title": "t", "description": "d", **copy.deepcopy(raw)}, strict=True
    )["function"]["parameters"]
    ours = strict_tool_schema(raw)
    assert ours == theirs
    assert ours["properties"]["e"]["additionalProperties"] is False
    assert raw["properties"]["a"] == {"type": "object", "properties": {"b": {"type": "string"}}}


def test_bad_refs_are_reported() -> None:
    with pytest.raises(ValueError, match="only local references"):
        strict_model_schema({"$ref": "http://x/y", "description": "d"})


class Event(BaseModel):
    """An event."""

    when: str = Field(json_schema_extra={"format": "date-time"})
    where: str = Field(pattern="^[A-Z]+$", min_length=2)
    who: list[str] = Field(min_length=1)
    many: list[int] = Field(min_length=3, max_length=9)
    level: Literal["low", "high"]
    exact: Literal[3]
    score: float = Field(ge=0, le=1, description="a share")
    parent: Address | None = None


@pytest.mark.parametrize("model", [*MODELS, Event], ids=lambda m: m.__name__)
def test_anthropic_schema_is_the_anthropic_sdks(model: type[BaseModel]) -> None:
    from anthropic import transform_schema

    schema = model.model_json_schema()
    assert anthropic_output_schema(schema) == transform_schema(model)
    assert schema == model.model_json_schema()  # not changed in place


def test_anthropic_schema_of_dicts() -> None:
    from anthropic import transform_schema

    raw: dict[str, Any] = {
        "title": "t",
        "type": "object",
        "properties": {
            "a": {"oneOf": [{"type": "string", "format": "email"}, {"type": "null"}]},
            "b": {"allOf": [{"$ref": "#/$defs/B"}]},
            "c": {"enum": [1, "x", None]},
            "d": {"enum": [{"no": 1}], "type": "object"},
            "e": {"type": "array", "items": {"type": "string"}, "minItems": 0},
        },
        "$defs": {"B": {"type": "object", "properties": {}, "additionalProperties": True}},
        "required": ("a",),
    }
    assert anthropic_output_schema(raw) == transform_schema(copy.deepcopy(raw))
    with pytest.raises(ValueError) as ours:
        anthropic_output_schema({"description": "nothing"})
    with pytest.raises(ValueError) as theirs:  # the SDK's words, as langchain-anthropic shows
        transform_schema({"description": "nothing"})
    assert str(ours.value) == str(theirs.value)
