"""Differential tests: chatplex's OpenAI adapter against the official `openai` SDK.

Responses: the SDK parses the same recorded bytes (served by an `httpx.MockTransport`) and
both must agree on text, tool calls, usage and finish reason.

Requests: for each case the equivalent call is written the way an SDK user would write it
(plain SDK kwargs, independent of chatplex), the SDK's own request body is captured from
the mock transport, and chatplex's body must equal it (JSON equality, so key order does
not matter). This checks what the SDK actually puts on the wire rather than what its type
hints allow, and no field is compared loosely.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from _corpus import Case
from _corpus import corpus_dir
from _corpus import load_cases

from chatplex.adapters import adapter_class
from chatplex.adapters.request_types import CallSettings
from chatplex.adapters.request_types import ToolSpec
from chatplex.errors import StreamError
from chatplex.http._sse import iter_sse_events
from chatplex.messages import AIMessage
from chatplex.messages import BaseMessage
from chatplex.messages import HumanMessage
from chatplex.messages import SystemMessage
from chatplex.messages import ToolMessage
from chatplex.messages import merge_chunks
from chatplex.providers.openai.adapter import OpenAIAdapter
from chatplex.providers.openai.adapter import developer_message
from tests.providers.openai._sdk import answering
from tests.providers.openai._sdk import sdk_client

openai = pytest.importorskip("openai")

CASES = [c for c in load_cases({"openai", "openai-compatible"}) if c.status < 400]


def ids(cases: list[Case]) -> list[str]:
    return [c.name for c in cases]


# -- responses ----------------------------------------------------------------------------


def sdk_view(case: Case) -> dict[str, Any]:
    """What the SDK makes of the recorded bytes, reduced to comparable plain values."""
    client = sdk_client(answering(case.body, case.kind))
    try:
        kwargs = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
        if case.kind == "json":
            completion = client.chat.completions.create(**kwargs)
            message = completion.choices[0].message
            text, reasoning = sdk_content(message.content)
            return {
                "text": text,
                "reasoning": reasoning,
                "calls": [
                    (tc.id, tc.function.name, json.loads(tc.function.arguments))
                    for tc in message.tool_calls or ()
                ],
                "usage": completion.usage,
                "finish": completion.choices[0].finish_reason,
                "id": completion.id,
                "model": completion.model,
            }
        return accumulate(client.chat.completions.create(stream=True, **kwargs))
    finally:
        client.close()


def sdk_content(content: Any) -> tuple[str, str]:
    """(text, reasoning) of a `content` as the SDK object holds it: a str, or -- the SDK
    does not validate it -- Mistral's list of plain dicts as sent, whose `text` parts are
    the answer and whose `thinking` parts hold the reasoning's text pieces."""
    if not isinstance(content, list):
        return content or "", ""
    text = "".join(p["text"] for p in content if p.get("type") == "text")
    reasoning = "".join(
        piece["text"]
        for p in content
        if p.get("type") == "thinking"
        for piece in p["thinking"]
        if piece.get("type") == "text"
    )
    return text, reasoning


def accumulate(stream: Iterator[Any]) -> dict[str, Any]:
    """Fold SDK chunks the way SDK users do: text joined (a list `delta.content`, Mistral's
    thinking, read by `sdk_content`); per tool-call index the id and name taken once
    (compatible servers may repeat them), arguments joined."""
    text, reasoning, calls, usage, finish, first = [], [], {}, None, None, None
    for chunk in stream:
        first = first or chunk
        usage = chunk.usage or usage
        for choice in chunk.choices:
            if choice.index != 0:
                continue
            finish = choice.finish_reason or finish
            delta_text, delta_reasoning = sdk_content(choice.delta.content)
            text.append(delta_text)
            reasoning.append(delta_reasoning)
            for tc in choice.delta.tool_calls or ():
                slot = calls.setdefault(tc.index, {"id": None, "name": None, "args": ""})
                slot["id"] = slot["id"] or tc.id
                if tc.function:
                    slot["name"] = slot["name"] or tc.function.name
                    slot["args"] += tc.function.arguments or ""
    return {
        "text": "".join(text),
        "reasoning": "".join(reasoning),
        "calls": [(c["id"], c["name"], json.loads(c["args"])) for _, c in sorted(calls.items())],
        "usage": usage,
        "finish": finish,
        "id": first.id,
        "model": first.model,
    }


def chatplex_message(case: Case) -> AIMessage:
    # A named provider's case goes through its preset's adapter (adapters/compatible.py).
    adapter = adapter_class(case.meta.get("preset") or "openai")(api_key="sk-test")
    if case.kind == "json":
        return adapter.parse_response(case.body, case.headers)
    parser = adapter.stream_parser(case.headers)
    chunks = [c for e in iter_sse_events([case.body]) if (c := parser.feed(e)) is not None]
    parser.finish()
    return merge_chunks(chunks).to_message()


