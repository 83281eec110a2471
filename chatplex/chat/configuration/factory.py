"""`init_chat_model`: build a chat model from a "provider:model" string or configuration.

>>> model = init_chat_model("fake:any", responses=["hi"])
>>> model.invoke("hello").text
'hi'

With no model, the model and its settings come from the environment (`CHATPLEX_MODEL`,
`CHATPLEX_TEMPERATURE`, ...) and a `chatplex.toml` profile: see
`chatplex.chat.configuration.profiles`. Providers are looked up in
`chatplex.chat.configuration.registry`.
"""

from __future__ import annotations

import warnings
from typing import TYPE_CHECKING
from typing import Any
from typing import Literal
from typing import overload

from ...secret import Secret
from ...secret.arguments import hold_urls
from ...specs import declared_object
from ...specs import spec as provider_spec
from ..model import ChatModel
from ..settings import check_candidates
from .registry import build
from .registry import provider_factory
from .registry import qualified_model_name
from .registry import split_model_name

if TYPE_CHECKING:
    from ...core import Runnable
    from ...messages import AIMessage
    from .configurable_fields import Fields
    from .profiles import ModelSpec

__all__ = ["init_chat_model", "warn_unused_prefix"]


def _build_spec(spec: ModelSpec) -> ChatModel:
    from .profiles import ConfigError

    settings = spec.held_settings()  # its keys and credential URLs never revealed here
    _hold_credentials(settings)  # and what a table revealed held before the registry
    try:
        return build(spec.model, settings)
    except ConfigError:
        raise
    except ValueError as exc:
        origin = spec.origins.get("model", "configuration")
        raise ConfigError(f"model {spec.model!r} (from {origin}): {exc}") from exc


@overload
def init_chat_model(
    model: str,
    *,
    model_provider: str | None = None,
    configurable_fields: None = None,
    config_prefix: str | None = None,
    profile: None = None,
    configurable: Literal[False] = False,
    **settings: Any,
) -> ChatModel: ...


@overload
def init_chat_model(
    model: str | None = None,
    *,
    model_provider: str | None = None,
    configurable_fields: Fields | None = None,
    config_prefix: str | None = None,
    profile: str | None = None,
    configurable: bool = False,
    **settings: Any,
) -> Runnable[Any, AIMessage]: ...


