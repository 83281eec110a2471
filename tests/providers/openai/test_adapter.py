"""Unit tests of the OpenAI Chat Completions adapter (pure functions, no network)."""

from __future__ import annotations

import json
import pickle
from typing import Any

import pytest

from chatplex.adapters.request_types import CallSettings
from chatplex.adapters.request_types import ToolSpec
from chatplex.adapters.sse_event import SSEEvent
from chatplex.errors import APIError
from chatplex.errors import AuthenticationError
from chatplex.errors import QuotaExceededError
from chatplex.errors import RateLimitError
from chatplex.errors import ServerError
from chatplex.errors import StreamError
from chatplex.messages import AIMessage
from chatplex.messages import AIMessageChunk
from chatplex.messages import BaseMessage
from chatplex.messages import HumanMessage
from chatplex.messages import SystemMessage
from chatplex.messages import ToolMessage
from chatplex.messages import merge_chunks
from chatplex.providers.openai.adapter import OpenAIAdapter
from chatplex.providers.openai.adapter import developer_message
from chatplex.providers.openai.stream import REPLY_ONLY_KEYS
from chatplex.providers.openai.stream import OpenAIStreamParser
from chatplex.secret import Secret
from tests._env import without_variables
from tests._merged_text import langchain_merge
from tests._merged_text import text_as_blocks
from tests._replies import detailed_usage
from tests._sdk_nones import without_sdk_nones
from tests._sse import parsed

SENTINEL = "sk-SENTINEL-123"
SETTINGS = CallSettings(model="gpt-4o-mini")
HI: list[BaseMessage] = [HumanMessage("hi")]
WEATHER = ToolSpec(name="get_weather", description="Weather.", parameters={"type": "object"})


_clean_env = without_variables("OPENAI_API_KEY", "OPENAI_BASE_URL", name="_clean_env")


def adapter(**kwargs: Any) -> OpenAIAdapter:
    kwargs.setdefault("api_key", "sk-test")
    return OpenAIAdapter(**kwargs)


# -- construction and headers ----------------------------------------------------------------


def test_headers_and_url() -> None:
    a = adapter(organization="org-1", project="proj-1", default_headers={"X-Trace": "1"})
    request = a.build_request(HI, SETTINGS, stream=False)
    assert request.method == "POST"
    assert request.url == "https://api.openai.com/v1/chat/completions"
    assert dict(request.headers) == {
        "Authorization": "Bearer sk-test",
        "OpenAI-Organization": "org-1",
        "OpenAI-Project": "proj-1",
        "content-type": "application/json",
        "X-Trace": "1",
    }
    assert a.provider == "openai"


def test_default_headers_replace_ours_whatever_the_case() -> None:
    a = adapter(default_headers={"Content-Type": "application/json; charset=utf-8"})
    headers = a.build_request(HI, SETTINGS, stream=False).headers
    assert [k for k in headers if k.lower() == "content-type"] == ["Content-Type"]


def test_key_and_base_url_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    monkeypatch.setenv("OPENAI_BASE_URL", "https://proxy.example/v1/")
    a = OpenAIAdapter()
    request = a.build_request(HI, SETTINGS, stream=False)
    assert request.headers["Authorization"] == "Bearer sk-env"
    assert request.url == "https://proxy.example/v1/chat/completions"
    assert a.base_url == "https://proxy.example/v1"


def test_arguments_win_over_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-env")
    monkeypatch.setenv("OPENAI_BASE_URL", "https://proxy.example/v1")
    a = OpenAIAdapter(api_key=Secret("sk-arg"), base_url="http://localhost:8000/v1")
    request = a.build_request(HI, SETTINGS, stream=False)
    assert request.headers["Authorization"] == "Bearer sk-arg"
    assert request.url == "http://localhost:8000/v1/chat/completions"


@pytest.mark.parametrize(
    ("base_url", "url"),
    [
        (
            "https://x.openai.azure.com/openai/deployments/d?api-version=2024-06-01",
            "https://x.openai.azure.com/openai/deployments/d/chat/completions"
            "?api-version=2024-06-01",
        ),
        ("https://gw.example/v1/?a=1&b=2", "https://gw.example/v1/chat/completions?a=1&b=2"),
        ("http://localhost:8000/v1#frag", "http://localhost:8000/v1/chat/completions"),
    ],
)
def test_base_url_query_is_kept_after_the_path(base_url: str, url: str) -> None:
    request = adapter(base_url=base_url).build_request(HI, SETTINGS, stream=False)
    assert request.url == url


