"""Chat models: `ChatModel` over an adapter and the http layer, `FakeChatModel`,
configurable models, `init_chat_model` with its provider registry and configuration
profiles (see ARCHITECTURE.md)."""

from __future__ import annotations

from .factory import init_chat_model
from .fake import FakeChatModel
from .model import ChatModel
from .providers import register_provider

__all__ = [
    "ChatModel",
    "FakeChatModel",
    "init_chat_model",
    "register_provider",
]
