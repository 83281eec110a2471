"""The Azure adapter against the recorded Azure OpenAI replies in tests/wire-corpus:
a real reply's filter results kept in `response_metadata`, a real content-filter 400 as
`ContentFilterError` carrying Azure's results."""

from __future__ import annotations

import pytest
from _corpus import Case
from _corpus import load_cases

from chatplex.errors import ContentFilterError
from chatplex.providers.openai.azure import AzureOpenAIAdapter
from chatplex.providers.openai.response import sdk_usage

CASES = load_cases({"azure_openai"})
REPLIES = [c for c in CASES if c.status < 400]
FILTERED = [c for c in CASES if (c.expected.get("error") or {}).get("code") == "content_filter"]


def ids(cases: list[Case]) -> list[str]:
    return [c.name for c in cases]


@pytest.fixture
def adapter() -> AzureOpenAIAdapter:
    return AzureOpenAIAdapter(
        azure_endpoint="https://res.openai.azure.com", api_version="2024-10-21", api_key="k"
    )


def test_the_corpus_has_azure_cases() -> None:
    assert REPLIES and FILTERED


@pytest.mark.parametrize("case", REPLIES, ids=ids(REPLIES))
def test_recorded_reply(adapter: AzureOpenAIAdapter, case: Case) -> None:
    expected = case.expected
    reply = adapter.parse_response(case.body, case.headers)
    assert reply.text == expected["text"]
    assert [c["name"] for c in reply.tool_calls] == [c["name"] for c in expected["tool_calls"]]
    meta = reply.response_metadata
    assert meta["finish_reason"] == expected["finish_reason"]
    assert meta["model_name"] == expected["model"] and meta["id"] == expected["id"]
    assert meta["token_usage"] == sdk_usage(expected["usage"])  # as the SDK's model dumps it
    assert meta["prompt_filter_results"] == expected["prompt_filter_results"]
    assert meta["content_filter_results"] == expected["content_filter_results"]
    # x-request-id when the reply has one (as the openai SDK reads it), else Azure's own.
    headers = case.headers
    assert meta["request_id"] == headers.get("x-request-id", headers["apim-request-id"])
    usage = expected["usage"]
    assert reply.usage_metadata is not None
    assert reply.usage_metadata["input_tokens"] == usage["prompt_tokens"]
    assert reply.usage_metadata["output_tokens"] == usage["completion_tokens"]


@pytest.mark.parametrize("case", FILTERED, ids=ids(FILTERED))
def test_recorded_content_filter_refusal(adapter: AzureOpenAIAdapter, case: Case) -> None:
    err = adapter.map_error(case.status, case.body, case.headers)
    assert isinstance(err, ContentFilterError)
    assert err.status == 400 and err.code == "content_filter" and not err.retryable
    assert err.message == case.expected["error"]["message"]
    results = err.filter_results["content_filter_results"]
    assert results == case.expected["content_filter_result"]
    assert [name for name, r in results.items() if r["filtered"]] == ["self_harm"]
