"""How a model describes itself to its callback run (`on_chat_model_start`): its
serialized form (name, model, provider, where calls go) and its invocation params.
Plain functions of the model, bound as its `_serialized` and `_invocation_params` in
the class body (so a subclass still overrides each by name).
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from typing import Any

if TYPE_CHECKING:
    from ..adapters.request_types import CallSettings
    from .model import ChatModel

__all__ = ["invocation_params", "serialized"]


def invocation_params(self: ChatModel, settings: CallSettings) -> dict[str, Any]:
    return {
        "provider": self.provider_label,  # traces' `ls_provider`, `gen_ai.provider.name`
        "model": settings.model,
        "temperature": settings.temperature,
        "max_tokens": settings.max_tokens,
        "top_p": settings.top_p,
        "stop": settings.stop,
        "tools": [t.name for t in settings.tools],
    }


def serialized(self: ChatModel) -> dict[str, Any]:
    kwargs = {"model": self.model, "provider": self.provider}
    # Where calls go (OpenTelemetry's server.address): some adapters name it endpoint_url.
    adapter = self.adapter
    base_url = adapter and (adapter.base_url or adapter.endpoint_url)
    if isinstance(base_url, str):
        kwargs["base_url"] = base_url
    return {"name": self.get_name(), "kwargs": kwargs}
