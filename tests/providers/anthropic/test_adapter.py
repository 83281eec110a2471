"""Unit tests of the Anthropic adapter: request building, validation, secrets, errors, and
the design rule that a merged stream equals the non-stream parse of the same reply."""

from __future__ import annotations

import json
from typing import Any

import pytest

from chatplex.adapters.request_types import CallSettings
from chatplex.adapters.request_types import ToolSpec
from chatplex.adapters.sse_event import SSEEvent
from chatplex.errors import APIError
from chatplex.errors import BadRequestError
from chatplex.errors import OverloadedError
from chatplex.errors import QuotaExceededError
from chatplex.errors import RateLimitError
from chatplex.errors import ServerError
from chatplex.errors import StreamError
from chatplex.http._retry import stream_used_tokens
from chatplex.messages import AIMessage
from chatplex.messages import AIMessageChunk
from chatplex.messages import BaseMessage
from chatplex.messages import HumanMessage
from chatplex.messages import SystemMessage
from chatplex.messages import ToolMessage
from chatplex.messages import merge_chunks
from chatplex.providers.anthropic.adapter import AnthropicAdapter
from chatplex.providers.anthropic.response import sdk_usage
from chatplex.secret import Secret
from tests._env import without_variables
from tests._merged_text import langchain_merge
from tests._merged_text import text_as_blocks
from tests._merged_text import without_call_type
from tests._sdk_nones import without_sdk_nones

SENTINEL = "sk-ant-SENTINEL-123"
MODEL = "claude-haiku-4-5"
WEATHER = ToolSpec("get_weather", "Weather for a city.", {"type": "object", "properties": {}})


_clean_env = without_variables("ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", name="_clean_env")


@pytest.fixture
def adapter() -> AnthropicAdapter:
    return AnthropicAdapter(api_key=SENTINEL)


def build(
    adapter: AnthropicAdapter, messages: list[BaseMessage], stream: bool = False, **settings: Any
) -> dict[str, Any]:
    return dict(
        adapter.build_request(messages, CallSettings(model=MODEL, **settings), stream=stream).json
    )


# -- construction, headers, secrets -------------------------------------------------------


def test_request_basics(adapter: AnthropicAdapter) -> None:
    req = adapter.build_request([HumanMessage("Hi")], CallSettings(model=MODEL), stream=False)
    assert (req.method, req.url) == ("POST", "https://api.anthropic.com/v1/messages")
    assert req.headers == {
        "authorization": f"Bearer {SENTINEL}",
        "anthropic-version": "2026-10-21",
        "content-type": "application/json",
    }
    assert req.json == {
        "model": MODEL,
        "max_tokens": 64000,  # langchain-anthropic's default for the model
        "messages": [{"role": "user", "content": "Hi"}],
    }


def test_key_and_base_url_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-ant-from-env")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", "https://proxy.example/anthropic/")
    adapter = AnthropicAdapter()
    req = adapter.build_request([HumanMessage("Hi")], CallSettings(model=MODEL), stream=False)
    assert req.headers["authorization"] == "Bearer sk-ant-from-env"
    assert req.url == "https://proxy.example/anthropic/v1/messages"
    # Arguments win over the environment.
    explicit = AnthropicAdapter(api_key=Secret("sk-ant-arg"), base_url="http://localhost:8080/")
    req = explicit.build_request([HumanMessage("Hi")], CallSettings(model=MODEL), stream=False)
    assert req.headers["authorization"] == "Bearer sk-ant-arg"
    assert req.url == "http://localhost:8080/v1/messages"


@pytest.mark.parametrize(
    ("base_url", "url"),
    [
        ("https://gw.example/anthropic?key=k", "https://gw.example/anthropic/v1/messages?key=k"),
        ("https://gw.example/?a=1&b=2", "https://gw.example/v1/messages?a=1&b=2"),
        ("http://localhost:8080#frag", "http://localhost:8080/v1/messages"),
    ],
)
def test_base_url_query_is_kept_after_the_path(base_url: str, url: str) -> None:
    adapter = AnthropicAdapter(api_key="sk-ant-x", base_url=base_url)
    req = adapter.build_request([HumanMessage("Hi")], CallSettings(model=MODEL), stream=False)
    # A credential in the query is sent (secret_url) and shown masked (url).
    sent = req.secret_url.get() if req.secret_url is not None else req.url
    assert sent == url
    assert req.url == url.replace("key=k", "key=***")