@pytest.mark.parametrize(
    "base_url", ["https://user:hunter2-pw@proxy.example/v1", "https://hunter2-pw@proxy.example/v1"]
)
def test_base_url_with_user_info_is_refused_without_echoing_it(
    base_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # httpx would send the user info as Basic auth in place of the API key's header.
    with pytest.raises(ValueError, match="base_url must not contain user:password@") as caught:
        adapter(base_url=base_url)
    assert "hunter2" not in str(caught.value) and "api_key=" in str(caught.value)
    monkeypatch.setenv("OPENAI_BASE_URL", base_url)
    with pytest.raises(ValueError, match="user:password@") as caught:
        adapter()
    assert "hunter2" not in str(caught.value)


@pytest.mark.parametrize("key", [None, ""])
def test_public_api_needs_a_key(key: str | None) -> None:
    with pytest.raises(ValueError, match="OPENAI_API_KEY"):
        OpenAIAdapter(api_key=key)
    with pytest.raises(ValueError, match="OPENAI_API_KEY"):
        OpenAIAdapter(api_key=key, base_url="https://api.openai.com/v1/")


def test_compatible_server_needs_no_key() -> None:
    a = OpenAIAdapter(base_url="http://localhost:11434/v1/")
    request = a.build_request(HI, SETTINGS, stream=False)
    assert "Authorization" not in request.headers
    assert request.url == "http://localhost:11434/v1/chat/completions"
    assert a.budget_key("llama3") == ("openai", "http://localhost:11434/v1", "", "llama3")


def test_budget_key_uses_a_digest() -> None:
    key = adapter(api_key=SENTINEL).budget_key("gpt-4o")
    assert key[0] == "openai" and key[1] == "https://api.openai.com/v1" and key[3] == "gpt-4o"
    assert SENTINEL not in repr(key) and len(key[2]) >= 8
    assert key == adapter(api_key=SENTINEL).budget_key("gpt-4o")
    assert key != adapter(api_key="sk-other").budget_key("gpt-4o")


# -- secrets -----------------------------------------------------------------------------------


def test_key_never_shown() -> None:
    a = adapter(api_key=SENTINEL, organization="org-1")
    request = a.build_request(HI, SETTINGS, stream=True)
    assert request.headers["Authorization"] == f"Bearer {SENTINEL}"
    shown = [repr(a), str(a), repr(request), str(request), repr(request.headers)]
    assert all(SENTINEL not in text for text in shown)
    assert "org-1" in repr(a)
    errors: list[APIError] = [
        a.map_error(401, b'{"error": {"message": "Incorrect API key provided"}}', {}),
        a.map_error(502, b"<html>bad gateway</html>", {"x-request-id": "req_1"}),
    ]
    parser = a.stream_parser({})
    with pytest.raises(StreamError) as info:
        parser.feed(SSEEvent(data='{"error": {"message": "boom", "type": "server_error"}}'))
    errors.append(info.value)
    for err in errors:
        assert SENTINEL not in repr(err) and SENTINEL not in str(err)
        assert SENTINEL not in repr(pickle.loads(pickle.dumps(err)).__dict__)


# -- request body -----------------------------------------------------------------------------


def test_minimal_body_sets_only_what_was_given() -> None:
    body = adapter().build_request(HI, SETTINGS, stream=False).json
    # "stream": false as langchain-openai sends it
    assert body == {
        "model": "gpt-4o-mini",
        "messages": [{"role": "user", "content": "hi"}],
        "stream": False,
    }


def test_stream_body() -> None:
    body = adapter().build_request(HI, SETTINGS, stream=True).json
    assert body["stream"] is True
    assert body["stream_options"] == {"include_usage": True}
    body = adapter(include_usage=False).build_request(HI, SETTINGS, stream=True).json
    assert body["stream"] is True
    assert "stream_options" not in body


def test_extra_body_overrides() -> None:
    settings = CallSettings(
        model="gpt-4o-mini",
        temperature=0.5,
        extra_body={
            "temperature": 0.0,
            "seed": 1,
            "response_format": {"type": "json_object"},
            "stream_options": {"include_usage": False},
        },
    )
    body = adapter().build_request(HI, settings, stream=True).json
    assert body["temperature"] == 0.0
    assert body["seed"] == 1
    assert body["response_format"] == {"type": "json_object"}
    assert body["stream_options"] == {"include_usage": False}


#: An image by URL, passed through as given (one with no URL is refused on every wire).
URL = {"url": "https://example.test/cat.png"}


def test_messages_translation() -> None:
    history: list[BaseMessage] = [
        SystemMessage("sys"),
        developer_message("dev"),
        SystemMessage("dev2", additional_kwargs={"__openai_role": "developer"}),
        HumanMessage([{"type": "text", "text": "look"}, {"type": "image_url", "image_url": URL}]),
        AIMessage("", tool_calls=[{"name": "f", "args": {"x": 1}, "id": "c1"}]),
        ToolMessage("result", tool_call_id="c1"),
        AIMessage(
            "calling",
            invalid_tool_calls=[{"name": "g", "args": "{bad", "id": "c2", "error": "x"}],
        ),
        ToolMessage("could not parse", tool_call_id="c2", status="error"),
        AIMessageChunk(
            "partial ", tool_call_chunks=[{"name": "h", "args": "{}", "id": "c3", "index": 0}]
        ),
        AIMessage(""),
    ]
    wire = adapter().build_request(history, SETTINGS, stream=False).json["messages"]
    assert wire == [
        {"role": "system", "content": "sys"},
        {"role": "developer", "content": "dev"},
        {"role": "developer", "content": "dev2"},
        {
            "role": "user",
            "content": [{"type": "text", "text": "look"}, {"type": "image_url", "image_url": URL}],
        },
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": "f", "arguments": '{"x": 1}'}}
            ],
        },
        {"role": "tool", "tool_call_id": "c1", "content": "result"},
        {
            "role": "assistant",
            "content": "calling",
            "tool_calls": [
                {"id": "c2", "type": "function", "function": {"name": "g", "arguments": "{bad"}}
            ],
        },
        {"role": "tool", "tool_call_id": "c2", "content": "could not parse"},
        {
            "role": "assistant",
            "content": "partial ",
            "tool_calls": [
                {"id": "c3", "type": "function", "function": {"name": "h", "arguments": "{}"}}
            ],
        },
        {"role": "assistant", "content": ""},
    ]


