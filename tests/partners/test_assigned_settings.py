"""A setting assigned on a built model (`llm.temperature = 0`, `llm.model_name = ...`) is
sent from then on, as the partner package's: its classes read their fields at each
request. Before, the drop-in showed the new value and sent the old one.

Each case builds the partner's class and the drop-in with the same keywords, assigns
the same settings on both, makes one call each against the same local server, and
compares what was sent and what the models show."""

from __future__ import annotations

import importlib
import json
import warnings
from collections.abc import Callable
from typing import Any

import pytest

import chatplex.langchain
from tests._replies import anthropic_message
from tests._replies import chat_completion
from tests._replies import ollama_reply
from tests.partners._sidebyside import CALL_WAYS
from tests.partners._sidebyside import Reply
from tests.partners._sidebyside import ScriptedServer
from tests.partners._sidebyside import plain_request
from tests.partners._sidebyside import scripted_server
from tests.partners._sidebyside import sent_once

_COMPLETION = chat_completion("hi", created=1, usage={"prompt_tokens": 1, "completion_tokens": 1})
_MESSAGE = anthropic_message("hi", usage={"input_tokens": 1, "output_tokens": 1})
_COHERE = {
    "id": "r-1",
    "finish_reason": "COMPLETE",
    "message": {"role": "assistant", "content": [{"type": "text", "text": "hi"}]},
    "usage": {"tokens": {"input_tokens": 1, "output_tokens": 1}},
}
_OLLAMA = ollama_reply("hi", prompt_eval_count=1, eval_count=1)

#: Drop-in name -> (partner module, constructor keywords but the base URL, its base URL's
#: path on the server, the reply, settings assigned after construction, read back).
CASES: dict[str, tuple[str, dict[str, Any], str, dict[str, Any], dict[str, Any]]] = {
    "ChatOpenAI": (
        "langchain_openai",
        {"model": "gpt-4o-mini", "api_key": "sk-k", "temperature": 0.1, "max_retries": 0},
        "/v1",
        _COMPLETION,
        {
            "temperature": 0.7,
            "model_name": "gpt-4o",
            "max_tokens": 5,
            "top_p": 0.5,
            "stop": ["x"],
            "seed": 3,
            "frequency_penalty": 0.25,
            "model_kwargs": {"user": "u"},
        },
    ),
    "ChatAnthropic": (
        "langchain_anthropic",
        {"model": "claude-3-5-haiku-latest", "api_key": "sk-k", "max_retries": 0},
        "",
        _MESSAGE,
        {"temperature": 0.3, "max_tokens": 77, "top_k": 4, "model": "claude-sonnet-4-5"},
    ),
    "ChatGroq": (
        "langchain_groq",
        {"model": "llama-3.1-8b-instant", "api_key": "gsk-k", "max_retries": 0},
        "",
        _COMPLETION,
        {"temperature": 0.4, "max_tokens": 9, "model_name": "llama-3.3-70b-versatile"},
    ),
    "ChatMistralAI": (
        "langchain_mistralai",
        {"model": "mistral-small-latest", "api_key": "k", "max_retries": 0},
        "/v1",
        _COMPLETION,
        {"temperature": 0.2, "max_tokens": 11, "top_p": 0.9, "random_seed": 5},
    ),
    # Its fields are the store (decision 013: `langchain/field_store.py`).
    "ChatCohere": (
        "langchain_cohere",
        {"model": "command-a-03-2025", "cohere_api_key": "co-k"},
        "",
        _COHERE,
        {"temperature": 0.4, "preamble": "Be brief.", "model": "command-r7b-12-2024"},
    ),
    "ChatOllama": (
        "langchain_ollama",
        {"model": "llama3.2", "temperature": 0.1},
        "",
        _OLLAMA,
        {"temperature": 0.6, "num_ctx": 4096, "num_predict": 7, "model": "llama3.1"},
    ),
}


def _built(cls: type, server: ScriptedServer, settings: dict[str, Any], path: str) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the partner's own
        return cls(**settings, base_url=server.url + path)


@pytest.mark.filterwarnings("ignore")  # the partner packages' own
@pytest.mark.parametrize("how", CALL_WAYS[:2])
@pytest.mark.parametrize("name", sorted(CASES))
def test_a_setting_assigned_is_sent_as_by_the_partner(name: str, how: str) -> None:
    module, settings, path, reply, assigned = CASES[name]
    partner = getattr(pytest.importorskip(module), name)
    body = json.dumps(reply).encode()
    with scripted_server() as server:
        server.handler = lambda seen: Reply(200, [body])
        sent = []
        for cls in (partner, getattr(chatplex.langchain, name)):
            model = _built(cls, server, settings, path)
            for field, value in assigned.items():
                setattr(model, field, value)
            server.seen.clear()
            sent_once(model, how)
            assert len(server.seen) == 1, f"{cls.__module__}.{name} made no call"
            shown = {field: getattr(model, field) for field in assigned}
            sent.append((plain_request(server.seen[0]), shown))
    theirs, ours = sent
    assert ours == theirs
    assert all(ours[1][field] == value for field, value in assigned.items())


