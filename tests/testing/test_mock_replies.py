"""Reply planning and wire rendering of the mock server (`testing/_mock_replies.py`): pure
functions from a request body to bytes, checked by parsing them back with chatplex's own
adapters."""

from __future__ import annotations

import doctest
import json
from typing import Any

import pytest

from chatplex.errors import StreamError
from chatplex.http._sse import iter_sse_events
from chatplex.messages import AIMessage
from chatplex.messages import merge_chunks
from chatplex.providers.anthropic.adapter import AnthropicAdapter
from chatplex.providers.openai.adapter import OpenAIAdapter
from chatplex.testing import _mock_replies
from chatplex.testing._mock_replies import ANTHROPIC
from chatplex.testing._mock_replies import OPENAI
from chatplex.testing._mock_replies import Reply
from chatplex.testing._mock_replies import break_event
from chatplex.testing._mock_replies import content_text
from chatplex.testing._mock_replies import cut_index
from chatplex.testing._mock_replies import example_object
from chatplex.testing._mock_replies import last_user_text
from chatplex.testing._mock_replies import plan_reply
from chatplex.testing._mock_replies import request_tokens
from chatplex.testing._mock_replies import split_text
from chatplex.testing._mock_replies import tool_call
from chatplex.testing._mock_replies import tool_call_id
from chatplex.testing._mock_wire_anthropic import anthropic_error
from chatplex.testing._mock_wire_anthropic import anthropic_events
from chatplex.testing._mock_wire_anthropic import anthropic_json
from chatplex.testing._mock_wire_anthropic import anthropic_stream_error
from chatplex.testing._mock_wire_openai import openai_error
from chatplex.testing._mock_wire_openai import openai_events
from chatplex.testing._mock_wire_openai import openai_json
from chatplex.testing._mock_wire_openai import openai_stream_error

ADAPTERS = {
    OPENAI: OpenAIAdapter(api_key="sk-test"),
    ANTHROPIC: AnthropicAdapter(api_key="sk-test"),
}
WEATHER_OPENAI = {
    "type": "function",
    "function": {
        "name": "weather",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    },
}
WEATHER_ANTHROPIC = {
    "name": "weather",
    "input_schema": {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
    },
}


def user(text: Any) -> dict[str, Any]:
    return {"role": "user", "content": text}


def render(provider: str, reply: Reply, stream: bool) -> AIMessage:
    """What a chatplex adapter makes of the rendered reply."""
    adapter = ADAPTERS[provider]
    if not stream:
        body = openai_json(reply, "r1", 1) if provider == OPENAI else anthropic_json(reply, "r1")
        return adapter.parse_response(body, {})
    events = (
        openai_events(reply, "r1", 1, True) if provider == OPENAI else anthropic_events(reply, "r1")
    )
    parser = adapter.stream_parser({})
    chunks = [c for e in iter_sse_events([b"".join(e for e, _ in events)]) if (c := parser.feed(e))]
    parser.finish()
    return merge_chunks(chunks).to_message()


def test_the_default_reply_echoes_the_last_user_text() -> None:
    body = {
        "model": "m",
        "messages": [user("first"), {"role": "assistant", "content": "x"}, user("hi there")],
    }
    reply = plan_reply(OPENAI, body, text=None, chunks=None, tool_name=None)
    assert (reply.model, reply.text, reply.pieces) == (
        "m",
        "Echo: hi there",
        ("Echo:", " hi", " there"),
    )
    assert reply.tool is None and reply.output_tokens == 3
    assert reply.input_tokens == 1 + 2 + 1 + 3  # words of every message, plus 3


def test_a_given_text_in_exactly_n_pieces() -> None:
    reply = plan_reply(ANTHROPIC, {"messages": [user("q")]}, text="a b", chunks=4, tool_name=None)
    assert reply.pieces == ("a", " b", " a", " b") and reply.text == "a b a b"
    assert reply.model == "mock-model"


