"""Test helper: `ChatBedrockConverse`'s model, built from its record (`dropin.build`;
decision 013) where its tests built the engine class it replaced."""

from __future__ import annotations

from typing import Any

from chatplex.chat import ChatModel
from chatplex.providers.bedrock import dropin

__all__ = ["ChatBedrockConverse"]


def ChatBedrockConverse(**keywords: Any) -> ChatModel:  # noqa: N802 (the engine's name)
    """The model `ChatBedrockConverse` builds from `keywords` (its constructor's, as
    langchain-aws spells them), as the engine class it replaced built it."""
    return dropin.build(keywords)
