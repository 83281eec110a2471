"""Cohere's declared provider, and the wire end to end once registered: the registry,
LangChain's names (`init_chat_model`, bare "command..." names), the mock server's
`/v2/chat` route, and the cohere SDK reading the mock's replies."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

import chatplex
from chatplex import init_chat_model
from chatplex.langchain import ChatCohere
from chatplex.specs import infer_provider
from chatplex.testing import MockServer
from tests._env import without_variables
from tests._weather import WEATHER
from tests.providers._speccheck import Answer
from tests.providers._speccheck import check_wire
from tests.providers._speccheck import mock_server  # noqa: F401 (the fixture "server")

_clean_env = without_variables("COHERE_API_KEY", "CO_API_KEY", "CO_API_URL", name="_clean_env")


def _model(srv: MockServer, **settings: Any) -> Any:
    return init_chat_model("cohere:command-a-03-2025", base_url=srv.url, api_key="k", **settings)


def test_cohere() -> None:
    (spec,) = check_wire("cohere").SPECS
    assert spec.adapter == "chatplex.providers.cohere.adapter:CohereAdapter"
    assert spec.langchain_class == "ChatCohere"
    assert infer_provider("command-r-plus") == "cohere"
    model = init_chat_model("command-r", cohere_api_key="co-k")
    assert model.get_name() == "ChatCohere" and model.provider == "cohere"
    assert ChatCohere.__name__ == "ChatCohere"


def test_calls_over_the_mock_server_sync_and_async(server: MockServer) -> None:
    model = _model(server)
    reply = model.invoke("hi there")
    assert reply.text.startswith("Echo:") and reply.response_metadata["finish_reason"] == "COMPLETE"
    assert reply.usage_metadata["total_tokens"] > 0
    streamed = list(model.stream("hi there"))
    assert "".join(c.text for c in streamed) == reply.text
    assert streamed[-1].usage_metadata == reply.usage_metadata
    assert asyncio.run(model.ainvoke("hi there")).text == reply.text


def test_tools_and_structured_output_over_the_mock_server(server: MockServer) -> None:
    model = _model(server)
    called = model.bind_tools([WEATHER], tool_choice="required").invoke("weather in Paris?")
    assert called.tool_calls[0]["name"] == "get_weather"
    assert called.response_metadata["finish_reason"] == "TOOL_CALL"
    parsed = model.with_structured_output(Answer).invoke("Paris?")
    assert isinstance(parsed, Answer)
    forced = model.with_structured_output(Answer, method="function_calling").invoke("Paris?")
    assert isinstance(forced, Answer)


def test_errors_over_the_mock_server_are_typed_and_the_sdks(server: MockServer) -> None:
    cohere = pytest.importorskip("cohere")
    model = _model(server, max_retries=0)
    with pytest.raises(chatplex.errors.RateLimitError) as caught:
        model.invoke("hi", extra_headers={"x-mock-fault": "status=429"})
    assert isinstance(caught.value, cohere.TooManyRequestsError)
    assert caught.value.status == 429 and caught.value.request_id


def test_the_cohere_sdk_reads_the_mock_servers_replies(server: MockServer) -> None:
    cohere = pytest.importorskip("cohere")
    messages = [{"role": "user", "content": "hi there"}]
    with httpx.Client() as http:
        client = cohere.ClientV2(api_key="k", base_url=server.url, httpx_client=http)
        reply = client.chat(model="command-a-03-2025", messages=messages)
        events = list(client.chat_stream(model="command-a-03-2025", messages=messages))
    ours = _model(server).invoke("hi there")
    assert reply.message.content[0].text == ours.text
    assert reply.usage.tokens.input_tokens == ours.usage_metadata["input_tokens"]
    assert [e.type for e in events][0] == "message-start" and events[-1].type == "message-end"
    text = "".join(e.delta.message.content.text for e in events if e.type == "content-delta")
    assert text == ours.text
