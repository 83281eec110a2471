"""OpenAI's declared providers."""

from __future__ import annotations

from tests.providers._speccheck import check_wire


def test_openai_wires() -> None:
    specs = {s.name: s for s in check_wire("openai").SPECS}
    assert specs["openai"].langchain_class == "ChatOpenAI"
    assert specs["openai_responses"].langchain_class == "ChatOpenAI"  # use_responses_api=True
    assert specs["azure_openai"].langchain_class == "AzureChatOpenAI"
    assert specs["azure_openai"].otel_name == "azure.ai.openai"
