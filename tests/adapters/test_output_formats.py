"""The structured-output formats below chat/ (`adapters/output_formats.py`): the shapes the
Chat Completions and Messages-API wires send, read from any schema spec."""

from __future__ import annotations

import pytest
from pydantic import BaseModel

from chatplex.adapters import output_formats
from chatplex.chat.structured import output_schema


class Sum(BaseModel):
    """A sum."""

    total: int


def test_a_pydantic_class_goes_strict_as_the_openai_sdk_sends_it() -> None:
    fmt = output_formats.openai_json_schema(output_schema(Sum), Sum, None)
    inner = fmt["json_schema"]
    assert fmt["type"] == "json_schema" and inner["name"] == "Sum" and inner["strict"] is True
    assert inner["schema"]["additionalProperties"] is False
    assert inner["schema"]["required"] == ["total"]


def test_a_dict_schema_goes_with_strict_as_given() -> None:
    schema = {"title": "T", "type": "object", "properties": {"a": {"type": "string"}}}
    loose = output_formats.openai_json_schema(output_schema(schema), schema, None)
    assert loose["json_schema"]["strict"] is False
    assert loose["json_schema"]["schema"] == {"type": "object", "properties": schema["properties"]}
    strict = output_formats.openai_json_schema(output_schema(schema), schema, True)
    assert strict["json_schema"]["schema"]["additionalProperties"] is False


def test_a_response_format_dict_is_kept_and_a_strict_clash_refused() -> None:
    given = {"type": "json_schema", "json_schema": {"name": "N", "schema": {}, "strict": True}}
    assert output_formats.response_format_schema(given) == given["json_schema"]
    assert output_formats.response_format_schema({"type": "object"}) is None
    spec = output_schema(given)
    assert output_formats.openai_json_schema(spec, given, None)["json_schema"]["name"] == "N"
    with pytest.raises(ValueError, match="strict=True"):
        output_formats.openai_json_schema(spec, given, False)


def test_anthropic_schema_is_the_sdks_transform_of_the_models_schema() -> None:
    schema = output_formats.anthropic_json_schema(output_schema(Sum), Sum)
    assert schema["type"] == "object" and schema["additionalProperties"] is False
    assert set(schema["properties"]) == {"total"}


def test_a_titled_schema_is_langchain_cores_json_schema_of_a_typeddict() -> None:
    from langchain_core.utils.function_calling import convert_to_json_schema
    from typing_extensions import TypedDict

    class Reminder(TypedDict):
        """A reminder to set."""

        task: str

    titled = output_formats.titled_schema(output_schema(Reminder))
    assert list(titled.items()) == list(convert_to_json_schema(Reminder).items())


def test_given_json_schema_is_the_models_own_or_the_dict_as_given_else_none() -> None:
    from typing_extensions import TypedDict

    given_json_schema = output_formats.given_json_schema

    class Answer(BaseModel):
        """An answer."""

        text: str

    class Point(TypedDict):
        x: int

    as_model = given_json_schema(output_schema(Answer), Answer)
    assert as_model == Answer.model_json_schema() and as_model["title"] == "Answer"
    schema = {"title": "Pick", "type": "object", "properties": {"n": {"type": "integer"}}}
    as_dict = given_json_schema(output_schema(schema), schema)
    assert as_dict == schema and as_dict is not schema  # a copy: the caller's dict untouched
    assert given_json_schema(output_schema(Point), Point) is None
    tool = {"name": "pick", "description": "", "parameters": {"type": "object"}}
    assert given_json_schema(output_schema(tool), tool) is None
