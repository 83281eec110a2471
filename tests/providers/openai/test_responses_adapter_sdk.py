"""Differential tests: the Responses adapter against the official `openai` SDK.

Replies: the SDK's `client.responses.create(...)` (and `stream=True`) reads the same bytes
(fixtures and recorded replies, served by an `httpx.MockTransport`); both must agree on
text, tool calls (name, arguments, call_id), usage and id.

Requests: chatplex's request body is sent through the SDK (`client.responses.create(
**body)`), which accepts only its own parameter names; the JSON the SDK puts on the wire
must equal chatplex's, and every key is a field of the SDK's `ResponseCreateParams`.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from _corpus import load_cases
from _responses_fixtures import RESPONSES
from _responses_fixtures import events_of
from _responses_fixtures import sse_of

from chatplex.adapters.request_types import CallSettings
from chatplex.adapters.request_types import ToolSpec
from chatplex.chat.params import API_PARAMETERS
from chatplex.http._sse import iter_sse_events
from chatplex.messages import AIMessage
from chatplex.messages import HumanMessage
from chatplex.messages import SystemMessage
from chatplex.messages import ToolMessage
from chatplex.messages import merge_chunks
from chatplex.providers.openai.responses_adapter import OpenAIResponsesAdapter
from tests.providers.openai._sdk import answering
from tests.providers.openai._sdk import sdk_client

openai = pytest.importorskip("openai")

RECORDED = [c for c in load_cases({"openai_responses"}) if c.status < 400]
#: (name, kind, body bytes): every fixture both ways, and every recording as it came.
BODIES = [
    *[(f"{n}-json", "json", json.dumps(r).encode()) for n, r in sorted(RESPONSES.items())],
    *[(f"{n}-sse", "sse", sse_of(events_of(r))) for n, r in sorted(RESPONSES.items())],
    *[(c.name, c.kind, c.body) for c in RECORDED],
]


def sdk_view(kind: str, body: bytes) -> dict[str, Any]:
    """What the SDK makes of the bytes: text, calls, usage, id."""
    with sdk_client(answering(body, kind)) as client:
        if kind == "json":
            response = client.responses.create(model="m", input="hi")
            return view_of_sdk_response(response)
        text: list[str] = []
        calls: dict[int, dict[str, Any]] = {}
        final = None
        for event in client.responses.create(model="m", input="hi", stream=True):
            if event.type == "response.output_text.delta":
                text.append(event.delta)
            elif event.type == "response.output_item.added" and event.item.type == "function_call":
                calls[event.output_index] = {
                    "name": event.item.name,
                    "call_id": event.item.call_id,
                    "args": event.item.arguments or "",
                }
            elif event.type == "response.function_call_arguments.delta":
                calls[event.output_index]["args"] += event.delta
            elif event.type in ("response.completed", "response.incomplete"):
                final = event.response
        assert final is not None
        return {
            "text": "".join(text),
            "calls": [(c["call_id"], c["name"], c["args"]) for _, c in sorted(calls.items())],
            "usage": final.usage.model_dump(exclude_none=True) if final.usage else None,
            "id": final.id,
        }


def view_of_sdk_response(response: Any) -> dict[str, Any]:
    return {
        "text": response.output_text,
        "calls": [
            (item.call_id, item.name, item.arguments)
            for item in response.output
            if item.type == "function_call"
        ],
        "usage": response.usage.model_dump(exclude_none=True) if response.usage else None,
        "id": response.id,
    }


def chatplex_view(kind: str, body: bytes) -> dict[str, Any]:
    adapter = OpenAIResponsesAdapter(api_key="sk-test")
    if kind == "json":
        message = adapter.parse_response(body, {})
    else:
        parser = adapter.stream_parser({})
        chunks = [c for e in iter_sse_events([body]) if (c := parser.feed(e)) is not None]
        parser.finish()
        message = merge_chunks(chunks).to_message()
    calls = [
        (b["call_id"], b["name"], b["arguments"])
        for b in message.content
        if isinstance(b, dict) and b.get("type") == "function_call"
    ]
    return {
        "text": message.text,
        "calls": calls,
        "usage": message.usage_metadata,  # (the raw usage is not kept, as langchain-openai)
        "id": message.id,
        "message": message,
    }


@pytest.mark.parametrize(("name", "kind", "body"), BODIES, ids=[b[0] for b in BODIES])
def test_reply_matches_the_sdk(name: str, kind: str, body: bytes) -> None:
    ours = chatplex_view(kind, body)
    theirs = sdk_view(kind, body)
    message: AIMessage = ours.pop("message")
    usage, their_usage = ours.pop("usage"), theirs.pop("usage")
    assert ours == theirs
    assert (usage is None) == (their_usage is None)
    # The parsed tool calls are the SDK's arguments, read as JSON.
    parsed = [(c["id"], c["name"], c["args"]) for c in message.tool_calls]
    valid = [(i, n, json.loads(a)) for i, n, a in theirs["calls"] if _is_json_object(a)]
    assert parsed == valid
    if usage is not None:
        assert (usage["input_tokens"], usage["output_tokens"], usage["total_tokens"]) == (
            their_usage["input_tokens"],
            their_usage["output_tokens"],
            their_usage["total_tokens"],
        )


def _is_json_object(text: str) -> bool:
    try:
        return isinstance(json.loads(text), dict)
    except ValueError:
        return False


# -- requests ---------------------------------------------------------------------------


def sent_by_sdk(body: dict[str, Any]) -> dict[str, Any]:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        done = RESPONSES["text"]
        if body.get("stream"):
            return httpx.Response(
                200, content=sse_of(events_of(done)), headers={"content-type": "text/event-stream"}
            )
        return httpx.Response(200, json=done)

    with sdk_client(handler) as client:
        result = client.responses.create(**body)
        if body.get("stream"):
            list(result)
    assert str(seen[0].url) == "http://test/v1/responses"
    return json.loads(seen[0].content)


WEATHER = ToolSpec(
    "get_weather",
    "Weather for a city.",
    {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
    strict=True,
)
CALL = AIMessage("", tool_calls=[{"name": "get_weather", "args": {"city": "Paris"}, "id": "c1"}])
REQUESTS: dict[str, tuple[list[Any], CallSettings, bool]] = {
    "plain": ([HumanMessage("Hi")], CallSettings("gpt-4.1"), False),
    "everything": (
        [
            SystemMessage("Be brief."),
            HumanMessage(
                [
                    {"type": "text", "text": "What is this?"},
                    {"type": "image_url", "image_url": {"url": "https://i.example/a.png"}},
                ]
            ),
            CALL,
            ToolMessage("sunny", tool_call_id="c1"),
        ],
        CallSettings(
            "gpt-4.1",
            temperature=0.3,
            top_p=0.9,
            max_tokens=100,
            tools=(WEATHER,),
            tool_choice="get_weather",
            extra_body={
                "tools": [{"type": "web_search"}],
                "reasoning": {"effort": "low", "summary": "auto"},
                "include": ["reasoning.encrypted_content"],
                "previous_response_id": "resp_0",
                "truncation": "auto",
                "store": False,
                "parallel_tool_calls": False,
                "response_format": {
                    "type": "json_schema",
                    "json_schema": {"name": "A", "schema": {"type": "object"}, "strict": True},
                },
            },
        ),
        True,
    ),
}


@pytest.mark.parametrize("name", sorted(REQUESTS))
def test_the_sdk_sends_chatplexs_body_unchanged(name: str) -> None:
    messages, settings, stream = REQUESTS[name]
    ours = dict(
        OpenAIResponsesAdapter(api_key="k").build_request(messages, settings, stream=stream).json
    )
    assert sent_by_sdk(ours) == ours
    from openai.types.responses import response_create_params

    params = (
        response_create_params.ResponseCreateParamsStreaming
        if stream
        else (response_create_params.ResponseCreateParamsNonStreaming)
    )
    assert set(ours) <= params.__required_keys__ | params.__optional_keys__


def test_the_checked_parameters_are_the_sdks() -> None:
    import inspect

    sdk = set(inspect.signature(openai.resources.responses.Responses.create).parameters)
    sdk -= {
        "self",
        "extra_headers",
        "extra_query",
        "extra_body",
        "timeout",
        "model",
        "input",
        "stream",
    }
    translated = {
        "max_tokens",
        "max_completion_tokens",
        "response_format",
        "reasoning_effort",
        "verbosity",
    }
    assert API_PARAMETERS["openai_responses"] - translated == sdk
