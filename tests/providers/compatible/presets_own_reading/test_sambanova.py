"""The SambaNova preset (chatplex/providers/compatible/presets_own_reading/sambanova.py):
its usage fields, and langchain-sambanova's `X-Integration-Source` header, which its
drop-in sends and chatplex's own model does not."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx
import pytest

from chatplex.providers.compatible.presets_own_reading.sambanova import SAMBANOVA
from chatplex.providers.compatible.presets_own_reading.sambanova import SAMBANOVA_USAGE


def test_the_usage_order_is_its_sdk_s_declared_fields() -> None:
    usage = pytest.importorskip("sambanova.types.chat.chat_completion_response").Usage
    assert tuple(usage.model_fields) == SAMBANOVA_USAGE
    style = SAMBANOVA.profile.style
    assert style is not None and style.usage_order == SAMBANOVA_USAGE


def _served(seen: list[httpx.Request]) -> httpx.MockTransport:
    """A transport answering each request (kept in `seen`) with a reply, or a stream."""

    def answer(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        head = {"id": "r1", "created": 1, "model": "m"}
        if json.loads(request.content).get("stream"):
            delta = {"index": 0, "delta": {"content": "Hi"}, "finish_reason": "stop"}
            chunk = {**head, "object": "chat.completion.chunk", "choices": [delta]}
            sse = f"data: {json.dumps(chunk)}\n\ndata: [DONE]\n\n"
            return httpx.Response(200, text=sse, headers={"content-type": "text/event-stream"})
        said = {"index": 0, "message": {"role": "assistant", "content": "Hi"}}
        choice = {**said, "finish_reason": "stop"}
        return httpx.Response(200, json={**head, "object": "chat.completion", "choices": [choice]})

    return httpx.MockTransport(answer)


def _clients(seen: list[httpx.Request]) -> dict[str, Any]:
    transport = _served(seen)
    return {
        "http_client": httpx.Client(transport=transport),
        "http_async_client": httpx.AsyncClient(transport=transport),
    }


def _called_every_way(model: Any) -> None:
    """invoke, ainvoke, stream and astream, once each."""

    async def asynchronously() -> None:
        await model.ainvoke("Hi")
        async for _ in model.astream("Hi"):
            pass

    model.invoke("Hi")
    asyncio.run(asynchronously())
    for _ in model.stream("Hi"):
        pass


@pytest.mark.parametrize(
    ("given", "sent"),
    [
        ({}, "langchain"),
        ({"integration_source": "x"}, "x"),
        ({"sambanova_integration_source": "x"}, "x"),
        ({"integration_source": ""}, ""),  # sent empty, as its SDK sends a given ""
    ],
)
def test_the_drop_in_sends_its_integration_source_on_every_call(
    given: dict[str, Any], sent: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """langchain-sambanova's `X-Integration-Source`, "langchain" unless given, on every
    request: its SDK's variable unread (its class never hands that SDK a None)."""
    from chatplex.langchain import ChatSambaNova

    monkeypatch.setenv("SAMBANOVA_INTEGRATION_SOURCE", "from-env")
    seen: list[httpx.Request] = []
    model = ChatSambaNova(model="m", api_key="k", max_retries=0, **_clients(seen), **given)
    assert model.sambanova_integration_source == sent  # held as its class holds it
    _called_every_way(model)
    assert [r.headers.get_list("X-Integration-Source") for r in seen] == [[sent]] * 4


def test_chatplex_s_own_sambanova_model_sends_no_integration_source(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """LangChain's attribution is the drop-in's alone: `init_chat_model("sambanova:...")`
    sends none, its SDK's variable set or not."""
    import chatplex

    monkeypatch.setenv("SAMBANOVA_INTEGRATION_SOURCE", "from-env")
    seen: list[httpx.Request] = []
    model = chatplex.init_chat_model("sambanova:m", api_key="k", max_retries=0, **_clients(seen))
    _called_every_way(model)
    assert len(seen) == 4
    assert [r.headers.get("X-Integration-Source") for r in seen] == [None] * 4
