"""The Responses API reply parser: blocks in langchain-openai's responses/v1 shapes,
tool calls, usage details, finish reasons, refusals, failures; recorded replies too."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from _corpus import Case
from _corpus import load_cases
from _responses_fixtures import RESPONSES
from _responses_fixtures import response

from chatplex.errors import APIError
from chatplex.providers.openai.responses_response import parse_reply
from chatplex.providers.openai.responses_response import usage_metadata

REPLIES = [c for c in load_cases({"openai_responses"}) if c.kind == "json" and c.status < 400]


def parse(resp: dict) -> object:
    return parse_reply(json.dumps(resp).encode(), {"x-request-id": "req-7"})


def test_text_reply() -> None:
    message = parse(RESPONSES["text"])
    assert message.text == "Hello there!"
    assert message.content == [
        {"type": "text", "text": "Hello there!", "annotations": [], "id": "msg_1"}
    ]
    assert message.id == "resp_1"
    meta = message.response_metadata
    assert meta["id"] == "resp_1"
    assert meta["model_name"] == meta["model"] == "gpt-4.1-2025-04-14"
    assert meta["model_provider"] == "openai"
    assert meta["provider"] == "openai_responses"
    assert (meta["status"], meta["finish_reason"], meta["raw_finish_reason"]) == (
        "completed",
        "stop",
        "completed",
    )
    assert meta["request_id"] == "req-7"
    assert "token_usage" not in meta  # as langchain-openai: the usage is usage_metadata
    assert message.usage_metadata is not None and message.usage_metadata["total_tokens"] == 50
    assert "incomplete_details" not in meta  # null fields are left out, as langchain-openai


def test_created_at_is_a_float_as_the_openai_sdk_types_it() -> None:
    # langchain-openai's metadata holds the SDK's float: `print(reply)` shows 1741476542.0.
    sent = dict(RESPONSES["text"], created_at=1741476542)
    created = parse(sent).response_metadata["created_at"]
    assert type(created) is float and repr(created) == "1741476542.0"


def test_usage_with_cached_and_reasoning_tokens() -> None:
    assert parse(RESPONSES["text"]).usage_metadata == {
        "input_tokens": 20,
        "output_tokens": 30,
        "total_tokens": 50,
        "input_token_details": {"cache_read": 8},
        "output_token_details": {"reasoning": 12},
    }
    assert usage_metadata({"input_tokens": 3, "output_tokens": 4}) == {
        "input_tokens": 3,
        "output_tokens": 4,
        "total_tokens": 7,
        "input_token_details": {},  # as langchain-openai: there, empty
        "output_token_details": {},
    }
    assert usage_metadata(None) is None


def test_a_flex_or_priority_replys_usage_counts_its_tier_apart() -> None:
    # As langchain-openai's `_create_usage_metadata_responses` reads the reply's tier.
    flex = parse(response(RESPONSES["text"]["output"], service_tier="flex"))
    assert flex.usage_metadata == {
        "input_tokens": 20,
        "output_tokens": 30,
        "total_tokens": 50,
        "input_token_details": {"flex_cache_read": 8, "flex": 12},
        "output_token_details": {"flex_reasoning": 12, "flex": 18},
    }
    raw = {"input_tokens": 3, "output_tokens": 4}
    assert usage_metadata(raw, "priority") == {
        "input_tokens": 3,
        "output_tokens": 4,
        "total_tokens": 7,
        "input_token_details": {"priority": 3},
        "output_token_details": {"priority": 4},
    }
    assert usage_metadata(raw, "default") == usage_metadata(raw)


def test_function_calls_are_blocks_and_tool_calls() -> None:
    message = parse(RESPONSES["two_tool_calls"])
    assert message.tool_calls == [
        {"name": "get_weather", "args": {"city": "Paris"}, "id": "call_1", "type": "tool_call"},
        {"name": "get_time", "args": {"tz": "CET"}, "id": "call_2", "type": "tool_call"},
    ]
    assert message.content[0] == {
        "type": "function_call",
        "id": "fc_1",
        "call_id": "call_1",
        "name": "get_weather",
        "arguments": '{"city": "Paris"}',
        "status": "completed",
    }
    assert message.response_metadata["finish_reason"] == "tool_calls"
    assert message.text == ""


def test_arguments_that_are_not_json_are_an_invalid_tool_call() -> None:
    message = parse(RESPONSES["invalid_arguments"])
    assert message.tool_calls == []
    assert message.invalid_tool_calls[0]["args"] == '{"a": '
    assert message.invalid_tool_calls[0]["id"] == "call_1"


def test_a_call_without_arguments_is_invalid_as_langchain_openai_parses_it() -> None:
    """`arguments: ""` is no JSON to langchain-openai's `json.loads`; `"{}"` is a call."""
    resp = json.loads(json.dumps(RESPONSES["two_tool_calls"]))
    resp["output"][0]["arguments"] = ""
    message = parse(resp)
    assert [c["id"] for c in message.tool_calls] == ["call_2"]
    assert message.invalid_tool_calls == [
        {
            "type": "invalid_tool_call",
            "id": "call_1",
            "name": "get_weather",
            "args": "",
            "error": "Expecting value: line 1 column 1 (char 0)",
        }
    ]


