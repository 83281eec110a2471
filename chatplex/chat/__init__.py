"""Chat models: `ChatModel` over an adapter and the http layer, `FakeChatModel`,
configurable models, the kit the LangChain drop-ins are built with (`dropin.py`; the
drop-ins live in their provider's folder, `providers/<wire>/dropin.py`),
`init_chat_model` with its provider registry and configuration
profiles (`configuration/`), reply caches (`caching/`), usage tracking and cost
(`accounting/`); see ARCHITECTURE.md.

Everything but `ChatModel` loads on first use (module `__getattr__`, PEP 562): a
drop-in does not pay for the provider registry, the fake model or the other drop-ins'
LangChain aliases and URL handling, nor for caches and prices a script may never use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING
from typing import Any

from .model import ChatModel

if TYPE_CHECKING:
    from .accounting.cost import Cost
    from .accounting.cost import cost_of
    from .accounting.cost import reply_cost
    from .accounting.usage import ModelUsage
    from .accounting.usage import UsageCallbackHandler
    from .accounting.usage import UsageTracker
    from .accounting.usage import track_usage
    from .caching.base import BaseCache
    from .caching.cache import get_llm_cache
    from .caching.cache import set_llm_cache
    from .caching.memory import InMemoryCache
    from .caching.sqlite import SQLiteCache
    from .configuration.factory import init_chat_model
    from .configuration.registry import register_provider
    from .fake import FakeChatModel

#: Names loaded on first use, and the module of this package each comes from.
_LAZY = {
    # The provider registry (and the built-in adapters it lists) is for
    # `init_chat_model`: a drop-in like `ChatOpenAI` names its adapter itself.
    "init_chat_model": "configuration.factory",
    "register_provider": "configuration.registry",
    "FakeChatModel": "fake",
    **dict.fromkeys(("get_llm_cache", "set_llm_cache"), "caching.cache"),
    "BaseCache": "caching.base",
    "InMemoryCache": "caching.memory",
    "SQLiteCache": "caching.sqlite",
    **dict.fromkeys(("Cost", "cost_of", "reply_cost"), "accounting.cost"),
    **dict.fromkeys(
        ("ModelUsage", "UsageCallbackHandler", "UsageTracker", "track_usage"), "accounting.usage"
    ),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "BaseCache",
    "ChatModel",
    "Cost",
    "FakeChatModel",
    "InMemoryCache",
    "ModelUsage",
    "SQLiteCache",
    "UsageCallbackHandler",
    "UsageTracker",
    "cost_of",
    "get_llm_cache",
    "init_chat_model",
    "register_provider",
    "reply_cost",
    "set_llm_cache",
    "track_usage",
]