def test_tools_and_choice() -> None:
    time = ToolSpec(name="get_time", description="Time.", parameters={"type": "object"})
    a = adapter()

    def choice(value: str | None, tools: tuple[ToolSpec, ...] = (WEATHER, time)) -> Any:
        settings = CallSettings(model="m", tools=tools, tool_choice=value)
        return a.build_request(HI, settings, stream=False).json.get("tool_choice", "<absent>")

    body = a.build_request(HI, CallSettings(model="m", tools=(WEATHER,)), stream=False).json
    assert body["tools"] == [
        {
            "type": "function",
            "function": {
                "name": "get_weather",
                "description": "Weather.",
                "parameters": {"type": "object"},
            },
        }
    ]
    assert choice(None) == "<absent>"
    assert choice("auto") == "auto"
    assert choice("none") == "none"
    assert choice("required") == "required"
    assert choice("any") == "required"
    assert choice("get_time") == {"type": "function", "function": {"name": "get_time"}}
    assert choice("auto", ()) == "<absent>"  # OpenAI rejects tool_choice without tools


class _Other(BaseMessage):
    pass


@pytest.mark.parametrize(
    ("messages", "settings", "error", "match"),
    [
        ([], SETTINGS, ValueError, "empty"),
        ([BaseMessage("x")], SETTINGS, TypeError, "BaseMessage"),
        ([_Other("x")], SETTINGS, TypeError, "_Other"),
        (["hi"], SETTINGS, TypeError, "str"),
        (HI, CallSettings(model="m", tools=(WEATHER,), tool_choice="nope"), ValueError, "nope"),
        (HI, CallSettings(model="m", tool_choice="required"), ValueError, "needs tools"),
        (HI, CallSettings(model="m", tool_choice="get_weather"), ValueError, "needs tools"),
        (
            [AIMessage("", tool_calls=[{"name": "f", "args": {}, "id": None}])],
            SETTINGS,
            ValueError,
            "no id",
        ),
        (
            [SystemMessage("x", additional_kwargs={"__openai_role": "user"})],
            SETTINGS,
            ValueError,
            "developer",
        ),
    ],
)
def test_validation_before_any_request(
    messages: Any, settings: CallSettings, error: type[Exception], match: str
) -> None:
    with pytest.raises(error, match=match):
        adapter().build_request(messages, settings, stream=False)


# -- map_error ---------------------------------------------------------------------------------


def test_map_error_html_body() -> None:
    html = (
        b"<html><head><title>502 Bad Gateway</title></head><body>" + b"x" * 2000 + b"</body></html>"
    )
    err = adapter().map_error(502, html, {"X-Request-ID": "req_9"})
    assert type(err) is ServerError
    assert err.retryable is True
    assert err.message.startswith("<html><head><title>502 Bad Gateway")
    assert len(err.message) <= 500
    assert err.request_id == "req_9"
    assert err.error_type is None and err.code is None


def error_body(message: str, error_type: str | None, code: str | int | None) -> bytes:
    return json.dumps({"error": {"message": message, "type": error_type, "code": code}}).encode()


@pytest.mark.parametrize(
    ("status", "body", "cls", "message", "error_type", "code"),
    [
        (503, b"", ServerError, "HTTP 503", None, None),
        (500, b"\xff\xfe not utf-8", ServerError, "\ufffd\ufffd not utf-8", None, None),
        (
            401,
            error_body("bad key", "invalid_request_error", "invalid_api_key"),
            AuthenticationError,
            "bad key",
            "invalid_request_error",
            "invalid_api_key",
        ),
        (
            429,
            error_body("quota", "insufficient_quota", "insufficient_quota"),
            QuotaExceededError,
            "quota",
            "insufficient_quota",
            "insufficient_quota",
        ),
        (
            429,
            b'{"error": {"message": "slow down", "type": "tokens", "code": "rate_limit_exceeded"}}',
            RateLimitError,
            "slow down",
            "tokens",
            "rate_limit_exceeded",
        ),
        (
            429,
            b'{"error": {"code": 429, "message": "Provider returned error"}}',
            RateLimitError,
            "Provider returned error",
            None,
            429,
        ),
        (404, b'{"error": "model \\"x\\" not found"}', APIError, 'model "x" not found', None, None),
        (
            400,
            b'{"message": "bad field", "type": "BadRequestError"}',
            APIError,
            "bad field",
            "BadRequestError",
            None,
        ),
        (
            422,
            b'{"detail": [{"loc": ["body"], "msg": "field required"}]}',
            APIError,
            "body: field required",  # FastAPI's shape: the detail text, not the raw JSON
            None,
            None,
        ),
        (400, b"[1, 2]", APIError, "[1, 2]", None, None),
    ],
)
def test_map_error_shapes(
    status: int, body: bytes, cls: type[APIError], message: str, error_type: str | None, code: Any
) -> None:
    err = adapter().map_error(status, body, {})
    assert isinstance(err, cls)
    assert err.status == status and err.provider == "openai"
    assert err.message.startswith(message)
    assert err.error_type == error_type
    assert err.code == code


