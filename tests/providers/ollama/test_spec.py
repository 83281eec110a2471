"""Ollama's declared provider: its adapter lives in its folder."""

from __future__ import annotations

from tests.providers._speccheck import check_wire


def test_ollama() -> None:
    (spec,) = check_wire("ollama").SPECS
    assert spec.adapter == "chatplex.providers.ollama.adapter:OllamaAdapter"
    assert spec.langchain_class == "ChatOllama"


def test_its_openai_endpoint_is_a_compatible_preset_declared_here() -> None:
    from chatplex import specs
    from chatplex.providers.compatible.spec import PROFILES
    from chatplex.providers.ollama.spec import CHAT_COMPLETIONS_SERVERS

    ((name, title, base_url, price_id),) = CHAT_COMPLETIONS_SERVERS
    assert name == "ollama_openai" and price_id == "ollama"
    assert (PROFILES[name].title, PROFILES[name].base_url) == (title, base_url)
    declared = specs.spec(name)
    assert declared is not None and declared.price_id == "ollama"
    assert declared.adapter == "chatplex.providers.compatible.adapter:OllamaOpenaiAdapter"
