"""Differential tests: chatplex's Anthropic adapter against the official `anthropic` SDK.

Responses: the SDK parses the same recorded bytes (served by a `MockTransport`), and
both must agree on text, thinking, tool calls, server-tool blocks, usage and stop reason.
The SDK's accumulated stream message, serialised back to JSON, is also the "same reply"
for the design rule merged stream == non-stream, checked on every recorded stream.

Requests: two independent checks per case, because neither is enough alone.
1. The equivalent call is written the way an SDK user would write it (plain SDK kwargs,
   not derived from chatplex), the SDK's request body is captured from the mock transport,
   and chatplex's body must equal it as JSON. This pins what goes on the wire, but the
   SDK forwards unknown keys unchecked, so a shared mistake would pass.
2. chatplex's body is validated against the SDK's own param TypedDicts with pydantic, and
   the validated value must equal the body: a misspelt or unknown key is dropped by
   validation and shows up as a difference, a wrong shape fails. pydantic validates
   `Iterable[...]` fields lazily, so the result is walked in full.
"""

from __future__ import annotations

import functools
import importlib
import json
from collections.abc import Callable
from collections.abc import Iterable
from typing import Any

import httpx
import pytest
from _corpus import Case
from _corpus import load_cases

from chatplex.adapters.request_types import CallSettings
from chatplex.adapters.request_types import ToolSpec
from chatplex.errors import StreamError
from chatplex.http._sse import iter_sse_events
from chatplex.messages import AIMessage
from chatplex.messages import AIMessageChunk
from chatplex.messages import BaseMessage
from chatplex.messages import HumanMessage
from chatplex.messages import SystemMessage
from chatplex.messages import ToolMessage
from chatplex.messages import merge_chunks
from chatplex.providers.anthropic.adapter import AnthropicAdapter
from tests._merged_text import langchain_merge
from tests._merged_text import text_as_blocks
from tests._merged_text import without_call_type
from tests._sdk_nones import without_sdk_nones
from tests._weather import object_schema

anthropic = pytest.importorskip("anthropic")
pydantic = pytest.importorskip("pydantic")

CASES = [c for c in load_cases({"anthropic"}) if c.status < 400]
OK = [c for c in CASES if not c.expected.get("error")]
OK_STREAMS = [c for c in OK if c.kind == "sse"]
STREAM_ERRORS = [c for c in CASES if c.expected.get("error")]
SDK_MODEL = "claude-haiku-4-5"  # not in the SDK's deprecation list (no DeprecationWarning)

# SDK 2.x sends through `httpx2` (an httpx fork) and rejects httpx objects; older SDKs
# use httpx. Mock with whichever package the installed SDK is built on.
_sdk_base = importlib.import_module("anthropic._base_client")
sdk_http: Any = importlib.import_module("httpx2") if hasattr(_sdk_base, "httpx2") else httpx

Handler = Callable[[Any], Any]  # sdk_http.Request -> sdk_http.Response


def ids(cases: list[Case]) -> list[str]:
    return [c.name for c in cases]


def sdk_client(handler: Handler) -> Any:
    http = sdk_http.Client(transport=sdk_http.MockTransport(handler))
    return anthropic.Anthropic(
        api_key="sk-ant-test", base_url="http://test", http_client=http, max_retries=0
    )


def serve(body: bytes, kind: str) -> Handler:
    content_type = "text/event-stream" if kind == "sse" else "application/json"

    def handler(request: Any) -> Any:
        return sdk_http.Response(200, content=body, headers={"content-type": content_type})

    return handler


# -- responses ----------------------------------------------------------------------------


def sdk_message(case: Case) -> Any:
    """The SDK's `Message` for the recorded bytes (stream: the accumulated final message)."""
    with sdk_client(serve(case.body, case.kind)) as client:
        kwargs: dict[str, Any] = {"model": SDK_MODEL, "max_tokens": 1024}
        kwargs["messages"] = [{"role": "user", "content": "hi"}]
        if case.kind == "json":
            return client.messages.create(**kwargs)
        with client.messages.stream(**kwargs) as stream:
            return stream.get_final_message()


