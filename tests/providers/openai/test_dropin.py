"""ChatOpenAI (providers/openai/dropin.py): max_tokens sent as langchain-openai sends
it. Its aliases, refusals and API-parameter checks, shared with ChatAnthropic, are tested
in tests/chat/test_dropin_models.py; its Responses-API choice in
tests/chat/test_openai_model_responses.py."""

from __future__ import annotations

from typing import Any

import pytest

from chatplex.lean import ChatOpenAI
from chatplex.lean import init_chat_model
from tests.chat.test_dropin_models import _chatplex_body
from tests.chat.test_dropin_models import _langchain_body


@pytest.mark.parametrize("base_url", [None, "https://gateway.example/v1"])
@pytest.mark.parametrize("name", ["gpt-4o-mini", "o3", "gpt-5"])
@pytest.mark.parametrize("alias", ["max_tokens", "max_completion_tokens"])
def test_openai_sends_max_completion_tokens_as_langchain_openai(
    base_url: str | None, name: str, alias: str
) -> None:
    import langchain_openai

    settings: dict[str, Any] = {alias: 50}
    if base_url:
        settings["base_url"] = base_url
    theirs = langchain_openai.ChatOpenAI(model=name, api_key="sk-test", **settings)
    ours = ChatOpenAI(model=name, api_key="sk-test", **settings)
    expected = _langchain_body(theirs, theirs)
    got = _chatplex_body(ours)
    assert got == expected
    assert got["max_completion_tokens"] == 50 and "max_tokens" not in got
    assert _chatplex_body(ours.bind(max_tokens=5))["max_completion_tokens"] == 5


def test_init_chat_models_openai_model_sends_max_completion_tokens_anywhere() -> None:
    # As LangChain's init_chat_model (a ChatOpenAI): max_completion_tokens to any server.
    model = init_chat_model(
        "openai:llama3", base_url="http://127.0.0.1:9/v1", api_key="k", max_tokens=9
    )
    body = _chatplex_body(model)
    assert body["max_completion_tokens"] == 9 and "max_tokens" not in body


def test_openai_proxy_given_or_from_the_environment_carries_the_calls(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """`openai_proxy=` given or `OPENAI_PROXY` set: the calls (sync, async) go through
    it, as langchain-openai's ChatOpenAI builds its httpx clients with it (the mock
    server as the forward proxy: it gets the absolute URL of a host that does not exist
    and answers it as OpenAI's API), and
    its field reads it; with an httpx client given too, its ValueError. Unset, no client
    of the model's own; AzureChatOpenAI still refuses the keyword (its partner's clients
    ignore it)."""
    import asyncio

    import httpx

    import chatplex
    from chatplex.testing import MockServer

    partner = pytest.importorskip("langchain_openai").ChatOpenAI
    settings: dict[str, Any] = {"model": "gpt-4o-mini", "api_key": "k", "max_retries": 0}
    target = "http://openai.invalid/v1"

    def outcome(cls: Any, **more: Any) -> list[Any]:
        model = cls(base_url=target, **settings, **more)
        seen = [model.openai_proxy]

        async def ainvoked() -> Any:
            try:
                return await model.ainvoke("hi")
            finally:  # (closed on the loop that used it)
                await model.http_async_client.aclose()

        seen.append(model.invoke("hi").text)
        seen.append(asyncio.run(ainvoked()).text)
        model.http_client.close()
        return seen

    with MockServer() as proxy:
        monkeypatch.setenv("OPENAI_PROXY", proxy.url)
        ours = outcome(chatplex.ChatOpenAI)  # (LangChain's name)
        assert ours == outcome(partner)
        assert ours == [proxy.url, "Echo: hi", "Echo: hi"]
        own = httpx.Client()
        for cls in (chatplex.ChatOpenAI, partner):
            with pytest.raises(ValueError, match="Cannot specify 'openai_proxy' if one of"):
                cls(http_client=own, **settings)
        own.close()
        monkeypatch.delenv("OPENAI_PROXY")
        named = outcome(chatplex.ChatOpenAI, openai_proxy=proxy.url)  # the keyword
        assert named == outcome(partner, openai_proxy=proxy.url) == ours
    plain = ChatOpenAI(**settings)
    assert plain.http_client is None and plain.http_async_client is None
    with pytest.raises(TypeError, match=r"AzureChatOpenAI\(openai_proxy=...\) is not supp"):
        chatplex.AzureChatOpenAI(
            azure_endpoint="https://x.openai.azure.com", azure_deployment="d", api_key="k",
            api_version="2024-10-21", openai_proxy=proxy.url,
        )  # fmt: skip
