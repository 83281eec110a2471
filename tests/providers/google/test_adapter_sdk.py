"""The official google-genai SDK as an oracle, offline: given the same recorded replies
(through one httpx MockTransport) it reads the same text, function calls and usage as
chatplex; its request types accept chatplex's request pieces; and for the same settings
it sends the same body chatplex sends."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest
from _corpus import Case
from _corpus import load_cases

from chatplex.adapters.request_types import CallSettings
from chatplex.adapters.request_types import ToolSpec
from chatplex.messages import AIMessage
from chatplex.messages import HumanMessage
from chatplex.messages import SystemMessage
from chatplex.messages import ToolMessage
from chatplex.providers.google.adapter import GeminiAdapter
from chatplex.providers.google.request import camel
from tests.providers.google._gemini_fake import ChatGoogleGenerativeAI

genai = pytest.importorskip("google.genai")
types = pytest.importorskip("google.genai.types")

REPLIES = [
    c for c in load_cases({"google_genai"}) if c.status == 200 and not c.expected.get("blocked")
]


def transport(case: Case, seen: list[httpx.Request]) -> httpx.MockTransport:
    content_type = "text/event-stream" if case.kind == "sse" else "application/json"

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, content=case.body, headers={"content-type": content_type})

    return httpx.MockTransport(handler)


def sdk_client(case: Case, seen: list[httpx.Request]) -> Any:
    options = types.HttpOptions(
        base_url="http://sdk.test", client_args={"transport": transport(case, seen)}
    )
    return genai.Client(api_key="test-key", http_options=options)


def sdk_read(case: Case) -> tuple[str, list[tuple[str, dict[str, Any]]], Any]:
    client = sdk_client(case, [])
    if case.kind == "sse":
        responses = list(client.models.generate_content_stream(model="m", contents="hi"))
    else:
        responses = [client.models.generate_content(model="m", contents="hi")]
    text, calls, usage = "", [], None
    for response in responses:
        for part in response.candidates[0].content.parts or []:
            if part.text is not None and not part.thought:
                text += part.text
            if part.function_call:
                calls.append((part.function_call.name, part.function_call.args or {}))
        usage = response.usage_metadata or usage
    return text, calls, usage


def chatplex_read(case: Case) -> AIMessage:
    seen: list[httpx.Request] = []
    model = ChatGoogleGenerativeAI(
        model="m",
        api_key="test-key",
        base_url="http://chatplex.test",
        http_client=httpx.Client(transport=transport(case, seen)),
        http_async_client=httpx.AsyncClient(transport=transport(case, seen)),
        max_retries=0,
    )
    if case.kind == "sse":
        from chatplex.messages import merge_chunks

        return merge_chunks(list(model.stream("hi"))).to_message()
    reply = model.invoke("hi")
    assert asyncio.run(model.ainvoke("hi")) == reply
    return reply


@pytest.mark.parametrize("case", REPLIES, ids=[c.name for c in REPLIES])
def test_the_sdk_and_chatplex_read_the_same_reply(case: Case) -> None:
    text, calls, usage = sdk_read(case)
    message = chatplex_read(case)
    assert message.text == text
    assert [(c["name"], c["args"]) for c in message.tool_calls] == calls
    got = message.usage_metadata
    assert got is not None
    assert got["input_tokens"] == usage.prompt_token_count
    assert got["output_tokens"] == (usage.candidates_token_count or 0) + (
        usage.thoughts_token_count or 0
    )
    assert got["total_tokens"] == usage.total_token_count


WEATHER = ToolSpec(
    "get_weather",
    "Weather of a city.",
    {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
)


def rich_body() -> dict[str, Any]:
    messages = [
        SystemMessage("Be brief."),
        HumanMessage(
            [
                {"type": "text", "text": "What is in the picture, and the weather?"},
                {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0K"}},
            ]
        ),
        AIMessage(
            [{"type": "thinking", "thinking": "Two things.", "signature": "c2ln"}],
            tool_calls=[{"name": "get_weather", "args": {"city": "Paris"}, "id": "a"}],
            additional_kwargs={"__gemini_function_call_thought_signatures__": {"a": "c2ln"}},
        ),
        ToolMessage('{"temp": 21}', tool_call_id="a"),
    ]
    settings = CallSettings(
        model="gemini-2.5-flash",
        temperature=0.2,
        top_p=0.9,
        max_tokens=256,
        stop=("END",),
        tools=(WEATHER,),
        tool_choice="get_weather",
        extra_body={
            "top_k": 3,
            "candidate_count": 1,
            "response_mime_type": "application/json",
            "response_json_schema": {"type": "object", "properties": {"a": {"type": "string"}}},
            "thinking_config": {"thinking_budget": 512, "include_thoughts": True},
            "safety_settings": [
                {"category": "HARM_CATEGORY_HATE_SPEECH", "threshold": "BLOCK_LOW_AND_ABOVE"}
            ],
        },
    )
    request = GeminiAdapter(api_key="k").build_request(messages, settings, stream=False)
    return dict(request.json)


def test_the_sdk_request_types_accept_chatplex_request_pieces() -> None:
    body = rich_body()
    contents = [types.Content.model_validate(c) for c in body["contents"]]
    assert contents[0].parts[1].inline_data.mime_type == "image/png"
    assert contents[1].parts[0].thought and contents[1].parts[1].thought_signature
    assert contents[2].parts[0].function_response.response == {"temp": 21}
    types.Content.model_validate(body["systemInstruction"])
    tool = types.Tool.model_validate(body["tools"][0])
    # WEATHER's schema, whole in the OpenAPI subset, goes as its `parameters`
    parameters = tool.function_declarations[0].parameters
    assert parameters.properties["city"].type == types.Type.STRING
    assert parameters.required == ["city"]
    config = types.ToolConfig.model_validate(body["toolConfig"])
    assert config.function_calling_config.allowed_function_names == ["get_weather"]
    generation = types.GenerationConfig.model_validate(body["generationConfig"])
    assert generation.thinking_config.thinking_budget == 512 and generation.top_k == 3
    for setting in body["safetySettings"]:
        types.SafetySetting.model_validate(setting)


def test_the_sdk_rejects_what_is_not_its_wire() -> None:
    # The check above can fail: a misspelt field is refused by the SDK's types.
    with pytest.raises(ValueError):
        types.GenerationConfig.model_validate({"maxTokens": 5})


def test_the_sdk_sends_the_body_chatplex_sends_for_the_same_settings() -> None:
    seen: list[httpx.Request] = []
    case = Case("x", {"kind": "json", "status": 200}, b'{"candidates": []}')
    client = sdk_client(case, seen)
    client.models.generate_content(
        model="gemini-2.5-flash",
        contents="Hello",
        config=types.GenerateContentConfig(
            system_instruction="Be brief.",
            temperature=0.5,
            top_p=0.8,
            top_k=4,
            max_output_tokens=100,
            stop_sequences=["END"],
            thinking_config=types.ThinkingConfig(thinking_budget=64, include_thoughts=True),
            response_mime_type="application/json",
        ),
    )
    sdk_body = json.loads(seen[0].content)
    settings = CallSettings(
        model="gemini-2.5-flash",
        temperature=0.5,
        top_p=0.8,
        max_tokens=100,
        stop=("END",),
        extra_body={
            "top_k": 4,
            "thinking_config": {"thinking_budget": 64, "include_thoughts": True},
            "response_mime_type": "application/json",
        },
    )
    ours = GeminiAdapter(api_key="k").build_request(
        [SystemMessage("Be brief."), HumanMessage("Hello")], settings, stream=False
    )
    assert ours.json["contents"] == sdk_body["contents"]
    # The SDK (3.4) writes thinkingConfig's keys in snake_case; the API reads both
    # spellings (proto3 JSON), chatplex writes the documented camelCase.
    theirs = dict(sdk_body["generationConfig"])
    theirs["thinkingConfig"] = {camel(k): v for k, v in theirs["thinkingConfig"].items()}
    assert ours.json["generationConfig"] == theirs
    assert ours.json["systemInstruction"]["parts"] == sdk_body["systemInstruction"]["parts"]
    assert seen[0].headers["x-goog-api-key"] == "test-key"
    assert ours.headers["x-goog-api-key"] == "k"
