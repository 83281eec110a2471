"""How a side-by-side test builds each drop-in and its partner class: one table of the
partner module and the constructor keywords (fake keys; no request is sent by building),
for the suites that build every class or a few of them."""

from __future__ import annotations

from collections.abc import Callable
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
    "ChatCerebras": ("langchain_cerebras", {"model": "m", "api_key": "k"}),
    "ChatOpenRouter": ("langchain_openrouter", {"model": "m", "api_key": "k"}),
    # (a token and `model`, langchain-ibm's Model Gateway: built with no request; with
    # an API key, or `model_id` and a project, its constructor asks IBM Cloud)
    "ChatWatsonx": (
        "langchain_ibm",
        {
            "model": "m",
            "url": "https://us-south.ml.cloud.ibm.com",
            "token": "t",
            "project_id": "p",
        },
    ),
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
    "ChatAnthropicBedrock": (
        "langchain_aws",
        {"model": "anthropic.claude-3-haiku-20240307-v1:0", "region_name": "us-east-1"},
    ),
    "ChatAnthropicVertex": (
        "langchain_google_vertexai.model_garden",
        {"model": "claude-3-5-haiku@20241022", "project": "p", "location": "us-east5"},
    ),
}


def without_model(name: str) -> tuple[str, dict[str, Any]]:
    """`name`'s entry, its model keyword left out."""
    module, keywords = PARTNER_BUILDS[name]
    return module, {k: v for k, v in keywords.items() if k not in ("model", "model_id")}


#: Drop-in name -> (partner module, its constructor's keywords for a local server at
#: `url`, a key read from the environment or a fixed token): the suites that answer both
#: from one server.
AT_URL: dict[str, tuple[str, Callable[[str], dict[str, Any]]]] = {
    "ChatOpenAI": ("langchain_openai", lambda url: {"model": "gpt-4o-mini", "base_url": url}),
    "ChatGroq": ("langchain_groq", lambda url: {"model": "llama-3.1-8b-instant", "base_url": url}),
    "ChatDeepSeek": ("langchain_deepseek", lambda url: {"model": "deepseek-chat", "api_base": url}),
    "ChatXAI": ("langchain_xai", lambda url: {"model": "grok-4", "xai_api_base": url}),
    "ChatTogether": ("langchain_together", lambda url: {"model": "m", "base_url": url}),
    "ChatFireworks": ("langchain_fireworks", lambda url: {"model": "f", "base_url": url}),
    "ChatMistralAI": ("langchain_mistralai", lambda url: {"model": "m", "endpoint": url}),
    "ChatAnthropic": (
        "langchain_anthropic",
        lambda url: {"model": "claude-haiku-4-5", "base_url": url},
    ),
    "ChatAnthropicVertex": (
        "langchain_google_vertexai.model_garden",
        lambda url: {
            "model": "claude-haiku-4-5@20251001",
            "project": "p",
            "location": "us-east5",
            "base_url": url + "/v1",
            "access_token": "t",
        },
    ),
}
