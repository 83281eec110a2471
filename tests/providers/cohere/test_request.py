"""The v2 Chat request body (`providers/cohere/request.py`): each message kind and
setting as langchain-cohere sends it, checked against the cohere SDK's own message
types where it is installed."""

from __future__ import annotations

import dataclasses
import doctest
import json
from typing import Any

import pytest

from chatplex.adapters.request_types import CallSettings
from chatplex.adapters.request_types import ToolSpec
from chatplex.messages import AIMessage
from chatplex.messages import HumanMessage
from chatplex.messages import SystemMessage
from chatplex.messages import ToolMessage
from chatplex.providers.cohere import request
from chatplex.providers.cohere.request import TOOL_PLAN
from chatplex.providers.cohere.request import wire_body

WEATHER = ToolSpec(
    "get_weather",
    "The weather in a city.",
    {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
)
CONVERSATION = [
    SystemMessage("Be brief."),
    HumanMessage("Weather in Paris?"),
    AIMessage("", tool_calls=[{"name": "get_weather", "args": {"city": "Paris"}, "id": "c-1"}]),
    ToolMessage("18C and sunny", tool_call_id="c-1"),
]


def _body(messages: list[Any], **settings: Any) -> dict[str, Any]:
    return wire_body(messages, CallSettings(model="command-a-03-2025", **settings), stream=False)


def test_a_conversation_with_a_tool_round_trip() -> None:
    body = _body(CONVERSATION, tools=(WEATHER,))
    assert body["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Weather in Paris?"},
        {
            "role": "assistant",
            "tool_plan": TOOL_PLAN,
            "tool_calls": [
                {
                    "id": "c-1",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
                }
            ],
        },
        {
            "role": "tool",
            "tool_call_id": "c-1",
            "content": [{"type": "document", "document": {"data": {"output": "18C and sunny"}}}],
        },
    ]
    assert body["tools"] == [
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "description": "The weather in a city.",
                "parameters": WEATHER.parameters,
            },
        }
    ]
    assert body["stream"] is False and "tool_choice" not in body


def test_settings_take_cohere_names() -> None:
    body = _body([HumanMessage("hi")], temperature=0.2, max_tokens=9, top_p=0.5, stop=("x", "y"))
    assert body == {
        "model": "command-a-03-2025",
        "messages": [{"role": "user", "content": "hi"}],
        "max_tokens": 9,
        "stop_sequences": ["x", "y"],
        "temperature": 0.2,
        "p": 0.5,
        "stream": False,
    }


@pytest.mark.parametrize(
    ("choice", "sent", "names"),
    [
        ("auto", None, ["get_weather", "other"]),
        ("none", "NONE", ["get_weather", "other"]),
        ("required", "REQUIRED", ["get_weather", "other"]),
        ("any", "REQUIRED", ["get_weather", "other"]),
        ("other", "REQUIRED", ["other"]),  # Cohere names no tool: the one offered, required
    ],
)
def test_tool_choice(choice: str, sent: str | None, names: list[str]) -> None:
    other = ToolSpec("other", "", {"type": "object", "properties": {}})
    body = _body([HumanMessage("hi")], tools=(WEATHER, other), tool_choice=choice)
    assert body.get("tool_choice") == sent
    assert [t["function"]["name"] for t in body["tools"]] == names


def test_strict_tools_are_sent_as_coheres_strict_tools() -> None:
    # Cohere's one switch for every tool (`strict_tools`, its Structured Outputs for
    # tools): sent where every tool is strict; a strict tool beside one that is not
    # cannot be said to it, and is refused rather than sent loose.
    strict = dataclasses.replace(WEATHER, strict=True)
    loose = ToolSpec("other", "", {"type": "object", "properties": {}})
    assert _body([HumanMessage("hi")], tools=(strict,))["strict_tools"] is True
    assert "strict_tools" not in _body([HumanMessage("hi")], tools=(WEATHER,))
    unmarked = dataclasses.replace(WEATHER, strict=False)
    assert "strict_tools" not in _body([HumanMessage("hi")], tools=(unmarked,))
    with pytest.raises(ValueError, match="strict_tools"):
        _body([HumanMessage("hi")], tools=(strict, loose))


def test_a_tool_choice_naming_no_tool_is_refused() -> None:
    with pytest.raises(ValueError, match="not among the tools"):
        _body([HumanMessage("hi")], tools=(WEATHER,), tool_choice="nope")


def test_a_bound_empty_tool_list_is_sent_where_asked() -> None:
    # langchain-cohere's bind_tools([]) leaves `tools: []` in its kwargs, which the
    # cohere SDK sends (it omits only a None); the adapter asks for it.
    def sent(settings: CallSettings, empty: bool) -> Any:
        body = wire_body([HumanMessage("hi")], settings, stream=False, empty_tool_list=empty)
        return body.get("tools", "unsent")

    bound = CallSettings(model="command-a-03-2025", tool_list_bound=True)
    assert sent(bound, empty=True) == []
    assert sent(bound, empty=False) == "unsent"
    assert sent(CallSettings(model="command-a-03-2025"), empty=True) == "unsent"


def test_preamble_is_a_first_system_message_and_extras_pass_through() -> None:
    body = _body(
        [HumanMessage("hi")],
        extra_body={"preamble": "You are terse.", "seed": 3, "documents": ["d1"]},
    )
    assert body["messages"][0] == {"role": "system", "content": "You are terse."}
    assert body["seed"] == 3 and body["documents"] == ["d1"] and "preamble" not in body


def test_the_last_message_must_be_the_users_or_a_tool_result() -> None:
    with pytest.raises(ValueError, match="last message must be a HumanMessage or a ToolMessage"):
        _body([HumanMessage("hi"), AIMessage("hello")])


