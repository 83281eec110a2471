"""The mock server's Bedrock InvokeModel wire (`testing/_mock_wire_bedrock_invoke.py`):
its paths and view, Anthropic's events in `chunk` messages, and ChatBedrock's whole calls
over MockServer."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chatplex.errors import RateLimitError
from chatplex.messages import merge_chunks
from chatplex.providers.bedrock.eventstream import EventStreamDecoder
from chatplex.testing._mock_faults import MockUsageError
from chatplex.testing._mock_replies import plan_reply
from chatplex.testing._mock_wire_bedrock import WIRE
from tests.testing._aws_env import clean_aws_env  # noqa: F401 (the fixture "aws")
from tests.testing._aws_env import mock_server_in_clean_aws_env  # noqa: F401 ("server")
from tests.testing._aws_env import over

pytest.importorskip("botocore")  # ChatBedrock signs its calls with botocore (the extra)

INVOKE_BODY = {
    "anthropic_version": "bedrock-2023-05-31",
    "max_tokens": 64,
    "messages": [{"role": "user", "content": "hello mock"}],
}


def test_invoke_paths_and_view() -> None:
    from chatplex.testing._mock_routes import wire_for
    from chatplex.testing._mock_wire_bedrock_invoke import INVOKE_WIRE
    from chatplex.testing._mock_wire_bedrock_invoke import invoke_view

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

    from chatplex.testing._mock_wire_bedrock_invoke import invoke_events

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
    def model(self, server: Any, **kw: Any) -> Any:
        from chatplex import init_chat_model

        return init_chat_model(
            "bedrock:anthropic.claude-3-5-haiku-20241022-v1:0",
            **{**over(server), **kw},
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
