"""Partner fields about the connection, side by side with their partner classes:
langchain-cerebras's `cerebras_proxy` (else `CEREBRAS_PROXY`) carries its calls, as its
httpx clients are built with it; langchain-groq's `groq_proxy` and langchain-mistralai's
`max_concurrent_requests` are fields nothing reads. The drop-ins refused all three when
they were built."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest

import chatplex.langchain
from chatplex.testing import MockServer

#: A host that does not resolve: a call reaches the mock server only as a forward proxy.
_ELSEWHERE = "http://cerebras.invalid/v1"


def _through(cls: Any, **more: Any) -> list[Any]:
    """The field read back, and a sync and an async call's text."""
    model = cls(model="llama3.1-8b", api_key="k", base_url=_ELSEWHERE, max_retries=0, **more)

    async def ainvoked() -> Any:
        try:
            return await model.ainvoke("hi")
        finally:  # (closed on the loop that used it)
            await model.http_async_client.aclose()

    seen = [model.cerebras_proxy, model.invoke("hi").text, asyncio.run(ainvoked()).text]
    model.http_client.close()
    return seen


def test_cerebras_proxy_given_or_from_the_environment_carries_the_calls(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    partner = pytest.importorskip("langchain_cerebras").ChatCerebras
    ours = chatplex.langchain.ChatCerebras
    with MockServer() as proxy:
        named = _through(ours, cerebras_proxy=proxy.url)
        assert named == _through(partner, cerebras_proxy=proxy.url)
        assert named == [proxy.url, "Echo: hi", "Echo: hi"]
        monkeypatch.setenv("CEREBRAS_PROXY", proxy.url)
        assert _through(ours) == _through(partner) == named
        own = httpx.Client()
        for cls in (ours, partner):
            with pytest.raises(ValueError, match="Cannot specify 'cerebras_proxy' if one of"):
                cls(model="m", api_key="k", http_client=own)
        own.close()


@pytest.mark.parametrize(
    ("name", "module", "field", "value"),
    [
        ("ChatGroq", "langchain_groq", "groq_proxy", "http://127.0.0.1:9"),
        ("ChatMistralAI", "langchain_mistralai", "max_concurrent_requests", 3),
    ],
)
def test_a_field_its_partner_never_reads_is_held_and_changes_nothing(
    name: str, module: str, field: str, value: Any
) -> None:
    """Built with the field, a call goes straight to the server (not through the closed
    port the proxy names), and the field reads back as given."""
    partner = getattr(pytest.importorskip(module), name)
    with MockServer() as server:
        seen = []
        for cls in (partner, getattr(chatplex.langchain, name)):
            model = cls(model="m", api_key="k", base_url=server.openai_base_url, **{field: value})
            seen.append((getattr(model, field), model.invoke("hi").text))
    assert seen[0] == seen[1] == (value, "Echo: hi")
