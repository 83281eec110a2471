"""Differential tests: chatplex's Ollama adapter against the official `ollama` SDK.

Replies: the SDK's client (its own httpx transport replaced by a `MockTransport`) and
chatplex parse the same bytes, stream and non-stream, and must agree on the text, the
thinking, the tool calls (name and arguments) and the token counts.

Requests: chatplex's `/api/chat` bodies must be accepted by the SDK's own request types
(`ollama._types.ChatRequest`, `Message`, `Options`, `Tool`) and come out of them
unchanged: pydantic drops unknown keys, so a misspelt field shows up as a difference.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from chatplex.adapters.request_types import CallSettings
from chatplex.adapters.request_types import ToolSpec
from chatplex.chat.params import api_parameters
from chatplex.messages import AIMessage
from chatplex.messages import AIMessageChunk
from chatplex.messages import HumanMessage
from chatplex.messages import SystemMessage
from chatplex.messages import ToolMessage
from chatplex.messages import merge_chunks
from chatplex.providers.ollama.adapter import OllamaAdapter
from chatplex.providers.ollama.ndjson import iter_ndjson_lines
from chatplex.providers.ollama.request import OPTION_NAMES
from chatplex.providers.ollama.request import TOP_LEVEL
from tests.providers.ollama.test_response import ids_drawn

ollama = pytest.importorskip("ollama")
types = pytest.importorskip("ollama._types")

DONE = {
    "done": True,
    "done_reason": "stop",
    "total_duration": 885095291,
    "load_duration": 3753500,
    "prompt_eval_count": 122,
    "prompt_eval_duration": 328493000,
    "eval_count": 33,
    "eval_duration": 552222000,
}


def line(message: dict[str, Any], **top: Any) -> dict[str, Any]:
    return {
        "model": "qwen3",
        "created_at": "2026-11-23T15:00:00Z",
        "message": {"role": "assistant", "content": "", **message},
        "done": False,
        **top,
    }


#: name → (non-stream reply, stream lines) of the same answer.
REPLIES: dict[str, tuple[dict[str, Any], list[dict[str, Any]]]] = {
    "text": (
        line({"content": "The sky is blue."}, **DONE),
        [line({"content": "The sky"}), line({"content": " is blue."}), line({}, **DONE)],
    ),
    "thinking": (
        line({"thinking": "Rayleigh.", "content": "Scattering."}, **DONE),
        [
            line({"thinking": "Ray"}),
            line({"thinking": "leigh."}),
            line({"content": "Scattering."}),
            line({}, **DONE),
        ],
    ),
    "tool_calls": (
        line(
            {
                "tool_calls": [
                    {"function": {"name": "get_weather", "arguments": {"city": "Paris"}}},
                    {"function": {"name": "get_time", "arguments": {"tz": "CET", "n": [1]}}},
                ]
            },
            **DONE,
        ),
        [
            line(
                {
                    "tool_calls": [
                        {"function": {"name": "get_weather", "arguments": {"city": "Paris"}}}
                    ]
                }
            ),
            line(
                {
                    "tool_calls": [
                        {"function": {"name": "get_time", "arguments": {"tz": "CET", "n": [1]}}}
                    ]
                }
            ),
            line({}, **DONE),
        ],
    ),
}


def ndjson(lines: list[dict[str, Any]]) -> bytes:
    return b"".join(json.dumps(x).encode() + b"\n" for x in lines)


def sdk_client(body: bytes, stream: bool) -> Any:
    kind = "application/x-ndjson" if stream else "application/json"

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=body, headers={"content-type": kind})

    return ollama.Client(host="http://test", transport=httpx.MockTransport(handler))


def sdk_view(parts: list[Any]) -> dict[str, Any]:
    """What the SDK's responses say, stream parts folded the way its users fold them."""
    calls = [
        (c.function.name, dict(c.function.arguments))
        for p in parts
        for c in (p.message.tool_calls or ())
    ]
    last = parts[-1]
    return {
        "text": "".join(p.message.content or "" for p in parts),
        "thinking": "".join(p.message.thinking or "" for p in parts),
        "tool_calls": calls,
        "usage": (last.prompt_eval_count, last.eval_count),
        "done_reason": last.done_reason,
    }


def our_view(message: AIMessage) -> dict[str, Any]:
    assert isinstance(message.content, str)  # as langchain-ollama: reasoning kept apart
    thinking = message.additional_kwargs.get("reasoning_content", "")
    usage = message.usage_metadata or {}
    return {
        "text": message.text,
        "thinking": thinking,
        "tool_calls": [(c["name"], c["args"]) for c in message.tool_calls],
        "usage": (usage.get("input_tokens"), usage.get("output_tokens")),
        "done_reason": message.response_metadata["raw_finish_reason"],
    }