# -- parse_response ------------------------------------------------------------------------------


def completion(message: dict[str, Any], finish: str | None = "stop", **extra: Any) -> bytes:
    body = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 1,
        "model": "gpt-4o-mini-2024-07-18",
        "choices": [
            {"index": 0, "message": {"role": "assistant", **message}, "finish_reason": finish}
        ],
        **extra,
    }
    return json.dumps(body).encode()


def test_parse_text_and_metadata() -> None:
    usage = detailed_usage(100, 20, cached=64, reasoning=12)
    body = completion(
        {"content": "Hello"}, usage=usage, system_fingerprint="fp_1", service_tier="default"
    )
    message = adapter().parse_response(body, {"x-request-id": "req_1"})
    assert type(message) is AIMessage
    assert message.content == "Hello"
    assert message.id == "chatcmpl-1"
    assert message.usage_metadata == {
        "input_tokens": 100,
        "output_tokens": 20,
        "total_tokens": 120,
        "input_token_details": {"cache_read": 64},
        "output_token_details": {"reasoning": 12},
    }
    assert message.response_metadata == {
        "provider": "openai",
        "model_provider": "openai",
        "model_name": "gpt-4o-mini-2024-07-18",
        "id": "chatcmpl-1",
        "finish_reason": "stop",
        "raw_finish_reason": "stop",
        "system_fingerprint": "fp_1",
        "service_tier": "default",
        "request_id": "req_1",
        # The raw usage as langchain-openai has it, read through the openai SDK's model:
        # each details record's unsent counts there as None.
        "token_usage": {
            **usage,
            "prompt_tokens_details": {
                "audio_tokens": None,
                "cache_write_tokens": None,
                "cached_tokens": 64,
                "image_tokens": None,
                "text_tokens": None,
            },
            "completion_tokens_details": {
                "accepted_prediction_tokens": None,
                "audio_tokens": None,
                "reasoning_tokens": 12,
                "rejected_prediction_tokens": None,
                "text_tokens": None,
            },
        },
        "logprobs": None,  # as langchain-openai reads it through the openai SDK's models
    }
    assert message.additional_kwargs == {"refusal": None}


@pytest.mark.parametrize(
    ("raw", "normalised"),
    [
        ("stop", "stop"),
        ("length", "length"),
        ("tool_calls", "tool_calls"),
        ("function_call", "function_call"),  # a legacy call: no tool call, said as sent
        ("content_filter", "content_filter"),
        ("eos", "eos"),
        (None, None),
    ],
)
def test_finish_reasons(raw: str | None, normalised: str | None) -> None:
    message = adapter().parse_response(completion({"content": "x"}, finish=raw), {})
    assert message.response_metadata["finish_reason"] == normalised
    assert message.response_metadata["raw_finish_reason"] == raw


def test_parse_null_content_no_usage_no_choices() -> None:
    message = adapter().parse_response(completion({"content": None}), {})
    assert message.content == ""
    assert message.usage_metadata is None
    empty = json.dumps({"id": "x", "model": "m", "choices": []}).encode()
    message = adapter().parse_response(empty, {})
    assert message.content == "" and message.tool_calls == []
    assert message.response_metadata["finish_reason"] is None


def test_parse_refusal() -> None:
    body = completion({"content": None, "refusal": "I can't help with that."})
    message = adapter().parse_response(body, {})
    assert message.content == ""
    assert message.additional_kwargs["refusal"] == "I can't help with that."
    assert message.response_metadata["refusal"] == "I can't help with that."


def test_invalid_tool_args_never_raise() -> None:
    calls = [
        {"id": "c1", "type": "function", "function": {"name": "ok", "arguments": '{"a": 1}'}},
        {"id": "c2", "type": "function", "function": {"name": "bad", "arguments": '{"a": '}},
        {"id": "c3", "type": "function", "function": {"name": "list", "arguments": "[1]"}},
        {"id": "c4", "type": "function", "function": {"name": "obj", "arguments": {"b": 2}}},
    ]
    message = adapter().parse_response(completion({"content": None, "tool_calls": calls}), {})
    assert message.tool_calls == [
        {"name": "ok", "args": {"a": 1}, "id": "c1", "type": "tool_call"},
        {"name": "obj", "args": {"b": 2}, "id": "c4", "type": "tool_call"},
    ]
    assert [(c["name"], c["args"], c["id"]) for c in message.invalid_tool_calls] == [
        ("bad", '{"a": ', "c2"),
        ("list", "[1]", "c3"),
    ]
    assert all(c["error"] for c in message.invalid_tool_calls)


@pytest.mark.parametrize("body", [b"<html>oops</html>", b"[]", b""])
def test_parse_garbage_body(body: bytes) -> None:
    with pytest.raises(APIError) as info:
        adapter().parse_response(body, {})
    assert info.value.provider == "openai"


def test_parse_error_body_with_200() -> None:
    body = b'{"error": {"message": "upstream failed", "code": 502}}'
    with pytest.raises(APIError, match="upstream failed") as info:
        adapter().parse_response(body, {})
    assert info.value.retryable is True and info.value.code == 502


# -- streams ----------------------------------------------------------------------------------


