"""What every drop-in's build shares (chatplex/chat/dropin.py) as its LangChain class
shows it: its signature names its partner package's parameters (each one it does not
list is a TypeError naming it, never silently taken), then chatplex's own settings
(`TAIL`); and chatplex's own model has none of it."""

from __future__ import annotations

import importlib
import inspect
import pydoc
from typing import Any

import pytest

from chatplex.chat.dropin import TAIL
from chatplex.chat.dropin import timeout_in_seconds
from chatplex.chat.fake import FakeChatModel
from chatplex.chat.model import ChatModel
from chatplex.dropins import DROP_IN_MODULES


@pytest.mark.parametrize("name", sorted(DROP_IN_MODULES))
def test_the_signature_lists_the_tail_then_api_params(name: str) -> None:
    from chatplex.langchain import langchain_class

    params = list(inspect.signature(langchain_class(name)).parameters.values())
    assert set(TAIL) <= {p.name for p in params}
    assert params[-1].name == "api_params" and params[-1].kind is params[-1].VAR_KEYWORD


def test_chatplex_own_model_has_no_langchain_member() -> None:
    assert [name for name in dir(ChatModel) if "langchain" in name] == []
    assert not FakeChatModel(responses=["a"])._keeps_bound_tool_lists()  # no partner class


#: chatplex's drop-in → its partner package's class.
PARTNERS = {
    "chatplex.langchain.dropin:ChatOllama": "langchain_ollama:ChatOllama",
    "chatplex.langchain.dropin:ChatCohere": "langchain_cohere:ChatCohere",
    "chatplex.langchain.dropin:ChatGroq": "langchain_groq:ChatGroq",
    "chatplex.langchain.dropin:ChatDeepSeek": "langchain_deepseek:ChatDeepSeek",
    "chatplex.langchain.dropin:ChatXAI": "langchain_xai:ChatXAI",
    "chatplex.langchain.dropin:ChatMistralAI": "langchain_mistralai:ChatMistralAI",
    "chatplex.langchain.dropin:ChatFireworks": "langchain_fireworks:ChatFireworks",
    "chatplex.langchain.dropin:ChatTogether": "langchain_together:ChatTogether",
    "chatplex.langchain.dropin:ChatPerplexity": "langchain_perplexity:ChatPerplexity",
    "chatplex.langchain.dropin:ChatNebius": "langchain_nebius:ChatNebius",
    "chatplex.langchain.dropin:ChatBedrockConverse": "langchain_aws:ChatBedrockConverse",
    "chatplex.langchain.dropin:ChatAnthropic": "langchain_anthropic:ChatAnthropic",
    "chatplex.langchain.dropin:ChatOpenAI": "langchain_openai:ChatOpenAI",
    "chatplex.langchain.dropin:AzureChatOpenAI": "langchain_openai:AzureChatOpenAI",
    "chatplex.langchain.dropin:ChatGoogleGenerativeAI": (
        "langchain_google_genai:ChatGoogleGenerativeAI"
    ),
    "chatplex.langchain.dropin:ChatVertexAI": "langchain_google_vertexai:ChatVertexAI",
}


def test_help_shows_the_partners_parameters_and_the_tail() -> None:
    from chatplex.langchain import ChatGroq

    shown = pydoc.render_doc(ChatGroq, renderer=pydoc.plaintext)
    assert "groq_api_key" in shown and "rate_limiter" in shown and "**api_params" in shown
    assert "temperature: float = 0.7" in shown  # (its partner's field, its default)


def _load(path: str) -> Any:
    module, name = path.split(":")
    return getattr(importlib.import_module(module), name)


@pytest.mark.parametrize("ours", sorted(PARTNERS))
def test_the_signature_names_the_partners_parameters(ours: str) -> None:
    module, name = PARTNERS[ours].split(":")
    partner = getattr(pytest.importorskip(module), name)
    cls = _load(ours)
    fields = partner.model_fields
    partner_names = {*fields, *(f.alias for f in fields.values() if f.alias)}
    record = getattr(cls, "_record", None)  # (a LangChain class takes its fields' spellings)
    taken = () if record is None else (name for f in record.declared for name in f.spellings)
    listed = {*inspect.signature(cls).parameters, *taken}
    assert partner_names & listed >= {"temperature", "callbacks", "rate_limiter"}
    # (a record's signature lists the partner's fields alone: an alias of one is that field)
    listed |= {f.alias for name, f in fields.items() if f.alias and name in listed}
    for missing in sorted(partner_names - listed):
        # Not listed: refused (with the reason) or unknown, never silently taken.
        with pytest.raises(TypeError, match=missing):
            cls(model="m", **{missing: object()})


def test_a_timeout_object_given_to_a_call_is_its_read_timeout_in_seconds() -> None:
    import httpx

    assert timeout_in_seconds({"timeout": httpx.Timeout(5, connect=2)}) == {"timeout": 5.0}
    assert timeout_in_seconds({"timeout": httpx.Timeout(None)}) == {"timeout": None}
    # (the SDKs' own, on httpx2, read alike)
    httpx2 = pytest.importorskip("httpx2")
    assert timeout_in_seconds({"timeout": httpx2.Timeout(3, read=7)}) == {"timeout": 7}
    # anything else as it is (seconds taken, the rest refused by the settings' check)
    for given in ({"timeout": 2.5}, {"timeout": "soon"}, {"timeout": object()}, {"stop": ["x"]}):
        assert timeout_in_seconds(given) is given
