"""Requests say who sends them: `User-Agent: chatplex/<version>`, unless the adapter's
default_headers, the call's extra_headers or the user's own client choose another."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx

from chatplex import init_chat_model
from chatplex.version import USER_AGENT

parity = pytest.mark.parametrize("sync", [True, False], ids=["sync", "async"])
providers = pytest.mark.parametrize("provider", ["openai", "anthropic"])
REPLY = {
    "openai": {"choices": [{"index": 0, "message": {"content": "hi"}, "finish_reason": "stop"}]},
    "anthropic": {"type": "message", "content": [{"type": "text", "text": "hi"}]},
}


@pytest.fixture
def router() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as mock:
        yield mock


def model(provider: str, **settings: Any) -> Any:
    name = "openai:gpt-4o-mini" if provider == "openai" else "anthropic:claude-sonnet-4-5"
    return init_chat_model(name, api_key="sk-ua-test", **settings)


async def agent_of(
    router: respx.MockRouter, provider: str, sync: bool, chat: Any, **kw: Any
) -> str:
    router.route().mock(return_value=httpx.Response(200, json=REPLY[provider]))
    if sync:
        chat.invoke("x", **kw)
    else:
        await chat.ainvoke("x", **kw)
    return str(router.calls.last.request.headers["user-agent"])


@providers
@parity
async def test_requests_name_chatplex_and_its_version(
    router: respx.MockRouter, provider: str, sync: bool
) -> None:
    assert await agent_of(router, provider, sync, model(provider)) == USER_AGENT
    assert USER_AGENT.startswith("chatplex/")


@providers
@parity
async def test_default_headers_override_it_whatever_the_case(
    router: respx.MockRouter, provider: str, sync: bool
) -> None:
    chat = model(provider, default_headers={"User-Agent": "my-app/2.0"})
    assert await agent_of(router, provider, sync, chat) == "my-app/2.0"


@providers
@parity
async def test_a_calls_extra_headers_override_it(
    router: respx.MockRouter, provider: str, sync: bool
) -> None:
    chat = model(provider)
    got = await agent_of(router, provider, sync, chat, extra_headers={"user-agent": "batch/1"})
    assert got == "batch/1"


@parity
async def test_your_own_clients_user_agent_is_kept(router: respx.MockRouter, sync: bool) -> None:
    headers = {"User-Agent": "corp-proxy-client/7"}
    with httpx.Client(headers=headers) as client:
        async with httpx.AsyncClient(headers=headers) as aclient:
            chat = model("openai", http_client=client, http_async_client=aclient)
            assert await agent_of(router, "openai", sync, chat) == "corp-proxy-client/7"


@parity
async def test_your_own_client_without_one_sends_chatplexs(
    router: respx.MockRouter, sync: bool
) -> None:
    with httpx.Client() as client:
        async with httpx.AsyncClient() as aclient:
            chat = model("openai", http_client=client, http_async_client=aclient)
            assert await agent_of(router, "openai", sync, chat) == USER_AGENT
