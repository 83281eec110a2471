"""AzureChatOpenAI given a token provider (`azure_ad_token_provider=fn`, or its async
twin), serialized beside langchain-openai's, the same constructor call on each: `dumpd`
writes the function as langchain-core writes any object it cannot serialize (its
`not_implemented` form: the function's module and name, and its repr), and
`model_dump()` holds the function itself. The function is no secret (a token is, and it
is never called to be written); a key of the model's own found in its repr is masked."""

from __future__ import annotations

import functools
from typing import Any

import pydantic_core
import pytest
from langchain_core.load import dumpd

import chatplex.langchain

langchain_openai = pytest.importorskip("langchain_openai")

AZURE = {
    "azure_deployment": "d",
    "api_version": "2024-10-21",
    "azure_endpoint": "https://x.openai.azure.com",
}
ENV = ("AZURE_OPENAI_API_KEY", "OPENAI_API_KEY", "AZURE_OPENAI_AD_TOKEN", "AZURE_OPENAI_ENDPOINT")


def token_provider() -> str:
    raise AssertionError("a dump never asks for a token")


async def async_token_provider() -> str:
    raise AssertionError("a dump never asks for a token")


def _fetch(scope: str) -> str:
    raise AssertionError("a dump never asks for a token")


PROVIDERS: dict[str, dict[str, Any]] = {
    "function": {"azure_ad_token_provider": token_provider},
    "async function": {"azure_ad_async_token_provider": async_token_provider},
    "lambda": {"azure_ad_token_provider": lambda: "never"},
    "partial": {"azure_ad_token_provider": functools.partial(_fetch, "scope/.default")},
    "both": {
        "azure_ad_token_provider": token_provider,
        "azure_ad_async_token_provider": async_token_provider,
    },
}


def _pair(given: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> tuple[Any, Any]:
    for variable in ENV:
        monkeypatch.delenv(variable, raising=False)
    theirs = langchain_openai.AzureChatOpenAI(**AZURE, **given)
    return chatplex.langchain.AzureChatOpenAI(**AZURE, **given), theirs


@pytest.mark.parametrize("kind", list(PROVIDERS))
def test_dumpd_writes_the_provider_as_langchain_openai(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours, theirs = _pair(PROVIDERS[kind], monkeypatch)
    assert dumpd(ours) == dumpd(theirs)
    for name, provider in PROVIDERS[kind].items():
        assert dumpd(ours)["kwargs"][name]["repr"] == repr(provider)


@pytest.mark.parametrize("kind", list(PROVIDERS))
def test_model_dump_holds_the_provider_as_langchain_openai(
    kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours, theirs = _pair(PROVIDERS[kind], monkeypatch)
    for name, provider in PROVIDERS[kind].items():
        assert ours.model_dump()[name] is provider is theirs.model_dump()[name]
    # (JSON has no form for a function: both raise pydantic's error)
    for model in (ours, theirs):
        with pytest.raises(pydantic_core.PydanticSerializationError):
            model.model_dump_json()


def test_a_key_of_the_models_own_in_the_providers_repr_is_masked(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    key = "sk-SENTINEL-azure-0123"
    given = {"api_key": key, "azure_ad_token_provider": functools.partial(_fetch, key)}
    ours, theirs = _pair(given, monkeypatch)
    written = dumpd(ours)["kwargs"]["azure_ad_token_provider"]
    assert key in dumpd(theirs)["kwargs"]["azure_ad_token_provider"]["repr"]
    assert key not in str(dumpd(ours)) and "***" in written["repr"]
    assert written["id"] == dumpd(theirs)["kwargs"]["azure_ad_token_provider"]["id"]


def test_a_token_given_as_text_is_still_never_written(monkeypatch: pytest.MonkeyPatch) -> None:
    token = "entra-SENTINEL-token-0123"
    ours, _ = _pair({"azure_ad_token": token}, monkeypatch)
    assert token not in str(dumpd(ours)) + str(ours.model_dump()) + ours.model_dump_json()
