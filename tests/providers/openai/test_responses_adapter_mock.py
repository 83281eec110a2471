"""A differential oracle over the embedded mock server: the official `openai` SDK
(`client.responses.create(...)`, with `stream=True` too) and chatplex's Responses
adapter send the same request to the same `MockServer`, and must read the same text,
tool calls (name, arguments, call_id) and usage (cached and reasoning details
included), sync and async.

The SDK sends exactly the body chatplex sent (so the prompts and tools are the same,
and the SDK's request types accept chatplex's bodies). The mock numbers its replies, so
ids are compared with each reply's own number replaced by `<n>`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

from chatplex import AIMessage
from chatplex.messages import merge_chunks
from chatplex.providers.openai.dropin import build
from chatplex.testing import MockRequest
from chatplex.testing import MockServer
from tests._dropins import engine
from tests._replies import renumbered
from tests._weather import get_weather
from tests._weather import weather_history

ChatOpenAI = engine("ChatOpenAI")  # (built from its record: no engine class)

openai = pytest.importorskip("openai")

KEY = "sk-oracle-0123456789"
SENT: list[dict[str, Any]] = []


def _record(request: MockRequest) -> None:
    if request.path.endswith("/responses"):
        SENT.append(dict(request.json or {}))


@pytest.fixture(scope="module")
def server() -> Iterator[MockServer]:
    with MockServer(fault_plan=_record) as srv:
        yield srv


def model(server: MockServer) -> ChatOpenAI:
    return ChatOpenAI(
        model="gpt-4.1", use_responses_api=True, base_url=server.openai_base_url, api_key=KEY
    )


#: name -> (chatplex model built from the plain one, the input)
CASES: dict[str, tuple[Any, Any]] = {
    "text": (lambda m: m, "hello from both clients"),
    "instructions": (lambda m: m, [("system", "Be brief."), ("human", "hi there")]),
    "tool_call": (lambda m: m.bind_tools([get_weather]), "use the tool for Paris"),
    "forced_tool": (
        lambda m: m.bind_tools([get_weather], tool_choice="get_weather"),
        "weather please",
    ),
    "tool_result_turn": (lambda m: m.bind_tools([get_weather]), weather_history()),
    "json_schema": (
        lambda m: m.bind(
            text={
                "format": {
                    "type": "json_schema",
                    "name": "City",
                    "schema": {
                        "type": "object",
                        "properties": {"name": {"type": "string"}, "pop": {"type": "integer"}},
                        "required": ["name", "pop"],
                        "additionalProperties": False,
                    },
                    "strict": True,
                }
            }
        ),
        "a city",
    ),
}


def ours(message: AIMessage) -> dict[str, Any]:
    """What chatplex read: text, tool calls, usage (as the wire's fields)."""
    assert isinstance(message.id, str)
    usage = message.usage_metadata or {}
    read = {
        "id": message.id,
        "text": message.text,
        "tool_calls": [[c["name"], c["args"], c["id"]] for c in message.tool_calls],
        "usage": {
            "input_tokens": usage.get("input_tokens"),
            "output_tokens": usage.get("output_tokens"),
            "total_tokens": usage.get("total_tokens"),
            "cached_tokens": usage.get("input_token_details", {}).get("cache_read"),
            "reasoning_tokens": usage.get("output_token_details", {}).get("reasoning"),
        },
    }
    return renumbered(read, message.id.removeprefix("resp_"))


def theirs(response: Any, text: str | None = None) -> dict[str, Any]:
    """What the SDK read (`text`: the streamed deltas, when streamed)."""
    usage = response.usage
    read = {
        "id": response.id,
        "text": response.output_text if text is None else text,
        "tool_calls": [
            [item.name, json.loads(item.arguments), item.call_id]
            for item in response.output
            if item.type == "function_call"
        ],
        "usage": {
            "input_tokens": usage.input_tokens,
            "output_tokens": usage.output_tokens,
            "total_tokens": usage.total_tokens,
            "cached_tokens": usage.input_tokens_details.cached_tokens,
            "reasoning_tokens": usage.output_tokens_details.reasoning_tokens,
        },
    }
    return renumbered(read, response.id.removeprefix("resp_"))


def _sdk_body(body: dict[str, Any], stream: bool) -> dict[str, Any]:
    """chatplex's body for the SDK: `stream` is the SDK's own argument."""
    sent = {k: v for k, v in body.items() if k not in ("stream", "stream_options")}
    return {**sent, "stream": stream}


def _streamed_text(events: list[Any]) -> tuple[str, Any]:
    text = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    [done] = [e for e in events if e.type == "response.completed"]
    return text, done.response


@pytest.mark.parametrize("stream", [False, True], ids=["json", "stream"])
@pytest.mark.parametrize("case", sorted(CASES))
def test_sync_sdk_and_chatplex_read_the_same(server: MockServer, case: str, stream: bool) -> None:
    build, value = CASES[case]
    chat = build(model(server))
    SENT.clear()
    reply = merge_chunks(list(chat.stream(value))).to_message() if stream else chat.invoke(value)
    [body] = SENT
    with openai.OpenAI(base_url=server.openai_base_url, api_key=KEY, max_retries=0) as client:
        if stream:
            events = list(client.responses.create(**_sdk_body(body, True)))
            text, response = _streamed_text(events)
            assert text == response.output_text
            sdk = theirs(response, text)
        else:
            sdk = theirs(client.responses.create(**_sdk_body(body, False)))
    assert SENT[-1] == body  # the SDK sent chatplex's body unchanged
    assert ours(reply) == sdk
    if case in ("tool_call", "forced_tool"):
        assert sdk["tool_calls"] == [["get_weather", {"city": "x"}, "call_<n>"]]
    else:
        assert sdk["tool_calls"] == [] and sdk["text"]
    assert sdk["usage"]["cached_tokens"] == 0 and sdk["usage"]["reasoning_tokens"] == 0


@pytest.mark.parametrize("stream", [False, True], ids=["json", "stream"])
@pytest.mark.parametrize("case", sorted(CASES))
async def test_async_sdk_and_chatplex_read_the_same(
    server: MockServer, case: str, stream: bool
) -> None:
    build, value = CASES[case]
    chat = build(model(server))
    SENT.clear()
    if stream:
        reply = merge_chunks([c async for c in chat.astream(value)]).to_message()
    else:
        reply = await chat.ainvoke(value)
    [body] = SENT
    base = server.openai_base_url
    async with openai.AsyncOpenAI(base_url=base, api_key=KEY, max_retries=0) as client:
        if stream:
            events = [e async for e in await client.responses.create(**_sdk_body(body, True))]
            text, response = _streamed_text(events)
            sdk = theirs(response, text)
        else:
            sdk = theirs(await client.responses.create(**_sdk_body(body, False)))
    assert SENT[-1] == body
    assert ours(reply) == sdk


def test_the_same_error_status_is_the_same_error_kind(server: MockServer) -> None:
    from chatplex.errors import RateLimitError

    fault = {"x-mock-fault": "status=429"}
    given = {"model_name": "gpt-4.1", "use_responses_api": True, "openai_api_key": KEY}
    built = build({**given, "openai_api_base": server.openai_base_url})  # (chatplex's words)
    chat = built.bind(extra_headers=fault, max_retries=0)
    with pytest.raises(RateLimitError) as ours_error:
        chat.invoke("x")
    with (
        openai.OpenAI(base_url=server.openai_base_url, api_key=KEY, max_retries=0) as client,
        pytest.raises(openai.RateLimitError) as sdk_error,
    ):
        client.responses.create(model="gpt-4.1", input="x", extra_headers=fault)
    assert ours_error.value.status == sdk_error.value.status_code == 429
    assert isinstance(ours_error.value, openai.RateLimitError)  # caught as the SDK's
    # chatplex's model speaks chatplex's words: the provider's message, as the SDK read it.
    assert ours_error.value.message == sdk_error.value.body["message"]  # type: ignore[index]
    assert str(ours_error.value).startswith("openai_responses 429 ")
