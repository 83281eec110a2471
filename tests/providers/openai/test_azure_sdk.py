"""Differential tests: chatplex's Azure adapter against the official SDK's `AzureOpenAI` /
`AsyncAzureOpenAI`, both served the same replies by an `httpx.MockTransport`.

For the same settings both must send the same URL (deployment path, `?api-version=`) and
the same credential header (`api-key`, or `Authorization: Bearer` for an Entra ID token or
token provider), and read the same text, tool calls and usage from the same bytes (a real
recorded Azure reply from the wire corpus among them), sync and async.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from _corpus import load_cases

from chatplex import init_chat_model
from chatplex.messages import merge_chunks
from tests._replies import tool_call_message

openai = pytest.importorskip("openai")

ENDPOINT = "https://res.openai.azure.com"
VERSION = "2024-10-21"
MESSAGES = [{"role": "user", "content": "hi"}]
SAFE = {"filtered": False, "severity": "safe"}
FILTERS = {"hate": SAFE, "self_harm": SAFE, "sexual": SAFE, "violence": SAFE}
USAGE = {"prompt_tokens": 20, "completion_tokens": 7, "total_tokens": 27}

TOOL_REPLY = {
    "id": "chatcmpl-t",
    "object": "chat.completion",
    "created": 0,
    "model": "gpt-4o-2024-11-20",
    "prompt_filter_results": [{"prompt_index": 0, "content_filter_results": FILTERS}],
    "choices": [
        {
            "index": 0,
            "finish_reason": "tool_calls",
            "message": tool_call_message("get_weather", '{"city": "Paris"}'),
            "content_filter_results": {},
        }
    ],
    "usage": USAGE,
}


def _sse(*events: dict[str, Any]) -> bytes:
    return b"".join(f"data: {json.dumps(e)}\n\n".encode() for e in events) + b"data: [DONE]\n\n"


_HEAD = {"id": "chatcmpl-s", "object": "chat.completion.chunk", "created": 0, "model": "gpt-4o"}
_FILTER_EVENT = {
    "id": "",
    "object": "",
    "created": 0,
    "model": "",
    "choices": [],
    "prompt_filter_results": [{"prompt_index": 0, "content_filter_results": FILTERS}],
}
STREAM_TEXT = _sse(
    _FILTER_EVENT,
    {**_HEAD, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""},
                           "finish_reason": None, "content_filter_results": {}}]},
    {**_HEAD, "choices": [{"index": 0, "delta": {"content": "Bonjour"}, "finish_reason": None,
                           "content_filter_results": FILTERS}]},
    {**_HEAD, "choices": [{"index": 0, "delta": {"content": " Paris"}, "finish_reason": None,
                           "content_filter_results": FILTERS}]},
    {**_HEAD, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop",
                           "content_filter_results": {}}]},
    {**_HEAD, "choices": [], "usage": USAGE},
)  # fmt: skip
STREAM_TOOL = _sse(
    _FILTER_EVENT,
    {**_HEAD, "choices": [{"index": 0, "delta": {"role": "assistant", "tool_calls": [
        {"index": 0, "id": "call_9", "type": "function",
         "function": {"name": "get_weather", "arguments": ""}}]}, "finish_reason": None}]},
    {**_HEAD, "choices": [{"index": 0, "delta": {"tool_calls": [
        {"index": 0, "function": {"arguments": '{"city": '}}]}, "finish_reason": None}]},
    {**_HEAD, "choices": [{"index": 0, "delta": {"tool_calls": [
        {"index": 0, "function": {"arguments": '"Oslo"}'}}]}, "finish_reason": None}]},
    {**_HEAD, "choices": [{"index": 0, "delta": {}, "finish_reason": "tool_calls"}]},
    {**_HEAD, "choices": [], "usage": USAGE},
)  # fmt: skip


def _recorded() -> list[tuple[str, bytes]]:
    return [(c.name, c.body) for c in load_cases({"azure_openai"}) if c.status == 200]


JSON_REPLIES = [("tool_call", json.dumps(TOOL_REPLY).encode()), *_recorded()]
STREAM_REPLIES = [("stream_text", STREAM_TEXT), ("stream_tool_call", STREAM_TOOL)]


class Wire:
    """One mock transport for both clients: replies `body`, records what was sent."""

    def __init__(self, body: bytes, stream: bool) -> None:
        self.body, self.stream = body, stream
        self.seen: list[httpx.Request] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.seen.append(request)
        kind = "text/event-stream" if self.stream else "application/json"
        return httpx.Response(200, content=self.body, headers={"content-type": kind})

    def sync(self) -> httpx.Client:
        return httpx.Client(transport=httpx.MockTransport(self))

    def async_(self) -> httpx.AsyncClient:
        return httpx.AsyncClient(transport=httpx.MockTransport(self))


def _sdk_settings(settings: dict[str, Any]) -> dict[str, Any]:
    return {"api_version": VERSION, **settings, "max_retries": 0}


def _chatplex(settings: dict[str, Any], wire: Wire, model: str = "gpt-4o") -> Any:
    return init_chat_model(
        f"azure_openai:{model}",
        api_version=VERSION,
        max_retries=0,
        http_client=wire.sync(),
        http_async_client=wire.async_(),
        **settings,
    )


def _view_sdk_message(message: Any, usage: Any) -> dict[str, Any]:
    return {
        "text": message.content or "",
        "calls": [
            (tc.id, tc.function.name, json.loads(tc.function.arguments))
            for tc in message.tool_calls or ()
        ],
        "usage": (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens),
    }


def _view_chatplex(message: Any) -> dict[str, Any]:
    usage = message.usage_metadata
    return {
        "text": message.text,
        "calls": [(c["id"], c["name"], c["args"]) for c in message.tool_calls],
        "usage": (usage["input_tokens"], usage["output_tokens"], usage["total_tokens"]),
    }


def _accumulate(chunks: list[Any]) -> dict[str, Any]:
    """What an SDK user gets by summing a stream's deltas."""
    text, calls, usage = "", {}, None
    for chunk in chunks:
        if chunk.usage is not None:
            usage = chunk.usage
        for choice in chunk.choices:
            text += choice.delta.content or ""
            for tc in choice.delta.tool_calls or ():
                call = calls.setdefault(tc.index, {"id": None, "name": None, "args": ""})
                call["id"] = tc.id or call["id"]
                if tc.function is not None:
                    call["name"] = tc.function.name or call["name"]
                    call["args"] += tc.function.arguments or ""
    return {
        "text": text,
        "calls": [(c["id"], c["name"], json.loads(c["args"])) for c in calls.values()],
        "usage": (usage.prompt_tokens, usage.completion_tokens, usage.total_tokens),
    }


