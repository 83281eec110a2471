"""chatplex messages and settings → Ollama's `/api/chat` body."""

from __future__ import annotations

from typing import Any

import pytest

from chatplex.adapters.request_types import CallSettings
from chatplex.adapters.request_types import ToolSpec
from chatplex.messages import AIMessage
from chatplex.messages import HumanMessage
from chatplex.messages import SystemMessage
from chatplex.messages import ToolMessage
from chatplex.providers.ollama.request import format_from_response_format
from chatplex.providers.ollama.request import wire_body

PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR4nGNgYGD4DwABBAEAwS2OUAAAAABJRU5E"
TOOL = ToolSpec("get_weather", "Weather of a city", {"type": "object", "properties": {}})


def body(messages: list[Any] | None = None, stream: bool = False, **settings: Any) -> Any:
    return wire_body(
        messages or [HumanMessage("Hi")], CallSettings(model="llama3.2", **settings), stream=stream
    )


def test_a_plain_call() -> None:
    assert body() == {
        "model": "llama3.2",
        "messages": [{"role": "user", "content": "Hi"}],
        "stream": False,
        "tools": [],  # no tools: an empty list, as the ollama SDK sends every call
        "options": {},  # sent even empty, as langchain-ollama sends it
    }
    assert body(stream=True)["stream"] is True  # always sent: Ollama streams without it


def test_an_empty_tool_list_goes_beside_a_format() -> None:
    # langchain-ollama's with_structured_output binds `format` only: its ollama client
    # still sends `tools: []` (byte for byte its body).
    schema = {"type": "object", "properties": {"n": {"type": "integer"}}}
    sent = body(extra_body={"format": schema})
    assert sent["tools"] == [] and sent["format"] == schema
    assert body(extra_body={"format": "json"})["tools"] == []
    assert body(tools=(TOOL,))["tools"][0]["function"]["name"] == "get_weather"


def test_sampling_settings_go_inside_options() -> None:
    sent = body(temperature=0.2, top_p=0.9, max_tokens=64, stop=("\n\n",))
    assert sent["options"] == {
        "temperature": 0.2,
        "top_p": 0.9,
        "num_predict": 64,
        "stop": ["\n\n"],
    }
    assert "temperature" not in sent and "max_tokens" not in sent


def test_ollama_options_given_as_body_fields_join_options() -> None:
    extra = {"num_ctx": 8192, "top_k": 40, "seed": 7, "repeat_penalty": 1.1, "mirostat": 2}
    sent = body(temperature=0.5, extra_body={**extra, "keep_alive": "5m", "think": "high"})
    assert sent["options"] == {"temperature": 0.5, **extra}
    assert sent["keep_alive"] == "5m" and sent["think"] == "high"


def test_an_options_dict_merges_and_wins() -> None:
    sent = body(temperature=0.5, extra_body={"options": {"temperature": 0.1, "num_gpu": 1}})
    assert sent["options"] == {"temperature": 0.1, "num_gpu": 1}
    with pytest.raises(TypeError, match="options must be a dict"):
        body(extra_body={"options": 3})


def test_format_json_schema_or_json() -> None:
    schema = {"type": "object", "properties": {"a": {"type": "integer"}}}
    assert body(extra_body={"format": schema})["format"] == schema
    assert body(extra_body={"format": "json"})["format"] == "json"
    with pytest.raises(ValueError, match="format must be"):
        body(extra_body={"format": "yaml"})


def test_response_format_becomes_format() -> None:
    schema = {"type": "object"}
    wrapped = {"type": "json_schema", "json_schema": {"name": "A", "schema": schema}}
    assert body(extra_body={"response_format": wrapped})["format"] == schema
    assert body(extra_body={"response_format": {"type": "json_object"}})["format"] == "json"
    assert format_from_response_format(None) is None


@pytest.mark.parametrize(
    ("given", "words"),
    [
        (dict, "Ignored invalid 'response_format' type: <class 'type'>. Expected a dictionary."),
        ("json", "Ignored invalid 'response_format' type: <class 'str'>. Expected a dictionary."),
        (
            {"type": "text"},
            "Ignored unrecognized 'response_format' type: text. "
            "Expected 'json_object' or 'json_schema'.",
        ),
        (
            {"type": "json_schema", "json_schema": "A"},
            "response_format has type 'json_schema' but 'json_schema' value is <class 'str'>, "
            "expected a dict containing a 'schema' key. The format parameter will not be set.",
        ),
        (
            {"type": "json_schema", "json_schema": {"name": "A"}},
            "response_format has type 'json_schema' but no 'schema' key was found in "
            "'json_schema'. The format parameter will not be set.",
        ),
    ],
)
def test_a_response_format_langchain_ollama_cannot_read_is_ignored_with_its_warning(
    given: Any, words: str
) -> None:
    with pytest.warns(UserWarning) as seen:
        sent = body(extra_body={"response_format": given})
    assert [str(w.message) for w in seen] == [words]
    assert "format" not in sent


