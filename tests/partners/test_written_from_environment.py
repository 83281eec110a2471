"""A field read from its environment variable is written by `dumpd` as the partner writes
it: LangChain's serializer writes every field holding a truthy value, so a base URL,
proxy, endpoint, location or API version a partner class read from the environment is in
its serialized kwargs, and in the drop-in's (`PartnerFields.written`), and is the field's
value read on the model."""

from __future__ import annotations

from typing import Any

import pytest

import chatplex.langchain

dumpd = pytest.importorskip("langchain_core.load").dumpd

#: (partner module, class name, keywords, the variables set).
CASES = [
    ("langchain_openai", "ChatOpenAI", {}, {"OPENAI_PROXY": "http://proxy.local:3128"}),
    ("langchain_xai", "ChatXAI", {}, {"OPENAI_PROXY": "http://proxy.local:3128"}),
    ("langchain_groq", "ChatGroq", {}, {"GROQ_API_BASE": "http://groq.local/"}),
    ("langchain_groq", "ChatGroq", {}, {"GROQ_PROXY": "http://proxy.local:3128"}),
    ("langchain_sambanova", "ChatSambaNova", {}, {"SAMBANOVA_API_BASE": "http://s.local/v1"}),
    (
        "langchain_anthropic",
        "ChatAnthropic",
        {"model": "claude-3-5-haiku-latest"},
        {"ANTHROPIC_PROXY": "http://proxy.local:3128"},
    ),
    (
        "langchain_google_genai",
        "ChatGoogleGenerativeAI",
        {"model": "gemini-2.5-flash"},
        {"GOOGLE_CLOUD_LOCATION": "europe-west4"},
    ),
    (
        "langchain_openai",
        "AzureChatOpenAI",
        {"azure_deployment": "gpt4o-prod"},
        {
            "AZURE_OPENAI_ENDPOINT": "https://res.openai.azure.com",
            "OPENAI_API_VERSION": "2024-10-21",
            "OPENAI_API_TYPE": "azure",
        },
    ),
]


@pytest.mark.parametrize(
    ("module", "name", "keywords", "variables"),
    CASES,
    ids=[f"{name}-{next(iter(variables))}" for _, name, _, variables in CASES],
)
def test_a_field_read_from_its_variable_is_written_as_the_partner_writes_it(
    module: str,
    name: str,
    keywords: dict[str, Any],
    variables: dict[str, str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    partner = getattr(pytest.importorskip(module), name)
    for variable, value in variables.items():
        monkeypatch.setenv(variable, value)
    built = {"api_key": "k-test", "model": "m-1", **keywords}
    theirs, ours = (
        dumpd(cls(**built))["kwargs"] for cls in (partner, getattr(chatplex.langchain, name))
    )
    assert ours == theirs
    assert all(value in ours.values() for value in variables.values())  # (each written)
    models = [cls(**built) for cls in (partner, getattr(chatplex.langchain, name))]
    for field in [k for k, v in ours.items() if v in variables.values()]:
        assert getattr(models[1], field) == getattr(models[0], field), field
