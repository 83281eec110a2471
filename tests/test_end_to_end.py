"""End to end: ChatModel → adapter → shared pooled client → the embedded mock server
(127.0.0.1), for both wire protocols, sync and async."""

from __future__ import annotations

import asyncio
import logging
import threading
from typing import Any

import httpx
import pytest

import chatplex
from chatplex import ChatModel
from chatplex import ToolMessage
from chatplex.errors import APIError
from chatplex.errors import AuthenticationError
from chatplex.errors import NotFoundError
from chatplex.errors import OverloadedError
from chatplex.errors import RateLimitError
from chatplex.errors import StreamError
from chatplex.messages import merge_chunks
from chatplex.testing import MockServer
from tests._calls import ask
from tests._calls import ask_merged
from tests._calls import ask_stream
from tests._calls import mock_model
from tests.core._twins import texts_until

PROVIDERS = ["openai", "anthropic"]
SENTINEL = "sk-SENTINEL-e2e-0123456789"


def make(server: MockServer, provider: str, **settings: Any) -> ChatModel:
    if provider == "openai":
        settings.setdefault("stream_usage", True)  # a custom base URL, as with LangChain's
    return mock_model(server, provider, api_key=SENTINEL, **settings)


@pytest.mark.parametrize("sync", [True, False])
@pytest.mark.parametrize("provider", PROVIDERS)
async def test_invoke_reply_usage_and_metadata(
    server: MockServer, provider: str, sync: bool
) -> None:
    reply = await ask(make(server, provider), sync, "hello over http")
    assert reply.text == "Echo: hello over http"
    assert reply.usage_metadata["output_tokens"] == 4
    assert reply.usage_metadata["total_tokens"] == (
        reply.usage_metadata["input_tokens"] + reply.usage_metadata["output_tokens"]
    )
    meta = reply.response_metadata
    assert meta["provider"] == provider
    assert meta["finish_reason"] == "stop"
    assert meta["request_id"]


@pytest.mark.parametrize("sync", [True, False])
@pytest.mark.parametrize("provider", PROVIDERS)
async def test_stream_merges_to_the_non_stream_reply(
    server: MockServer, provider: str, sync: bool
) -> None:
    model = make(server, provider)
    pieces = await ask_stream(model, sync, "stream these words please")
    assert sum(1 for c in pieces if c.text) >= 4  # word by word, not one blob
    merged = merge_chunks(pieces).to_message()
    whole = await ask(model, sync, "stream these words please")
    assert merged.text == whole.text
    assert merged.usage_metadata == whole.usage_metadata
    assert merged.response_metadata["finish_reason"] == whole.response_metadata["finish_reason"]


@pytest.mark.parametrize("sync", [True, False])
@pytest.mark.parametrize("provider", PROVIDERS)
async def test_batch_keeps_order(server: MockServer, provider: str, sync: bool) -> None:
    model = make(server, provider)
    inputs = [f"item {i}" for i in range(12)]
    config = {"max_concurrency": 4}
    out = model.batch(inputs, config) if sync else await model.abatch(inputs, config)  # type: ignore[arg-type]
    assert [m.text for m in out] == [f"Echo: item {i}" for i in range(12)]


def get_weather(city: str, unit: str = "celsius") -> str:
    """Current weather for a city.

    Args:
        city: The city name.
        unit: celsius or fahrenheit.
    """
    return f"sunny in {city}"


@pytest.mark.parametrize("sync", [True, False])
@pytest.mark.parametrize("provider", PROVIDERS)
async def test_tool_call_round_trip(server: MockServer, provider: str, sync: bool) -> None:
    model = make(server, provider).bind_tools([get_weather])
    question = "use the tool to get the weather"
    first = await ask(model, sync, question)
    assert first.response_metadata["finish_reason"] == "tool_calls"
    [call] = first.tool_calls
    assert call["name"] == "get_weather"
    assert call["args"] == {"city": "x"}
    streamed = await ask_merged(model, sync, question)
    assert [(c["name"], c["args"]) for c in streamed.tool_calls] == [("get_weather", {"city": "x"})]

    answer = ToolMessage(get_weather(**call["args"]), tool_call_id=call["id"] or "")
    final = await ask(model, sync, [("human", question), first, answer])
    assert final.response_metadata["finish_reason"] == "stop"


