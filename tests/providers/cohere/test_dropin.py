"""`ChatCohere` (`providers/cohere/dropin.py`): langchain-cohere's constructor, its
defaults and names on the wire, refused settings, sync and async calls over respx."""

from __future__ import annotations

import asyncio
import doctest
import json
from typing import Any

import httpx
import pytest
import respx

from chatplex.providers.cohere import dropin as module
from chatplex.providers.cohere.dropin import ChatCohere

URL = "https://api.cohere.com/v2/chat"
REPLY = {
    "id": "r-1",
    "finish_reason": "COMPLETE",
    "message": {"role": "assistant", "content": [{"type": "text", "text": "ok"}]},
    "usage": {"tokens": {"input_tokens": 2, "output_tokens": 1}},
}


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("COHERE_API_KEY", "CO_API_KEY", "CO_API_URL"):
        monkeypatch.delenv(variable, raising=False)


@respx.mock(assert_all_called=True)
def test_langchains_parameters_on_the_wire_sync_and_async(respx_mock: Any) -> None:
    route = respx_mock.post(URL).mock(return_value=httpx.Response(200, json=REPLY))
    model = ChatCohere(
        model="command-a-03-2025",
        cohere_api_key="co-key",
        temperature=0.2,
        preamble="Be terse.",
        stop=["END"],
    )
    assert model.invoke("hi").content == "ok"
    sent = json.loads(route.calls.last.request.content)
    assert sent == {
        "model": "command-a-03-2025",
        "messages": [
            {"role": "system", "content": "Be terse."},
            {"role": "user", "content": "hi"},
        ],
        "stop_sequences": ["END"],
        "temperature": 0.2,
        "stream": False,
    }
    headers = route.calls.last.request.headers
    assert headers["authorization"] == "Bearer co-key"
    assert headers["x-client-name"] == "langchain:partner"
    assert asyncio.run(model.ainvoke("hi")).content == "ok"


def test_defaults_and_names() -> None:
    model = ChatCohere(model="command-r", cohere_api_key="k")
    assert model.get_name() == "ChatCohere" and model.model_name == "command-r"
    assert model.timeout == 300 and model.max_retries == 2 and model.temperature is None
    assert model.base_url == "https://api.cohere.com"
    assert ChatCohere(model="m", api_key="k", timeout=5).timeout == 5


def test_the_environment_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COHERE_API_KEY", "co-env")
    assert ChatCohere(model="m").adapter is not None
    monkeypatch.delenv("COHERE_API_KEY")
    with pytest.raises(ValueError, match="Cohere API key missing"):
        ChatCohere(model="m")


def test_refusals_and_unknown_keywords() -> None:
    with pytest.raises(TypeError, match="needs model"):
        ChatCohere(cohere_api_key="k")
    with pytest.raises(TypeError, match="client=...\\) is not supported"):
        ChatCohere(model="m", cohere_api_key="k", client=object())
    with pytest.raises(TypeError, match="pass one of them"):
        ChatCohere(model="m", cohere_api_key="a", api_key="b")
    model = ChatCohere(model="m", cohere_api_key="k", seed=4, k=10)
    assert model.extra_body == {"seed": 4, "k": 10}


def test_docstring_examples() -> None:
    result = doctest.testmod(module)
    assert result.attempted >= 1 and result.failed == 0


def test_an_unknown_keyword_names_the_closest_one() -> None:
    with pytest.raises(TypeError, match=r"'temprature' \(did you mean 'temperature'\?\)"):
        ChatCohere(model="m", cohere_api_key="k", temprature=0)
    with pytest.raises(TypeError, match="'zzz_unheard_of'"):
        ChatCohere(model="m", cohere_api_key="k", zzz_unheard_of=1)


def test_coheres_own_tool_choice_words() -> None:
    tool = {"type": "function", "function": {"name": "f", "parameters": {"type": "object"}}}
    model = ChatCohere(model="m", cohere_api_key="k")
    assert model.bind_tools([tool], tool_choice="REQUIRED").tool_choice == "required"
    assert model.bind_tools([tool], tool_choice="NONE").tool_choice == "none"
