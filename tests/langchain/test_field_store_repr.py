"""A drop-in's repr as its partner class's (`FieldStoreChatModel.__repr_args__`), where
the partner's repr fields are declared (`PartnerFields.shown`): the same text, SDK
clients included (their addresses aside), for the same construction; and `dumpd`, which
writes the repr of a class LangChain does not serialize, the same. No key shows."""

from __future__ import annotations

import copy
import importlib
import pickle
import re
import warnings
from typing import Any

import pytest
from _lckit import UNIT_BASE_URL
from langchain_core.load import dumpd

import chatplex
import chatplex.langchain
from chatplex.chat.partner_form import PartnerFields
from chatplex.dropins import DROP_IN_MODULES
from chatplex.langchain import DropInChatModel

_KEY = "sk-repr-key-5c1d"

#: The variable each partner reads its key from.
_KEY_VARIABLES = {
    "ChatCohere": "COHERE_API_KEY",
    "ChatDeepSeek": "DEEPSEEK_API_KEY",
    "ChatTogether": "TOGETHER_API_KEY",
    "ChatNebius": "NEBIUS_API_KEY",
    "ChatCerebras": "CEREBRAS_API_KEY",
    "ChatPerplexity": "PPLX_API_KEY",
    "ChatOpenAI": "OPENAI_API_KEY",
    "ChatAnthropic": "ANTHROPIC_API_KEY",
    "ChatGroq": "GROQ_API_KEY",
    "ChatMistralAI": "MISTRAL_API_KEY",
    "ChatFireworks": "FIREWORKS_API_KEY",
    "ChatXAI": "XAI_API_KEY",
}


def keyed(module: str, model: str) -> tuple[str, dict[str, Any]]:
    """A partner's module, and the keywords of `model` at the unit URL with the key."""
    return module, {"model": model, "api_key": _KEY, "base_url": UNIT_BASE_URL}


#: The drop-ins whose partner's repr is declared: the partner's module, and the keywords
#: both are built with (pointed at nothing: nothing is sent).
_DECLARED: dict[str, tuple[str, dict[str, Any]]] = {
    "ChatCohere": (
        "langchain_cohere",
        {"model": "command-a-03-2025", "cohere_api_key": _KEY, "base_url": UNIT_BASE_URL},
    ),
    "ChatDeepSeek": (
        "langchain_deepseek",
        {"model": "deepseek-chat", "api_key": _KEY, "api_base": UNIT_BASE_URL},
    ),
    "ChatTogether": (
        "langchain_together",
        {"api_key": _KEY, "together_api_base": UNIT_BASE_URL},
    ),
    "ChatNebius": ("langchain_nebius", {"api_key": _KEY, "nebius_api_base": UNIT_BASE_URL}),
    "ChatCerebras": keyed("langchain_cerebras", "llama-3.3-70b"),
    "ChatPerplexity": ("langchain_perplexity", {"api_key": _KEY}),
    "ChatOpenAI": keyed("langchain_openai", "gpt-4o-mini"),
    "ChatAnthropic": keyed("langchain_anthropic", "claude-sonnet-4-5"),
    "ChatGroq": keyed("langchain_groq", "llama-3.3-70b-versatile"),
    "ChatMistralAI": keyed("langchain_mistralai", "mistral-small-latest"),
    "ChatFireworks": keyed(
        "langchain_fireworks", "accounts/fireworks/models/llama-v3p1-8b-instruct"
    ),
    "ChatXAI": keyed("langchain_xai", "grok-3-mini"),
    "ChatAnthropicBedrock": (
        "langchain_aws",
        {
            "model": "us.anthropic.claude-sonnet-4-5-20250929-v1:0",
            "region_name": "eu-west-3",
            "aws_access_key_id": "AKIAEXAMPLE",
            "aws_secret_access_key": _KEY,
        },
    ),
}

#: More keywords, each case built on top of the wire's.
_CASES: dict[str, dict[str, Any]] = {
    "given": {},
    "settings": {"temperature": 0, "max_tokens": 100, "timeout": 60, "max_retries": 3},
    "at_defaults": {"streaming": False, "max_tokens": None},
    "streaming": {"streaming": True, "tags": ["t"], "metadata": {"m": 1}},
}

#: The drop-ins whose partner's repr is declared and that build no SDK client of the
#: partner's (tests/langchain/test_sdk_clients.py checks `_DECLARED`'s clients).
_CLIENTLESS: dict[str, tuple[str, dict[str, Any]]] = {
    "ChatOllama": ("langchain_ollama", {"model": "llama3.2", "base_url": UNIT_BASE_URL}),
}
_REPRS = {**_DECLARED, **_CLIENTLESS}
#: Declared reprs compared in their side-by-side suite, against a server: langchain-ibm's
#: ChatWatsonx asks IAM and the service when it is built (its suite's `callback_arguments`
#: and `profiled_and_tagged` compare the repr, the SDK client it builds aside).
_COMPARED_BESIDE = frozenset({"ChatWatsonx"})

#: A drop-in's own spelling of a case, where it differs: langchain-ollama has no
#: `max_tokens` (it drops the keyword, a kept difference: chatplex's takes it as
#: `num_predict`), so its limit is given as `num_predict`.
_OWN_CASES: dict[str, dict[str, dict[str, Any]]] = {
    "ChatOllama": {
        "settings": {"temperature": 0, "num_predict": 100, "num_ctx": 4096, "keep_alive": "5m"}
    },
}

_ADDRESS = re.compile(r" at 0x[0-9a-f]+>")


def _form(name: str) -> PartnerFields | None:
    return getattr(importlib.import_module(DROP_IN_MODULES[name]), name).fields


