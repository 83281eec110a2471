"""Batch replies priced at batch rates and counted in `chatplex.track_usage()`.

The price table and the usage trackers are issue 15's (`chatplex.chat.cost`,
`chatplex.chat.usage`); until that lands this module is the one seam: `charge` does
nothing when they are missing, and results carry no `cost`.
"""

from __future__ import annotations

import functools
from importlib import import_module
from typing import Any

from ..messages import AIMessage

__all__ = ["charge"]


@functools.cache  # a failed import searches sys.path again every time: once per process
def _optional(name: str) -> Any:
    try:
        return import_module(name)
    except ImportError:
        return None


def charge(message: AIMessage, provider: str, model: str, url: str | None) -> None:
    """Put the reply's batch-rate price in `response_metadata["cost"]` and count it in
    every active `track_usage()` block."""
    cost = _optional("chatplex.chat.cost")
    usage = _optional("chatplex.chat.usage")
    if cost is None or usage is None:
        return
    meta = message.response_metadata
    meta["cost"] = cost.cost_of(
        message.usage_metadata,
        meta.get("model_name") or model,
        provider=provider,
        url=url,
        batch=True,
    )
    usage.record_hit(message, model)
