"""A conversation as Gemini's `contents` and `systemInstruction` (`providers/google/contents.py`):
roles, images and files, tool calls and their answers with thought signatures, another
provider's thinking left out."""

from __future__ import annotations

import warnings

import pytest

from chatplex.adapters.request_types import CallSettings
from chatplex.messages import FUNCTION_RESULT_KEY
from chatplex.messages import AIMessage
from chatplex.messages import HumanMessage
from chatplex.messages import SystemMessage
from chatplex.messages import ToolMessage
from chatplex.providers.google.contents import FUNCTION_SIGNATURES_KEY
from chatplex.providers.google.contents import wire_contents
from chatplex.providers.google.request import build_body


def test_system_messages_become_the_system_instruction_and_roles_are_user_and_model() -> None:
    system, contents = wire_contents(
        [SystemMessage("Be brief."), HumanMessage("Hi"), AIMessage("Hello"), HumanMessage("Bye")]
    )
    assert system == [{"text": "Be brief."}]
    assert contents == [
        {"role": "user", "parts": [{"text": "Hi"}]},
        {"role": "model", "parts": [{"text": "Hello"}]},
        {"role": "user", "parts": [{"text": "Bye"}]},
    ]
    body = build_body([SystemMessage("Be brief."), HumanMessage("Hi")], CallSettings(model="m"))
    assert body["systemInstruction"] == {"parts": [{"text": "Be brief."}]}
    assert "generationConfig" not in body


