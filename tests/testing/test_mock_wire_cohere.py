"""The mock server's Cohere v2 Chat wire: the request view, the JSON and SSE renderings
(read back by chatplex's Cohere parsers and by the cohere SDK's types), the errors."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chatplex.providers.cohere.response import parse_reply
from chatplex.providers.cohere.stream import CohereStreamParser
from chatplex.testing._mock_faults import MockUsageError
from chatplex.testing._mock_replies import Reply
from chatplex.testing._mock_replies import plan_reply
from chatplex.testing._mock_wire_cohere import TOOL_PLAN
from chatplex.testing._mock_wire_cohere import WIRE
from chatplex.testing._mock_wire_cohere import cohere_view
from chatplex.testing._mock_wire_cohere import tokenize_reply
from tests._sse import streamed_by
from tests._weather import WEATHER


def plan(body: dict[str, Any]) -> tuple[dict[str, Any], Reply]:
    view = WIRE.request_view("/v2/chat", {"model": "command-r", **body})
    return view, plan_reply("openai", view, text=None, chunks=None, tool_name=None)


def streamed(reply: Reply, view: dict[str, Any]) -> Any:
    return streamed_by(WIRE, CohereStreamParser(), reply, view)


def test_the_view_of_a_conversation() -> None:
    view = cohere_view(
        "/v2/chat",
        {
            "model": "command-r",
            "messages": [
                {"role": "system", "content": "Be brief."},
                {"role": "user", "content": [{"type": "text", "text": "hi"}]},
                {"role": "assistant", "tool_plan": "p", "tool_calls": [{"id": "c"}]},
                {
                    "role": "tool",
                    "tool_call_id": "c",
                    "content": [{"type": "document", "document": {"data": {"output": "18C"}}}],
                },
            ],
            "tool_choice": "REQUIRED",
            "response_format": {"type": "json_object", "json_schema": {"type": "object"}},
        },
    )
    assert [m["role"] for m in view["messages"]] == ["system", "user", "assistant", "tool"]
    assert view["messages"][1]["content"] == "hi"
    assert view["messages"][3] == {
        "role": "tool",
        "content": '{"output": "18C"}',
        "tool_call_id": "c",
    }
    assert view["tool_choice"] == "required" and view["stream"] is False
    assert view["response_format"]["json_schema"]["schema"] == {"type": "object"}
    with pytest.raises(MockUsageError):
        cohere_view("/v2/chat", {"model": "m"})


def test_text_reply_json_and_stream_agree() -> None:
    view, reply = plan({"messages": [{"role": "user", "content": "hi there"}], "stream": True})
    whole = parse_reply(WIRE.render_json(reply, "rid1"))
    assert whole.content == reply.text and whole.response_metadata["finish_reason"] == "COMPLETE"
    merged = streamed(reply, view)
    assert merged.content == reply.text and merged.usage_metadata == whole.usage_metadata


def test_a_forced_tool_call_json_and_stream_agree() -> None:
    view, reply = plan(
        {
            "messages": [{"role": "user", "content": "weather in Paris"}],
            "tools": [WEATHER],
            "tool_choice": "REQUIRED",
        }
    )
    assert reply.tool is not None
    whole = parse_reply(WIRE.render_json(reply, "rid1"))
    merged = streamed(reply, view)
    assert whole.content == merged.content == TOOL_PLAN
    assert whole.tool_calls == merged.tool_calls and whole.tool_calls[0]["name"] == "get_weather"
    assert merged.response_metadata["finish_reason"] == "TOOL_CALL"


def test_the_sdk_reads_the_json_rendering() -> None:
    cohere = pytest.importorskip("cohere")
    from cohere.core.unchecked_base_model import construct_type

    _, reply = plan({"messages": [{"role": "user", "content": "hi"}]})
    theirs = construct_type(
        type_=cohere.V2ChatResponse, object_=json.loads(WIRE.render_json(reply, "r"))
    )
    assert theirs.message.content[0].text == reply.text and theirs.finish_reason == "COMPLETE"


def test_errors_are_coheres_shape() -> None:
    assert json.loads(WIRE.error_body(429, "rate_limit", "slow down", None, "r-9")) == {
        "id": "r-9",
        "message": "slow down",
    }
    assert b"message-end" in WIRE.stream_error("server_error", "boom", None)


def test_tokenize_counts_a_token_per_word() -> None:
    assert json.loads(tokenize_reply("/v1/tokenize", {"text": "a b  c"}) or b"") == {
        "tokens": [0, 1, 2],
        "token_strings": ["a", "b", "c"],
    }
    assert tokenize_reply("/v2/chat", {"text": "a"}) is None
    assert WIRE.match("/v1/tokenize") and WIRE.side_reply is tokenize_reply
    with pytest.raises(MockUsageError, match="text"):
        tokenize_reply("/v1/tokenize", {"model": "m"})


def test_the_drop_in_counts_with_the_mock_server() -> None:
    from chatplex.langchain import ChatCohere
    from chatplex.providers.cohere import tokenizer
    from chatplex.testing import MockServer

    tokenizer.forget()
    with MockServer() as server:
        model = ChatCohere(model="command-r", cohere_api_key="k", base_url=server.url)
        # No model record is served (a 404): the count is the endpoint's.
        assert model.get_num_tokens("one two three") == 3
