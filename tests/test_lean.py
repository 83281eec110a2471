"""chatplex/lean.py: chatplex's engines under LangChain's names, whatever is installed."""

from __future__ import annotations

import importlib

import pytest

import chatplex.lean
from chatplex.chat import ChatModel
from chatplex.chat import init_chat_model
from chatplex.dropins import DROP_IN_MODULES


@pytest.mark.parametrize("name", sorted(DROP_IN_MODULES))
def test_each_name_is_the_engine_of_its_provider_folder(name: str) -> None:
    engine = getattr(chatplex.lean, name)
    assert engine is getattr(importlib.import_module(DROP_IN_MODULES[name]), name)
    assert issubclass(engine, ChatModel)


def test_init_chat_model_is_chatplexs_own() -> None:
    assert chatplex.lean.init_chat_model is init_chat_model
    model = chatplex.lean.init_chat_model("openai:gpt-4o-mini", api_key="sk-x")
    assert isinstance(model, ChatModel)


def test_an_unknown_name_is_an_attribute_error_naming_it() -> None:
    with pytest.raises(AttributeError, match="ChatNobody"):
        chatplex.lean.ChatNobody  # noqa: B018


def test_dir_lists_every_name() -> None:
    assert set(chatplex.lean.__all__) <= set(dir(chatplex.lean))
    assert {"init_chat_model", "ChatOpenAI", "ChatGroq"} <= set(chatplex.lean.__all__)
