"""A v2 Chat reply (`providers/cohere/response.py`) read as langchain-cohere reads it:
text, tool calls with their plan, thinking, citations, usage, finish reasons; the
cohere SDK reads the same bodies to the same values."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chatplex.errors import APIError
from chatplex.providers.cohere.response import error_message
from chatplex.providers.cohere.response import parse_reply
from chatplex.providers.cohere.response import usage_metadata
from tests._replies import tool_call

USAGE = {
    "billed_units": {"input_tokens": 3, "output_tokens": 2},
    "tokens": {"input_tokens": 10, "output_tokens": 2},
}
TEXT = {
    "id": "r-1",
    "finish_reason": "COMPLETE",
    "message": {"role": "assistant", "content": [{"type": "text", "text": "Hello there"}]},
    "usage": USAGE,
}
TOOL = {
    "id": "r-2",
    "finish_reason": "TOOL_CALL",
    "message": {
        "role": "assistant",
        "tool_plan": "I will look",
        "tool_calls": [
            {
                "id": "get_weather_abc",
                "type": "function",
                "function": {"name": "get_weather", "arguments": '{"city": "Paris"}'},
            }
        ],
    },
    "usage": USAGE,
}


def _read(reply: dict[str, Any]) -> Any:
    return parse_reply(json.dumps(reply).encode())


def test_text_reply_as_langchain_cohere_reads_it() -> None:
    message = _read(TEXT)
    expected = {
        "id": "r-1",
        "finish_reason": "COMPLETE",
        "token_count": {"input_tokens": 10, "output_tokens": 2},
    }
    assert message.content == "Hello there"
    assert message.additional_kwargs == expected and message.response_metadata == expected
    assert message.usage_metadata == {"input_tokens": 10, "output_tokens": 2, "total_tokens": 12}
    assert message.tool_calls == []
    # Floats, as the cohere SDK's UsageTokens holds them (what print and set_debug show).
    assert all(type(v) is float for v in message.additional_kwargs["token_count"].values())
    assert all(type(v) is int for v in message.usage_metadata.values())


def test_tool_call_reply_has_its_plan_as_content() -> None:
    message = _read(TOOL)
    assert message.content == "I will look"
    assert message.tool_calls == [tool_call("get_weather", {"city": "Paris"}, "get_weather_abc")]
    assert message.response_metadata["finish_reason"] == "TOOL_CALL"
    assert message.response_metadata["tool_plan"] == "I will look"
    assert message.additional_kwargs["tool_calls"] == TOOL["message"]["tool_calls"]  # type: ignore[index]


@pytest.mark.parametrize(
    "reason", ["COMPLETE", "STOP_SEQUENCE", "MAX_TOKENS", "TIMEOUT", "ERROR_TOXIC"]
)
def test_finish_reasons_are_cohere_words(reason: str) -> None:
    assert _read({**TEXT, "finish_reason": reason}).response_metadata["finish_reason"] == reason


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"finish_reason": "ERROR"}, r"the generation failed \(ERROR\)$"),
        ({"finish_reason": "ERROR_LIMIT"}, r"failed \(ERROR_LIMIT\)"),
        ({"finish_reason": "ERROR", "error": "model crashed"}, "failed .ERROR.: model crashed"),
    ],
)
def test_a_failed_generation_is_an_error_not_a_reply(fields: dict[str, Any], words: str) -> None:
    with pytest.raises(APIError, match=words) as raised:
        _read({**TEXT, **fields})
    assert raised.value.error_type == "generation_error" and not raised.value.retryable


def test_thinking_and_citations() -> None:
    citations = [{"start": 0, "end": 5, "text": "Hello", "sources": []}]
    reply = {
        **TEXT,
        "message": {
            "role": "assistant",
            "content": [
                {"type": "thinking", "thinking": "Greet back."},
                {"type": "text", "text": "Hello"},
            ],
            "citations": citations,
        },
    }
    message = _read(reply)
    assert message.content == [
        {"type": "reasoning", "id": "r-1", "summary": [{"text": "Greet back."}]},
        {"type": "text", "text": "Hello"},
    ]
    assert message.response_metadata["citations"] == citations


def test_no_usage_and_a_body_that_is_not_a_reply() -> None:
    assert _read({**TEXT, "usage": None}).usage_metadata is None
    assert usage_metadata({"input_tokens": 1.0}) == {
        "input_tokens": 1,
        "output_tokens": 0,
        "total_tokens": 1,
    }
    with pytest.raises(APIError, match="not a JSON object") as caught:
        parse_reply(b"<html>bad gateway</html>")
    # (retried by chatplex's own models; its cause tells a drop-in its SDK raised at once)
    assert caught.value.retryable and isinstance(caught.value.__cause__, json.JSONDecodeError)
    with pytest.raises(APIError, match="not a Cohere chat reply") as caught:
        parse_reply(b'{"id": "x"}')  # JSON, not a reply: the server's whole answer
    assert not caught.value.retryable


def test_error_message() -> None:
    assert error_message({"id": "e-1", "message": "invalid api token"}) == "invalid api token"
    assert error_message({"detail": "x"}) is None and error_message("x") is None


@pytest.mark.parametrize("reply", [TEXT, TOOL], ids=["text", "tool"])
def test_the_sdk_reads_the_same_values(reply: dict[str, Any]) -> None:
    cohere = pytest.importorskip("cohere")
    from cohere.core.unchecked_base_model import construct_type

    theirs = construct_type(type_=cohere.V2ChatResponse, object_=reply)
    ours = _read(reply)
    assert theirs.finish_reason == ours.response_metadata["finish_reason"]
    assert theirs.usage.tokens.input_tokens == ours.usage_metadata["input_tokens"]
    calls = theirs.message.tool_calls or []
    assert [c.id for c in calls] == [c["id"] for c in ours.tool_calls]


def test_a_call_whose_arguments_are_not_json_is_an_invalid_call() -> None:
    broken = {"id": "c-9", "type": "function", "function": {"name": "f", "arguments": "{oops"}}
    message = _read({**TOOL, "message": {**TOOL["message"], "tool_calls": [broken]}})  # type: ignore[dict-item]
    assert message.tool_calls == []
    (invalid,) = message.invalid_tool_calls
    assert invalid["name"] == "f" and invalid["args"] == "{oops" and invalid["id"] == "c-9"


def _with_message(**fields: Any) -> dict[str, Any]:
    return {**TEXT, "message": {"role": "assistant", **fields}}


def _call(arguments: Any, name: Any = "f") -> dict[str, Any]:
    return {"id": "c1", "type": "function", "function": {"name": name, "arguments": arguments}}


@pytest.mark.parametrize(
    ("reply", "words"),
    [
        (_with_message(content="x"), "content is a str, not a list"),
        (_with_message(content=[5]), "content part is a int"),
        (_with_message(content=[{"type": "text", "text": 5}]), "text is a int"),
        (_with_message(tool_calls={"id": "c1"}), "tool_calls is a dict, not a list"),
        (_with_message(tool_calls="call"), "tool_calls is a str, not a list"),
        (_with_message(tool_calls=[5]), "tool call is a int"),
        (_with_message(tool_calls=[_call({"city": "Paris"})]), "arguments are a dict"),
        (_with_message(tool_calls=[_call(5)]), "arguments are a int"),
        (_with_message(tool_calls=[_call("{}", name=5)]), "name is a int"),
        ({**TEXT, "usage": "lots"}, "usage is a str"),
        ({**TEXT, "usage": {"tokens": {"input_tokens": "10"}}}, "input_tokens is a str"),
    ],
)
def test_a_field_of_the_wrong_type_is_refused_never_read_as_empty(
    reply: dict[str, Any], words: str
) -> None:
    from chatplex.adapters.reading import MalformedReply

    with pytest.raises(MalformedReply, match=words):
        _read(reply)


def test_arguments_nested_too_deep_make_the_call_invalid_and_keep_the_reply() -> None:
    deep = '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}"
    reply = _with_message(tool_plan="plan", tool_calls=[_call(deep), _call('{"x": 1}', "g")])
    message = _read(reply)
    assert message.content == "plan" and message.usage_metadata is not None
    assert [c["name"] for c in message.tool_calls] == ["g"]
    [invalid] = message.invalid_tool_calls
    assert invalid["name"] == "f" and invalid["args"] == deep and invalid["error"]


def test_a_call_without_a_name_is_invalid_not_dropped() -> None:
    message = _read(_with_message(tool_calls=[_call('{"x": 1}', name="")]))
    assert message.tool_calls == [] and len(message.invalid_tool_calls) == 1
