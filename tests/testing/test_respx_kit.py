"""`ChatMock` (`testing/_respx_kit.py`), behind the plugin's respx fixtures: scripted
replies in each provider's wire shape, and assertions on what chatplex sent."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx

from chatplex import ChatModel
from chatplex import init_chat_model
from chatplex.errors import BadRequestError
from chatplex.errors import OverloadedError
from chatplex.errors import RateLimitError
from chatplex.messages import merge_chunks
from chatplex.testing import ChatMock
from chatplex.testing import LoopbackPassThroughWarning
from chatplex.testing import MockServer
from chatplex.testing import NoReplyQueuedError

MODELS = {"openai": "openai:gpt-4o-mini", "anthropic": "anthropic:claude-sonnet-4-5"}
PROVIDERS = list(MODELS)


def model_for(provider: str, **settings: Any) -> ChatModel:
    return init_chat_model(MODELS[provider], api_key="sk-test", max_retries=0, **settings)


async def call(model: ChatModel, sync: bool, prompt: Any = "hi") -> Any:
    return model.invoke(prompt) if sync else await model.ainvoke(prompt)


async def stream_texts(model: ChatModel, sync: bool, prompt: Any = "hi") -> list[str]:
    if sync:
        return [c.text for c in model.stream(prompt)]
    return [c.text async for c in model.astream(prompt)]


@pytest.mark.parametrize("sync", [True, False])
@pytest.mark.parametrize("provider", PROVIDERS)
async def test_reply_text_invokes_and_streams_word_by_word(
    chat_mock: ChatMock, provider: str, sync: bool
) -> None:
    chat_mock[provider].reply_text("Paris is the capital")
    model = model_for(provider)
    reply = await call(model, sync)
    assert reply.text == "Paris is the capital"
    assert reply.response_metadata["finish_reason"] == "stop"
    pieces = [p for p in await stream_texts(model, sync) if p]
    assert pieces == ["Paris", " is", " the", " capital"]
    assert chat_mock[provider].requests[-1]["stream"] is True


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_reply_stream_sends_exact_pieces_and_joins_them_for_invoke(
    chat_mock: ChatMock, provider: str
) -> None:
    chat_mock[provider].reply_stream(["Hel", "lo", " wor", "ld"])
    model = model_for(provider)
    assert [p for p in await stream_texts(model, sync=False) if p] == ["Hel", "lo", " wor", "ld"]
    assert (await model.ainvoke("again")).text == "Hello world"


@pytest.mark.parametrize("sync", [True, False])
@pytest.mark.parametrize("provider", PROVIDERS)
async def test_reply_tool_call_parses_on_both_paths(
    chat_mock: ChatMock, provider: str, sync: bool
) -> None:
    chat_mock[provider].reply_tool_call("get_weather", {"city": "Paris", "days": 3})

    def get_weather(city: str, days: int) -> str:
        """Forecast for a city."""
        return "sunny"

    model = model_for(provider).bind_tools([get_weather])
    reply = await call(model, sync, "weather?")
    merged = merge_chunks(
        list(model.stream("weather?")) if sync else [c async for c in model.astream("weather?")]
    ).to_message()
    for message in (reply, merged):
        [tool_call] = message.tool_calls
        assert tool_call["name"] == "get_weather"
        assert tool_call["args"] == {"city": "Paris", "days": 3}
        assert message.response_metadata["finish_reason"] == "tool_calls"
    assert chat_mock[provider].last_tool_names == ["get_weather"]


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_non_stream_equals_merged_stream(chat_mock: ChatMock, provider: str) -> None:
    chat_mock[provider].reply_usage(11, 4, text="Four words right here")
    model = model_for(provider)
    reply = model.invoke("hi")
    merged = merge_chunks(list(model.stream("hi"))).to_message()
    assert merged.text == reply.text == "Four words right here"
    assert merged.usage_metadata == reply.usage_metadata
    assert reply.usage_metadata is not None
    assert reply.usage_metadata["input_tokens"] == 11
    assert reply.usage_metadata["output_tokens"] == 4
    assert merged.tool_calls == reply.tool_calls == []


@pytest.mark.parametrize("provider", PROVIDERS)
def test_replies_are_queued_in_order_and_the_last_one_repeats(
    chat_mock: ChatMock, provider: str
) -> None:
    chat_mock[provider].reply_text("first").reply_text("second")
    model = model_for(provider)
    assert [model.invoke(str(i)).text for i in range(3)] == ["first", "second", "second"]
    assert [m.text for m in model.batch(["a", "b", "c"], config={"max_concurrency": 2})] == [
        "second"
    ] * 3
    assert chat_mock[provider].call_count == 6


@pytest.mark.parametrize("sync", [True, False])
def test_openai_errors_are_typed(chat_mock: ChatMock, sync: bool) -> None:
    chat_mock.openai.reply_error(400, message="bad temperature", code="invalid_value")
    model = model_for("openai")
    with pytest.raises(BadRequestError) as caught:
        model.invoke("hi") if sync else list(model.stream("hi"))
    assert caught.value.status == 400
    assert "bad temperature" in str(caught.value)
    assert caught.value.code == "invalid_value"
    assert caught.value.request_id is not None


def test_anthropic_overloaded_is_typed(chat_mock: ChatMock) -> None:
    chat_mock.anthropic.reply_error(529)
    with pytest.raises(OverloadedError) as caught:
        model_for("anthropic").invoke("hi")
    assert caught.value.error_type == "overloaded_error"
    assert caught.value.retryable


@pytest.mark.parametrize("provider", PROVIDERS)
def test_rate_limited_then_text(chat_mock: ChatMock, provider: str) -> None:
    chat_mock[provider].reply_rate_limited(retry_after=2.5).reply_text("ok")
    model = model_for(provider)
    with pytest.raises(RateLimitError) as caught:
        model.invoke("hi")
    assert caught.value.retry_after == 2.5
    assert chat_mock[provider].http_requests[0].url.host.startswith("api.")
    assert model.invoke("hi").text == "ok"


def test_assertions_on_what_was_sent(chat_mock: ChatMock) -> None:
    chat_mock.openai.reply_text("ok")
    chat_mock.anthropic.reply_text("ok")
    messages = [("system", "Be brief."), ("human", "Name a colour")]
    for provider in PROVIDERS:
        seed = {"seed": 7} if provider == "openai" else {}  # Anthropic's API has no seed
        model = model_for(provider, temperature=0.2, max_tokens=50, stop=["\n"], **seed)
        model.invoke(messages)
    openai, anthropic = chat_mock.openai, chat_mock.anthropic
    assert openai.last_messages == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "Name a colour"},
    ]
    assert openai.last_system == "Be brief."
    assert openai.last_settings == {
        "model": "gpt-4o-mini",
        "temperature": 0.2,
        "max_completion_tokens": 50,  # as LangChain's init_chat_model's ChatOpenAI sends it
        "stop": ["\n"],
        "seed": 7,
    }
    assert anthropic.last_system == "Be brief."
    assert anthropic.last_messages == [{"role": "user", "content": "Name a colour"}]
    assert anthropic.last_settings["stop_sequences"] == ["\n"]
    assert anthropic.last_settings["max_tokens"] == 50
    assert openai.last_headers["authorization"] == "Bearer sk-test"
    assert anthropic.last_headers["authorization"] == "Bearer sk-test"  # as the SDK sends it
    assert len(chat_mock.requests) == 2
    assert openai.last_tools == [] and anthropic.last_tool_names == []


def test_a_provider_with_nothing_queued_says_how_to_queue(chat_mock: ChatMock) -> None:
    chat_mock.openai.reply_text("only openai")
    with pytest.raises(NoReplyQueuedError, match=r"chat_mock\.anthropic\.reply_text"):
        model_for("anthropic").invoke("hi")
    assert chat_mock.anthropic.call_count == 1  # still recorded


def test_nothing_queued_error_hides_query_and_user_info(chat_mock: ChatMock) -> None:
    url = "https://user:hunter2-pw@gw.example.com/v1/chat/completions?key=QUERY-SECRET"
    with pytest.raises(NoReplyQueuedError) as caught:
        chat_mock.openai._answer(httpx.Request("POST", url, json={"messages": []}))
    message = str(caught.value)
    assert "hunter2" not in message and "QUERY-SECRET" not in message
    assert "https://gw.example.com/v1/chat/completions" in message


def test_halves_are_the_same_mock(
    chat_mock: ChatMock, mock_openai: Any, mock_anthropic: Any
) -> None:
    assert mock_openai is chat_mock.openai and mock_anthropic is chat_mock.anthropic
    mock_openai.reply_text("via half")
    assert model_for("openai").invoke("hi").text == "via half"


def test_openai_compatible_hosts_are_mocked_too(mock_openai: Any) -> None:
    mock_openai.reply_text("from groq")
    model = init_chat_model(
        "openai:llama-3.1-8b", base_url="https://api.groq.com/openai/v1", api_key="gsk-test"
    )
    assert model.invoke("hi").text == "from groq"
    assert mock_openai.http_requests[-1].url.host == "api.groq.com"


def test_loopback_passes_through_to_the_mock_server(chat_mock: ChatMock) -> None:
    with MockServer(reply_text="from the server") as server:
        local = init_chat_model("openai:m", base_url=server.openai_base_url)
        assert local.invoke("hi").text == "from the server"  # nothing queued: no warning
        chat_mock.openai.reply_text("from respx")
        # Queued replies and a loopback URL: most likely OPENAI_BASE_URL left pointing at
        # a local server in a test that meant to be mocked. Said once, not silently.
        with pytest.warns(LoopbackPassThroughWarning, match=r"127\.0\.0\.1.*openai replies"):
            assert local.invoke("hi").text == "from the server"
        assert local.invoke("again").text == "from the server"  # once only
    assert model_for("openai").invoke("hi").text == "from respx"
    assert chat_mock.openai.call_count == 1


def test_other_requests_are_respx_not_mocked(chat_mock: ChatMock) -> None:
    with pytest.raises(respx.models.AllMockedAssertionError), httpx.Client() as client:
        client.get("https://example.test/other")


def test_chat_mock_works_without_pytest_fixtures() -> None:
    with ChatMock() as mock:
        mock.openai.reply_text("as a context manager")
        assert model_for("openai").invoke("hi").text == "as a context manager"
    assert "openai" in repr(mock)
    with pytest.raises(KeyError, match="openai"):
        mock["gemini"]


def test_reply_error_rejects_a_success_status(chat_mock: ChatMock) -> None:
    with pytest.raises(ValueError, match="400..599"):
        chat_mock.openai.reply_error(200)


def test_reset_forgets_replies_and_requests(chat_mock: ChatMock) -> None:
    chat_mock.openai.reply_text("x")
    model_for("openai").invoke("hi")
    chat_mock.openai.reset()
    assert chat_mock.openai.requests == []
    with pytest.raises(AssertionError, match="no request"):
        _ = chat_mock.openai.last_request
