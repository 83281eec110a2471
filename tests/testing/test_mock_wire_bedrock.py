"""The mock server's Bedrock Converse wire (`testing/_mock_wire_bedrock.py`): paths,
the request view planning reads, JSON replies, event-stream replies (decoded by chatplex's
decoder), CountTokens, and whole calls over MockServer."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

import pytest

from chatplex.errors import AuthenticationError
from chatplex.errors import RateLimitError
from chatplex.messages import merge_chunks
from chatplex.providers.bedrock.eventstream import EventStreamDecoder
from chatplex.providers.bedrock.response import error_from
from chatplex.providers.bedrock.stream import BedrockStreamParser
from chatplex.testing._mock_aws import EVENT_STREAM
from chatplex.testing._mock_faults import MockUsageError
from chatplex.testing._mock_replies import Reply
from chatplex.testing._mock_replies import plan_reply
from chatplex.testing._mock_replies import tool_call
from chatplex.testing._mock_wire_bedrock import WIRE
from chatplex.testing._mock_wire_bedrock import render_events
from chatplex.testing._mock_wire_bedrock import render_json
from chatplex.testing._mock_wire_bedrock import request_view
from tests.testing._aws_env import clean_aws_env  # noqa: F401 (the fixture "aws")
from tests.testing._aws_env import mock_server_in_clean_aws_env  # noqa: F401 ("server")
from tests.testing._aws_env import over

botocore_eventstream = pytest.importorskip("botocore.eventstream")

TOOLS = {
    "tools": [
        {
            "toolSpec": {
                "name": "get_weather",
                "description": "Weather",
                "inputSchema": {
                    "json": {"type": "object", "properties": {"city": {"type": "string"}}}
                },
            }
        }
    ],
    "toolChoice": {"any": {}},
}
BODY = {
    "system": [{"text": "Be brief."}],
    "messages": [
        {"role": "user", "content": [{"text": "weather in Paris"}]},
        {
            "role": "assistant",
            "content": [
                {"toolUse": {"toolUseId": "t1", "name": "get_weather", "input": {"city": "Paris"}}}
            ],
        },
        {
            "role": "user",
            "content": [
                {"toolResult": {"toolUseId": "t1", "content": [{"text": "18C"}]}},
                {"text": "and now?"},
            ],
        },
    ],
    "toolConfig": TOOLS,
}


def test_paths() -> None:
    assert WIRE.match("/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/converse")
    assert WIRE.match(
        "/model/arn%3Aaws%3Abedrock%3Aus-east-1%3A1%3Ainference-profile%2Fx/converse-stream"
    )
    assert not WIRE.match("/v1/chat/completions")
    assert not WIRE.match("/model//converse")
    assert not WIRE.match("/model/a/b/converse")
    assert WIRE.stream_content_type == EVENT_STREAM
    assert WIRE.request_id_header == "x-amzn-requestid"


def test_the_request_view_is_a_chat_completions_body() -> None:
    view = request_view("/model/m%3A0/converse-stream", BODY)
    assert view["model"] == "m:0" and view["stream"] is True
    assert view["messages"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "weather in Paris"},
        {
            "role": "assistant",
            "content": "",
            "tool_calls": [
                {
                    "id": "t1",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"city":"Paris"}'},
                }
            ],
        },
        {"role": "tool", "tool_call_id": "t1", "content": "18C"},
        {"role": "user", "content": "and now?"},
    ]
    assert view["tools"][0]["function"]["name"] == "get_weather"
    assert view["tool_choice"] == "required"
    named = {**TOOLS, "toolChoice": {"tool": {"name": "get_weather"}}}
    view = request_view("/model/m/converse", {**BODY, "toolConfig": named})
    assert view["tool_choice"] == {"type": "function", "function": {"name": "get_weather"}}
    assert view["stream"] is False


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"messages": []},
        {"messages": [{"role": "system", "content": []}]},
        {"messages": [{"role": "user", "content": "x"}]},
    ],
)
def test_bodies_the_wire_cannot_read_are_usage_errors(body: dict[str, Any]) -> None:
    with pytest.raises(MockUsageError):
        request_view("/model/m/converse", body)


def _plan(body: dict[str, Any], chunks: int | None = 3) -> tuple[dict[str, Any], Any]:
    view = request_view("/model/m/converse-stream", body)
    return view, plan_reply("openai", view, text=None, chunks=chunks, tool_name=None)


def test_a_text_reply_as_json_and_as_an_event_stream() -> None:
    view, reply = _plan({"messages": [{"role": "user", "content": [{"text": "hello there you"}]}]})
    body = json.loads(render_json(reply, "r1"))
    assert body["output"]["message"]["content"] == [{"text": reply.text}]
    assert body["stopReason"] == "end_turn"
    assert body["usage"]["totalTokens"] == reply.input_tokens + reply.output_tokens
    events = render_events(reply, "r1", view)
    raw = b"".join(frame for frame, _ in events)
    assert sum(is_delta for _, is_delta in events) == len(reply.pieces)
    ours = EventStreamDecoder().feed(raw)
    buffer = botocore_eventstream.EventStreamBuffer()
    buffer.add_data(raw)
    theirs = list(buffer)
    assert [(m.headers, m.payload) for m in ours] == [(m.headers, m.payload) for m in theirs]
    assert [m.event_type for m in ours] == [
        "messageStart",
        *["contentBlockDelta"] * len(reply.pieces),
        "contentBlockStop",
        "messageStop",
        "metadata",
    ]
    parser = BedrockStreamParser()
    merged = merge_chunks([c for c in map(parser.feed, ours) if c is not None])
    parser.finish()
    assert merged.text == reply.text  # langchain-aws's stream content: indexed blocks


def test_a_tool_call_reply_streams_its_arguments_in_pieces() -> None:
    view, reply = _plan(BODY, chunks=4)
    assert reply.tool is not None
    body = json.loads(render_json(reply, "r2"))
    (block,) = body["output"]["message"]["content"]
    assert block["toolUse"]["name"] == "get_weather" and body["stopReason"] == "tool_use"
    raw = b"".join(frame for frame, _ in render_events(reply, "r2", view))
    parser = BedrockStreamParser()
    merged = merge_chunks(
        [c for c in map(parser.feed, EventStreamDecoder().feed(raw)) if c is not None]
    )
    (call,) = merged.to_message().tool_calls
    assert call["name"] == "get_weather" and call["args"] == block["toolUse"]["input"]


# -- whole calls over the mock server ------------------------------------------------------


class TestOverMockServer:
    def model(self, server: Any, **kw: Any) -> Any:
        from chatplex.providers.bedrock.dropin import build

        return build({"model": "anthropic.claude-3-5-haiku-20241022-v1:0", **over(server), **kw})

    def test_invoke(self, server: Any) -> None:
        assert self.model(server).invoke("hello mock").text == "Echo: hello mock"

    def test_stream_merges_into_the_invoke_reply(self, server: Any) -> None:
        llm = self.model(server)
        merged = merge_chunks(list(llm.stream("hello mock")))
        assert merged.text == llm.invoke("hello mock").text
        assert merged.usage_metadata == llm.invoke("hello mock").usage_metadata

    def test_astream(self, server: Any) -> None:
        import asyncio

        async def go() -> str:
            return "".join([c.text async for c in self.model(server).astream("hello mock")])

        assert asyncio.run(go()) == "Echo: hello mock"

    def test_tool_call_and_structured_output(self, server: Any) -> None:
        from pydantic import BaseModel

        class Weather(BaseModel):
            city: str

        llm = self.model(server)
        assert llm.with_structured_output(Weather).invoke("weather?").city == "x"
        assert llm.bind_tools([Weather], tool_choice="Weather").invoke("hi").tool_calls

    def test_throttled(self, server: Any) -> None:
        llm = self.model(server, extra_headers={"x-mock-fault": "status=429"})
        with pytest.raises(RateLimitError):
            llm.invoke("hi")

    def test_ainvoke_and_usage(self, server: Any) -> None:
        import asyncio

        message = asyncio.run(self.model(server).ainvoke("hello mock"))
        assert message.text == "Echo: hello mock"
        assert message.usage_metadata is not None and message.usage_metadata["output_tokens"] > 0
        assert message.response_metadata["finish_reason"] == "stop"

    def test_a_signature_of_another_scheme_is_rejected(self, server: Any) -> None:
        import httpx

        body = {"messages": [{"role": "user", "content": [{"text": "hi"}]}]}
        headers = {"authorization": "Basic dTpw"}
        response = httpx.post(f"{server.url}/model/m/converse", json=body, headers=headers)
        err = error_from(response.status_code, response.content, response.headers)
        assert isinstance(err, AuthenticationError)

    def test_unsigned_request_is_refused(self, server: Any) -> None:
        import httpx

        response = httpx.post(f"{server.url}/model/m/converse", json={"messages": []})
        assert response.status_code in (401, 403)
        assert "Exception" in response.json()["__type"]


def test_native_structured_output_is_planned_as_a_schema_shaped_answer() -> None:
    schema = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
    text_format = {
        "type": "json_schema",
        "structure": {"jsonSchema": {"schema": json.dumps(schema)}},
    }
    body = {
        "messages": [{"role": "user", "content": [{"text": "weather?"}]}],
        "outputConfig": {"textFormat": text_format},
    }
    view, reply = _plan(body)
    assert view["response_format"]["json_schema"]["schema"] == schema
    assert json.loads(reply.text) == {"city": "x"}


def test_count_tokens_reads_a_converse_input_and_an_invoke_body() -> None:
    import base64

    from chatplex.testing._mock_wire_bedrock import count_reply
    from chatplex.testing._mock_wire_bedrock import count_view

    path = "/model/anthropic.claude-3-5-haiku-20241022-v1%3A0/count-tokens"
    assert WIRE.match(path) and WIRE.side_reply is count_reply
    turns = [{"role": "user", "content": [{"text": "a b c"}]}]
    converse = {"input": {"converse": {"messages": turns, "system": [{"text": "s"}]}}}
    anthropic = {"messages": [{"role": "user", "content": "a b c"}], "system": "s"}
    blob = base64.b64encode(json.dumps(anthropic).encode()).decode()
    invoke = {"input": {"invokeModel": {"body": blob}}}
    counts = []
    for body in (converse, invoke):
        view = count_view(path, body)
        reply = plan_reply("openai", view, text=None, chunks=None, tool_name=None)
        counted = count_reply(path, body)
        assert counted is not None
        counts.append((json.loads(counted), reply.input_tokens))
    assert count_reply("/model/m/converse", {}) is None  # a chat
    assert counts == [({"inputTokens": 7}, 7), ({"inputTokens": 7}, 7)]


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"input": {"invokeModel": {"body": "not base64!"}}},
        {"input": {"converse": {"messages": [{"role": "assistant", "content": [{"text": "hi"}]}]}}},
    ],
)
def test_count_tokens_refuses_what_bedrock_refuses(body: dict[str, Any]) -> None:
    from chatplex.testing._mock_wire_bedrock import count_view

    with pytest.raises(MockUsageError):
        count_view("/model/m/count-tokens", body)


def test_scripted_cached_tokens_are_read_from_the_cache_and_in_the_total() -> None:
    # MockSettings.usage_details: Converse names the cache's part beside inputTokens and
    # counts it in totalTokens; without any, the key is absent.
    reply = Reply("m", "hi", ("hi",), None, 8, 6, cached_tokens=3)
    usage = json.loads(render_json(reply, "r1"))["usage"]
    assert usage == {
        "inputTokens": 8,
        "outputTokens": 6,
        "totalTokens": 17,
        "cacheReadInputTokens": 3,
    }
    plain = json.loads(render_json(Reply("m", "hi", ("hi",), None, 8, 6), "r1"))["usage"]
    assert "cacheReadInputTokens" not in plain and plain["totalTokens"] == 14


def test_a_reply_cut_at_the_limit_stops_for_max_tokens() -> None:
    # MockSettings.stop_at_limit: Converse's stopReason "max_tokens", both ways.
    reply = Reply("m", "hi", ("hi",), None, 8, 6, cut=True)
    assert json.loads(render_json(reply, "r1"))["stopReason"] == "max_tokens"
    events = b"".join(e for e, _ in render_events(reply, "r1", {}))
    assert b'"stopReason":"max_tokens"' in events and b"end_turn" not in events


def test_parallel_calls_are_content_blocks_of_their_own() -> None:
    view, reply = _plan(BODY, chunks=2)
    assert reply.tool is not None
    second = tool_call("openai", "get_time", {"zone": "UTC"}, 3)
    reply = dataclasses.replace(reply, more_tools=(second,))
    body = json.loads(render_json(reply, "r2"))
    ids = [block["toolUse"]["toolUseId"] for block in body["output"]["message"]["content"]]
    assert ids == ["tooluse_r2", "tooluse_r2_1"]
    raw = b"".join(frame for frame, _ in render_events(reply, "r2", view))
    parser = BedrockStreamParser()
    merged = merge_chunks(
        [c for c in map(parser.feed, EventStreamDecoder().feed(raw)) if c is not None]
    )
    calls = merged.to_message().tool_calls
    assert [(c["name"], c["args"], c["id"]) for c in calls] == [
        (reply.tool.name, reply.tool.input, "tooluse_r2"),
        ("get_time", {"zone": "UTC"}, "tooluse_r2_1"),
    ]
