"""The OpenAI-compatible providers' names (their profiles: `adapters/compatible.py`)."""

from __future__ import annotations

from ...specs import ProviderSpec


def _preset(
    name: str,
    langchain_class: str | None = None,
    otel_name: str | None = None,
    model_prefixes: tuple[str, ...] = (),
    adapter: str | None = None,
    price_id: str | None = None,
) -> ProviderSpec:
    # "groq" -> chatplex.adapters.compatible:GroqAdapter, the profile's adapter class.
    adapter = adapter or "".join(part.capitalize() for part in name.split("_")) + "Adapter"
    return ProviderSpec(
        name,
        f"chatplex.adapters.compatible:{adapter}",
        langchain_class=langchain_class,
        otel_name=otel_name,
        model_prefixes=model_prefixes,
        price_id=price_id,
    )


SPECS = (
    _preset("groq", "ChatGroq", "groq"),
    _preset("deepseek", "ChatDeepSeek", "deepseek", ("deepseek",)),
    _preset("xai", "ChatXAI", "x_ai", ("grok",), price_id="x-ai"),
    _preset("mistralai", "ChatMistralAI", "mistral_ai", ("mistral", "mixtral"), price_id="mistral"),
    _preset("fireworks", "ChatFireworks", model_prefixes=("accounts/fireworks",)),
    _preset("together", "ChatTogether"),
    _preset("perplexity", "ChatPerplexity", "perplexity", ("sonar",)),
    _preset("cerebras"),
    _preset("openrouter", adapter="OpenRouterAdapter"),
    _preset("huggingface", "ChatHuggingFace"),
    _preset("vllm"),
    _preset("lmstudio"),
    _preset("ollama_openai", price_id="ollama"),
)
