"""`ChatModel`'s I/O hooks (`chat/send_hooks.py`): the request a call sends through its
adapter, authorised on every call, sync and async; a model without an adapter cannot send."""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from chatplex import ChatModel
from chatplex.providers.openai.adapter import OpenAIAdapter
from tests.chat._model_wire import KEY
from tests.chat._model_wire import Wire
from tests.chat._model_wire import invoke
from tests.chat._model_wire import model_over


@pytest.mark.parametrize("sync", [True, False])
async def test_a_call_sends_the_models_settings_through_its_adapter(sync: bool) -> None:
    wire = Wire()
    model = model_over(wire, temperature=0.3, stop="END", seed=7, extra_headers={"x-app": "a"})
    reply = await invoke(model, "hello", sync)
    assert reply.text == "hi" and reply.usage_metadata == {
        "input_tokens": 3,
        "output_tokens": 1,
        "total_tokens": 4,
        "input_token_details": {},
        "output_token_details": {},
    }
    [body] = wire.bodies
    assert body["model"] == "gpt-test" and body["temperature"] == 0.3
    assert body["stop"] == ["END"] and body["seed"] == 7  # a provider extra, unchanged
    assert body["messages"] == [{"role": "user", "content": "hello"}]
    headers = wire.requests[0].headers
    assert headers["x-app"] == "a" and headers["authorization"] == f"Bearer {KEY}"


def test_a_model_without_an_adapter_cannot_send() -> None:
    model = ChatModel(None, "nothing")
    assert model.provider == "unknown"
    with pytest.raises(NotImplementedError, match="ChatModel has no adapter"):
        model.invoke("hi")


class _PerCallAuth(OpenAIAdapter):
    """An adapter with the per-call auth hooks (as Azure's Entra ID token providers)."""

    def __init__(self) -> None:
        super().__init__(base_url="http://auth.test/v1")
        self.calls: list[str] = []

    def authorize(self, request: Any) -> Any:
        import dataclasses

        self.calls.append("sync")
        return dataclasses.replace(request, headers={**request.headers, "x-auth": "sync"})

    async def aauthorize(self, request: Any) -> Any:
        import dataclasses

        self.calls.append("async")
        return dataclasses.replace(request, headers={**request.headers, "x-auth": "async"})


async def test_the_adapter_authorizes_every_call_sync_and_async() -> None:
    seen: list[str] = []
    reply = {"id": "c", "model": "m", "choices": [{"index": 0, "message": {"content": "ok"},
                                                   "finish_reason": "stop"}]}  # fmt: skip
    events = (
        b'data: {"id":"c","model":"m","choices":[{"index":0,"delta":{"content":"ok"},'
        b'"finish_reason":"stop"}]}\n\ndata: [DONE]\n\n'
    )

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["x-auth"])
        if json.loads(request.content).get("stream"):
            return httpx.Response(
                200, content=events, headers={"content-type": "text/event-stream"}
            )
        return httpx.Response(200, json=reply)

    adapter = _PerCallAuth()
    model = ChatModel(
        adapter,
        "m",
        http_client=httpx.Client(transport=httpx.MockTransport(handler)),
        http_async_client=httpx.AsyncClient(transport=httpx.MockTransport(handler)),
    )
    assert model.invoke("hi").text == "ok"
    assert "".join(c.text for c in model.stream("hi")) == "ok"
    assert (await model.ainvoke("hi")).text == "ok"
    assert "".join([c.text async for c in model.astream("hi")]) == "ok"
    assert seen == ["sync", "sync", "async", "async"]
    assert adapter.calls == seen


# --- a batch that raises: the finished, paid replies are kept ------------------------------


class EchoOrRefuse(Wire):
    """Answers each prompt with its own text; a 400 (permanent: not retried) for "bad"."""

    def handler(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        prompt = json.loads(request.content)["messages"][-1]["content"]
        if prompt == "bad":
            error = {"error": {"message": "refused", "type": "invalid_request_error"}}
            return httpx.Response(400, json=error)
        reply = {
            "id": f"chatcmpl-{prompt}",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": prompt.upper()}}],
        }
        return httpx.Response(200, json=reply)


@pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
async def test_a_raising_batch_keeps_its_finished_replies_on_the_error_and_in_the_cache(
    sync: bool,
) -> None:
    from chatplex import InMemoryCache
    from chatplex.errors import BadRequestError

    wire = EchoOrRefuse()
    model = model_over(wire, cache=InMemoryCache())
    prompts = ["p0", "p1", "p2", "bad", "p4"]
    config: Any = {"max_concurrency": 1}  # in input order: p0-p2 finish, "bad" fails
    with pytest.raises(BadRequestError) as caught:  # LangChain's raise stays the default
        if sync:
            model.batch(prompts, config)
        else:
            await model.abatch(prompts, config)
    finished = caught.value.batch_finished  # type: ignore[attr-defined]
    assert {i: m.text for i, m in finished.items()} == {0: "P0", 1: "P1", 2: "P2"}
    assert len(wire.requests) == 4  # p4 never sent; the 400 not retried
    # The cache kept them: running the finished prompts again sends nothing.
    again = model.batch(prompts[:3]) if sync else await model.abatch(prompts[:3])
    assert [m.text for m in again] == ["P0", "P1", "P2"] and len(wire.requests) == 4
