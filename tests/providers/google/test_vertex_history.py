"""langchain-google-vertexai's shapes of a conversation: tool results, turns, system."""

from __future__ import annotations

import logging

import pytest

from chatplex.adapters.request_types import CallSettings
from chatplex.messages import AIMessage
from chatplex.messages import HumanMessage
from chatplex.messages import SystemMessage
from chatplex.messages import ToolMessage
from chatplex.providers.google.request import build_body
from chatplex.providers.google.vertex_history import merged_turns
from chatplex.providers.google.vertex_history import tool_response


@pytest.mark.parametrize(
    ("content", "sent"),
    [
        ("Sunny, 72°F", {"content": "Sunny, 72°F"}),
        ('{"temp": 21}', {"temp": 21}),
        ("3", {"content": "3"}),  # JSON, but no object: the text as it was
        ("[1, 2]", {"content": "[1, 2]"}),
        ([], {"content": ""}),
        (["Sunny"], {"content": "Sunny"}),
        ([{"type": "text", "text": "Sunny"}], {"type": "text", "text": "Sunny"}),
    ],
)
def test_a_tool_result_goes_as_langchain_google_vertexai_sends_it(
    content: object, sent: dict[str, object]
) -> None:
    assert tool_response(content) == sent


def test_several_pieces_of_a_result_merge_key_by_key_with_its_warning(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING):
        merged = tool_response(["Sunny", '{"content": ", 21"}', {"unit": "C"}])
    assert merged == {"content": "Sunny, 21", "unit": "C"}
    assert "Merging values together" in caplog.text
    with pytest.raises(TypeError):  # a value not text cannot be joined, as in LangChain
        tool_response([{"n": 1}, {"n": 2}])


def test_turns_of_one_role_merge_in_order() -> None:
    contents = [
        {"role": "user", "parts": [{"text": "a"}]},
        {"role": "user", "parts": [{"text": "b"}]},
        {"role": "model", "parts": [{"text": "c"}]},
        {"role": "model", "parts": [{"text": "d"}]},
        {"role": "user", "parts": [{"text": "e"}]},
    ]
    assert merged_turns(contents) == [
        {"role": "user", "parts": [{"text": "a"}, {"text": "b"}]},
        {"role": "model", "parts": [{"text": "c"}, {"text": "d"}]},
        {"role": "user", "parts": [{"text": "e"}]},
    ]
    assert contents[0]["parts"] == [{"text": "a"}]  # the given turns left as they were


def test_a_turn_left_with_no_parts_is_refused() -> None:
    blank = {"role": "user", "parts": []}
    merged = merged_turns([blank, {"role": "user", "parts": [{"text": "b"}]}])
    assert merged == [{"role": "user", "parts": [{"text": "b"}]}]
    with pytest.raises(ValueError, match="Vertex AI refuses"):
        merged_turns([{"role": "model", "parts": [{"text": "c"}]}, blank])


def test_a_vertex_body_writes_the_history_as_its_partner_and_gemini_keeps_its_own() -> None:
    calls = [
        {"name": "get_weather", "args": {"city": "Paris"}, "id": "c1"},
        {"name": "get_time", "args": {}, "id": "c2"},
    ]
    history = [
        SystemMessage("Be brief."),
        HumanMessage("Weather and time in Paris?"),
        AIMessage("", tool_calls=calls),
        ToolMessage("Sunny", tool_call_id="c1"),
        ToolMessage('{"time": "noon"}', tool_call_id="c2"),
        HumanMessage("Thanks"),
    ]
    settings = CallSettings(model="gemini-2.5-flash")
    vertex = build_body(history, settings, vertex_history=True)
    assert vertex["systemInstruction"] == {"role": "system", "parts": [{"text": "Be brief."}]}
    assert vertex["contents"][2] == {
        "role": "user",
        "parts": [
            {"functionResponse": {"name": "get_weather", "response": {"content": "Sunny"}}},
            {"functionResponse": {"name": "get_time", "response": {"time": "noon"}}},
            {"text": "Thanks"},
        ],
    }
    assert len(vertex["contents"]) == 3
    gemini = build_body(history, settings)
    assert gemini["systemInstruction"] == {"parts": [{"text": "Be brief."}]}
    answer = gemini["contents"][2]["parts"][0]["functionResponse"]
    assert answer["response"] == {"output": "Sunny"} and len(gemini["contents"]) == 4


def test_a_file_by_url_goes_with_the_type_its_name_says_on_vertex_alone() -> None:
    """As langchain-google-vertexai's `mimetypes.guess_type`: Vertex AI's fileData takes
    a mimeType; a type given, a name saying none and a gs:// URI are left as they are."""
    see = [{"type": "text", "text": "See"}]
    history = [
        HumanMessage([*see, {"type": "image_url", "image_url": {"url": "https://x.io/a.png"}}]),
        HumanMessage([*see, {"type": "image", "url": "https://x.io/b.jpg"}]),
        HumanMessage([*see, {"type": "file", "url": "https://x.io/c.pdf", "mime_type": "x/y"}]),
        HumanMessage([*see, {"type": "image", "url": "https://x.io/d"}]),
        HumanMessage([*see, {"type": "image", "url": "gs://bucket/e.png"}]),
    ]
    settings = CallSettings(model="gemini-2.5-flash")
    vertex = build_body(history, settings, vertex_history=True)
    files = [p["fileData"] for p in vertex["contents"][0]["parts"] if "fileData" in p]
    assert [f.get("mimeType") for f in files] == ["image/png", "image/jpeg", "x/y", None, None]
    gemini = build_body(history, settings)
    files = [p["fileData"] for c in gemini["contents"] for p in c["parts"] if "fileData" in p]
    assert [f.get("mimeType") for f in files] == [None, None, "x/y", None, None]
