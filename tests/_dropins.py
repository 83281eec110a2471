"""Test helper: a drop-in's record (`record`), the headers its partner's SDK sends
(`partner_headers`), and its chatplex model, built from its record
(`PartnerClass.build`): its LangChain class's `chatplex_model`."""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from typing import Any

from chatplex.chat import ChatModel
from chatplex.chat.partner_record import PartnerClass
from chatplex.chat.sdk_agents import PartnerHeaders
from chatplex.chat.sdk_agents import sdk_headers
from chatplex.dropins import DROP_IN_MODULES
from chatplex.langchain import langchain_class

__all__ = ["chat_model", "engine", "partner_headers", "record"]


def record(name: str) -> PartnerClass:
    """The record of the drop-in `name`, in its wire's folder."""
    found: PartnerClass = getattr(importlib.import_module(DROP_IN_MODULES[name]), name)
    return found


def partner_headers(name: str) -> PartnerHeaders | None:
    """The headers the drop-in `name` sends as its partner's SDK (None: chatplex's own)."""
    return sdk_headers(record(name).sdk)


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
