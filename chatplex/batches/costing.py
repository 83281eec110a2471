"""Batch replies priced at batch rates and counted in `chatplex.track_usage()`."""

from __future__ import annotations

from ..chat.accounting.cost import cost_of
from ..chat.accounting.usage import record_hit
from ..messages import AIMessage

__all__ = ["charge"]


def charge(message: AIMessage, provider: str, model: str, url: str | None) -> None:
    """Put the reply's batch-rate price in `response_metadata["cost"]` and count it in
    every active `track_usage()` block."""
    meta = message.response_metadata
    meta["cost"] = cost_of(
        message.usage_metadata,
        meta.get("model_name") or model,
        provider=provider,
        url=url,
        batch=True,
    )
    record_hit(message, model)