def stream_chunks(case: Case, adapter: AnthropicAdapter) -> list[AIMessageChunk]:
    parser = adapter.stream_parser(case.headers)
    chunks = [c for e in iter_sse_events([case.body]) if (c := parser.feed(e)) is not None]
    parser.finish()
    return chunks


def chatplex_message(case: Case, adapter: AnthropicAdapter) -> AIMessage:
    if case.kind == "json":
        return adapter.parse_response(case.body, case.headers)
    return merge_chunks(stream_chunks(case, adapter)).to_message()


@pytest.fixture
def adapter() -> AnthropicAdapter:
    return AnthropicAdapter(api_key="sk-ant-test")


@pytest.mark.parametrize("case", OK, ids=ids(OK))
def test_response_agrees_with_sdk(case: Case, adapter: AnthropicAdapter) -> None:
    sdk = sdk_message(case)
    msg = chatplex_message(case, adapter)
    # A merged stream's text pieces are str items beside the blocks (langchain-core's
    # merge): read as the text blocks they stand for.
    blocks = [] if isinstance(msg.content, str) else text_as_blocks(msg.content)

    assert msg.text == "".join(b.text for b in sdk.content if b.type == "text")
    assert [(b["thinking"], b["signature"]) for b in blocks if b["type"] == "thinking"] == [
        (b.thinking, b.signature) for b in sdk.content if b.type == "thinking"
    ]
    assert [(tc["id"], tc["name"], tc["args"]) for tc in msg.tool_calls] == [
        (b.id, b.name, b.input) for b in sdk.content if b.type == "tool_use"
    ]
    # tool_use (as LangChain keeps it), server_tool_use, *_tool_result, redacted_thinking:
    # kept in content, in order.
    assert [
        (b["type"], b.get("id"), b.get("input"))
        for b in blocks
        if b["type"] not in ("text", "thinking")
    ] == [
        (b.type, getattr(b, "id", None), getattr(b, "input", None))
        for b in sdk.content
        if b.type not in ("text", "thinking")
    ]

    u = sdk.usage
    cache_read, cache_creation = u.cache_read_input_tokens, u.cache_creation_input_tokens
    # A write's TTL counts stand for the generic count where they count (then 0), as
    # langchain-anthropic reports them.
    by_ttl = u.cache_creation.model_dump() if u.cache_creation else {}
    written = sum(v or 0 for v in by_ttl.values())
    usage = msg.usage_metadata
    assert usage is not None
    created = written or cache_creation or 0
    assert usage["input_tokens"] == u.input_tokens + (cache_read or 0) + created
    assert usage["output_tokens"] == u.output_tokens
    details = usage.get("input_token_details", {})
    assert details.get("cache_read") == cache_read
    assert details.get("cache_creation") == (0 if written else cache_creation)
    assert {k: details.get(k) for k in by_ttl} == by_ttl
    reasoning = usage.get("output_token_details", {}).get("reasoning")
    sdk_thinking = u.output_tokens_details.thinking_tokens if u.output_tokens_details else None
    assert reasoning == sdk_thinking

    assert msg.response_metadata["raw_finish_reason"] == sdk.stop_reason
    assert msg.response_metadata["stop_sequence"] == sdk.stop_sequence
    assert msg.response_metadata["model_name"] == sdk.model
    assert msg.id == sdk.id


@pytest.mark.parametrize("case", OK_STREAMS, ids=ids(OK_STREAMS))
def test_merged_stream_equals_nonstream_of_same_reply(
    case: Case, adapter: AnthropicAdapter
) -> None:
    """The SDK's accumulated message is the non-stream body of the streamed reply."""
    body = json.dumps(sdk_message(case).model_dump(mode="json", exclude_unset=True)).encode()
    nonstream = without_call_type(adapter.parse_response(body, {}))
    streamed = without_call_type(chatplex_message(case, adapter))
    # Text pieces stay str items beside the blocks, as langchain-core merges them.
    assert text_as_blocks(streamed.content) == text_as_blocks(nonstream.content)
    chunks = stream_chunks(case, adapter)
    theirs = langchain_merge(chunks)
    assert theirs is None or merge_chunks(chunks).content == theirs
    assert streamed.tool_calls == nonstream.tool_calls
    assert streamed.usage_metadata == nonstream.usage_metadata
    # A stream has none of the None fields the SDK's model gives a reply.
    assert streamed.response_metadata == without_sdk_nones(nonstream).response_metadata
    assert streamed.id == nonstream.id


