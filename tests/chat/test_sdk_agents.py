"""Under LangChain's names a drop-in sends its partner's User-Agent, so a gateway that
admits clients by it treats the drop-in as the partner package: each compared with the
header the partner package's SDK actually builds, captured by an httpx transport that
answers every request itself (no network). chatplex's own family keeps
`chatplex/<version>`."""

from __future__ import annotations

import contextlib
import importlib
from collections.abc import Callable
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

import chatplex.langchain
from chatplex.chat import init_chat_model
from chatplex.chat.sdk_agents import AGENTS
from chatplex.version import USER_AGENT

URL = "http://gateway.test/v1"

#: Drop-in name -> (partner module, its constructor's keywords).
PARTNERS: dict[str, tuple[str, dict[str, Any]]] = {
    "ChatOpenAI": ("langchain_openai", {"model": "gpt-4o-mini", "base_url": URL}),
    "AzureChatOpenAI": (
        "langchain_openai",
        {"azure_deployment": "d", "azure_endpoint": URL, "api_version": "2024-10-21"},
    ),
    "ChatAnthropic": ("langchain_anthropic", {"model": "claude-3", "base_url": URL}),
    "ChatGroq": ("langchain_groq", {"model": "m", "base_url": URL}),
    "ChatDeepSeek": ("langchain_deepseek", {"model": "m", "api_base": URL}),
    "ChatXAI": ("langchain_xai", {"model": "m", "xai_api_base": URL}),
    "ChatFireworks": ("langchain_fireworks", {"model": "m", "base_url": URL}),
    "ChatTogether": ("langchain_together", {"model": "m", "base_url": URL}),
    "ChatPerplexity": ("langchain_perplexity", {"model": "m"}),
    "ChatMistralAI": ("langchain_mistralai", {"model": "m", "endpoint": URL}),
    "ChatSambaNova": ("langchain_sambanova", {"model": "m", "base_url": URL}),
    "ChatNebius": ("langchain_nebius", {"model": "m", "base_url": URL}),
    "ChatCohere": ("langchain_cohere", {"model": "m", "base_url": URL}),
    "ChatOllama": ("langchain_ollama", {"model": "m", "base_url": URL}),
    "ChatGoogleGenerativeAI": (
        "langchain_google_genai",
        {"model": "gemini-2.0-flash", "base_url": URL},
    ),
}
#: Those with no `max_retries`, and the keyword of each one's key (default `api_key`).
_NO_RETRIES = {"ChatCohere", "ChatOllama"}
_KEYS = {"ChatOllama": None, "ChatCohere": "cohere_api_key"}


@pytest.fixture
def agents(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The User-Agents of the requests sent while it is active, each answered with a 400
    by httpx's own transports (sync and async), whoever built the client."""
    seen: list[str] = []
    # httpx, and httpx2 where the installed openai and anthropic SDKs call through it.
    for http in (httpx, _httpx2()):
        if http is None:
            continue

        def answer(self: Any, request: Any, http: Any = http) -> Any:
            seen.append(request.headers.get("user-agent", ""))
            return http.Response(400, json={"error": {"message": "refused", "type": "x"}})

        async def aanswer(self: Any, request: Any, answer: Any = answer) -> Any:
            return answer(self, request)

        monkeypatch.setattr(http.HTTPTransport, "handle_request", answer)
        monkeypatch.setattr(http.AsyncHTTPTransport, "handle_async_request", aanswer)
    yield seen


def _httpx2() -> Any:
    try:
        return importlib.import_module("httpx2")
    except ImportError:
        return None


def _sent(agents: list[str], build: Callable[..., Any], name: str) -> str:
    settings = dict(PARTNERS[name][1])
    if name not in _NO_RETRIES:
        settings["max_retries"] = 0
    key = _KEYS.get(name, "api_key")
    if key is not None:
        settings[key] = "k-test"
    agents.clear()
    with contextlib.suppress(Exception):  # the 400: only the request is wanted
        build(**settings).invoke("hi")
    assert agents, f"{name} sent nothing"
    return agents[0]


@pytest.mark.parametrize("name", sorted(PARTNERS))
def test_a_dropin_sends_its_partner_sdks_user_agent(agents: list[str], name: str) -> None:
    partner = getattr(pytest.importorskip(PARTNERS[name][0]), name)
    theirs = _sent(agents, partner, name)
    ours = _sent(agents, getattr(chatplex.langchain, name), name)
    engine = _sent(agents, getattr(chatplex.langchain, name)._engine, name)
    if name == "ChatGoogleGenerativeAI":  # its SDK appends to its User-Agent: so do we
        assert ours == engine == f"{theirs} {USER_AGENT}"
    else:
        assert ours == engine == theirs


def test_every_agent_is_checked_against_its_partner() -> None:
    assert set(AGENTS) == set(PARTNERS)


@pytest.mark.parametrize(
    "model", ["openai:gpt-4o-mini", "anthropic:claude-3", "google_genai:gemini-2.0-flash"]
)
def test_chatplex_own_family_says_chatplex(agents: list[str], model: str) -> None:
    with contextlib.suppress(Exception):
        init_chat_model(model, api_key="k-test", max_retries=0).invoke("hi")
    assert agents == [USER_AGENT]


@pytest.mark.parametrize("langchain", [True, False], ids=["langchain", "engine"])
def test_a_user_agent_given_is_kept(agents: list[str], langchain: bool) -> None:
    cls = chatplex.langchain.ChatOpenAI
    chat = (cls if langchain else cls._engine)(
        model="m", api_key="k-test", max_retries=0, default_headers={"User-Agent": "app/1"}
    )
    with pytest.raises(Exception):  # noqa: B017 - the 400, whichever class reports it
        chat.invoke("hi")
    with pytest.raises(Exception):  # noqa: B017
        chat.invoke("hi", extra_headers={"User-Agent": "call/2"})
    assert agents == ["app/1", "call/2"]
