"""watsonx.ai's declared provider, and the wire end to end once registered: the registry,
LangChain's names (`init_chat_model("ibm:...")`, `chatplex.langchain.ChatWatsonx`), and the mock
server's `/ml/v1/text/chat` routes (which refuse a request without a bearer token)."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

import chatplex
import chatplex.langchain
from chatplex import init_chat_model
from chatplex.testing import MockServer
from tests._merged_text import merged
from tests._weather import WEATHER
from tests.providers._speccheck import Answer
from tests.providers._speccheck import check_wire
from tests.providers._speccheck import mock_server  # noqa: F401 (the fixture "server")


def _model(srv: MockServer, **settings: Any) -> Any:
    return init_chat_model("ibm:ibm/granite", url=srv.url, token="t", project_id="p", **settings)


def test_watsonx() -> None:
    (spec,) = check_wire("watsonx").SPECS
    assert spec.name == "ibm" and spec.langchain_class == "ChatWatsonx"
    assert spec.adapter == "chatplex.providers.watsonx.adapter:WatsonxAdapter"
    assert spec.otel_name == "ibm.watsonx.ai" and spec.ls_provider == "ibm"
    assert chatplex.langchain.ChatWatsonx._record.llm_type == "watsonx-chat"


def test_calls_over_the_mock_server_sync_and_async(server: MockServer) -> None:
    model = _model(server)
    assert model.get_name() == "ChatWatsonx"
    reply = model.invoke("hi there")
    assert reply.text.startswith("Echo:") and reply.response_metadata["finish_reason"] == "stop"
    assert reply.usage_metadata["total_tokens"] > 0
    streamed = list(model.stream("hi there"))
    assert "".join(c.text for c in streamed) == reply.text
    total = merged(streamed)
    assert total.usage_metadata == reply.usage_metadata
    assert asyncio.run(model.ainvoke("hi there")).text == reply.text


def test_tools_and_structured_output_over_the_mock_server(server: MockServer) -> None:
    model = _model(server)
    called = model.bind_tools([WEATHER], tool_choice="get_weather").invoke("weather in Paris?")
    assert called.tool_calls[0]["name"] == "get_weather"
    assert called.response_metadata["finish_reason"] == "tool_calls"
    streamed = list(model.bind_tools([WEATHER], tool_choice="required").stream("Paris?"))
    total = merged(streamed)
    assert total.tool_calls[0]["name"] == "get_weather"
    assert isinstance(model.with_structured_output(Answer).invoke("Paris?"), Answer)
    schema = model.with_structured_output(Answer, method="json_schema").invoke("Paris?")
    assert isinstance(schema, Answer)


def test_errors_over_the_mock_server_are_typed(server: MockServer) -> None:
    model = _model(server, max_retries=0)
    with pytest.raises(chatplex.errors.RateLimitError) as caught:
        model.invoke("hi", extra_headers={"x-mock-fault": "status=429"})
    assert caught.value.status == 429 and caught.value.request_id
    with pytest.raises(chatplex.errors.StreamError):
        list(model.stream("hi", extra_headers={"x-mock-fault": "stream_error_event"}))


def test_the_langchain_chat_model_over_the_mock_server(server: MockServer) -> None:
    pytest.importorskip("langchain_core")
    from langchain_core.language_models import BaseChatModel

    from chatplex.langchain import init_chat_model as langchain_init

    model = langchain_init("ibm:ibm/granite", url=server.url, token="t", project_id="p")
    assert isinstance(model, BaseChatModel) and type(model).__name__ == "ChatWatsonx"
    assert model.invoke("hi there").content == "Echo: hi there"
