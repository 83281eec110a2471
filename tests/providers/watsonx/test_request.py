"""The watsonx.ai request body (`providers/watsonx/request.py`): the fields
ibm-watsonx-ai's `ModelInference.chat` sends, in its order, and langchain-ibm's
message shapes (`_convert_message_to_dict`)."""

from __future__ import annotations

import doctest
from typing import Any

import pytest

from chatplex.adapters.request_types import CallSettings
from chatplex.adapters.request_types import ToolSpec
from chatplex.messages import AIMessage
from chatplex.messages import HumanMessage
from chatplex.messages import SystemMessage
from chatplex.messages import ToolMessage
from chatplex.providers.watsonx import request as module
from chatplex.providers.watsonx.request import API_PARAMETERS
from chatplex.providers.watsonx.request import wire_body

SCOPE = {"project_id": "p-1"}
WEATHER = ToolSpec(
    "get_weather",
    "Weather of a city",
    {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
)


def _body(messages: list[Any], **settings: Any) -> dict[str, Any]:
    return wire_body(messages, CallSettings(model="ibm/granite", **settings), scope=SCOPE)


def test_the_fields_in_ibm_watsonx_ai_order() -> None:
    body = _body(
        [SystemMessage("Be brief."), HumanMessage("Hi")],
        temperature=0.5,
        max_tokens=20,
        top_p=0.9,
        stop=("END",),
        tools=(WEATHER,),
        # (the option langchain-ibm's `bind_tools` binds without a choice)
        extra_body={"seed": 7, "time_limit": 1000, "tool_choice_option": "auto"},
    )
    assert list(body) == [
        "model_id",
        "messages",
        "temperature",
        "max_tokens",
        "top_p",
        "stop",
        "seed",
        "time_limit",
        "project_id",
        "tools",
        "tool_choice_option",
    ]
    assert body["stop"] == ["END"] and body["project_id"] == "p-1"
    assert body["tools"] == [
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "description": "Weather of a city",
                "parameters": WEATHER.parameters,
            },
        }
    ]
    assert body["tool_choice_option"] == "auto"


def test_tools_without_a_bound_choice_send_no_choice() -> None:
    """Tools given to a call (`invoke(..., tools=[...])`) go without a choice field, as
    ibm-watsonx-ai's `chat(tools=...)` sends them: the API's own default."""
    body = _body([HumanMessage("Hi")], tools=(WEATHER,))
    assert body["tools"] and not {"tool_choice", "tool_choice_option"} & set(body)


def test_a_space_bills_the_call_instead_of_a_project() -> None:
    body = wire_body([HumanMessage("Hi")], CallSettings(model="m"), scope={"space_id": "s-1"})
    assert body == {
        "model_id": "m",
        "messages": [{"role": "user", "content": "Hi"}],
        "space_id": "s-1",
    }


@pytest.mark.parametrize(
    ("choice", "sent"),
    [
        ("auto", {"tool_choice_option": "auto"}),
        ("none", {"tool_choice_option": "none"}),
        ("required", {"tool_choice_option": "required"}),
        ("any", {"tool_choice_option": "required"}),
        ("get_weather", {"tool_choice": {"type": "function", "function": {"name": "get_weather"}}}),
    ],
)
def test_tool_choice_as_langchain_ibm_binds_it(choice: str, sent: dict[str, Any]) -> None:
    body = _body([HumanMessage("Hi")], tools=(WEATHER,), tool_choice=choice)
    assert {k: body[k] for k in ("tool_choice", "tool_choice_option") if k in body} == sent


def test_a_choice_naming_no_tool_is_refused_before_sending() -> None:
    with pytest.raises(ValueError, match="'nope'"):
        _body([HumanMessage("Hi")], tools=(WEATHER,), tool_choice="nope")


def test_a_strict_tool_says_so() -> None:
    strict = ToolSpec("t", "d", {"type": "object"}, strict=True)
    assert _body([HumanMessage("Hi")], tools=(strict,))["tools"][0]["function"]["strict"] is True


def test_a_conversation_with_tool_calls() -> None:
    call = {"name": "get_weather", "args": {"city": "Zürich"}, "id": "c-1", "type": "tool_call"}
    body = _body(
        [
            HumanMessage("Weather?", name="ann"),
            AIMessage("", tool_calls=[call]),
            ToolMessage("18C", tool_call_id="c-1"),
            ToolMessage([{"type": "text", "text": "dry"}], tool_call_id="c-1"),
            ToolMessage([{"temp": 18}], tool_call_id="c-1"),  # type: ignore[list-item]
        ]
    )
    assert body["messages"] == [
        {"role": "user", "content": "Weather?", "name": "ann"},
        {
            "role": "assistant",
            # langchain-ibm: no text beside tool calls is null, not "".
            "content": None,
            "tool_calls": [
                {
                    "type": "function",
                    "id": "c-1",
                    # ensure_ascii=False, as langchain-ibm dumps them.
                    "function": {"name": "get_weather", "arguments": '{"city": "Zürich"}'},
                }
            ],
        },
        {"role": "tool", "content": "18C", "tool_call_id": "c-1"},
        {"role": "tool", "content": "dry", "tool_call_id": "c-1"},
        {"role": "tool", "content": '[{"temp": 18}]', "tool_call_id": "c-1"},
    ]


