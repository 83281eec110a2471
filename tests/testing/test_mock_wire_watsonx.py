"""The mock server's watsonx.ai wire: the request view, the JSON and SSE renderings (read
back by chatplex's watsonx parsers), the errors, and the bearer token it requires."""

from __future__ import annotations

import doctest
import json
from typing import Any

import pytest

from chatplex.providers.watsonx.response import parse_reply
from chatplex.providers.watsonx.stream import WatsonxStreamParser
from chatplex.testing import _mock_wire_watsonx as module
from chatplex.testing._mock_faults import MockUsageError
from chatplex.testing._mock_replies import Reply
from chatplex.testing._mock_replies import plan_reply
from chatplex.testing._mock_wire_watsonx import WIRE
from chatplex.testing._mock_wire_watsonx import watsonx_view
from tests._sse import streamed_by
from tests._weather import WEATHER


def plan(body: dict[str, Any], path: str = "/ml/v1/text/chat") -> tuple[dict[str, Any], Reply]:
    view = WIRE.request_view(path, {"model_id": "ibm/granite", "project_id": "p", **body})
    return view, plan_reply("openai", view, text=None, chunks=None, tool_name=None)


def streamed(reply: Reply, view: dict[str, Any]) -> Any:
    return streamed_by(WIRE, WatsonxStreamParser(), reply, view)


def test_the_view_of_a_conversation() -> None:
    call = {"id": "c", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    view = watsonx_view(
        "/ml/v1/text/chat",
        {
            "model_id": "ibm/granite",
            "space_id": "s",
            "messages": [
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": [{"type": "text", "text": "hi"}]},
                {"role": "assistant", "content": None, "tool_calls": [call]},
                {"role": "tool", "content": "18C", "tool_call_id": "c"},
            ],
            "tool_choice_option": "required",
            "response_format": {"type": "json_object"},
        },
    )
    assert view["model"] == "ibm/granite" and view["stream"] is False
    assert [m["role"] for m in view["messages"]] == ["system", "user", "assistant", "tool"]
    assert view["messages"][1]["content"] == "hi"
    assert view["messages"][2]["tool_calls"] == [call]
    assert view["messages"][3] == {"role": "tool", "content": "18C", "tool_call_id": "c"}
    assert view["tool_choice"] == "required"
    assert view["response_format"] == {"type": "json_object"}
    named = {"type": "function", "function": {"name": "f"}}
    assert plan({"messages": [], "tool_choice": named})[0]["tool_choice"] == named
    with pytest.raises(MockUsageError, match="project_id or space_id"):
        watsonx_view("/ml/v1/text/chat", {"model_id": "m", "messages": []})


def test_a_text_reply_reads_back_whole_and_streamed() -> None:
    view, reply = plan({"messages": [{"role": "user", "content": "hello there"}]})
    whole = parse_reply(WIRE.render_json(reply, "rid1"))
    assert whole.content == "Echo: hello there" and whole.id == "rid1"
    assert whole.response_metadata["finish_reason"] == "stop"
    body = json.loads(WIRE.render_json(reply, "rid1"))
    assert body["model_id"] == "ibm/granite" and body["usage"]["total_tokens"] > 0
    again = streamed(reply, view)
    assert again.content == whole.content and again.usage_metadata == whole.usage_metadata


def test_a_tool_call_reads_back_whole_and_streamed() -> None:
    messages = [{"role": "user", "content": "weather in Paris?"}]
    view, reply = plan({"messages": messages, "tools": [WEATHER], "tool_choice_option": "required"})
    whole = parse_reply(WIRE.render_json(reply, "rid1"))
    assert whole.tool_calls[0]["name"] == "get_weather"
    assert whole.response_metadata["finish_reason"] == "tool_calls"
    again = streamed(reply, view)
    assert again.tool_calls == whole.tool_calls


def test_errors_and_the_stream_error_event() -> None:
    body = json.loads(WIRE.error_body(429, "rate_limit_exceeded", "slow down", None, "rid1"))
    assert body == {
        "errors": [
            {
                "code": "rate_limit_exceeded",
                "message": "slow down",
                "more_info": body["errors"][0]["more_info"],
            }
        ],
        "trace": "rid1",
        "status_code": 429,
    }
    event = WIRE.stream_error("server_error", "boom", None)
    assert event.startswith(b"event: error\n")


def test_a_request_without_a_bearer_token_is_refused() -> None:
    assert WIRE.check_auth({}) is not None
    assert WIRE.check_auth({"Authorization": "Basic eDp5"}) is not None
    assert WIRE.check_auth({"authorization": "Bearer t"}) is None


def test_docstring_examples() -> None:
    result = doctest.testmod(module)
    assert result.attempted >= 1 and result.failed == 0
