"""ChatAnthropicBedrock's record: ChatAnthropic's with langchain-aws's fields (region,
AWS keys, guardrails), built on the Bedrock adapter; its key and base URL held and
unused, its version Bedrock's, its token counts the SDK's error."""

from __future__ import annotations

from typing import Any

import pytest

from chatplex.providers.bedrock import anthropic_dropin
from chatplex.providers.bedrock.anthropic_bedrock import AnthropicBedrockAdapter
from chatplex.providers.bedrock.anthropic_dropin import ChatAnthropicBedrock
from chatplex.providers.bedrock.anthropic_dropin import build

pytest.importorskip("botocore")
pytestmark = pytest.mark.usefixtures("isolated_aws")

MODEL = "us.anthropic.claude-sonnet-4-5-20250929-v1:0"
KEYS = {"aws_access_key_id": "AKIDEXAMPLE", "aws_secret_access_key": "not-a-real-secret"}


def built(**given: Any) -> Any:
    return build({"model": MODEL, "region_name": "us-west-2", **KEYS, **given})


def test_docstring_examples() -> None:
    import doctest

    failures, tried = doctest.testmod(anthropic_dropin)
    assert failures == 0 and tried > 0


def test_its_fields_are_chatanthropics_and_langchain_aws_own() -> None:
    names = [field.name for field in ChatAnthropicBedrock.declared]
    assert names[-5:] == [
        "region_name",
        "aws_access_key_id",
        "aws_secret_access_key",
        "aws_session_token",
        "guardrail_config",
    ]
    assert (
        "anthropic_api_key" in names and ChatAnthropicBedrock.llm_type == "anthropic-bedrock-chat"
    )


def test_built_on_bedrock_its_base_url_held_not_used() -> None:
    model = built(base_url="http://127.0.0.1:9/elsewhere", anthropic_api_key="sk-ant-unused")
    adapter = model.adapter
    assert isinstance(adapter, AnthropicBedrockAdapter)
    assert adapter.endpoint_url == "https://bedrock-runtime.us-west-2.amazonaws.com"
    assert adapter.anthropic_version == "bedrock-2023-05-31"


def test_chatplexs_version_setting_is_sent_where_given() -> None:
    assert built(anthropic_version="bedrock-2099-01-01").adapter.anthropic_version == (
        "bedrock-2099-01-01"
    )


def test_guardrails_are_its_alias_and_an_incomplete_one_is_refused() -> None:
    given = {"guardrailIdentifier": "gr-1", "guardrailVersion": "2"}
    assert built(guardrails=given).adapter.guardrail_config == given
    with pytest.raises(ValueError, match="requires both"):
        built(guardrail_config={"guardrailVersion": "2"})


def test_token_counts_raise_the_sdks_error() -> None:
    anthropic = pytest.importorskip("anthropic")
    from langchain_core.messages import HumanMessage

    from chatplex.langchain import ChatAnthropicBedrock as Drop

    model = Drop(model=MODEL, region_name="us-west-2", **KEYS)
    with pytest.raises(anthropic.AnthropicError, match="not supported in Bedrock"):
        model.get_num_tokens_from_messages([HumanMessage("hi")])


def test_a_key_given_as_api_key_is_not_held_as_langchain_aws_drops_it() -> None:
    from chatplex.langchain import ChatAnthropicBedrock as Drop

    model = Drop(model=MODEL, region_name="us-west-2", api_key="sk-dropped", **KEYS)
    assert model.anthropic_api_key.get_secret_value() == ""
    assert "anthropic_api_key" in model.model_fields_set  # (its validator's: set)
    named = Drop(model=MODEL, region_name="us-west-2", anthropic_api_key="sk-kept", **KEYS)
    assert named.anthropic_api_key.get_secret_value() == "sk-kept"
