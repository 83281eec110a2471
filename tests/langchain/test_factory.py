"""chatplex/langchain/factory.py: `init_chat_model` as LangChain's, building the drop-in
LangChain chat models for LangChain's form and chatplex's models, as LangChain chat
models, for chatplex's own."""

from __future__ import annotations

import sys
import types
import warnings
from collections.abc import Iterator
from typing import Any

import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.runnables import Runnable

from chatplex.chat import ChatModel
from chatplex.chat import FakeChatModel
from chatplex.langchain import ChatChatplex
from chatplex.langchain import ChatGroq
from chatplex.langchain import ChatOpenAI
from chatplex.langchain import ChatOpenRouter
from chatplex.langchain import init_chat_model


def test_langchains_form_gives_the_class_langchain_gives() -> None:
    model = init_chat_model("openai:gpt-4o-mini", api_key="sk-x", temperature=0)
    assert type(model) is ChatOpenAI and isinstance(model, BaseChatModel)
    assert (model.model_name, model.temperature) == ("gpt-4o-mini", 0)
    bare = init_chat_model("gpt-4o-mini", api_key="sk-x")  # inferred as LangChain infers it
    assert type(bare) is ChatOpenAI
    groq = init_chat_model("llama-3.1-8b-instant", model_provider="groq", api_key="k")
    assert type(groq) is ChatGroq
    # langchain-openrouter's class, as LangChain's init_chat_model builds it for the name.
    assert type(init_chat_model("openrouter:openai/gpt-4o-mini", api_key="k")) is ChatOpenRouter


def test_the_model_goes_by_the_keyword_langchain_names_it_with() -> None:
    """LangChain builds `ChatWatsonx(model_id=...)` for "ibm:..." (its `model=` names a
    model of IBM's Model Gateway): the chat API's model, as the drop-in's is."""
    from chatplex.langchain import ChatWatsonx
    from chatplex.providers.watsonx.adapter import WatsonxAdapter

    where = {"url": "https://us-south.ml.cloud.ibm.com", "token": "t", "project_id": "p"}
    model = init_chat_model("ibm:ibm/granite-3-8b-instruct", **where)
    assert type(model) is ChatWatsonx
    assert (model.model_id, model.model) == ("ibm/granite-3-8b-instruct", None)
    assert type(model.chatplex_model.adapter) is WatsonxAdapter


def test_chatplexs_own_forms_give_chatplexs_models_as_langchain_chat_models() -> None:
    """A name without a drop-in class (one only chatplex has) is chatplex's model as a
    LangChain chat model, which an agent or a graph takes; chatplex's
    `configurable=True` stays its own."""
    fake = init_chat_model("fake:any")
    assert isinstance(fake, ChatChatplex) and isinstance(fake.chatplex_model, FakeChatModel)
    assert fake.invoke("hi").content == "Hello from FakeChatModel."
    made = init_chat_model("openai_responses:gpt-4.1", api_key="sk-x")
    assert isinstance(made, ChatChatplex) and isinstance(made.chatplex_model, ChatModel)
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


@pytest.fixture
def upstage(monkeypatch: pytest.MonkeyPatch) -> Iterator[type[BaseChatModel]]:
    """A stand-in `langchain_upstage` package (a provider chatplex has no wire for),
    with LangChain's cache of partner classes cleared around it."""
    from langchain.chat_models import base
    from langchain_core.language_models.fake_chat_models import FakeListChatModel

    class ChatUpstage(FakeListChatModel):
        model: str = ""

    module = types.ModuleType("langchain_upstage")
    module.ChatUpstage = ChatUpstage  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "langchain_upstage", module)
    base._get_chat_model_creator.cache_clear()
    yield ChatUpstage
    base._get_chat_model_creator.cache_clear()


def test_a_provider_without_a_wire_is_langchains_partner_class(
    upstage: type[BaseChatModel],
) -> None:
    """Where LangChain's init_chat_model builds a partner chatplex has no wire for, the
    ported script gets that class, as before it was ported."""
    from langchain.chat_models import init_chat_model as langchains

    for made in (
        init_chat_model("upstage:solar-pro", responses=["hi"]),
        init_chat_model("solar-pro", model_provider="upstage", responses=["hi"]),
        langchains("upstage:solar-pro", responses=["hi"]),
    ):
        assert type(made) is upstage and made.model == "solar-pro"  # type: ignore[attr-defined]
        assert made.invoke("x").content == "hi"


def test_a_missing_partner_package_is_langchains_import_error() -> None:
    from langchain.chat_models import init_chat_model as langchains

    errors = []
    for build in (init_chat_model, langchains):
        with pytest.raises(ImportError) as caught:
            build("nvidia:meta/llama3-8b-instruct", api_key="k")
        errors.append(caught.value)
    assert [type(e) for e in errors] == [ImportError, ImportError]
    assert all("langchain-nvidia-ai-endpoints" in str(e) for e in errors)


def test_a_provider_no_one_knows_keeps_chatplexs_hint() -> None:
    with pytest.raises(ValueError, match="did you mean 'openai'"):
        init_chat_model("opnai:gpt-4o", api_key="k")


def test_a_bare_gemini_name_warns_as_langchain_infers_vertex_ai() -> None:
    """LangChain's `init_chat_model` infers `google_vertexai` from a bare Gemini name with
    a DeprecationWarning (its default changes to google_genai next); the drop-in's says
    the same words, at the script's line; a name with its provider says nothing of it."""
    langchain_init = pytest.importorskip("langchain.chat_models").init_chat_model
    credentials = pytest.importorskip("google.oauth2.credentials").Credentials

    def inferred(make: Any, model: str, **given: Any) -> list[tuple[str, str]]:
        with warnings.catch_warnings(record=True) as seen:
            warnings.simplefilter("always")
            make(model, project="p", credentials=credentials(token="t"), **given)
        return [
            (str(w.message), w.filename)
            for w in seen
            if "Inferred `model_provider" in str(w.message)
        ]

    theirs = inferred(langchain_init, "gemini-2.5-flash")
    ours = inferred(init_chat_model, "gemini-2.5-flash")
    assert ours == theirs and len(ours) == 1 and ours[0][1] == __file__
    for make in (langchain_init, init_chat_model):
        assert inferred(make, "google_vertexai:gemini-2.5-flash") == []
        assert inferred(make, "gemini-2.5-flash", model_provider="google_vertexai") == []
