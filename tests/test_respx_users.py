"""What a user's own CI does: a plain `with respx.mock:` (default settings) intercepts
every request chatplex sends, sync and async, streaming included."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
import respx

from chatplex import init_chat_model
from tests._replies import anthropic_message
from tests._replies import chat_completion

OPENAI_URL = "https://api.openai.com/v1/chat/completions"
ANTHROPIC_URL = "https://api.anthropic.com/v1/messages"

OPENAI_BODY = chat_completion(
    "mocked", usage={"prompt_tokens": 3, "completion_tokens": 1, "total_tokens": 4}
)
OPENAI_SSE = (
    "".join(
        f"data: {json.dumps(c)}\n\n"
        for c in [
            {
                "id": "c",
                "model": "gpt-4o-mini",
                "choices": [{"index": 0, "delta": {"role": "assistant", "content": "mo"}}],
            },
            {
                "id": "c",
                "model": "gpt-4o-mini",
                "choices": [{"index": 0, "delta": {"content": "cked"}, "finish_reason": "stop"}],
            },
        ]
    )
    + "data: [DONE]\n\n"
)

ANTHROPIC_BODY = anthropic_message("mocked", usage={"input_tokens": 3, "output_tokens": 1})
ANTHROPIC_SSE = "".join(
    f"event: {e['type']}\ndata: {json.dumps(e)}\n\n"
    for e in [
        {
            "type": "message_start",
            "message": {**ANTHROPIC_BODY, "content": [], "stop_reason": None},
        },
        {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "mo"}},
        {
            "type": "content_block_delta",
            "index": 0,
            "delta": {"type": "text_delta", "text": "cked"},
        },
        {"type": "content_block_stop", "index": 0},
        {
            "type": "message_delta",
            "delta": {"stop_reason": "end_turn"},
            "usage": {"output_tokens": 1},
        },
        {"type": "message_stop"},
    ]
)

CASES = {
    "openai": ("openai:gpt-4o-mini", OPENAI_URL, OPENAI_BODY, OPENAI_SSE),
    "anthropic": ("anthropic:claude-sonnet-4-5", ANTHROPIC_URL, ANTHROPIC_BODY, ANTHROPIC_SSE),
}


def route(request: httpx.Request, body: dict[str, Any], sse: str) -> httpx.Response:
    if json.loads(request.content).get("stream"):
        return httpx.Response(200, text=sse, headers={"content-type": "text/event-stream"})
    return httpx.Response(200, json=body)


@pytest.mark.parametrize("sync", [True, False])
@pytest.mark.parametrize("provider", list(CASES))
async def test_plain_respx_mock_sees_every_request(provider: str, sync: bool) -> None:
    name, url, body, sse = CASES[provider]
    model = init_chat_model(name, api_key="sk-test")
    with respx.mock:
        mocked = respx.post(url).mock(side_effect=lambda r: route(r, body, sse))
        if sync:
            reply = model.invoke("hi")
            streamed = "".join(c.text for c in model.stream("hi"))
            batched = model.batch(["a", "b"])
        else:
            reply = await model.ainvoke("hi")
            streamed = "".join([c.text async for c in model.astream("hi")])
            batched = await model.abatch(["a", "b"])
        assert reply.text == streamed == "mocked"
        assert [m.text for m in batched] == ["mocked", "mocked"]
        assert mocked.call_count == 4
        sent = json.loads(mocked.calls[0].request.content)
        assert sent["messages"][-1]["content"] == "hi"
