"""Provider adapters: pure translation between messages and each wire API.

Each adapter module owns its wire format and its settings (the keyword-only parameters
of its constructor); the built-in ones are registered here by provider name and loaded
on first use, so `import chatplex` reads neither.

>>> adapter_class("openai").__name__
'OpenAIAdapter'
"""

from __future__ import annotations

import functools
import importlib

__all__ = ["BUILTIN_ADAPTERS", "adapter_class", "adapter_parameters"]

#: Provider name → "module:class" of its adapter.
BUILTIN_ADAPTERS = {
    "openai": "chatplex.adapters.openai:OpenAIAdapter",
    "anthropic": "chatplex.adapters.anthropic:AnthropicAdapter",
    "azure_openai": "chatplex.adapters.azure_openai:AzureOpenAIAdapter",
    "bedrock_converse": "chatplex.adapters.bedrock:BedrockAdapter",
    "bedrock": "chatplex.adapters.bedrock:BedrockAdapter",
    "google_genai": "chatplex.adapters.gemini:GeminiAdapter",
    "google_vertexai": "chatplex.adapters.gemini:VertexAIAdapter",
    # OpenAI-compatible providers: declared profiles over the OpenAI adapter (compatible.py).
    "groq": "chatplex.adapters.compatible:GroqAdapter",
    "deepseek": "chatplex.adapters.compatible:DeepseekAdapter",
    "xai": "chatplex.adapters.compatible:XaiAdapter",
    "mistralai": "chatplex.adapters.compatible:MistralaiAdapter",
    "fireworks": "chatplex.adapters.compatible:FireworksAdapter",
    "together": "chatplex.adapters.compatible:TogetherAdapter",
    "perplexity": "chatplex.adapters.compatible:PerplexityAdapter",
    "cerebras": "chatplex.adapters.compatible:CerebrasAdapter",
    "openrouter": "chatplex.adapters.compatible:OpenRouterAdapter",
    "huggingface": "chatplex.adapters.compatible:HuggingfaceAdapter",
    "vllm": "chatplex.adapters.compatible:VllmAdapter",
    "lmstudio": "chatplex.adapters.compatible:LmstudioAdapter",
    "ollama_openai": "chatplex.adapters.compatible:OllamaOpenaiAdapter",
    "openai_responses": "chatplex.adapters.openai_responses:OpenAIResponsesAdapter",
    "ollama": "chatplex.adapters.ollama:OllamaAdapter",
}


def adapter_class(provider: str) -> type:
    """The adapter class of a built-in provider (KeyError for others)."""
    module, _, name = BUILTIN_ADAPTERS[provider].partition(":")
    cls: type = getattr(importlib.import_module(module), name)
    return cls


@functools.cache
def adapter_parameters(cls: type) -> tuple[str, ...]:
    """The settings an adapter class takes: its keyword-only constructor parameters.

    >>> adapter_parameters(adapter_class("anthropic"))[:2]
    ('api_key', 'base_url')
    """
    import inspect  # not at import time: `import chatplex` stays fast

    signature = inspect.signature(cls)  # the constructor's parameters, without self
    return tuple(p.name for p in signature.parameters.values() if p.kind is p.KEYWORD_ONLY)