def test_content_blocks_and_tool_documents() -> None:
    image = {"type": "image_url", "image_url": "data:image/png;base64,iVBORw0KGgo="}
    body = _body(
        [
            AIMessage([{"type": "text", "text": "earlier"}]),
            HumanMessage([{"type": "text", "text": "look"}, image]),
            ToolMessage(json.dumps({"a": 1}), tool_call_id="t"),
        ]
    )
    assert body["messages"][0] == {
        "role": "assistant",
        "content": [{"type": "text", "text": "earlier"}],
    }
    assert body["messages"][1]["content"] == [
        {"type": "text", "text": "look"},
        {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
    ]
    assert body["messages"][2]["content"][0]["document"]["data"] == {"output": '{"a": 1}'}
    listed = _body([ToolMessage([{"type": "text", "text": "r"}], tool_call_id="t")])
    assert listed["messages"][0]["content"][0]["document"]["data"] == {"type": "text", "text": "r"}


def test_system_and_assistant_text_blocks_are_text_parts() -> None:
    """As langchain-cohere passes them: blocks stay apart (joined, 'Be terse.' ran into
    'Answer in English.'), a non-text block is left out, a str stays a str."""
    blocks = [{"type": "text", "text": "Be terse."}, "Answer in English."]
    body = _body(
        [
            SystemMessage(blocks),
            HumanMessage("Hi"),
            AIMessage([{"type": "reasoning", "reasoning": "r"}, {"type": "text", "text": "One."}]),
            AIMessage([{"type": "reasoning", "reasoning": "r"}]),
            AIMessage("Two."),
            HumanMessage("Again"),
        ]
    )
    parts = [{"type": "text", "text": "Be terse."}, {"type": "text", "text": "Answer in English."}]
    assert [m.get("content") for m in body["messages"]] == [
        parts,
        "Hi",
        [{"type": "text", "text": "One."}],
        "",
        "Two.",
        "Again",
    ]
    cohere = pytest.importorskip("cohere")
    pydantic = pytest.importorskip("pydantic")
    parsed = pydantic.TypeAdapter(list[cohere.ChatMessageV2]).validate_python(body["messages"])
    assert parsed[0].content[1].text == "Answer in English."  # type: ignore[index,union-attr]


def test_the_sdk_accepts_the_messages() -> None:
    pydantic = pytest.importorskip("pydantic")
    cohere = pytest.importorskip("cohere")
    body = _body(CONVERSATION, tools=(WEATHER,))
    adapter = pydantic.TypeAdapter(list[cohere.ChatMessageV2])
    parsed = adapter.validate_python(body["messages"])
    assert [type(m).__name__ for m in parsed] == [
        "SystemChatMessageV2",
        "UserChatMessageV2",
        "AssistantChatMessageV2",
        "ToolChatMessageV2",
    ]
    tools = pydantic.TypeAdapter(list[cohere.ToolV2]).validate_python(body["tools"])
    assert tools[0].function.name == "get_weather"  # type: ignore[union-attr]


def test_docstring_examples() -> None:
    result = doctest.testmod(request)
    assert result.attempted >= 1 and result.failed == 0


PNG = "iVBORw0KGgo="


@pytest.mark.parametrize(
    ("block", "url"),
    [
        ({"type": "image", "url": "https://x.example/a.png"}, "https://x.example/a.png"),
        (
            {"type": "image", "base64": PNG, "mime_type": "image/png"},
            f"data:image/png;base64,{PNG}",
        ),
        (
            {"type": "image", "source_type": "base64", "data": PNG, "mime_type": "image/png"},
            f"data:image/png;base64,{PNG}",
        ),
    ],
)
def test_a_standard_image_block_is_sent_as_coheres_image_url_part(
    block: dict[str, Any], url: str
) -> None:
    # It was refused ("the cohere adapter does not send 'image'") where the other wires
    # send it; Cohere's v2 Chat takes images as `image_url` parts.
    from chatplex.providers.cohere.adapter import CohereAdapter

    message = HumanMessage([{"type": "text", "text": "what"}, block])
    sent = CohereAdapter(api_key="k").build_request(
        [message], CallSettings(model="m"), stream=False
    )
    assert sent.json["messages"][0]["content"] == [
        {"type": "text", "text": "what"},
        {"type": "image_url", "image_url": {"url": url}},
    ]


def test_an_image_block_by_file_id_is_refused_before_sending() -> None:
    from chatplex.providers.cohere.adapter import CohereAdapter

    message = HumanMessage([{"type": "image", "file_id": "file_1"}])
    with pytest.raises(ValueError, match="by url or base64 data, not by file id"):
        CohereAdapter(api_key="k").build_request([message], CallSettings(model="m"), stream=False)


@pytest.mark.parametrize(
    ("choice", "sent"),
    [("auto", "unsent"), ("none", "NONE"), ("any", "REQUIRED"), ("required", "REQUIRED")],
)
def test_a_choice_beside_a_bound_empty_tool_list_goes_in_coheres_words(
    choice: str, sent: str
) -> None:
    # langchain-cohere sends bind_tools([], tool_choice=...) beside `tools: []`, as
    # written (which Cohere refuses: see the side matrix's kept row); chatplex in
    # Cohere's words, beside the list where it goes, alone where it does not ("auto",
    # Cohere's default, has no word).
    def body(empty: bool) -> Any:
        settings = CallSettings(model="m", tool_list_bound=True, tool_choice=choice)
        return wire_body([HumanMessage("hi")], settings, stream=False, empty_tool_list=empty)

    listed = body(empty=True)
    assert listed["tools"] == [] and listed.get("tool_choice", "unsent") == sent
    alone = body(empty=False)
    assert "tools" not in alone and alone.get("tool_choice", "unsent") == sent
