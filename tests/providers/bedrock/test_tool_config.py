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
from chatplex.providers.bedrock.tool_config import cache_point_tool
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


def test_a_cache_point_among_the_tools_goes_in_its_place_as_given() -> None:
    """`bind_tools([f, {"cachePoint": ...}])` (read by the adapter's `builtin_tool`): the
    cache point is sent after the tool, as given; a choice still names the function."""
    point = {"cachePoint": {"type": "default"}}
    assert cache_point_tool(point) == point and cache_point_tool({"name": "f"}) is None
    specs = to_tool_specs([WEATHER, point], builtin=cache_point_tool)
    settings = CallSettings(model="m", tools=specs, tool_choice=WEATHER.name)
    body = converse_body([HumanMessage("hi")], settings)
    assert [list(t) for t in body["toolConfig"]["tools"]] == [["toolSpec"], ["cachePoint"]]
    assert body["toolConfig"]["tools"][1] == point
    assert body["toolConfig"]["toolChoice"] == {"tool": {"name": WEATHER.name}}
    botocore_accepts(body)
