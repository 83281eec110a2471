"""langchain-ollama's record (providers/ollama/partner.py): its SDK's logprobs, the
keywords its client takes, its message formatting first, `strict=` dropped."""

from __future__ import annotations

import re

import pytest

from chatplex.langchain.traits import partner_traits
from chatplex.messages import HumanMessage
from chatplex.providers.ollama.adapter import OllamaAdapter
from chatplex.providers.ollama.partner import TAKEN_PER_CALL
from chatplex.providers.ollama.partner import TRAITS
from tests.providers._partner import check_messages
from tests.providers._partner import refusal


def test_logprobs_are_declared_as_the_ollama_sdks_models() -> None:
    # langchain-ollama keeps response_metadata["logprobs"] as its ChatResponse parsed
    # them: the LangChain drop-in builds those (by validation) where the SDK is installed.
    models = partner_traits(OllamaAdapter()).metadata_sdk_models
    assert list(models) == ["logprobs"]
    logprob = models["logprobs"]
    assert logprob.path == "ollama._types:Logprob" and logprob.validated
    assert logprob.fields == ("token", "logprob", "top_logprobs")
    assert partner_traits(OllamaAdapter()).reply_sdk_models == {}
    assert not TRAITS["OllamaAdapter"].bind_strict


def test_a_call_keyword_the_ollama_client_does_not_take_is_its_typeerror() -> None:
    # langchain-ollama reads a few keywords and hands the others to `Client.chat()`:
    # a flat option (`temperature`), `stream_usage` or any other is that client's error.
    adapter = OllamaAdapter()
    for name in ("stream_usage", "temperature", "foo"):
        words = f"got an unexpected keyword argument '{name}'"
        assert refusal(adapter, ["options", name]) == f"Client.chat() {words}"
        assert refusal(adapter, [name], asynchronous=True) == f"AsyncClient.chat() {words}"
    taken = ["options", "format", "reasoning", "keep_alive", "tools", "strict", "model"]
    assert refusal(adapter, taken) is None


def test_the_keywords_taken_per_call_are_the_installed_partners() -> None:
    # Declared as data: the ollama client's chat() parameters, and what langchain-ollama
    # reads out of a call's keywords first (`_chat_params` pops them). A release that
    # changes either fails here.
    import inspect

    ollama = pytest.importorskip("ollama")
    partner = pytest.importorskip("langchain_ollama.chat_models")
    chat = set(inspect.signature(ollama.Client.chat).parameters) - {"self"}
    assert chat == set(inspect.signature(ollama.AsyncClient.chat).parameters) - {"self"}
    source = inspect.getsource(partner.ChatOllama._chat_params)
    read = set(re.findall(r"kwargs\.pop\(\"(\w+)\"", source)) | {"strict"}
    assert 'params.pop("strict")' in source
    assert chat | read == TAKEN_PER_CALL


def test_partner_messages_are_checked_as_langchain_ollama_formats_them() -> None:
    # langchain-ollama's message conversion (before its client refuses a keyword): an
    # `image` block by URL is its ValueError.
    adapter = OllamaAdapter()
    check_messages(adapter, [HumanMessage("hi")])  # nothing to refuse
    image = {"type": "image", "url": "https://example.com/cat.png"}
    with pytest.raises(ValueError, match="^Image data only supported through in-line base64"):
        check_messages(adapter, [HumanMessage([{"type": "text", "text": "See"}, image])])
