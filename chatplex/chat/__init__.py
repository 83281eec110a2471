"""Chat models: `ChatModel` over an adapter and the http layer, `FakeChatModel`,
configurable models, the LangChain drop-ins `ChatOpenAI` / `ChatAnthropic`,
`init_chat_model` with its provider registry and configuration
profiles (see ARCHITECTURE.md); reply caches, usage tracking and cost.

The drop-ins load on first use (module `__getattr__`, PEP 562): `import chatplex` does
not pay for their LangChain aliases, refused settings and URL handling.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .cache import BaseCache, InMemoryCache, SQLiteCache, get_llm_cache, set_llm_cache
from .cost import Cost, cost_of, reply_cost
from .factory import init_chat_model
from .fake import FakeChatModel
from .model import ChatModel
from .providers import register_provider
from .usage import ModelUsage, UsageCallbackHandler, UsageTracker, track_usage

if TYPE_CHECKING:
    from .anthropic_model import ChatAnthropic
    from .openai_model import ChatOpenAI


def __getattr__(name: str) -> Any:
    value: Any
    if name == "ChatOpenAI":
        from .openai_model import ChatOpenAI as value
    elif name == "ChatAnthropic":
        from .anthropic_model import ChatAnthropic as value
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


__all__ = [
    "BaseCache",
    "ChatAnthropic",
    "ChatModel",
    "ChatOpenAI",
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
