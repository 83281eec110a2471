"""Test helper: a drop-in's chatplex model, built from its record
(`PartnerClass.build`): its LangChain class's `chatplex_model`."""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

from chatplex.chat import ChatModel
from chatplex.langchain import langchain_class

__all__ = ["chat_model", "engine"]


def chat_model(name: str, **keywords: Any) -> ChatModel:
    """The chatplex model the drop-in `name` builds from `keywords` (its
    `chatplex_model`)."""
    built: ChatModel = langchain_class(name)(**keywords).chatplex_model
    return built


def engine(name: str) -> Callable[..., Any]:
    """A function building the drop-in `name`'s model (`chat_model`), with its
    LangChain class's signature."""
    cls = langchain_class(name)

    def build(**keywords: Any) -> ChatModel:
        return chat_model(name, **keywords)

    build.__signature__ = inspect.signature(cls)  # type: ignore[attr-defined]
    return build