def test_invalid_tool_calls_go_back_with_their_arguments_as_they_came() -> None:
    call = {"name": "add", "args": {"a": 2}, "id": "c-1", "type": "tool_call"}
    invalid = {
        "name": "add",
        "args": "{b:",
        "id": "c-2",
        "error": "bad",
        "type": "invalid_tool_call",
    }
    turn = AIMessage("", tool_calls=[call], invalid_tool_calls=[invalid])  # type: ignore[list-item]
    sent = _body([HumanMessage("2 + 3?"), turn])["messages"][1]
    assert sent == {
        "role": "assistant",
        "content": None,
        "tool_calls": [
            {"type": "function", "id": "c-1", "function": {"name": "add", "arguments": '{"a": 2}'}},
            {"type": "function", "id": "c-2", "function": {"name": "add", "arguments": "{b:"}},
        ],
    }


def test_reasoning_left_out_and_media_blocks_sent_as_given() -> None:
    video = {"type": "input_video", "input_video": {"data": "AAAA", "format": "mp4"}}
    content: list[Any] = [
        {"type": "thinking", "thinking": "hm", "signature": "s"},
        {"type": "reasoning_content", "reasoning_content": {"text": "hm"}},
        {"type": "tool_use", "id": "c-1", "name": "add", "input": {}},
        {"type": "text", "text": "Look:"},
        video,
        {"type": "video_url", "video_url": {"url": "https://example.com/v.mp4"}},
        {"type": "file", "base64": "AAAA", "mime_type": "application/pdf"},
    ]
    assert _body([AIMessage(content)])["messages"][0]["content"] == content[3:]


def test_images_as_image_url_parts() -> None:
    content: list[Any] = [
        "Look:",
        {"type": "text", "text": "this"},
        {"type": "image", "url": "https://example.com/a.png"},
        {"type": "image", "base64": "AAAA", "mime_type": "image/png"},
        {"type": "image_url", "image_url": {"url": "https://example.com/b.png"}},
        {"type": "reasoning", "reasoning": "not sent"},
    ]
    assert _body([HumanMessage(content)])["messages"][0]["content"] == [
        {"type": "text", "text": "Look:"},
        {"type": "text", "text": "this"},
        {"type": "image_url", "image_url": {"url": "https://example.com/a.png"}},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,AAAA"}},
        {"type": "image_url", "image_url": {"url": "https://example.com/b.png"}},
    ]
    with pytest.raises(ValueError, match="mime_type"):
        _body([HumanMessage([{"type": "image", "base64": "AAAA"}])])
    with pytest.raises(ValueError, match="file id"):
        _body([HumanMessage([{"type": "image", "file_id": "f-1"}])])


def test_extra_body_wins_and_passes_tools_through() -> None:
    given = [{"type": "function", "function": {"name": "raw"}}]
    body = _body(
        [HumanMessage("Hi")],
        temperature=0.1,
        extra_body={"temperature": 0.2, "tools": given, "tool_choice_option": "none"},
    )
    assert body["temperature"] == 0.2 and body["tools"] == given
    assert body["tool_choice_option"] == "none"


def test_the_api_parameters_are_ibm_watsonx_ai_chat_parameters() -> None:
    assert {"time_limit", "max_completion_tokens", "guided_json", "reasoning_effort"} <= (
        API_PARAMETERS
    )
    assert "stop_sequences" not in API_PARAMETERS  # the text generation API's name


def test_docstring_examples() -> None:
    result = doctest.testmod(module)
    assert result.attempted >= 1 and result.failed == 0


@pytest.mark.parametrize(
    ("choice", "chat", "gateway"),
    [
        (
            "required",
            {"tool_choice_option": "required"},
            {"tool_choice": "required", "tool_choice_option": "auto"},
        ),
        (
            "get_weather",
            {"tool_choice": {"type": "function", "function": {"name": "get_weather"}}},
            {
                "tool_choice": {"type": "function", "function": {"name": "get_weather"}},
                "tool_choice_option": "auto",
            },
        ),
    ],
)
def test_a_call_s_own_choice_beside_the_bound_option(
    choice: str, chat: dict[str, Any], gateway: dict[str, Any]
) -> None:
    """The chat API takes one of its two choice fields: the call's replaces the bound
    one. The Model Gateway is handed both, as langchain-ibm hands them to it."""
    settings = CallSettings(
        model="m", tools=(WEATHER,), tool_choice=choice, extra_body={"tool_choice_option": "auto"}
    )
    fields = ("tool_choice", "tool_choice_option")
    sent = wire_body([HumanMessage("Hi")], settings, scope=SCOPE)
    assert {k: sent[k] for k in fields if k in sent} == chat
    sent = wire_body([HumanMessage("Hi")], settings, scope={}, gateway=True)
    assert {k: sent[k] for k in fields if k in sent} == gateway
