"""The adapter registry (`adapters/__init__.py`): built-in providers by name, loaded on
first use; an adapter's settings are its constructor's keyword-only parameters."""

from __future__ import annotations

import doctest

import pytest

import chatplex.adapters
from chatplex.adapters import BUILTIN_ADAPTERS
from chatplex.adapters import adapter_class
from chatplex.adapters import adapter_parameters
from chatplex.providers.anthropic.adapter import AnthropicAdapter
from chatplex.providers.compatible.spec import PROFILES
from chatplex.providers.openai.adapter import OpenAIAdapter
from tests._fresh import fresh_python


def test_built_in_providers() -> None:
    assert {"openai", "anthropic", "azure_openai"} <= set(BUILTIN_ADAPTERS)
    assert adapter_class("azure_openai").__name__ == "AzureOpenAIAdapter"
    assert {"openai", "anthropic", "bedrock_converse", "bedrock"} <= set(BUILTIN_ADAPTERS)
    assert {"openai", "anthropic", "google_genai", "google_vertexai"} <= set(BUILTIN_ADAPTERS)
    assert adapter_class("google_genai").__name__ == "GeminiAdapter"
    assert adapter_class("google_vertexai").__name__ == "VertexAIAdapter"
    assert {"openai", "anthropic", *PROFILES} <= set(BUILTIN_ADAPTERS)
    assert "ollama" not in PROFILES  # the native /api/chat adapter's name, not a preset
    assert {"openai", "anthropic", "openai_responses"} <= set(BUILTIN_ADAPTERS)
    assert {"openai", "anthropic", "ollama"} <= set(BUILTIN_ADAPTERS)
    assert adapter_class("openai") is OpenAIAdapter
    assert adapter_class("openai_responses").__name__ == "OpenAIResponsesAdapter"
    assert adapter_class("anthropic") is AnthropicAdapter
    with pytest.raises(KeyError):
        adapter_class("fake")  # not an adapter: the fake model needs none


def test_parameters_are_the_keyword_only_ones() -> None:
    class Adapter:
        def __init__(self, positional: str = "", *, api_key: str = "", base_url: str = "") -> None:
            pass

    assert adapter_parameters(Adapter) == ("api_key", "base_url")
    assert adapter_parameters(Adapter) is adapter_parameters(Adapter)  # read once
    assert "api_key" in adapter_parameters(OpenAIAdapter)
    assert "include_usage" in adapter_parameters(OpenAIAdapter)


def test_importing_the_registry_loads_no_adapter() -> None:
    code = (
        "import sys\n"
        "import chatplex.adapters\n"
        "wires = ('chatplex.providers.openai.adapter', 'chatplex.providers.anthropic.adapter')\n"
        "print([m for m in wires if m in sys.modules])\n"
    )
    out = fresh_python(code)
    assert out.stdout.strip() == "[]"


def test_docstring_examples() -> None:
    failures, tried = doctest.testmod(chatplex.adapters)
    assert failures == 0 and tried > 0