def chunk_body(delta: dict[str, Any] | None, finish: str | None = None, **extra: Any) -> str:
    choices = [] if delta is None else [{"index": 0, "delta": delta, "finish_reason": finish}]
    body = {
        "id": "chatcmpl-1",
        "object": "chat.completion.chunk",
        "created": 1,
        "model": "gpt-4o-mini-2024-07-18",
        "choices": choices,
        **extra,
    }
    return json.dumps(body)


def chunk(delta: dict[str, Any] | None, finish: str | None = None, **extra: Any) -> str:
    """One SSE frame of a chunk."""
    return f"data: {chunk_body(delta, finish, **extra)}\n\n"


def event(delta: dict[str, Any] | None, finish: str | None = None) -> SSEEvent:
    return SSEEvent(data=chunk_body(delta, finish))


def error_event(error: dict[str, Any], name: str = "message") -> SSEEvent:
    return SSEEvent(event=name, data=json.dumps({"error": error}))


def run_stream(sse: str, a: OpenAIAdapter | None = None) -> list[AIMessageChunk]:
    return parsed((a or adapter()).stream_parser({}), [sse.encode()])


def build_reply(
    *,
    text: list[str] = (),  # type: ignore[assignment]
    reasoning: list[str] = (),  # type: ignore[assignment]
    reasoning_key: str = "reasoning",
    refusal: list[str] = (),  # type: ignore[assignment]
    calls: list[tuple[str, str, list[str]]] = (),  # type: ignore[assignment]
    finish: str | None = "stop",
    usage: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> tuple[bytes, str]:
    """The same reply as a non-stream body and as an SSE stream, written out by hand."""
    extra = extra or {}
    first = {"role": "assistant", "content": "" if text else None}
    sse = chunk(first, **extra)
    sse += "".join(chunk({reasoning_key: piece}, **extra) for piece in reasoning)
    sse += "".join(chunk({"content": piece}, **extra) for piece in text)
    sse += "".join(chunk({"refusal": piece}, **extra) for piece in refusal)
    for index, (call_id, name, pieces) in enumerate(calls):
        head = {
            "index": index,
            "id": call_id,
            "type": "function",
            "function": {"name": name, "arguments": ""},
        }
        sse += chunk({"tool_calls": [head]}, **extra)
        for piece in pieces:
            sse += chunk(
                {"tool_calls": [{"index": index, "function": {"arguments": piece}}]}, **extra
            )
    sse += chunk({}, finish, **extra)
    if usage is not None:
        sse += chunk(None, usage=usage, **extra)
    sse += "data: [DONE]\n\n"
    message: dict[str, Any] = {"content": "".join(text) if text else None}
    if reasoning:
        message[reasoning_key] = "".join(reasoning)
    if refusal:
        message["refusal"] = "".join(refusal)
    if calls:
        message["tool_calls"] = [
            {"id": i, "type": "function", "function": {"name": n, "arguments": "".join(p)}}
            for i, n, p in calls
        ]
    body = completion(message, finish, **({"usage": usage} if usage else {}), **extra)
    return body, sse


USAGE = detailed_usage(10, 5, cached=3, reasoning=2)
REPLIES = {
    "text": {"text": ["Hel", "lo", " there"], "usage": USAGE},
    "text_no_usage": {"text": ["Hi"]},
    "refusal": {"refusal": ["I can", "'t help", " with that."], "usage": USAGE},
    "one_call": {
        "calls": [("c1", "get_weather", ['{"ci', 'ty": "Pa', 'ris"}'])],
        "finish": "tool_calls",
    },
    "parallel_calls": {
        "calls": [("c1", "a", ["{}"]), ("c2", "b", ['{"x":', " [1, 2]}"]), ("c3", "c", [])],
        "finish": "tool_calls",
        "usage": USAGE,
    },
    "text_and_call": {
        "text": ["Let me check."],
        "calls": [("c1", "f", ['{"q": 1}'])],
        "finish": "tool_calls",
    },
    "invalid_args": {"calls": [("c1", "f", ['{"q": ', "oops"])], "finish": "tool_calls"},
    "length": {"text": ["cut"], "finish": "length"},
    "fingerprint": {
        "text": ["x"],
        "extra": {"system_fingerprint": "fp_1", "service_tier": "default"},
    },
    # Groq / OpenRouter: `reasoning`; DeepSeek / vLLM and others: `reasoning_content`.
    "reasoning": {"reasoning": ["We need", " to greet."], "text": ["Hi", "!"], "usage": USAGE},
    "reasoning_content_and_call": {
        "reasoning": ["Call ", "the tool."],
        "reasoning_key": "reasoning_content",
        "calls": [("c1", "f", ['{"q": 1}'])],
        "finish": "tool_calls",
    },
    "reasoning_only": {"reasoning": ["Thinking", " aloud"], "finish": "length"},
}


@pytest.mark.parametrize("reply", REPLIES.values(), ids=REPLIES.keys())
def test_non_stream_equals_merged_stream(reply: dict[str, Any]) -> None:
    body, sse = build_reply(**reply)
    a = adapter()
    direct = without_sdk_nones(a.parse_response(body, {}))
    chunks = run_stream(sse, a)
    streamed = merge_chunks(chunks).to_message()
    # Text pieces stay str elements beside blocks, as langchain-core merges them.
    assert text_as_blocks(streamed.content) == text_as_blocks(direct.content)
    theirs = langchain_merge(chunks)
    assert theirs is None or merge_chunks(chunks).content == theirs
    for field in ("id", "tool_calls", "invalid_tool_calls", "usage_metadata", "additional_kwargs"):
        assert getattr(streamed, field) == getattr(direct, field), field
    # The metadata less what langchain-openai's chunks lack (the id is the message's own).
    assert streamed.response_metadata == {
        k: v for k, v in direct.response_metadata.items() if k not in REPLY_ONLY_KEYS
    }
    assert direct.response_metadata["id"] == streamed.id
    assert type(streamed) is type(direct)


def test_stream_chunks() -> None:
    _, sse = build_reply(text=["Hel", "lo"], usage=USAGE)
    chunks = run_stream(sse)
    assert [c.content for c in chunks] == ["", "Hel", "lo", "", ""]
    assert "id" not in chunks[0].response_metadata  # as langchain-openai: each chunk's id
    assert chunks[0].response_metadata["model_name"] == "gpt-4o-mini-2024-07-18"
    assert chunks[1].response_metadata == {}
    assert chunks[3].response_metadata == {"finish_reason": "stop", "raw_finish_reason": "stop"}
    assert chunks[4].usage_metadata is not None and chunks[4].usage_metadata["total_tokens"] == 15
    assert all(c.id == "chatcmpl-1" for c in chunks)


def test_reasoning_is_kept_before_the_text() -> None:
    message = adapter().parse_response(completion({"content": "Hi!", "reasoning": "Greet."}), {})
    assert message.content == [
        {"type": "reasoning", "reasoning": "Greet."},
        {"type": "text", "text": "Hi!"},
    ]
    assert message.text == "Hi!"
    deepseek = completion({"content": "", "reasoning_content": "Hmm."})
    assert adapter().parse_response(deepseek, {}).content == [
        {"type": "reasoning", "reasoning": "Hmm."}
    ]
    # No reasoning (absent, null or empty): plain text exactly as before.
    for extra in ({}, {"reasoning": None}, {"reasoning_content": ""}):
        body = completion({"content": "Hi!", **extra})
        assert adapter().parse_response(body, {}).content == "Hi!"


def test_stream_reasoning_pieces_are_indexed_blocks() -> None:
    _, sse = build_reply(reasoning=["We", " think"], text=["Hi"])
    chunks = run_stream(sse)
    assert [c.content for c in chunks] == [
        "",
        [{"type": "reasoning", "reasoning": "We", "index": 0}],
        [{"type": "reasoning", "reasoning": " think", "index": 0}],
        "Hi",
        "",
    ]
    merged = merge_chunks(chunks)
    assert merged.text == "Hi"
    assert merged.to_message().content == ["", {"type": "reasoning", "reasoning": "We think"}, "Hi"]
    assert merged.content == langchain_merge(chunks)
    # Both fields in one delta (some servers send both): one block, not the text twice.
    parser = adapter().stream_parser({})
    piece = parser.feed(event({"reasoning": "a", "reasoning_content": "a", "content": "b"}))
    assert piece is not None and piece.content == [
        {"type": "reasoning", "reasoning": "a", "index": 0},
        {"type": "text", "text": "b"},
    ]


def test_reasoning_is_not_sent_back() -> None:
    _, sse = build_reply(reasoning=["We", " think"], text=["Hi"])
    streamed = merge_chunks(run_stream(sse))
    direct = adapter().parse_response(completion({"content": "Hi", "reasoning": "x"}), {})
    calling = AIMessage(
        [{"type": "reasoning", "reasoning": "call f"}],
        tool_calls=[{"name": "f", "args": {}, "id": "c1"}],
    )
    history: list[BaseMessage] = [HumanMessage("hi"), streamed, direct, calling]
    wire = adapter().build_request(history, SETTINGS, stream=False).json["messages"]
    # The text left goes as its blocks, as langchain-openai's `_format_message_content`
    # keeps the list it filters; nothing left: no content, beside the calls.
    hi = [{"type": "text", "text": "Hi"}]
    # (the merged stream's text blocks: the empty one of the chunk the text began on)
    assert wire[1:] == [
        {"role": "assistant", "content": [{"type": "text", "text": ""}, *hi]},
        {"role": "assistant", "content": hi},
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
            ],
        },
    ]
    # Anthropic's cited text (after a provider switch) goes as text blocks without them.
    cite = {"type": "char_location", "cited_text": "x"}
    cited = AIMessage(
        [{"type": "text", "text": "A "}, {"type": "text", "text": "B", "citations": [cite]}]
    )
    wire = adapter().build_request([cited], SETTINGS, stream=False).json
    sent = [{"type": "text", "text": "A "}, {"type": "text", "text": "B"}]
    assert wire["messages"] == [{"role": "assistant", "content": sent}]