@pytest.mark.parametrize(
    ("base_url", "basic"),
    [
        ("https://user:hunter2-pw@proxy.example", "user:hunter2-pw"),
        ("https://hunter2-pw@proxy.example/", "hunter2-pw:"),
    ],
)
def test_base_url_user_info_is_sent_as_basic_auth_and_never_shown(
    base_url: str, basic: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import base64

    monkeypatch.setenv("ANTHROPIC_BASE_URL", base_url)
    for adapter in (
        AnthropicAdapter(api_key="sk-ant-x", base_url=base_url),
        AnthropicAdapter(api_key="sk-ant-x"),
    ):
        req = adapter.build_request([HumanMessage("Hi")], CallSettings(model=MODEL), stream=False)
        assert req.url == "https://proxy.example/v1/messages" and req.secret_url is None
        assert req.headers["authorization"] == "Basic " + base64.b64encode(basic.encode()).decode()
        # In place of the key's Bearer header, as the SDK's httpx sends user info.
        assert "sk-ant-x" not in repr(req.headers)
        assert adapter.base_url == "https://proxy.example"
        assert "hunter2" not in repr(adapter) + repr(vars(adapter)) + repr(req)


def test_missing_key() -> None:
    with pytest.raises(ValueError, match="ANTHROPIC_API_KEY"):
        AnthropicAdapter()
    with pytest.raises(ValueError, match="ANTHROPIC_API_KEY"):
        AnthropicAdapter(base_url="https://api.anthropic.com/")
    # A local mock server or proxy needs no key, and gets no key header.
    local = AnthropicAdapter(base_url="http://127.0.0.1:9999")
    req = local.build_request([HumanMessage("Hi")], CallSettings(model=MODEL), stream=False)
    assert "authorization" not in req.headers
    assert local.budget_key(MODEL) == ("anthropic", "http://127.0.0.1:9999", "", MODEL)


def test_default_headers_and_version() -> None:
    adapter = AnthropicAdapter(
        api_key=SENTINEL,
        anthropic_version="2024-01-01",
        default_headers={"Anthropic-Beta": "tools-2099", "Content-Type": "application/json"},
    )
    headers = adapter.build_request(
        [HumanMessage("x")], CallSettings(model=MODEL), stream=False
    ).headers
    assert headers["anthropic-version"] == "2024-01-01"
    assert headers["anthropic-beta"] == "tools-2099"
    assert sorted(headers) == [
        "anthropic-beta",
        "anthropic-version",
        "authorization",
        "content-type",
    ]


def test_sentinel_key_never_shown(adapter: AnthropicAdapter) -> None:
    shown = [repr(adapter), str(adapter), repr(adapter.budget_key(MODEL)), repr(vars(adapter))]
    err = adapter.map_error(
        401,
        b'{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}',
        {"request-id": "req_1"},
    )
    shown += [str(err), repr(err)]
    parser = adapter.stream_parser({})
    for event in (
        SSEEvent("error", '{"type":"error","error":{"type":"api_error"}}'),
        SSEEvent("message_start", "{not json"),
    ):
        with pytest.raises(StreamError) as info:
            parser.feed(event)
        shown += [str(info.value), repr(info.value)]
    with pytest.raises(StreamError) as info:
        adapter.stream_parser({}).finish()
    shown += [str(info.value), repr(info.value)]
    with pytest.raises(ValueError) as bad:
        build(adapter, [SystemMessage("x")])
    shown += [str(bad.value), repr(bad.value)]
    assert all(SENTINEL not in text for text in shown)
    assert "Secret('**********')" in repr(vars(adapter))


def test_request_repr_hides_key(adapter: AnthropicAdapter) -> None:
    req = adapter.build_request([HumanMessage("x")], CallSettings(model=MODEL), stream=False)
    assert SENTINEL not in repr(req)


def test_budget_key() -> None:
    a = AnthropicAdapter(api_key=SENTINEL).budget_key(MODEL)
    b = AnthropicAdapter(api_key="sk-ant-other").budget_key(MODEL)
    assert a[:2] == ("anthropic", "https://api.anthropic.com") and a[3] == MODEL
    assert a[2] != b[2] and len(a[2]) == 16 and int(a[2], 16) >= 0
    assert a == AnthropicAdapter(api_key=Secret(SENTINEL)).budget_key(MODEL)


# -- request body -------------------------------------------------------------------------


def test_settings_mapping(adapter: AnthropicAdapter) -> None:
    body = build(
        adapter,
        [HumanMessage("Hi")],
        stream=True,
        max_tokens=50,
        temperature=0.0,
        top_p=0.5,
        stop=("END",),
        extra_body={"top_k": 3, "metadata": {"user_id": "u"}, "max_tokens": 60},
    )
    assert body["max_tokens"] == 60  # extra_body is merged last
    assert body["temperature"] == 0.0 and body["top_p"] == 0.5
    assert body["stop_sequences"] == ["END"] and body["stream"] is True
    assert body["top_k"] == 3 and body["metadata"] == {"user_id": "u"}
    assert "stream" not in build(adapter, [HumanMessage("Hi")])
    assert (
        build(AnthropicAdapter(api_key="k", default_max_tokens=99), [HumanMessage("x")])[
            "max_tokens"
        ]
        == 99
    )


def test_system_messages(adapter: AnthropicAdapter) -> None:
    body = build(
        adapter, [SystemMessage("A"), SystemMessage(""), SystemMessage("B"), HumanMessage("x")]
    )
    # As langchain-anthropic: one text block per system message (the empty one left out).
    assert body["system"] == [{"type": "text", "text": "A"}, {"type": "text", "text": "B"}]
    block = {"type": "text", "text": "cached", "cache_control": {"type": "ephemeral"}}
    body = build(adapter, [SystemMessage("A"), SystemMessage([block]), HumanMessage("x")])
    assert body["system"] == [{"type": "text", "text": "A"}, block]
    assert "system" not in build(adapter, [HumanMessage("x")])
    with pytest.raises(ValueError, match="system"):
        build(
            adapter,
            [SystemMessage([{"type": "image_url", "image_url": "https://x"}]), HumanMessage("x")],
        )


def test_mid_conversation_system_message_rejected(adapter: AnthropicAdapter) -> None:
    with pytest.raises(ValueError, match=r"message 2: .*system.*Anthropic") as info:
        build(adapter, [SystemMessage("a"), HumanMessage("b"), SystemMessage("c")])
    assert "mid-conversation" in str(info.value)


@pytest.mark.parametrize(
    ("messages", "match"),
    [
        ([], "at least one message"),
        ([SystemMessage("only")], "only system messages"),
        ([HumanMessage("")], "message 0: a user message of empty text"),
        ([HumanMessage([{"type": "text", "text": ""}])], "a user message of empty text"),
        (
            [
                HumanMessage("x"),
                AIMessage(content="", tool_calls=[{"name": "f", "args": {}, "id": None}]),
            ],
            "has no id",
        ),
        (
            [HumanMessage([{"type": "image_url", "image_url": {"url": "data:image/png,abc"}}])],
            "base64",
        ),
        ([HumanMessage([{"type": "image_url", "image_url": {"url": "ftp://x/y.png"}}])], "scheme"),
        ([HumanMessage([{"type": "image_url", "image_url": {}}])], "an image_url with no URL"),
    ],
)
def test_invalid_messages(
    adapter: AnthropicAdapter, messages: list[BaseMessage], match: str
) -> None:
    with pytest.raises(ValueError, match=match):
        build(adapter, messages)


def test_non_dict_block_is_a_type_error(adapter: AnthropicAdapter) -> None:
    with pytest.raises(TypeError, match="message 0: a content block must be a dict"):
        build(adapter, [HumanMessage([42])])  # type: ignore[list-item]


@pytest.mark.parametrize(
    ("settings", "match"),
    [
        ({"model": ""}, "model"),
        ({"max_tokens": -1}, "max_tokens"),
        ({"tool_choice": "required"}, "needs tools"),
        ({"tool_choice": "get_weather"}, "needs tools"),
        ({"tools": (WEATHER,), "tool_choice": "get_time"}, "unknown tool 'get_time'.*get_weather"),
        ({"tools": (WEATHER, WEATHER)}, "unique"),
    ],
)
def test_invalid_settings(adapter: AnthropicAdapter, settings: dict[str, Any], match: str) -> None:
    call = CallSettings(**{"model": MODEL, **settings})
    with pytest.raises(ValueError, match=match):
        adapter.build_request([HumanMessage("x")], call, stream=False)


def test_tool_choice(adapter: AnthropicAdapter) -> None:
    tools = (WEATHER,)
    assert build(adapter, [HumanMessage("x")], tools=tools, tool_choice="get_weather")[
        "tool_choice"
    ] == {"type": "tool", "name": "get_weather"}
    # Without tools, "auto" and "none" are sent as asked (as langchain-anthropic sends
    # them; Anthropic documents no refusal of them): the API's answer is its own.
    alone = build(adapter, [HumanMessage("x")], tool_choice="none")
    assert alone["tool_choice"] == {"type": "none"} and "tools" not in alone
    assert build(adapter, [HumanMessage("x")], tool_choice="auto")["tool_choice"] == {
        "type": "auto"
    }
    # Server tools passed through extra_body count as tools that tool_choice may name.
    server = {"type": "web_search_20250305", "name": "web_search"}
    body = build(
        adapter, [HumanMessage("x")], tool_choice="web_search", extra_body={"tools": [server]}
    )
    assert body["tool_choice"] == {"type": "tool", "name": "web_search"}
    assert body["tools"] == [server]


def test_consecutive_roles_merge_and_tool_results(adapter: AnthropicAdapter) -> None:
    call = {"name": "get_weather", "args": {"city": "Oslo"}, "id": "toolu_1"}
    broken = {"name": "get_weather", "args": {}, "id": "toolu_2", "error": "bad JSON"}
    body = build(
        adapter,
        [
            HumanMessage("Weather?"),
            AIMessage(content="", tool_calls=[call], invalid_tool_calls=[broken]),  # type: ignore[list-item]
            HumanMessage("(also, hurry)"),  # a user turn before the results: results go first
            ToolMessage("rainy", tool_call_id="toolu_1"),
            ToolMessage([{"type": "text", "text": "boom"}], tool_call_id="toolu_2", status="error"),
        ],
    )
    assert body["messages"] == [
        {"role": "user", "content": "Weather?"},
        {
            "role": "assistant",
            "content": [
                {
                    "type": "tool_use",
                    "id": "toolu_1",
                    "name": "get_weather",
                    "input": {"city": "Oslo"},
                },
                # the invalid call too, as langchain-anthropic sends it: its result
                # below needs it (the API refuses a tool_result without its tool_use)
                {"type": "tool_use", "id": "toolu_2", "name": "get_weather", "input": {}},
            ],
        },
        {
            "role": "user",
            "content": [
                {
                    "type": "tool_result",
                    "tool_use_id": "toolu_1",
                    "content": "rainy",
                    "is_error": False,  # written false too, as langchain-anthropic writes it
                },
                {
                    "type": "tool_result",
                    "tool_use_id": "toolu_2",
                    "content": [{"type": "text", "text": "boom"}],
                    "is_error": True,
                },
                {"type": "text", "text": "(also, hurry)"},
            ],
        },
    ]


def test_assistant_history_forms(adapter: AnthropicAdapter) -> None:
    thinking = {"type": "thinking", "thinking": "hmm", "signature": "sig"}
    native = {"type": "tool_use", "id": "toolu_9", "name": "f", "input": {}}
    merged_stream = merge_chunks(
        [
            AIMessageChunk(content=[{**thinking, "index": 0}]),
            AIMessageChunk(content="Sure."),
            AIMessageChunk(
                content="",
                tool_call_chunks=[{"name": "f", "args": '{"a"', "id": "toolu_8", "index": 2}],
            ),
            AIMessageChunk(
                content="",
                tool_call_chunks=[{"name": None, "args": ": 1}", "id": None, "index": 2}],
            ),
        ]
    )
    body = build(
        adapter,
        [
            HumanMessage("go"),
            merged_stream,  # a chunk in history: tool-call fragments parsed, indexes dropped
            HumanMessage("again"),
            AIMessage(content=[native], tool_calls=[{"name": "f", "args": {}, "id": "toolu_9"}]),
        ],
    )
    assert body["messages"][1]["content"] == [
        thinking,
        {"type": "text", "text": "Sure."},
        {"type": "tool_use", "id": "toolu_8", "name": "f", "input": {"a": 1}},
    ]
    assert body["messages"][3]["content"] == [native]  # not sent twice


def test_cited_text_goes_back_as_is_and_reasoning_does_not(adapter: AnthropicAdapter) -> None:
    cited = adapter.parse_response(json.dumps(REPLIES["citations"]).encode(), {})
    # An OpenAI-compatible reply with reasoning, sent to Anthropic after a provider switch.
    reasoned = AIMessage([{"type": "reasoning", "reasoning": "r"}, {"type": "text", "text": "t"}])
    body = build(adapter, [HumanMessage("go"), cited, HumanMessage("and?"), reasoned])
    assert body["messages"][1]["content"] == REPLIES["citations"]["content"]
    assert body["messages"][3]["content"] == [{"type": "text", "text": "t"}]


def test_build_does_not_mutate_messages(adapter: AnthropicAdapter) -> None:
    content = [
        {"type": "text", "text": "a"},
        {"type": "image_url", "image_url": {"url": "https://x/i.png"}},
    ]
    messages: list[BaseMessage] = [
        HumanMessage(content),
        HumanMessage("b"),
        AIMessage("", tool_calls=[{"name": "f", "args": {}, "id": "t"}]),
        ToolMessage("r", tool_call_id="t"),
    ]
    snapshot = json.dumps([m.content for m in messages])
    build(adapter, messages)
    build(adapter, messages)
    assert json.dumps([m.content for m in messages]) == snapshot


# -- errors -------------------------------------------------------------------------------

HTML = (
    b"<html><head><title>502 Bad Gateway</title></head>\n<body>"
    + b"<p>nginx</p>\n" * 200
    + b"</body></html>"
)


def test_map_error_html_and_garbage(adapter: AnthropicAdapter) -> None:
    err = adapter.map_error(502, HTML, {"Request-Id": "req_hdr"})
    assert isinstance(err, ServerError) and err.retryable
    assert err.message.startswith("<html><head><title>502 Bad Gateway</title>")
    assert len(err.message) <= 500 and "\n" not in err.message
    assert err.request_id == "req_hdr" and err.error_type is None
    garbage = adapter.map_error(500, b"\xff\xfe\x00not json", {})
    assert isinstance(garbage, ServerError) and garbage.message
    empty = adapter.map_error(503, b"", {})
    assert empty.message == "HTTP 503" and empty.retryable
    assert adapter.map_error(400, b'"just a string"', {}).message == '"just a string"'
    assert adapter.map_error(400, b'{"error": "plain"}', {}).message == "plain"


def test_map_error_types(adapter: AnthropicAdapter) -> None:
    def body(kind: str, message: str) -> bytes:
        err = {"type": "error", "error": {"type": kind, "message": message}, "request_id": "req_b"}
        return json.dumps(err).encode()

    rate = adapter.map_error(429, body("rate_limit_error", "slow down"), {"request-id": "req_h"})
    assert type(rate) is RateLimitError and rate.retryable and rate.request_id == "req_b"
    overloaded = adapter.map_error(529, body("overloaded_error", "Overloaded"), {})
    assert isinstance(overloaded, OverloadedError) and overloaded.retryable
    bad = adapter.map_error(400, body("invalid_request_error", "bad"), {"x-should-retry": "false"})
    assert type(bad) is BadRequestError and not bad.retryable
    credit = "Your credit balance is too low to access the Anthropic API."
    assert type(adapter.map_error(429, body("rate_limit_error", credit), {})) is QuotaExceededError


def test_parse_response_errors(adapter: AnthropicAdapter) -> None:
    with pytest.raises(APIError, match="not JSON"):
        adapter.parse_response(b"<html>oops</html>", {})
    with pytest.raises(APIError, match="not a JSON object"):
        adapter.parse_response(b"[]", {})
    error_body = b'{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}'
    with pytest.raises(OverloadedError):
        adapter.parse_response(error_body, {})


def ev(data: dict[str, Any]) -> SSEEvent:
    return SSEEvent(event=data["type"], data=json.dumps(data))


# -- non-stream == merged stream ----------------------------------------------------------


def split(text: str, size: int = 4) -> list[str]:
    return [text[i : i + size] for i in range(0, len(text), size)] or [""]


def stream_of(
    reply: dict[str, Any], *, old_usage: bool = False, start_input: int | None = None
) -> list[SSEEvent]:
    """The SSE events Anthropic sends for `reply`, built the way the recordings show them:
    provisional usage at message_start, cumulative usage at message_delta (the older shape
    has only output_tokens there), block inputs as fragmented JSON, pings in between."""
    usage = reply["usage"]
    start_usage = {**usage, "output_tokens": 1}
    start_usage.pop("output_tokens_details", None)
    if start_input is not None:
        start_usage["input_tokens"] = start_input
    message = {
        **reply,
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": start_usage,
    }
    events = [{"type": "message_start", "message": message}]
    for i, block in enumerate(reply["content"]):
        kind = block["type"]
        deltas: list[dict[str, Any]] = []
        start = block
        if kind == "text":
            start = {"type": "text", "text": ""}
            deltas = [{"type": "text_delta", "text": t} for t in split(block["text"])]
            if "citations" in block:  # as the API sends them: declared, then one by one
                start["citations"] = []
                cites = [{"type": "citations_delta", "citation": c} for c in block["citations"]]
                deltas = cites + deltas
        elif kind == "thinking":
            start = {"type": "thinking", "thinking": "", "signature": ""}
            deltas = [{"type": "thinking_delta", "thinking": t} for t in split(block["thinking"])]
            deltas += [{"type": "thinking_delta", "thinking": ""}]
            deltas += [{"type": "signature_delta", "signature": block["signature"]}]
        elif "input" in block:
            start = {**block, "input": {}}
            parts = [""] + split(json.dumps(block["input"]) if block["input"] else "", 3)
            deltas = [{"type": "input_json_delta", "partial_json": p} for p in parts]
        events.append({"type": "content_block_start", "index": i, "content_block": start})
        events += [{"type": "ping"}]
        events += [{"type": "content_block_delta", "index": i, "delta": d} for d in deltas]
        events.append({"type": "content_block_stop", "index": i})
    final_usage = dict(usage)
    if old_usage:  # the older shape repeats none of the input counts
        final_usage = {k: v for k, v in usage.items() if k.startswith("output_tokens")}
    stop = {"stop_reason": reply["stop_reason"], "stop_sequence": reply["stop_sequence"]}
    events.append({"type": "message_delta", "delta": stop, "usage": final_usage})
    events.append({"type": "message_stop"})
    return [ev(e) for e in events]


def reply(
    content: list[dict[str, Any]], stop_reason: str = "end_turn", **usage: Any
) -> dict[str, Any]:
    return {
        "id": "msg_test",
        "type": "message",
        "role": "assistant",
        "model": MODEL,
        "content": content,
        "stop_reason": stop_reason,
        "stop_sequence": "###" if stop_reason == "stop_sequence" else None,
        "usage": {"input_tokens": 21, "output_tokens": 9, **usage},
    }


CACHE = {"cache_read_input_tokens": 1111, "cache_creation_input_tokens": 418}
THINK = {
    "type": "thinking",
    "thinking": "The user wants the weather; call the tool.",
    "signature": "EqQBCkYI==",
}
USE = {
    "type": "tool_use",
    "id": "toolu_1",
    "name": "get_weather",
    "input": {"city": "Paris", "days": [1, 2]},
}
CITE_A = {
    "type": "char_location",
    "cited_text": "The grass is green.",
    "document_index": 0,
    "document_title": "Example",
    "start_char_index": 0,
    "end_char_index": 20,
}
#: CITE_A as a reply reads it: the SDK's model fills its `file_id` with None, as
#: langchain-anthropic's content shows it (and drops it when sending the block back).
CITE_A_READ = {**CITE_A, "file_id": None}
CITE_B = {
    "type": "web_search_result_location",
    "cited_text": "Blue sky.",
    "encrypted_index": "Eo8BCioIAhgB",
    "title": "Sky",
    "url": "https://example.com/sky",
}
REPLIES = {
    "text": reply([{"type": "text", "text": "Hello there, how are you today?"}]),
    "text_cache_stop_sequence": reply(
        [{"type": "text", "text": "abc def"}], "stop_sequence", **CACHE
    ),
    "thinking_text_tool_use": reply(
        [THINK, {"type": "text", "text": "Let me check."}, USE],
        "tool_use",
        output_tokens_details={"thinking_tokens": 7},
        **CACHE,
    ),
    "text_around_tool_use": reply(
        [{"type": "text", "text": "Before. "}, USE, {"type": "text", "text": "After."}], "tool_use"
    ),
    "tool_use_no_args_only": reply(
        [{**USE, "input": {}}, {**USE, "id": "toolu_2", "input": {}}], "tool_use"
    ),
    "redacted_and_server_tools": reply(
        [
            {"type": "redacted_thinking", "data": "EmwKAhgBEgy3va3pzix/LafPsn4a"},
            {"type": "text", "text": "Searching."},
            {
                "type": "server_tool_use",
                "id": "srvtoolu_1",
                "name": "web_search",
                "input": {"query": "x y"},
            },
            {
                "type": "web_search_tool_result",
                "tool_use_id": "srvtoolu_1",
                "content": [{"type": "web_search_result", "url": "https://e.x", "title": "E"}],
            },
            {"type": "text", "text": "Found it."},
        ],
        "max_tokens",
    ),
    "empty": reply([], "refusal"),
    "citations": reply(
        [
            {"type": "text", "text": "According to the document, "},
            {"type": "text", "text": "the grass is green", "citations": [CITE_A, CITE_B]},
            {"type": "text", "text": " and "},
            {"type": "text", "text": "the sky is blue.", "citations": [CITE_B]},
        ]
    ),
}


@pytest.mark.parametrize("old_usage", [False, True], ids=["cumulative-usage", "output-only-usage"])
@pytest.mark.parametrize("name", list(REPLIES))
def test_merged_stream_equals_nonstream(
    adapter: AnthropicAdapter, name: str, old_usage: bool
) -> None:
    body = REPLIES[name]
    expected = without_call_type(adapter.parse_response(json.dumps(body).encode(), {}))
    parser = adapter.stream_parser({})
    chunks = [c for e in stream_of(body, old_usage=old_usage) if (c := parser.feed(e)) is not None]
    parser.finish()
    got = without_call_type(merge_chunks(chunks).to_message())
    # Text pieces stay str elements beside blocks, as langchain-core merges them. A reply
    # with no block is `[]`, its stream's pieces "" (langchain-anthropic's, both).
    assert text_as_blocks(got.content) == text_as_blocks(expected.content or "")
    theirs = langchain_merge(chunks)
    assert theirs is None or merge_chunks(chunks).content == theirs
    assert got.tool_calls == expected.tool_calls
    assert got.invalid_tool_calls == []
    assert got.usage_metadata == expected.usage_metadata
    # A stream has none of the None fields the SDK's model gives a reply.
    assert got.response_metadata == without_sdk_nones(expected).response_metadata
    assert got.id == expected.id == "msg_test"


@pytest.mark.parametrize("old_usage", [False, True], ids=["cumulative-usage", "output-only-usage"])
@pytest.mark.parametrize("name", list(REPLIES))
def test_stream_usage_comes_on_the_closing_chunk(
    adapter: AnthropicAdapter, name: str, old_usage: bool
) -> None:
    """As LangChain's ChatAnthropic streams it: no usage on message_start's chunk, the
    reply's whole usage on message_delta's. The rate limiter sums the chunks' usage."""
    body = REPLIES[name]
    expected = adapter.parse_response(json.dumps(body).encode(), {}).usage_metadata
    assert expected is not None
    parser = adapter.stream_parser({})
    chunks = [c for e in stream_of(body, old_usage=old_usage) if (c := parser.feed(e)) is not None]
    with_usage = [c for c in chunks if c.usage_metadata]
    assert len(with_usage) == 1 and with_usage[0].response_metadata["stop_reason"]
    assert with_usage[0].usage_metadata == expected
    assert with_usage[0].response_metadata["usage"] == body["usage"]
    assert chunks[0].usage_metadata is None and "usage" not in chunks[0].response_metadata
    assert stream_used_tokens(chunks) == expected["total_tokens"]


def test_a_stream_without_message_delta_reports_usage_at_message_stop(
    adapter: AnthropicAdapter,
) -> None:
    start = {**reply([]), "usage": {"input_tokens": 21, "output_tokens": 4}}
    events = [
        {"type": "message_start", "message": start},
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hi"}},
        {"type": "content_block_stop", "index": 0},
        {"type": "message_stop"},
    ]
    parser = adapter.stream_parser({})
    chunks = [c for e in events if (c := parser.feed(ev(e))) is not None]
    parser.finish()
    usage = {
        "input_tokens": 21,
        "output_tokens": 4,
        "total_tokens": 25,
        "input_token_details": {},  # always there, as langchain-anthropic has it
    }
    assert chunks[-1].content == "" and chunks[-1].usage_metadata == usage
    assert [c.usage_metadata for c in chunks[:-1]] == [None] * (len(chunks) - 1)
    assert merge_chunks(chunks).response_metadata["usage"] == start["usage"]


def test_citations_are_kept_on_their_text_blocks(adapter: AnthropicAdapter) -> None:
    msg = adapter.parse_response(json.dumps(REPLIES["citations"]).encode(), {})
    assert msg.content == [
        {**b, "citations": [CITE_A_READ if c is CITE_A else c for c in b["citations"]]}
        if "citations" in b
        else b
        for b in REPLIES["citations"]["content"]
    ]
    assert msg.text == "According to the document, the grass is green and the sky is blue."
    # Without citations (absent or null) several text blocks stay apart, as
    # langchain-anthropic's content keeps them; one is its text.
    plain = reply([{"type": "text", "text": "a", "citations": None}, {"type": "text", "text": "b"}])
    assert adapter.parse_response(json.dumps(plain).encode(), {}).content == [
        {"text": "a", "type": "text"},
        {"text": "b", "type": "text"},
    ]
    one = reply([{"type": "text", "text": "a", "citations": None}])
    assert adapter.parse_response(json.dumps(one).encode(), {}).content == "a"


@pytest.mark.parametrize("declared", [True, False], ids=["declared-at-start", "undeclared"])
@pytest.mark.parametrize("text_first", [False, True], ids=["citation-first", "text-first"])
def test_stream_citations_in_any_order(
    adapter: AnthropicAdapter, declared: bool, text_first: bool
) -> None:
    """Recorded streams declare `citations: []` at the block start and send the citation
    before the text; hand-written examples do neither. Every order keeps the citations."""
    start: dict[str, Any] = {"type": "text", "text": ""}
    if declared:
        start["citations"] = []
    cite = {"type": "citations_delta", "citation": CITE_A}
    texts = [{"type": "text_delta", "text": t} for t in ("Gra", "ss.")]
    deltas = [*texts, cite] if text_first else [cite, *texts]
    events = [
        {"type": "message_start", "message": {**reply([]), "usage": {"input_tokens": 1}}},
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "A "}},
        {"type": "content_block_stop", "index": 0},
        {"type": "content_block_start", "index": 1, "content_block": start},
        *({"type": "content_block_delta", "index": 1, "delta": d} for d in deltas),
        {"type": "content_block_stop", "index": 1},
        {"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": {}},
        {"type": "message_stop"},
    ]
    parser = adapter.stream_parser({})
    chunks = [c for e in events if (c := parser.feed(ev(e))) is not None]
    parser.finish()
    merged = merge_chunks(chunks).to_message()
    assert merged.text == "A Grass."
    theirs = langchain_merge(chunks)
    assert theirs is None or merge_chunks(chunks).content == theirs
    # The non-stream content: a text block right after a text block streams as indexed
    # pieces, so text sent before its block was known to be cited stays in its block.
    assert text_as_blocks(merged.content) == [
        {"type": "text", "text": "A "},
        {"type": "text", "text": "Grass.", "citations": [CITE_A_READ]},
    ]