def test_images_go_inline_from_data_urls_and_by_uri_otherwise() -> None:
    message = HumanMessage(
        [
            {"type": "text", "text": "What is this?"},
            {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0K"}},
            {"type": "image_url", "image_url": "https://example.com/cat.jpg"},
            {"type": "image", "base64": "R0lGOD", "mime_type": "image/gif"},
            {"type": "image", "url": "gs://bucket/dog.png", "mime_type": "image/png"},
        ]
    )
    _, contents = wire_contents([message])
    assert contents[0]["parts"] == [
        {"text": "What is this?"},
        {"inlineData": {"mimeType": "image/png", "data": "iVBORw0K"}},
        {"fileData": {"fileUri": "https://example.com/cat.jpg"}},
        {"inlineData": {"mimeType": "image/gif", "data": "R0lGOD"}},
        {"fileData": {"fileUri": "gs://bucket/dog.png", "mimeType": "image/png"}},
    ]


def test_blocks_by_file_id_name_a_type_as_langchain_google_genai_does() -> None:
    """A file block by a provider-managed id goes with `application/octet-stream` unless
    it names its type; an image (or other media) block by id with no type sends none, as
    langchain-google-genai builds them (a `mimeType` of null is no type)."""
    message = HumanMessage(
        [
            {"type": "file", "file_id": "files/abc"},
            {"type": "file", "file_id": "files/pdf", "mime_type": "application/pdf"},
            {"type": "image", "file_id": "files/img"},
        ]
    )
    _, contents = wire_contents([message])
    assert contents[0]["parts"] == [
        {"fileData": {"fileUri": "files/abc", "mimeType": "application/octet-stream"}},
        {"fileData": {"fileUri": "files/pdf", "mimeType": "application/pdf"}},
        {"fileData": {"fileUri": "files/img"}},
    ]


def test_a_data_url_that_is_not_base64_is_refused_naming_the_message() -> None:
    bad = HumanMessage([{"type": "image_url", "image_url": {"url": "data:image/png,raw"}}])
    with pytest.raises(ValueError, match="message 0: only base64 data URLs"):
        wire_contents([bad])


@pytest.mark.parametrize(
    ("provider", "kept"),
    [("google_genai", True), ("google_vertexai", True), (None, True), ("anthropic", False)],
)
def test_another_providers_thinking_is_left_out(provider: str | None, kept: bool) -> None:
    """A reply of another provider (Anthropic's, its signature Anthropic's) passed back:
    its thinking goes to Gemini neither as a thought nor with that signature, as
    langchain-google-genai leaves it out; Gemini's own and unnamed replies keep theirs."""
    metadata = {} if provider is None else {"model_provider": provider}
    reply = AIMessage(
        [
            {"type": "thinking", "thinking": "A greeting.", "signature": "c2ln"},
            {"type": "text", "text": "Hello!"},
        ],
        response_metadata=metadata,
    )
    _, contents = wire_contents([HumanMessage("Hi"), reply, HumanMessage("Again")])
    thought = {"text": "A greeting.", "thought": True, "thoughtSignature": "c2ln"}
    assert contents[1]["parts"] == [*([thought] if kept else []), {"text": "Hello!"}]


def test_tool_calls_and_their_answers_round_trip_with_thought_signatures() -> None:
    reply = AIMessage(
        [{"type": "thinking", "thinking": "Two cities.", "signature": "c2lnLTE="}],
        tool_calls=[
            {"name": "get_weather", "args": {"city": "Paris"}, "id": "a"},
            {"name": "get_weather", "args": {"city": "Rome"}, "id": "b"},
        ],
        additional_kwargs={FUNCTION_SIGNATURES_KEY: {"a": "c2lnLTI="}},
    )
    _, contents = wire_contents(
        [
            HumanMessage("Weather in Paris and Rome?"),
            reply,
            ToolMessage('{"temp": 21}', tool_call_id="a"),
            ToolMessage("sunny", tool_call_id="b"),
        ]
    )
    assert contents[1] == {
        "role": "model",
        "parts": [
            {"text": "Two cities.", "thought": True, "thoughtSignature": "c2lnLTE="},
            {
                "functionCall": {"name": "get_weather", "args": {"city": "Paris"}},
                "thoughtSignature": "c2lnLTI=",
            },
            {"functionCall": {"name": "get_weather", "args": {"city": "Rome"}}},
        ],
    }
    # Both answers in one user turn; JSON objects sent parsed, other values wrapped.
    assert contents[2] == {
        "role": "user",
        "parts": [
            {"functionResponse": {"name": "get_weather", "response": {"temp": 21}}},
            {"functionResponse": {"name": "get_weather", "response": {"output": "sunny"}}},
        ],
    }


def test_a_tool_message_without_a_known_name_is_refused() -> None:
    with pytest.raises(ValueError, match="message 1: a ToolMessage for Gemini needs"):
        wire_contents([HumanMessage("x"), ToolMessage("1", tool_call_id="unknown")])
    _, contents = wire_contents([HumanMessage("x"), ToolMessage("1", tool_call_id="u", name="f")])
    assert contents[1]["parts"][0]["functionResponse"]["name"] == "f"


def test_a_tool_result_of_blocks_goes_as_its_blocks_its_media_as_parts() -> None:
    """As langchain-google-genai sends it (issue 47): the blocks as given in `output`,
    not flattened to one text; an image block a part of its own, before the answer."""
    call = AIMessage("", tool_calls=[{"name": "f", "args": {}, "id": "c1"}])
    image = {"type": "image", "base64": "iVBORw0KGgo=", "mime_type": "image/png"}
    blocks = [{"type": "text", "text": "a"}, image, {"type": "text", "text": "b"}]
    _, contents = wire_contents([HumanMessage("x"), call, ToolMessage(blocks, tool_call_id="c1")])
    assert contents[-1] == {
        "role": "user",
        "parts": [
            {"inlineData": {"mimeType": "image/png", "data": "iVBORw0KGgo="}},
            {
                "functionResponse": {
                    "name": "f",
                    "response": {
                        "output": [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]
                    },
                }
            },
        ],
    }


#: A function call made the legacy way, and its two answers by name (as the drop-ins
#: convert LangChain's FunctionMessage), then a user turn.
_LEGACY = {"name": "get_weather", "arguments": '{"location": "Paris"}'}
_BY_NAME = {FUNCTION_RESULT_KEY: True}
LEGACY_HISTORY = [
    HumanMessage("Weather?"),
    AIMessage("Let me look.", additional_kwargs={"function_call": _LEGACY}),
    ToolMessage(
        '{"temp": 21}', tool_call_id="get_weather", name="get_weather", additional_kwargs=_BY_NAME
    ),
    ToolMessage(
        "It is sunny.", tool_call_id="get_weather", name="get_weather", additional_kwargs=_BY_NAME
    ),
    HumanMessage("Thanks"),
]
_CALL_PART = {"functionCall": {"name": "get_weather", "args": {"location": "Paris"}}}


def test_a_legacy_call_and_its_answers_go_as_langchain_google_genai_sends_them() -> None:
    # Its _parse_chat_history: the call alone (the turn's text left out), each answer
    # as a tool result's, in a user content of its own.
    _, contents = wire_contents(LEGACY_HISTORY)
    assert contents == [
        {"role": "user", "parts": [{"text": "Weather?"}]},
        {"role": "model", "parts": [_CALL_PART]},
        {
            "role": "user",
            "parts": [{"functionResponse": {"name": "get_weather", "response": {"temp": 21}}}],
        },
        {
            "role": "user",
            "parts": [
                {
                    "functionResponse": {
                        "name": "get_weather",
                        "response": {"output": "It is sunny."},
                    }
                }
            ],
        },
        {"role": "user", "parts": [{"text": "Thanks"}]},
    ]


def test_a_legacy_call_goes_to_vertex_with_its_text_and_its_answers_as_vertexai_writes_them() -> (
    None
):
    # langchain-google-vertexai's _parse_chat_history_gemini sends the turn's text
    # without the call (Vertex AI refuses a model turn of no parts, where it has none):
    # the call goes after its text. Each answer's content as it is, under "content",
    # in one user turn with the turns around it.
    _, contents = wire_contents(LEGACY_HISTORY, vertex_history=True)
    answers = [
        {"functionResponse": {"name": "get_weather", "response": {"content": '{"temp": 21}'}}},
        {"functionResponse": {"name": "get_weather", "response": {"content": "It is sunny."}}},
    ]
    assert contents == [
        {"role": "user", "parts": [{"text": "Weather?"}]},
        {"role": "model", "parts": [{"text": "Let me look."}, _CALL_PART]},
        {"role": "user", "parts": [*answers, {"text": "Thanks"}]},
    ]


def test_a_legacy_call_goes_only_where_no_tool_call_does() -> None:
    call = {"name": "f", "args": {}, "id": "c1", "type": "tool_call"}
    both = AIMessage("", tool_calls=[call], additional_kwargs={"function_call": _LEGACY})  # type: ignore[list-item]
    _, contents = wire_contents([HumanMessage("hi"), both])
    assert contents[1]["parts"] == [{"functionCall": {"name": "f", "args": {}}}]


@pytest.mark.parametrize(
    "call",
    [
        {"name": "f", "arguments": "not json"},
        {"name": "f", "arguments": "[1]"},
        {"arguments": "{}"},
        {"name": "f", "arguments": {"x": 1}},
    ],
)
def test_a_legacy_call_that_is_no_name_and_json_object_is_refused_naming_the_message(
    call: dict[str, object],
) -> None:
    turn = AIMessage("", additional_kwargs={"function_call": call})
    for vertex in (False, True):
        with pytest.raises(ValueError, match=r"message 1: a function_call needs a name and its"):
            wire_contents([HumanMessage("hi"), turn], vertex_history=vertex)


@pytest.mark.parametrize(
    ("provider", "vertex", "thought"),
    [(None, False, True), (None, True, False), ("google_vertexai", True, True)],
)
def test_a_v1_reply_goes_back_as_each_partner_sends_it(
    provider: str | None, vertex: bool, thought: bool
) -> None:
    """A v1 reply's blocks (texts, reasoning, a web search's call and result): its
    search goes unsent, unwarned, to either API (only a code run has a Gemini part); its
    reasoning to the Gemini API, and to Vertex AI only where the reply is Gemini's, as
    langchain-google-vertexai converts v1 content."""
    metadata = {"output_version": "v1", **({"model_provider": provider} if provider else {})}
    reply = AIMessage(
        [
            {"type": "text", "text": "Hm."},
            {"type": "reasoning", "reasoning": "Look it up."},
            {"type": "server_tool_call", "id": "ws_1", "name": "web_search", "args": {}},
            {"type": "server_tool_result", "tool_call_id": "ws_1", "status": "success"},
            {"type": "text", "text": "Sunny."},
        ],
        response_metadata=metadata,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _, contents = wire_contents([HumanMessage("Weather?"), reply], vertex_history=vertex)
    said = [{"text": "Look it up.", "thought": True}] if thought else []
    assert contents[1]["parts"] == [{"text": "Hm."}, *said, {"text": "Sunny."}]
