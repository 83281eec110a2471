"""A ChatChatplex over the suite's mock server, for the tests of its modules."""

from __future__ import annotations

from typing import Any

from _lckit import base_url

from chatplex.langchain import ChatChatplex

__all__ = ["PROVIDERS", "llm"]

PROVIDERS = ["openai", "anthropic"]


def llm(provider: str, **settings: Any) -> ChatChatplex:
    return ChatChatplex(
        model=f"{provider}:m", base_url=base_url(provider), api_key="sk-secret-123", **settings
    )