@pytest.mark.parametrize("sync", [True, False])
@pytest.mark.parametrize(
    ("fault", "error"),
    [
        ("status=401", AuthenticationError),
        ("status=404", NotFoundError),
        ("status=429;retry_after=3", RateLimitError),
        ("status=529", OverloadedError),
    ],
)
@pytest.mark.parametrize("provider", PROVIDERS)
async def test_error_statuses_become_typed_errors(
    server: MockServer, provider: str, sync: bool, fault: str, error: type[APIError]
) -> None:
    model = make(server, provider, max_retries=0, default_headers={"x-mock-fault": fault})
    with pytest.raises(error) as info:
        await ask(model, sync, "x")
    err = info.value
    assert err.status == int(fault.split(";")[0].split("=")[1])
    assert err.provider == provider
    assert err.message and err.request_id
    if "retry_after" in fault:
        assert err.retry_after == 3
    assert SENTINEL not in str(err) and SENTINEL not in repr(err)


@pytest.mark.parametrize("sync", [True, False])
@pytest.mark.parametrize("provider", PROVIDERS)
async def test_error_event_mid_stream_is_a_stream_error_with_partial_text(
    server: MockServer, provider: str, sync: bool
) -> None:
    model = make(server, provider, default_headers={"x-mock-fault": "stream_error_event;after=2"})
    received, err = await texts_until(model, sync, "one two three four five", StreamError)
    assert "".join(received).startswith("Echo:")
    assert err.partial is not None
    assert err.partial.text == "".join(received)


@pytest.mark.parametrize("provider", PROVIDERS)
async def test_no_api_key_in_reprs_errors_or_logs(
    server: MockServer, provider: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    model = make(server, provider, default_headers={"x-mock-fault": "status=400"})
    with pytest.raises(APIError) as info:
        await model.ainvoke("x")
    texts = [repr(model), repr(model.adapter), str(info.value), repr(info.value), caplog.text]
    texts.append(
        repr(
            model.adapter.build_request(  # type: ignore[union-attr]
                [chatplex.HumanMessage("x")], model._settings({}), stream=False
            )
        )
    )
    assert caplog.text  # the DEBUG log did record the request
    assert all(SENTINEL not in t for t in texts)


@pytest.mark.parametrize("provider", PROVIDERS)
def test_repeated_asyncio_run_with_a_module_level_model(server: MockServer, provider: str) -> None:
    model = make(server, provider)
    for i in range(50):
        assert asyncio.run(model.ainvoke(f"run {i}")).text == f"Echo: run {i}"


@pytest.mark.parametrize("provider", PROVIDERS)
def test_threads_each_with_their_own_loop(server: MockServer, provider: str) -> None:
    model = make(server, provider)
    results: dict[int, str] = {}
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            for j in range(3):

                async def both() -> str:
                    reply = await model.ainvoke(f"thread {n}")
                    text = "".join([c.text async for c in model.astream("s")])
                    return reply.text + "|" + text

                results[n * 10 + j] = asyncio.run(both())
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(results) == 24
    assert all(v.startswith("Echo: thread") and v.endswith("Echo: s") for v in results.values())


def test_user_clients_are_used_as_given_and_never_closed(server: MockServer) -> None:
    seen: list[str] = []

    def log_request(request: httpx.Request) -> None:
        seen.append(request.url.path)

    client = httpx.Client(event_hooks={"request": [log_request]})
    try:
        model = make(server, "openai", http_client=client)
        assert model.invoke("mine").text == "Echo: mine"
        assert seen == ["/v1/chat/completions"]
        chatplex.close()
        assert not client.is_closed
    finally:
        client.close()


async def test_user_async_client_is_never_closed(server: MockServer) -> None:
    async with httpx.AsyncClient() as client:
        model = make(server, "anthropic", http_async_client=client)
        assert (await model.ainvoke("mine")).text == "Echo: mine"
        await chatplex.aclose()
        assert not client.is_closed