@pytest.mark.parametrize("case", STREAM_ERRORS, ids=ids(STREAM_ERRORS))
def test_stream_error_agrees_with_sdk(case: Case, adapter: AnthropicAdapter) -> None:
    with pytest.raises(anthropic.APIStatusError) as sdk_info:
        sdk_message(case)
    with pytest.raises(StreamError) as ours:
        chatplex_message(case, adapter)
    assert ours.value.error_type == sdk_info.value.body["error"]["type"]
    assert ours.value.message == sdk_info.value.body["error"]["message"]


# -- requests -----------------------------------------------------------------------------

WEATHER = ToolSpec(
    name="get_weather",
    description="Current weather for a city.",
    parameters=object_schema({"city": {"type": "string"}}, additionalProperties=False),
)
WEATHER_SDK = {
    "name": WEATHER.name,
    "description": WEATHER.description,
    "input_schema": WEATHER.parameters,
}
TIME = ToolSpec(name="get_time", description="", parameters={"type": "object", "properties": {}})
TIME_SDK = {"name": "get_time", "description": "", "input_schema": TIME.parameters}
PNG = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg"
)
SIG = "EqQBCkYIBxgCKkBxyz"
CALLS = [
    {"name": "get_weather", "args": {"city": "Paris"}, "id": "toolu_01", "type": "tool_call"},
    {"name": "get_time", "args": {}, "id": "toolu_02", "type": "tool_call"},
]

CITED_TEXT = [
    {"type": "text", "text": "According to the document, "},
    {
        "type": "text",
        "text": "grass is green",
        "citations": [
            {
                "type": "char_location",
                "cited_text": "Grass is green.",
                "document_index": 0,
                "document_title": "Colours",
                "start_char_index": 0,
                "end_char_index": 15,
            },
            {
                "type": "web_search_result_location",
                "cited_text": "Grass is green.",
                "encrypted_index": "Eo8BCioIAhgB",
                "title": "Grass",
                "url": "https://example.com/grass",
            },
        ],
    },
]


def settings(**kw: Any) -> CallSettings:
    return CallSettings(model=SDK_MODEL, **kw)


#: langchain-anthropic's max_tokens for claude-haiku-4-5, in every request it sends.
HAIKU = {"max_tokens": 64000}