def init_chat_model(
    model: str | None = None,
    *,
    model_provider: str | None = None,
    configurable_fields: Fields | None = None,
    config_prefix: str | None = None,
    profile: str | None = None,
    configurable: bool = False,
    **settings: Any,
) -> Runnable[Any, AIMessage]:
    """Build a chat model from a "provider:model" string, as LangChain's `init_chat_model`.

    A model named in code without `profile=` reads no environment variable but the
    provider's key and base URL, and no file. Call arguments beat the environment
    (`CHATPLEX_MODEL`), which beats the configuration file (`chatplex.toml`; see
    `chatplex.chat.configuration.profiles`).

    Args:
        model: "provider:model" (`"openai:gpt-4o-mini"`,
            `"anthropic:claude-sonnet-4-5"`), or a bare model name whose provider is
            inferred (`"gpt-4o"`, `"claude-..."`). None: the model of `CHATPLEX_MODEL` or
            of the configuration file's default profile; with neither, a model each
            call names (`config={"configurable": {"model": ...}}`), as in LangChain.
        model_provider: the provider of a bare `model` (LangChain's keyword):
            `init_chat_model("gpt-4o", model_provider="openai")`.
        configurable_fields: fields each call may set through
            `config["configurable"]`: a tuple of names such as `("model",
            "temperature")`, or `"any"` (see
            `chatplex.chat.configuration.configurable_fields`).
        config_prefix: the prefix of those keys (`"{prefix}_model"`).
        profile: a profile of the configuration file (`[profiles.cheap]`); a profile
            with `fallbacks` gives `model.with_fallbacks([...])`.
        configurable: True for a `ConfigurableChatModel` that switches model per call
            from `config["configurable"]["model"]`.
        **settings: the model's settings -- `temperature`, `max_tokens`, `top_p`,
            `stop`, `timeout`, `max_retries`, `max_retry_after`, `retry_policy`,
            `rate_limit`, `stream_idle_timeout`, `extra_headers`, `api_key`,
            `base_url`, `default_headers`, `http_client`, `http_async_client`,
            `streaming`, `stream_usage`, `rate_limiter`, `model_kwargs`, `extra_body`
            -- and parameters of the provider's API, sent in the request body.

    Returns:
        A `ChatModel` (a configurable runnable for `configurable=True` or
        `configurable_fields`; a runnable with fallbacks for such a profile).

    Raises:
        ValueError: a provider chatplex does not know (with the closest name), a model
            whose provider cannot be told (`"openai/gpt-4o"` gets "did you mean
            'openai:gpt-4o'?"), or a missing API key.
        TypeError: a setting that is neither chatplex's nor a parameter of the
            provider's API (naming the closest one), or a model that is not a string.

    Examples:
        >>> init_chat_model("fake:any").model
        'any'
        >>> init_chat_model("any", model_provider="fake").model
        'any'
        >>> from chatplex.testing import MockServer
        >>> with MockServer() as server:  # an OpenAI-shaped server on 127.0.0.1
        ...     model = init_chat_model(
        ...         "openai:gpt-4o-mini", base_url=server.openai_base_url, api_key="sk-test"
        ...     )
        ...     model.invoke("hello").text
        'Echo: hello'
    """
    _hold_credentials(settings)  # before anything can fail: no frame below shows a key
    if model is not None and not isinstance(model, str):
        raise TypeError(
            f"model must be a string such as 'openai:gpt-4o-mini', got {type(model).__name__}; "
            "a model already built is used as it is, not passed to init_chat_model()"
        )
    if profile is None and not configurable and (configurable_fields or model is None):
        if model is None and not configurable_fields:
            if _configured_elsewhere():  # CHATPLEX_MODEL or a chatplex.toml profile
                return _from_configuration(model, profile, settings)
            configurable_fields = ("model", "model_provider")  # LangChain's default
        if configurable_fields:
            return _fields_configurable(
                model, model_provider, configurable_fields, config_prefix, settings
            )
    warn_unused_prefix(config_prefix)
    if model is not None:
        model = qualified_model_name(model, model_provider)
    elif model_provider is not None:
        raise ValueError("model_provider names the provider of a model: give the model too")
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
        declared = provider_spec(split_model_name(model)[0])
        if declared is not None and declared.init_settings:  # as its LangChain class's
            declared_object(declared.init_settings)(settings)
        check_candidates(settings)  # (before a wire's alias renames it)
        return build(model, settings)
    return _from_configuration(model, profile, settings)


def _hold_credentials(settings: dict[str, Any]) -> None:
    """Credentials among `settings` (`api_key`, a partner class's `<name>_api_key`,
    `aws_session_token`..., and a base URL carrying one: `http://user:KEY@host`,
    `?code=...`) as `Secret`s, in place: the dict is this call's own, so from here on no
    frame's locals (what a traceback printer with locals, Sentry or rich show) hold one
    in clear. Adapters take a `Secret` wherever they take a key or a base URL."""
    from ...secret import is_secret_name

    hold_urls(settings)
    for name, value in settings.items():
        if isinstance(value, str) and is_secret_name(name):
            settings[name] = Secret(value)


def _from_configuration(
    model: str | None, profile: str | None, settings: dict[str, Any]
) -> Runnable[Any, AIMessage]:
    from .profiles import resolve

    resolved = resolve(model, profile=profile, settings=settings)
    primary = _build_spec(resolved.primary)
    if not resolved.fallbacks:
        return primary
    return primary.with_fallbacks([_build_spec(spec) for spec in resolved.fallbacks])


def _configured_elsewhere() -> bool:
    """Whether a model named nowhere in code comes from chatplex's configuration (the
    environment's CHATPLEX_MODEL, or a chatplex.toml profile): else LangChain's meaning
    of `init_chat_model()`, a model configured per call, holds."""
    from .profiles import has_configuration

    return has_configuration()


def _fields_configurable(
    model: str | None,
    model_provider: str | None,
    fields: Fields,
    prefix: str | None,
    settings: dict[str, Any],
) -> Runnable[Any, AIMessage]:
    from .configurable_fields import FieldsConfigurableModel

    default = dict(settings)
    if model:
        default["model"] = model
    if model_provider:
        default["model_provider"] = model_provider
    return FieldsConfigurableModel(default, fields, prefix or "")


def warn_unused_prefix(config_prefix: str | None) -> None:
    """LangChain's warning for a `config_prefix` with nothing configurable (raised at
    the caller of `init_chat_model`, which calls this)."""
    if config_prefix:
        warnings.warn(
            f"config_prefix={config_prefix!r} has been set but no fields are configurable. "
            "Set `configurable_fields=(...)` to specify the model params that are configurable.",
            stacklevel=3,
        )
