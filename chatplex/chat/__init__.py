"""Chat models: `ChatModel` over an adapter and the http layer, `FakeChatModel`,
configurable models, the LangChain drop-ins `ChatOpenAI` / `ChatAnthropic`,
`init_chat_model` with its provider registry and configuration
profiles (see ARCHITECTURE.md)."""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from .factory import init_chat_model
from .fake import FakeChatModel
from .model import ChatModel
from .providers import register_provider

if TYPE_CHECKING:
    from .anthropic_model import ChatAnthropic
    from .openai_model import ChatOpenAI

__all__ = [
    "ChatAnthropic",
    "ChatModel",
    "ChatOpenAI",
    "FakeChatModel",
    "init_chat_model",
    "register_provider",
]

#: The drop-ins load on first use (PEP 562), not with `import chatplex`: they bring the
#: LangChain parameter tables and URL handling, which most scripts never touch.
_LAZY = {"ChatAnthropic": ".anthropic_model", "ChatOpenAI": ".openai_model"}


def __getattr__(name: str) -> Any:
    home = _LAZY.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(home, __name__), name)
    globals()[name] = value  # later lookups skip __getattr__
    return value
