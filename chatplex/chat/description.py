"""What a `ChatModel` says of itself: its repr (never a key), its name in events, traces
and callbacks, the provider as users name it, and what its callback run is told
(`on_chat_model_start`'s serialized model and invocation params). The model's methods
call these, which read it through `Describable` and never import `ChatModel`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any
from typing import Protocol

from ..specs import spec
from .call import OnWire

if TYPE_CHECKING:
    from ..adapters.request_types import CallSettings

__all__ = [
    "Describable",
    "base_name",
    "invocation_params",
    "model_repr",
    "provider_label",
    "serialized",
]


class Describable(OnWire, Protocol):
    """A model as it is described: its wire, model name and own name."""

    @property
    def name(self) -> str | None: ...

    def get_name(self) -> str: ...


def model_repr(model: object) -> str:
    """`ChatModel(provider=..., model=..., ...)`: with getattr defaults, it never raises,
    even for a model whose `__init__` failed part-way (a traceback rendered with its
    frames' locals shows it)."""
    shown = {
        k: getattr(model, k, None)
        for k in ("model", "temperature", "max_tokens")
        if getattr(model, k, None) is not None
    }
    args = ", ".join(f"{k}={v!r}" for k, v in shown.items())
    return f"{type(model).__name__}(provider={getattr(model, 'provider', None)!r}, {args})"


def base_name(model: Describable, *, generic: bool) -> str:
    """The name before any suffix: the one given, else for a `generic` model (a plain
    `ChatModel`, as `init_chat_model` builds) the class LangChain's `init_chat_model`
    returns, as the provider's spec names it (once there is an adapter: an error while
    constructing names "ChatModel"; so does a provider LangChain has no class for), else
    the class's name."""
    if model.name:
        return model.name
    if generic and getattr(model, "adapter", None) is not None:
        declared = spec(provider_label(model))
        return (declared and declared.langchain_class) or "ChatModel"
    return type(model).__name__


def provider_label(model: Describable) -> str:
    """The provider as users name it (a preset's name, `"azure_openai"`) where `provider` is
    its wire (`"openai"`): the adapter's registry name or preset, else its wire."""
    adapter = model.adapter
    if adapter is None:
        return model.provider
    return adapter.registry_name or adapter.preset or model.provider


def invocation_params(model: Describable, settings: CallSettings) -> dict[str, Any]:
    """The invocation params its callback run is told of, for a call's `settings`."""
    return {
        "provider": provider_label(model),  # traces' `ls_provider`, `gen_ai.provider.name`
        "model": settings.model,
        "temperature": settings.temperature,
        "max_tokens": settings.max_tokens,
        "top_p": settings.top_p,
        "stop": settings.stop,
        "tools": [t.name for t in settings.tools],
    }


def serialized(model: Describable) -> dict[str, Any]:
    """The model as its callback run is told of it: its name, model and provider, and
    where its calls go (OpenTelemetry's `server.address`) when the adapter names it."""
    kwargs = {"model": model.model, "provider": model.provider}
    adapter = model.adapter
    # some adapters name it endpoint_url
    base_url = adapter and (adapter.base_url or adapter.endpoint_url)
    if isinstance(base_url, str):
        kwargs["base_url"] = base_url
    return {"name": model.get_name(), "kwargs": kwargs}