@pytest.mark.parametrize(("name", "body"), JSON_REPLIES, ids=[n for n, _ in JSON_REPLIES])
async def test_replies_read_as_the_sdk_reads_them(name: str, body: bytes) -> None:
    settings = {"azure_endpoint": ENDPOINT, "api_key": "k"}
    wire = Wire(body, stream=False)
    sdk = openai.AzureOpenAI(**_sdk_settings(settings), http_client=wire.sync())
    completion = sdk.chat.completions.create(model="gpt-4o", messages=MESSAGES)
    expected = _view_sdk_message(completion.choices[0].message, completion.usage)
    asdk = openai.AsyncAzureOpenAI(**_sdk_settings(settings), http_client=wire.async_())
    acompletion = await asdk.chat.completions.create(model="gpt-4o", messages=MESSAGES)
    assert _view_sdk_message(acompletion.choices[0].message, acompletion.usage) == expected
    chat = _chatplex(settings, wire)
    assert _view_chatplex(chat.invoke("hi")) == expected
    reply = await chat.ainvoke("hi")
    assert _view_chatplex(reply) == expected
    # What the SDK leaves in model_extra, chatplex keeps in response_metadata.
    extra = completion.model_extra or {}
    assert reply.response_metadata["prompt_filter_results"] == extra["prompt_filter_results"]
    choice_extra = completion.choices[0].model_extra or {}
    assert reply.response_metadata["content_filter_results"] == choice_extra.get(
        "content_filter_results", {}
    )


