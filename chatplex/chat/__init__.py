"""Chat models: `ChatModel` over an adapter and the http layer, `FakeChatModel`,
configurable models, the LangChain drop-ins `ChatOpenAI` / `ChatAnthropic`,
`init_chat_model` with its provider registry and configuration
profiles (see ARCHITECTURE.md)."""

from __future__ import annotations

from .anthropic_model import ChatAnthropic
from .factory import init_chat_model
from .fake import FakeChatModel
from .model import ChatModel
from .openai_model import ChatOpenAI
from .providers import register_provider

__all__ = [
    "ChatAnthropic",
    "ChatModel",
    "ChatOpenAI",
    "FakeChatModel",
    "init_chat_model",
    "register_provider",
]
