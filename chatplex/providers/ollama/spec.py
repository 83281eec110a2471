"""Ollama's native `/api/chat` (LangChain's `ChatOllama`)."""

from __future__ import annotations

from ...specs import ProviderSpec

SPECS = (
    ProviderSpec(
        "ollama",
        "chatplex.providers.ollama.adapter:OllamaAdapter",
        langchain_class="ChatOllama",
    ),
)