def test_a_tool_call_when_the_user_asks_for_a_tool() -> None:
    body = {"messages": [user("use the tool please")], "tools": [WEATHER_OPENAI]}
    reply = plan_reply(OPENAI, body, text=None, chunks=None, tool_name=None)
    assert reply.tool is not None and reply.text == ""
    assert (reply.tool.name, reply.tool.input) == ("weather", {"city": "x"})
    assert "".join(reply.tool.pieces) == reply.tool.arguments == '{"city":"x"}'
    no_word = plan_reply(
        OPENAI, {**body, "messages": [user("hello")]}, text=None, chunks=None, tool_name=None
    )
    assert no_word.tool is None
    forced = plan_reply(
        OPENAI, {**body, "messages": [user("hello")]}, text=None, chunks=None, tool_name="weather"
    )
    assert forced.tool is not None


def test_no_tool_call_answers_a_tool_result() -> None:
    result = {
        "role": "user",
        "content": [{"type": "tool_result", "tool_use_id": "t", "content": "sunny"}],
    }
    body = {"messages": [user("use a tool"), result], "tools": [WEATHER_ANTHROPIC]}
    assert plan_reply(ANTHROPIC, body, text=None, chunks=None, tool_name="weather").tool is None


@pytest.mark.parametrize("provider", [OPENAI, ANTHROPIC])
@pytest.mark.parametrize("stream", [False, True])
def test_rendered_text_parses_back_to_the_reply(provider: str, stream: bool) -> None:
    reply = plan_reply(
        provider,
        {"model": "m", "messages": [user("hi you")]},
        text=None,
        chunks=None,
        tool_name=None,
    )
    message = render(provider, reply, stream)
    assert message.text == "Echo: hi you"
    assert message.usage_metadata is not None
    assert message.usage_metadata["output_tokens"] == reply.output_tokens
    assert message.usage_metadata["input_tokens"] == reply.input_tokens


@pytest.mark.parametrize("provider", [OPENAI, ANTHROPIC])
@pytest.mark.parametrize("stream", [False, True])
def test_rendered_tool_calls_parse_back(provider: str, stream: bool) -> None:
    tools = [WEATHER_OPENAI if provider == OPENAI else WEATHER_ANTHROPIC]
    body = {"messages": [user("call a tool")], "tools": tools}
    reply = plan_reply(provider, body, text=None, chunks=3 if stream else None, tool_name=None)
    [call] = render(provider, reply, stream).tool_calls
    assert (call["name"], call["args"]) == ("weather", {"city": "x"})


def test_stream_events_flag_the_content_deltas() -> None:
    reply = plan_reply(
        OPENAI, {"messages": [user("a b c")]}, text=None, chunks=None, tool_name=None
    )
    flags = [is_delta for _, is_delta in openai_events(reply, "r", 1, include_usage=False)]
    assert flags == [False, True, True, True, True, False, False]  # role, 4 deltas, finish, DONE
    flags = [is_delta for _, is_delta in anthropic_events(reply, "r")]
    assert flags.count(True) == 4 and flags[-1] is False


def test_cut_index_and_break_event() -> None:
    flags = [False, True, True, True, False, False]
    assert [cut_index(flags, n) for n in (0, 1, 2, 3, 9)] == [1, 2, 3, 5, 5]
    broken = break_event(b'event: x\ndata: {"a": "bcdef"}\n\n')
    assert broken.startswith(b"event: x\ndata: ") and broken.endswith(b"\n\n")
    with pytest.raises(json.JSONDecodeError):
        json.loads(broken.split(b"data: ")[1])


def test_split_text() -> None:
    assert split_text("one two  ", None) == ("one", " two  ")
    assert split_text("", None) == ("",)
    assert split_text("", 3) == ("", "", "")
    assert split_text("a b c d e", 2) == ("a b c", " d e")


def test_example_object_follows_the_schema() -> None:
    schema = {
        "type": "object",
        "$defs": {"Unit": {"enum": ["c", "f"]}},
        "properties": {
            "n": {"type": "integer"},
            "unit": {"$ref": "#/$defs/Unit"},
            "maybe": {"anyOf": [{"type": "number"}, {"type": "null"}]},
            "tags": {"type": "array", "items": {"type": "boolean"}},
            "kind": {"const": "k"},
            "nested": {"type": ["object", "null"], "properties": {"z": {}}, "required": ["z"]},
            "optional": {"type": "string"},
        },
        "required": ["n", "unit", "maybe", "tags", "kind", "nested"],
    }
    assert example_object(schema, schema, 0) == {
        "n": 1,
        "unit": "c",
        "maybe": 1.5,
        "tags": [True],
        "kind": "k",
        "nested": {"z": "x"},
    }


