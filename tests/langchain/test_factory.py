"""chatplex/langchain/factory.py: `init_chat_model` as LangChain's, building the drop-in
LangChain chat models for LangChain's form and chatplex's models for chatplex's own."""

from __future__ import annotations

import warnings

import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import Runnable

from chatplex.chat import ChatModel
from chatplex.chat import FakeChatModel
from chatplex.langchain import ChatGroq
from chatplex.langchain import ChatOpenAI
from chatplex.langchain import init_chat_model


def test_langchains_form_gives_the_class_langchain_gives() -> None:
    model = init_chat_model("openai:gpt-4o-mini", api_key="sk-x", temperature=0)
    assert type(model) is ChatOpenAI and isinstance(model, BaseChatModel)
    assert (model.model_name, model.temperature) == ("gpt-4o-mini", 0)
    bare = init_chat_model("gpt-4o-mini", api_key="sk-x")  # inferred as LangChain infers it
    assert type(bare) is ChatOpenAI
    groq = init_chat_model("llama-3.1-8b-instant", model_provider="groq", api_key="k")
    assert type(groq) is ChatGroq


def test_chatplexs_own_forms_give_chatplexs_models() -> None:
    assert isinstance(init_chat_model("fake:any"), FakeChatModel)
    responses = init_chat_model("openai_responses:gpt-4.1", api_key="sk-x")
    assert isinstance(responses, ChatModel)  # a name only chatplex has
    assert not isinstance(init_chat_model("openai:gpt-4o", configurable=True), BaseChatModel)


def test_config_prefix_without_fields_warns_as_langchains() -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        init_chat_model("openai:gpt-4o-mini", api_key="sk-x", config_prefix="foo")
    assert any("no fields are configurable" in str(w.message) for w in caught)


def test_a_model_that_is_not_a_string_is_refused_before_anything_is_built() -> None:
    with pytest.raises(TypeError, match="model must be a string"):
        init_chat_model(42)  # type: ignore[arg-type]


def test_langchains_configurable_form_gives_langchains_configurable_model() -> None:
    for model in (init_chat_model(api_key="sk-x"), init_chat_model(configurable_fields="any")):
        assert isinstance(model, Runnable) and type(model).__name__ == "_ConfigurableModel"