def test_usage_input_grows_between_start_and_delta(adapter: AnthropicAdapter) -> None:
    """message_delta values override message_start's (the server-tool recording: 702 → 1591)."""
    body = reply([{"type": "text", "text": "x"}], input_tokens=1591)
    parser = adapter.stream_parser({})
    chunks = [c for e in stream_of(body, start_input=702) if (c := parser.feed(e)) is not None]
    usage = merge_chunks(chunks).usage_metadata
    assert usage is not None and usage["input_tokens"] == 1591 and usage["total_tokens"] == 1600


#: message_start's cache writes of 3 tokens, split by time to live.
TTL_SPLIT = {"ephemeral_5m_input_tokens": 2, "ephemeral_1h_input_tokens": 1}


@pytest.mark.parametrize(
    ("closing", "details"),
    [
        ({}, {}),
        ({"cache_read_input_tokens": 4}, {"cache_read": 4}),
        ({"cache_creation_input_tokens": 3}, {"cache_creation": 0, **TTL_SPLIT}),
    ],
    ids=["no-cache-counts", "read-only", "creation-only"],
)
def test_cache_counts_the_closing_usage_leaves_out_are_none(
    adapter: AnthropicAdapter, closing: dict[str, int], details: dict[str, int]
) -> None:
    """A message_delta counting the input is read alone for its cache counts, as
    langchain-anthropic reads it; message_start's split by time to live stays beside the
    creation count it splits."""
    cached = {"cache_creation_input_tokens": 3, "cache_read_input_tokens": 4}
    start = {**reply([]), "usage": {"input_tokens": 21, **cached, "cache_creation": TTL_SPLIT}}
    last = {"input_tokens": 21, "output_tokens": 9, **closing}
    events = [
        {"type": "message_start", "message": start},
        {"type": "message_delta", "delta": {"stop_reason": "end_turn"}, "usage": last},
    ]
    parser = adapter.stream_parser({})
    usage = merge_chunks([c for e in events if (c := parser.feed(ev(e)))]).usage_metadata
    assert usage is not None and usage["input_token_details"] == details
    assert usage["input_tokens"] == 21 + sum(closing.values())