@pytest.mark.parametrize(("name", "body"), STREAM_REPLIES, ids=[n for n, _ in STREAM_REPLIES])
async def test_streams_read_as_the_sdk_reads_them(name: str, body: bytes) -> None:
    settings = {"azure_endpoint": ENDPOINT, "api_key": "k"}
    wire = Wire(body, stream=True)
    sdk = openai.AzureOpenAI(**_sdk_settings(settings), http_client=wire.sync())
    options = {"stream_options": {"include_usage": True}}
    expected = _accumulate(
        list(sdk.chat.completions.create(model="gpt-4o", messages=MESSAGES, stream=True, **options))
    )
    asdk = openai.AsyncAzureOpenAI(**_sdk_settings(settings), http_client=wire.async_())
    astream = await asdk.chat.completions.create(
        model="gpt-4o", messages=MESSAGES, stream=True, **options
    )
    assert _accumulate([c async for c in astream]) == expected
    chat = _chatplex(settings, wire)
    assert _view_chatplex(merge_chunks(chat.stream("hi"))) == expected
    merged = merge_chunks([c async for c in chat.astream("hi")])
    assert _view_chatplex(merged) == expected
    # As langchain-openai's chunks, the stream keeps none of the filter results.
    assert not {"prompt_filter_results", "content_filter_results"} & set(merged.response_metadata)


def _token_provider() -> Callable[[], str]:
    return lambda: "entra-token"


SETTINGS = {
    "key": {"azure_endpoint": ENDPOINT, "api_key": "k-1"},
    "key_trailing_slash": {"azure_endpoint": ENDPOINT + "/", "api_key": "k-1"},
    "deployment": {"azure_endpoint": ENDPOINT, "azure_deployment": "prod", "api_key": "k-1"},
    "ad_token": {"azure_endpoint": ENDPOINT, "azure_ad_token": "entra-static"},
    "token_provider": {"azure_endpoint": ENDPOINT, "azure_ad_token_provider": _token_provider()},
    "base_url_deployment": {
        "base_url": ENDPOINT + "/openai/deployments/prod",
        "api_key": "k-1",
    },
    "base_url_gateway": {"base_url": "https://gw.example/az/openai", "api_key": "k-1"},
    "cognitiveservices": {
        "azure_endpoint": "https://r.cognitiveservices.azure.com",
        "api_key": "k",
    },
}


def _sent(request: httpx.Request) -> tuple[str, str | None, str | None]:
    return (str(request.url), request.headers.get("api-key"), request.headers.get("authorization"))


@pytest.mark.parametrize("case", sorted(SETTINGS))
async def test_same_url_and_credential_header_as_the_sdk(case: str) -> None:
    settings = SETTINGS[case]
    body = json.dumps(TOOL_REPLY).encode()
    sdk_wire, our_wire = Wire(body, stream=False), Wire(body, stream=False)
    openai.AzureOpenAI(
        **_sdk_settings(settings), http_client=sdk_wire.sync()
    ).chat.completions.create(model="gpt-4o", messages=MESSAGES)
    await openai.AsyncAzureOpenAI(
        **_sdk_settings(settings), http_client=sdk_wire.async_()
    ).chat.completions.create(model="gpt-4o", messages=MESSAGES)
    chat = _chatplex(settings, our_wire)
    chat.invoke("hi")
    await chat.ainvoke("hi")
    sdk_sent = [_sent(r) for r in sdk_wire.seen]
    assert [_sent(r) for r in our_wire.seen] == sdk_sent
    assert sdk_sent[0][1] or sdk_sent[0][2]  # a credential went, and the same one
    assert (
        json.loads(our_wire.seen[0].content)["model"]
        == json.loads(sdk_wire.seen[0].content)["model"]
    )
