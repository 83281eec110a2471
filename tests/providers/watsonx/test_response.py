"""watsonx.ai replies (`providers/watsonx/response.py`), read from bodies shaped as IBM's
API reference examples ("Infer text chat"): text, tool calls, usage, langchain-ibm's
response metadata, wrong-typed fields as `MalformedReply`, error bodies."""

from __future__ import annotations

import doctest
import json
from typing import Any

import pytest

from chatplex.adapters.reading import MalformedReply
from chatplex.errors import APIError
from chatplex.providers.watsonx import response as module
from chatplex.providers.watsonx.response import call_arguments
from chatplex.providers.watsonx.response import parse_reply

TEXT = {
    "id": "chatcmpl-15475d0dea9b4429a55843c77997f8a9",
    "model_id": "meta-llama/llama-3-3-70b-instruct",
    "model": "meta-llama/llama-3-3-70b-instruct",
    "created": 1689958352,
    "created_at": "2023-07-21T16:52:32.190Z",
    "choices": [
        {
            "index": 0,
            "message": {
                "role": "assistant",
                "content": "The 2020 World Series was played in Arlington, Texas.",
            },
            "finish_reason": "stop",
        }
    ],
    "usage": {"completion_tokens": 27, "prompt_tokens": 186, "total_tokens": 213},
}
CALL = {
    "id": "chatcmpl-tool-ef093f0cbbff4c6a973aa0f9b8a3fc12",
    "type": "function",
    "function": {
        "name": "get_current_weather",
        "arguments": '{"location": "Boston, MA", "unit": "fahrenheit"}',
    },
}


def _reply(message: dict[str, Any], **top: Any) -> bytes:
    choice = {"index": 0, "message": {"role": "assistant", **message}, "finish_reason": "stop"}
    return json.dumps({**TEXT, "choices": [choice], **top}).encode()


def test_a_text_reply_as_langchain_ibm_reads_it() -> None:
    message = parse_reply(json.dumps(TEXT).encode())
    assert message.content == "The 2020 World Series was played in Arlington, Texas."
    assert message.id == TEXT["id"]
    assert message.response_metadata == {
        "token_usage": TEXT["usage"],
        "model_name": "meta-llama/llama-3-3-70b-instruct",
        "system_fingerprint": "",
        "finish_reason": "stop",
    }
    assert message.usage_metadata == {
        "input_tokens": 186,
        "output_tokens": 27,
        "total_tokens": 213,
    }
    assert message.additional_kwargs == {} and message.tool_calls == []


def test_a_tool_call_reply() -> None:
    message = parse_reply(_reply({"tool_calls": [CALL]}))
    assert message.content == ""
    assert message.tool_calls == [
        {
            "name": "get_current_weather",
            "args": {"location": "Boston, MA", "unit": "fahrenheit"},
            "id": CALL["id"],
            "type": "tool_call",
        }
    ]


def test_arguments_that_cannot_be_read_make_an_invalid_call_with_the_reason() -> None:
    broken = {**CALL, "function": {"name": "f", "arguments": "{'location': "}}
    nameless = {**CALL, "function": {"arguments": "{}"}}
    message = parse_reply(_reply({"tool_calls": [broken, nameless]}))
    assert message.tool_calls == []
    first, second = message.invalid_tool_calls
    assert first["args"] == "{'location': " and first["error"]
    assert second["error"] == "the tool call has no name"


def test_argument_objects_and_wrapped_json_text_are_read() -> None:
    assert call_arguments({"a": 1}) == ({"a": 1}, None)
    assert call_arguments(json.dumps('{"a": 1}')) == ({"a": 1}, None)
    assert call_arguments(None) == ({}, None)
    assert call_arguments("not json")[1] is not None
    deep = '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}"
    assert call_arguments(deep)[1] is not None  # too deep to read: the call's error
    assert call_arguments(json.dumps(deep))[1] is not None  # and inside a string too


def test_reasoning_and_logprobs_are_kept() -> None:
    message = parse_reply(_reply({"content": "4", "reasoning_content": "2+2"}))
    assert message.additional_kwargs == {"reasoning_content": "2+2"}
    body = json.loads(_reply({"content": "4"}))
    body["choices"][0]["logprobs"] = {"content": []}
    assert parse_reply(json.dumps(body).encode()).response_metadata["logprobs"] == {"content": []}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**TEXT, "choices": "none"}, "choices"),
        ({**TEXT, "usage": {"prompt_tokens": "186"}}, "prompt_tokens"),
        ({**TEXT, "model_id": 7}, "model_id"),
        ({**TEXT, "choices": [{"message": {"content": ["a"]}}]}, "content"),
        ({**TEXT, "choices": [{"message": {"tool_calls": {"id": "c"}}}]}, "tool_calls"),
        (
            {**TEXT, "choices": [{"message": {"tool_calls": [{"function": {"arguments": 3}}]}}]},
            "arguments",
        ),
    ],
)
def test_a_field_of_the_wrong_type_is_malformed_never_a_default(body: Any, field: str) -> None:
    with pytest.raises(MalformedReply, match=field):
        parse_reply(json.dumps(body).encode())


def test_bodies_that_are_no_chat_reply() -> None:
    with pytest.raises(APIError, match="not a JSON object") as cut:
        parse_reply(b'{"id": "x", "choi')
    assert cut.value.retryable is True
    with pytest.raises(APIError, match="not a watsonx.ai chat reply") as said:
        parse_reply(b'{"error": "model unavailable"}')
    assert said.value.retryable is False
    with pytest.raises(MalformedReply, match='no choices: not a watsonx.ai chat reply: {"id"'):
        parse_reply(json.dumps({**TEXT, "choices": []}).encode())


def test_docstring_examples() -> None:
    result = doctest.testmod(module)
    assert result.attempted >= 2 and result.failed == 0