def _pair(name: str, more: dict[str, Any]) -> tuple[Any, Any]:
    module, params = _REPRS[name]
    given = {**params, **more}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the partners' own
        partner = getattr(importlib.import_module(module), name)(**given)
    return getattr(chatplex.langchain, name)(**given), partner


def _unplaced(value: Any) -> Any:
    """`value` with the objects' addresses masked (each run draws its own)."""
    if isinstance(value, str):
        return _ADDRESS.sub(">", value)
    if isinstance(value, dict):
        return {k: _unplaced(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_unplaced(v) for v in value]
    return value


def test_every_declared_repr_is_checked() -> None:
    declared = {name for name in DROP_IN_MODULES if (form := _form(name)) and form.shown}
    assert declared == set(_REPRS) | _COMPARED_BESIDE


@pytest.mark.filterwarnings("ignore")  # the partners' own
@pytest.mark.parametrize("case", list(_CASES))
@pytest.mark.parametrize("name", list(_REPRS))
def test_the_repr_is_the_partners(name: str, case: str) -> None:
    ours, theirs = _pair(name, _OWN_CASES.get(name, {}).get(case, _CASES[case]))
    assert _unplaced(repr(ours)) == _unplaced(repr(theirs))
    assert _unplaced(dumpd(ours)) == _unplaced(dumpd(theirs))
    assert _KEY not in repr(ours)


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("name", list(_KEY_VARIABLES))
def test_the_key_from_the_environment(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(_KEY_VARIABLES[name], _KEY)
    module, params = _DECLARED[name]
    given = {k: v for k, v in params.items() if "key" not in k}
    ours = getattr(chatplex.langchain, name)(**given)
    theirs = getattr(importlib.import_module(module), name)(**given)
    assert _unplaced(repr(ours)) == _unplaced(repr(theirs))
    assert _KEY not in repr(ours)


@pytest.mark.filterwarnings("ignore")
def test_a_model_shown_then_built_again_shows_its_new_settings() -> None:
    """A repr reads each field once per build: a setting assigned or a copy's update
    (each builds the model again) shows, as in a model built with it."""
    _, params = _DECLARED["ChatOpenAI"]
    llm = chatplex.langchain.ChatOpenAI(**params, timeout=5)
    assert "request_timeout=5.0" in repr(llm)
    llm.temperature = 0.5
    llm.request_timeout = 7.0  # (as on the partner, neither is validated: a float given)
    copied = llm.model_copy(update={"max_tokens": 9, "request_timeout": 3.0})
    built = chatplex.langchain.ChatOpenAI(**params, temperature=0.5, timeout=7)
    assert _args(llm) == _args(built)
    again = chatplex.langchain.ChatOpenAI(**params, temperature=0.5, timeout=3, max_tokens=9)
    assert _args(copied) == _args(again)
    assert "request_timeout=3.0" in repr(copied) and "request_timeout=7.0" in repr(llm)


def _args(model: Any) -> list[tuple[str, Any]]:
    """A model's repr arguments, its SDK clients by their class (each model builds its
    own)."""
    return [(k, type(v) if k.endswith("client") else v) for k, v in model.__repr_args__()]


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("name", list(_REPRS))
def test_a_model_shown_equals_its_copies_and_a_copy_shows_the_same(name: str) -> None:
    ours, _ = _pair(name, _CASES["settings"])
    shown = _unplaced(repr(ours))
    for copied in (copy.deepcopy(ours), pickle.loads(pickle.dumps(ours))):
        assert copied == ours
        assert _unplaced(repr(copied)) == shown
        assert copied == ours  # (both shown)


def test_an_sdk_client_that_cannot_be_built_is_tried_once_per_build(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A key only in the base URL's user info: langchain-openai's SDK client refuses it
    (the partner cannot be built so); the drop-in's repr shows no client, and tries each
    once per build, not at every repr (a traceback's frames show the model many times)."""
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    url = f"http://user:{_KEY}@127.0.0.1:9/v1"
    llm = chatplex.langchain.ChatOpenAI(model="gpt-4o-mini", base_url=url)
    tried: list[str] = []
    build = DropInChatModel._partner_client

    def counted(model: DropInChatModel, name: str) -> Any:
        tried.append(name)
        return build(model, name)

    monkeypatch.setattr(DropInChatModel, "_partner_client", counted)
    shown = repr(llm)
    assert "client=" not in shown and _KEY not in shown
    assert repr(llm) == shown
    assert tried and len(tried) == len(set(tried))
    llm.temperature = 0.5  # built again
    assert "temperature=0.5" in repr(llm)
    assert len(tried) == 2 * len(set(tried))


@pytest.mark.filterwarnings("ignore")
def test_a_base_url_left_to_its_default_shows_as_the_partners(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """ChatDeepSeek given no base URL: its field's default factory's URL (or
    DEEPSEEK_API_BASE's) shows in both reprs."""
    monkeypatch.delenv("DEEPSEEK_API_BASE", raising=False)
    given = {"model": "deepseek-chat", "api_key": _KEY}
    theirs = importlib.import_module("langchain_deepseek").ChatDeepSeek(**given)
    ours = chatplex.langchain.ChatDeepSeek(**given)
    assert "api_base='https://api.deepseek.com/v1'" in repr(theirs)
    assert _unplaced(repr(ours)) == _unplaced(repr(theirs))
    monkeypatch.setenv("DEEPSEEK_API_BASE", "http://127.0.0.1:9/v1")
    theirs = importlib.import_module("langchain_deepseek").ChatDeepSeek(**given)
    ours = chatplex.langchain.ChatDeepSeek(**given)
    assert _unplaced(repr(ours)) == _unplaced(repr(theirs))