@pytest.mark.parametrize("name", sorted(REPLIES))
def test_a_non_stream_reply_reads_as_the_sdk_reads_it(name: str) -> None:
    body = json.dumps(REPLIES[name][0]).encode()
    theirs = sdk_client(body, stream=False).chat(model="qwen3", messages=[], stream=False)
    ours = OllamaAdapter().parse_response(body, {})
    assert our_view(ours) == sdk_view([theirs])


@pytest.mark.parametrize("name", sorted(REPLIES))
def test_a_stream_reads_as_the_sdk_reads_it(name: str) -> None:
    body = ndjson(REPLIES[name][1])
    theirs = list(sdk_client(body, stream=True).chat(model="qwen3", messages=[], stream=True))
    parser = OllamaAdapter().stream_parser({})
    chunks: list[AIMessageChunk] = []
    for item in iter_ndjson_lines([body[i : i + 9] for i in range(0, len(body), 9)]):
        chunk = parser.feed(item)
        if chunk is not None:
            chunks.append(chunk)
    parser.finish()
    ours = merge_chunks(chunks).to_message()
    assert our_view(ours) == sdk_view(theirs)
    # ... and the merged stream is the non-stream reply of the same answer.
    whole = OllamaAdapter().parse_response(json.dumps(REPLIES[name][0]).encode(), {})
    assert ids_drawn(ours) == ids_drawn(whole)


def test_an_error_status_is_the_sdks_error_too() -> None:
    body = b'{"error":"model \\"nope\\" not found, try pulling it first"}'

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(404, content=body, headers={"content-type": "application/json"})

    client = ollama.Client(host="http://test", transport=httpx.MockTransport(handler))
    with pytest.raises(ollama.ResponseError) as theirs:
        client.chat(model="nope", messages=[], stream=False)
    ours = OllamaAdapter().map_error(404, body, {})
    assert theirs.value.error in str(ours) and theirs.value.status_code == ours.status


# ---- requests: the SDK's types accept chatplex's bodies ------------------------------

WEATHER = ToolSpec(
    "get_weather",
    "Weather of a city",
    {
        "type": "object",
        "properties": {
            "city": {"type": "string", "description": "The city"},
            "unit": {"type": "string", "enum": ["C", "F"]},
        },
        "required": ["city"],
    },
)
CONVERSATION = [
    SystemMessage("Be brief."),
    HumanMessage(
        [
            {"type": "text", "text": "Weather here?"},
            {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}},
        ]
    ),
    AIMessage(
        [{"type": "reasoning", "reasoning": "Need the tool."}],
        tool_calls=[{"name": "get_weather", "args": {"city": "Paris"}, "id": "c1"}],
    ),
    ToolMessage("18C", tool_call_id="c1"),
]
SETTINGS = [
    CallSettings(model="qwen3"),
    CallSettings(
        model="qwen3",
        temperature=0.2,
        top_p=0.9,
        max_tokens=100,
        stop=("END",),
        tools=(WEATHER,),
        extra_body={
            "num_ctx": 4096,
            "top_k": 20,
            "seed": 1,
            "keep_alive": "5m",
            "think": "high",
            "format": {"type": "object", "properties": {"a": {"type": "string"}}},
            "logprobs": True,
            "top_logprobs": 2,
        },
    ),
]


def _dump(model: Any) -> Any:
    return model.model_dump(exclude_none=True, by_alias=True)


@pytest.mark.parametrize("settings", SETTINGS, ids=["plain", "everything"])
@pytest.mark.parametrize("stream", [False, True])
def test_the_sdks_request_types_accept_chatplex_bodies(
    settings: CallSettings, stream: bool
) -> None:
    body = dict(OllamaAdapter().build_request(CONVERSATION, settings, stream=stream).json)
    request = types.ChatRequest.model_validate(body)
    dumped = _dump(request)
    assert {k: v for k, v in dumped.items() if k not in ("messages", "tools", "options")} == {
        k: v for k, v in body.items() if k not in ("messages", "tools", "options")
    }
    for sent in body["messages"]:
        # The SDK holds images as `Image` objects (its client wraps each str so), which
        # serialise back to the base64 string.
        given = {**sent, "images": [types.Image(value=i) for i in sent.get("images", ())]}
        if not given["images"]:
            del given["images"]
        assert _dump(types.Message.model_validate(given)) == sent
    if "options" in body:
        assert _dump(types.Options.model_validate(body["options"])) == body["options"]
    for tool in body.get("tools", ()):
        assert _dump(types.Tool.model_validate(tool)) == tool


def test_the_known_parameters_are_the_sdks() -> None:
    chat = set(types.ChatRequest.model_fields) - {"model", "messages", "stream"}
    assert chat == set(TOP_LEVEL)
    # min_p: a server option of Ollama's API reference (docs/api.md, "options") that the
    # SDK's Options does not name (it passes a dict of options through unchanged).
    assert set(types.Options.model_fields) == set(OPTION_NAMES) - {"min_p"}
    assert api_parameters("ollama") == TOP_LEVEL | OPTION_NAMES | {"response_format", "reasoning"}
