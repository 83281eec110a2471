"""For the tests of `chat/model.py` and its hooks' modules: a `ChatModel` over an httpx
MockTransport answering like OpenAI, and the settings it refuses; and a model's sync and
async calls behind one `sync` switch (`invoke`, `stream`, `batch`)."""

from __future__ import annotations

import json
import math
from typing import Any

import httpx

from chatplex import AIMessage
from chatplex import AIMessageChunk
from chatplex import ChatModel
from chatplex.providers.openai.adapter import OpenAIAdapter


async def invoke(model: ChatModel, input: Any, sync: bool, **kwargs: Any) -> AIMessage:
    if sync:
        return model.invoke(input, **kwargs)
    return await model.ainvoke(input, **kwargs)


async def stream(model: ChatModel, input: Any, sync: bool, **kwargs: Any) -> list[AIMessageChunk]:
    # ChatModel.stream is typed as yielding AIMessage; it yields AIMessageChunk.
    chunks: list[Any]
    if sync:
        chunks = list(model.stream(input, **kwargs))
    else:
        chunks = [chunk async for chunk in model.astream(input, **kwargs)]
    assert all(isinstance(c, AIMessageChunk) for c in chunks)
    return chunks


async def batch(model: ChatModel, inputs: list[Any], sync: bool, **kwargs: Any) -> list[Any]:
    if sync:
        return model.batch(inputs, **kwargs)
    return await model.abatch(inputs, **kwargs)


def without_provider_env(patch: Any) -> None:
    """No OpenAI or Anthropic key or base URL of this machine's environment."""
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL"):
        patch.delenv(name, raising=False)


KEY = "sk-SENTINEL-model-0123"


class Wire:
    """An httpx MockTransport answering like OpenAI; records each request."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        body = json.loads(request.content)
        reply = {
            "id": "chatcmpl-1",
            "model": body["model"],
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": "hi"},
                    "finish_reason": "stop",
                }
            ],
            "usage": {"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4},
        }
        return httpx.Response(200, json=reply, headers={"x-request-id": "req_m"})

    @property
    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r.content) for r in self.requests]


def model_over(wire: Wire, **settings: Any) -> ChatModel:
    transport = httpx.MockTransport(wire.handler)
    return ChatModel(
        OpenAIAdapter(api_key=KEY),
        "gpt-test",
        http_client=httpx.Client(transport=transport),
        http_async_client=httpx.AsyncClient(transport=transport),
        **settings,
    )


BAD_SETTINGS: list[tuple[dict[str, Any], type[Exception], str]] = [
    ({"temperature": -0.1}, ValueError, "temperature"),
    ({"temperature": 2.01}, ValueError, "temperature"),
    ({"temperature": math.nan}, ValueError, "temperature"),
    ({"temperature": math.inf}, ValueError, "temperature"),
    ({"temperature": "0.5"}, ValueError, "temperature"),
    ({"temperature": True}, ValueError, "temperature"),
    ({"max_tokens": 0}, ValueError, "max_tokens"),
    ({"max_tokens": -5}, ValueError, "max_tokens"),
    ({"max_tokens": 10.0}, ValueError, "max_tokens"),
    ({"max_tokens": "100"}, ValueError, "max_tokens"),
    ({"max_tokens": True}, ValueError, "max_tokens"),
    ({"top_p": -0.01}, ValueError, "top_p"),
    ({"top_p": 1.01}, ValueError, "top_p"),
    ({"top_p": math.nan}, ValueError, "top_p"),
    ({"top_p": False}, ValueError, "top_p"),
    ({"stop": 5}, TypeError, "stop"),
    ({"stop": [1, 2]}, TypeError, "stop"),
    ({"stop": ["ok", None]}, TypeError, "stop"),
    ({"stop": b"\n"}, TypeError, "stop"),
    ({"stop": {"a": 1}}, TypeError, "stop"),
]