def test_format_wins_over_response_format_with_langchain_ollamas_warning() -> None:
    with pytest.warns(UserWarning, match="'response_format' will be ignored in favor of 'format'"):
        sent = body(extra_body={"format": "json", "response_format": {"type": "text"}})
    assert sent["format"] == "json"


@pytest.mark.parametrize("think", [True, False, "low", "medium", "high"])
def test_think_values(think: Any) -> None:
    assert body(extra_body={"think": think})["think"] == think
    assert body(extra_body={"reasoning": think})["think"] == think  # langchain-ollama's name


def test_a_bad_think_value_is_refused() -> None:
    with pytest.raises(ValueError, match="think"):
        body(extra_body={"think": "max"})


def test_tools_are_sent_and_none_sends_none() -> None:
    sent = body(tools=(TOOL,), tool_choice="get_weather")
    assert sent["tools"] == [
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "description": "Weather of a city",
                "parameters": {"type": "object", "properties": {}},
            },
        }
    ]
    assert "tool_choice" not in sent  # Ollama has none
    assert "tools" not in body(tools=(TOOL,), tool_choice="none")


def test_a_pydantic_tool_goes_without_the_titles_and_description_it_repeats() -> None:
    """As langchain-ollama sends a pydantic model's tool (trustcall's and langmem's
    extraction schemas): the ollama SDK's Tool model drops the schema's title and
    description and the properties' titles. Only those that repeat the tool's name, its
    description or a property's name are left out here; defaults and an author's title
    say something, and go."""
    tool = ToolSpec(
        "UserInfo",
        "What is known of the user.",
        {
            "title": "UserInfo",
            "description": "What is known of the user.",
            "type": "object",
            "properties": {
                "json_doc_id": {"title": "Json Doc Id", "type": "string"},
                "age": {"title": "Age in years", "type": "integer", "default": 0},
            },
            "required": ["json_doc_id"],
        },
    )
    assert body(tools=(tool,))["tools"][0]["function"]["parameters"] == {
        "type": "object",
        "properties": {
            "json_doc_id": {"type": "string"},
            "age": {"title": "Age in years", "type": "integer", "default": 0},
        },
        "required": ["json_doc_id"],
    }
    other = ToolSpec(
        "Note", "A note.", {"title": "Memo", "description": "Its text.", "type": "object"}
    )
    assert body(tools=(other,))["tools"][0]["function"]["parameters"] == other.parameters


def test_a_tool_round_trip() -> None:
    call = {"name": "get_weather", "args": {"city": "Paris"}, "id": "call_1"}
    messages = [
        SystemMessage("Be brief."),
        HumanMessage("Weather in Paris?"),
        AIMessage(
            [{"type": "reasoning", "reasoning": "Need the tool."}, {"type": "text", "text": ""}],
            tool_calls=[call],
        ),
        ToolMessage("18C, sunny", tool_call_id="call_1"),
    ]
    assert body(messages)["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Weather in Paris?"},
        {
            "role": "assistant",
            "thinking": "Need the tool.",
            "tool_calls": [{"function": {"name": "get_weather", "arguments": {"city": "Paris"}}}],
        },
        {"role": "tool", "content": "18C, sunny", "tool_name": "get_weather"},
    ]


def test_empty_members_are_left_out_as_the_sdk_sends_them() -> None:
    """The ollama SDK (langchain-ollama's path) copies each message without its empty
    members: an empty user turn goes without `content`, an empty tool result too."""
    call = {"name": "get_weather", "args": {}, "id": "call_1"}
    messages = [
        HumanMessage(""),
        AIMessage("", tool_calls=[call]),
        ToolMessage("", tool_call_id="call_1"),
        HumanMessage("Hi"),
    ]
    assert body(messages)["messages"] == [
        {"role": "user"},
        {
            "role": "assistant",
            "tool_calls": [{"function": {"name": "get_weather", "arguments": {}}}],
        },
        {"role": "tool", "tool_name": "get_weather"},
        {"role": "user", "content": "Hi"},
    ]


def test_images_go_as_base64() -> None:
    content = [
        {"type": "text", "text": "What is this?"},
        {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}},
        {"type": "image", "source_type": "base64", "data": PNG, "mime_type": "image/png"},
        {"type": "image", "base64": PNG, "mime_type": "image/png"},
    ]
    (sent,) = body([HumanMessage(content)])["messages"]
    # Each text part after a newline, as langchain-ollama joins them.
    assert sent == {"role": "user", "content": "\nWhat is this?", "images": [PNG, PNG, PNG]}


def test_image_urls_are_refused_before_any_request() -> None:
    url = [{"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}]
    with pytest.raises(ValueError, match="base64 data, not URLs"):
        body([HumanMessage(url)])
    # (langchain-ollama's words; its `image_url` by URL fails in the ollama SDK, which
    # reads the URL as a file path: chatplex says what is wrong, a ValueError too)
    with pytest.raises(ValueError, match="^Image data only supported through in-line base64"):
        body([HumanMessage([{"type": "image", "url": "https://example.com/cat.png"}])])


def test_other_blocks_are_refused() -> None:
    with pytest.raises(ValueError, match="not 'input_audio'"):
        body([HumanMessage([{"type": "input_audio", "input_audio": {}}])])