def test_reasoning_item_is_a_block_before_the_text() -> None:
    reply = RESPONSES["reasoning_then_text"]
    sent = copy.deepcopy(reply["output"][0])
    message = parse(reply)
    assert message.content[0] == sent and sent["type"] == "reasoning"  # as it came
    assert message.text == "The answer is 4."


def test_built_in_tool_items_stay_in_content_with_annotations() -> None:
    message = parse(RESPONSES["web_search"])
    assert message.content[0]["type"] == "web_search_call"
    assert message.content[0]["action"] == {"type": "search", "query": "weather"}
    assert message.content[1]["annotations"][0]["url"] == "https://w.example"
    assert message.tool_calls == []


def test_file_citation_index_is_renamed() -> None:
    item = {
        "type": "message",
        "id": "m",
        "content": [
            {
                "type": "output_text",
                "text": "x",
                "annotations": [{"type": "file_citation", "index": 3, "file_id": "f"}],
            }
        ],
    }
    block = parse(response([item])).content[0]
    assert block["annotations"] == [{"type": "file_citation", "file_index": 3, "file_id": "f"}]


def test_refusal() -> None:
    message = parse(RESPONSES["refusal"])
    assert message.content == [
        {"type": "refusal", "refusal": "I can't help with that.", "id": "msg_r"}
    ]
    assert message.additional_kwargs == {}  # the block only, as langchain-openai
    assert message.text == ""


def test_incomplete_reply_finishes_with_length() -> None:
    meta = parse(RESPONSES["incomplete"]).response_metadata
    assert (meta["finish_reason"], meta["raw_finish_reason"]) == ("length", "max_output_tokens")
    assert meta["incomplete_details"] == {"reason": "max_output_tokens"}


def test_failed_response_is_an_api_error() -> None:
    failed = response([], status="failed", error={"code": "server_error", "message": "boom"})
    with pytest.raises(APIError, match="boom") as info:
        parse(failed)
    assert info.value.provider == "openai_responses"
    assert info.value.retryable
    assert info.value.request_id == "req-7"


def test_body_that_is_not_an_object_is_retryable() -> None:
    with pytest.raises(APIError, match="not a JSON object") as info:
        parse_reply(b"<html>bad gateway", {})
    assert info.value.retryable
    # Chained to the decoder's error: a drop-in raises that one, as langchain-openai does.
    assert isinstance(info.value.__cause__, json.JSONDecodeError)


@pytest.mark.parametrize("case", REPLIES, ids=[c.name for c in REPLIES])
def test_recorded_replies(case: Case) -> None:
    message = parse_reply(case.body, case.headers)
    expected = case.expected
    assert message.text == expected["text"]
    assert [(c["id"], c["name"], c["args"]) for c in message.tool_calls] == [
        (c["call_id"], c["name"], json.loads(c["arguments"])) for c in expected["tool_calls"]
    ]
    assert [b["type"] for b in message.content if b["type"] not in ("text", "refusal")] == [
        t for t in expected["output_types"] if t != "message"
    ]
    usage = expected["usage"]
    assert message.usage_metadata is not None
    assert message.usage_metadata["input_tokens"] == usage["input_tokens"]
    assert message.usage_metadata["output_tokens"] == usage["output_tokens"]
    assert message.usage_metadata["output_token_details"] == {
        "reasoning": usage["output_tokens_details"]["reasoning_tokens"]
    }
    assert message.response_metadata["id"] == expected["id"]
    summaries = [p for b in message.content if b["type"] == "reasoning" for p in b["summary"]]
    assert len(summaries) == expected["reasoning_summaries"]


def _message_item(*parts: Any) -> dict[str, Any]:
    return {"type": "message", "id": "msg_1", "role": "assistant", "content": list(parts)}


@pytest.mark.parametrize(
    ("fields", "words"),
    [
        ({"output": {"type": "message"}}, "output is a dict, not a list"),
        ({"output": ["hi"]}, "output item is a str"),
        ({"output": [_message_item("hi")]}, "content part is a str"),
        ({"output": [{"type": "message", "content": "hi"}]}, "content is a str"),
        ({"output": [_message_item({"type": "output_text", "text": 0})]}, "text is a int"),
        (
            {"output": [{"type": "function_call", "call_id": "c", "name": 5, "arguments": "{}"}]},
            "name is a int",
        ),
        ({"usage": "lots"}, "usage is a str"),
        ({"usage": {"input_tokens": "5", "output_tokens": 1}}, "input_tokens is a str"),
    ],
)
def test_a_field_of_the_wrong_type_is_refused_never_dropped(
    fields: dict[str, Any], words: str
) -> None:
    from chatplex.adapters.reading import MalformedReply

    with pytest.raises(MalformedReply, match=words):
        parse({**RESPONSES["text"], **fields})