@pytest.mark.parametrize("case", CASES, ids=ids(CASES))
def test_response_matches_sdk(case: Case) -> None:
    if case.expected.get("error"):
        with pytest.raises(openai.APIError) as sdk_error:
            sdk_view(case)
        with pytest.raises(StreamError) as ours:
            chatplex_message(case)
        assert ours.value.message == sdk_error.value.message
        return

    sdk = sdk_view(case)
    ours = chatplex_message(case)
    assert ours.text == sdk["text"]
    if not case.expected.get("reasoning"):  # else a reasoning block precedes the text
        assert ours.content == sdk["text"]
    if sdk["reasoning"]:  # Mistral's thinking parts, kept in `content` as sent
        assert isinstance(ours.content, list)
        thinking = [
            piece["text"]
            for block in ours.content
            if isinstance(block, dict) and block.get("type") == "thinking"
            for piece in block["thinking"]
        ]
        assert "".join(thinking) == sdk["reasoning"]
    assert [(c["id"], c["name"], c["args"]) for c in ours.tool_calls] == sdk["calls"]
    assert ours.response_metadata["raw_finish_reason"] == sdk["finish"]
    assert ours.id == sdk["id"]
    assert ours.response_metadata["model_name"] == sdk["model"]
    usage = sdk["usage"]
    if usage is None:
        assert ours.usage_metadata is None
        return
    assert ours.usage_metadata is not None
    assert ours.usage_metadata["input_tokens"] == usage.prompt_tokens
    assert ours.usage_metadata["output_tokens"] == usage.completion_tokens
    assert ours.usage_metadata["total_tokens"] == usage.total_tokens
    if usage.prompt_tokens_details and usage.prompt_tokens_details.cached_tokens is not None:
        cached = usage.prompt_tokens_details.cached_tokens
        assert ours.usage_metadata.get("input_token_details", {})["cache_read"] == cached
    details = usage.completion_tokens_details
    if details and details.reasoning_tokens is not None:
        reasoning = details.reasoning_tokens
        assert ours.usage_metadata.get("output_token_details", {})["reasoning"] == reasoning


def test_corpus_present_for_differential() -> None:
    if corpus_dir() is None:
        pytest.skip("wire corpus not available")
    assert any(c.kind == "sse" for c in CASES) and any(c.kind == "json" for c in CASES)


# -- requests -----------------------------------------------------------------------------

WEATHER = ToolSpec(
    name="get_weather",
    description="Current weather for a city.",
    parameters={"type": "object", "properties": {"city": {"type": "string"}}},
)
TIME = ToolSpec(name="get_time", description="Current time.", parameters={"type": "object"})
WIRE_WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city.",
        "parameters": {"type": "object", "properties": {"city": {"type": "string"}}},
    },
}
WIRE_TIME = {
    "type": "function",
    "function": {
        "name": "get_time",
        "description": "Current time.",
        "parameters": {"type": "object"},
    },
}
IMAGE = [
    {"type": "text", "text": "What is in this picture?"},
    {
        "type": "image_url",
        "image_url": {"url": "data:image/png;base64,iVBORw0KGgo=", "detail": "low"},
    },
]

