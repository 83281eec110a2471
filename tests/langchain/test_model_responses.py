"""ChatChatplex (and the LangChain-facing ChatOpenAI) with OpenAI's built-in tools: bound
like langchain-openai binds them, they go to the Responses API with their output items
kept; a reply's blocks are LangChain's."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from chatplex import init_chat_model
from chatplex.langchain import ChatAnthropic
from chatplex.langchain import ChatChatplex
from chatplex.langchain import ChatOpenAI

REPLY = {
    "id": "resp_9",
    "object": "response",
    "status": "completed",
    "model": "gpt-4.1",
    "output": [
        {"type": "web_search_call", "id": "ws_1", "status": "completed"},
        {
            "type": "message",
            "id": "msg_1",
            "role": "assistant",
            "content": [{"type": "output_text", "text": "Sunny.", "annotations": []}],
        },
    ],
    "usage": {"input_tokens": 3, "output_tokens": 2, "total_tokens": 5},
}


class Server:
    def __init__(self) -> None:
        self.seen: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        return httpx.Response(200, json=REPLY)

    def clients(self) -> dict[str, Any]:
        transport = httpx.MockTransport(self)
        return {
            "http_client": httpx.Client(transport=transport),
            "http_async_client": httpx.AsyncClient(transport=transport),
        }


def test_built_in_tools_switch_langchains_chat_openai_to_the_responses_api() -> None:
    server = Server()
    model = ChatOpenAI(
        model="gpt-4.1", api_key="k", base_url="http://mock.test/v1", **server.clients()
    )

    def get_weather(city: str) -> str:
        """Weather for a city."""
        return city

    bound = model.bind_tools([{"type": "web_search"}, get_weather], tool_choice="web_search")
    reply = bound.invoke("Weather in Paris?")
    sent = json.loads(server.seen[-1].content)
    assert str(server.seen[-1].url) == "http://mock.test/v1/responses"
    # in the order bound, as langchain-openai sends them
    assert [t["type"] for t in sent["tools"]] == ["web_search", "function"]
    assert sent["tool_choice"] == {"type": "web_search"}
    assert reply.text == "Sunny."
    assert reply.content[0] == {"type": "web_search_call", "id": "ws_1", "status": "completed"}
    asyncio.run(bound.ainvoke("again"))
    assert json.loads(server.seen[-1].content)["tools"][0] == {"type": "web_search"}
    assert model.chatplex_model.provider == "openai"  # the unbound model is unchanged


def test_chatchatplex_on_the_responses_wire_takes_built_in_tools() -> None:
    server = Server()
    model = ChatChatplex(
        model="openai_responses:gpt-4.1", api_key="k", base_url="http://mock.test/v1"
    )
    model.chatplex_model.http_client = server.clients()["http_client"]
    model.bind_tools([{"type": "file_search", "vector_store_ids": ["vs_1"]}]).invoke("find")
    sent = json.loads(server.seen[-1].content)
    assert sent["tools"] == [{"type": "file_search", "vector_store_ids": ["vs_1"]}]


def test_built_in_tools_elsewhere_say_what_they_need() -> None:
    chat_completions = ChatChatplex(model="openai:gpt-4.1", api_key="k")
    with pytest.raises(ValueError, match="need the OpenAI Responses API"):
        chat_completions.bind_tools([{"type": "web_search"}])
    claude = ChatAnthropic(model="claude-x", api_key="k")  # Anthropic's: bound as before
    bound = claude.bind_tools([{"type": "web_search_20250305", "name": "web_search"}])
    assert bound.bound.chatplex_model is claude.chatplex_model


def test_a_wrapped_model_on_the_responses_wire_takes_built_in_tools() -> None:
    # The wire's `builtin_tools` is read through a binding (`with_config`), as the
    # model's other attributes are.
    server = Server()
    inner = init_chat_model(
        "openai_responses:gpt-4.1", api_key="k", base_url="http://mock.test/v1", **server.clients()
    )
    model = ChatChatplex.from_model(inner.with_config(tags=["x"]))
    bound = model.bind_tools([{"type": "file_search", "vector_store_ids": ["vs_1"]}])
    bound.invoke("find")
    asyncio.run(bound.ainvoke("again"))
    for request in server.seen:
        sent = json.loads(request.content)
        assert sent["tools"] == [{"type": "file_search", "vector_store_ids": ["vs_1"]}]
    assert len(server.seen) == 2