def test_an_anthropic_replys_thinking_is_not_sent_back() -> None:
    # An Anthropic reply replayed to an OpenAI model (a provider switch): its thinking
    # block is dropped, as langchain-openai drops it (keeping the text as a list), not
    # refused.
    signed = {"type": "thinking", "thinking": "A greeting.", "signature": "sig"}
    history: list[BaseMessage] = [
        HumanMessage([{"type": "text", "text": "Hello"}]),
        AIMessage([signed, {"type": "text", "text": "Hello, how are you?"}]),
        HumanMessage("Well, thanks."),
    ]
    wire = adapter().build_request(history, SETTINGS, stream=False).json["messages"]
    text = [{"type": "text", "text": "Hello, how are you?"}]
    assert wire[1] == {"role": "assistant", "content": text}
    # Other block lists (no reasoning in them) go as they are.
    blocks = [{"type": "text", "text": "a"}, {"type": "text", "text": "b"}]
    wire = adapter().build_request([AIMessage(blocks)], SETTINGS, stream=False).json
    assert wire["messages"] == [{"role": "assistant", "content": blocks}]


@pytest.mark.parametrize(
    ("base_url", "model", "key"),
    [
        (None, "o1", "max_completion_tokens"),
        (None, "o3-mini", "max_completion_tokens"),
        (None, "o4-mini-2025-04-16", "max_completion_tokens"),
        (None, "gpt-5", "max_completion_tokens"),
        (None, "gpt-5-mini", "max_completion_tokens"),
        ("https://api.openai.com/v1/", "gpt-5.1", "max_completion_tokens"),
        (None, "gpt-4o-mini", "max_tokens"),
        (None, "gpt-4.1", "max_tokens"),
        ("http://localhost:8000/v1", "o3-mini", "max_tokens"),
        ("https://openrouter.ai/api/v1", "gpt-5", "max_tokens"),
        ("https://api.groq.com/openai/v1", "openai/gpt-oss-120b", "max_tokens"),
    ],
)
def test_max_tokens_key(base_url: str | None, model: str, key: str) -> None:
    a = adapter(base_url=base_url)
    body = a.build_request(HI, CallSettings(model=model, max_tokens=64), stream=False).json
    assert body[key] == 64
    assert [k for k in body if k in ("max_tokens", "max_completion_tokens")] == [key]
    # extra_body still wins, whichever name the caller uses.
    settings = CallSettings(model=model, max_tokens=64, extra_body={key: 8})
    assert a.build_request(HI, settings, stream=True).json[key] == 8


