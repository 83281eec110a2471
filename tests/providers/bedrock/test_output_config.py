"""Converse's native structured output (`providers/bedrock/output_config.py`): a
json_schema `response_format` as `outputConfig`, and JSON mode, which has no Converse
form, refused."""

from __future__ import annotations

import json

import pytest

from chatplex.adapters.request_types import CallSettings
from chatplex.messages import HumanMessage
from chatplex.providers.bedrock.request import converse_body

from ._converse_requests import botocore_accepts


def test_response_format_json_schema_is_native_structured_output() -> None:
    schema = {
        "type": "object",
        "properties": {"city": {"type": "string"}, "at": {"$ref": "#/$defs/When"}},
        "$defs": {"When": {"type": "object", "properties": {"day": {"type": "string"}}}},
    }
    fmt = {"type": "json_schema", "json_schema": {"name": "Weather", "schema": schema}}
    body = converse_body(
        [HumanMessage("hi")], CallSettings(model="m", extra_body={"response_format": fmt})
    )
    text_format = body["outputConfig"]["textFormat"]
    assert text_format["type"] == "json_schema"
    sent = text_format["structure"]["jsonSchema"]
    assert (sent["name"], sent["description"]) == ("Weather", "Weather")
    closed = json.loads(sent["schema"])
    assert closed["additionalProperties"] is False
    assert closed["$defs"]["When"]["additionalProperties"] is False
    assert "additionalProperties" not in schema  # the caller's schema is not changed
    botocore_accepts(body)
    own = {"textFormat": {"type": "json_schema", "structure": {"jsonSchema": {"schema": "{}"}}}}
    body = converse_body(
        [HumanMessage("hi")], CallSettings(model="m", extra_body={"output_config": own})
    )
    assert body["outputConfig"] == own


def test_a_recursive_models_description_is_its_definitions() -> None:
    """A recursive pydantic model's schema is a `$ref` to its own definition, which holds
    its docstring: that is the format's description (langchain-aws sends the docstring),
    not its name."""
    schema = {
        "$defs": {
            "Node": {
                "description": "A node of a tree.",
                "type": "object",
                "properties": {"children": {"items": {"$ref": "#/$defs/Node"}, "type": "array"}},
            }
        },
        "$ref": "#/$defs/Node",
    }
    fmt = {"type": "json_schema", "json_schema": {"name": "Node", "schema": schema}}
    body = converse_body(
        [HumanMessage("hi")], CallSettings(model="m", extra_body={"response_format": fmt})
    )
    sent = body["outputConfig"]["textFormat"]["structure"]["jsonSchema"]
    assert sent["description"] == "A node of a tree."


def test_json_mode_has_no_converse_form() -> None:
    with pytest.raises(ValueError, match="no Bedrock Converse form"):
        converse_body(
            [HumanMessage("hi")],
            CallSettings(model="m", extra_body={"response_format": {"type": "json_object"}}),
        )
