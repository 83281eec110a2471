"""Converse's `toolConfig` (`providers/bedrock/tool_config.py`): each tool choice, a
tool's strict flag and description, nullable fields as their type alone, and the choices
Converse cannot say refused; every body accepted by botocore's validation."""

from __future__ import annotations

from typing import Any

import pytest

from chatplex.adapters.request_types import CallSettings
from chatplex.adapters.request_types import ToolSpec
from chatplex.adapters.tools import to_tool_specs
from chatplex.messages import HumanMessage
from chatplex.providers.bedrock.request import converse_body
from chatplex.providers.bedrock.tool_config import converse_tool
from chatplex.providers.bedrock.tool_config import without_null_branches

from ._converse_requests import WEATHER
from ._converse_requests import botocore_accepts


@pytest.mark.parametrize(
    ("choice", "wire"),
    [
        ("required", {"any": {}}),
        ("any", {"any": {}}),
        ("get_weather", {"tool": {"name": "get_weather"}}),
    ],
)
def test_tool_choices(choice: str, wire: dict[str, Any]) -> None:
    body = converse_body(
        [HumanMessage("hi")], CallSettings(model="m", tools=(WEATHER,), tool_choice=choice)
    )
    assert body["toolConfig"]["toolChoice"] == wire
    botocore_accepts(body)


def test_a_tool_goes_with_its_strict_flag_and_its_nullable_fields_as_their_type() -> None:
    nullable = {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None}
    parameters = {
        "type": "object",
        "properties": {"note": nullable, "tags": {"type": ["array", "null"], "items": {}}},
    }
    strict = ToolSpec("note", "Take a note", parameters, strict=True)
    body = converse_body([HumanMessage("hi")], CallSettings(model="m", tools=(strict, WEATHER)))
    noted, weather = (t["toolSpec"] for t in body["toolConfig"]["tools"])
    assert list(noted) == ["name", "description", "strict", "inputSchema"]
    assert noted["strict"] is True and "strict" not in weather
    assert noted["inputSchema"]["json"]["properties"] == {
        "note": {"type": "string", "default": None},
        "tags": {"type": "array", "items": {}},
    }
    botocore_accepts(body)


def test_a_tool_without_a_description_goes_described_by_its_name() -> None:
    bare = ToolSpec("Classification", "", {"type": "object", "properties": {}})
    body = converse_body([HumanMessage("hi")], CallSettings(model="m", tools=(bare,)))
    sent = body["toolConfig"]["tools"][0]["toolSpec"]
    assert (sent["name"], sent["description"]) == ("Classification", "Classification")
    botocore_accepts(body)


def test_only_the_null_branch_of_a_union_goes() -> None:
    union = {"anyOf": [{"type": "string"}, {"type": "integer"}, {"type": "null"}]}
    assert without_null_branches(union) == {"anyOf": [{"type": "string"}, {"type": "integer"}]}
    assert without_null_branches({"anyOf": [{"type": "null"}]}) == {"anyOf": [{"type": "null"}]}
    assert without_null_branches({"type": ["string", "integer"]}) == {"type": ["string", "integer"]}


def test_tool_choices_converse_cannot_say_are_refused() -> None:
    with pytest.raises(ValueError, match="no tool_choice 'none'"):
        converse_body(
            [HumanMessage("hi")], CallSettings(model="m", tools=(WEATHER,), tool_choice="none")
        )
    with pytest.raises(ValueError, match="not among the bound tools"):
        converse_body(
            [HumanMessage("hi")], CallSettings(model="m", tools=(WEATHER,), tool_choice="other")
        )
    with pytest.raises(ValueError, match="needs tools"):
        converse_body([HumanMessage("hi")], CallSettings(model="m", tool_choice="required"))


def test_a_tool_in_converses_own_form_goes_as_written_and_can_be_chosen() -> None:
    """A call's `{"toolSpec": {...}}` (read by the adapter's `builtin_tool`) is sent as
    given, described by its name where it has none, and a choice of it names it."""
    given = {"toolSpec": {"name": "f", "inputSchema": {"json": {"type": "object"}}}}
    wired = converse_tool(given)
    assert wired == {"toolSpec": {**given["toolSpec"], "description": "f"}}
    spec = to_tool_specs([given], builtin=converse_tool)[0]
    settings = CallSettings(model="m", tools=(spec, WEATHER), tool_choice="f")
    body = converse_body([HumanMessage("hi")], settings)
    assert body["toolConfig"]["tools"][0] == wired
    assert body["toolConfig"]["toolChoice"] == {"tool": {"name": "f"}}
    assert converse_tool({"name": "f"}) is None and converse_tool({**given, "x": 1}) is None
    botocore_accepts(body)