@pytest.mark.parametrize("base_url", [None, "http://localhost:8000/v1", "https://gw.example/v1"])
def test_completion_tokens_setting_sends_max_completion_tokens_everywhere(
    base_url: str | None,
) -> None:
    a = OpenAIAdapter(api_key="sk-test", base_url=base_url, completion_tokens=True)
    body = a.build_request(HI, CallSettings(model="gpt-4o-mini", max_tokens=64), stream=False).json
    assert body["max_completion_tokens"] == 64 and "max_tokens" not in body


def test_stream_refusal_pieces() -> None:
    _, sse = build_reply(refusal=["No", ", sorry"])
    chunks = run_stream(sse)
    refusals = [c.additional_kwargs.get("refusal") for c in chunks]
    assert refusals == [None, "No", ", sorry", None]  # the pieces, as langchain-openai
    assert merge_chunks(chunks).additional_kwargs == {"refusal": "No, sorry"}


def test_stream_tool_ids_and_names_sent_once() -> None:
    # OpenRouter-style: every fragment repeats id and name.
    frag = {"index": 0, "id": "0", "type": "function", "function": {"name": "f", "arguments": ""}}
    frag2 = {
        "index": 0,
        "id": "0",
        "type": "function",
        "function": {"name": "f", "arguments": "{}"},
    }
    sse = chunk({"role": "assistant", "content": ""}) + chunk({"tool_calls": [frag]})
    sse += chunk({"tool_calls": [frag2]}) + "data: [DONE]\n\n"
    message = merge_chunks(run_stream(sse)).to_message()
    assert message.tool_calls == [{"name": "f", "args": {}, "id": "0", "type": "tool_call"}]


def test_stream_id_arriving_late() -> None:
    sse = chunk({"tool_calls": [{"index": 0, "function": {"name": "f", "arguments": "{"}}]})
    sse += chunk(
        {"tool_calls": [{"index": 0, "id": "c9", "function": {"arguments": "}"}}]}, "tool_calls"
    )
    message = merge_chunks(run_stream(sse)).to_message()
    assert message.tool_calls == [{"name": "f", "args": {}, "id": "c9", "type": "tool_call"}]


def test_stream_cumulative_usage_is_not_double_counted() -> None:
    # vLLM `continuous_usage_stats`: every chunk carries the usage so far.
    sse = ""
    for n in (1, 2, 3):
        usage = {"prompt_tokens": 7, "completion_tokens": n, "total_tokens": 7 + n}
        sse += chunk({"content": "x"}, "stop" if n == 3 else None, usage=usage)
    merged = merge_chunks(run_stream(sse))
    assert merged.usage_metadata == {"input_tokens": 7, "output_tokens": 3, "total_tokens": 10}


def test_stream_ignores_other_choices() -> None:
    body = {
        "id": "x",
        "model": "m",
        "choices": [
            {"index": 1, "delta": {"content": "B"}},
            {"index": 0, "delta": {"content": "A"}},
        ],
    }
    other = {"id": "x", "model": "m", "choices": [{"index": 1, "delta": {"content": "B"}}]}
    sse = f"data: {json.dumps(body)}\n\ndata: {json.dumps(other)}\n\ndata: [DONE]\n\n"
    assert merge_chunks(run_stream(sse)).content == "A"