def test_parse_response_shapes(adapter: AnthropicAdapter) -> None:
    msg = adapter.parse_response(json.dumps(REPLIES["thinking_text_tool_use"]).encode(), {})
    # The tool_use block with its toolset_name, as the SDK's model (and LangChain) has it.
    use = {**USE, "toolset_name": None}
    assert msg.content == [THINK, {"type": "text", "text": "Let me check."}, use]
    assert msg.tool_calls == [
        {"name": "get_weather", "args": USE["input"], "id": "toolu_1", "type": "tool_call"}
    ]
    assert msg.usage_metadata == {
        "input_tokens": 21 + 1111 + 418,
        "output_tokens": 9,
        "total_tokens": 21 + 1111 + 418 + 9,
        "input_token_details": {"cache_read": 1111, "cache_creation": 418},
        "output_token_details": {"reasoning": 7},
    }
    assert msg.response_metadata == {
        "provider": "anthropic",
        "model_provider": "anthropic",
        "model": MODEL,
        "model_name": MODEL,
        "id": "msg_test",
        # The raw usage and reply as the anthropic SDK's models dump them (as in
        # langchain-anthropic's metadata): the fields not sent are None.
        "usage": sdk_usage(REPLIES["thinking_text_tool_use"]["usage"]),
        "finish_reason": "tool_calls",
        "raw_finish_reason": "tool_use",
        "stop_reason": "tool_use",
        "stop_sequence": None,
        "container": None,
        "diagnostics": None,
        "stop_details": None,
    }
    text = adapter.parse_response(json.dumps(REPLIES["text_around_tool_use"]).encode(), {})
    assert text.content == [
        {"type": "text", "text": "Before. "},
        use,
        {"type": "text", "text": "After."},
    ]
    assert text.text == "Before. After."
    for reason, finish in [
        ("max_tokens", "length"),
        ("refusal", "content_filter"),
        ("pause_turn", "pause_turn"),
    ]:
        meta = adapter.parse_response(json.dumps(reply([], reason)).encode(), {}).response_metadata
        assert meta["finish_reason"] == finish and meta["raw_finish_reason"] == reason
    no_usage = {k: v for k, v in REPLIES["text"].items() if k != "usage"}
    assert adapter.parse_response(json.dumps(no_usage).encode(), {}).usage_metadata is None


