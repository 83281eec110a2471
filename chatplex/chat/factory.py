"""`init_chat_model`: build a chat model from a "provider:model" string or configuration.

>>> model = init_chat_model("fake:any", responses=["hi"])
>>> model.invoke("hello").text
'hi'

With no model, the model and its settings come from the environment (`CHATPLEX_MODEL`,
`CHATPLEX_TEMPERATURE`, ...) and a `chatplex.toml` profile: see `chatplex.chat.profiles`.
Providers are looked up in `chatplex.chat.providers`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal, overload

from ..secret import Secret
from .model import ChatModel
from .providers import build, provider_factory, split_model_name

if TYPE_CHECKING:
    from ..core import Runnable
    from ..messages import AIMessage
    from .profiles import ModelSpec

__all__ = ["init_chat_model"]


def _build_spec(spec: ModelSpec) -> ChatModel:
    from .profiles import ConfigError

    try:
        return build(spec.model, _reveal(spec.settings))
    except ConfigError:
        raise
    except ValueError as exc:
        origin = spec.origins.get("model", "configuration")
        raise ConfigError(f"model {spec.model!r} (from {origin}): {exc}") from exc


def _reveal(value: Any) -> Any:
    """Settings as a factory takes them: `Secret`s (kept masked while resolving) as str."""
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
    `http_async_client`, `streaming`, `stream_usage`, `rate_limiter`, `model_kwargs`,
    `extra_body`, and parameters of the provider's API (sent in the request body; for
    OpenAI and Anthropic an unknown one is a TypeError naming the closest name).

    - `init_chat_model()`: the model comes from `CHATPLEX_MODEL` or the config file's
      default profile; `init_chat_model(profile="cheap")` names the profile. Call
      arguments beat the environment, which beats the file (see `chatplex.chat.profiles`).
      A profile with `fallbacks` gives `model.with_fallbacks([...])`.
    - A model named in code without `profile=` reads no environment and no file.
    - `configurable=True`: a `ConfigurableChatModel` that switches model per call from
      `config["configurable"]["model"]` (see `chatplex.chat.configurable`).

    >>> init_chat_model("fake:any").model
    'any'
    """
    # Configuration files and configurable models load on first use (import speed).
    if configurable:
        from .configurable import ConfigurableChatModel

        if model is not None and profile is None:
            provider_factory(split_model_name(model)[0])  # fail now on a bad name, build lazily
            return ConfigurableChatModel(model, **settings)
        return ConfigurableChatModel(
            init_chat_model(model, profile=profile, **settings), **settings
        )
    if model is not None and profile is None:
        return build(model, settings)
    from .profiles import resolve

    resolved = resolve(model, profile=profile, settings=settings)
    primary = _build_spec(resolved.primary)
    if not resolved.fallbacks:
        return primary
    return primary.with_fallbacks([_build_spec(spec) for spec in resolved.fallbacks])
