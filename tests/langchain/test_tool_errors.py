"""`chatplex.langchain.tool_errors`: an invalid call's error in its partner's words."""

from __future__ import annotations

import json
from typing import Any

import pytest
from langchain_core.messages import AIMessage
from langchain_core.output_parsers.openai_tools import parse_tool_call
from langchain_core.outputs import ChatGeneration
from langchain_core.outputs import ChatResult

from chatplex.langchain.tool_errors import partner_words
from chatplex.messages import parse_args

BAD = '{"location": "Paris"'


def _result(error: str | None) -> ChatResult:
    call: Any = {"name": "get_weather", "args": BAD, "id": "c1", "error": error}
    message = AIMessage(content="", invalid_tool_calls=[call])
    return ChatResult(generations=[ChatGeneration(message=message)])


def _error(result: ChatResult) -> Any:
    message: Any = result.generations[0].message
    return message.invalid_tool_calls[0]["error"]


def _decoder_message() -> str:
    try:
        json.loads(BAD)
    except json.JSONDecodeError as exc:
        return str(exc)
    raise AssertionError("BAD parsed")


def test_parser_words_are_langchain_cores() -> None:
    """The Chat Completions packages' error is what parse_tool_call raises, link included."""
    _, ours = parse_args(BAD)
    raw = {"function": {"name": "get_weather", "arguments": BAD}}
    with pytest.raises(Exception) as raised:
        parse_tool_call(raw)
    assert _error(partner_words(_result(ours), "parser")) == str(raised.value)


def test_decoder_words_are_the_decoders_message_alone() -> None:
    _, ours = parse_args(BAD)
    assert _error(partner_words(_result(ours), "decoder")) == _decoder_message()


def test_other_errors_and_wires_keep_chatplexs_words() -> None:
    _, ours = parse_args(BAD)
    assert _error(partner_words(_result(ours), None)) == ours  # a wire with no partner words
    _, not_object = parse_args("[1]")
    assert not_object is not None
    assert _error(partner_words(_result(not_object), "parser")) == not_object
    assert _error(partner_words(_result(None), "parser")) is None
