"""The Responses API adapter as a whole: URL, headers and key policy (the Chat Completions
adapter's), errors, previous_response_id, and calls through a ChatModel, sync and async,
over an httpx.MockTransport."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from _corpus import load_cases
from _responses_fixtures import RESPONSES
from _responses_fixtures import assert_streams_into
from _responses_fixtures import events_of
from _responses_fixtures import sse_of
from _responses_fixtures import with_done_events

from chatplex.adapters.request_types import CallSettings
from chatplex.chat import ChatModel
from chatplex.errors import BadRequestError
from chatplex.errors import RateLimitError
from chatplex.messages import AIMessage
from chatplex.messages import HumanMessage
from chatplex.providers.openai.adapter import OpenAIAdapter
from chatplex.providers.openai.responses_adapter import OpenAIResponsesAdapter

ERRORS = [c for c in load_cases({"openai_responses"}) if c.status >= 400]


def request(adapter: OpenAIResponsesAdapter, messages: list | None = None, **settings: Any) -> Any:
    return adapter.build_request(
        messages or [HumanMessage("Hi")], CallSettings(model="gpt-4.1", **settings), stream=False
    )


def test_url_and_headers_are_the_chat_completions_adapters() -> None:
    adapter = OpenAIResponsesAdapter(
        api_key="sk-secret-1", organization="org-1", project="p-1", default_headers={"X-A": "b"}
    )
    req = request(adapter)
    assert req.url == "https://api.openai.com/v1/responses"
    assert req.headers["Authorization"] == "Bearer sk-secret-1"
    assert (req.headers["OpenAI-Organization"], req.headers["OpenAI-Project"]) == ("org-1", "p-1")
    assert req.headers["X-A"] == "b"
    assert "sk-secret-1" not in repr(adapter) + repr(vars(adapter)) + repr(req)
    assert adapter.budget_key("gpt-4.1")[0] == "openai"  # one key, one budget for both wires


def test_base_url_with_a_query_credential() -> None:
    adapter = OpenAIResponsesAdapter(base_url="https://gw.example/v1?code=c-123", api_key="k")
    req = request(adapter)
    assert req.url == "https://gw.example/v1/responses?code=***"
    assert req.secret_url is not None
    assert req.secret_url.get() == "https://gw.example/v1/responses?code=c-123"
    assert "c-123" not in repr(adapter) + repr(vars(adapter))


def test_a_given_connection_is_used_as_built() -> None:
    connection = OpenAIAdapter(base_url="https://gw.example/v1", api_key="k-conn")
    adapter = OpenAIResponsesAdapter(connection=connection)
    req = request(adapter)
    assert req.url == "https://gw.example/v1/responses"
    assert req.headers["Authorization"] == "Bearer k-conn"
    with pytest.raises(TypeError, match="not beside connection="):
        OpenAIResponsesAdapter(connection=connection, api_key="other")


def test_its_preset_is_its_connections() -> None:
    # Over an OpenAI-compatible host's connection it is that preset's (ls_provider
    # "xai" under ChatXAI); over OpenAI's own connection it is no preset's.
    from chatplex.providers.compatible.adapter import preset_adapter_class

    hosted = OpenAIResponsesAdapter(connection=preset_adapter_class("xai")(api_key="k"))
    assert hosted.preset == "xai" and request(hosted).url == "https://api.x.ai/v1/responses"
    assert OpenAIResponsesAdapter(api_key="k").preset is None


def test_key_policy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHATPLEX_HOLD_ENVIRONMENT_KEY", "1")  # chatplex's policy, an option
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    with pytest.raises(ValueError, match="OpenAI API key missing"):
        OpenAIResponsesAdapter()
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    assert request(OpenAIResponsesAdapter()).headers["Authorization"] == "Bearer sk-env"
    local = OpenAIResponsesAdapter(base_url="http://localhost:8000/v1")
    assert "Authorization" not in request(local).headers  # the env key stays home


def test_half_built_repr_does_not_raise() -> None:
    adapter = OpenAIResponsesAdapter.__new__(OpenAIResponsesAdapter)
    assert "OpenAIResponsesAdapter" in repr(adapter)


def test_bad_input_before_any_request() -> None:
    adapter = OpenAIResponsesAdapter(api_key="k")
    with pytest.raises(ValueError, match="empty list"):
        adapter.build_request([], CallSettings("m"), stream=False)
    with pytest.raises(ValueError, match="unknown_block"):
        request(adapter, [HumanMessage([{"type": "unknown_block"}])])
    with pytest.raises(TypeError, match="use_previous_response_id"):
        OpenAIResponsesAdapter(api_key="k", use_previous_response_id="yes")  # type: ignore[arg-type]


def test_an_assistant_turn_of_no_blocks_goes_as_no_item() -> None:
    # A LangGraph node returning a stream's chunks keeps its empty first chunk as a message:
    # langchain-openai sends no output item for it; the API is never asked about it.
    history = [HumanMessage("q1"), AIMessage([]), HumanMessage("q2")]
    body = request(OpenAIResponsesAdapter(api_key="k"), history).json
    assert body["input"] == [
        {"content": "q1", "role": "user", "type": "message"},
        {"content": "q2", "role": "user", "type": "message"},
    ]


def test_use_previous_response_id_sends_only_the_new_turns() -> None:
    adapter = OpenAIResponsesAdapter(api_key="k", use_previous_response_id=True)
    history = [
        HumanMessage("q1"),
        AIMessage("a1", response_metadata={"id": "resp_1"}),
        HumanMessage("q2"),
    ]
    body = request(adapter, history).json
    assert body["previous_response_id"] == "resp_1"
    assert body["input"] == [{"type": "message", "role": "user", "content": "q2"}]
    given = request(adapter, history, extra_body={"previous_response_id": "resp_x"}).json
    assert given["previous_response_id"] == "resp_x" and len(given["input"]) == 3


@pytest.mark.parametrize("case", ERRORS, ids=[c.name for c in ERRORS])
def test_recorded_errors(case: Any) -> None:
    err = OpenAIResponsesAdapter(api_key="k").map_error(case.status, case.body, case.headers)
    assert isinstance(err, BadRequestError)
    assert err.provider == "openai_responses"
    assert err.message == case.expected["error"]["message"]
    assert err.code == case.expected["error"]["code"]


def test_rate_limit_error_is_typed() -> None:
    error = {"message": "Rate limit reached", "type": "requests", "code": "rate_limit_exceeded"}
    body = json.dumps({"error": error}).encode()
    err = OpenAIResponsesAdapter(api_key="k").map_error(429, body, {"retry-after": "2"})
    assert isinstance(err, RateLimitError) and err.retryable


# -- through a ChatModel --------------------------------------------------------------------


def serve(resp: dict[str, Any], seen: list[dict[str, Any]]) -> httpx.MockTransport:
    def handler(req: httpx.Request) -> httpx.Response:
        body = json.loads(req.content)
        seen.append({"url": str(req.url), "body": body})
        if body.get("stream"):
            return httpx.Response(
                200,
                content=sse_of(with_done_events(events_of(resp))),
                headers={"content-type": "text/event-stream"},
            )
        return httpx.Response(200, json=resp)

    return httpx.MockTransport(handler)


def model(resp: dict[str, Any], seen: list[dict[str, Any]]) -> ChatModel:
    transport = serve(resp, seen)
    return ChatModel(
        OpenAIResponsesAdapter(api_key="k", base_url="http://mock.test/v1"),
        "gpt-4.1",
        http_client=httpx.Client(transport=transport),
        http_async_client=httpx.AsyncClient(transport=transport),
        max_retries=0,
    )


@pytest.mark.parametrize("name", ["text", "tool_call", "reasoning_then_text"])
def test_invoke_and_stream_sync(name: str) -> None:
    seen: list[dict[str, Any]] = []
    chat = model(RESPONSES[name], seen)
    reply = chat.invoke("Hi")
    streamed = None
    for chunk in chat.stream("Hi"):
        streamed = chunk if streamed is None else streamed + chunk
    assert streamed is not None
    assert_streams_into(streamed.to_message(), reply)
    assert seen[0]["url"] == "http://mock.test/v1/responses"
    assert seen[1]["body"]["stream"] is True
    assert reply.response_metadata["provider"] == "openai_responses"


@pytest.mark.parametrize("name", ["text", "two_tool_calls"])
def test_invoke_and_stream_async(name: str) -> None:
    seen: list[dict[str, Any]] = []
    chat = model(RESPONSES[name], seen)

    async def run() -> tuple[AIMessage, AIMessage]:
        reply = await chat.ainvoke("Hi")
        chunks = [c async for c in chat.astream("Hi")]
        total = chunks[0]
        for c in chunks[1:]:
            total = total + c
        return reply, total.to_message()

    reply, streamed = asyncio.run(run())
    assert_streams_into(streamed, reply)
    assert reply.usage_metadata is not None and reply.usage_metadata["total_tokens"] == 50


def test_errors_are_the_openai_sdks_classes_too() -> None:
    openai = pytest.importorskip("openai")
    from chatplex.sdk_errors import sdk_compatible

    err = OpenAIResponsesAdapter(api_key="k").map_error(429, b"{}", {})
    assert isinstance(
        sdk_compatible(err, OpenAIResponsesAdapter.error_families), openai.RateLimitError
    )


def test_replies_are_priced_as_openai() -> None:
    from chatplex.chat.accounting.cost import cost_of

    usage = {"input_tokens": 1000, "output_tokens": 1000, "total_tokens": 2000}
    ours = cost_of(usage, "gpt-4.1", provider="openai_responses", url="http://mock.test/v1")
    theirs = cost_of(usage, "gpt-4.1", provider="openai", url="http://mock.test/v1")
    if theirs is None:
        pytest.skip("no price table installed")
    assert ours == theirs


def test_a_choice_with_a_bound_empty_tool_list_goes_alone_as_langchain_openai_sends_it() -> None:
    # (`keeps_choice_without_tools`: the adapter asks `wire_body` for it)
    adapter = OpenAIResponsesAdapter(api_key="k")
    assert adapter.keeps_choice_without_tools
    sent = request(adapter, tool_choice="any", tool_list_bound=True).json
    assert sent["tool_choice"] == "required" and "tools" not in sent