def test_stream_done_and_nothing_chunks() -> None:
    parser = adapter().stream_parser({})
    assert parser.feed(event({"role": "assistant"})) is not None
    # A repeated role-only delta, an empty text and an unknown field are each an empty
    # chunk, as langchain-openai yields one for every delta of choice 0.
    for delta in ({"role": "assistant", "content": ""}, {"content": ""}, {"channel": "x"}):
        chunk = parser.feed(event(delta))
        assert chunk is not None and chunk.content == "" and chunk.id == "chatcmpl-1"
    # An event without a delta of choice 0 (a keep-alive) is none.
    assert parser.feed(SSEEvent(data=json.dumps({"id": "chatcmpl-1", "choices": []}))) is None
    assert parser.feed(SSEEvent(data="")) is None
    assert parser.feed(SSEEvent(data="[DONE]")) is None
    assert parser.feed(SSEEvent(data="{not json after done")) is None
    parser.finish()


def test_stream_cut_short() -> None:
    parser = adapter().stream_parser({"x-request-id": "req_7"})
    parser.feed(event({"content": "Hel"}))
    with pytest.raises(StreamError, match="stream ended before completion") as info:
        parser.finish()
    assert info.value.provider == "openai" and info.value.request_id == "req_7"
    # A finish_reason without [DONE] is a complete reply.
    parser.feed(event({}, "stop"))
    parser.finish()


@pytest.mark.parametrize(
    ("sse_event", "message", "error_type", "code", "retryable"),
    [
        (SSEEvent(data="{oops"), "malformed JSON", None, None, False),
        (SSEEvent(data="[1]"), "not a JSON object", None, None, False),
        (
            error_event({"message": "The server had an error", "type": "server_error"}),
            "The server had an error",
            "server_error",
            None,
            True,
        ),
        (
            error_event({"message": "Overloaded", "code": 503}),
            "Overloaded",
            None,
            503,
            True,
        ),
        (
            error_event(
                {
                    "message": "bad tool",
                    "type": "invalid_request_error",
                    "code": "tool_use_failed",
                    "status_code": 400,
                },
                name="error",
            ),
            "bad tool",
            "invalid_request_error",
            "tool_use_failed",
            False,
        ),
        (SSEEvent(event="error", data="upstream timeout"), "upstream timeout", None, None, False),
        (SSEEvent(event="error", data=""), "error event without data", None, None, False),
    ],
)
def test_stream_errors(
    sse_event: SSEEvent, message: str, error_type: str | None, code: Any, retryable: bool
) -> None:
    parser = adapter().stream_parser({})
    with pytest.raises(StreamError) as info:
        parser.feed(sse_event)
    err = info.value
    assert err.provider == "openai"
    assert message in err.message
    assert err.error_type == error_type and err.code == code
    assert err.retryable is retryable


def test_stream_parser_type() -> None:
    assert isinstance(adapter().stream_parser({}), OpenAIStreamParser)


def test_env_key_is_not_sent_to_a_base_url_written_in_code(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CHATPLEX_HOLD_ENVIRONMENT_KEY", "1")  # chatplex's policy, an option
    monkeypatch.setenv("OPENAI_API_KEY", "sk-real-openai-key")
    monkeypatch.delenv("OPENAI_BASE_URL", raising=False)
    local = OpenAIAdapter(base_url="http://localhost:11434/v1")
    request = local.build_request([HumanMessage("hi")], CallSettings(model="m"), stream=False)
    assert "Authorization" not in request.headers
    # Where the environment points (default or OPENAI_BASE_URL), the env key is used.
    monkeypatch.setenv("OPENAI_BASE_URL", "https://openrouter.example/api/v1")
    routed = OpenAIAdapter()
    request = routed.build_request([HumanMessage("hi")], CallSettings(model="m"), stream=False)
    assert request.headers["Authorization"] == "Bearer sk-real-openai-key"
    # An explicit key always goes where it is told.
    explicit = OpenAIAdapter(base_url="http://localhost:11434/v1", api_key="sk-local")
    request = explicit.build_request([HumanMessage("hi")], CallSettings(model="m"), stream=False)
    assert request.headers["Authorization"] == "Bearer sk-local"


def test_docstring_examples() -> None:
    import doctest

    from chatplex.providers.openai import adapter as openai

    failures, tried = doctest.testmod(openai)
    assert failures == 0 and tried > 0


def test_other_apis_blocks_are_taken_and_left_out_as_langchain_openai_does() -> None:
    # langchain-openai sends the rest of the message; chatplex refused these types.
    from langchain_core import messages as lc
    from langchain_openai.chat_models.base import _convert_message_to_dict

    blocks = [
        {"type": "text", "text": "hi"},
        {"type": "tool_use", "id": "t", "name": "f", "input": {}},
        {"type": "function_call", "call_id": "c", "name": "f", "arguments": "{}"},
        {"type": "code_interpreter_call", "id": "ci"},
        {"type": "thinking", "thinking": "hmm"},
    ]
    sent = adapter().build_request([HumanMessage(blocks)], SETTINGS, stream=False)
    assert sent.json["messages"] == [_convert_message_to_dict(lc.HumanMessage(blocks))]