def test_docstring_examples() -> None:
    import doctest

    from chatplex.providers.anthropic import adapter as anthropic

    failures, tried = doctest.testmod(anthropic)
    assert failures == 0 and tried > 0


def test_the_version_sent_is_the_anthropic_sdks() -> None:
    constants = pytest.importorskip("anthropic._constants")
    from chatplex.providers.anthropic.adapter import ANTHROPIC_VERSION

    assert constants.ANTHROPIC_API_VERSION == ANTHROPIC_VERSION


def test_a_calls_effort_goes_into_output_config(adapter: AnthropicAdapter) -> None:
    # langchain-anthropic's call keywords `reasoning_effort` and its alias `effort` (which
    # wins) are no Messages fields: they set output_config.effort, over the model's.
    extra = {"output_config": {"effort": "low", "task_budget": {"type": "tokens", "total": 9}}}
    body = build(adapter, [HumanMessage("Hi")], extra_body={**extra, "reasoning_effort": "high"})
    assert body["output_config"] == {
        "effort": "high",
        "task_budget": extra["output_config"]["task_budget"],
    }
    assert "reasoning_effort" not in body
    both = build(
        adapter, [HumanMessage("Hi")], extra_body={"reasoning_effort": "high", "effort": "max"}
    )
    assert (both["output_config"], "effort" in both) == ({"effort": "max"}, False)
    assert "output_config" not in build(adapter, [HumanMessage("Hi")], extra_body={"effort": None})
