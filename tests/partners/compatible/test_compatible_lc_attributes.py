"""`lc_attributes` (what LangChain's serializer adds to the keywords, and tracers and
scripts read) of ChatFireworks, ChatTogether, ChatNebius and ChatCerebras beside their
partner packages', the same constructor call on each: their base URL, given or not; and
what each class reports of itself (its `_llm_type`, a cache key's part; its `lc_id` and
the id `dumpd` writes), ChatOpenRouter's too."""

from __future__ import annotations

from typing import Any

import pytest
from langchain_core.load import dumpd

import chatplex.langchain

#: Class -> its partner package.
PARTNERS = {
    "ChatFireworks": "langchain_fireworks",
    "ChatTogether": "langchain_together",
    "ChatNebius": "langchain_nebius",
    "ChatCerebras": "langchain_cerebras",
}
CALLS: list[dict[str, Any]] = [
    {"model": "m", "api_key": "k"},
    {"model": "m", "api_key": "k", "base_url": "http://127.0.0.1:9/v1"},
]


@pytest.mark.parametrize("name", sorted(PARTNERS))
@pytest.mark.parametrize("given", CALLS, ids=["base unset", "base given"])
def test_lc_attributes_are_the_partner_s(
    name: str, given: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in (
        "FIREWORKS_API_BASE",
        "TOGETHER_API_BASE",
        "NEBIUS_API_BASE",
        "CEREBRAS_API_BASE",
    ):
        monkeypatch.delenv(variable, raising=False)
    partner = getattr(pytest.importorskip(PARTNERS[name]), name)
    theirs = partner(**given).lc_attributes
    assert getattr(chatplex.langchain, name)(**given).lc_attributes == theirs
    if "base_url" in given:  # (each names its own base URL field)
        prefix = PARTNERS[name].removeprefix("langchain_")
        assert theirs == {f"{prefix}_api_base": given["base_url"]}


@pytest.mark.parametrize("name", sorted({**PARTNERS, "ChatOpenRouter": "langchain_openrouter"}))
def test_the_class_reports_itself_as_the_partner_s(name: str) -> None:
    module = PARTNERS.get(name, "langchain_openrouter")
    partner = getattr(pytest.importorskip(module), name)

    def facts(model: Any) -> dict[str, Any]:
        return {
            "llm_type": model._llm_type,
            "lc_id": model.lc_id(),
            "serializable": model.is_lc_serializable(),
            "dumped_id": dumpd(model)["id"],
        }

    given = CALLS[0]
    assert facts(getattr(chatplex.langchain, name)(**given)) == facts(partner(**given))