def test_example_object_reads_geminis_capitalised_types() -> None:
    """Gemini's `parameters` (the OpenAPI subset langchain-google-genai sends) name types
    in capitals; they are the same types as JSON Schema's."""
    schema = {
        "type": "OBJECT",
        "properties": {
            "city": {"type": "STRING"},
            "degrees": {"type": "INTEGER"},
            "days": {"type": "ARRAY", "items": {"type": "NUMBER"}},
            "where": {"type": "OBJECT", "properties": {"ok": {"type": "BOOLEAN"}}},
        },
        "required": ["city", "degrees", "days", "where"],
    }
    assert example_object(schema, schema, 0) == {
        "city": "x",
        "degrees": 1,
        "days": [1.5],
        "where": {},
    }


def test_content_text_and_last_user_text() -> None:
    blocks = [{"type": "text", "text": "a"}, {"type": "image"}, {"type": "input_text", "text": "b"}]
    assert content_text(blocks) == "a b" and content_text(None) == ""
    assert last_user_text([user("first"), user([{"type": "tool_result"}])]) == "first"
    assert last_user_text([]) == ""


def test_error_bodies_parse_into_typed_errors() -> None:
    openai = ADAPTERS[OPENAI].map_error(
        429, openai_error("slow", "requests", "rate_limit_exceeded"), {}
    )
    assert (openai.status, openai.code, openai.message) == (429, "rate_limit_exceeded", "slow")
    anthropic = ADAPTERS[ANTHROPIC].map_error(
        529, anthropic_error("overloaded_error", "Overloaded", "req_1"), {}
    )
    assert anthropic.error_type == "overloaded_error"


@pytest.mark.parametrize("provider", [OPENAI, ANTHROPIC])
def test_an_error_event_mid_stream_is_a_stream_error(provider: str) -> None:
    parser = ADAPTERS[provider].stream_parser({})
    render = anthropic_stream_error if provider == ANTHROPIC else openai_stream_error
    event = render("overloaded_error", "busy", None)
    with pytest.raises(StreamError, match="busy"):
        for sse in iter_sse_events([event]):
            parser.feed(sse)


def test_request_tokens_count_the_words_of_messages_and_system_and_three() -> None:
    body = {"system": "be brief", "messages": [{"role": "user", "content": "hi there you"}]}
    assert request_tokens(body) == 2 + 3 + 3
    assert request_tokens({}) == 3


def test_a_tool_call_streams_its_json_arguments_in_fragments() -> None:
    call = tool_call(OPENAI, "get_weather", {"city": "Paris, France"}, None)
    assert (call.name, call.input) == ("get_weather", {"city": "Paris, France"})
    assert call.arguments == '{"city":"Paris, France"}' == "".join(call.pieces)
    assert call.pieces[0] == '{"city":"P'  # ARG_FRAGMENT characters each
    assert tool_call(ANTHROPIC, "f", {"a": 1}, None).pieces == ("", '{"a":1}')
    assert len(tool_call(ANTHROPIC, "f", {"a": 1}, 3).pieces) == 3  # no empty one then


def test_docstring_examples() -> None:
    failures, tried = doctest.testmod(_mock_replies)
    assert failures == 0 and tried > 0


def test_a_reply_lists_its_calls_and_later_calls_get_their_own_ids() -> None:
    first = tool_call(OPENAI, "a", {"x": 1}, None)
    second = tool_call(OPENAI, "b", {}, None, raw='{"y": ')
    assert second.arguments == '{"y": ' and second.input == {}
    reply = Reply("m", "", (), first, 1, 1, more_tools=(second,))
    assert reply.tools == (first, second)
    assert Reply("m", "hi", ("hi",), None, 1, 1).tools == ()
    assert [tool_call_id("call_", "r1", k) for k in range(3)] == [
        "call_r1",
        "call_r1_1",
        "call_r1_2",
    ]