# (id, chatplex messages, chatplex settings, stream, SDK kwargs as an SDK user writes them)
REQUESTS: list[tuple[str, list[BaseMessage], CallSettings, bool, dict[str, Any]]] = [
    (
        "one_user_turn",
        [HumanMessage("Hello")],
        settings(),
        False,
        {**HAIKU, "messages": [{"role": "user", "content": "Hello"}]},
    ),
    (
        "system_multi_turn_sampling",
        [
            SystemMessage("Be brief."),
            SystemMessage("Answer in French."),
            HumanMessage("Hi"),
            AIMessage(content="Bonjour"),
            HumanMessage("Capital of Italy?"),
        ],
        settings(max_tokens=256, temperature=0.2, top_p=0.9, stop=("\n\nHuman:",)),
        False,
        {
            "max_tokens": 256,
            "system": [
                {"type": "text", "text": "Be brief."},
                {"type": "text", "text": "Answer in French."},
            ],
            "messages": [
                {"role": "user", "content": "Hi"},
                {"role": "assistant", "content": "Bonjour"},
                {"role": "user", "content": "Capital of Italy?"},
            ],
            "stop_sequences": ["\n\nHuman:"],
            # SDK 2.11 has no typed temperature/top_p; its users send them this way.
            "extra_body": {"temperature": 0.2, "top_p": 0.9},
        },
    ),
    (
        "system_blocks_with_cache_control",
        [
            SystemMessage(
                [{"type": "text", "text": "Doc", "cache_control": {"type": "ephemeral"}}]
            ),
            SystemMessage("Be brief."),
            HumanMessage("Summarise"),
        ],
        settings(),
        False,
        {
            **HAIKU,
            "system": [
                {"type": "text", "text": "Doc", "cache_control": {"type": "ephemeral"}},
                {"type": "text", "text": "Be brief."},
            ],
            "messages": [{"role": "user", "content": "Summarise"}],
        },
    ),
    (
        "consecutive_user_turns_merged",
        [
            HumanMessage("first"),
            HumanMessage([{"type": "text", "text": "second"}]),
            AIMessage(content="a"),
            AIMessage(content="b"),
            HumanMessage("third"),
        ],
        settings(),
        False,
        {
            **HAIKU,
            "messages": [
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": "first"},
                        {"type": "text", "text": "second"},
                    ],
                },
                # Assistant turns in a row go apart, as langchain-anthropic sends them.
                {"role": "assistant", "content": "a"},
                {"role": "assistant", "content": "b"},
                {"role": "user", "content": "third"},
            ],
        },
    ),
    *[
        (
            f"tools_choice_{choice}",
            [HumanMessage("Weather in Paris?")],
            settings(tools=(WEATHER, TIME), tool_choice=choice),
            False,
            {
                **HAIKU,
                "messages": [{"role": "user", "content": "Weather in Paris?"}],
                "tools": [WEATHER_SDK, TIME_SDK],
                "tool_choice": sdk_choice,
            },
        )
        for choice, sdk_choice in [
            ("auto", {"type": "auto"}),
            ("required", {"type": "any"}),
            ("any", {"type": "any"}),
            ("none", {"type": "none"}),
            ("get_weather", {"type": "tool", "name": "get_weather"}),
        ]
    ],
    (
        "tool_results_with_error",
        [
            HumanMessage("Weather and time in Paris?"),
            AIMessage(content="Checking.", tool_calls=list(CALLS)),  # type: ignore[arg-type]
            ToolMessage("18C, sunny", tool_call_id="toolu_01"),
            ToolMessage("clock unavailable", tool_call_id="toolu_02", status="error"),
            HumanMessage("And tomorrow?"),
        ],
        settings(tools=(WEATHER, TIME)),
        False,
        {
            **HAIKU,
            "tools": [WEATHER_SDK, TIME_SDK],
            "messages": [
                {"role": "user", "content": "Weather and time in Paris?"},
                {
                    "role": "assistant",
                    "content": [
                        {"type": "text", "text": "Checking."},
                        {
                            "type": "tool_use",
                            "id": "toolu_01",
                            "name": "get_weather",
                            "input": {"city": "Paris"},
                        },
                        {"type": "tool_use", "id": "toolu_02", "name": "get_time", "input": {}},
                    ],
                },
                {
                    "role": "user",
                    "content": [
                        {
                            "type": "tool_result",
                            "tool_use_id": "toolu_01",
                            "content": "18C, sunny",
                            "is_error": False,
                        },
                        {
                            "type": "tool_result",
                            "tool_use_id": "toolu_02",
                            "content": "clock unavailable",
                            "is_error": True,
                        },
                        {"type": "text", "text": "And tomorrow?"},
                    ],
                },
            ],
        },
    ),
    (
        "images_data_url_and_http",
        [
            HumanMessage(
                [
                    {"type": "text", "text": "Compare these."},
                    {"type": "image_url", "image_url": {"url": f"data:image/png;base64,{PNG}"}},
                    {"type": "image_url", "image_url": {"url": "https://example.com/cat.jpg"}},
                ]
            )
        ],
        settings(),
        False,
        {
            **HAIKU,
            "messages": [
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": "Compare these."},
                        {
                            "type": "image",
                            "source": {"type": "base64", "media_type": "image/png", "data": PNG},
                        },
                        {
                            "type": "image",
                            "source": {"type": "url", "url": "https://example.com/cat.jpg"},
                        },
                    ],
                }
            ],
        },
    ),
    (
        "thinking_round_trip_streaming",
        [
            HumanMessage("Weather in Paris?"),
            AIMessage(
                content=[
                    {"type": "thinking", "thinking": "Need the tool.", "signature": SIG},
                    {"type": "text", "text": "Let me check."},
                ],
                tool_calls=[CALLS[0]],
            ),
            ToolMessage([{"type": "text", "text": "18C"}], tool_call_id="toolu_01"),
        ],
        settings(
            tools=(WEATHER,),
            extra_body={"thinking": {"type": "enabled", "budget_tokens": 1024}, "top_k": 5},
        ),
        True,
        {
            **HAIKU,
            "tools": [WEATHER_SDK],
            "thinking": {"type": "enabled", "budget_tokens": 1024},
            "extra_body": {"top_k": 5},  # no typed top_k in SDK 2.11 either
            "stream": True,
            "messages": [
                {"role": "user", "content": "Weather in Paris?"},
                {
                    "role": "assistant",
                    "content": [
                        {"type": "thinking", "thinking": "Need the tool.", "signature": SIG},
                        {"type": "text", "text": "Let me check."},
                        {
                            "type": "tool_use",
                            "id": "toolu_01",
                            "name": "get_weather",
                            "input": {"city": "Paris"},
                        },
                    ],
                },
                {
                    "role": "user",
                    "content": [
                        {
                            "type": "tool_result",
                            "tool_use_id": "toolu_01",
                            "content": [{"type": "text", "text": "18C"}],
                            "is_error": False,
                        }
                    ],
                },
            ],
        },
    ),
    (
        "metadata_passthrough_streaming",
        [HumanMessage("Hi")],
        settings(max_tokens=100, extra_body={"metadata": {"user_id": "user-123"}}),
        True,
        {
            "max_tokens": 100,
            "messages": [{"role": "user", "content": "Hi"}],
            "metadata": {"user_id": "user-123"},
            "stream": True,
        },
    ),
]

