"""A Converse request without tools writes the conversation's tool use as text, as
langchain-aws does (Bedrock refuses toolUse/toolResult blocks without toolConfig)."""

from __future__ import annotations

import copy
import logging
from typing import Any

import pytest

from chatplex.adapters.request_types import CallSettings
from chatplex.adapters.request_types import ToolSpec
from chatplex.messages import AIMessage
from chatplex.messages import HumanMessage
from chatplex.messages import ToolMessage
from chatplex.providers.bedrock.request import converse_body
from chatplex.providers.bedrock.tool_text import has_tool_blocks
from chatplex.providers.bedrock.tool_text import tool_blocks_as_text

WARNED = "Tool messages were passed without toolConfig, converting to text format"

TURNS: list[dict[str, Any]] = [
    {"role": "user", "content": [{"text": "Weather in Paris and Rome?"}]},
    {
        "role": "assistant",
        "content": [
            {"text": "Looking."},
            {"toolUse": {"toolUseId": "t1", "name": "get_weather", "input": {"city": "Paris"}}},
            {"toolUse": {"toolUseId": "t2", "name": "now", "input": {}}},
        ],
    },
    {
        "role": "user",
        "content": [
            {
                "toolResult": {
                    "toolUseId": "t1",
                    "content": [{"text": "Sunny, "}, {"json": {"c": 21}}],
                }
            },
            {"toolResult": {"toolUseId": "t2", "content": [{"text": "  "}], "status": "error"}},
            {"cachePoint": {"type": "default"}},
        ],
    },
]


def test_each_call_and_result_is_written_as_langchain_aws_writes_it() -> None:
    converse = pytest.importorskip("langchain_aws.chat_models.bedrock_converse")
    with pytest.warns(RuntimeWarning, match=WARNED):
        ours = tool_blocks_as_text(copy.deepcopy(TURNS))
    assert ours == converse._convert_tool_blocks_to_text(copy.deepcopy(TURNS))
    assert ours[1]["content"][1:] == [
        {"text": '[Called get_weather with parameters: {"city": "Paris"}]'},
        {"text": "[Called now]"},
    ]
    # A result with nothing to show is left out; other blocks stay.
    assert ours[2]["content"] == [
        {"text": '[Tool output: Sunny, {"c": 21}]'},
        {"cachePoint": {"type": "default"}},
    ]
    assert not has_tool_blocks(ours)
    assert has_tool_blocks(TURNS)


def test_the_warning_is_logged_too(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING), pytest.warns(RuntimeWarning, match=WARNED):
        tool_blocks_as_text(TURNS)
    assert "detected without toolConfig" in caplog.text


CONVERSATION = [
    HumanMessage("Weather in Paris?"),
    AIMessage("", tool_calls=[{"name": "get_weather", "args": {"city": "Paris"}, "id": "t1"}]),
    ToolMessage("Sunny.", tool_call_id="t1"),
]


def test_a_body_without_tools_carries_the_tool_use_as_text() -> None:
    with pytest.warns(RuntimeWarning, match=WARNED):
        body = converse_body(CONVERSATION, CallSettings(model="m"))
    assert "toolConfig" not in body
    assert body["messages"][1:] == [
        {
            "role": "assistant",
            "content": [{"text": '[Called get_weather with parameters: {"city": "Paris"}]'}],
        },
        {"role": "user", "content": [{"text": "[Tool output: Sunny.]"}]},
    ]


def test_a_body_with_tools_or_a_given_tool_config_keeps_the_blocks() -> None:
    spec = ToolSpec("get_weather", "", {"type": "object", "properties": {}})
    bound = converse_body(CONVERSATION, CallSettings(model="m", tools=(spec,)))
    given = {"tools": [{"systemTool": {"name": "nova_grounding"}}]}
    configured = converse_body(
        CONVERSATION, CallSettings(model="m", extra_body={"toolConfig": given})
    )
    for body in (bound, configured):
        assert has_tool_blocks(body["messages"])
    assert configured["toolConfig"] == given
