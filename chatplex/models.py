"""`init_chat_model`: build a chat model from a "provider:model" string.

>>> model = init_chat_model("fake:any", responses=["hi"])
>>> model.invoke("hello").text
'hi'
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .runnables.chat_model import ChatModel

__all__ = ["PROVIDERS", "init_chat_model", "register_provider", "split_model_name"]

ModelFactory = Callable[..., ChatModel]

# Adapter-construction settings per provider; everything else goes to ChatModel.
_OPENAI_ADAPTER_ARGS = (
    "api_key",
    "base_url",
    "organization",
    "project",
    "default_headers",
    "include_usage",
)
_ANTHROPIC_ADAPTER_ARGS = (
    "api_key",
    "base_url",
    "anthropic_version",
    "default_headers",
    "default_max_tokens",
)


def _split(settings: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {name: settings.pop(name) for name in names if name in settings}


def _openai(model: str, **settings: Any) -> ChatModel:
    from .adapters.openai import OpenAIAdapter

    adapter = OpenAIAdapter(**_split(settings, _OPENAI_ADAPTER_ARGS))
    return ChatModel(adapter, model, **settings)


def _anthropic(model: str, **settings: Any) -> ChatModel:
    from .adapters.anthropic import AnthropicAdapter

    adapter = AnthropicAdapter(**_split(settings, _ANTHROPIC_ADAPTER_ARGS))
    return ChatModel(adapter, model, **settings)


def _fake(model: str, **settings: Any) -> ChatModel:
    from .runnables.fake import FakeChatModel

    return FakeChatModel(model=model, **settings)


#: Provider name → factory(model, **settings). Extend with `register_provider`.
PROVIDERS: dict[str, ModelFactory] = {
    "openai": _openai,
    "anthropic": _anthropic,
    "fake": _fake,
}

# Bare model names whose provider is unambiguous.
_PREFIXES = (
    (("gpt-", "o1", "o3", "o4", "chatgpt-"), "openai"),
    (("claude-",), "anthropic"),
)


def register_provider(name: str, factory: ModelFactory) -> None:
    """Make `init_chat_model("name:model")` use `factory(model, **settings)`."""
    PROVIDERS[name] = factory


def split_model_name(name: str) -> tuple[str, str]:
    """ "openai:gpt-4o-mini" → ("openai", "gpt-4o-mini"); a bare name infers the provider."""
    provider, sep, model = name.partition(":")
    if sep:
        if not provider or not model:
            raise ValueError(f"model must look like 'provider:model', got {name!r}")
        return provider, model
    for prefixes, inferred in _PREFIXES:
        if name.startswith(prefixes):
            return inferred, name
    raise ValueError(
        f"cannot tell the provider of model {name!r}; write it as 'provider:model' "
        f"with provider one of: {', '.join(sorted(PROVIDERS))}"
    )


def init_chat_model(model: str, **settings: Any) -> ChatModel:
    """Build a chat model: `init_chat_model("anthropic:claude-sonnet-4-5", temperature=0)`.

    Settings: `temperature`, `max_tokens`, `top_p`, `stop`, `timeout`, `max_retries`,
    `api_key`, `base_url`, `default_headers`, `http_client`, `http_async_client`, and
    provider extras (sent in the request body unchanged).
    """
    provider, model_name = split_model_name(model)
    factory = PROVIDERS.get(provider)
    if factory is None:
        raise ValueError(
            f"unknown provider {provider!r}; known providers: {', '.join(sorted(PROVIDERS))}"
        )
    return factory(model_name, **settings)
