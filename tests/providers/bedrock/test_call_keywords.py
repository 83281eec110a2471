"""converse_refusal: the call keywords langchain-aws's ChatBedrockConverse refuses
before any request, in its TypeError's words, checked against the installed package."""

from __future__ import annotations

from typing import Any

import pytest

from chatplex.providers.bedrock.call_keywords import converse_refusal

_UNEXPECTED = "ChatBedrockConverse._converse_params() got an unexpected keyword argument"

#: Keyword lists (bound ones first, then the call's) and what the partner does with them.
CASES: list[tuple[list[str], str | None]] = [
    (["foo"], f"{_UNEXPECTED} 'foo'"),
    (["top_k"], f"{_UNEXPECTED} 'topK'"),  # respelt in camelCase
    (["thinking"], f"{_UNEXPECTED} 'thinking'"),  # a key it does not respell
    (["parallel_tool_calls"], f"{_UNEXPECTED} 'parallelToolCalls'"),
    (["_private", "foo"], f"{_UNEXPECTED} 'Private'"),  # the first one named
    (["max_tokens", "cache"], f"{_UNEXPECTED} 'cache'"),
    (["model"], f"{_UNEXPECTED} 'model'"),
    (["stream_usage"], f"{_UNEXPECTED} 'streamUsage'"),
    (
        ["foo", "additionalModelRequestFields"],  # passed by the caller too: its error first
        "langchain_aws.chat_models.bedrock_converse.ChatBedrockConverse._converse_params() "
        "got multiple values for keyword argument 'additionalModelRequestFields'",
    ),
    # Converse's own fields, in either spelling, and the ones it takes out first.
    (["max_tokens", "temperature", "topP", "stop_sequences", "tools", "tool_choice"], None),
    (["model_id", "inference_config", "tool_config", "guardrail_config"], None),
    (["service_tier", "request_metadata", "output_config", "performance_config"], None),
    (["additional_model_response_field_paths", "stream"], None),
    (["disable_streaming", "additional_model_request_fields", "reasoning_effort"], None),
    (["response_format", "cache_control"], None),
    ([], None),
]


@pytest.mark.parametrize(("keywords", "words"), CASES)
def test_the_refusal_and_its_words(keywords: list[str], words: str | None) -> None:
    assert converse_refusal(keywords) == words


class _Sent(Exception):
    """What the stub client raises: the partner got as far as its request."""


@pytest.mark.parametrize(("keywords", "words"), CASES)
def test_the_same_as_langchain_aws(
    keywords: list[str], words: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    langchain_aws = pytest.importorskip("langchain_aws")
    for name in ("AWS_PROFILE", "AWS_BEARER_TOKEN_BEDROCK"):
        monkeypatch.delenv(name, raising=False)
    partner = langchain_aws.ChatBedrockConverse(
        model="anthropic.claude-3-5-haiku-20241022-v1:0",
        region_name="us-east-1",
        aws_access_key_id="k",
        aws_secret_access_key="s",
    )

    class Client:
        def converse(self, **params: Any) -> Any:
            raise _Sent

    object.__setattr__(partner, "client", Client())
    values: dict[str, Any] = {
        name: [] if name in ("tools", "additional_model_response_field_paths") else None
        for name in keywords
    }
    with pytest.raises((TypeError, _Sent)) as info:
        partner.invoke("Hi", **values)
    assert (str(info.value) if info.type is TypeError else None) == words