def test_a_name_that_is_no_setting_is_refused_as_by_pydantic() -> None:
    importlib.import_module("langchain_core")
    model = chatplex.langchain.ChatOpenAI(model="gpt-4o-mini", api_key="sk-k")
    with pytest.raises(ValueError, match='"ChatOpenAI" object has no field "no_such_setting"'):
        model.no_such_setting = 1


def test_langchains_own_settings_assigned_keep_the_model() -> None:
    model = chatplex.langchain.ChatOpenAI(model="gpt-4o-mini", api_key="sk-k", temperature=0.1)
    engine = model.chatplex_model
    model.tags = ["t"]
    model.temperature = 0.5
    assert model.tags == ["t"]  # kept through the rebuild the setting made
    assert model.chatplex_model is not engine and model.chatplex_model.temperature == 0.5
    rebuilt = model.chatplex_model
    model.metadata = {"a": 1}
    assert model.chatplex_model is rebuilt  # LangChain's: no rebuild


def test_a_key_assigned_is_sent_and_never_shown() -> None:
    model = chatplex.langchain.ChatOpenAI(model="gpt-4o-mini", api_key="sk-old-key")
    model.openai_api_key = "sk-new-key-assigned"
    assert model.openai_api_key.get_secret_value() == "sk-new-key-assigned"
    for shown in (repr(model), str(model), model.model_dump_json(), str(vars(model))):
        assert "sk-new-key-assigned" not in shown and "sk-old-key" not in shown


@pytest.mark.filterwarnings("ignore")  # the partner's own
def test_the_sdk_client_built_stays_as_the_partners_does() -> None:
    partner = pytest.importorskip("langchain_openai").ChatOpenAI
    clients = []
    for cls in (partner, chatplex.langchain.ChatOpenAI):
        model = cls(model="gpt-4o-mini", api_key="sk-k")
        client = model.client
        model.temperature = 0.5
        model.openai_api_key = "sk-other"
        clients.append(model.client is client)
    assert clients == [True, True]


def _sent_by_both_openai_classes(script: Callable[[Any], None]) -> list[list[Any]]:
    """What langchain-openai's `ChatOpenAI`, then the drop-in, sent when `script` ran on
    a model of each class built with the same keywords against one local server."""
    partner = pytest.importorskip("langchain_openai").ChatOpenAI
    body = json.dumps(_COMPLETION).encode()
    with scripted_server() as server:
        server.handler = lambda seen: Reply(200, [body])
        sent = []
        for cls in (partner, chatplex.langchain.ChatOpenAI):
            model = _built(cls, server, {"model": "gpt-4o-mini", "api_key": "sk-k"}, "/v1")
            server.seen.clear()
            script(model)
            sent.append([plain_request(seen) for seen in server.seen])
    return sent


@pytest.mark.filterwarnings("ignore")  # the partner's own
def test_a_copy_with_any_setting_changed_sends_it_as_the_partners_does() -> None:
    update = {"seed": 3, "frequency_penalty": 0.5, "model_kwargs": {"user": "u"}, "n": 1}

    def script(model: Any) -> None:
        sent_once(model.model_copy(update=update), "invoke")
        sent_once(model, "invoke")  # the original, unchanged

    sent = _sent_by_both_openai_classes(script)
    assert sent[1] == sent[0]
    assert sent[1][0]["body"]["seed"] == 3 and "seed" not in sent[1][1]["body"]


@pytest.mark.filterwarnings("ignore")  # the partner's own
def test_configurable_fields_send_what_they_set_as_the_partners_do() -> None:
    from langchain_core.runnables import ConfigurableField

    fields = {
        "temperature": ConfigurableField(id="t"),
        "model_name": ConfigurableField(id="m"),
        "model_kwargs": ConfigurableField(id="kw"),
    }
    chosen = {"t": 0.9, "m": "gpt-4o", "kw": {"user": "u"}}
    sent = _sent_by_both_openai_classes(
        lambda model: model.configurable_fields(**fields).invoke("hi", {"configurable": chosen})
    )
    assert sent[1] == sent[0]
    assert sent[1][0]["body"]["user"] == "u" and sent[1][0]["body"]["model"] == "gpt-4o"
