"""How a side-by-side test builds each drop-in and its partner class: one table of the
partner module and the constructor keywords (fake keys; no request is sent by building),
for the suites that build every class or a few of them."""

from __future__ import annotations

from typing import Any

#: Drop-in name -> (partner module, constructor keywords).
PARTNER_BUILDS: dict[str, tuple[str, dict[str, Any]]] = {
    "ChatOpenAI": ("langchain_openai", {"model": "m", "api_key": "k"}),
    "AzureChatOpenAI": (
        "langchain_openai",
        {
            "azure_deployment": "d",
            "api_version": "2024-10-21",
            "azure_endpoint": "https://x.openai.azure.com",
            "api_key": "k",
        },
    ),
    "ChatAnthropic": ("langchain_anthropic", {"model": "m", "api_key": "k"}),
    "ChatGroq": ("langchain_groq", {"model": "m", "api_key": "k"}),
    "ChatMistralAI": ("langchain_mistralai", {"model": "m", "api_key": "k"}),
    "ChatFireworks": ("langchain_fireworks", {"model": "m", "api_key": "k"}),
    "ChatDeepSeek": ("langchain_deepseek", {"model": "m", "api_key": "k"}),
    "ChatXAI": ("langchain_xai", {"model": "m", "api_key": "k"}),
    "ChatTogether": ("langchain_together", {"model": "m", "api_key": "k"}),
    "ChatPerplexity": ("langchain_perplexity", {"model": "m", "api_key": "k"}),
    "ChatSambaNova": ("langchain_sambanova", {"model": "m", "api_key": "k"}),
    "ChatNebius": ("langchain_nebius", {"model": "m", "api_key": "k"}),
    "ChatGoogleGenerativeAI": (
        "langchain_google_genai",
        {"model": "gemini-2.0-flash", "google_api_key": "k"},
    ),
    "ChatBedrockConverse": (
        "langchain_aws",
        {"model": "anthropic.claude-3-haiku-20240307-v1:0", "region_name": "us-east-1"},
    ),
    "ChatBedrock": (
        "langchain_aws",
        {"model_id": "anthropic.claude-3-haiku-20240307-v1:0", "region_name": "us-east-1"},
    ),
    "ChatOllama": ("langchain_ollama", {"model": "m"}),
    "ChatCohere": ("langchain_cohere", {"model": "m", "cohere_api_key": "k"}),
    "ChatVertexAI": (
        "langchain_google_vertexai",
        {"model": "gemini-2.0-flash", "project": "p", "location": "us-central1"},
    ),
}


def without_model(name: str) -> tuple[str, dict[str, Any]]:
    """`name`'s entry, its model keyword left out."""
    module, keywords = PARTNER_BUILDS[name]
    return module, {k: v for k, v in keywords.items() if k not in ("model", "model_id")}
