"""`lc_attributes` (what LangChain's serializer adds to the keywords, and tracers and
scripts read) of AzureChatOpenAI and ChatOpenAI beside langchain-openai's, the same
constructor call on each: Azure's API type and version always, ChatOpenAI's
organization, base URL and proxy where given."""

from __future__ import annotations

from typing import Any

import pytest

import chatplex.langchain

langchain_openai = pytest.importorskip("langchain_openai")

AZURE = {
    "azure_deployment": "d",
    "api_version": "2024-10-21",
    "azure_endpoint": "https://x.openai.azure.com",
    "api_key": "k",
}
CALLS: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("AzureChatOpenAI", AZURE, {"openai_api_type": "azure", "openai_api_version": "2024-10-21"}),
    ("ChatOpenAI", {"model": "m", "api_key": "k"}, {}),
    (
        "ChatOpenAI",
        {"model": "m", "api_key": "k", "base_url": "http://127.0.0.1:9/v1", "organization": "o"},
        {"openai_organization": "o", "openai_api_base": "http://127.0.0.1:9/v1"},
    ),
    ("ChatOpenAI", {"model": "m", "api_key": "k", "openai_proxy": "http://127.0.0.1:8"}, None),
]


@pytest.mark.parametrize(("name", "given", "expected"), CALLS)
def test_lc_attributes_are_langchain_openai_s(
    name: str,
    given: dict[str, Any],
    expected: dict[str, Any] | None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    for variable in ("OPENAI_API_BASE", "OPENAI_BASE_URL", "OPENAI_ORG_ID", "OPENAI_PROXY"):
        monkeypatch.delenv(variable, raising=False)
    theirs = getattr(langchain_openai, name)(**given).lc_attributes
    ours = getattr(chatplex.langchain, name)(**given).lc_attributes
    assert list(ours.items()) == list(theirs.items())  # (in its order: what a dump shows)
    if expected is not None:
        assert theirs == expected
