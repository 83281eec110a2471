"""The model profiles chatplex ships (`chatplex/langchain/profiles/`) are the partner
packages' own, and a drop-in's `.profile` is its partner class's for the same model."""

from __future__ import annotations

import importlib

import pytest

from chatplex.chat.partner_profiles import profile_table
from chatplex.langchain import langchain_class
from tests.langchain._profiles import OUT
from tests.langchain._profiles import SOURCES
from tests.langchain._profiles import partner_profiles
from tests.langchain._profiles import render


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_shipped_profiles_are_the_partner_packages(name: str) -> None:
    shipped = (OUT / f"{name}.json").read_text(encoding="utf-8")
    assert shipped == render(partner_profiles(SOURCES[name])), (
        f"profiles/{name}.json is stale: python -m tests.langchain._profiles"
    )
    assert profile_table(name) == partner_profiles(SOURCES[name])


#: (partner module, class, constructor keywords) for a model each partner profiles.
CASES = [
    ("langchain_openai", "ChatOpenAI", {"model": "gpt-4o-mini", "api_key": "k"}),
    ("langchain_openai", "ChatOpenAI", {"model": "gpt-5", "api_key": "k"}),
    ("langchain_anthropic", "ChatAnthropic", {"model": "claude-haiku-4-5", "api_key": "k"}),
    ("langchain_groq", "ChatGroq", {"model": "llama-3.1-8b-instant", "api_key": "k"}),
    ("langchain_mistralai", "ChatMistralAI", {"model": "mistral-large-latest", "api_key": "k"}),
    ("langchain_xai", "ChatXAI", {"model": "grok-4", "api_key": "k"}),
    ("langchain_deepseek", "ChatDeepSeek", {"model": "deepseek-chat", "api_key": "k"}),
    (
        "langchain_google_genai",
        "ChatGoogleGenerativeAI",
        {"model": "gemini-2.5-flash", "google_api_key": "k"},
    ),
    (
        "langchain_aws",
        "ChatBedrockConverse",
        {
            "model": "us.anthropic.claude-3-5-haiku-20241022-v1:0",
            "region_name": "us-east-1",
            "aws_access_key_id": "AKIDEXAMPLE",
            "aws_secret_access_key": "secret",
        },
    ),
    ("langchain_ollama", "ChatOllama", {"model": "llama3.1"}),
    ("langchain_openrouter", "ChatOpenRouter", {"model": "openai/gpt-4o-mini", "api_key": "k"}),
]


@pytest.mark.parametrize(
    ("module", "name", "kwargs"), CASES, ids=[c[1] + ":" + str(c[2]["model"]) for c in CASES]
)
def test_profile_is_the_partner_class(module: str, name: str, kwargs: dict) -> None:
    partner = getattr(importlib.import_module(module), name)(**kwargs)
    ours = langchain_class(name)(**kwargs)
    assert ours.profile == partner.profile
