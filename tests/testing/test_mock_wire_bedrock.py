"""The mock server's Bedrock Converse wire: paths, the request view planning reads, JSON
replies, event-stream replies (decoded by chatplex's decoder and by botocore's),
Bedrock-shaped errors, the SigV4 check; and whole calls over MockServer (those wait
for the core's wire registry and the engine's stream-framing hook)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from chatplex.errors import AuthenticationError
from chatplex.errors import RateLimitError
from chatplex.errors import ServerError
from chatplex.errors import StreamError
from chatplex.messages import merge_chunks
from chatplex.providers.bedrock.eventstream import EventStreamDecoder
from chatplex.providers.bedrock.response import error_from
from chatplex.providers.bedrock.stream import BedrockStreamParser
from chatplex.testing._mock_faults import MockUsageError
from chatplex.testing._mock_replies import plan_reply
from chatplex.testing._mock_wire_bedrock import EVENT_STREAM
from chatplex.testing._mock_wire_bedrock import WIRE
from chatplex.testing._mock_wire_bedrock import check_auth
from chatplex.testing._mock_wire_bedrock import encode_message
from chatplex.testing._mock_wire_bedrock import error_body
from chatplex.testing._mock_wire_bedrock import render_events
from chatplex.testing._mock_wire_bedrock import render_json
from chatplex.testing._mock_wire_bedrock import request_view
from chatplex.testing._mock_wire_bedrock import stream_error

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


@pytest.mark.parametrize(
    ("status", "type_", "cls", "name"),
    [
        (429, "requests", RateLimitError, "ThrottlingException"),
        (401, "invalid_request_error", AuthenticationError, "UnrecognizedClientException"),
        (503, "server_error", ServerError, "ServiceUnavailableException"),
        (429, "ModelNotReadyException", ServerError, "ModelNotReadyException"),
    ],
)
def test_error_bodies_read_back_as_typed_errors(
    status: int, type_: str, cls: type, name: str
) -> None:
    body = error_body(status, type_, "mock says no", None, "rid")
    assert json.loads(body)["__type"].endswith("#" + name)
    err = error_from(status, body, {})
    assert isinstance(err, cls) and err.error_type == name and err.message == "mock says no"


def test_a_mid_stream_error_is_an_exception_message() -> None:
    (message,) = EventStreamDecoder().feed(stream_error("server_error", "boom", None))
    assert message.message_type == "exception"
    assert message.headers[":exception-type"] == "internalServerException"
    with pytest.raises(StreamError, match="boom") as caught:
        BedrockStreamParser().feed(message)
    assert caught.value.error_type == "InternalServerException"


def test_the_sigv4_check() -> None:
    assert check_auth({}) is not None
    assert check_auth({"Authorization": "Basic abc"}) is not None
    assert check_auth({"authorization": "AWS4-HMAC-SHA256 Credential=AK/..."}) is None
    assert check_auth({"authorization": "Bearer bedrock-key"}) is None


def test_encode_message_frames_are_what_botocore_reads() -> None:
    frame = encode_message({":event-type": "ping"}, b"{}")
    buffer = botocore_eventstream.EventStreamBuffer()
    buffer.add_data(frame)
    (message,) = list(buffer)
    assert message.headers == {":event-type": "ping"} and message.payload == b"{}"


# -- whole calls over the mock server ------------------------------------------------------


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    monkeypatch.delenv("AWS_BEARER_TOKEN_BEDROCK", raising=False)
    yield


class TestOverMockServer:
    @pytest.fixture
    def server(self, aws: None) -> Iterator[Any]:
        from chatplex.testing import MockServer

        with MockServer() as srv:
            yield srv

    def model(self, server: Any, **kw: Any) -> Any:
        from chatplex.lean import ChatBedrockConverse

        return ChatBedrockConverse(
            model="anthropic.claude-3-5-haiku-20241022-v1:0",
            region_name="us-east-1",
            endpoint_url=server.url,
            aws_access_key_id="AKIDEXAMPLE",
            aws_secret_access_key="secret",
            max_retries=0,
            **kw,
        )

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


# ---- InvokeModel, Anthropic bodies -------------------------------------------------------

INVOKE_BODY = {
    "anthropic_version": "bedrock-2023-05-31",
    "max_tokens": 64,
    "messages": [{"role": "user", "content": "hello mock"}],
}


def test_invoke_paths_and_view() -> None:
    from chatplex.testing._mock_routes import wire_for
    from chatplex.testing._mock_wire_bedrock import INVOKE_WIRE
    from chatplex.testing._mock_wire_bedrock import invoke_view

    path = "/model/us.anthropic.claude-3-5-haiku-20241022-v1%3A0/invoke-with-response-stream"
    assert wire_for(path) is INVOKE_WIRE and wire_for("/model/m/invoke") is INVOKE_WIRE
    assert wire_for("/model/m/converse") is WIRE
    assert not INVOKE_WIRE.match("/model/a/b/invoke")
    view = invoke_view(path, INVOKE_BODY)
    assert (view["model"], view["stream"]) == ("us.anthropic.claude-3-5-haiku-20241022-v1:0", True)
    with pytest.raises(MockUsageError, match="anthropic_version"):
        invoke_view("/model/m/invoke", {"messages": [{"role": "user", "content": "hi"}]})
    with pytest.raises(MockUsageError, match="messages"):
        invoke_view("/model/m/invoke", {"anthropic_version": "bedrock-2023-05-31"})


def test_invoke_events_are_anthropic_events_in_chunk_messages() -> None:
    import base64

    from chatplex.testing._mock_wire_bedrock import invoke_events

    reply = plan_reply(
        "anthropic", {**INVOKE_BODY, "model": "m"}, text=None, chunks=None, tool_name=None
    )
    decoder = EventStreamDecoder()
    messages = decoder.feed(b"".join(frame for frame, _ in invoke_events(reply, "r1", {})))
    kinds = [json.loads(base64.b64decode(json.loads(m.payload)["bytes"])) for m in messages]
    assert all(m.event_type == "chunk" for m in messages)
    assert [k["type"] for k in kinds][0] == "message_start" and "ping" not in str(kinds)
    assert kinds[-1]["amazon-bedrock-invocationMetrics"]["outputTokenCount"] > 0


class TestChatBedrockOverMockServer:
    @pytest.fixture
    def server(self, aws: None) -> Iterator[Any]:
        from chatplex.testing import MockServer

        with MockServer() as srv:
            yield srv

    def model(self, server: Any, **kw: Any) -> Any:
        from chatplex.lean import init_chat_model

        return init_chat_model(
            "bedrock:anthropic.claude-3-5-haiku-20241022-v1:0",
            region_name="us-east-1",
            endpoint_url=server.url,
            aws_access_key_id="AKIDEXAMPLE",
            aws_secret_access_key="secret",
            max_retries=0,
            **kw,
        )

    def test_invoke_and_usage_from_the_headers(self, server: Any) -> None:
        message = self.model(server).invoke("hello mock")
        assert message.text == "Echo: hello mock"
        assert message.response_metadata["model_provider"] == "bedrock"
        assert message.usage_metadata is not None and message.usage_metadata["output_tokens"] > 0

    def test_stream_merges_into_the_invoke_reply(self, server: Any) -> None:
        llm = self.model(server)
        merged = merge_chunks(list(llm.stream("hello mock")))
        reply = llm.invoke("hello mock")
        assert merged.text == reply.text
        assert merged.usage_metadata == reply.usage_metadata

    def test_tool_call_and_structured_output(self, server: Any) -> None:
        from pydantic import BaseModel

        class Weather(BaseModel):
            city: str

        llm = self.model(server)
        assert llm.with_structured_output(Weather).invoke("weather?").city == "x"
        streamed = merge_chunks(list(llm.bind_tools([Weather], tool_choice="Weather").stream("hi")))
        assert streamed.tool_calls[0]["name"] == "Weather"

    def test_json_schema_is_anthropics_output_config(self, server: Any) -> None:
        from pydantic import BaseModel

        class Weather(BaseModel):
            city: str

        llm = self.model(server)
        assert llm.with_structured_output(Weather, method="json_schema").invoke("hi").city
        # No JSON mode on Anthropic: json_mode with a schema binds the same format.
        assert llm.with_structured_output(Weather, method="json_mode").invoke("hi").city
        with pytest.raises(ValueError, match="no JSON mode"):
            llm.with_structured_output(None, method="json_mode").invoke("hi")

    def test_throttled_is_a_rate_limit_error(self, server: Any) -> None:
        llm = self.model(server, extra_headers={"x-mock-fault": "status=429"})
        with pytest.raises(RateLimitError) as caught:
            llm.invoke("hi")
        assert caught.value.error_type == "ThrottlingException"


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