REPLY = json.dumps(
    {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": SDK_MODEL,
        "content": [{"type": "text", "text": "ok"}],
        "stop_reason": "end_turn",
        "stop_sequence": None,
        "usage": {"input_tokens": 1, "output_tokens": 1},
    }
).encode()
STREAM_REPLY = (
    b'event: message_stop\ndata: {"type": "message_stop"}\n\n'  # enough to end the stream
)


def sdk_request_body(sdk_kwargs: dict[str, Any]) -> Any:
    sent: list[Any] = []

    def handler(request: Any) -> Any:
        sent.append(request)
        if sdk_kwargs.get("stream"):
            return serve(STREAM_REPLY, "sse")(request)
        return serve(REPLY, "json")(request)

    with sdk_client(handler) as client:
        # An explicit timeout, as langchain-anthropic gives one: the SDK refuses a
        # non-stream call of 64000 max_tokens under its default timeout.
        result = client.messages.create(model=SDK_MODEL, timeout=600, **sdk_kwargs)
        if sdk_kwargs.get("stream"):
            result.close()
    assert len(sent) == 1
    return json.loads(sent[0].content)


@pytest.mark.parametrize(
    ("messages", "call", "stream", "sdk_kwargs"),
    [r[1:] for r in REQUESTS],
    ids=[r[0] for r in REQUESTS],
)
def test_request_body_equals_sdk(
    adapter: AnthropicAdapter,
    messages: list[BaseMessage],
    call: CallSettings,
    stream: bool,
    sdk_kwargs: dict[str, Any],
) -> None:
    ours = adapter.build_request(messages, call, stream=stream).json
    assert json.loads(json.dumps(ours)) == sdk_request_body(sdk_kwargs)


def sdk_credential_headers(base_url: str) -> dict[str, str]:
    """The credential headers the SDK sends with `api_key="sk-ant-test"` to `base_url`."""
    sent: list[Any] = []

    def handler(request: Any) -> Any:
        sent.append(request)
        return serve(REPLY, "json")(request)

    http = sdk_http.Client(transport=sdk_http.MockTransport(handler))
    with anthropic.Anthropic(
        api_key="sk-ant-test", base_url=base_url, http_client=http, max_retries=0
    ) as client:
        client.messages.create(
            model=SDK_MODEL, max_tokens=8, messages=[{"role": "user", "content": "hi"}]
        )
    return {k: v for k, v in sent[0].headers.items() if k in ("authorization", "x-api-key")}