# (id, chatplex messages, chatplex settings, SDK kwargs for the same call)
REQUESTS: list[tuple[str, list[BaseMessage], CallSettings, dict[str, Any]]] = [
    (
        "system",
        [SystemMessage("Be terse."), HumanMessage("Hi")],
        CallSettings(model="gpt-4o-mini", temperature=0.2, max_tokens=50, top_p=0.9),
        {
            "model": "gpt-4o-mini",
            "messages": [
                {"role": "system", "content": "Be terse."},
                {"role": "user", "content": "Hi"},
            ],
            "temperature": 0.2,
            "max_tokens": 50,
            "top_p": 0.9,
        },
    ),
    (
        "developer",
        [developer_message("Be terse."), HumanMessage("Hi", name="alice")],
        CallSettings(model="o3-mini", stop=("END",)),
        {
            "model": "o3-mini",
            "messages": [
                {"role": "developer", "content": "Be terse."},
                {"role": "user", "content": "Hi", "name": "alice"},
            ],
            "stop": ["END"],
        },
    ),
    (
        "multi_turn",
        [HumanMessage("Hi"), AIMessage("Hello!"), HumanMessage("Tell me a joke")],
        CallSettings(model="gpt-4o-mini"),
        {
            "model": "gpt-4o-mini",
            "messages": [
                {"role": "user", "content": "Hi"},
                {"role": "assistant", "content": "Hello!"},
                {"role": "user", "content": "Tell me a joke"},
            ],
        },
    ),
    (
        "tools_auto",
        [HumanMessage("Weather in Paris?")],
        CallSettings(model="gpt-4o-mini", tools=(WEATHER, TIME), tool_choice="auto"),
        {
            "model": "gpt-4o-mini",
            "messages": [{"role": "user", "content": "Weather in Paris?"}],
            "tools": [WIRE_WEATHER, WIRE_TIME],
            "tool_choice": "auto",
        },
    ),
    (
        "tools_any",
        [HumanMessage("Weather in Paris?")],
        CallSettings(model="gpt-4o-mini", tools=(WEATHER,), tool_choice="any"),
        {
            "model": "gpt-4o-mini",
            "messages": [{"role": "user", "content": "Weather in Paris?"}],
            "tools": [WIRE_WEATHER],
            "tool_choice": "required",
        },
    ),
    (
        "tools_named",
        [HumanMessage("Weather in Paris?")],
        CallSettings(model="gpt-4o-mini", tools=(WEATHER, TIME), tool_choice="get_time"),
        {
            "model": "gpt-4o-mini",
            "messages": [{"role": "user", "content": "Weather in Paris?"}],
            "tools": [WIRE_WEATHER, WIRE_TIME],
            "tool_choice": {"type": "function", "function": {"name": "get_time"}},
        },
    ),
    (
        "tool_calls_and_results",
        [
            HumanMessage("Weather in Paris and the time?"),
            AIMessage(
                "",
                tool_calls=[
                    {"name": "get_weather", "args": {"city": "Paris"}, "id": "call_1"},
                    {"name": "get_time", "args": {}, "id": "call_2"},
                ],
            ),
            ToolMessage("18C, cloudy", tool_call_id="call_1"),
            ToolMessage("12:00", tool_call_id="call_2"),
        ],
        CallSettings(model="gpt-4o-mini", tools=(WEATHER, TIME)),
        {
            "model": "gpt-4o-mini",
            "messages": [
                {"role": "user", "content": "Weather in Paris and the time?"},
                {
                    "role": "assistant",
                    "content": None,
                    "tool_calls": [
                        {
                            "id": "call_1",
                            "type": "function",
                            "function": {
                                "name": "get_weather",
                                "arguments": json.dumps({"city": "Paris"}),
                            },
                        },
                        {
                            "id": "call_2",
                            "type": "function",
                            "function": {"name": "get_time", "arguments": "{}"},
                        },
                    ],
                },
                {"role": "tool", "tool_call_id": "call_1", "content": "18C, cloudy"},
                {"role": "tool", "tool_call_id": "call_2", "content": "12:00"},
            ],
            "tools": [WIRE_WEATHER, WIRE_TIME],
        },
    ),
    (
        "image_blocks",
        [HumanMessage(IMAGE)],
        CallSettings(model="gpt-4o", extra_body={"seed": 7, "response_format": {"type": "text"}}),
        {
            "model": "gpt-4o",
            "messages": [{"role": "user", "content": IMAGE}],
            "seed": 7,
            "response_format": {"type": "text"},
        },
    ),
]


def sdk_request(kwargs: dict[str, Any], *, stream: bool) -> tuple[dict[str, Any], httpx.Headers]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if stream:
            return httpx.Response(
                200, content=b"data: [DONE]\n\n", headers={"content-type": "text/event-stream"}
            )
        reply = {
            "id": "chatcmpl-1",
            "object": "chat.completion",
            "created": 0,
            "model": kwargs["model"],
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": "ok"},
                    "finish_reason": "stop",
                }
            ],
        }
        return httpx.Response(200, json=reply)

    client = sdk_client(handler, organization="org-1", project="proj-1")
    try:
        if stream:
            extra = {"stream": True, "stream_options": {"include_usage": True}}
            for _ in client.chat.completions.create(**kwargs, **extra):
                pass
        else:  # chatplex says stream: false, as langchain-openai does
            client.chat.completions.create(**kwargs, stream=False)
    finally:
        client.close()
    (request,) = seen
    return json.loads(request.content), request.headers


@pytest.mark.parametrize("stream", [False, True], ids=["json", "stream"])
@pytest.mark.parametrize(
    ("messages", "settings", "sdk_kwargs"),
    [case[1:] for case in REQUESTS],
    ids=[case[0] for case in REQUESTS],
)
def test_request_matches_sdk(
    messages: list[BaseMessage], settings: CallSettings, sdk_kwargs: dict[str, Any], stream: bool
) -> None:
    adapter = OpenAIAdapter(
        api_key="sk-test", base_url="http://test/v1", organization="org-1", project="proj-1"
    )
    request = adapter.build_request(messages, settings, stream=stream)
    sdk_body, sdk_headers = sdk_request(sdk_kwargs, stream=stream)

    assert request.method == "POST"
    assert request.url == "http://test/v1/chat/completions"
    assert dict(request.json) == sdk_body
    # The body survives a JSON round trip unchanged (only JSON types in it).
    assert json.loads(json.dumps(request.json)) == sdk_body
    ours = httpx.Headers(dict(request.headers))
    for name in ("authorization", "openai-organization", "openai-project", "content-type"):
        assert ours[name] == sdk_headers[name]
