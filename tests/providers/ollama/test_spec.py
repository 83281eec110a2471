"""Ollama's declared provider: its adapter lives in its folder."""

from __future__ import annotations

from tests.providers._speccheck import check_wire


def test_ollama() -> None:
    (spec,) = check_wire("ollama").SPECS
    assert spec.adapter == "chatplex.providers.ollama.adapter:OllamaAdapter"
    assert spec.langchain_class == "ChatOllama"