@pytest.mark.parametrize("base_url", ["http://test", "https://user:pw@proxy.example"])
def test_key_header_equals_sdk(base_url: str) -> None:
    """The key as the SDK sends it (`Authorization: Bearer`), and user info in the base
    URL sent in its place (`Basic`), as the SDK's httpx does."""
    adapter = AnthropicAdapter(api_key="sk-ant-test", base_url=base_url)
    call = CallSettings(model=SDK_MODEL, max_tokens=8)
    headers = adapter.build_request([HumanMessage("hi")], call, stream=False).headers
    ours = {k: v for k, v in headers.items() if k in ("authorization", "x-api-key")}
    assert ours == sdk_credential_headers(base_url)


#: Fields the API takes that SDK 2.11's param types no longer declare (they are nowhere in
#: that SDK). Recordings from April-May 2026 in the corpus send `temperature` and get 200.
UNTYPED_IN_SDK = frozenset({"temperature", "top_p", "top_k"})


@functools.cache
def params_type(stream: bool) -> Any:
    from anthropic.types import message_create_params as p

    kind = p.MessageCreateParamsStreaming if stream else p.MessageCreateParamsNonStreaming
    return pydantic.TypeAdapter(kind)


def walk(value: Any) -> Any:
    """Plain values from pydantic's output: lazy `Iterable[...]` validators are consumed
    (that is when their items are validated); a response model (the unions also admit
    those) would be a param chatplex should not send, so it fails the test."""
    assert not isinstance(value, pydantic.BaseModel), f"validated as a model: {value!r}"
    if isinstance(value, dict):
        return {k: walk(v) for k, v in value.items()}
    if isinstance(value, (str, bytes, int, float, bool, type(None))):
        return value
    if isinstance(value, Iterable):
        return [walk(v) for v in value]
    return value


@pytest.mark.parametrize(
    ("messages", "call", "stream"), [r[1:4] for r in REQUESTS], ids=[r[0] for r in REQUESTS]
)
def test_request_body_validates_against_sdk_types(
    adapter: AnthropicAdapter, messages: list[BaseMessage], call: CallSettings, stream: bool
) -> None:
    body = dict(adapter.build_request(messages, call, stream=stream).json)
    for key in UNTYPED_IN_SDK:
        body.pop(key, None)
    assert walk(params_type(stream).validate_python(body)) == body


def test_type_check_catches_mistakes() -> None:
    """The validation above is not vacuous: a misspelt key or a wrong shape is caught."""
    base = {"model": SDK_MODEL, "max_tokens": 5}
    misspelt = {**base, "messages": [{"role": "user", "content": "x"}], "stop_sequence": ["a"]}
    assert walk(params_type(False).validate_python(misspelt)) != misspelt
    wrong_block = {"type": "tool_use", "id": "t", "name": "f", "args": {}}
    bad = {**base, "messages": [{"role": "assistant", "content": [wrong_block]}]}
    with pytest.raises(pydantic.ValidationError):
        walk(params_type(False).validate_python(bad))


def test_cited_text_goes_back_as_the_sdk_sends_it(adapter: AnthropicAdapter) -> None:
    """A reply with citations, sent back as it came: the SDK sends the same body, and each
    block is a valid `TextBlockParam` (which takes `citations`). Checked per block: in the
    whole-body check above, pydantic's union picks the response model `TextBlock` for a
    cited block, which that check rejects on principle."""
    from anthropic.types import TextBlockParam

    history = [HumanMessage("Grass?"), AIMessage(content=[*CITED_TEXT]), HumanMessage("Sky?")]
    ours = adapter.build_request(history, settings(), stream=False).json
    assert ours["messages"][1] == {"role": "assistant", "content": CITED_TEXT}
    sdk_body = sdk_request_body(
        {
            **HAIKU,
            "messages": [
                {"role": "user", "content": "Grass?"},
                {"role": "assistant", "content": CITED_TEXT},
                {"role": "user", "content": "Sky?"},
            ],
        }
    )
    assert json.loads(json.dumps(ours)) == sdk_body
    text_param = pydantic.TypeAdapter(TextBlockParam)
    for block in ours["messages"][1]["content"]:
        assert walk(text_param.validate_python(block)) == block
