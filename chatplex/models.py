"""`init_chat_model`: build a chat model from a "provider:model" string or configuration.

>>> model = init_chat_model("fake:any", responses=["hi"])
>>> model.invoke("hello").text
'hi'

With no model, the model and its settings come from the environment (`CHATPLEX_MODEL`,
`CHATPLEX_TEMPERATURE`, ...) and a `chatplex.toml` profile: see `chatplex.config`.
Providers beyond the built-in ones are found through the `chatplex.adapters` entry-point
group: `[project.entry-points."chatplex.adapters"] mistral = "pkg.module:factory"`, where
`factory(model, **settings)` returns a `ChatModel`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, overload

from .runnables.chat_model import ChatModel

if TYPE_CHECKING:
    from .config import ModelSpec
    from .messages import AIMessage
    from .runnables.base import Runnable

__all__ = [
    "CONNECTION_SETTINGS",
    "ENTRY_POINT_GROUP",
    "PROVIDERS",
    "init_chat_model",
    "register_provider",
    "split_model_name",
]

ModelFactory = Callable[..., ChatModel]

#: The entry-point group third-party adapters register in.
ENTRY_POINT_GROUP = "chatplex.adapters"

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

#: Settings that say how to reach one provider; a profile's are never carried to another.
CONNECTION_SETTINGS = frozenset(_OPENAI_ADAPTER_ARGS + _ANTHROPIC_ADAPTER_ARGS)


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


def _entry_points() -> dict[str, Any]:
    import importlib.metadata

    return {ep.name: ep for ep in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP)}


def _factory(provider: str) -> ModelFactory:
    factory = PROVIDERS.get(provider)
    if factory is not None:
        return factory
    # Only now look at installed distributions: built-in names never pay for the scan.
    found = _entry_points()
    entry = found.get(provider)
    if entry is None:
        known = ", ".join(sorted({*PROVIDERS, *found}))
        raise ValueError(f"unknown provider {provider!r}; known providers: {known}")
    try:
        loaded = entry.load()
    except Exception as exc:
        raise ImportError(
            f"the {ENTRY_POINT_GROUP} entry point {provider!r} ({entry.value}) failed to load: "
            f"{type(exc).__name__}: {exc}"
        ) from exc
    if not callable(loaded):
        raise TypeError(f"the {ENTRY_POINT_GROUP} entry point {provider!r} is not callable")
    PROVIDERS[provider] = loaded  # later calls skip the scan
    return loaded  # type: ignore[no-any-return]


def _build(model: str, settings: dict[str, Any]) -> ChatModel:
    provider, model_name = split_model_name(model)
    built = _factory(provider)(model_name, **settings)
    if not isinstance(built, ChatModel):
        raise TypeError(
            f"the factory of provider {provider!r} returned {type(built).__name__}, not a ChatModel"
        )
    return built


def _build_spec(spec: ModelSpec) -> ChatModel:
    from .config import ConfigError

    try:
        return _build(spec.model, _reveal(spec.settings))
    except ConfigError:
        raise
    except ValueError as exc:
        origin = spec.origins.get("model", "configuration")
        raise ConfigError(f"model {spec.model!r} (from {origin}): {exc}") from exc


def _reveal(value: Any) -> Any:
    """Settings as a factory takes them: `Secret`s (kept masked while resolving) as str."""
    from .adapters._base import Secret

    if isinstance(value, Secret):
        return value.get()
    if isinstance(value, dict):
        return {k: _reveal(v) for k, v in value.items()}
    return [_reveal(v) for v in value] if isinstance(value, list) else value


@overload
def init_chat_model(
    model: str, *, profile: None = None, configurable: Literal[False] = False, **settings: Any
) -> ChatModel: ...


@overload
def init_chat_model(
    model: str | None = None,
    *,
    profile: str | None = None,
    configurable: bool = False,
    **settings: Any,
) -> Runnable[Any, AIMessage]: ...


def init_chat_model(
    model: str | None = None,
    *,
    profile: str | None = None,
    configurable: bool = False,
    **settings: Any,
) -> Runnable[Any, AIMessage]:
    """Build a chat model: `init_chat_model("anthropic:claude-sonnet-4-5", temperature=0)`.

    Settings: `temperature`, `max_tokens`, `top_p`, `stop`, `timeout`, `max_retries`,
    `max_retry_after`, `retry_policy`, `rate_limit`, `stream_idle_timeout`,
    `extra_headers`, `api_key`, `base_url`, `default_headers`, `http_client`,
    `http_async_client`, and provider extras (sent in the request body unchanged).

    - `init_chat_model()`: the model comes from `CHATPLEX_MODEL` or the config file's
      default profile; `init_chat_model(profile="cheap")` names the profile. Call
      arguments beat the environment, which beats the file (see `chatplex.config`).
      A profile with `fallbacks` gives `model.with_fallbacks([...])`.
    - A model named in code without `profile=` reads no environment and no file.
    - `configurable=True`: a `ConfigurableChatModel` that switches model per call from
      `config["configurable"]["model"]` (see `chatplex.runnables.configurable`).

    >>> init_chat_model("fake:any").model
    'any'
    """
    if configurable:
        from .runnables.configurable import ConfigurableChatModel

        if model is not None and profile is None:
            _factory(split_model_name(model)[0])  # fail now on a bad name, build lazily
            return ConfigurableChatModel(model, **settings)
        return ConfigurableChatModel(
            init_chat_model(model, profile=profile, **settings), **settings
        )
    if model is not None and profile is None:
        return _build(model, settings)
    from .config import resolve

    resolved = resolve(model, profile=profile, settings=settings)
    primary = _build_spec(resolved.primary)
    if not resolved.fallbacks:
        return primary
    return primary.with_fallbacks([_build_spec(spec) for spec in resolved.fallbacks])
